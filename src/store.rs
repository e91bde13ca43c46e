//! The sled store: trees, key encoding, typed access, the audit hash chain, backup / restore / verify.
//!
//! Layout of a data directory (0700, files 0600):
//! ```text
//! DATA_DIR/
//!   watchdesk.lock    held (flock) by the one process that owns the store; says which process that is
//!   store/            sled: trees meta, incidents, open, events, daily, monthly, handovers, scores, rollups
//! ```

mod audit;
mod backup;
mod lock;

use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::Transactional;

pub use audit::{AuditEvent, VerifyFailure};
pub use backup::{BackupSummary, verify_backup};

use crate::model::{Actor, Incident, IncidentId};

/// The schema this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "store {} is in use by another watchdesk process{}; stop it or use `watchdesk attach`",
        dir.display(),
        holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
    )]
    Locked { dir: PathBuf, holder: Option<String> },
    #[error(
        "store {} was written by a newer watchdesk (schema {found}, this build reads up to {supported}); upgrade watchdesk",
        dir.display()
    )]
    TooNew {
        dir: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot use data directory {}: {source}", dir.display())]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("store error: {0}")]
    Sled(#[from] sled::Error),
    #[error("corrupt record in tree `{tree}` at key {key}: {reason}")]
    Corrupt {
        tree: &'static str,
        key: String,
        reason: String,
    },
    #[error("{0}")]
    Backup(String),
}

/// The trees, in the order the transaction sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeName {
    Meta = 0,
    Incidents,
    Open,
    Events,
    Daily,
    Monthly,
    Handovers,
    Scores,
    Rollups,
}

impl TreeName {
    pub const ALL: [TreeName; 9] = [
        TreeName::Meta,
        TreeName::Incidents,
        TreeName::Open,
        TreeName::Events,
        TreeName::Daily,
        TreeName::Monthly,
        TreeName::Handovers,
        TreeName::Scores,
        TreeName::Rollups,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TreeName::Meta => "meta",
            TreeName::Incidents => "incidents",
            TreeName::Open => "open",
            TreeName::Events => "events",
            TreeName::Daily => "daily",
            TreeName::Monthly => "monthly",
            TreeName::Handovers => "handovers",
            TreeName::Scores => "scores",
            TreeName::Rollups => "rollups",
        }
    }

    pub fn parse(name: &str) -> Option<TreeName> {
        TreeName::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// One change inside an audited write.
#[derive(Debug, Clone)]
pub enum Put {
    Insert {
        tree: TreeName,
        key: Vec<u8>,
        value: Vec<u8>,
    },
    Remove {
        tree: TreeName,
        key: Vec<u8>,
    },
}

impl Put {
    pub fn json<T: Serialize>(tree: TreeName, key: impl Into<Vec<u8>>, value: &T) -> Result<Put, StoreError> {
        let value = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
            tree: tree.as_str(),
            key: String::new(),
            reason: format!("cannot encode: {e}"),
        })?;
        Ok(Put::Insert {
            tree,
            key: key.into(),
            value,
        })
    }
}

