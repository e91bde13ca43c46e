//! Backups (数据备份) of watchdesk's own store: a JSON-lines export of every tree with a SHA-256 over the
//! whole file in its last line, so a truncated or altered copy is refused before anything is restored. Since
//! version 2 the header carries the audit chain head and every line a keyed MAC (HMAC-SHA256 under the audit
//! key, chained line to line), so an edited backup whose SHA-256 was recomputed is still refused, naming the
//! first bad line, its tree and key.
//!
//! ```text
//! {"format":"watchdesk-backup","version":2,"schema":2,"created_at":"…","head":{"seq":N,"hash":"…"}}
//! {"tree":"incidents","key":"<hex>","value":"<hex>","mac":"<hex>"}
//! …
//! {"end":true,"records":N,"sha256":"<hex of every byte above this line>","mac":"<hex>"}
//! ```

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::progress::{Progress, Quiet};
use super::{
    AuditHead, AuditKey, SCHEMA_VERSION, Store, StoreError, StoreReader, TreeName, display_key, record_name,
};

mod read;

pub(super) use read::restore;
pub use read::{verify_backup, verify_backup_with};

const FORMAT: &str = "watchdesk-backup";
/// 1: SHA-256 only. 2: the chain head in the header and a keyed MAC on every line, chained, and on the footer.
const VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    schema: u32,
    created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    head: Option<AuditHead>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    tree: String,
    key: String,
    value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mac: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Footer {
    end: bool,
    records: u64,
    sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mac: Option<String>,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSummary {
    pub created_at: DateTime<Utc>,
    pub records: u64,
    pub per_tree: BTreeMap<String, u64>,
    pub sha256: String,
    /// The audit chain head when the backup was made.
    #[serde(default)]
    pub head: Option<AuditHead>,
    /// Whether every line's keyed MAC was checked (false: an old backup, or no audit key at hand).
    #[serde(default)]
    pub mac_checked: bool,
}

fn bad(path: &Path, what: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(format!("backup {} is not usable: {what}", path.display()))
}

/// The MAC of the header line: the start of the line chain.
fn header_mac(key: &AuditKey, header_line: &str) -> String {
    key.mac(&[b"watchdesk backup header\n", header_line.trim_end().as_bytes()])
}

/// The MAC of one record, chained to the one before so that removed, added or reordered lines are found.
fn record_mac(key: &AuditKey, prev: &str, line_no: u64, r: &Record) -> String {
    key.mac(&[
        format!("watchdesk backup line {line_no}\n{prev}\n{}\n{}\n", r.tree, r.key).as_bytes(),
        r.value.as_bytes(),
    ])
}

fn footer_mac(key: &AuditKey, prev: &str, records: u64, sha256: &str) -> String {
    key.mac(&[format!("watchdesk backup end\n{prev}\n{records}\n{sha256}").as_bytes()])
}

/// Attempts at a backup while the owner goes on writing: each is redone when an audit event was committed
/// while it ran, since records and events read at different moments would not verify after a restore.
const ATTEMPTS: usize = 5;

pub(super) fn write(
    store: &StoreReader,
    out: &Path,
    progress: &dyn Progress,
) -> Result<BackupSummary, StoreError> {
    for _ in 0..ATTEMPTS {
        if let Some(summary) = write_once(store, out, progress)? {
            return Ok(summary);
        }
    }
    Err(StoreError::Backup(format!(
        "cannot write backup {}: the store changed while it was written, {ATTEMPTS} times; try again",
        out.display()
    )))
}

/// A backup, or `None` (and no file) when the audit log moved on while it was written.
fn write_once(
    store: &StoreReader,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Option<BackupSummary>, StoreError> {
    let io = |e: std::io::Error| {
        StoreError::Backup(format!(
            "cannot write backup {}: {}",
            out.display(),
            super::error::io_sentence(&e)
        ))
    };
    let key = store.audit_key();
    let tmp = out.with_extension("partial");
    let file = File::create(&tmp).map_err(io)?;
    let mut w = HashingWriter {
        inner: BufWriter::new(file),
        hash: Sha256::new(),
    };
    let created_at = Utc::now();
    let head = store.chain_head()?;
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        schema: SCHEMA_VERSION,
        created_at,
        head: Some(head.clone()),
    };
    let header_line = serde_json::to_string(&header).map_err(|e| io(e.into()))?;
    w.write_all(header_line.as_bytes())
        .and_then(|()| w.write_all(b"\n"))
        .map_err(io)?;
    let mut prev = header_mac(key, &header_line);
    let mut per_tree = BTreeMap::new();
    let mut records = 0u64;
    let mut line_no = 1u64;
    progress.stage("writing the backup", None);
    for tree in TreeName::ALL {
        let mut n = 0u64;
        for item in store.scan(tree) {
            let (k, v) = item?;
            line_no += 1;
            let mut record = Record {
                tree: tree.as_str().into(),
                key: hex::encode(k),
                value: hex::encode(v),
                mac: None,
            };
            let mac = record_mac(key, &prev, line_no, &record);
            record.mac = Some(mac.clone());
            prev = mac;
            write_line(&mut w, &record).map_err(io)?;
            progress.advance(1);
            n += 1;
        }
        per_tree.insert(tree.as_str().to_string(), n);
        records += n;
    }
    let sha256 = hex::encode(w.hash.clone().finalize());
    let footer = Footer {
        end: true,
        records,
        mac: Some(footer_mac(key, &prev, records, &sha256)),
        sha256: sha256.clone(),
    };
    let mut inner = w.inner;
    serde_json::to_writer(&mut inner, &footer).map_err(|e| io(e.into()))?;
    inner.write_all(b"\n").map_err(io)?;
    let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    if store.last_seq()? != head.seq {
        let _ = fs::remove_file(&tmp);
        return Ok(None);
    }
    fs::rename(&tmp, out).map_err(io)?;
    // Remembered for the message of a store that no longer opens.
    let absolute = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let _ = fs::write(
        store.dir().join(super::opening::LAST_BACKUP),
        format!("{} (made {})\n", absolute.display(), created_at.to_rfc3339()),
    );
    Ok(Some(BackupSummary {
        created_at,
        records,
        per_tree,
        sha256,
        head: Some(head),
        mac_checked: true,
    }))
}

struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn write_line<W: Write, T: Serialize>(w: &mut W, value: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, value)?;
    w.write_all(b"\n")
}
