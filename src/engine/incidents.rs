//! Commands on incidents: each one validated on a copy, written with its audit event, and only then applied
//! to the engine's live state.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use serde_json::json;

use super::long_read::Work;
use super::{Command, Engine, EngineError, Reply};
use crate::model::{Actor, Incident, IncidentId, NewIncident};
use crate::store::Store;

impl Engine {
    /// Carries out `command`: answered here, or a long read to finish off the engine task.
    pub(super) fn execute(&mut self, actor: &Actor, command: Command) -> Work {
        let now = self.clock.now();
        let done = match command {
            Command::OpenIncident(new) => self
                .open_incident(actor, new, now)
                .map(|i| Reply::Incident(Box::new(i))),
            Command::Acknowledge { id, at, note, due } => {
                self.change(actor, id, now, "incident.ack", |inc| {
                    let payload = json!({ "at": at, "note": note, "due": due });
                    inc.acknowledge(actor, at, now, note.clone(), due)?;
                    Ok(payload)
                })
            }
            Command::Plan { id, at, text } => self.change(actor, id, now, "incident.plan", |inc| {
                inc.plan(actor, at, now, &text)?;
                Ok(json!({ "at": at, "text": text }))
            }),
            Command::Resolve { id, at, resolution } => {
                self.change(actor, id, now, "incident.resolve", |inc| {
                    let payload = json!({ "at": at, "resolution": resolution });
                    inc.resolve(actor, at, now, resolution.clone())?;
                    Ok(payload)
                })
            }
            Command::Note { id, at, text } => self.change(actor, id, now, "incident.note", |inc| {
                inc.note(actor, at, now, &text)?;
                Ok(json!({ "at": at, "text": text }))
            }),
            Command::Reclassify {
                id,
                at,
                severity,
                reason,
            } => self.change(actor, id, now, "incident.reclassify", |inc| {
                let from = inc.severity;
                inc.reclassify(actor, at, now, severity, &reason)?;
                Ok(json!({ "at": at, "from": from, "to": severity, "reason": reason }))
            }),
            Command::Records(command) => {
                return self
                    .execute_records(actor, command, now)
                    .unwrap_or_else(Work::failed);
            }
            Command::Store(command) => return self.execute_store(command).unwrap_or_else(Work::failed),
            Command::Intake(signals) => self
                .intake(actor, signals, now)
                .map(|r| Reply::Intake(Box::new(r))),
        };
        Work::Done(done)
    }

    pub(super) fn open_incident(
        &mut self,
        actor: &Actor,
        new: NewIncident,
        now: DateTime<Utc>,
    ) -> Result<Incident, EngineError> {
        self.check_subsystem(new.subsystem.as_deref())?;
        if let Some(host) = &new.host
            && !self.config.hosts.iter().any(|h| h.name == host.trim())
        {
            let mut names: Vec<_> = self
                .config
                .hosts
                .iter()
                .map(|h| format!("\"{}\"", h.name))
                .collect();
            if names.is_empty() {
                names.push("(no hosts are configured)".into());
            }
            return Err(EngineError::UnknownHost {
                name: host.clone(),
                accepted: names.join(", "),
            });
        }
        let detected = new.detected_at.unwrap_or(now);
        let year = detected.with_timezone(&self.config.platform.timezone).year();
        let (id, counter) = self.store.next_incident_id(year)?;
        let zone = self.config.platform.timezone;
        let incident = Incident::open(id, new, actor.clone(), now).map_err(|e| e.in_zone(zone))?;
        let mut puts = Store::put_incident(&incident)?;
        puts.push(counter);
        let payload = open_payload(&incident);
        self.store
            .commit(actor, now, "incident.open", &id.to_string(), payload, puts)?;
        self.open.insert(incident.clone());
        self.records.incident_changed(&incident);
        self.dirty = true;
        Ok(incident)
    }

    /// A subsystem named by a new incident must be one of the configured ones.
    pub(super) fn check_subsystem(&self, subsystem: Option<&str>) -> Result<(), EngineError> {
        let Some(sub) = subsystem else {
            return Ok(());
        };
        if self.config.subsystem(sub).is_some() {
            return Ok(());
        }
        let mut ids: Vec<_> = self
            .config
            .subsystems
            .iter()
            .map(|s| format!("\"{}\"", s.id))
            .collect();
        if ids.is_empty() {
            ids.push("(no subsystems are configured)".into());
        }
        Err(EngineError::UnknownSubsystem {
            id: sub.to_string(),
            accepted: ids.join(", "),
        })
    }

    /// Applies `f` to a copy of the incident; stores the copy and its audit event; then keeps it.
    pub(super) fn change(
        &mut self,
        actor: &Actor,
        id: IncidentId,
        now: DateTime<Utc>,
        action: &str,
        f: impl FnOnce(&mut Incident) -> Result<serde_json::Value, crate::model::LifecycleError>,
    ) -> Result<Reply, EngineError> {
        let mut incident = match self.open.get(&id) {
            Some(i) => (**i).clone(),
            None => self.store.incident(id)?.ok_or(EngineError::NotFound(id))?,
        };
        let zone = self.config.platform.timezone;
        let payload = f(&mut incident).map_err(|e| e.in_zone(zone))?;
        let puts = Store::put_incident(&incident)?;
        let turns = self.turns.clone();
        turns.time("store commit (incident)", || {
            self.store
                .commit(actor, now, action, &id.to_string(), payload, puts)
        })?;
        self.keep(incident.clone());
        Ok(Reply::Incident(Box::new(incident)))
    }

    /// Keeps the live view in step with what was stored.
    pub(super) fn keep(&mut self, incident: Incident) {
        self.records.incident_changed(&incident);
        if incident.is_open() {
            self.open.insert(incident);
        } else {
            if self.open.remove(&incident.id).is_some() {
                self.auto_incident_closed(&incident);
            }
            self.recently_resolved.retain(|i| i.id != incident.id);
            self.recently_resolved.insert(0, Arc::new(incident));
            self.recently_resolved.truncate(50);
        }
        self.dirty = true;
    }
}

/// The audit payload of `incident.open`.
pub(super) fn open_payload(incident: &Incident) -> serde_json::Value {
    let mut payload = json!({
        "kind": incident.kind,
        "severity": incident.severity,
        "title": incident.title,
        "subsystem": incident.subsystem,
        "detected_at": incident.detected_at,
        "source": incident.source,
    });
    if let Some(host) = &incident.host {
        payload["host"] = json!(host);
    }
    payload
}
