use chrono::{NaiveDate, TimeZone};

use super::*;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn each_severity_has_the_contract_deadlines() {
    let policy = Policy::default();
    let t = utc(2026, 11, 2, 1, 0);
    let cases = [
        (
            Severity::Critical,
            vec![(Stage::Respond, 15), (Stage::Plan, 120), (Stage::Recover, 720)],
        ),
        (
            Severity::Major,
            vec![(Stage::Respond, 15), (Stage::Plan, 240), (Stage::Recover, 1440)],
        ),
        (Severity::Minor, vec![]),
    ];
    for (severity, expected) in cases {
        let got = policy.deadlines(Kind::Fault, severity, t, None);
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(s, m)| (s, t + Duration::minutes(m)))
            .collect();
        assert_eq!(got, expected, "{severity}");
    }
}

#[test]
fn minor_fault_gets_a_deadline_only_when_one_is_agreed() {
    let policy = Policy::default();
    let t = utc(2026, 11, 2, 1, 0);
    assert!(policy.deadlines(Kind::Fault, Severity::Minor, t, None).is_empty());
    let due = utc(2026, 11, 5, 9, 0);
    assert_eq!(
        policy.deadlines(Kind::Fault, Severity::Minor, t, Some(due)),
        vec![(Stage::Recover, due)]
    );
    // An agreed due time does not replace the contract's own clock of a critical fault.
    let critical = policy.deadlines(Kind::Fault, Severity::Critical, t, Some(due));
    assert_eq!(critical.last(), Some(&(Stage::Recover, t + Duration::hours(12))));
}

#[test]
fn change_request_is_answered_within_24_hours() {
    let policy = Policy::default();
    let t = utc(2026, 11, 2, 1, 0);
    assert_eq!(
        policy.deadlines(Kind::Change, Severity::Major, t, None),
        vec![(Stage::Respond, t + Duration::hours(24))]
    );
}

#[test]
fn security_finding_counts_ten_working_days_at_the_same_local_time() {
    let policy = Policy::default();
    // Monday 2026-11-02 10:30 in Shanghai = 02:30 UTC; ten working days later is Monday 2026-11-16.
    let t = utc(2026, 11, 2, 2, 30);
    assert_eq!(
        policy.deadlines(Kind::Security, Severity::Major, t, None),
        vec![(Stage::Recover, utc(2026, 11, 16, 2, 30))]
    );
}

#[test]
fn security_deadline_skips_holidays_and_counts_make_up_workdays() {
    let calendar = Calendar::new(
        chrono_tz::Asia::Shanghai,
        vec![date("2026-10-01"), date("2026-10-02"), date("2026-10-05")],
        vec![date("2026-09-27"), date("2026-10-10")],
    );
    // Friday 2026-09-25 09:00 local. Working days after it: Sun 27 (make-up) 1, Mon 28 2, Tue 29 3, Wed 30 4,
    // Thu 1 / Fri 2 holidays, Sat 3 Sun 4 weekend, Mon 5 holiday, Tue 6 5, Wed 7 6, Thu 8 7, Fri 9 8,
    // Sat 10 (make-up) 9, Sun 11 weekend, Mon 12 10.
    let start = utc(2026, 9, 25, 1, 0);
    assert_eq!(calendar.add_working_days(start, 10), utc(2026, 10, 12, 1, 0));
    assert!(calendar.is_workday(date("2026-09-27")));
    assert!(!calendar.is_workday(date("2026-10-01")));
    assert!(!calendar.is_workday(date("2026-10-04")));
}

#[test]
fn security_finding_reported_on_a_saturday_starts_counting_on_monday() {
    let calendar = Calendar::new(chrono_tz::Asia::Shanghai, vec![], vec![]);
    // Saturday 2026-11-07 20:00 local (12:00 UTC): Mon 9 .. Fri 13 = 5, Mon 16 .. Fri 20 = 10.
    let start = utc(2026, 11, 7, 12, 0);
    assert_eq!(calendar.add_working_days(start, 10), utc(2026, 11, 20, 12, 0));
}

#[test]
fn reclassifying_recomputes_from_detection() {
    let policy = Policy::default();
    let t = utc(2026, 11, 2, 1, 0);
    let major = policy.deadlines(Kind::Fault, Severity::Major, t, None);
    let critical = policy.deadlines(Kind::Fault, Severity::Critical, t, None);
    assert_eq!(major[2].1, t + Duration::hours(24));
    assert_eq!(critical[2].1, t + Duration::hours(12));
}

#[test]
fn severity_and_kind_parse_with_helpful_errors() {
    assert_eq!("Critical".parse::<Severity>(), Ok(Severity::Critical));
    let err = "urgent".parse::<Severity>().unwrap_err();
    assert!(err.contains("critical, major, minor"), "{err}");
    let err = "bug".parse::<Kind>().unwrap_err();
    assert!(err.contains("fault, change, support, security"), "{err}");
}
