//! The exposition as a scraper reads it, from a real engine's snapshot.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use prometheus_client::encoding::prometheus_text;

use super::*;
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::engine::{Command, Mode, spawn};
use crate::model::{Actor, NewIncident};
use crate::store::Store;

fn text(snap: &Snapshot, metrics: &Metrics, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    prometheus_text::encode(&mut out, &render(snap, metrics, now)).unwrap();
    out
}

/// The value of the one sample whose line starts with `series`.
fn value(text: &str, series: &str) -> f64 {
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(series)).collect();
    assert_eq!(lines.len(), 1, "{series} in\n{text}");
    lines[0].rsplit(' ').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn incidents_deadlines_checks_and_the_chain_are_exposed() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let engine = spawn(
        Store::open(dir.path()).unwrap(),
        config,
        Arc::new(clock.clone()),
        Mode::Embedded,
    )
    .unwrap();
    engine
        .execute(
            Actor::named("li"),
            Command::OpenIncident(NewIncident {
                kind: Kind::Fault,
                severity: Severity::Critical,
                title: "登录失败".into(),
                subsystem: Some("digital".into()),
                detected_at: Some(clock.now() - Duration::minutes(5)),
                host: None,
                source: None,
            }),
        )
        .await
        .unwrap();
    let snap = engine.snapshot();
    let metrics = Metrics::default();
    metrics.deadline_late(Kind::Fault, Severity::Critical, "respond");
    let out = text(&snap, &metrics, clock.now());

    assert_eq!(
        value(
            &out,
            "watchdesk_open_incidents{kind=\"fault\",severity=\"critical\",state=\"open\"}"
        ),
        1.0
    );
    assert_eq!(
        value(
            &out,
            "watchdesk_open_incidents{kind=\"change\",severity=\"minor\",state=\"planned\"}"
        ),
        0.0
    );
    // Critical: respond within 15 minutes of detection, 5 of which are gone.
    assert_eq!(
        value(
            &out,
            "watchdesk_incident_next_deadline_seconds{id=\"2026-0001\",kind=\"fault\",severity=\"critical\",stage=\"respond\"}"
        ),
        600.0
    );
    assert_eq!(
        value(
            &out,
            "watchdesk_deadlines_late_total{kind=\"fault\",severity=\"critical\",stage=\"respond\"}"
        ),
        1.0
    );
    assert_eq!(value(&out, "watchdesk_audit_events "), 1.0);
    assert_eq!(value(&out, "watchdesk_notifications_queued "), 0.0);
    // Every check of the template is there, in exactly one state.
    let checks: usize = snap.subsystems.iter().map(|s| s.checks.len()).sum();
    assert!(checks > 0);
    let ones = out
        .lines()
        .filter(|l| l.starts_with("watchdesk_check_state{") && l.ends_with(" 1"))
        .count();
    assert_eq!(ones, checks);
    assert!(out.contains("# TYPE watchdesk_deadlines_late_total counter"));
    assert!(value(&out, "watchdesk_score_projected_points{quarter=\"2026Q4\"}") > 0.0);
    assert_eq!(
        value(&out, "watchdesk_score_fault_item_points{quarter=\"2026Q4\"}"),
        15.0
    );

    // Ten minutes later the deadline is 0 seconds away; later still it reads as late.
    clock.advance(Duration::minutes(12));
    let later = text(&engine.snapshot(), &metrics, clock.now());
    assert_eq!(
        value(
            &later,
            "watchdesk_incident_next_deadline_seconds{id=\"2026-0001\",kind=\"fault\",severity=\"critical\",stage=\"respond\"}"
        ),
        -120.0
    );
    engine.shutdown().await;
}

