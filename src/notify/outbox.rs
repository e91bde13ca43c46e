//! The outbox: every notification is written here, durably, before anything is sent, and keeps how its
//! delivery went. Layout of the `outbox` tree:
//! ```text
//! cursor            u64 BE: the last audit event the notifier has planned from
//! next_id           u64 BE: the id the next entry gets
//! key/<fact>        u64 BE: the entry planned for a fact (`audit:42`, `late:2026-0001:respond`, …): a fact
//!                   is planned once, across restarts
//! entry/<id>        JSON Entry, id u64 BE (sled's monotonic id generator)
//! queue/<channel>\0<id>   empty: entries still to be sent, per channel
//! failed/<created ms><id>  empty: entries given up on, by creation time (counted without reading them)
//! failed_indexed    empty: the failed/ index covers every entry (stores from before it are indexed once)
//! ```

use chrono::{DateTime, Duration, Utc};

use crate::model::{Delivery, Entry, Message};
use crate::store::StoreError;

const CURSOR: &[u8] = b"cursor";
const KEY: &[u8] = b"key/";
const ENTRY: &[u8] = b"entry/";
const QUEUE: &[u8] = b"queue/";
const NEXT_ID: &[u8] = b"next_id";
const FAILED: &[u8] = b"failed/";
const FAILED_INDEXED: &[u8] = b"failed_indexed";

/// A planned entry before it has an id.
#[derive(Debug, Clone)]
pub struct Planned {
    pub channel: String,
    pub message: Message,
    /// `Some`: recorded as suppressed, not sent.
    pub suppressed: Option<String>,
}

/// The outbox over the store's `outbox` tree. Only the notifier's planner adds entries, so ids are taken
/// from a counter it advances in the same batch as the entries.
#[derive(Debug, Clone)]
pub struct Outbox {
    tree: sled::Tree,
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        tree: "outbox",
        key: String::new(),
        reason: e.to_string(),
    }
}

fn entry_key(id: u64) -> Vec<u8> {
    [ENTRY, &id.to_be_bytes()[..]].concat()
}

fn queue_key(channel: &str, id: u64) -> Vec<u8> {
    [QUEUE, channel.as_bytes(), b"\0", &id.to_be_bytes()[..]].concat()
}

/// Creation times before 1970 do not occur; they sort first.
fn failed_key(created_at: DateTime<Utc>, id: u64) -> Vec<u8> {
    failed_from(created_at)
        .into_iter()
        .chain(id.to_be_bytes())
        .collect()
}

fn failed_from(created_at: DateTime<Utc>) -> Vec<u8> {
    let ms = u64::try_from(created_at.timestamp_millis()).unwrap_or(0);
    [FAILED, &ms.to_be_bytes()[..]].concat()
}

fn queue_prefix(channel: &str) -> Vec<u8> {
    [QUEUE, channel.as_bytes(), b"\0"].concat()
}

impl Outbox {
    pub fn new(tree: sled::Tree) -> Outbox {
        Outbox { tree }
    }

