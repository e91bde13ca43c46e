//! The contract's rules that rest on records the engineer enters, through the engine on a real store with the
//! clock moved by hand: the service start and its quarters, personnel's four sub-items, major accidents, a
//! server fault found by hand, reclassification, and the delivered quarterly summary. Every expected figure is
//! worked out by hand in the comment beside it.

#[path = "records_support/rig.rs"]
mod rig;

use chrono::{Duration, NaiveDate};
use rig::{Rig, config_with, local};
use watchdesk::engine::{Command, ContractCommand, ContractReply, RecordsCommand, RecordsReply, Reply};
use watchdesk::model::{
    AccidentEntry, Actor, DailyEntry, HandEntry, HandItem, Incident, IncidentId, NewIncident, Quarter,
    Responsibility,
};
use watchdesk::policy::{Kind, Severity, Stage};
use watchdesk::report::score::{Basis, Score, ScoreItem};
use watchdesk::store::{Put, Store, TreeName};

const Q4: Quarter = Quarter { year: 2026, q: 4 };

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

async fn score(rig: &Rig, quarter: Option<Quarter>) -> Score {
    match rig.records("li", RecordsCommand::Score { quarter }).await {
        RecordsReply::Score(s) => s,
        other => panic!("expected a score, got {other:?}"),
    }
}