#[test]
fn each_new_probe_is_observed_once() {
    let mut snap = Snapshot::empty(
        "p".into(),
        chrono_tz::UTC,
        Mode::Embedded,
        Arc::new(crate::policy::Policy::default()),
    );
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
    let check = |at, ms| crate::engine::CheckView {
        id: "digital/0".into(),
        name: "api".into(),
        kind: "http".into(),
        target: "http://127.0.0.1/".into(),
        health: Health::Up,
        last: Some(crate::engine::LastProbe {
            at,
            latency_ms: ms,
            outcome: crate::probe::Outcome::Up {
                detail: String::new().into(),
            },
        }),
    };
    snap.subsystems.push(crate::engine::SubsystemView {
        id: "digital".into(),
        name: "d".into(),
        health: Health::Up,
        checks: vec![check(at, 120)],
        latency_ms: None,
        p95_ms: None,
        availability_today: Some(0.5),
        sparkline: Vec::new(),
        blocked_by: None,
        in_maintenance: false,
    });
    let metrics = Metrics::default();
    metrics.observe_probes(None, &snap);
    let same = snap.clone();
    metrics.observe_probes(Some(&snap), &same);
    let mut next = snap.clone();
    next.subsystems[0].checks[0] = check(at + Duration::seconds(30), 2000);
    metrics.observe_probes(Some(&snap), &next);
    let out = text(&next, &metrics, at);
    let series = "watchdesk_check_latency_seconds_count{subsystem=\"digital\",check=\"digital/0\"}";
    assert_eq!(value(&out, series), 2.0);
    assert_eq!(
        value(
            &out,
            "watchdesk_check_latency_seconds_sum{subsystem=\"digital\",check=\"digital/0\"}"
        ),
        2.12
    );
    assert_eq!(
        value(&out, "watchdesk_availability_today_ratio{subsystem=\"digital\"}"),
        0.5
    );
}

/// The label values of each sample line of `metric` (histogram buckets excepted), in the order written.
fn label_values(text: &str, metric: &str) -> Vec<Vec<String>> {
    let values = regex::Regex::new(r#"="([^"]*)""#).unwrap();
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")))
        .map(|l| {
            let labels = &l[..l.rfind('}').unwrap()];
            values.captures_iter(labels).map(|c| c[1].to_string()).collect()
        })
        .collect()
}

#[tokio::test]
async fn two_scrapes_of_the_same_state_are_the_same_bytes_with_series_in_label_order() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let engine = spawn(
        Store::open(dir.path()).unwrap(),
        config,
        Arc::new(clock.clone()),
        Mode::Embedded,
    )
    .unwrap();
    for (kind, severity, title) in [
        (Kind::Fault, Severity::Minor, "按钮错位"),
        (Kind::Fault, Severity::Critical, "登录失败"),
        (Kind::Change, Severity::Minor, "新增字段"),
    ] {
        engine
            .execute(
                Actor::named("li"),
                Command::OpenIncident(NewIncident {
                    kind,
                    severity,
                    title: title.into(),
                    subsystem: Some("digital".into()),
                    detected_at: Some(clock.now() - Duration::minutes(5)),
                    host: None,
                    source: None,
                }),
            )
            .await
            .unwrap();
    }
    let metrics = Metrics::default();
    for (severity, stage) in [
        (Severity::Minor, "respond"),
        (Severity::Critical, "recover"),
        (Severity::Critical, "plan"),
        (Severity::Major, "respond"),
    ] {
        metrics.deadline_late(Kind::Fault, severity, stage);
    }
    let snap = engine.snapshot();
    let first = text(&snap, &metrics, clock.now());
    let second = text(&snap, &metrics, clock.now());
    assert_eq!(first, second);

    for metric in [
        "watchdesk_open_incidents",
        "watchdesk_incident_next_deadline_seconds",
        "watchdesk_check_state",
        "watchdesk_deadlines_late_total",
    ] {
        let written = label_values(&first, metric);
        assert!(written.len() >= 2, "{metric} in\n{first}");
        let mut sorted = written.clone();
        sorted.sort();
        assert_eq!(written, sorted, "{metric} in\n{first}");
    }
    engine.shutdown().await;
}
