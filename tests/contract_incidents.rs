//! The contract's rules on incidents and what the engineer records about them, through the engine on a real
//! store with the clock moved by hand: major accidents, a server fault found by hand, reclassification, and
//! the delivered quarterly summary. Every expected figure is worked out by hand in the comment beside it.

#[path = "records_support/contract.rs"]
mod contract;
#[path = "records_support/rig.rs"]
mod rig;

use chrono::Duration;
use contract::{Q4, contract, open_at, open_command, refused, score};
use rig::{Rig, local};
use watchdesk::engine::{Command, ContractCommand, ContractReply, RecordsCommand, RecordsReply, Reply};
use watchdesk::model::{AccidentEntry, Incident, NewIncident, Responsibility};
use watchdesk::policy::{Kind, Severity, Stage};
use watchdesk::report::score::ScoreItem;

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
