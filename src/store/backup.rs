//! Backups (数据备份) of watchdesk's own store: a JSON-lines export of every tree with a SHA-256 over the
//! whole file in its last line, so a truncated or altered copy is refused before anything is restored.
//!
//! ```text
//! {"format":"watchdesk-backup","version":1,"schema":1,"created_at":"…"}
//! {"tree":"incidents","key":"<hex>","value":"<hex>"}
//! …
//! {"end":true,"records":N,"sha256":"<hex of every byte above this line>"}
//! ```

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{SCHEMA_VERSION, Store, StoreError, TreeName};

const FORMAT: &str = "watchdesk-backup";
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    schema: u32,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    tree: String,
    key: String,
    value: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Footer {
    end: bool,
    records: u64,
    sha256: String,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSummary {
    pub created_at: DateTime<Utc>,
    pub records: u64,
    pub per_tree: BTreeMap<String, u64>,
    pub sha256: String,
}

fn bad(path: &Path, what: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(format!("backup {} is not usable: {what}", path.display()))
}

pub(super) fn write(store: &Store, out: &Path) -> Result<BackupSummary, StoreError> {
    let io = |e: std::io::Error| StoreError::Backup(format!("cannot write backup {}: {e}", out.display()));
    let tmp = out.with_extension("partial");
    let file = File::create(&tmp).map_err(io)?;
    let mut w = HashingWriter {
        inner: BufWriter::new(file),
        hash: Sha256::new(),
    };
    let created_at = Utc::now();
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        schema: SCHEMA_VERSION,
        created_at,
    };
    write_line(&mut w, &header).map_err(io)?;
    let mut per_tree = BTreeMap::new();
    let mut records = 0u64;
    for tree in TreeName::ALL {
        let mut n = 0u64;
        for item in store.tree(tree).iter() {
            let (k, v) = item?;
            let record = Record {
                tree: tree.as_str().into(),
                key: hex::encode(k),
                value: hex::encode(v),
            };
            write_line(&mut w, &record).map_err(io)?;
            n += 1;
        }
        per_tree.insert(tree.as_str().to_string(), n);
        records += n;
    }
    let sha256 = hex::encode(w.hash.clone().finalize());
    let footer = Footer {
        end: true,
        records,
        sha256: sha256.clone(),
    };
    let mut inner = w.inner;
    serde_json::to_writer(&mut inner, &footer).map_err(|e| io(e.into()))?;
    inner.write_all(b"\n").map_err(io)?;
    let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    fs::rename(&tmp, out).map_err(io)?;
    Ok(BackupSummary {
        created_at,
        records,
        per_tree,
        sha256,
    })
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

/// Reads the whole backup, checking its format, every record and the checksum; calls `each` per record.
fn read(
    path: &Path,
    mut each: impl FnMut(TreeName, Vec<u8>, Vec<u8>) -> Result<(), StoreError>,
) -> Result<BackupSummary, StoreError> {
    let file = File::open(path).map_err(|e| bad(path, e))?;
    let mut reader = BufReader::new(file);
    let mut hash = Sha256::new();
    let mut line = String::new();
    let mut header: Option<Header> = None;
    let mut per_tree = BTreeMap::new();
    let mut records = 0u64;
    let mut line_no = 0u64;
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| bad(path, e))?;
        line_no += 1;
        if n == 0 {
            return Err(bad(path, "it ends without its checksum line (truncated)"));
        }
        if !line.ends_with('\n') {
            return Err(bad(path, format!("line {line_no} is cut short (truncated)")));
        }
        if header.is_none() {
            let h: Header = serde_json::from_str(&line)
                .map_err(|_| bad(path, "it does not start with a watchdesk backup header"))?;
            if h.format != FORMAT || h.version != VERSION {
                return Err(bad(
                    path,
                    format!("unknown format {} version {}", h.format, h.version),
                ));
            }
            if h.schema > SCHEMA_VERSION {
                return Err(bad(
                    path,
                    format!(
                        "written with store schema {}, this build reads up to {SCHEMA_VERSION}",
                        h.schema
                    ),
                ));
            }
            hash.update(line.as_bytes());
            header = Some(h);
            continue;
        }
        if let Ok(footer) = serde_json::from_str::<Footer>(&line) {
            let sha = hex::encode(hash.finalize());
            if footer.sha256 != sha {
                return Err(bad(
                    path,
                    "its checksum does not match its content (the file was altered)",
                ));
            }
            if footer.records != records {
                return Err(bad(
                    path,
                    format!("it says {} records but holds {records}", footer.records),
                ));
            }
            let mut rest = String::new();
            if reader.read_line(&mut rest).map_err(|e| bad(path, e))? != 0 {
                return Err(bad(path, "there is data after its checksum line"));
            }
            let created_at = header.map(|h| h.created_at).unwrap_or_default();
            return Ok(BackupSummary {
                created_at,
                records,
                per_tree,
                sha256: sha,
            });
        }
        hash.update(line.as_bytes());
        let record: Record = serde_json::from_str(&line)
            .map_err(|e| bad(path, format!("line {line_no} cannot be read: {e}")))?;
        let tree = TreeName::parse(&record.tree).ok_or_else(|| {
            bad(
                path,
                format!("line {line_no} names an unknown tree \"{}\"", record.tree),
            )
        })?;
        let key = hex::decode(&record.key).map_err(|_| bad(path, format!("line {line_no} has a bad key")))?;
        let value =
            hex::decode(&record.value).map_err(|_| bad(path, format!("line {line_no} has a bad value")))?;
        *per_tree.entry(record.tree).or_insert(0) += 1;
        records += 1;
        each(tree, key, value)?;
    }
}

/// Checks a backup without touching any store.
pub fn verify_backup(path: &Path) -> Result<BackupSummary, StoreError> {
    read(path, |_, _, _| Ok(()))
}

pub(super) fn restore(path: &Path, dir: &Path) -> Result<(Store, BackupSummary), StoreError> {
    if let Ok(mut entries) = fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(StoreError::Backup(format!(
            "refusing to restore into {}: the directory is not empty (restore into a new or empty directory)",
            dir.display()
        )));
    }
    // Verify fully before creating anything.
    verify_backup(path)?;
    let summary = {
        let store = Store::open(dir)?;
        let summary = read(path, |tree, key, value| {
            store.tree(tree).insert(key, value)?;
            Ok(())
        })?;
        store.sync()?;
        summary
    };
    let store = Store::open(dir)?;
    if let Err(failure) = store.verify_audit()? {
        return Err(StoreError::Backup(format!(
            "restored store fails audit verification: {failure}"
        )));
    }
    Ok((store, summary))
}
