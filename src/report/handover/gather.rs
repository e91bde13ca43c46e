//! Building the handover summary from the store (and, in a running engine, from the live snapshot).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use super::{
    DEFAULT_PERIOD_HOURS, EventKind, HandoverSummary, HealthLine, HostWarning, MissingRecords, OpenItem,
    PeriodEvent, SinceBasis,
};
use crate::config::Config;
use crate::engine::Snapshot;
use crate::hosts::HostReading;
use crate::model::{Actor, DailyRecord, HandoverRecord, Incident, IncidentId, MonthlyRecord, TimelineKind};
use crate::report::score::at_risk;
use crate::store::{AuditEvent, StoreError, StoreReader, TreeName};

/// What a summary is asked for.
#[derive(Debug, Clone)]
pub struct HandoverRequest<'a> {
    /// Start of the period; default: the last recorded handover, else 12 hours ago.
    pub since: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub outgoing: Actor,
    pub now: DateTime<Utc>,
    /// The engine's latest snapshot, for live health and hosts; `None` (or a snapshot without any probe result
    /// or host reading) says so in the summary instead of showing everything as unknown.
    pub live: Option<&'a Snapshot>,
}

pub fn summary(
    store: &StoreReader,
    config: &Config,
    req: HandoverRequest,
) -> Result<HandoverSummary, StoreError> {
    let now = req.now;
    let policy = &config.policy;
    let last_handover = last_handover(store)?;
    let (since, since_basis) = match (req.since, &last_handover) {
        (Some(t), _) => (t, SinceBasis::Given),
        (None, Some(h)) => (h.at, SinceBasis::LastHandover),
        (None, None) => (now - Duration::hours(DEFAULT_PERIOD_HOURS), SinceBasis::Default),
    };
    let in_period = |t: DateTime<Utc>| t >= since && t <= now;

    // The audit log names every incident touched in the period, and every other record saved.
    let mut touched = BTreeSet::new();
    let mut events = Vec::new();
    for event in audit_since(store, since)? {
        if let Some(id) = event
            .action
            .starts_with("incident.")
            .then(|| event.target.parse::<IncidentId>().ok())
            .flatten()
        {
            touched.insert(id);
        } else if in_period(event.at) {
            let handover = event.action == "handover.record";
            events.push(PeriodEvent {
                at: event.at,
                backdated: false,
                target: if handover {
                    format!("to {}", event.target)
                } else {
                    event.target.clone()
                },
                title: String::new(),
                what: EventKind::Record {
                    action: event.action.clone(),
                },
                actor: Some(event.actor.clone()),
                detail: handover
                    .then(|| event.payload["notes"].as_str().map(str::to_string))
                    .flatten(),
            });
        }
    }
    let open = store.open_incidents()?;
    let mut incidents: Vec<Incident> = open.clone();
    for id in touched {
        if !incidents.iter().any(|i| i.id == id)
            && let Some(i) = store.incident(id)?
        {
            incidents.push(i);
        }
    }
    for incident in &incidents {
        incident_events(incident, config, now, &in_period, &mut events);
    }
    events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.target.cmp(&b.target)));

    let mut open_items: Vec<OpenItem> = open
        .iter()
        .map(|i| OpenItem {
            id: i.id.to_string(),
            kind: i.kind,
            severity: i.severity,
            title: i.title.clone(),
            subsystem: i.subsystem.clone(),
            state: i.state(),
            detected_at: i.detected_at,
            deadlines: i.deadlines(policy, now),
            breached: i.is_breached(policy, now),
            at_risk: at_risk(i, policy, now),
        })
        .collect();
    open_items.sort_by_key(|o| {
        (
            o.deadlines
                .iter()
                .find(|d| d.is_pending())
                .map(|d| d.due)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            o.id.clone(),
        )
    });

    let mut period_availability = Vec::with_capacity(config.subsystems.len());
    for sub in &config.subsystems {
        period_availability.push(crate::report::daily::subsystem_period(
            store,
            config,
            sub,
            (since, now),
            now,
        )?);
    }

    Ok(HandoverSummary {
        platform: config.platform.name.clone(),
        timezone: policy.calendar.zone,
        generated_at: now,
        since,
        since_basis,
        last_handover,
        outgoing: req.outgoing,
        open: open_items,
        events,
        // Live figures only from a process that has actually seen a probe result or a host reading.
        health: req
            .live
            .filter(|s| {
                s.subsystems
                    .iter()
                    .flat_map(|v| &v.checks)
                    .any(|c| c.last.is_some())
            })
            .map(health_lines),
        period_availability,
        hosts_warning: req
            .live
            .filter(|s| s.hosts.iter().any(|h| h.reading.is_some()))
            .map(host_warnings),
        missing: missing_records(store, config, since, now)?,
        notes: req.notes.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        audit_head: Some(store.chain_head()?),
    })
}

pub fn last_handover(store: &StoreReader) -> Result<Option<HandoverRecord>, StoreError> {
    match store.tree(TreeName::Handovers).last()? {
        Some((key, value)) => serde_json::from_slice(&value)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                tree: "handovers",
                key: crate::store::display_key(&key),
                reason: e.to_string(),
            }),
        None => Ok(None),
    }
}

