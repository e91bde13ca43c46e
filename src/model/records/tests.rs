use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::model::Actor;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn quarters_parse_print_and_span_their_days() {
    let q: Quarter = "2026Q4".parse().unwrap();
    assert_eq!(q, Quarter { year: 2026, q: 4 });
    assert_eq!("2026-q4".parse::<Quarter>().unwrap(), q);
    assert_eq!(q.to_string(), "2026Q4");
    assert_eq!((q.first_day(), q.last_day()), (d(2026, 10, 1), d(2026, 12, 31)));
    assert_eq!(q.num_days(), 92);
    assert_eq!(q.days().count(), 92);
    assert_eq!(q.next(), Quarter { year: 2027, q: 1 });
    assert_eq!(Quarter { year: 2027, q: 1 }.prev(), q);
    assert_eq!(q.partner(), Quarter { year: 2026, q: 3 });
    assert_eq!(Quarter::of_day(d(2026, 3, 31)), Quarter { year: 2026, q: 1 });
    let err = "2026Q5".parse::<Quarter>().unwrap_err().to_string();
    assert!(err.contains("e.g. 2026Q4"), "{err}");
    // The quarter starts at local midnight: 2026-09-30 16:00 UTC in Shanghai.
    let zone = chrono_tz::Asia::Shanghai;
    assert_eq!(
        q.start(zone),
        Utc.with_ymd_and_hms(2026, 9, 30, 16, 0, 0).unwrap()
    );
    assert_eq!(
        Quarter::of(Utc.with_ymd_and_hms(2026, 9, 30, 16, 30, 0).unwrap(), zone),
        q
    );
}

#[test]
fn an_amended_daily_record_keeps_fields_not_given_and_counts_revisions() {
    let li = Actor::named("li");
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap();
    let today = d(2026, 11, 2);
    let first = DailyRecord::save(
        None,
        today,
        today,
        DailyEntry {
            anomaly_checked: true,
            anomaly_note: Some("  数据正常 ".into()),
            archive_done: Some(true),
            notes: Some("夜间无告警".into()),
        },
        DailyFigures::default(),
        &li,
        now,
    )
    .unwrap();
    assert_eq!(first.anomaly_note.as_deref(), Some("数据正常"));
    assert_eq!(first.revision, 1);
    let second = DailyRecord::save(
        Some(&first),
        today,
        today,
        DailyEntry {
            anomaly_checked: false,
            anomaly_note: None,
            archive_done: None,
            notes: Some(String::new()),
        },
        DailyFigures::default(),
        &li,
        now,
    )
    .unwrap();
    assert!(!second.anomaly_checked);
    assert!(second.archive_done);
    assert_eq!(second.anomaly_note.as_deref(), Some("数据正常"));
    assert_eq!(second.notes, None, "an empty text clears a note");
    assert_eq!(second.revision, 2);
    let err = DailyRecord::save(
        None,
        d(2026, 11, 3),
        today,
        DailyEntry::default(),
        DailyFigures::default(),
        &li,
        now,
    )
    .unwrap_err();
    assert!(err.to_string().contains("in the future"), "{err}");
}

#[test]
fn hand_items_are_bounded_and_named_in_errors() {
    assert_eq!("tasks".parse::<HandItem>().unwrap(), HandItem::AssignedTasks);
    assert_eq!(
        "Assigned_Tasks".parse::<HandItem>().unwrap(),
        HandItem::AssignedTasks
    );
    let err = "bonus".parse::<HandItem>().unwrap_err().to_string();
    assert!(
        err.contains("staff-change (count, −5 each from 15, 0–99)"),
        "{err}"
    );
    assert!(err.contains("satisfaction (points 0–15)"), "{err}");
    assert!(err.contains("notices (count, −3 points each 0–4)"), "{err}");
    assert_eq!(HandItem::PersonnelSatisfaction.check(13.5), Ok(13.5));
    assert!(HandItem::PersonnelSatisfaction.check(16.0).is_err());
    assert!(HandItem::PersonnelContact.check(2.5).is_err());
    // The single personnel figure of older stores is refused as a new entry, naming the sub-items.
    let e = HandItem::Personnel.check(40.0).unwrap_err().to_string();
    assert!(
        e.contains("personnel is entered as its four sub-items: contact"),
        "{e}"
    );
    assert!(HandItem::Complaints.check(1.5).is_err());
    assert!(HandItem::Notices.check(-1.0).is_err());
    let e = HandEntry::new(
        Quarter { year: 2026, q: 4 },
        HandItem::PersonnelSatisfaction,
        14.0,
        " ",
        &Actor::named("li"),
        Utc::now(),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "reason must not be empty");
}

#[test]
fn monthly_records_need_who_and_findings() {
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap();
    let entry = MonthlyEntry {
        date: d(2026, 11, 2),
        by: "王工".into(),
        findings: "".into(),
    };
    let err = MonthlyRecord::save(None, entry, d(2026, 11, 2), &Actor::named("li"), now).unwrap_err();
    assert_eq!(err.to_string(), "findings must not be empty");
    assert_eq!(MonthlyRecord::month_prefix(d(2026, 11, 2)), "2026-11-");
}
