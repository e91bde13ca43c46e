//! Reading a backup back: checking its format, every line's MAC and the checksum (`backup verify`), and
//! restoring it into a new store once it has been checked in full.

use super::*;

/// Reads the whole backup, checking its format, every record, each line's MAC when `key` is given and the
/// backup carries them, and the checksum; calls `each` per record.
fn read(
    path: &Path,
    key: Option<&AuditKey>,
    progress: (&dyn Progress, &str),
    mut each: impl FnMut(TreeName, Vec<u8>, Vec<u8>) -> Result<(), StoreError>,
) -> Result<BackupSummary, StoreError> {
    let file = File::open(path).map_err(|e| bad(path, crate::store::error::io_sentence(&e)))?;
    let (progress, stage) = progress;
    progress.stage(stage, file.metadata().ok().map(|m| m.len()));
    let mut reader = BufReader::new(file);
    let mut hash = Sha256::new();
    let mut line = String::new();
    let mut header: Option<Header> = None;
    let mut per_tree = BTreeMap::new();
    let mut records = 0u64;
    let mut line_no = 0u64;
    // The running MAC of the line chain, when it is being checked.
    let mut chain: Option<(String, &AuditKey)> = None;
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| bad(path, crate::store::error::io_sentence(&e)))?;
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
            if h.format != FORMAT || h.version > VERSION {
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
            if h.version >= 2
                && let Some(key) = key
            {
                chain = Some((header_mac(key, &line), key));
            }
            hash.update(line.as_bytes());
            header = Some(h);
            continue;
        }
        if let Ok(footer) = serde_json::from_str::<Footer>(&line) {
            let sha = hex::encode(hash.finalize());
            if let Some((prev, key)) = &chain
                && footer.mac.as_deref()
                    != Some(footer_mac(key, prev, footer.records, &footer.sha256).as_str())
            {
                return Err(bad(
                    path,
                    format!(
                        "its last line (line {line_no}) does not carry a valid MAC: records were removed from its \
                         end, or it was not made with the audit key {}",
                        key.path().display()
                    ),
                ));
            }
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
            if reader
                .read_line(&mut rest)
                .map_err(|e| bad(path, crate::store::error::io_sentence(&e)))?
                != 0
            {
                return Err(bad(path, "there is data after its checksum line"));
            }
            let (created_at, head) = header.map(|h| (h.created_at, h.head)).unwrap_or_default();
            return Ok(BackupSummary {
                created_at,
                records,
                per_tree,
                sha256: sha,
                head,
                mac_checked: chain.is_some(),
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
        let key_bytes =
            hex::decode(&record.key).map_err(|_| bad(path, format!("line {line_no} has a bad key")))?;
        let name = || record_name(tree, &key_bytes);
        if let Some((prev, key)) = &mut chain {
            let mac = record_mac(key, prev, line_no, &record);
            if record.mac.as_deref() != Some(mac.as_str()) {
                return Err(bad(
                    path,
                    format!(
                        "line {line_no} (tree {}, key {}: {}) was changed, added or moved: its MAC does not match",
                        record.tree,
                        display_key(&key_bytes),
                        name()
                    ),
                ));
            }
            *prev = mac;
        }
        let value = hex::decode(&record.value).map_err(|_| {
            bad(
                path,
                format!(
                    "line {line_no} (tree {}, key {}) has a bad value",
                    record.tree,
                    display_key(&key_bytes)
                ),
            )
        })?;
        *per_tree.entry(record.tree).or_insert(0) += 1;
        records += 1;
        each(tree, key_bytes, value)?;
    }
}

/// Checks a backup without touching any store; with `key`, every line's MAC too (and a backup carrying none is
/// accepted only if it predates keyed backups).
pub fn verify_backup(path: &Path, key: Option<&AuditKey>) -> Result<BackupSummary, StoreError> {
    read(path, key, (&Quiet, ""), |_, _, _| Ok(()))
}

/// `verify_backup`, telling `progress` how many bytes of the file are checked.
pub fn verify_backup_with(
    path: &Path,
    key: Option<&AuditKey>,
    progress: &dyn Progress,
) -> Result<BackupSummary, StoreError> {
    read(path, key, (progress, "checking the backup"), |_, _, _| Ok(()))
}

pub(in crate::store) fn restore(
    path: &Path,
    dir: &Path,
    key: &AuditKey,
    progress: &dyn Progress,
) -> Result<(Store, BackupSummary), StoreError> {
    if let Ok(mut entries) = fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(StoreError::Backup(format!(
            "refusing to restore into {}: the directory is not empty (restore into a new or empty directory)",
            dir.display()
        )));
    }
    // Verify fully before creating anything.
    let key = key.clone();
    verify_backup_with(path, Some(&key), progress)?;
    let summary = {
        let store = Store::open_keyed(dir, key.clone())?;
        // The new store's own schema and switch point give way to the backup's: a backup of a store from before
        // the key has none, and is switched to the keyed chain when reopened below.
        let meta = store.tree(TreeName::Meta);
        for k in [
            "schema",
            crate::store::audit::KEYED_FROM,
            crate::store::audit::HEAD,
        ] {
            meta.remove(k)?;
        }
        let summary = read(path, Some(&key), (progress, "restoring"), |tree, key, value| {
            store.tree(tree).insert(key, value)?;
            Ok(())
        })?;
        store.sync()?;
        summary
    };
    let store = Store::open_keyed(dir, key)?;
    if let Err(failure) = store.verify_with(None, progress)?.map(|v| v.events) {
        return Err(StoreError::Backup(format!(
            "restored store fails audit verification: {failure}"
        )));
    }
    Ok((store, summary))
}
