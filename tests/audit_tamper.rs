//! Tampering an attacker with write access to the data directory (but not the audit key) could try: each is
//! found by `verify` (or `verify_backup`) and the record concerned is named. Also the switch of a store written
//! before the key (plain SHA-256 chain, schema 1): its events are kept as they are and still verify.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chrono::{TimeZone, Utc};
use watchdesk::model::{Actor, Incident, NewIncident};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::{AuditEvent, AuditHead, AuditKey, Store, StoreError, TreeName, verify_backup};

fn key() -> AuditKey {
    AuditKey::ephemeral([0x42; 32])
}

fn open(dir: &Path) -> Store {
    Store::open_keyed(dir, key()).unwrap()
}

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap()
}

/// Opens one incident, with its audit event.
fn incident(store: &mut Store, title: &str) -> Incident {
    let (id, counter) = store.next_incident_id(2026).unwrap();
    let new = NewIncident {
        kind: Kind::Fault,
        severity: Severity::Major,
        title: title.into(),
        subsystem: None,
        detected_at: None,
        source: None,
        host: None,
    };
    let incident = Incident::open(id, new, Actor::named("li"), at()).unwrap();
    let mut puts = Store::put_incident(&incident).unwrap();
    puts.push(counter);
    store
        .commit(
            &Actor::named("li"),
            at(),
            "incident.open",
            &id.to_string(),
            serde_json::json!({ "title": title }),
            puts,
        )
        .unwrap();
    incident
}

fn three(dir: &Path) -> Store {
    let mut store = open(dir);
    for t in ["one", "二", "three"] {
        incident(&mut store, t);
    }
    store
}

fn failure(store: &Store, expect: Option<&AuditHead>) -> watchdesk::store::VerifyFailure {
    store.verify(expect).unwrap().unwrap_err()
}

#[test]
fn an_intact_store_verifies_with_its_head_and_every_record_checked() {
    let dir = tempfile::tempdir().unwrap();
    let store = three(dir.path());
    let v = store.verify(Some(&store.chain_head())).unwrap().unwrap();
    assert_eq!(v.events, 3);
    assert_eq!(v.keyed_from, Some(1));
    assert_eq!(v.head, store.chain_head());
    assert_eq!(
        v.records_checked, 6,
        "three incidents and their open-index entries"
    );
}

#[test]
fn a_tail_cut_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = three(dir.path());
    store.tree(TreeName::Events).remove(3u64.to_be_bytes()).unwrap();
    let f = failure(&store, None);
    assert_eq!(f.record, "audit event 3", "{f}");
    assert!(f.reason.contains("cut from the end"), "{f}");
}

#[test]
fn removing_every_event_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = three(dir.path());
    store.tree(TreeName::Events).clear().unwrap();
    let f = failure(&store, None);
    assert!(f.reason.contains("all 3 audit events were removed"), "{f}");
}

#[test]
fn a_rollback_of_the_data_directory_is_found_with_expect() {
    let home = tempfile::tempdir().unwrap();
    let live = home.path().join("data");
    let copy = home.path().join("copy");
    {
        let mut store = open(&live);
        incident(&mut store, "one");
    }
    copy_dir(&live, &copy);
    let published = {
        let mut store = open(&live);
        incident(&mut store, "two");
        incident(&mut store, "three");
        store.chain_head()
    };
    // The attacker puts the older copy back: consistent in itself, so only the published head shows it.
    fs::remove_dir_all(&live).unwrap();
    copy_dir(&copy, &live);
    let store = open(&live);
    assert!(store.verify(None).unwrap().is_ok());
    let f = failure(&store, Some(&published));
    assert_eq!(f.record, format!("audit event {}", published.seq), "{f}");
    assert!(f.reason.contains("rolled back"), "{f}");
}

