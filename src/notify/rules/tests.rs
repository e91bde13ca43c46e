use std::path::Path;

use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{Actor, NewIncident};
use crate::policy::{Kind, Severity, Stage};

const BASE: &str = r#"
[platform]
timezone = "Asia/Shanghai"
lang = "en"
[[subsystem]]
id = "digital"
name = "Digital"
  [[subsystem.check]]
  kind = "file"
  name = "db-backup"
  path = "/backup/*.gz"
  max_age = "26h"
[[subsystem]]
id = "display"
name = "Display"
[[maintenance]]
subsystem = "display"
start = "2026-11-02 09:00"
end = "2026-11-02 11:00"
[[notify.channel]]
name = "ops"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
[[notify.channel]]
name = "lead"
kind = "webhook"
url = "http://127.0.0.1:9/lead"
min_severity = "critical"
events = ["opened", "late", "escalate"]
"#;

fn planner(extra: &str) -> Planner {
    let config = Config::parse(Path::new("c.toml"), &format!("{BASE}{extra}")).unwrap();
    Planner::new(Arc::new(config))
}

fn ten() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).single().unwrap()
}

fn incident(severity: Severity, subsystem: &str, source: Option<AutoSource>) -> Incident {
    let new = NewIncident {
        kind: Kind::Fault,
        severity,
        title: "down".into(),
        subsystem: Some(subsystem.into()),
        detected_at: Some(ten()),
        source,
        host: None,
    };
    Incident::open("2026-0001".parse().unwrap(), new, Actor::system(), ten()).unwrap()
}

fn audit(action: &str, user: &str) -> AuditEvent {
    AuditEvent {
        seq: 7,
        at: ten(),
        actor: Actor::named(user),
        action: action.into(),
        target: "2026-0001".into(),
        payload: serde_json::Value::Null,
        writes: Vec::new(),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn channels(planned: &[Planned]) -> Vec<&str> {
    planned.iter().map(|p| p.channel.as_str()).collect()
}

#[test]
fn an_opened_critical_goes_everywhere_a_major_only_where_majors_are_wanted() {
    let p = planner("");
    let critical = p.recorded(
        &audit("incident.open", "watchdesk"),
        Some(&incident(Severity::Critical, "digital", None)),
    );
    assert_eq!(channels(&critical), ["ops", "lead"]);
    assert!(critical[0].message.urgent);
    assert_eq!(critical[0].message.key, "audit:7");
    assert!(
        critical[0]
            .message
            .title
            .starts_with("[CRITICAL] 2026-0001 opened"),
        "{}",
        critical[0].message.title
    );
    let major = p.recorded(
        &audit("incident.open", "li"),
        Some(&incident(Severity::Major, "digital", None)),
    );
    assert_eq!(channels(&major), ["ops"]);
    // The lead's channel takes only the events it lists.
    let ack = p.recorded(
        &audit("incident.ack", "li"),
        Some(&incident(Severity::Critical, "digital", None)),
    );
    assert_eq!(channels(&ack), ["ops"]);
    assert!(ack[0].message.title.contains("acknowledged by li"));
    // Notes and other changes are not notified.
    assert!(
        p.recorded(
            &audit("incident.note", "li"),
            Some(&incident(Severity::Critical, "digital", None))
        )
        .is_empty()
    );
}

#[test]
fn a_failing_backup_check_and_a_host_are_their_own_kinds() {
    let p = planner(
        "[notify.rules]\nbackup_failing = { channels = [\"ops\"] }\nhost_critical = { enabled = false }\n",
    );
    let backup = incident(
        Severity::Major,
        "digital",
        Some(AutoSource::Subsystem {
            id: "digital".into(),
            check: "digital/db-backup".into(),
            slow: false,
        }),
    );
    let planned = p.recorded(&audit("incident.open", "watchdesk"), Some(&backup));
    assert_eq!(planned.len(), 1);
    assert_eq!(planned[0].message.event, EventKind::BackupFailing);
    let host = incident(
        Severity::Major,
        "digital",
        Some(AutoSource::Host {
            name: "db-01".into(),
            gauge: "disk /".into(),
        }),
    );
    assert!(
        p.recorded(&audit("incident.open", "watchdesk"), Some(&host))
            .is_empty(),
        "host_critical is off"
    );
}

#[test]
fn rule_severity_and_switches_are_honoured() {
    let p =
        planner("[notify.rules]\nopened = { min_severity = \"critical\" }\nresolved = { enabled = false }\n");
    assert!(
        p.recorded(
            &audit("incident.open", "li"),
            Some(&incident(Severity::Major, "digital", None))
        )
        .is_empty()
    );
    assert!(
        p.recorded(
            &audit("incident.resolve", "li"),
            Some(&incident(Severity::Critical, "digital", None))
        )
        .is_empty()
    );
}

#[test]
fn a_maintenance_window_silences_its_subsystem_but_not_what_people_do() {
    let p = planner("");
    let in_window = incident(Severity::Critical, "display", None);
    let opened = p.recorded(&audit("incident.open", "watchdesk"), Some(&in_window));
    assert!(!opened.is_empty());
    assert!(
        opened
            .iter()
            .all(|e| e.suppressed.as_deref().is_some_and(|r| r.contains("maintenance")))
    );
    let acked = p.recorded(&audit("incident.ack", "li"), Some(&in_window));
    assert!(acked.iter().all(|e| e.suppressed.is_none()));
    // Outside the window (the other subsystem) nothing is silenced.
    let other = p.recorded(
        &audit("incident.open", "watchdesk"),
        Some(&incident(Severity::Critical, "digital", None)),
    );
    assert!(other.iter().all(|e| e.suppressed.is_none()));
}

#[test]
fn escalations_go_only_to_the_channels_named_for_them() {
    let p = planner("[notify.rules]\nescalate = { after = \"20m\", channels = [\"lead\"] }\n");
    let i = Arc::new(incident(Severity::Critical, "digital", None));
    let escalated = p.fact(&DomainEvent::Escalate { incident: i.clone() }, ten());
    assert_eq!(channels(&escalated), ["lead"]);
    // And the lead's channel no longer gets what every channel gets by default.
    let late = p.fact(
        &DomainEvent::Late {
            incident: i,
            stage: Stage::Respond,
            due: ten(),
            cost: 1.0,
        },
        ten(),
    );
    assert_eq!(channels(&late), ["ops"]);
    assert!(
        late[0].message.lines.iter().any(|l| l.contains("1 point")),
        "{:?}",
        late[0].message.lines
    );
}

#[test]
fn a_digest_puts_the_most_severe_first_and_names_every_key() {
    let p = planner("");
    let a = p.recorded(
        &audit("incident.open", "li"),
        Some(&incident(Severity::Major, "digital", None)),
    );
    let mut b_event = audit("incident.open", "li");
    b_event.seq = 8;
    let b = p.recorded(&b_event, Some(&incident(Severity::Critical, "digital", None)));
    let d = digest(&[&a[0].message, &b[0].message], Lang::En, ten());
    assert_eq!(d.digest_of, ["audit:7", "audit:8"]);
    assert_eq!(d.severity, Some(Severity::Critical));
    assert!(d.lines[0].starts_with("[CRITICAL]"));
    assert!(d.urgent);
    assert_eq!(d.title, "watchdesk: 2 notifications");
}
