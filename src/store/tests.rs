use chrono::{DateTime, TimeZone, Utc};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use super::*;
use crate::model::{Actor, Incident, NewIncident};
use crate::policy::{Kind, Severity};

fn key() -> AuditKey {
    AuditKey::ephemeral([7; 32])
}

fn open(path: &Path) -> Result<Store, StoreError> {
    Store::open_keyed(path, key())
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap()
}

fn open_one(store: &mut Store, title: &str) -> Incident {
    let (id, counter) = store.next_incident_id(2026).unwrap();
    let new = NewIncident {
        kind: Kind::Fault,
        severity: Severity::Critical,
        title: title.into(),
        subsystem: None,
        detected_at: None,
        source: None,
        host: None,
    };
    let incident = Incident::open(id, new, Actor::named("li"), now()).unwrap();
    let mut puts = Store::put_incident(&incident).unwrap();
    puts.push(counter);
    store
        .commit(
            &Actor::named("li"),
            now(),
            "incident.open",
            &id.to_string(),
            serde_json::json!({"title": title}),
            puts,
        )
        .unwrap();
    incident
}

#[test]
fn writes_survive_reopen_and_ids_continue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    {
        let mut store = open(&path).unwrap();
        assert_eq!(open_one(&mut store, "a").id.to_string(), "2026-0001");
        assert_eq!(open_one(&mut store, "b").id.to_string(), "2026-0002");
    }
    let mut store = open(&path).unwrap();
    assert_eq!(store.open_incidents().unwrap().len(), 2);
    assert_eq!(open_one(&mut store, "c").id.to_string(), "2026-0003");
    assert_eq!(store.verify_audit().unwrap(), Ok(3));
}

#[test]
fn data_directory_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    let _store = open(&path).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o700);
    assert_eq!(mode(&path.join("watchdesk.lock")), 0o600);
    assert_eq!(mode(&path.join("store").join("db")), 0o600);
}

#[test]
fn a_second_open_is_refused_with_the_holder_named() {
    let dir = tempfile::tempdir().unwrap();
    let _first = open(dir.path()).unwrap();
    let err = open(dir.path()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Locked { .. }), "{text}");
    assert!(text.contains(&format!("pid {}", std::process::id())), "{text}");
    assert!(text.contains(&dir.path().display().to_string()), "{text}");
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path()).unwrap();
        store
            .tree(TreeName::Meta)
            .insert("schema", &99u32.to_be_bytes())
            .unwrap();
        store.sync().unwrap();
    }
    let err = open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("upgrade watchdesk"));
}

#[test]
fn a_changed_byte_in_an_audit_record_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path()).unwrap();
    for t in ["一", "二", "three"] {
        open_one(&mut store, t);
    }
    let events = store.tree(TreeName::Events);
    let key = 2u64.to_be_bytes();
    let mut bytes = events.get(key).unwrap().unwrap().to_vec();
    let pos = bytes.windows(11).position(|w| w == b"\"user\":\"li\"").unwrap() + 9;
    bytes[pos] = b'x'; // "li" → "lx"
    events.insert(key, bytes).unwrap();
    let failure = store.verify_audit().unwrap().unwrap_err();
    assert_eq!(failure.seq, 2);
    assert!(
        failure.reason.contains("does not match its keyed MAC"),
        "{}",
        failure.reason
    );
}

#[test]
fn backup_verify_restore_round_trip_equals_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("a")).unwrap();
    for t in ["one", "二"] {
        open_one(&mut store, t);
    }
    let file = dir.path().join("backup.jsonl");
    let written = store.backup(&file).unwrap();
    assert_eq!(verify_backup(&file, Some(&key())).unwrap().sha256, written.sha256);
    let (restored, _) = Store::restore(&file, &dir.path().join("b"), &key()).unwrap();
    for tree in TreeName::ALL {
        let a: Vec<_> = store.tree(tree).iter().map(|r| r.unwrap()).collect();
        let b: Vec<_> = restored.tree(tree).iter().map(|r| r.unwrap()).collect();
        assert_eq!(a, b, "tree {}", tree.as_str());
    }
    // Restoring over a non-empty directory is refused.
    let err = Store::restore(&file, &dir.path().join("b"), &key())
        .map(|_| ())
        .unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
}

