//! The score tables of the contract, row by row.

use chrono::{Duration, NaiveDate, TimeZone};

use super::*;
use crate::model::{Actor, AutoSource, DailyEntry, DailyFigures, IncidentId, NewIncident, Resolution};
use crate::policy::Kind;

const Q4: Quarter = Quarter { year: 2026, q: 4 };

/// 2026-11-02 09:00 in Shanghai.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn fault(seq: u32, severity: Severity, detected: DateTime<Utc>) -> Incident {
    Incident::open(
        IncidentId { year: 2026, seq },
        NewIncident {
            kind: Kind::Fault,
            severity,
            title: format!("fault {seq}"),
            subsystem: None,
            detected_at: Some(detected),
            source: None,
            host: None,
        },
        Actor::named("li"),
        detected,
    )
    .unwrap()
}

/// A fault handled entirely within its deadlines.
fn on_time(seq: u32, severity: Severity) -> Incident {
    let at = now() - Duration::days(3);
    let mut i = fault(seq, severity, at);
    let li = Actor::named("li");
    i.acknowledge(&li, None, at + Duration::minutes(5), None, None)
        .unwrap();
    i.plan(&li, None, at + Duration::minutes(30), "plan").unwrap();
    i.resolve(&li, None, at + Duration::hours(1), resolution())
        .unwrap();
    i
}

/// A fault acknowledged after 20 minutes (late on respond only), then handled in time.
fn late_ack(seq: u32, severity: Severity) -> Incident {
    let at = now() - Duration::days(3);
    let mut i = fault(seq, severity, at);
    let li = Actor::named("li");
    i.acknowledge(&li, None, at + Duration::minutes(20), None, None)
        .unwrap();
    i.resolve(&li, None, at + Duration::hours(1), resolution())
        .unwrap();
    i
}

fn resolution() -> Resolution {
    Resolution {
        cause: "cause".into(),
        process: "process".into(),
        solution: None,
    }
}

fn record(date: NaiveDate, anomaly: bool, archive: bool) -> DailyRecord {
    DailyRecord::save(
        None,
        date,
        date,
        DailyEntry {
            anomaly_checked: anomaly,
            anomaly_note: None,
            archive_done: Some(archive),
            notes: None,
        },
        DailyFigures::default(),
        &Actor::named("li"),
        now(),
    )
    .unwrap()
}

/// A record for every day of the quarter so far (1 October to 1 November), both checks done.
fn full_ledger() -> Vec<DailyRecord> {
    Q4.days().take(32).map(|d| record(d, true, true)).collect()
}

fn score(incidents: &[Incident], daily: &[DailyRecord], hand: &[HandEntry]) -> Score {
    let policy = Policy::default();
    compute(&ScoreInput {
        quarter: Q4,
        now: now(),
        policy: &policy,
        incidents,
        daily,
        hand,
        produced: None,
        contract: &ContractRecords::default(),
    })
}

#[test]
fn no_faults_keep_all_15_points() {
    let s = score(&[], &[], &[]);
    assert_eq!(s.points(ScoreItem::FaultResponse), 15.0);
    let s = score(
        &[on_time(1, Severity::Critical), on_time(2, Severity::Major)],
        &[],
        &[],
    );
    assert_eq!(s.points(ScoreItem::FaultResponse), 15.0);
    assert!(s.faults.is_empty());
}

#[test]
fn one_late_critical_and_one_late_major_leave_13_7() {
    let s = score(
        &[
            late_ack(1, Severity::Critical),
            late_ack(2, Severity::Major),
            on_time(3, Severity::Critical),
        ],
        &[],
        &[],
    );
    assert_eq!(s.points(ScoreItem::FaultResponse), 13.7);
    assert_eq!(s.fault_deductions, 1.3);
    assert_eq!(s.faults.len(), 2);
    assert_eq!(s.faults[0].late, vec![Stage::Respond]);
}

#[test]
fn deductions_past_15_floor_at_0() {
    let faults: Vec<Incident> = (1..=17).map(|n| late_ack(n, Severity::Critical)).collect();
    let s = score(&faults, &[], &[]);
    assert_eq!(s.points(ScoreItem::FaultResponse), 0.0);
    assert_eq!(s.fault_deductions, 17.0);
}