/// Audit events recorded at or after `since`, read from the end of the log backwards.
fn audit_since(store: &StoreReader, since: DateTime<Utc>) -> Result<Vec<AuditEvent>, StoreError> {
    let mut out = Vec::new();
    for item in store.tree(TreeName::Events).iter().rev() {
        let (key, value) = item?;
        let event: AuditEvent = serde_json::from_slice(&value).map_err(|e| StoreError::Corrupt {
            tree: "events",
            key: crate::store::display_key(&key),
            reason: e.to_string(),
        })?;
        if event.at < since {
            break;
        }
        out.push(event);
    }
    out.reverse();
    Ok(out)
}

/// The severity an incident was opened with: the first reclassification's `from`, else its severity now.
fn opened_as(incident: &Incident) -> crate::policy::Severity {
    incident
        .timeline
        .iter()
        .find_map(|e| match &e.kind {
            TimelineKind::Reclassified { from, .. } => Some(*from),
            _ => None,
        })
        .unwrap_or(incident.severity)
}

fn incident_events(
    incident: &Incident,
    config: &Config,
    now: DateTime<Utc>,
    in_period: &impl Fn(DateTime<Utc>) -> bool,
    out: &mut Vec<PeriodEvent>,
) {
    let id = incident.id.to_string();
    for entry in &incident.timeline {
        if !in_period(entry.at) && !in_period(entry.recorded_at) {
            continue;
        }
        let (what, detail) = match &entry.kind {
            TimelineKind::Opened => (
                EventKind::Opened {
                    severity: opened_as(incident),
                },
                incident.subsystem.clone(),
            ),
            TimelineKind::Acknowledged { note, .. } => (EventKind::Acknowledged, note.clone()),
            TimelineKind::Planned { text } => (EventKind::Planned, Some(text.clone())),
            TimelineKind::Resolved(r) => (
                EventKind::Resolved,
                Some(format!("cause: {}; process: {}", r.cause, r.process)),
            ),
            TimelineKind::Note { text } => (EventKind::Note, Some(text.clone())),
            TimelineKind::Reclassified { from, to, reason } => {
                (EventKind::Reclassified, Some(format!("{from} → {to}: {reason}")))
            }
            TimelineKind::Restored => (EventKind::Restored, None),
            TimelineKind::Failed { detail } => (EventKind::FailedAgain, Some(detail.clone())),
        };
        out.push(PeriodEvent {
            at: entry.at,
            backdated: entry.recorded_at - entry.at > Duration::minutes(1),
            target: id.clone(),
            title: incident.title.clone(),
            what,
            actor: Some(entry.actor.clone()),
            detail,
        });
    }
    for d in incident.deadlines(&config.policy, now) {
        if d.is_late() && in_period(d.due) {
            out.push(PeriodEvent {
                at: d.due,
                backdated: false,
                target: id.clone(),
                title: incident.title.clone(),
                what: EventKind::DeadlineMissed { stage: d.stage },
                actor: None,
                detail: Some(crate::report::deadline_words(&d)),
            });
        }
    }
}

fn health_lines(snapshot: &Snapshot) -> Vec<HealthLine> {
    snapshot
        .subsystems
        .iter()
        .map(|s| HealthLine {
            id: s.id.clone(),
            name: s.name.clone(),
            health: s.health,
            latency_ms: s.latency_ms,
            p95_ms: s.p95_ms,
            availability_today: s.availability_today,
            blocked_by: s.blocked_by.clone(),
        })
        .collect()
}

fn host_warnings(snapshot: &Snapshot) -> Vec<HostWarning> {
    let mut out = Vec::new();
    for host in &snapshot.hosts {
        match &host.reading {
            Some(HostReading::Unreachable { reason }) => out.push(HostWarning {
                host: host.name.clone(),
                level: "unreachable".to_string(),
                detail: reason.to_string(),
                why: Some(reason.clone()),
            }),
            Some(HostReading::Gauges(g)) => {
                for (gauge, pct) in g.named() {
                    let level = if pct >= host.critical_pct {
                        "critical"
                    } else if pct >= host.warn_pct {
                        "warning"
                    } else {
                        continue;
                    };
                    out.push(HostWarning {
                        host: host.name.clone(),
                        level: level.to_string(),
                        detail: format!("{gauge} {pct:.1} %"),
                        why: None,
                    });
                }
            }
            None => {}
        }
    }
    out
}

fn missing_records(
    store: &StoreReader,
    config: &Config,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<MissingRecords, StoreError> {
    let cal = &config.policy.calendar;
    let today = cal.local_day(now);
    let has_daily = |day| -> Result<bool, StoreError> {
        Ok(store.tree(TreeName::Daily).contains_key(DailyRecord::key(day))?)
    };
    let mut daily_days = Vec::new();
    let mut day = cal.local_day(since);
    while day < today {
        if !has_daily(day)? {
            daily_days.push(day);
        }
        day = match day.succ_opt() {
            Some(d) => d,
            None => break,
        };
    }
    let monthly = store
        .tree(TreeName::Monthly)
        .scan_prefix(MonthlyRecord::month_prefix(today))
        .next()
        .transpose()?
        .is_none();
    Ok(MissingRecords {
        daily_today: !has_daily(today)?,
        daily_days,
        monthly,
    })
}
