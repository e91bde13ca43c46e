//! `audit verify` over more writes than it keeps in memory (a handful in tests): the events' writes go
//! through sorted runs, and every record is still checked against the last event that wrote it.

use chrono::{TimeZone, Utc};

use super::last_written::{Digest, LastWritten};
use crate::model::Actor;
use crate::store::{AuditKey, Put, Store, TreeName};

fn daily_key(n: u32) -> String {
    format!("2026-10-{n:03}")
}

/// Forty events: each writes a daily record and an open-index entry; from the tenth on, every third removes
/// the entry written ten events before; then five daily records are written again with new values.
fn store(dir: &std::path::Path) -> Store {
    let mut store = Store::open_keyed(dir, AuditKey::ephemeral([9; 32])).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
    let mut commit = |puts: Vec<Put>| {
        store
            .commit(&Actor::named("li"), at, "test", "x", serde_json::json!({}), puts)
            .unwrap()
    };
    for n in 0..40u32 {
        let mut puts = vec![
            Put::Insert {
                tree: TreeName::Daily,
                key: daily_key(n).into_bytes(),
                value: format!("v{n}").into_bytes(),
            },
            Put::Insert {
                tree: TreeName::Open,
                key: n.to_be_bytes().to_vec(),
                value: Vec::new(),
            },
        ];
        if n >= 10 && n % 3 == 0 {
            puts.push(Put::Remove {
                tree: TreeName::Open,
                key: (n - 10).to_be_bytes().to_vec(),
            });
        }
        commit(puts);
    }
    for n in (0..10u32).step_by(2) {
        commit(vec![Put::Insert {
            tree: TreeName::Daily,
            key: daily_key(n).into_bytes(),
            value: format!("w{n}").into_bytes(),
        }]);
    }
    store
}

fn failure(store: &Store) -> super::VerifyFailure {
    store.verify(None).unwrap().unwrap_err()
}

#[test]
fn an_intact_store_verifies_through_runs_with_every_record_checked() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let verified = store.verify(None).unwrap().unwrap();
    let open = store.tree(TreeName::Open).len() as u64;
    assert_eq!(open, 40 - 10, "ten entries were removed");
    assert_eq!(verified.records_checked, 40 + open);
}

#[test]
fn a_record_put_back_as_an_earlier_event_wrote_it_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    // What the first event wrote, which an earlier run holds; the later write is the one that counts.
    store
        .tree(TreeName::Daily)
        .insert(daily_key(4), b"v4".as_slice())
        .unwrap();
    let f = failure(&store);
    assert_eq!(f.record, "daily record 2026-10-004", "{f}");
    assert!(f.reason.contains("audit event 43 wrote"), "{f}");
}

#[test]
fn a_record_an_event_removed_put_back_without_one_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    // Entry 5 was written by event 6 and removed by event 16, in a later run.
    store
        .tree(TreeName::Open)
        .insert(5u32.to_be_bytes(), b"".as_slice())
        .unwrap();
    let f = failure(&store);
    assert!(f.record.starts_with("open-incident index entry"), "{f}");
    assert!(f.reason.contains("no audit event wrote it"), "{f}");
}

#[test]
fn records_removed_without_an_event_name_the_first_by_tree_then_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    store.tree(TreeName::Open).remove(35u32.to_be_bytes()).unwrap();
    store.tree(TreeName::Daily).remove(daily_key(30)).unwrap();
    store.tree(TreeName::Daily).remove(daily_key(20)).unwrap();
    let f = failure(&store);
    assert_eq!(f.record, "daily record 2026-10-020", "{f}");
    assert!(f.reason.contains("audit event 21 wrote it but it is gone"), "{f}");
}

/// Every word the merge gives, in order, as (tree, key, digest, event) with removals shown as such.
fn words(last: LastWritten, trees: usize, keys: &[Vec<u8>]) -> Vec<String> {
    let mut seen = Vec::new();
    let mut words = last.into_words().unwrap();
    for tree in 0..trees {
        for key in keys {
            let mut left = |t: &str, k: &[u8], seq: u64| seen.push(format!("left {t} {k:?} {seq}"));
            let word = words.take(tree, key, &mut left).unwrap();
            seen.push(format!("{tree} {key:?} {word:?}"));
        }
    }
    words
        .rest(&mut |t, k, seq| seen.push(format!("rest {t} {k:?} {seq}")))
        .unwrap();
    seen
}

#[test]
fn runs_merge_to_what_memory_alone_gives() {
    let writes: Vec<(&str, String, Option<String>)> = (0..200u32)
        .map(|n| {
            let tree = ["incidents", "open", "daily", "elsewhere"][(n % 7 % 4) as usize];
            let key = hex::encode([(n % 13) as u8, (n % 5) as u8]);
            let digest = match n % 6 {
                0 => None,
                1 => Some("not hex".to_string()),
                _ => Some(hex::encode([n as u8; 32])),
            };
            (tree, key, digest)
        })
        .collect();
    let fill = |run: usize| {
        let mut last = LastWritten::with_run(run);
        for (seq, (tree, key, digest)) in writes.iter().enumerate() {
            last.insert(tree, key, digest.as_deref(), seq as u64 + 1).unwrap();
        }
        last
    };
    let keys: Vec<Vec<u8>> = (0..13u8)
        .flat_map(|a| (0..5u8).map(move |b| vec![a, b]))
        .step_by(2)
        .collect();
    let in_memory = words(fill(usize::MAX), 6, &keys);
    assert!(
        in_memory.iter().any(|w| w.starts_with("rest elsewhere")),
        "{in_memory:?}"
    );
    assert!(
        in_memory.iter().any(|w| w.contains("NotADigest")),
        "{in_memory:?}"
    );
    for run in [1, 3, 16] {
        assert_eq!(words(fill(run), 6, &keys), in_memory, "runs of {run}");
    }
    assert!(!Digest::NotADigest.matches(&[0; 32]));
}
