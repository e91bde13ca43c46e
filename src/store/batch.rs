//! Several audited changes in one transaction: each keeps its own audit event (so every reader of the log sees
//! one event per incident, as if committed one by one), and either all of them are durable or none is.

use chrono::{DateTime, Utc};

use super::audit::{self, AUDITED_TREES, AuditEvent, AuditHead, Written};
use super::{Put, Store, StoreError, TreeName};
use crate::model::Actor;

/// One change of a batch: what `Store::commit` takes, less the actor and time the batch shares.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: String,
    pub target: String,
    pub payload: serde_json::Value,
    pub puts: Vec<Put>,
}

impl Store {
    /// Applies every change and its audit event atomically, then makes them durable (or leaves that to the
    /// owner, see `Store::defer_sync`). Returns the events.
    pub fn commit_all(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        changes: Vec<Change>,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(problem) = &self.key_problem {
            return Err(StoreError::Key(problem.clone()));
        }
        self.ensure_space()?;
        self.ensure_keyed()?;
        // The chain moves on a copy; only once everything is durable does the store's head follow.
        let mut chain = self.chain.clone();
        let mut puts = Vec::new();
        let mut events = Vec::with_capacity(changes.len());
        for change in changes {
            let writes = change
                .puts
                .iter()
                .filter(|p| AUDITED_TREES.contains(&p.tree()))
                .map(Written::of)
                .collect();
            let event = chain.next_event(
                &self.key,
                actor,
                at,
                &change.action,
                &change.target,
                change.payload,
                writes,
            );
            let event_bytes = serde_json::to_vec(&event).map_err(|e| StoreError::Corrupt {
                tree: "events",
                key: event.seq.to_string(),
                reason: e.to_string(),
            })?;
            chain.advance(&event);
            puts.extend(change.puts);
            puts.push(Put::Insert {
                tree: TreeName::Events,
                key: event.seq.to_be_bytes().to_vec(),
                value: event_bytes,
            });
            events.push(event);
        }
        let head = AuditHead {
            seq: chain.last_seq(),
            hash: chain.head().hash,
        };
        puts.push(Put::json(
            TreeName::Meta,
            audit::HEAD,
            &audit::SealedHead::seal(&head, &self.key),
        )?);
        self.apply(&puts)?;
        self.chain = chain;
        self.committed.extend(events.iter().cloned());
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{Incident, IncidentId, NewIncident};
    use crate::policy::{Kind, Severity};

    fn opening(id: IncidentId, counter: Put) -> Change {
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: format!("alert {id}"),
            subsystem: None,
            detected_at: None,
            host: None,
            source: None,
        };
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
        let incident = Incident::open(id, new, Actor::named("alertmanager"), at).unwrap();
        let mut puts = Store::put_incident(&incident).unwrap();
        puts.push(counter);
        Change {
            action: "incident.open".into(),
            target: id.to_string(),
            payload: serde_json::json!({}),
            puts,
        }
    }

    #[test]
    fn a_batch_is_one_event_per_change_chained_and_numbered_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
        {
            let mut store = Store::open(&path).unwrap();
            assert!(
                store
                    .commit_all(&Actor::system(), at, Vec::new())
                    .unwrap()
                    .is_empty()
            );
            let (first, _) = store.next_incident_id(2026).unwrap();
            let mut previous = IncidentId {
                year: 2026,
                seq: first.seq - 1,
            };
            let mut changes = Vec::new();
            for _ in 0..3 {
                let (id, counter) = Store::incident_id_after(previous);
                changes.push(opening(id, counter));
                previous = id;
            }
            let events = store
                .commit_all(&Actor::named("alertmanager"), at, changes)
                .unwrap();
            let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
            assert_eq!(seqs, [1, 2, 3]);
            assert_eq!(events[1].prev_hash, events[0].hash);
            assert_eq!(store.take_committed().len(), 3);
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.verify_audit().unwrap(), Ok(3));
        assert_eq!(store.open_incidents().unwrap().len(), 3);
        assert_eq!(store.next_incident_id(2026).unwrap().0.to_string(), "2026-0004");
    }
}
