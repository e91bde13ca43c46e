//! Making the store's writes durable, from the owner's task or another thread.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use super::StoreError;

/// Makes a store's writes durable from any thread: sled's flush, which writes its log and waits for the data
/// (`sync_file_range`: enough to survive a killed process, but it leaves the file's size and the disk's own
/// cache unflushed), then an fsync of sled's data file, which covers those, so a write survives a power cut.
#[derive(Clone)]
pub struct Syncer {
    pub(super) db: sled::Db,
    /// sled's data file; an fsync on any descriptor of the file covers every write to it.
    pub(super) db_file: Arc<File>,
    pub(super) dir: PathBuf,
}

impl Syncer {
    /// Makes everything written to the store so far durable.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| StoreError::at(&self.dir, e))?;
        self.db_file.sync_data().map_err(|source| StoreError::Io {
            dir: self.dir.clone(),
            source,
        })
    }
}

impl std::fmt::Debug for Syncer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Syncer")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}
