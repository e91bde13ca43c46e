use serde_json::json;

use super::*;
use crate::config::Matcher;
use crate::policy::{Kind, Severity};

fn routes() -> Vec<AlertRoute> {
    vec![AlertRoute {
        matchers: vec![Matcher::parse("severity=\"critical\"").unwrap()],
        subsystem: Some("digital".into()),
        kind: Kind::Fault,
        severity: Severity::Critical,
    }]
}

/// A resolved group as Alertmanager 0.25 sends it.
fn resolved() -> Payload {
    serde_json::from_value(json!({
        "receiver": "watchdesk", "status": "resolved",
        "alerts": [{
            "status": "resolved",
            "labels": {"alertname": "ApiDown", "severity": "critical", "instance": "api-01:443"},
            "annotations": {"description": "  the API\n does not answer  "},
            "startsAt": "2026-11-02T00:55:00Z", "endsAt": "2026-11-02T01:05:00Z",
            "generatorURL": "", "fingerprint": "6f1a2b"
        }],
        "groupLabels": {"alertname": "ApiDown"}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://am:9093", "version": "4", "groupKey": "{}:{alertname=\"ApiDown\"}",
        "truncatedAlerts": 0
    }))
    .unwrap()
}

#[test]
fn a_resolved_alert_carries_its_end_and_the_routed_subsystem() {
    let signals = signals(resolved(), &routes()).unwrap();
    assert_eq!(signals.len(), 1);
    let s = &signals[0];
    assert!(!s.firing);
    assert_eq!(s.key, "6f1a2b");
    assert_eq!(s.title, "ApiDown: the API does not answer");
    assert_eq!(
        (s.subsystem.as_deref(), s.severity),
        (Some("digital"), Severity::Critical)
    );
    assert_eq!(s.ended_at.unwrap().to_rfc3339(), "2026-11-02T01:05:00+00:00");
    assert_eq!(s.generator_url, None);
}

#[test]
fn a_firing_alert_has_no_end_and_a_long_summary_is_cut() {
    let mut p = resolved();
    p.alerts[0].status = Status::Firing;
    p.alerts[0].ends_at = Some("0001-01-01T00:00:00Z".parse().unwrap());
    p.alerts[0]
        .annotations
        .insert("summary".into(), "很长".repeat(150));
    p.alerts[0].labels.insert("severity".into(), "warning".into());
    let s = &signals(p, &routes()).unwrap()[0];
    assert!(s.firing);
    assert_eq!(s.ended_at, None);
    assert_eq!(s.title.chars().count(), 201);
    assert!(s.title.ends_with('…'));
    assert_eq!((s.subsystem.as_deref(), s.severity), (None, Severity::Major));
}