#[test]
fn a_rewrite_with_recomputed_plain_hashes_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = three(dir.path());
    let events = store.tree(TreeName::Events);
    // Change event 2 and recompute every hash from there on, as one could without the key.
    let mut prev = None;
    for seq in 2u64..=3 {
        let mut e: AuditEvent =
            serde_json::from_slice(&events.get(seq.to_be_bytes()).unwrap().unwrap()).unwrap();
        if seq == 2 {
            e.actor = Actor::named("mallory");
        }
        if let Some(p) = prev {
            e.prev_hash = p;
        }
        e.hash = e.compute_hash();
        prev = Some(e.hash.clone());
        events
            .insert(seq.to_be_bytes(), serde_json::to_vec(&e).unwrap())
            .unwrap();
    }
    let f = failure(&store, None);
    assert_eq!(f.record, "audit event 2", "{f}");
    assert!(f.reason.contains("without the audit key"), "{f}");
}

#[test]
fn a_record_changed_without_an_event_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = three(dir.path());
    let incidents = store.tree(TreeName::Incidents);
    let (k, v) = incidents.first().unwrap().unwrap();
    let text = String::from_utf8(v.to_vec())
        .unwrap()
        .replace("\"one\"", "\"nothing happened\"");
    incidents.insert(k, text.as_bytes()).unwrap();
    let f = failure(&store, None);
    assert_eq!(f.record, "incident 2026-0001", "{f}");
    assert!(f.reason.contains("changed without an event"), "{f}");
}

#[test]
fn a_record_added_or_removed_without_an_event_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = three(dir.path());
    store
        .tree(TreeName::Daily)
        .insert("2026-11-01", b"{}".as_slice())
        .unwrap();
    let f = failure(&store, None);
    assert_eq!(f.record, "daily record 2026-11-01", "{f}");
    assert!(f.reason.contains("without an event"), "{f}");

    store.tree(TreeName::Daily).remove("2026-11-01").unwrap();
    let id = watchdesk::model::IncidentId { year: 2026, seq: 2 };
    store.tree(TreeName::Incidents).remove(id.key()).unwrap();
    let f = failure(&store, None);
    assert_eq!(f.record, "incident 2026-0002", "{f}");
    assert!(f.reason.contains("removed without an event"), "{f}");
}

#[test]
fn an_edited_backup_with_a_recomputed_checksum_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = three(&dir.path().join("data"));
    let file = dir.path().join("backup.jsonl");
    let summary = store.backup(&file).unwrap();
    assert_eq!(summary.head, Some(store.chain_head()));
    assert!(verify_backup(&file, Some(&key())).unwrap().mac_checked);

    // Change one digit of the first incident's value, then recompute the SHA-256 in the last line.
    let text = fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let n = lines
        .iter()
        .position(|l| l.contains("\"tree\":\"incidents\""))
        .unwrap();
    let mut record: serde_json::Value = serde_json::from_str(&lines[n]).unwrap();
    let value = hex::decode(record["value"].as_str().unwrap()).unwrap();
    let edited = String::from_utf8(value)
        .unwrap()
        .replacen("\"major\"", "\"minor\"", 1);
    record["value"] = hex::encode(edited).into();
    lines[n] = record.to_string();
    let body: String = lines[..lines.len() - 1]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let mut footer: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    use sha2::Digest;
    footer["sha256"] = hex::encode(sha2::Sha256::digest(body.as_bytes())).into();
    fs::write(&file, format!("{body}{footer}\n")).unwrap();

    let err = verify_backup(&file, Some(&key())).unwrap_err().to_string();
    assert!(err.contains(&format!("line {}", n + 1)), "{err}");
    assert!(
        err.contains("tree incidents") && err.contains("incident 2026-0001"),
        "{err}"
    );
    // Without the key only the checksum can be checked, and it was recomputed: the caller is told so.
    assert!(!verify_backup(&file, None).unwrap().mac_checked);
}

