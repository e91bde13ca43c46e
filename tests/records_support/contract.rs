//! The contract tests' words for the engine: a score, a full daily record, a refusal, a contract record, a
//! hand-entered score item and an incident opened at a given time, each through the records rig.
#![allow(dead_code)]

use chrono::NaiveDate;
use watchdesk::engine::{Command, ContractCommand, ContractReply, RecordsCommand, RecordsReply};
use watchdesk::model::{Actor, DailyEntry, HandItem, IncidentId, NewIncident, Quarter};
use watchdesk::policy::{Kind, Severity};
use watchdesk::report::score::Score;

use crate::rig::{self, Rig};

pub const Q4: Quarter = Quarter { year: 2026, q: 4 };

pub fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

pub async fn score(rig: &Rig, quarter: Option<Quarter>) -> Score {
    match rig.records("li", RecordsCommand::Score { quarter }).await {
        RecordsReply::Score(s) => s,
        other => panic!("expected a score, got {other:?}"),
    }
}

pub async fn save_full_day(rig: &Rig, date: NaiveDate) {
    let entry = DailyEntry {
        anomaly_checked: true,
        anomaly_note: None,
        archive_done: Some(true),
        notes: None,
    };
    rig.records(
        "li",
        RecordsCommand::SaveDaily {
            date: Some(date),
            entry,
        },
    )
    .await;
}

/// A command the engine must refuse as bad input; returns its words.
pub async fn refused(rig: &Rig, command: Command) -> String {
    match rig.engine.execute(Actor::named("li"), command).await {
        Err(e) => {
            assert!(e.is_bad_input(), "not bad input: {e}");
            e.to_string()
        }
        Ok(reply) => panic!("expected a refusal, got {reply:?}"),
    }
}

pub async fn contract(rig: &Rig, command: ContractCommand) -> ContractReply {
    match rig.records("li", RecordsCommand::Contract(command)).await {
        RecordsReply::Contract(r) => r,
        other => panic!("expected a contract reply, got {other:?}"),
    }
}

pub async fn set(rig: &Rig, item: HandItem, value: f64, reason: &str) -> Score {
    let command = RecordsCommand::SetScoreItem {
        quarter: None,
        item,
        value,
        reason: reason.into(),
    };
    match rig.records("li", command).await {
        RecordsReply::Score(s) => s,
        other => panic!("expected a score, got {other:?}"),
    }
}

pub fn open_command(
    kind: Kind,
    severity: Severity,
    detected_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Command {
    Command::OpenIncident(NewIncident {
        kind,
        severity,
        title: "登录接口报错".into(),
        subsystem: None,
        detected_at,
        source: None,
        host: None,
    })
}

pub async fn open_at(rig: &Rig, severity: Severity, at: chrono::DateTime<chrono::Utc>) -> IncidentId {
    rig::incident(rig.run("li", open_command(Kind::Fault, severity, Some(at))).await).id
}