#[test]
fn a_fault_late_on_two_deadlines_costs_once() {
    // Open, never acknowledged, 3 hours on: late to respond (15 min) and to plan (2 h).
    let i = fault(1, Severity::Critical, now() - Duration::hours(3));
    let s = score(&[i], &[], &[]);
    assert_eq!(s.faults[0].late, vec![Stage::Respond, Stage::Plan]);
    assert!(s.faults[0].open);
    assert_eq!(s.points(ScoreItem::FaultResponse), 14.0);
    // Minor faults cost 0.2, and tickets other than faults cost nothing here.
    let mut minor = fault(2, Severity::Minor, now() - Duration::days(2));
    minor
        .acknowledge(
            &Actor::named("li"),
            None,
            now() - Duration::days(2),
            None,
            Some(now() - Duration::days(1)),
        )
        .unwrap();
    let mut change = fault(3, Severity::Major, now() - Duration::days(3));
    change.kind = Kind::Change;
    let s = score(&[minor, change], &[], &[]);
    assert_eq!(s.points(ScoreItem::FaultResponse), 14.8);
}

#[test]
fn payment_bands_at_their_edges() {
    let cases = [
        (90.1, Band::Full, 100.0, false),
        (90.0, Band::Proportional, 90.0, false),
        (85.0, Band::Proportional, 85.0, false),
        (80.0, Band::Proportional, 80.0, false),
        (79.9, Band::Half, 50.0, false),
        (60.0, Band::Half, 50.0, false),
        (59.9, Band::Refusable, 50.0, true),
    ];
    for (total, band, fee, cancel) in cases {
        let p = payment(total);
        assert_eq!(
            (p.band, p.fee_pct, p.may_cancel),
            (band, fee, cancel),
            "total {total}"
        );
    }
    // Float noise never moves a total across a band edge.
    assert_eq!(payment(89.999_999_9).band, Band::Proportional);
}

#[test]
fn ledger_coverage_counts_past_days_and_today_once_recorded() {
    // 2026-11-02: October (31 days) and 1 November have passed; today is counted once recorded.
    let mut daily: Vec<DailyRecord> = (1..=31)
        .filter(|d| d % 4 != 0) // 7 days missing in October
        .map(|d| record(day(10, d), d % 2 == 0, true))
        .collect();
    daily.push(record(day(9, 30), true, true)); // the quarter before: ignored
    let s = score(&[], &daily, &[]);
    assert_eq!(s.days_counted, 32);
    assert_eq!(s.days_in_quarter, 92);
    // 24 of 32 days → 3.75 of 5.
    assert_eq!(s.points(ScoreItem::DailyLedger), 3.75);
    assert_eq!(s.points(ScoreItem::DatabaseArchive), 3.75);
    // Anomaly checks on the 8 even days of the 24 → 3 × 8/32.
    assert_eq!(s.points(ScoreItem::DataAnomaly), 0.75);
    daily.push(record(day(11, 2), true, false));
    let s = score(&[], &daily, &[]);
    assert_eq!(s.days_counted, 33);
    assert_eq!(s.points(ScoreItem::DailyLedger), round2(5.0 * 25.0 / 33.0));
    let line = s.line(ScoreItem::DailyLedger).unwrap();
    assert_eq!(line.detail, "25 of 33 days with a daily record");
    // A finished quarter counts every day.
    let days = quarter_days(Quarter { year: 2026, q: 3 }, day(11, 2), &daily);
    assert_eq!((days.counted, days.recorded.len()), (92, 1));
    // On the first day, before its record, nothing can be missing.
    let days = quarter_days(Q4, day(10, 1), &[]);
    assert_eq!(days.counted, 0);
}

#[test]
fn hand_items_count_full_until_entered_and_are_flagged() {
    let ledger = full_ledger();
    let s = score(&[], &ledger, &[]);
    assert_eq!(
        s.not_entered,
        vec![
            HandItem::PersonnelContact,
            HandItem::PersonnelChange,
            HandItem::PersonnelExtra,
            HandItem::PersonnelSatisfaction,
            HandItem::AssignedTasks,
            HandItem::Complaints,
            HandItem::Notices
        ]
    );
    // Everything full except the quarterly summary, which is earned by delivering the report.
    assert_eq!(s.total, 95.0);
    assert_eq!(s.line(ScoreItem::Personnel).unwrap().basis, Basis::NotEntered);
    let li = Actor::named("li");
    let hand = vec![
        HandEntry::new(Q4, HandItem::PersonnelChange, 1.0, "one staff change", &li, now()).unwrap(),
        HandEntry::new(Q4, HandItem::Complaints, 2.0, "two complaints", &li, now()).unwrap(),
        HandEntry::new(Q4, HandItem::Notices, 3.0, "three notices", &li, now()).unwrap(),
        // Another quarter's entry is ignored.
        HandEntry::new(
            Quarter { year: 2026, q: 3 },
            HandItem::AssignedTasks,
            0.0,
            "x",
            &li,
            now(),
        )
        .unwrap(),
    ];
    let s = score(&[], &ledger, &hand);
    assert_eq!(
        s.not_entered,
        vec![
            HandItem::PersonnelContact,
            HandItem::PersonnelExtra,
            HandItem::PersonnelSatisfaction,
            HandItem::AssignedTasks
        ]
    );
    // One staff change: 15 − 5 = 10 for that sub-item, the other three at full marks: 10 + 10 + 5 + 15 = 40.
    assert_eq!(s.points(ScoreItem::Personnel), 40.0);
    // 10 − 2 − 9 floors at 0.
    assert_eq!(s.points(ScoreItem::ComplaintsNotices), 0.0);
    assert_eq!(s.total, 95.0 - 5.0 - 10.0);
    assert_eq!(s.payment.band, Band::Proportional);
}

