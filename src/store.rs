//! The sled store: trees, key encoding, typed access, the audit hash chain, backup / restore / verify.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {dir} is in use by another watchdesk process{}", holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Locked { dir: PathBuf, holder: Option<String> },
    #[error(
        "store {dir} was written by a newer watchdesk (schema {found}, this one reads up to {supported}); upgrade watchdesk"
    )]
    TooNew {
        dir: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot use data directory {dir}: {source}")]
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
