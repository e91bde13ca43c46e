//! What `watchdesk incident …` says about time: overruns to the second, deadlines and the timeline with
//! seconds, and every time — in answers and in refusals — in the platform's zone (Asia/Shanghai, the
//! template's), never in UTC.

#[path = "cli_support/run.rs"]
mod run;

use run::{ok, setup, watchdesk};

use chrono::{Duration, Timelike, Utc};

fn local_minute_hours_ago(hours: i64) -> (chrono::DateTime<Utc>, String) {
    let t = (Utc::now() - Duration::hours(hours))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let local = (t + Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string();
    (t, local)
}

fn shanghai(t: chrono::DateTime<Utc>, format: &str) -> String {
    (t + Duration::hours(8)).format(format).to_string()
}

#[test]
fn a_stage_done_one_second_late_reads_late_by_1s_with_seconds_on_both_sides() {
    let home = setup();
    let h = home.path();
    let (detected, local) = local_minute_hours_ago(3);
    let opened = ok(
        h,
        &[
            "incident",
            "open",
            "--kind",
            "fault",
            "--severity",
            "critical",
            "--title",
            "数据库连接失败",
            "--detected-at",
            &local,
        ],
    );
    let id = opened.split_whitespace().next().unwrap().to_string();
    // Fifteen minutes and one second after detection: one second late.
    let ack = shanghai(detected + Duration::seconds(15 * 60 + 1), "%Y-%m-%d %H:%M:%S");
    ok(h, &["incident", "ack", &id, "--at", &ack]);
    let shown = ok(h, &["incident", "show", &id]);
    let due = shanghai(detected + Duration::minutes(15), "%Y-%m-%d %H:%M:%S");
    assert!(
        shown.contains(&format!("respond   due {due}  met late by 1s")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("  {ack}  ")),
        "the timeline shows the second: {shown}"
    );
    assert!(!shown.contains("1m 00s") && !shown.contains("UTC"), "{shown}");
    // Recovery has twelve hours: still to the minute above an hour, with units, never `h:mm`.
    assert!(
        shown.contains("recover") && shown.contains("h") && shown.contains("m left"),
        "{shown}"
    );
}

#[test]
fn refusals_and_agreed_due_times_are_in_the_platform_zone() {
    let home = setup();
    let h = home.path();
    let (detected, local) = local_minute_hours_ago(2);
    let opened = ok(
        h,
        &[
            "incident",
            "open",
            "--kind",
            "fault",
            "--severity",
            "minor",
            "--title",
            "页面按钮错位",
            "--detected-at",
            &local,
        ],
    );
    let id = opened.split_whitespace().next().unwrap().to_string();

    let early = shanghai(detected - Duration::minutes(1), "%Y-%m-%d %H:%M");
    let out = watchdesk(h, &["incident", "ack", &id, "--at", &early]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    let typed = shanghai(detected - Duration::minutes(1), "%Y-%m-%d %H:%M:%S");
    let detection = shanghai(detected, "%Y-%m-%d %H:%M:%S");
    assert!(
        said.contains(&format!(
            "time {typed} CST is before detection at {detection} CST"
        )),
        "the refusal repeats the time as typed, in the platform's zone: {said}"
    );
    assert!(!said.contains("UTC"), "{said}");

    let due = shanghai(detected + Duration::hours(30), "%Y-%m-%d %H:%M");
    ok(h, &["incident", "ack", &id, "--due", &due]);
    let shown = ok(h, &["incident", "show", &id]);
    assert!(shown.contains(&format!("due {due}:00")), "{shown}");
    assert!(!shown.contains("+00:00"), "{shown}");
}