#[test]
fn the_quarterly_summary_earns_5_once_delivered_not_once_produced() {
    let policy = Policy::default();
    let produced = QuarterlyProduced {
        quarter: Q4,
        at: now(),
        actor: Actor::named("li"),
        times: 1,
    };
    let daily = full_ledger();
    let input = |contract| ScoreInput {
        quarter: Q4,
        now: now(),
        policy: &policy,
        incidents: &[],
        daily: &daily,
        hand: &[],
        produced: Some(&produced),
        contract,
    };
    // Printed, not delivered: 0 of 5, and it says why.
    let none = ContractRecords::default();
    let s = compute(&input(&none));
    assert_eq!(s.points(ScoreItem::QuarterlySummary), 0.0);
    assert!(
        s.line(ScoreItem::QuarterlySummary)
            .unwrap()
            .detail
            .contains("not delivered yet")
    );
    let delivered = ContractRecords {
        accidents: Vec::new(),
        delivered: Some(
            crate::model::ReportDelivery::new(
                Q4,
                "水利厅信息中心 张工",
                now(),
                None,
                Q4.start(policy.calendar.zone),
                &Actor::named("li"),
                now(),
            )
            .unwrap(),
        ),
    };
    let s = compute(&input(&delivered));
    assert_eq!(s.points(ScoreItem::QuarterlySummary), 5.0);
    assert_eq!(s.total, 100.0);
    assert_eq!(s.payment.band, Band::Full);
}

#[test]
fn server_faults_must_be_reported_within_12_hours() {
    let host = |seq: u32, ack_after: Option<i64>, age_h: i64| {
        let at = now() - Duration::hours(age_h);
        let mut i = fault(seq, Severity::Major, at);
        i.source = Some(AutoSource::Host {
            name: "app-01".into(),
            gauge: "disk /".into(),
        });
        if let Some(h) = ack_after {
            i.acknowledge(
                &Actor::named("li"),
                Some(at + Duration::hours(h)),
                now(),
                None,
                None,
            )
            .unwrap();
        }
        i
    };
    assert_eq!(score(&[], &[], &[]).points(ScoreItem::ServerReport), 2.0);
    // Reported after 1 h (ok), after 13 h (late), never and 20 h old (late), never but 2 h old (not yet due).
    let s = score(
        &[
            host(1, Some(1), 30),
            host(2, Some(13), 30),
            host(3, None, 20),
            host(4, None, 2),
        ],
        &[],
        &[],
    );
    assert_eq!(s.points(ScoreItem::ServerReport), 0.67);
    assert_eq!(
        s.line(ScoreItem::ServerReport).unwrap().detail,
        "1 of 3 server faults reported in time"
    );
}

#[test]
fn faults_outside_the_quarter_do_not_count_and_archive_share_is_of_resolved_faults() {
    let mut old = late_ack(1, Severity::Critical);
    old.detected_at = Utc.with_ymd_and_hms(2026, 9, 30, 15, 0, 0).unwrap(); // 23:00 local, Q3
    let open = fault(2, Severity::Minor, now() - Duration::hours(1));
    let s = score(&[old, open, on_time(3, Severity::Major)], &[], &[]);
    assert_eq!(s.points(ScoreItem::FaultResponse), 15.0);
    assert_eq!(s.points(ScoreItem::FaultArchive), 5.0);
    assert_eq!(
        s.line(ScoreItem::FaultArchive).unwrap().detail,
        "1 of 1 resolved fault archived with cause and process; 1 still open"
    );
}

#[test]
fn points_are_written_without_trailing_zeros() {
    assert_eq!(points(15.0), "15");
    assert_eq!(points(13.7), "13.7");
    assert_eq!(points(5.0 * 25.0 / 33.0), "3.79");
    assert_eq!(points(-0.0), "0");
}

#[test]
fn no_figure_is_a_negative_zero() {
    assert!(round2(-0.0).is_sign_positive());
    assert!(round2(-0.001).is_sign_positive());
    assert_eq!(serde_json::to_string(&round2(-0.004)).unwrap(), "0.0");
}