#[test]
fn truncated_or_altered_backups_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("a")).unwrap();
    open_one(&mut store, "one");
    let file = dir.path().join("backup.jsonl");
    store.backup(&file).unwrap();
    let text = fs::read(&file).unwrap();

    let truncated = dir.path().join("truncated.jsonl");
    fs::write(&truncated, &text[..text.len() - 30]).unwrap();
    assert!(
        verify_backup(&truncated, Some(&key()))
            .unwrap_err()
            .to_string()
            .contains("truncated")
    );

    let mut altered_bytes = text.clone();
    let pos = altered_bytes.iter().position(|&b| b == b'"').unwrap() + 200;
    altered_bytes[pos] = if altered_bytes[pos] == b'0' { b'1' } else { b'0' };
    let altered = dir.path().join("altered.jsonl");
    fs::write(&altered, altered_bytes).unwrap();
    let err = verify_backup(&altered, Some(&key())).unwrap_err().to_string();
    assert!(
        err.contains("altered") || err.contains("cannot be read") || err.contains("MAC"),
        "{err}"
    );
    assert!(Store::restore(&altered, &dir.path().join("c"), &key()).is_err());
    assert!(
        !dir.path().join("c").exists(),
        "nothing is created from a bad backup"
    );
}

#[test]
fn a_stale_generating_snapshot_left_by_a_kill_does_not_lock_the_engineer_out() {
    // sled issue 1527: a 0-byte `snap.<lsn>.generating` made every later open fail.
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = open(dir.path()).unwrap();
        open_one(&mut store, "kept");
    }
    let stale = dir.path().join("store").join("snap.FFFFFFFFFFFFFFFF.generating");
    fs::write(&stale, b"").unwrap();
    let store = open(dir.path()).unwrap();
    assert!(!stale.exists());
    assert_eq!(store.open_incidents().unwrap().len(), 1);
    assert_eq!(store.verify_audit().unwrap(), Ok(1));
}

#[test]
fn a_store_sled_refuses_gets_one_message_naming_the_directory_and_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let backup = dir.path().join("last.jsonl");
    {
        let mut store = open(&data).unwrap();
        open_one(&mut store, "a");
        store.backup(&backup).unwrap();
    }
    // Damage sled's own files beyond what it can read.
    fs::write(data.join("store").join("conf"), b"segment_size: banana\n").unwrap();
    let text = open(&data).unwrap_err().to_string();
    assert!(text.contains(&data.display().to_string()), "{text}");
    assert!(text.contains("watchdesk restore"), "{text}");
    assert!(text.contains(&backup.display().to_string()), "{text}");
    assert!(!text.contains("Os {") && !text.contains("Error {"), "{text}");
}

#[test]
fn io_errors_are_sentences() {
    let full = StoreError::Io {
        dir: PathBuf::from("/var/lib/watchdesk"),
        source: std::io::Error::from_raw_os_error(28),
    };
    assert_eq!(
        full.to_string(),
        "the disk holding /var/lib/watchdesk is full (no space left on device): free space; nothing was saved"
    );
    assert!(full.is_disk_full());
    let sled = StoreError::Sled(sled::Error::Io(std::io::Error::from_raw_os_error(28)));
    assert!(!sled.to_string().contains("Os {"), "{sled}");
    let other = StoreError::Io {
        dir: PathBuf::from("/x"),
        source: std::io::Error::from_raw_os_error(5),
    };
    assert_eq!(
        other.to_string(),
        "cannot use data directory /x: input/output error"
    );
}
