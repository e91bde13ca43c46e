use chrono::TimeZone;

use super::*;
use crate::config::EventKind;

fn outbox() -> (tempfile::TempDir, Outbox) {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::open(dir.path().join("store")).unwrap();
    let outbox = Outbox::new(db.open_tree("outbox").unwrap());
    (dir, outbox)
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + Duration::hours(i64::from(hour))
}

fn planned(fact: &str) -> (String, Vec<Planned>) {
    let message = Message {
        key: fact.to_string(),
        event: EventKind::Opened,
        title: format!("news {fact}"),
        lines: Vec::new(),
        severity: None,
        incident: None,
        subsystem: None,
        at: at(0),
        urgent: false,
        digest_of: Vec::new(),
    };
    let planned = Planned {
        channel: "oncall".into(),
        message,
        suppressed: None,
    };
    (fact.to_string(), vec![planned])
}

fn fail(outbox: &Outbox, mut entries: Vec<Entry>, when: DateTime<Utc>) {
    for e in &mut entries {
        e.state = Delivery::Failed {
            at: when,
            reason: "refused".into(),
        };
    }
    outbox.update(&entries).unwrap();
}

#[test]
fn failures_are_counted_over_the_day_before_the_newest_entry() {
    let (_dir, outbox) = outbox();
    // Two failures at 01:00, one at 20:00, one entry still queued at 26:00 (the next day, 02:00).
    let early = outbox
        .plan(vec![planned("a"), planned("b")], None, at(1))
        .unwrap();
    fail(&outbox, early, at(1));
    let late = outbox.plan(vec![planned("c")], None, at(20)).unwrap();
    fail(&outbox, late, at(20));
    assert_eq!(outbox.failed_recently().unwrap(), 3);
    outbox.plan(vec![planned("d")], None, at(26)).unwrap();
    // The day before 26:00 starts at 02:00: the two at 01:00 are out, the one at 20:00 is in.
    assert_eq!(outbox.failed_recently().unwrap(), 1);
    // Pruning what was made before 21:00 takes the 20:00 failure and its index key.
    assert_eq!(outbox.prune(at(21)).unwrap(), 3);
    assert_eq!(outbox.failed_recently().unwrap(), 0);
    assert_eq!(outbox.tree.scan_prefix(FAILED).count(), 0);
}

#[test]
fn an_outbox_written_before_the_index_is_indexed_once() {
    let (_dir, outbox) = outbox();
    let made = outbox
        .plan(vec![planned("a"), planned("b")], None, at(1))
        .unwrap();
    fail(&outbox, made, at(1));
    // As an older watchdesk left it: failed entries, no index.
    for key in outbox.tree.scan_prefix(FAILED).keys() {
        outbox.tree.remove(key.unwrap()).unwrap();
    }
    assert!(!outbox.tree.contains_key(FAILED_INDEXED).unwrap());
    assert_eq!(outbox.failed_recently().unwrap(), 2);
    assert!(outbox.tree.contains_key(FAILED_INDEXED).unwrap());
    assert_eq!(outbox.tree.scan_prefix(FAILED).count(), 2);
}

#[test]
fn an_empty_outbox_has_no_failures() {
    let (_dir, outbox) = outbox();
    assert_eq!(outbox.failed_recently().unwrap(), 0);
}
