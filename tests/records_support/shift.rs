//! The records pages' day shift on a real engine, and the engine's answers handed to the app as the event loop
//! hands them.
#![allow(dead_code)]

use watchdesk::clock::Clock;
use watchdesk::engine::{Command, RecordsCommand};
use watchdesk::model::{Actor, DailyEntry};
use watchdesk::policy::{Kind, Severity};
use watchdesk::tui::app::{Action, App, Effect, UiState};

use crate::rig::{Rig, local};

/// The command an effect sends, with its token.
pub fn sent(effect: Option<Effect>) -> (u64, Command) {
    match effect {
        Some(Effect::Execute { token, command }) => (token, command),
        other => panic!("expected a command, got {other:?}"),
    }
}

pub fn records(command: Command) -> RecordsCommand {
    match command {
        Command::Records(r) => r,
        other => panic!("expected a records command, got {other:?}"),
    }
}

/// Runs what the app sent on the engine and hands the answer back, as the event loop does.
pub async fn answer(rig: &Rig, app: &mut App, effect: Option<Effect>) -> Option<Effect> {
    let (token, command) = sent(effect);
    let result = rig
        .engine
        .execute(Actor::named("li"), command)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    app.update(Action::Reply { token, result })
}

/// A day shift on 2026-11-28 (Shanghai): a critical outage handled in time, a major fault late on its response,
/// and yesterday's ledger saved. The app sits at 16:00 with the engine's own snapshot.
pub async fn shift() -> (Rig, App) {
    let day = |h, m| local(2026, 11, 28, h, m);
    let rig = Rig::start(day(7, 50));
    rig.set(day(8, 0));
    rig.records(
        "wang",
        RecordsCommand::RecordHandover {
            to: "li".into(),
            notes: Some("夜班平稳".into()),
            since: None,
        },
    )
    .await;
    rig.records(
        "wang",
        RecordsCommand::SaveDaily {
            date: Some(local(2026, 11, 27, 12, 0).date_naive()),
            entry: DailyEntry {
                anomaly_checked: true,
                anomaly_note: None,
                archive_done: Some(true),
                notes: None,
            },
        },
    )
    .await;
    rig.set(day(9, 0));
    let outage = rig
        .open(
            "li",
            Kind::Fault,
            Severity::Critical,
            "数字管理子系统无法访问",
            Some("digital"),
            None,
        )
        .await;
    rig.set(day(9, 5));
    rig.ack("li", outage, None, Some("排查中")).await;
    rig.set(day(10, 30));
    rig.resolve("li", outage, "数据库连接池耗尽", "重启应用并调大连接池", None)
        .await;
    rig.set(day(14, 0));
    let slow = rig
        .open(
            "li",
            Kind::Fault,
            Severity::Major,
            "综合展示子系统地图加载缓慢",
            Some("display"),
            None,
        )
        .await;
    rig.set(day(14, 30));
    rig.ack("li", slow, None, None).await;
    rig.set(day(16, 0));
    // A records command brings the snapshot's score up to this moment (the engine's tick would, a second on).
    rig.records("li", RecordsCommand::Score { quarter: None }).await;
    let app = App::new(rig.engine.snapshot(), UiState::new("li"), rig.clock.now());
    (rig, app)
}