    /// The last audit sequence planned from, if the notifier ever ran on this store.
    pub fn cursor(&self) -> Result<Option<u64>, StoreError> {
        Ok(self
            .tree
            .get(CURSOR)?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)))
    }

    pub fn knows(&self, fact: &str) -> Result<bool, StoreError> {
        Ok(self.tree.contains_key([KEY, fact.as_bytes()].concat())?)
    }

    /// Records the entries of `facts` (each fact once: one already planned is skipped) and moves the cursor,
    /// in one atomic batch, then makes it durable. Returns the new entries.
    pub fn plan(
        &self,
        facts: Vec<(String, Vec<Planned>)>,
        cursor: Option<u64>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut batch = sled::Batch::default();
        let mut made = Vec::new();
        let mut next_id = self
            .tree
            .get(NEXT_ID)?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(1);
        for (fact, planned) in facts {
            let fact_key = [KEY, fact.as_bytes()].concat();
            if self.tree.contains_key(&fact_key)? {
                continue;
            }
            let mut first = 0;
            for p in planned {
                let id = next_id;
                next_id += 1;
                if first == 0 {
                    first = id;
                }
                let (state, queued) = match p.suppressed {
                    Some(reason) => (Delivery::Suppressed { reason }, false),
                    None => (Delivery::Queued, true),
                };
                let entry = Entry {
                    id,
                    channel: p.channel,
                    message: p.message,
                    created_at: now,
                    state,
                    attempts: 0,
                    next_at: now,
                    last_error: None,
                };
                batch.insert(entry_key(id), serde_json::to_vec(&entry).map_err(err)?);
                if queued {
                    batch.insert(queue_key(&entry.channel, id), &[][..]);
                }
                made.push(entry);
            }
            batch.insert(fact_key, &first.to_be_bytes()[..]);
        }
        if let Some(seq) = cursor {
            batch.insert(CURSOR, &seq.to_be_bytes()[..]);
        }
        batch.insert(NEXT_ID, &next_id.to_be_bytes()[..]);
        self.tree.apply_batch(batch)?;
        self.tree.flush()?;
        Ok(made)
    }

    /// The channel's entries still to be sent, oldest first.
    pub fn queued(&self, channel: &str) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree.scan_prefix(queue_prefix(channel)) {
            let (key, _) = item?;
            let id_bytes = &key[key.len().saturating_sub(8)..];
            let Ok(id) = id_bytes.try_into().map(u64::from_be_bytes) else {
                continue;
            };
            if let Some(entry) = self.entry(id)? {
                out.push(entry);
            }
        }
        Ok(out)
    }

    pub fn entry(&self, id: u64) -> Result<Option<Entry>, StoreError> {
        match self.tree.get(entry_key(id))? {
            Some(v) => Ok(Some(serde_json::from_slice(&v).map_err(err)?)),
            None => Ok(None),
        }
    }

    /// Saves changed entries: those no longer queued leave the channel's queue. Durable on return.
    pub fn update(&self, entries: &[Entry]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for e in entries {
            batch.insert(entry_key(e.id), serde_json::to_vec(e).map_err(err)?);
            if e.state != Delivery::Queued {
                batch.remove(queue_key(&e.channel, e.id));
            }
            if matches!(e.state, Delivery::Failed { .. }) {
                batch.insert(failed_key(e.created_at, e.id), &[][..]);
            }
        }
        self.tree.apply_batch(batch)?;
        self.tree.flush()?;
        Ok(())
    }

    /// The newest `limit` entries, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree.scan_prefix(ENTRY).rev().take(limit) {
            let (_, v) = item?;
            out.push(serde_json::from_slice(&v).map_err(err)?);
        }
        Ok(out)
    }

    /// Queued and failed counts, per channel and in all.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let mut counts = Counts::default();
        for item in self.tree.scan_prefix(QUEUE) {
            let (key, _) = item?;
            let rest = &key[QUEUE.len()..];
            let name = rest.split(|b| *b == 0).next().unwrap_or_default();
            let name = String::from_utf8_lossy(name).into_owned();
            *counts.queued_by_channel.entry(name).or_default() += 1;
            counts.queued += 1;
        }
        Ok(counts)
    }

    /// Entries given up on in the day before the newest entry was made (refused by the vendor, or out of
    /// retries). Counted from the `failed/` index: no entry is read but the newest.
    pub fn failed_recently(&self) -> Result<u64, StoreError> {
        if !self.tree.contains_key(FAILED_INDEXED)? {
            self.index_failed()?;
        }
        let Some((_, newest)) = self.tree.scan_prefix(ENTRY).next_back().transpose()? else {
            return Ok(0);
        };
        let newest: Entry = serde_json::from_slice(&newest).map_err(err)?;
        let from = failed_from(newest.created_at - Duration::hours(24));
        let to = [FAILED, &[0xff; 17][..]].concat();
        let mut n = 0;
        for item in self.tree.range(from..to) {
            item?;
            n += 1;
        }
        Ok(n)
    }

    /// Builds the `failed/` index over entries written before it existed.
    fn index_failed(&self) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for item in self.tree.scan_prefix(ENTRY) {
            let (_, v) = item?;
            let e: Entry = serde_json::from_slice(&v).map_err(err)?;
            if matches!(e.state, Delivery::Failed { .. }) {
                batch.insert(failed_key(e.created_at, e.id), &[][..]);
            }
        }
        batch.insert(FAILED_INDEXED, &[][..]);
        self.tree.apply_batch(batch)?;
        self.tree.flush()?;
        Ok(())
    }

    /// Entries sent since `since` on `channel`: what the rate limit has already spent.
    pub fn sent_since(&self, channel: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let mut out = Vec::new();
        // Entries are in id order, which is creation order: walk back until they are older than a minute
        // before `since` (a retry may have been sent long after it was created, so allow a margin).
        let horizon = since - Duration::hours(24);
        for item in self.tree.scan_prefix(ENTRY).rev() {
            let (_, v) = item?;
            let e: Entry = serde_json::from_slice(&v).map_err(err)?;
            if e.created_at < horizon {
                break;
            }
            if e.channel == channel
                && let Delivery::Sent { at, in_digest, .. } = &e.state
                && *at >= since
                && in_digest.as_deref().is_none_or(|d| d == e.message.key)
            {
                out.push(*at);
            }
        }
        Ok(out)
    }

    /// Removes finished entries created before `before` (and their fact keys stay: a fact is never planned
    /// twice). Returns how many went.
    pub fn prune(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for item in self.tree.scan_prefix(ENTRY) {
            let (k, v) = item?;
            let e: Entry = serde_json::from_slice(&v).map_err(err)?;
            if e.created_at >= before {
                break;
            }
            if e.state != Delivery::Queued {
                batch.remove(k);
                batch.remove(failed_key(e.created_at, e.id));
                n += 1;
            }
        }
        self.tree.apply_batch(batch)?;
        self.tree.flush()?;
        Ok(n)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub queued: u64,
    pub queued_by_channel: std::collections::BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests;
