//! The sled store: trees, key encoding, typed access, the audit hash chain, backup / restore / verify.
//!
//! Layout of a data directory (0700, files 0600):
//! ```text
//! DATA_DIR/
//!   watchdesk.lock    held (flock) by the one process that owns the store; says which process that is
//!   space-reserve     8 MiB kept aside, given up so the store still opens for reading on a full disk
//!   last-backup       where the last backup went, named when the store no longer opens
//!   store/            sled: trees meta, incidents, open, events, daily, monthly, handovers, scores, rollups,
//!                     outbox
//! ```
//!
//! This file opens the store and holds the audited write and the typed reads; the tree names and value
//! encoding live in `trees`, errors in `error`, incident records in `incidents`, the audit chain in `audit`,
//! backups in `backup` and the process lock in `lock`.

mod audit;
mod backup;
mod batch;
mod commit;
mod error;
mod incidents;
mod key;
mod lock;
mod opening;
mod progress;
mod reader;
mod scan;
mod syncer;
mod trees;
mod verify;

use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

pub use audit::{AUDITED_TREES, AuditEvent, AuditHead, Written};
pub use backup::{BackupSummary, verify_backup, verify_backup_with};
pub use batch::Change;
pub use error::StoreError;
pub use key::{AuditKey, default_key_path};
pub use progress::{Progress, Quiet};
pub use reader::StoreReader;
pub use scan::Bounded;
pub use syncer::Syncer;
pub use trees::{Put, TreeName, display_key};
pub use verify::{Verified, VerifyFailure, record_name};

/// The schema this build writes and the newest it reads. 2: the audit chain is keyed (HMAC-SHA256) from the
/// switch point in `meta` on, events list digests of what they wrote, and `meta` keeps the keyed head. A
/// schema-1 store is migrated when it is opened: its events keep their plain hashes, and one keyed
/// `audit.keyed` event records the switch and a digest of every record as it stood.
pub const SCHEMA_VERSION: u32 = 2;

