//! `audit verify`: the chain (sequence, links, plain hashes before the switch point and keyed MACs after it),
//! the keyed head in `meta` (a cut end or an emptied log), an optional expected head published earlier (a rollback
//! of the whole data directory), and every audited record against the last event that wrote it (a record changed
//! without an event). The first thing that does not hold is reported, naming the record.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::audit::{AUDITED_TREES, AuditEvent, AuditHead, GENESIS, HEAD, KEYED_FROM, KeyedFrom, SealedHead};
use super::{StoreError, StoreReader, TreeName, display_key};
use crate::model::IncidentId;

mod last_written;
#[cfg(test)]
mod tests;
use last_written::LastWritten;

/// What a verification that passed checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Audit events in the chain.
    pub events: u64,
    /// The first keyed event (`None`: the chain has no key yet).
    pub keyed_from: Option<u64>,
    pub head: AuditHead,
    /// Records checked against the events that wrote them.
    pub records_checked: u64,
}

/// The first thing that does not hold, and the record it is about.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{record}: {reason}")]
pub struct VerifyFailure {
    /// The audit event concerned (0 when the failure is about another record).
    pub seq: u64,
    /// e.g. `audit event 12`, `incident 2026-0003`, `daily record 2026-11-02`.
    pub record: String,
    pub reason: String,
}

fn event_failure(seq: u64, reason: impl Into<String>) -> VerifyFailure {
    VerifyFailure {
        seq,
        record: format!("audit event {seq}"),
        reason: reason.into(),
    }
}

/// The name of a record as an engineer would say it.
pub fn record_name(tree: TreeName, key: &[u8]) -> String {
    let incident = || {
        IncidentId::from_key(key)
            .map(|id| id.to_string())
            .unwrap_or_else(|| display_key(key))
    };
    match tree {
        TreeName::Incidents => format!("incident {}", incident()),
        TreeName::Open => format!("open-incident index entry {}", incident()),
        TreeName::Daily => format!("daily record {}", display_key(key)),
        TreeName::Monthly => format!("monthly inspection {}", display_key(key)),
        TreeName::Handovers => {
            let millis = key
                .try_into()
                .map(|b| (u64::from_be_bytes(b) ^ (1 << 63)) as i64)
                .ok()
                .and_then(DateTime::<Utc>::from_timestamp_millis);
            match millis {
                Some(at) => format!("handover of {}", at.to_rfc3339()),
                None => format!("handover {}", display_key(key)),
            }
        }
        TreeName::Scores => format!("score record {}", display_key(key)),
        other => format!("{} record {}", other.as_str(), display_key(key)),
    }
}

/// The events' writes are sorted in temporary files on a big store: a failure there is the temporary
/// directory's.
fn spill_error(source: std::io::Error) -> StoreError {
    StoreError::Io {
        dir: std::env::temp_dir(),
        source,
    }
}

/// Checks while the owner goes on writing: a failure seen while an event was committed is checked again, since
/// the log and the records were read at different moments.
const ATTEMPTS: usize = 5;

impl StoreReader {
    /// Verifies the audit log and the records against it; `expect` is a head published earlier.
    pub fn verify(&self, expect: Option<&AuditHead>) -> Result<Result<Verified, VerifyFailure>, StoreError> {
        self.verify_with(expect, &super::Quiet)
    }

    /// `verify`, telling `progress` of each event and record checked.
    pub fn verify_with(
        &self,
        expect: Option<&AuditHead>,
        progress: &dyn super::Progress,
    ) -> Result<Result<Verified, VerifyFailure>, StoreError> {
        let mut attempt = 1;
        loop {
            let before = self.last_seq()?;
            let verdict = self.verify_once(expect, progress)?;
            if verdict.is_ok() || attempt == ATTEMPTS || self.last_seq()? == before {
                return Ok(verdict);
            }
            attempt += 1;
        }
    }