#[test]
fn a_store_from_before_the_key_is_switched_keeping_its_plain_events() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let plain_events: Vec<Vec<u8>>;
    {
        // Make a schema-1 store as older watchdesk wrote it: plain SHA-256 chain, no switch point, no head.
        let store = open(&data);
        let meta = store.tree(TreeName::Meta);
        meta.insert("schema", &1u32.to_be_bytes()).unwrap();
        meta.remove("audit/keyed_from").unwrap();
        meta.remove("audit/head").unwrap();
        let mut prev = "0".repeat(64);
        let mut bytes = Vec::new();
        for seq in 1u64..=2 {
            let mut e = AuditEvent {
                seq,
                at: at(),
                actor: Actor::named("li"),
                action: "incident.note".into(),
                target: "2026-0001".into(),
                payload: serde_json::json!({ "text": seq }),
                writes: Vec::new(),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = e.compute_hash();
            prev = e.hash.clone();
            let b = serde_json::to_vec(&e).unwrap();
            store
                .tree(TreeName::Events)
                .insert(seq.to_be_bytes(), b.clone())
                .unwrap();
            bytes.push(b);
        }
        store
            .tree(TreeName::Daily)
            .insert("2026-11-01", b"{\"old\":1}".as_slice())
            .unwrap();
        store.sync().unwrap();
        plain_events = bytes;
    }
    let mut store = open(&data);
    let v = store.verify(None).unwrap().unwrap();
    assert_eq!(v.events, 3, "the switch is one audit event");
    assert_eq!(v.keyed_from, Some(3));
    let switch: AuditEvent = serde_json::from_slice(
        &store
            .tree(TreeName::Events)
            .get(3u64.to_be_bytes())
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(switch.action, "audit.keyed");
    assert_eq!(switch.payload["plain_events"], 2);
    for (i, b) in plain_events.iter().enumerate() {
        let now = store
            .tree(TreeName::Events)
            .get((i as u64 + 1).to_be_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(
            now.as_ref(),
            b.as_slice(),
            "plain event {} kept byte for byte",
            i + 1
        );
    }
    incident(&mut store, "after");
    assert_eq!(store.verify(None).unwrap().unwrap().events, 4);
    // A record from before the switch is covered too.
    store
        .tree(TreeName::Daily)
        .insert("2026-11-01", b"{\"old\":2}".as_slice())
        .unwrap();
    assert_eq!(failure(&store, None).record, "daily record 2026-11-01");
    drop(store);
    // Reopening does not switch again.
    let store = open(&data);
    assert_eq!(store.chain_head_seq(), 4);
}

#[test]
fn another_key_cannot_extend_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    drop(three(dir.path()));
    let mut store = Store::open_keyed(dir.path(), AuditKey::ephemeral([1; 32])).unwrap();
    let err = store
        .commit(
            &Actor::named("x"),
            at(),
            "t",
            "t",
            serde_json::json!({}),
            Vec::new(),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Key(_)), "{err}");
    assert!(err.to_string().contains("not keyed with the audit key"), "{err}");
    assert!(failure(&store, None).reason.contains("MAC"));
}

#[test]
fn the_key_file_is_created_private_and_refused_when_readable_by_others_or_inside_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("conf").join("audit.key");
    let data = dir.path().join("data");
    drop(Store::open_with_key_file(&data, Some(&key_path)).unwrap());
    assert_eq!(
        fs::metadata(&key_path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The same key is used again.
    let mut store = Store::open_with_key_file(&data, Some(&key_path)).unwrap();
    incident(&mut store, "x");
    assert!(store.verify(None).unwrap().is_ok());
    drop(store);

    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o644)).unwrap();
    let err = Store::open_with_key_file(&data, Some(&key_path))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("can be read by others") && err.contains("chmod 600"),
        "{err}"
    );

    let err = Store::open_with_key_file(&data, Some(&data.join("audit.key")))
        .unwrap_err()
        .to_string();
    assert!(err.contains("inside the data directory"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