/// The store of one data directory, owned by one process.
pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    trees: Vec<sled::Tree>,
    /// sled's data file: fsynced after each flush so a write survives a power cut, not only a killed process.
    db_file: File,
    chain: audit::ChainHead,
    _lock: lock::DirLock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store in `dir`. A second process gets `StoreError::Locked`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let io = |source| StoreError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        // Everything the store creates is private to the user: 0700 directories, 0600 files (umask is
        // process-wide and only ever narrowed here).
        private_umask();
        fs::create_dir_all(dir).map_err(io)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
        let lock = lock::DirLock::acquire(dir)?;
        let sled_dir = dir.join("store");
        let db = sled::Config::new()
            .path(&sled_dir)
            .cache_capacity(16 * 1024 * 1024)
            .mode(sled::Mode::LowSpace)
            .open()?;
        let trees = TreeName::ALL
            .iter()
            .map(|t| db.open_tree(t.as_str()))
            .collect::<Result<Vec<_>, _>>()?;
        let db_file = File::open(sled_dir.join("db")).map_err(io)?;
        restrict_files(&sled_dir).map_err(io)?;
        let mut store = Store {
            dir: dir.to_path_buf(),
            db,
            chain: audit::ChainHead::default(),
            trees,
            db_file,
            _lock: lock,
        };
        store.check_schema()?;
        store.chain = audit::ChainHead::load(store.tree(TreeName::Events))?;
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn tree(&self, name: TreeName) -> &sled::Tree {
        &self.trees[name as usize]
    }

    fn check_schema(&mut self) -> Result<(), StoreError> {
        let meta = self.tree(TreeName::Meta);
        match meta.get("schema")? {
            Some(v) => {
                let found = u32::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                    tree: "meta",
                    key: "schema".into(),
                    reason: "not a 4-byte version".into(),
                })?);
                if found > SCHEMA_VERSION {
                    return Err(StoreError::TooNew {
                        dir: self.dir.clone(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
            }
            None => {
                meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
                self.sync()?;
            }
        }
        Ok(())
    }

    /// Makes everything written so far durable: sled's flush, then an fsync of its data file.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        self.db_file.sync_data().map_err(|source| StoreError::Io {
            dir: self.dir.clone(),
            source,
        })
    }

    /// Applies `puts` and one audit event atomically, then makes them durable. Returns the event.
    pub fn commit(
        &mut self,
        actor: &Actor,
        at: DateTime<Utc>,
        action: &str,
        target: &str,
        payload: serde_json::Value,
        puts: Vec<Put>,
    ) -> Result<AuditEvent, StoreError> {
        let event = self.chain.next_event(actor, at, action, target, payload);
        let event_bytes = serde_json::to_vec(&event).map_err(|e| StoreError::Corrupt {
            tree: "events",
            key: event.seq.to_string(),
            reason: e.to_string(),
        })?;
        let seq_key = event.seq.to_be_bytes();
        let result: sled::transaction::TransactionResult<(), ()> =
            self.trees.as_slice().transaction(|trees| {
                for put in &puts {
                    match put {
                        Put::Insert { tree, key, value } => {
                            trees[*tree as usize].insert(key.as_slice(), value.as_slice())?;
                        }
                        Put::Remove { tree, key } => {
                            trees[*tree as usize].remove(key.as_slice())?;
                        }
                    }
                }
                trees[TreeName::Events as usize].insert(&seq_key, event_bytes.as_slice())?;
                Ok(())
            });
        match result {
            Ok(()) => {}
            Err(sled::transaction::TransactionError::Storage(e)) => return Err(e.into()),
            Err(sled::transaction::TransactionError::Abort(())) => {
                return Err(StoreError::Backup("transaction aborted".into()));
            }
        }
        self.sync()?;
        self.chain.advance(&event);
        Ok(event)
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
    ) -> impl Iterator<Item = Result<T, StoreError>> {
        self.tree(tree).iter().map(move |item| {
            let (k, v) = item?;
            decode(tree, &k, &v)
        })
    }

    /// Values whose keys start with `prefix`.
    pub fn scan_prefix_json<T: DeserializeOwned>(
        &self,
        tree: TreeName,
        prefix: &[u8],
    ) -> impl Iterator<Item = Result<T, StoreError>> {
        self.tree(tree).scan_prefix(prefix).map(move |item| {
            let (k, v) = item?;
            decode(tree, &k, &v)
        })
    }

    /// The next never-used incident number of `year`. The counter is written with the incident, in the same
    /// transaction, so a number reported to anyone is never handed out again.
    pub fn next_incident_id(&self, year: i32) -> Result<(IncidentId, Put), StoreError> {
        let key = format!("seq/{year}");
        let current = match self.tree(TreeName::Meta).get(&key)? {
            Some(v) => u32::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                tree: "meta",
                key: key.clone(),
                reason: "not a 4-byte counter".into(),
            })?),
            None => 0,
        };
        let seq = current + 1;
        Ok((
            IncidentId { year, seq },
            Put::Insert {
                tree: TreeName::Meta,
                key: key.into_bytes(),
                value: seq.to_be_bytes().to_vec(),
            },
        ))
    }

    pub fn incident(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        self.get_json(TreeName::Incidents, &id.key())
    }

    /// The writes that store `incident` and keep the open index in step.
    pub fn put_incident(incident: &Incident) -> Result<Vec<Put>, StoreError> {
        let key = incident.id.key().to_vec();
        let index = if incident.is_open() {
            Put::Insert {
                tree: TreeName::Open,
                key: key.clone(),
                value: Vec::new(),
            }
        } else {
            Put::Remove {
                tree: TreeName::Open,
                key: key.clone(),
            }
        };
        Ok(vec![Put::json(TreeName::Incidents, key, incident)?, index])
    }

    /// The incidents not yet resolved, through the open index (cheap however large the archive).
    pub fn open_incidents(&self) -> Result<Vec<Incident>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree(TreeName::Open).iter() {
            let (key, _) = item?;
            if let Some(incident) = self.get_json::<Incident>(TreeName::Incidents, &key)? {
                out.push(incident);
            }
        }
        Ok(out)
    }

    pub fn all_incidents(&self) -> impl Iterator<Item = Result<Incident, StoreError>> {
        self.scan_json(TreeName::Incidents)
    }

    /// Walks the audit chain; `Ok(count)` or the first record that does not match.
    pub fn verify_audit(&self) -> Result<Result<u64, VerifyFailure>, StoreError> {
        audit::verify(self.tree(TreeName::Events))
    }

    pub fn audit_events(&self) -> impl Iterator<Item = Result<AuditEvent, StoreError>> {
        self.scan_json(TreeName::Events)
    }

    /// Writes a consistent, checksummed export of every tree.
    pub fn backup(&self, out: &Path) -> Result<BackupSummary, StoreError> {
        backup::write(self, out)
    }

    /// Rebuilds a store in `dir` (which must be empty or absent) from a verified backup.
    pub fn restore(backup_file: &Path, dir: &Path) -> Result<(Store, BackupSummary), StoreError> {
        backup::restore(backup_file, dir)
    }
}

fn decode<T: DeserializeOwned>(tree: TreeName, key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        tree: tree.as_str(),
        key: display_key(key),
        reason: e.to_string(),
    })
}

/// Keys are text or big-endian numbers; show either readably.
pub fn display_key(key: &[u8]) -> String {
    match std::str::from_utf8(key) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => s.to_string(),
        _ if key.len() == 8 => {
            let raw = u64::from_be_bytes(key.try_into().unwrap_or([0; 8]));
            raw.to_string()
        }
        _ => hex::encode(key),
    }
}

fn private_umask() {
    // SAFETY: umask(2) cannot fail and touches no memory.
    unsafe {
        libc::umask(0o077);
    }
}

/// sled creates its files with the process umask; make sure older files are private too.
fn restrict_files(dir: &Path) -> std::io::Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() {
            restrict_files(&entry.path())?;
        } else {
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