    fn verify_once(
        &self,
        expect: Option<&AuditHead>,
        progress: &dyn super::Progress,
    ) -> Result<Result<Verified, VerifyFailure>, StoreError> {
        let meta = self.tree(TreeName::Meta);
        let keyed_from = match meta.get(KEYED_FROM)? {
            None => None,
            Some(bytes) => match serde_json::from_slice::<KeyedFrom>(&bytes) {
                Ok(k) if k.is_genuine(&self.key) => Some(k.seq),
                _ => {
                    return Ok(Err(VerifyFailure {
                        seq: 0,
                        record: format!("meta record {KEYED_FROM}"),
                        reason: format!(
                            "the keyed switch point does not carry a valid MAC under the audit key {} (changed, \
                             or another key is in use)",
                            self.key.path().display()
                        ),
                    }));
                }
            },
        };
        if keyed_from.is_none() && self.schema()? >= 2 {
            return Ok(Err(VerifyFailure {
                seq: 0,
                record: format!("meta record {KEYED_FROM}"),
                reason: "the store is keyed (schema 2) but its switch point is missing (removed)".into(),
            }));
        }

        // The chain itself, remembering the last digest each event gave each record.
        let mut expected_seq = 1u64;
        let mut prev = GENESIS.to_string();
        let mut last_written = LastWritten::default();
        let mut found_expected = false;
        progress.stage("checking the audit chain", self.last_seq().ok());
        for item in self.scan(TreeName::Events) {
            let (key, value) = item?;
            progress.advance(1);
            let key_seq = key.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
            let event: AuditEvent = match serde_json::from_slice(&value) {
                Ok(e) => e,
                Err(e) => return Ok(Err(event_failure(key_seq, format!("cannot be read ({e})")))),
            };
            if key_seq != expected_seq || event.seq != expected_seq {
                return Ok(Err(event_failure(
                    key_seq,
                    format!(
                        "expected sequence {expected_seq}, found key {key_seq} holding sequence {} (events were \
                         removed or inserted)",
                        event.seq
                    ),
                )));
            }
            if event.prev_hash != prev {
                return Ok(Err(event_failure(
                    key_seq,
                    "its previous-hash does not match the record before it",
                )));
            }
            let keyed = keyed_from.is_some_and(|from| event.seq >= from);
            if keyed {
                if event.compute_mac(&self.key) != event.hash {
                    let why = if event.compute_hash() == event.hash {
                        "its hash is a plain SHA-256, not the keyed MAC: it was rewritten by someone without the \
                         audit key"
                    } else {
                        "its content does not match its keyed MAC (the record was changed)"
                    };
                    return Ok(Err(event_failure(key_seq, why)));
                }
                for w in &event.writes {
                    last_written
                        .insert(&w.tree, &w.key, w.sha256.as_deref(), event.seq)
                        .map_err(spill_error)?;
                }
            } else if event.compute_hash() != event.hash {
                return Ok(Err(event_failure(
                    key_seq,
                    "its content does not match its hash (the record was changed)",
                )));
            }
            if let Some(expect) = expect
                && expect.seq == event.seq
            {
                if expect.hash != event.hash {
                    return Ok(Err(event_failure(
                        key_seq,
                        format!(
                            "its hash is not the expected {expect}: the log was rewritten or replaced since that \
                             head was published"
                        ),
                    )));
                }
                found_expected = true;
            }
            prev = event.hash;
            expected_seq += 1;
        }
        let last = expected_seq - 1;
        let head = AuditHead {
            seq: last,
            hash: prev,
        };

        // The keyed head in meta: events cut from the end, or all of them, leave it pointing past the end.
        if keyed_from.is_some() {
            match meta.get(HEAD)? {
                None if last >= keyed_from.unwrap_or(1) => {
                    return Ok(Err(VerifyFailure {
                        seq: 0,
                        record: format!("meta record {HEAD}"),
                        reason: "the keyed chain head is missing (removed)".into(),
                    }));
                }
                None => {}
                Some(bytes) => {
                    let sealed: Option<SealedHead> = serde_json::from_slice(&bytes).ok();
                    let Some(sealed) = sealed.filter(|s| s.is_genuine(&self.key)) else {
                        return Ok(Err(VerifyFailure {
                            seq: 0,
                            record: format!("meta record {HEAD}"),
                            reason: "the chain head does not carry a valid MAC under the audit key (changed)"
                                .into(),
                        }));
                    };
                    if sealed.seq > last {
                        let what = if last == 0 {
                            format!("all {} audit events were removed", sealed.seq)
                        } else {
                            format!(
                                "the log ends at event {last} but its head says {}: events {}–{} were cut from the end",
                                sealed.seq,
                                last + 1,
                                sealed.seq
                            )
                        };
                        return Ok(Err(event_failure(last + 1, what)));
                    }
                    if sealed.seq < last {
                        return Ok(Err(event_failure(
                            sealed.seq + 1,
                            format!(
                                "events {}–{last} were added after the recorded head {} without the audit key",
                                sealed.seq + 1,
                                sealed.seq
                            ),
                        )));
                    }
                    if sealed.hash != head.hash {
                        return Ok(Err(event_failure(
                            last,
                            "it is not the event the recorded chain head names (replaced)",
                        )));
                    }
                }
            }
        }

        if let Some(expect) = expect
            && !found_expected
        {
            return Ok(Err(event_failure(
                expect.seq,
                format!(
                    "the expected head {expect} is not in the log, which ends at event {last}: events were cut, or \
                     the data directory was rolled back to an older copy"
                ),
            )));
        }

        // Every audited record against the event that last wrote it, both in the same order (see `LastWritten`).
        let mut records_checked = 0u64;
        if keyed_from.is_some() {
            progress.stage("checking the records against their events", None);
            let mut words = last_written.into_words().map_err(spill_error)?;
            // The first record (by tree name, then key) an event wrote that is not there.
            let mut gone: Option<(String, Vec<u8>, u64)> = None;
            let mut left = |tree: &str, key: &[u8], seq: u64| {
                if gone
                    .as_ref()
                    .is_none_or(|(t, k, _)| (tree, key) < (t.as_str(), k.as_slice()))
                {
                    gone = Some((tree.to_string(), key.to_vec(), seq));
                }
            };
            for (n, tree) in AUDITED_TREES.into_iter().enumerate() {
                for item in self.scan(tree) {
                    let (key, value) = item?;
                    records_checked += 1;
                    progress.advance(1);
                    match words.take(n, &key, &mut left).map_err(spill_error)? {
                        None => {
                            return Ok(Err(VerifyFailure {
                                seq: 0,
                                record: record_name(tree, &key),
                                reason: "no audit event wrote it: it was added or restored without an event"
                                    .into(),
                            }));
                        }
                        Some((digest, seq)) if !digest.matches(&Sha256::digest(&value)) => {
                            return Ok(Err(VerifyFailure {
                                seq: 0,
                                record: record_name(tree, &key),
                                reason: format!(
                                    "it does not match what audit event {seq} wrote: it was changed without an event"
                                ),
                            }));
                        }
                        Some(_) => {}
                    }
                }
            }
            words.rest(&mut left).map_err(spill_error)?;
            if let Some((tree, key, seq)) = gone {
                let name = TreeName::parse(&tree)
                    .map(|t| record_name(t, &key))
                    .unwrap_or_else(|| format!("{tree} record {}", display_key(&key)));
                return Ok(Err(VerifyFailure {
                    seq: 0,
                    record: name,
                    reason: format!(
                        "audit event {seq} wrote it but it is gone: it was removed without an event"
                    ),
                }));
            }
        }
        Ok(Ok(Verified {
            events: last,
            keyed_from,
            head,
            records_checked,
        }))
    }
}
