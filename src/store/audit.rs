//! The audit log: append-only events, each carrying the hash of the one before. Since schema 2 the hash is an
//! HMAC-SHA256 under the audit key (kept outside the data directory), so rewriting an event and recomputing the
//! hashes after it needs the key. Events written before the switch keep their plain SHA-256 hashes untouched;
//! the switch point is a keyed marker in `meta`. Each keyed event also lists a digest of every record it wrote,
//! so a record changed without an event is found, and `meta` keeps the keyed head (sequence + hash) so removing
//! the last events, or all of them, is found too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::key::AuditKey;
use super::{Put, StoreError, TreeName, display_key};
use crate::model::Actor;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `meta` key of the keyed switch point: the first sequence number whose hash is keyed.
pub(super) const KEYED_FROM: &str = "audit/keyed_from";
/// `meta` key of the keyed chain head, written in the same transaction as each event.
pub(super) const HEAD: &str = "audit/head";

/// The trees whose records are written only by audited commits, and so are checked against the events.
pub const AUDITED_TREES: [TreeName; 6] = [
    TreeName::Incidents,
    TreeName::Open,
    TreeName::Daily,
    TreeName::Monthly,
    TreeName::Handovers,
    TreeName::Scores,
];

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
    /// What this event wrote (keyed events only): a digest per record, `None` for a removal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writes: Vec<Written>,
    pub prev_hash: String,
    pub hash: String,
}

/// One record an event wrote: tree, key (hex) and the SHA-256 of the value (`None`: removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub tree: String,
    pub key: String,
    pub sha256: Option<String>,
}

impl Written {
    pub(super) fn of(put: &Put) -> Written {
        match put {
            Put::Insert { tree, key, value } => Written {
                tree: tree.as_str().into(),
                key: hex::encode(key),
                sha256: Some(digest(value)),
            },
            Put::Remove { tree, key } => Written {
                tree: tree.as_str().into(),
                key: hex::encode(key),
                sha256: None,
            },
        }
    }
}

pub(super) fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The part of a plain (schema 1) event its hash covers, in a fixed field order.
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

/// The part of a keyed event its MAC covers.
#[derive(Serialize)]
struct Keyed<'a> {
    seq: u64,
    at: &'a DateTime<Utc>,
    actor: &'a Actor,
    action: &'a str,
    target: &'a str,
    payload: &'a serde_json::Value,
    writes: &'a [Written],
    prev_hash: &'a str,
}

impl AuditEvent {
    /// The plain SHA-256 hash of events written before the chain was keyed.
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

    /// The HMAC-SHA256 of a keyed event.
    pub fn compute_mac(&self, key: &AuditKey) -> String {
        let body = Keyed {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            target: &self.target,
            payload: &self.payload,
            writes: &self.writes,
            prev_hash: &self.prev_hash,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        key.mac(&[b"watchdesk audit event\n", &bytes])
    }
}

/// A point of the chain: sequence number and hash, written `SEQ:HASH`. Published in daily records, handovers
/// and quarterly reports; `watchdesk audit verify --expect SEQ:HASH` proves the log still reaches it unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: String,
}

impl std::fmt::Display for AuditHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl std::str::FromStr for AuditHead {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("\"{s}\" is not a chain head: expected SEQ:HASH, e.g. 42:9f86d08…(64 hex digits)");
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq = seq.parse().map_err(|_| bad())?;
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(AuditHead {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// The keyed head as kept in `meta`: only the key holder can write a MAC that matches.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SealedHead {
    pub seq: u64,
    pub hash: String,
    pub mac: String,
}

impl SealedHead {
    pub(super) fn seal(head: &AuditHead, key: &AuditKey) -> SealedHead {
        SealedHead {
            seq: head.seq,
            hash: head.hash.clone(),
            mac: head_mac(head.seq, &head.hash, key),
        }
    }

    pub(super) fn is_genuine(&self, key: &AuditKey) -> bool {
        self.mac == head_mac(self.seq, &self.hash, key)
    }
}

fn head_mac(seq: u64, hash: &str, key: &AuditKey) -> String {
    key.mac(&[format!("watchdesk audit head {seq}:{hash}").as_bytes()])
}

/// The switch point as kept in `meta`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct KeyedFrom {
    pub seq: u64,
    pub mac: String,
}

impl KeyedFrom {
    pub(super) fn seal(seq: u64, key: &AuditKey) -> KeyedFrom {
        KeyedFrom {
            seq,
            mac: key.mac(&[format!("watchdesk keyed from {seq}").as_bytes()]),
        }
    }

    pub(super) fn is_genuine(&self, key: &AuditKey) -> bool {
        self.mac == KeyedFrom::seal(self.seq, key).mac
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

    /// The next event, its hash keyed with `key`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn next_event(
        &self,
        key: &AuditKey,
        actor: &Actor,
        at: DateTime<Utc>,
        action: &str,
        target: &str,
        payload: serde_json::Value,
        writes: Vec<Written>,
    ) -> AuditEvent {
        let mut event = AuditEvent {
            seq: self.next_seq,
            at,
            actor: actor.clone(),
            action: action.to_string(),
            target: target.to_string(),
            payload,
            writes,
            prev_hash: self.last_hash.clone(),
            hash: String::new(),
        };
        event.hash = event.compute_mac(key);
        event
    }

    pub(super) fn next_seq(&self) -> u64 {
        self.next_seq
    }

    pub(super) fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub(super) fn head(&self) -> AuditHead {
        AuditHead {
            seq: self.last_seq(),
            hash: self.last_hash.clone(),
        }
    }

    /// Only after the event is durable does the head move.
    pub(super) fn advance(&mut self, event: &AuditEvent) {
        self.next_seq = event.seq + 1;
        self.last_hash = event.hash.clone();
    }
}
