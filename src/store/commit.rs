//! The write path: records and their audit event applied in one sled transaction, then made durable.

use chrono::{DateTime, Utc};
use sled::Transactional;

use super::{AUDITED_TREES, AuditEvent, AuditHead, Put, Store, StoreError, TreeName, Written, audit};
use crate::model::Actor;

impl Store {
    /// Applies `puts` and one audit event atomically, then makes them durable (or leaves that to the owner,
    /// see `defer_sync`). Returns the event.
    pub fn commit(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        action: &str,
        target: &str,
        payload: serde_json::Value,
        puts: Vec<Put>,
    ) -> Result<AuditEvent, StoreError> {
        if let Some(problem) = &self.key_problem {
            return Err(StoreError::Key(problem.clone()));
        }
        self.ensure_space()?;
        self.ensure_keyed()?;
        let writes = puts
            .iter()
            .filter(|p| AUDITED_TREES.contains(&p.tree()))
            .map(Written::of)
            .collect();
        self.append(actor, at, action, target, payload, writes, puts)
    }

    /// Writes `puts`, the event and the keyed head in one transaction, then makes them durable (unless
    /// deferred).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn append(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        action: &str,
        target: &str,
        payload: serde_json::Value,
        writes: Vec<Written>,
        mut puts: Vec<Put>,
    ) -> Result<AuditEvent, StoreError> {
        let event = self
            .chain
            .next_event(&self.read.key, actor, at, action, target, payload, writes);
        let event_bytes = serde_json::to_vec(&event).map_err(|e| StoreError::Corrupt {
            tree: "events",
            key: event.seq.to_string(),
            reason: e.to_string(),
        })?;
        let head = AuditHead {
            seq: event.seq,
            hash: event.hash.clone(),
        };
        puts.push(Put::json(
            TreeName::Meta,
            audit::HEAD,
            &audit::SealedHead::seal(&head, &self.read.key),
        )?);
        puts.push(Put::Insert {
            tree: TreeName::Events,
            key: event.seq.to_be_bytes().to_vec(),
            value: event_bytes,
        });
        self.apply(&puts)?;
        self.chain.advance(&event);
        self.committed.push(event.clone());
        Ok(event)
    }

    /// Applies `puts` in one transaction and makes them durable, or notes that the owner must (`defer_sync`).
    pub(super) fn apply(&mut self, puts: &[Put]) -> Result<(), StoreError> {
        let result: sled::transaction::TransactionResult<(), ()> =
            self.read.trees.as_slice().transaction(|trees| {
                for put in puts {
                    match put {
                        Put::Insert { tree, key, value } => {
                            trees[*tree as usize].insert(key.as_slice(), value.as_slice())?;
                        }
                        Put::Remove { tree, key } => {
                            trees[*tree as usize].remove(key.as_slice())?;
                        }
                    }
                }
                Ok(())
            });
        match result {
            Ok(()) => {}
            Err(sled::transaction::TransactionError::Storage(e)) => {
                return Err(StoreError::at(&self.read.dir, e));
            }
            Err(sled::transaction::TransactionError::Abort(())) => {
                return Err(StoreError::Backup("transaction aborted".into()));
            }
        }
        match &mut self.deferred {
            Some(unsynced) => {
                *unsynced = true;
                Ok(())
            }
            None => self.sync(),
        }
    }
}
