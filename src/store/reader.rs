//! A read handle on the store, for the long reads that run off the engine task (the whole incident history,
//! reports over a quarter, audit verify, backup). sled trees are shared and thread-safe, so a clone reads what
//! the owner has committed while the owner goes on writing; only the owner writes.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::audit::{self, AuditEvent, AuditHead};
use super::trees::decode;
use super::verify::VerifyFailure;
use super::{AuditKey, BackupSummary, StoreError, TreeName, backup, key};

/// Reads of the store; the `Store` that owns it derefs to one.
#[derive(Clone)]
pub struct StoreReader {
    pub(super) dir: PathBuf,
    pub(super) trees: Vec<sled::Tree>,
    pub(super) key: AuditKey,
}

impl std::fmt::Debug for StoreReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreReader")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl StoreReader {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn tree(&self, name: TreeName) -> &sled::Tree {
        &self.trees[name as usize]
    }

    /// The schema the store was written with (0: a new store).
    pub(super) fn schema(&self) -> Result<u32, StoreError> {
        match self.tree(TreeName::Meta).get("schema")? {
            Some(v) => Ok(u32::from_be_bytes(v.as_ref().try_into().map_err(|_| {
                StoreError::Corrupt {
                    tree: "meta",
                    key: "schema".into(),
                    reason: "not a 4-byte version".into(),
                }
            })?)),
            None => Ok(0),
        }
    }

    /// The last committed audit event's sequence number and hash, read from the log (the owner keeps the same
    /// in memory).
    pub fn chain_head(&self) -> Result<AuditHead, StoreError> {
        Ok(audit::ChainHead::load(self.tree(TreeName::Events))?.head())
    }

    /// The sequence number of the last committed audit event (0 when there is none), cheaply.
    pub(super) fn last_seq(&self) -> Result<u64, StoreError> {
        Ok(match self.tree(TreeName::Events).last()? {
            Some((k, _)) => k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0),
            None => 0,
        })
    }

    pub fn audit_key(&self) -> &AuditKey {
        &self.key
    }

    /// Whether the audit key lies inside the data directory, where it protects nothing.
    pub fn key_inside_data(&self) -> bool {
        key::inside(self.key.path(), &self.dir)
    }

    /// A handle on one tree for a subscriber in this process that keeps its own records (the notifier's
    /// outbox) or reads committed ones; sled serialises access, and the process lock keeps other processes out.
    pub fn share_tree(&self, name: TreeName) -> sled::Tree {
        self.tree(name).clone()
    }

    /// Reads and decodes one JSON value.
    pub fn get_json<T: DeserializeOwned>(&self, tree: TreeName, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.tree(tree).get(key)? {
            Some(bytes) => decode(tree, key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Every value of a tree in key order.
    pub fn scan_json<T: DeserializeOwned>(
        &self,
        tree: TreeName,
    ) -> impl Iterator<Item = Result<T, StoreError>> + use<T> {
        self.scan(tree).map(move |item| {
            let (k, v) = item?;
            decode(tree, &k, &v)
        })
    }

    /// Values whose keys start with `prefix`.
    pub fn scan_prefix_json<T: DeserializeOwned>(
        &self,
        tree: TreeName,
        prefix: &[u8],
    ) -> impl Iterator<Item = Result<T, StoreError>> + use<T> {
        self.scan_prefix(tree, prefix).map(move |item| {
            let (k, v) = item?;
            decode(tree, &k, &v)
        })
    }

    /// Walks the audit chain and checks the records against it; `Ok(events)` or the first record that does
    /// not match.
    pub fn verify_audit(&self) -> Result<Result<u64, VerifyFailure>, StoreError> {
        Ok(self.verify(None)?.map(|v| v.events))
    }

    pub fn audit_events(&self) -> impl Iterator<Item = Result<AuditEvent, StoreError>> + use<> {
        self.scan_json(TreeName::Events)
    }

    /// Writes a consistent, checksummed export of every tree.
    pub fn backup(&self, out: &Path) -> Result<BackupSummary, StoreError> {
        backup::write(self, out, &super::Quiet)
    }

    /// `backup`, telling `progress` of each record written.
    pub fn backup_with(
        &self,
        out: &Path,
        progress: &dyn super::Progress,
    ) -> Result<BackupSummary, StoreError> {
        backup::write(self, out, progress)
    }
}
