//! Alerts raised elsewhere (Alertmanager, scripts) and received by the HTTP intake. One open incident per
//! origin and deduplication key: a firing alert opens it (or notes that a restored fault failed again), a
//! resolved one records "service restored" and stops the recover clock; the incident stays open until the
//! engineer resolves it with cause and process, as for watchdesk's own checks.
//!
//! A batch is all or nothing: every signal is checked and applied to copies first, then every change is
//! written in one transaction (one audit event per change), and only then does the live state move.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::incidents::open_payload;
use super::monitor::still_failing;
use super::{Engine, EngineError};
use crate::model::{Actor, AutoSource, Incident, IncidentId, LifecycleError, NewIncident, Origin};
use crate::policy::{Kind, Severity};
use crate::store::{Change, Store};

/// One alert or event as the intake read and routed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub origin: Origin,
    /// Alertmanager's fingerprint, or the event's dedup key.
    pub key: String,
    /// Firing (true) or resolved.
    pub firing: bool,
    pub title: String,
    pub kind: Kind,
    pub severity: Severity,
    pub subsystem: Option<String>,
    /// When the fault began (`startsAt`); now when not given. Never later than now.
    pub detected_at: Option<DateTime<Utc>>,
    /// When it ended (`endsAt` of a resolved alert); now when not given.
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub generator_url: Option<String>,
}

/// What a batch did, incident by incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntakeReport {
    pub opened: Vec<IncidentId>,
    pub restored: Vec<IncidentId>,
    /// Restored earlier and firing again.
    pub failed_again: Vec<IncidentId>,
    /// Already known in that state (a repeat): nothing written.
    pub unchanged: usize,
    /// Resolved, with no open incident to restore: nothing written.
    pub ignored: usize,
}

/// Which open incident each origin and key belongs to. Built from the open incidents at start-up (their
/// source is stored and audited with them), so deduplication holds across restarts.
#[derive(Debug, Default)]
pub(super) struct AlertIndex {
    ids: HashMap<(Origin, String), IncidentId>,
}

impl AlertIndex {
    pub(super) fn of<'a>(open: impl Iterator<Item = &'a Incident>) -> AlertIndex {
        let ids = open
            .filter_map(|i| {
                let (origin, key) = i.source.as_ref()?.alert_key()?;
                Some(((origin, key.to_string()), i.id))
            })
            .collect();
        AlertIndex { ids }
    }
}

impl Engine {
    /// The open incident of an origin and key; an entry whose incident was resolved since is dropped.
    fn alert_incident(&mut self, origin: Origin, key: &str) -> Option<IncidentId> {
        let k = (origin, key.to_string());
        let id = *self.alerts.ids.get(&k)?;
        if self.open.contains_key(&id) {
            Some(id)
        } else {
            self.alerts.ids.remove(&k);
            None
        }
    }

    pub(super) fn intake(
        &mut self,
        actor: &Actor,
        signals: Vec<Signal>,
        now: DateTime<Utc>,
    ) -> Result<IntakeReport, EngineError> {
        for signal in &signals {
            self.check_signal(signal)?;
        }
        let mut report = IntakeReport::default();
        // Copies of the incidents this batch touches, the changes to write, and the numbers handed out.
        let mut work: HashMap<IncidentId, Incident> = HashMap::new();
        let mut new_keys: HashMap<(Origin, String), IncidentId> = HashMap::new();
        let mut last_id: HashMap<i32, IncidentId> = HashMap::new();
        let mut changes = Vec::new();
        let mut changed = HashSet::new();
        for signal in signals {
            let k = (signal.origin, signal.key.clone());
            let existing = match new_keys.get(&k) {
                Some(id) => Some(*id),
                None => self.alert_incident(signal.origin, &signal.key),
            };
            let Some(id) = existing else {
                if !signal.firing {
                    report.ignored += 1;
                    continue;
                }
                let detected = signal.detected_at.unwrap_or(now).min(now);
                let year = detected.with_timezone(&self.config.platform.timezone).year();
                let previous = match last_id.get(&year) {
                    Some(id) => *id,
                    None => {
                        let (next, _) = self.store.next_incident_id(year)?;
                        IncidentId {
                            year,
                            seq: next.seq - 1,
                        }
                    }
                };
                let (id, counter) = Store::incident_id_after(previous);
                last_id.insert(year, id);
                let incident = Incident::open(id, new_incident(signal, detected), actor.clone(), now)?;
                let mut puts = Store::put_incident(&incident)?;
                puts.push(counter);
                changes.push(Change {
                    action: "incident.open".into(),
                    target: id.to_string(),
                    payload: open_payload(&incident),
                    puts,
                });
                new_keys.insert(k, id);
                changed.insert(id);
                report.opened.push(id);
                work.insert(id, incident);
                continue;
            };
            let incident = match work.get_mut(&id) {
                Some(i) => i,
                None => {
                    let Some(open) = self.open.get(&id) else {
                        continue;
                    };
                    work.entry(id).or_insert_with(|| (**open).clone())
                }
            };
            let failing = still_failing(incident);
            let (action, payload) = match (signal.firing, failing) {
                (true, true) | (false, false) => {
                    report.unchanged += 1;
                    continue;
                }
                (true, false) => {
                    let detail = format!("{}: {}", signal.origin.as_str(), signal.title);
                    let at = signal
                        .detected_at
                        .unwrap_or(now)
                        .min(now)
                        .max(incident.detected_at);
                    incident.fail_again(at, now, detail.clone());
                    report.failed_again.push(id);
                    (
                        "incident.failed_again",
                        json!({ "key": signal.key, "detail": detail }),
                    )
                }
                (false, true) => {
                    let at = signal.ended_at.unwrap_or(now).min(now).max(incident.detected_at);
                    incident.restore(at, now);
                    report.restored.push(id);
                    ("incident.restored", json!({ "at": at, "key": signal.key }))
                }
            };
            changed.insert(id);
            changes.push(Change {
                action: action.into(),
                target: id.to_string(),
                payload,
                puts: Store::put_incident(incident)?,
            });
        }
        self.store.commit_all(actor, now, changes)?;
        for (key, id) in new_keys {
            self.alerts.ids.insert(key, id);
        }
        // Only what changed moves the live state: a repeat costs no write and no new snapshot.
        for (id, incident) in work {
            if changed.contains(&id) {
                self.keep(incident);
            }
        }
        Ok(report)
    }

    /// What would make the whole batch fail is found before anything is written.
    fn check_signal(&self, signal: &Signal) -> Result<(), EngineError> {
        if signal.key.trim().is_empty() {
            return Err(LifecycleError::Empty { field: "dedup key" }.into());
        }
        if signal.title.trim().is_empty() {
            return Err(LifecycleError::Empty { field: "title" }.into());
        }
        self.check_subsystem(signal.subsystem.as_deref())
    }
}

fn new_incident(signal: Signal, detected: DateTime<Utc>) -> NewIncident {
    NewIncident {
        kind: signal.kind,
        severity: signal.severity,
        title: signal.title,
        subsystem: signal.subsystem,
        detected_at: Some(detected),
        host: None,
        source: Some(AutoSource::Alert {
            origin: signal.origin,
            key: signal.key,
            labels: signal.labels,
            generator_url: signal.generator_url,
        }),
    }
}

#[cfg(test)]
mod tests;