async fn save_full_day(rig: &Rig, date: NaiveDate) {
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
async fn refused(rig: &Rig, command: Command) -> String {
    match rig.engine.execute(Actor::named("li"), command).await {
        Err(e) => {
            assert!(e.is_bad_input(), "not bad input: {e}");
            e.to_string()
        }
        Ok(reply) => panic!("expected a refusal, got {reply:?}"),
    }
}

async fn contract(rig: &Rig, command: ContractCommand) -> ContractReply {
    match rig.records("li", RecordsCommand::Contract(command)).await {
        RecordsReply::Contract(r) => r,
        other => panic!("expected a contract reply, got {other:?}"),
    }
}

async fn set(rig: &Rig, item: HandItem, value: f64, reason: &str) -> Score {
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

fn open_command(
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

async fn open_at(rig: &Rig, severity: Severity, at: chrono::DateTime<chrono::Utc>) -> IncidentId {
    rig::incident(rig.run("li", open_command(Kind::Fault, severity, Some(at))).await).id
}

#[tokio::test]
async fn days_before_the_service_start_are_not_missing_records() {
    // Service from 1 November 2026; now 6 November 10:00. Records for 1–5 November, each with the anomaly
    // check and the database archive done.
    let now = local(2026, 11, 6, 10, 0);
    let with_start = Rig::start_with(
        tempfile::tempdir().unwrap(),
        config_with("[contract]\nstart = \"2026-11-01\"\n"),
        now,
    );
    let without = Rig::start(now);
    for rig in [&with_start, &without] {
        for d in 1..=5 {
            save_full_day(rig, day(11, d)).await;
        }
    }
    let s = score(&with_start, None).await;
    // Counted: 1 to 5 November (today has no record yet) = 5 days, all recorded: 5 × 5/5 = 5 points each for
    // the ledger and the archive, 3 × 5/5 = 3 for the anomaly check. October's 31 days are before the service.
    assert_eq!(s.days_counted, 5);
    assert_eq!(s.service.days_before_start, 31);
    assert_eq!(s.service.quarter, Some(1));
    assert_eq!(s.points(ScoreItem::DailyLedger), 5.0);
    assert_eq!(s.points(ScoreItem::DatabaseArchive), 5.0);
    assert_eq!(s.points(ScoreItem::DataAnomaly), 3.0);
    // Everything else full (hand items not entered count full) except the quarterly summary, not delivered:
    // 100 − 5 = 95.
    assert_eq!(s.total, 95.0);
    assert!(
        s.line(ScoreItem::QuarterlySummary)
            .unwrap()
            .detail
            .contains("not produced or delivered yet")
    );

    let s = score(&without, None).await;
    // Without a start, 1 October to 5 November = 31 + 5 = 36 days count and 5 have records:
    // ledger 5 × 5/36 = 0.69, archive 0.69, anomaly 3 × 5/36 = 0.42; total 95 − (5 − 0.69) × 2 − (3 − 0.42)
    // = 95 − 8.62 − 2.58 = 83.8 (the "82 on a fresh install" surprise).
    assert_eq!(s.days_counted, 36);
    assert_eq!(s.points(ScoreItem::DailyLedger), 0.69);
    assert_eq!(s.points(ScoreItem::DataAnomaly), 0.42);
    assert_eq!(s.total, 83.8);
}

#[test]
fn a_bad_contract_start_names_its_line_and_column() {
    let text = "[[host]]\nname = \"local\"\nsource = \"local\"\n[contract]\nstart = \"2026-13-01\"\n";
    let err = watchdesk::config::Config::parse(std::path::Path::new("c.toml"), text).unwrap_err();
    let loc = err.located().unwrap();
    // Line 5, the value starts at column 9 (`start = "` is 8 characters).
    assert_eq!((loc.line, loc.column), (5, 9));
    let words = err.to_string();
    assert!(
        words.contains("invalid date \"2026-13-01\": write it as YYYY-MM-DD"),
        "{words}"
    );

    let text = "[[host]]\nname = \"local\"\nsource = \"local\"\n[contract]\nbegin = \"2026-07-01\"\n";
    let err = watchdesk::config::Config::parse(std::path::Path::new("c.toml"), text).unwrap_err();
    assert!(err.to_string().contains("unknown field `begin`"), "{err}");
}

#[tokio::test]
async fn the_fee_follows_the_mean_of_the_service_half_year() {
    // Service from 1 April 2026: service quarters 1 + 2 are 2026Q2 + 2026Q3, so 2026Q3 is paid on its mean
    // with 2026Q2 (calendar halves would pair it with 2026Q4, not begun). Now 10 August 10:00.
    let rig = Rig::start_with(
        tempfile::tempdir().unwrap(),
        config_with("[contract]\nstart = \"2026-04-01\"\n"),
        local(2026, 8, 10, 10, 0),
    );
    // A critical fault on 10 June acknowledged after 20 minutes (15 allowed), then resolved with its archive.
    let detected = local(2026, 6, 10, 9, 0);
    let id = open_at(&rig, Severity::Critical, detected).await;
    rig.ack("li", id, Some(detected + Duration::minutes(20)), None)
        .await;
    rig.resolve("li", id, "证书过期", "更换证书", None).await;

    let s = score(&rig, Some(Quarter { year: 2026, q: 3 })).await;
    assert_eq!(s.service.quarter, Some(2));
    // 2026Q3: 1 July to 9 August = 31 + 9 = 40 days counted, none recorded: ledger 0, archive 0, anomaly 0,
    // summary 0. Personnel 45 + faults 15 + fault archive 5 + tasks 5 + server 2 + complaints 10 = 82.
    assert_eq!(s.total, 82.0);
    let half = s.half_year.as_ref().expect("the service half year");
    assert_eq!(half.label, "2026Q2–2026Q3");
    // 2026Q2: 91 days, none recorded: 0 for ledger, archive, anomaly, summary. Faults 15 − 1 (the late
    // critical) = 14; archive 1 of 1 = 5. 45 + 14 + 5 + 5 + 2 + 10 = 81. Mean (82 + 81) / 2 = 81.5:
    // 80 to 90 pays 81.5 %.
    assert_eq!(
        half.quarters,
        vec![
            (Quarter { year: 2026, q: 2 }, 81.0),
            (Quarter { year: 2026, q: 3 }, 82.0)
        ]
    );
    assert_eq!(half.mean, 81.5);
    assert_eq!(half.payment.fee_pct, 81.5);
    let words = s.fee_words();
    assert!(
        words.contains("This quarter 82: 80 to 90: 82 % of the fee"),
        "{words}"
    );
    assert!(
        words.contains(
            "The fee follows the half-year mean: 2026Q2–2026Q3 81.5 (projected) — 80 to 90: 81.5 % of the fee"
        ),
        "{words}"
    );
}

#[tokio::test]
async fn personnel_is_four_sub_items_each_floored_at_zero() {
    let rig = Rig::start(local(2026, 11, 2, 10, 0));
    // Not reachable 3 times: 10 − 3 × 1 = 7.
    set(&rig, HandItem::PersonnelContact, 3.0, "三次未接电话").await;
    // Staff changed 4 times without consent: 15 − 4 × 5 = −5, floored at 0.
    set(&rig, HandItem::PersonnelChange, 4.0, "四次更换").await;
    // Extra staff missing once: 5 − 1 = 4.
    set(&rig, HandItem::PersonnelExtra, 1.0, "国庆保障未到").await;
    // Satisfaction graded 12 of 15.
    let s = set(&rig, HandItem::PersonnelSatisfaction, 12.0, "甲方评分").await;
    let parts: Vec<(HandItem, f64, f64)> = s.personnel.iter().map(|p| (p.item, p.points, p.max)).collect();
    assert_eq!(
        parts,
        vec![
            (HandItem::PersonnelContact, 7.0, 10.0),
            (HandItem::PersonnelChange, 0.0, 15.0),
            (HandItem::PersonnelExtra, 4.0, 5.0),
            (HandItem::PersonnelSatisfaction, 12.0, 15.0),
        ]
    );
    // 7 + 0 + 4 + 12 = 23 of 45.
    assert_eq!(s.points(ScoreItem::Personnel), 23.0);
    assert_eq!(s.line(ScoreItem::Personnel).unwrap().basis, Basis::Entered);
    assert!(!s.not_entered.iter().any(|i| HandItem::PERSONNEL.contains(i)));

    // The single 0–45 figure is no longer taken, and the refusal names the sub-items.
    let words = refused(
        &rig,
        Command::Records(RecordsCommand::SetScoreItem {
            quarter: None,
            item: HandItem::Personnel,
            value: 40.0,
            reason: "x".into(),
        }),
    )
    .await;
    assert!(
        words.contains("personnel is entered as its four sub-items"),
        "{words}"
    );
    // A count must be whole.
    let words = refused(
        &rig,
        Command::Records(RecordsCommand::SetScoreItem {
            quarter: None,
            item: HandItem::PersonnelContact,
            value: 1.5,
            reason: "x".into(),
        }),
    )
    .await;
    assert!(
        words.contains("contact must be a whole count from 0 to 99, got 1.5"),
        "{words}"
    );
}

#[tokio::test]
async fn a_store_with_the_single_personnel_figure_is_read_until_a_sub_item_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let now = local(2026, 11, 2, 10, 0);
    {
        // What an older watchdesk wrote: one figure out of 45.
        let mut store = Store::open_keyed(dir.path(), rig::test_key()).unwrap();
        let old = HandEntry {
            quarter: Q4,
            item: HandItem::Personnel,
            value: 42.0,
            reason: "一次请假未报备".into(),
            at: now - Duration::days(1),
            actor: Actor::named("li"),
        };
        let key = HandEntry::key(Q4, HandItem::Personnel);
        let put = Put::json(TreeName::Scores, key.clone(), &old).unwrap();
        store
            .commit(
                &Actor::named("li"),
                now,
                "score.set",
                &key,
                serde_json::json!({}),
                vec![put],
            )
            .unwrap();
    }
    let rig = Rig::start_in(dir, now);
    let s = score(&rig, None).await;
    // The old figure stands as entered: 42.
    assert_eq!(s.points(ScoreItem::Personnel), 42.0);
    let line = s.line(ScoreItem::Personnel).unwrap();
    assert_eq!(line.basis, Basis::Entered);
    assert!(
        line.detail
            .contains("entered as one figure before the four sub-items"),
        "{}",
        line.detail
    );
    assert!(s.personnel.is_empty());

    // One sub-item entered: the sub-items rule. Satisfaction 13, the other three not entered (full):
    // 10 + 15 + 5 + 13 = 43.
    let s = set(&rig, HandItem::PersonnelSatisfaction, 13.0, "甲方评分").await;
    assert_eq!(s.points(ScoreItem::Personnel), 43.0);
    assert!(
        s.line(ScoreItem::Personnel)
            .unwrap()
            .detail
            .contains("replaces the single figure 42")
    );
    assert_eq!(
        s.not_entered[..3],
        [
            HandItem::PersonnelContact,
            HandItem::PersonnelChange,
            HandItem::PersonnelExtra
        ]
    );
}

#[tokio::test]
async fn two_major_accidents_caused_by_the_contractor_let_the_client_cancel() {
    let rig = Rig::start(local(2026, 11, 20, 10, 0));
    let entry = |title: &str, responsibility| AccidentEntry {
        at: local(2026, 11, 3, 2, 0),
        title: title.into(),
        evidence: "甲方函〔2026〕12号".into(),
        reason: "数据丢失两小时".into(),
        responsibility,
        incident: None,
    };
    // Evidence is required; nothing is stored without it.
    let mut no_evidence = entry("数据库宕机", Responsibility::Contractor);
    no_evidence.evidence = " ".into();
    let words = refused(
        &rig,
        Command::Records(RecordsCommand::Contract(ContractCommand::RecordAccident(
            no_evidence,
        ))),
    )
    .await;
    assert_eq!(words, "evidence must not be empty");
    // An accident in the future is refused.
    let mut future = entry("x", Responsibility::Contractor);
    future.at = local(2026, 11, 21, 10, 0);
    let words = refused(
        &rig,
        Command::Records(RecordsCommand::Contract(ContractCommand::RecordAccident(future))),
    )
    .await;
    assert_eq!(
        words,
        "the accident is dated in the future; it can only be recorded for now or the past"
    );

    contract(
        &rig,
        ContractCommand::RecordAccident(entry("数据库宕机", Responsibility::Contractor)),
    )
    .await;
    contract(
        &rig,
        ContractCommand::RecordAccident(entry("机房断电", Responsibility::Undetermined)),
    )
    .await;
    let s = score(&rig, None).await;
    // One by the contractor (the other undetermined): the fee follows the score alone.
    assert_eq!(s.accidents.in_quarter.len(), 2);
    assert_eq!(s.accidents.by_contractor, 1);
    assert!(!s.payment.may_cancel);

    // The responsibility of accident 2 is found to be the contractor's: two, and the client may cancel
    // although the score is above 90 (100 − 5 for the undelivered summary − ledger days missing).
    let ContractReply::Accident(amended) = contract(
        &rig,
        ContractCommand::AmendAccident {
            number: 2,
            responsibility: Responsibility::Contractor,
            reason: "认定为运维未按时巡检".into(),
            evidence: None,
        },
    )
    .await
    else {
        panic!("expected the accident");
    };
    assert_eq!(
        (amended.revision, amended.evidence.as_str()),
        (2, "甲方函〔2026〕12号")
    );
    let s = score(&rig, None).await;
    assert_eq!(s.accidents.by_contractor, 2);
    assert!(s.payment.may_cancel);
    assert!(
        s.payment
            .words()
            .contains("2 major accidents caused by the contractor: the client may refuse the rest of the fee and cancel the contract"),
        "{}",
        s.payment.words()
    );
    // Amending an accident that does not exist says so.
    let words = refused(
        &rig,
        Command::Records(RecordsCommand::Contract(ContractCommand::AmendAccident {
            number: 9,
            responsibility: Responsibility::Other,
            reason: "x".into(),
            evidence: None,
        })),
    )
    .await;
    assert!(words.contains("no major accident number 9"), "{words}");

    // Each write is in the audit log, the amendment with the version it replaced.
    let (_dir, store) = rig.stop().await;
    let actions: Vec<(String, String)> = store
        .audit_events()
        .map(|e| e.unwrap())
        .filter(|e| e.action.starts_with("accident."))
        .map(|e| (e.action.clone(), e.target.clone()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("accident.record".to_string(), "accident/0001".to_string()),
            ("accident.record".to_string(), "accident/0002".to_string()),
            ("accident.amend".to_string(), "accident/0002".to_string()),
        ]
    );
}

#[tokio::test]
async fn a_server_fault_found_by_hand_counts_for_the_12_hour_report() {
    let rig = Rig::start(local(2026, 11, 2, 10, 0));
    let open_on = |host: &str, at| {
        Command::OpenIncident(NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: "磁盘将满".into(),
            subsystem: None,
            detected_at: Some(at),
            source: None,
            host: Some(host.into()),
        })
    };
    // A host that is not configured is refused, naming the ones that are.
    let words = refused(&rig, open_on("db-09", local(2026, 11, 1, 8, 0))).await;
    assert_eq!(
        words,
        "unknown host \"db-09\": accepted are the configured hosts \"app-01\""
    );

    // Found on 1 November 08:00, reported (acknowledged) at 21:00: 13 h, over the 12 allowed.
    let late: Incident = rig::incident(rig.run("li", open_on("app-01", local(2026, 11, 1, 8, 0))).await);
    assert_eq!(late.server(), Some("app-01"));
    rig.ack("li", late.id, Some(local(2026, 11, 1, 21, 0)), None)
        .await;
    let s = score(&rig, None).await;
    // 0 of 1 in time: 2 × 0/1 = 0.
    assert_eq!(s.points(ScoreItem::ServerReport), 0.0);
    assert_eq!(
        s.line(ScoreItem::ServerReport).unwrap().detail,
        "0 of 1 server fault reported in time"
    );

    // Another, reported after 1 hour: 1 of 2 in time, 2 × 1/2 = 1.
    let on_time = rig::incident(rig.run("li", open_on("app-01", local(2026, 11, 2, 8, 0))).await);
    rig.ack("li", on_time.id, Some(local(2026, 11, 2, 9, 0)), None)
        .await;
    let s = score(&rig, None).await;
    assert_eq!(s.points(ScoreItem::ServerReport), 1.0);
}

#[tokio::test]
async fn reclassifying_to_minor_keeps_a_deadline_already_missed() {
    // The contract deducts for each fault whose response "exceeded the contract's time"; a major fault's
    // 15-minute response that passed undone was exceeded, whatever the fault is called afterwards.
    let detected = local(2026, 11, 2, 9, 0);
    let rig = Rig::start(detected + Duration::minutes(30));
    let id = open_at(&rig, Severity::Major, detected).await;
    // Reclassified at 09:20 (due 09:15 passed undone), acknowledged at 09:25.
    let reclassify = |at, severity| Command::Reclassify {
        id,
        at: Some(at),
        severity,
        reason: "仅个别用户界面问题".into(),
    };
    rig.run(
        "li",
        reclassify(detected + Duration::minutes(20), Severity::Minor),
    )
    .await;
    let inc = rig
        .ack("li", id, Some(detected + Duration::minutes(25)), None)
        .await;
    let misses = inc.earlier_misses(&watchdesk::policy::Policy::default());
    assert_eq!(misses.len(), 1);
    assert_eq!(
        (misses[0].severity, misses[0].stage),
        (Severity::Major, Stage::Respond)
    );
    let s = score(&rig, None).await;
    // Charged once, as major: 15 − 0.3 = 14.7.
    assert_eq!(s.points(ScoreItem::FaultResponse), 14.7);
    assert_eq!(s.faults.len(), 1);
    assert_eq!(
        (s.faults[0].severity, s.faults[0].charged_as),
        (Severity::Minor, Severity::Major)
    );

    // A fault reclassified at 09:10, before its response was due, owes nothing: minor has no deadline.
    let other = open_at(&rig, Severity::Major, detected).await;
    rig.run(
        "li",
        Command::Reclassify {
            id: other,
            at: Some(detected + Duration::minutes(10)),
            severity: Severity::Minor,
            reason: "影响很小".into(),
        },
    )
    .await;
    let s = score(&rig, None).await;
    // Still only the first fault: 14.7.
    assert_eq!(s.points(ScoreItem::FaultResponse), 14.7);

    // --at before detection, or in the future, is refused.
    let third = open_at(&rig, Severity::Major, detected).await;
    let words = refused(
        &rig,
        Command::Reclassify {
            id: third,
            at: Some(detected - Duration::minutes(1)),
            severity: Severity::Minor,
            reason: "x".into(),
        },
    )
    .await;
    assert!(words.contains("is before detection"), "{words}");
    let words = refused(
        &rig,
        Command::Reclassify {
            id: third,
            at: Some(detected + Duration::hours(2)),
            severity: Severity::Minor,
            reason: "x".into(),
        },
    )
    .await;
    assert!(words.contains("is in the future"), "{words}");
}

#[tokio::test]
async fn a_change_request_or_security_finding_cannot_be_reclassified() {
    let rig = Rig::start(local(2026, 11, 2, 10, 0));
    for kind in [Kind::Change, Kind::Security] {
        let id = rig::incident(rig.run("li", open_command(kind, Severity::Minor, None)).await).id;
        let words = refused(
            &rig,
            Command::Reclassify {
                id,
                at: None,
                severity: Severity::Critical,
                reason: "x".into(),
            },
        )
        .await;
        assert_eq!(
            words,
            format!(
                "a {kind} has no severity: its deadline is the same whatever the severity; leave --severity out"
            )
        );
    }
}

#[tokio::test]
async fn the_quarterly_summary_is_earned_by_recording_its_delivery() {
    let rig = Rig::start(local(2026, 12, 30, 10, 0));
    let delivered = |at| {
        Command::Records(RecordsCommand::Contract(ContractCommand::ReportDelivered {
            quarter: Some(Q4),
            to: "水利厅信息中心 张工".into(),
            at,
            note: Some("邮件发送".into()),
        }))
    };
    // Not produced yet: nothing to deliver.
    let words = refused(&rig, delivered(None)).await;
    assert!(
        words.contains("the quarterly report of 2026Q4 has not been produced yet"),
        "{words}"
    );

    // Produced (printed): still 0 of 5.
    rig.records("li", RecordsCommand::QuarterlyReport { quarter: Some(Q4) })
        .await;
    let s = score(&rig, Some(Q4)).await;
    assert_eq!(s.points(ScoreItem::QuarterlySummary), 0.0);
    assert!(
        s.line(ScoreItem::QuarterlySummary)
            .unwrap()
            .detail
            .contains("not delivered yet")
    );

    // A delivery dated before the quarter began is refused.
    let words = refused(&rig, delivered(Some(local(2026, 9, 30, 10, 0)))).await;
    assert!(
        words.starts_with("the delivery is dated before 2026Q4 began (2026-10-01)"),
        "{words}"
    );

    // Delivered on 29 December 15:00: 5 of 5, saying to whom and when.
    let before = score(&rig, Some(Q4)).await.total;
    match rig.run("li", delivered(Some(local(2026, 12, 29, 15, 0)))).await {
        Reply::Records(r) => assert!(matches!(*r, RecordsReply::Contract(ContractReply::Delivered(_)))),
        other => panic!("{other:?}"),
    }
    let s = score(&rig, Some(Q4)).await;
    assert_eq!(s.points(ScoreItem::QuarterlySummary), 5.0);
    assert_eq!(
        s.line(ScoreItem::QuarterlySummary).unwrap().detail,
        "delivered to 水利厅信息中心 张工 on 2026-12-29 15:00 (recorded by li)"
    );
    // The total rises by exactly those 5 points.
    assert_eq!(s.total, before + 5.0);

    let (_dir, store) = rig.stop().await;
    let delivered: Vec<String> = store
        .audit_events()
        .map(|e| e.unwrap())
        .filter(|e| e.action == "report.delivered")
        .map(|e| e.target)
        .collect();
    assert_eq!(delivered, ["2026Q4/delivered"]);
}
