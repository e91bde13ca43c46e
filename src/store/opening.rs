//! Getting the store open, and keeping it writable: stale snapshot files sled cannot read, sled's refusals turned
//! into one message with the way out, the free-space guard, and the switch of an older store to the keyed chain.

use std::fs;
use std::io::{Error, ErrorKind};
use std::path::Path;

use serde_json::json;

use super::audit::{self, AUDITED_TREES, KeyedFrom, SealedHead, Written, digest};
use super::{Put, SCHEMA_VERSION, Store, StoreError, TreeName};
use crate::model::Actor;

/// Below this much free space a write is refused before sled sees it (a few of sled's 512 KiB segments, and room
/// for a snapshot).
pub(super) const MIN_FREE_BYTES: u64 = 4 * 1024 * 1024;

/// The file in the data directory that remembers where the last backup went, for the message of a store that no
/// longer opens.
pub(super) const LAST_BACKUP: &str = "last-backup";

/// sled 0.34 writes a snapshot to `snap.<lsn>.generating` and renames it when complete. A process killed in
/// between leaves that file behind (often empty), and every later open fails with "Read corrupted data at file
/// offset None" although nothing is lost (sled issue 1527: https://github.com/spacejam/sled/issues/1527).
/// Such a file is never a complete snapshot, and we hold the directory lock, so no sled is writing it: remove it.
pub(super) fn remove_stale_snapshots(sled_dir: &Path) -> std::io::Result<()> {
    let entries = match fs::read_dir(sled_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// sled refused the store in `dir`: a full disk says so; anything else names the directory, what sled said and
/// the way out.
pub(super) fn refused(dir: &Path, e: sled::Error) -> StoreError {
    let e = StoreError::at(dir, e);
    if e.is_disk_full() {
        return e;
    }
    let said = match &e {
        StoreError::Sled(inner) => super::error::sled_sentence(inner),
        other => other.to_string(),
    };
    let last_backup = fs::read_to_string(dir.join(LAST_BACKUP))
        .ok()
        .map(|t| t.trim().replace('\n', ", "))
        .filter(|t| !t.is_empty());
    StoreError::Unopenable {
        dir: dir.to_path_buf(),
        said,
        last_backup,
    }
}

/// Space kept aside in the data directory: sled 0.34 writes (zeroes the rest of its current segment) even to open
/// a store for reading, so on a full disk this file is given up to let the store open and be read.
pub(super) const RESERVE: &str = "space-reserve";
const RESERVE_BYTES: u64 = 8 * 1024 * 1024;

/// Refuses a write while the file system holding `dir` has less than `MIN_FREE_BYTES` free (plus the reserve, if
/// it had to be given up: writing resumes only when the disk has room again, not on the reserve's space).
pub(super) fn ensure_space(dir: &Path) -> Result<(), StoreError> {
    let Some(free) = free_bytes(dir) else {
        return Ok(());
    };
    let reserve = dir.join(RESERVE);
    let needed = if reserve.exists() {
        MIN_FREE_BYTES
    } else {
        MIN_FREE_BYTES + RESERVE_BYTES
    };
    if free < needed {
        return Err(StoreError::Io {
            dir: dir.to_path_buf(),
            source: Error::from(ErrorKind::StorageFull),
        });
    }
    keep_reserve(dir);
    Ok(())
}

/// Puts the reserve (back) in place when there is room for it; best effort.
pub(super) fn keep_reserve(dir: &Path) {
    use std::os::unix::io::AsRawFd;
    let path = dir.join(RESERVE);
    if path.exists() || free_bytes(dir).is_none_or(|f| f < MIN_FREE_BYTES + 2 * RESERVE_BYTES) {
        return;
    }
    let Ok(file) = fs::File::create(&path) else {
        return;
    };
    // SAFETY: the descriptor is open for writing for the duration of the call.
    let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), 0, RESERVE_BYTES as libc::off_t) };
    if rc != 0 || file.sync_all().is_err() {
        drop(file);
        let _ = fs::remove_file(&path);
    }
}

/// Gives up the reserve so that sled can open the store on a full disk; whether there was one to give up.
pub(super) fn release_reserve(dir: &Path) -> bool {
    fs::remove_file(dir.join(RESERVE)).is_ok()
}

fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is a valid C string and `stat` is written by statvfs before it is read.
    let rc = unsafe { libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `stat`.
    let stat = unsafe { stat.assume_init() };
    #[allow(clippy::unnecessary_cast)] // u32 on some targets
    Some((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
}

impl Store {
    /// Makes sure the chain is keyed. A new store is keyed from its first event; a schema-1 store gets one keyed
    /// `audit.keyed` event recording how many plain events came before and a digest of every audited record as it
    /// stands, so that later changes made without an event are found. A switch point with a bad MAC (another key)
    /// or missing from a keyed store stops writes, not reads.
    pub(super) fn ensure_keyed(&mut self) -> Result<(), StoreError> {
        let meta = self.tree(TreeName::Meta);
        if let Some(bytes) = meta.get(audit::KEYED_FROM)? {
            let genuine =
                serde_json::from_slice::<KeyedFrom>(&bytes).is_ok_and(|k| k.is_genuine(&self.read.key));
            if !genuine {
                self.key_problem = Some(format!(
                    "the audit chain in {} was not keyed with the audit key {}: nothing can be written with this \
                     key (use the key the store was written with, or run `watchdesk audit verify` to see what was \
                     changed)",
                    self.read.dir.display(),
                    self.read.key.path().display()
                ));
            }
            return Ok(());
        }
        let schema = self.schema()?;
        if schema >= 2 {
            self.key_problem = Some(format!(
                "the store in {} is keyed but its switch point (meta {}) is gone: nothing is written until this is \
                 looked into; run `watchdesk audit verify`",
                self.read.dir.display(),
                audit::KEYED_FROM
            ));
            return Ok(());
        }
        self.ensure_space()?;
        let schema_put = Put::Insert {
            tree: TreeName::Meta,
            key: b"schema".to_vec(),
            value: SCHEMA_VERSION.to_be_bytes().to_vec(),
        };
        let from = self.chain.next_seq();
        let marker = Put::json(
            TreeName::Meta,
            audit::KEYED_FROM,
            &KeyedFrom::seal(from, &self.read.key),
        )?;
        let mut snapshot = Vec::new();
        for tree in AUDITED_TREES {
            for item in self.scan(tree) {
                let (k, v) = item?;
                snapshot.push(Written {
                    tree: tree.as_str().into(),
                    key: hex::encode(&k),
                    sha256: Some(digest(&v)),
                });
            }
        }
        if schema == 0 && from == 1 && snapshot.is_empty() {
            // A new store: keyed from its first event; the head is sealed at genesis.
            let head = Put::json(
                TreeName::Meta,
                audit::HEAD,
                &SealedHead::seal(&self.chain.head(), &self.read.key),
            )?;
            return self.apply(&[schema_put, marker, head]);
        }
        let plain = self.chain.head();
        let payload = json!({
            "schema": {"from": schema.max(1), "to": SCHEMA_VERSION},
            "plain_events": plain.seq,
            "plain_head": plain.to_string(),
            "records": snapshot.len(),
            "key_file": self.read.key.path().display().to_string(),
        });
        self.append(
            &Actor::system(),
            chrono::Utc::now(),
            "audit.keyed",
            "audit",
            payload,
            snapshot,
            vec![schema_put, marker],
        )?;
        Ok(())
    }
}
