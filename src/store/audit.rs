//! The audit log: append-only events, each carrying the hash of the one before, so a changed byte anywhere is
//! found by walking the chain.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{StoreError, display_key};
use crate::model::Actor;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: u64,
    /// When it was recorded (UTC).
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// e.g. `incident.ack`, `daily.save`.
    pub action: String,
    /// e.g. `2026-0001`.
    pub target: String,
    pub payload: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The part of an event its hash covers, in a fixed field order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: u64,
    at: &'a DateTime<Utc>,
    actor: &'a Actor,
    action: &'a str,
    target: &'a str,
    payload: &'a serde_json::Value,
    prev_hash: &'a str,
}

impl AuditEvent {
    pub fn compute_hash(&self) -> String {
        let body = Hashed {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            target: &self.target,
            payload: &self.payload,
            prev_hash: &self.prev_hash,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }
}

/// Where the chain ends: the next sequence number and the last hash.
#[derive(Debug, Clone)]
pub(super) struct ChainHead {
    next_seq: u64,
    last_hash: String,
}

impl Default for ChainHead {
    fn default() -> Self {
        ChainHead {
            next_seq: 1,
            last_hash: GENESIS.to_string(),
        }
    }
}

impl ChainHead {
    pub(super) fn load(events: &sled::Tree) -> Result<ChainHead, StoreError> {
        match events.last()? {
            None => Ok(ChainHead::default()),
            Some((key, value)) => {
                let event: AuditEvent = serde_json::from_slice(&value).map_err(|e| StoreError::Corrupt {
                    tree: "events",
                    key: display_key(&key),
                    reason: e.to_string(),
                })?;
                Ok(ChainHead {
                    next_seq: event.seq + 1,
                    last_hash: event.hash,
                })
            }
        }
    }

    pub(super) fn next_event(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        action: &str,
        target: &str,
        payload: serde_json::Value,
    ) -> AuditEvent {
        let mut event = AuditEvent {
            seq: self.next_seq,
            at,
            actor: actor.clone(),
            action: action.to_string(),
            target: target.to_string(),
            payload,
            prev_hash: self.last_hash.clone(),
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        event
    }

    pub(super) fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Only after the event is durable does the head move.
    pub(super) fn advance(&mut self, event: &AuditEvent) {
        self.next_seq = event.seq + 1;
        self.last_hash = event.hash.clone();
    }
}

/// The first audit record that does not match.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("audit record {seq} does not match: {reason}")]
pub struct VerifyFailure {
    pub seq: u64,
    pub reason: String,
}

pub(super) fn verify(events: &sled::Tree) -> Result<Result<u64, VerifyFailure>, StoreError> {
    let mut expected_seq = 1u64;
    let mut prev = GENESIS.to_string();
    for item in events.iter() {
        let (key, value) = item?;
        let key_seq = key.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
        let fail = |reason: String| Ok(Err(VerifyFailure { seq: key_seq, reason }));
        let event: AuditEvent = match serde_json::from_slice(&value) {
            Ok(e) => e,
            Err(e) => return fail(format!("cannot be read ({e})")),
        };
        if key_seq != expected_seq || event.seq != expected_seq {
            return fail(format!(
                "expected sequence {expected_seq}, found key {key_seq} holding sequence {}",
                event.seq
            ));
        }
        if event.prev_hash != prev {
            return fail("its previous-hash does not match the record before it".into());
        }
        if event.compute_hash() != event.hash {
            return fail("its content does not match its hash (the record was changed)".into());
        }
        prev = event.hash;
        expected_seq += 1;
    }
    Ok(Ok(expected_seq - 1))
}