/// The store of one data directory, owned by one process. It derefs to its reads; `reader()` hands a copy of
/// them to work done off the owner's task.
pub struct Store {
    read: StoreReader,
    syncer: Syncer,
    /// Whether `commit` leaves durability to the owner (`defer_sync`), and whether a commit since the owner
    /// last asked (`take_unsynced`) still needs its sync.
    deferred: Option<bool>,
    chain: audit::ChainHead,
    /// Why this store must not be written to with this key (the chain was keyed with another, or its switch
    /// point is gone); reads still work.
    key_problem: Option<String>,
    /// Events committed since the owner last took them, for the engine's event stream (durable, unless the
    /// owner deferred the sync: then durable once its next sync returns).
    committed: Vec<AuditEvent>,
    _lock: lock::DirLock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.read.dir)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, with the audit key at its default place
    /// (`$WATCHDESK_AUDIT_KEY`, else `$XDG_CONFIG_HOME/watchdesk/audit.key`), created when missing. A second
    /// process gets `StoreError::Locked`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_key_file(dir, None)
    }

    /// Opens the store with the audit key at `key_file` (the default place when `None`), created when missing.
    pub fn open_with_key_file(dir: &Path, key_file: Option<&Path>) -> Result<Store, StoreError> {
        private_umask();
        // A key named explicitly inside the data directory is refused; the default place may fall inside it (a
        // service account whose home is the data directory), which `audit verify` warns about.
        let named = key_file.is_some();
        let path = match key_file {
            Some(p) => p.to_path_buf(),
            None => default_key_path().ok_or_else(|| {
                StoreError::Key(
                    "no place for the audit key: set [audit] key_file in the config, or $WATCHDESK_AUDIT_KEY, or \
                     $HOME"
                        .into(),
                )
            })?,
        };
        let key = AuditKey::load_or_create(&path, named.then_some(dir))?;
        Store::open_keyed(dir, key)
    }

    /// Opens (creating if needed) the store in `dir` with `key`.
    pub fn open_keyed(dir: &Path, key: AuditKey) -> Result<Store, StoreError> {
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
        opening::remove_stale_snapshots(&sled_dir).map_err(io)?;
        // No background flusher: every write that matters is flushed (and fsynced) before it is answered, and
        // sled's thread, waking every 500 ms, spent most of its time cleaning segments eagerly — reading and
        // rewriting pages of a big store, more CPU than the engine's own work (BENCHMARKS.md, "A big year").
        // Without it sled still cleans, one page at each page it rewrites for a write, and flushes when the
        // store is dropped; what is written outside a commit (history rollups) is synced by its owner.
        let sled_config = sled::Config::new()
            .path(&sled_dir)
            .cache_capacity(16 * 1024 * 1024)
            .mode(sled::Mode::LowSpace)
            .flush_every_ms(None);
        // Our own directory lock is held, so sled's lock can only be held by a store of this process that was
        // just dropped and not let go of yet (a thread still holding its sled): wait a little for it.
        let mut opened = sled_config.open();
        for _ in 0..100 {
            match &opened {
                // sled 0.34 reports it as ErrorKind::Other with this text (config.rs).
                Err(sled::Error::Io(e)) if e.to_string().starts_with("could not acquire lock") => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    opened = sled_config.open();
                }
                _ => break,
            }
        }
        let db = match opened.map_err(|e| opening::refused(dir, e)) {
            // sled writes even to open; on a full disk the space kept aside lets it, so reads go on.
            Err(e) if e.is_disk_full() && opening::release_reserve(dir) => {
                // The failed attempt may have left its own unfinished snapshot behind.
                opening::remove_stale_snapshots(&sled_dir).map_err(io)?;
                sled_config.open().map_err(|e| opening::refused(dir, e))?
            }
            other => other?,
        };
        let trees = TreeName::ALL
            .iter()
            .map(|t| db.open_tree(t.as_str()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| opening::refused(dir, e))?;
        let db_file = File::open(sled_dir.join("db")).map_err(io)?;
        restrict_files(&sled_dir).map_err(io)?;
        let mut store = Store {
            read: StoreReader {
                dir: dir.to_path_buf(),
                trees,
                key,
            },
            syncer: Syncer {
                db,
                db_file: Arc::new(db_file),
                dir: dir.to_path_buf(),
            },
            deferred: None,
            chain: audit::ChainHead::default(),
            key_problem: None,
            committed: Vec::new(),
            _lock: lock,
        };
        opening::keep_reserve(dir);
        store.check_schema()?;
        store.chain = audit::ChainHead::load(store.tree(TreeName::Events))?;
        match store.ensure_keyed() {
            Ok(()) => {}
            // A full disk must not stop reads: the switch is made by the first write that succeeds.
            Err(e) if e.is_disk_full() => {}
            Err(e) => return Err(e),
        }
        Ok(store)
    }

    fn check_schema(&mut self) -> Result<(), StoreError> {
        let found = self.schema()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                dir: self.read.dir.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    /// Makes everything written so far durable: sled's flush, then an fsync of its data file.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.syncer.sync()
    }

    /// What makes this store's writes durable, for a thread other than the owner's.
    pub fn syncer(&self) -> Syncer {
        self.syncer.clone()
    }

    /// Leaves the durability of every later commit to the owner: `commit` then applies its transaction (every
    /// read sees it at once) and returns without waiting for the disk; the owner makes it durable with a
    /// `Syncer` before telling anyone of it, and `take_unsynced` says when a commit needs that.
    pub fn defer_sync(&mut self) {
        self.deferred = Some(false);
    }

    /// Whether a commit was applied since the last call whose sync is left to the owner (`defer_sync`).
    pub fn take_unsynced(&mut self) -> bool {
        match &mut self.deferred {
            Some(unsynced) => std::mem::take(unsynced),
            None => false,
        }
    }

    /// Refuses a write while the disk is (nearly) full, before sled sees it: sled 0.34 remembers a failed write
    /// to its log and refuses every later one until the process restarts, so it must never meet a full disk.
    pub fn ensure_space(&self) -> Result<(), StoreError> {
        opening::ensure_space(&self.read.dir)
    }

    /// The audit events committed since the last call, oldest first.
    pub fn take_committed(&mut self) -> Vec<AuditEvent> {
        std::mem::take(&mut self.committed)
    }

    /// The sequence number of the last audit event (0 when there is none).
    pub fn chain_head_seq(&self) -> u64 {
        self.chain.last_seq()
    }

    /// The last audit event's sequence number and hash, as published in records and reports.
    pub fn chain_head(&self) -> AuditHead {
        self.chain.head()
    }

    /// A read handle for work done off the owner's task: it sees every commit, now and later.
    pub fn reader(&self) -> StoreReader {
        self.read.clone()
    }

    /// Rebuilds a store in `dir` (which must be empty or absent) from a verified backup.
    /// The store is written with `key`, which must be the key the backup was made with.
    pub fn restore(
        backup_file: &Path,
        dir: &Path,
        key: &AuditKey,
    ) -> Result<(Store, BackupSummary), StoreError> {
        backup::restore(backup_file, dir, key, &Quiet)
    }

    /// `restore`, telling `progress` how far the check and the rebuild have come.
    pub fn restore_with(
        backup_file: &Path,
        dir: &Path,
        key: &AuditKey,
        progress: &dyn Progress,
    ) -> Result<(Store, BackupSummary), StoreError> {
        backup::restore(backup_file, dir, key, progress)
    }
}

impl std::ops::Deref for Store {
    type Target = StoreReader;

    fn deref(&self) -> &StoreReader {
        &self.read
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
