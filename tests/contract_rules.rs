//! The contract's rules that rest on records the engineer enters, through the engine on a real store with the
//! clock moved by hand: the service start and its quarters, the fee, and personnel's four sub-items (major
//! accidents, faults found by hand, reclassification and the delivered summary are in `contract_incidents`).
//! Every expected figure is worked out by hand in the comment beside it.

#[path = "records_support/contract.rs"]
mod contract;
#[path = "records_support/rig.rs"]
mod rig;

use chrono::Duration;
use contract::{Q4, day, open_at, refused, save_full_day, score, set};
use rig::{Rig, config_with, local};
use watchdesk::engine::{Command, RecordsCommand};
use watchdesk::model::{Actor, HandEntry, HandItem, Quarter};
use watchdesk::policy::Severity;
use watchdesk::report::score::{Basis, ScoreItem};
use watchdesk::store::{Put, Store, TreeName};

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
