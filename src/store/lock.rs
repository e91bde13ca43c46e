//! One process per store: an exclusive lock on `watchdesk.lock` that also says who holds it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::StoreError;

/// Held for as long as the store is open; the OS releases it when the process dies, even on SIGKILL.
#[derive(Debug)]
pub(super) struct DirLock {
    _file: File,
}

impl DirLock {
    pub(super) fn acquire(dir: &Path) -> Result<DirLock, StoreError> {
        let path = dir.join("watchdesk.lock");
        let io = |source| StoreError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim().to_string();
                return Err(StoreError::Locked {
                    dir: dir.to_path_buf(),
                    holder: (!holder.is_empty()).then_some(holder),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // SAFETY: getuid(2) cannot fail.
        let user = crate::model::user_name(unsafe { libc::getuid() });
        let who = format!(
            "pid {}{}, since {}",
            std::process::id(),
            if user.is_empty() {
                String::new()
            } else {
                format!(", user {user}")
            },
            chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
        );
        // Who holds the lock is information for the next process, not a condition of holding it: on a full disk
        // it may not be written, and the store must still open for reading.
        let _ = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(who.as_bytes()));
        Ok(DirLock { _file: file })
    }
}
