//! Commands on incidents: each one validated on a copy, written with its audit event, and only then applied
//! to the engine's live state.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use serde_json::json;

use super::{Command, Engine, EngineError, Reply};
use crate::model::{Actor, Incident, IncidentId, NewIncident};
use crate::store::Store;

impl Engine {
    pub(super) fn execute(&mut self, actor: &Actor, command: Command) -> Result<Reply, EngineError> {
        let now = self.clock.now();
        match command {
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
            Command::Reclassify { id, severity, reason } => {
                self.change(actor, id, now, "incident.reclassify", |inc| {
                    let from = inc.severity;
                    inc.reclassify(actor, now, severity, &reason)?;
                    Ok(json!({ "from": from, "to": severity, "reason": reason }))
                })
            }
            Command::Records(command) => self
                .execute_records(actor, command, now)
                .map(|r| Reply::Records(Box::new(r))),
            Command::Store(command) => self.execute_store(command).map(|r| Reply::Store(Box::new(r))),
        }
    }

    pub(super) fn open_incident(
        &mut self,
        actor: &Actor,
        new: NewIncident,
        now: DateTime<Utc>,
    ) -> Result<Incident, EngineError> {
        if let Some(sub) = &new.subsystem
            && self.config.subsystem(sub).is_none()
        {
            let mut ids: Vec<_> = self
                .config
                .subsystems
                .iter()
                .map(|s| format!("\"{}\"", s.id))
                .collect();
            if ids.is_empty() {
                ids.push("(no subsystems are configured)".into());
            }
            return Err(EngineError::UnknownSubsystem {
                id: sub.clone(),
                accepted: ids.join(", "),
            });
        }
        let detected = new.detected_at.unwrap_or(now);
        let year = detected.with_timezone(&self.config.platform.timezone).year();
        let (id, counter) = self.store.next_incident_id(year)?;
        let zone = self.config.platform.timezone;
        let incident = Incident::open(id, new, actor.clone(), now).map_err(|e| e.in_zone(zone))?;
        let mut puts = Store::put_incident(&incident)?;
        puts.push(counter);
        let payload = json!({
            "kind": incident.kind,
            "severity": incident.severity,
            "title": incident.title,
            "subsystem": incident.subsystem,
            "detected_at": incident.detected_at,
            "source": incident.source,
        });
        self.store
            .commit(actor, now, "incident.open", &id.to_string(), payload, puts)?;
        self.open.insert(incident.clone());
        self.records.incident_changed(&incident);
        self.dirty = true;
        Ok(incident)
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
        self.store
            .commit(actor, now, action, &id.to_string(), payload, puts)?;
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
