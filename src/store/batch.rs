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
    /// Applies every change and its audit event atomically, then makes them durable. Returns the events.
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
