//! Passes over a whole tree (or a large range of one) that leave sled's page cache as they found it, so that a
//! backup, an audit verify or a quarter's report holds a bounded amount of memory however large the store.
//!
//! sled 0.34 counts page accesses in 256 shards and looks at a shard's accesses only once 64 of them have queued
//! up in it; only then does it account the pages read and evict the least recently used beyond the cache
//! capacity. A pass touches each leaf page (16 records at most) once, so up to 256 × 64 leaf pages stay cached
//! without ever being counted: every page of a store of 100,000 incidents, read once, stays in memory for the
//! life of the process. A `Bounded` pass reads the key it has just returned again, 64 times, after every few
//! records: that fills the queue of the shard holding the page it sits in, so sled counts the page and evicts
//! down to the cache capacity as it goes.
//!
//! What stays is one page per shard at most beyond the capacity: sled never evicts a shard's only page. Pages
//! hold at most 16 records, and the store's records are small (an audit event names one change's writes), so
//! that is a bounded cost; a log of events holding thousands of writes each would keep pages of megabytes.

use std::ops::RangeBounds;

use sled::IVec;

use super::{StoreError, StoreReader, TreeName};

/// How many accesses sled 0.34 queues per shard before it looks at them (`MAX_QUEUE_ITEMS` in its `lru.rs`).
const SHARD_QUEUE: usize = 64;

/// Records between two touches: a leaf page holds at least 4 records (sled merges it with a neighbour below
/// that), so every page a pass reads is touched at least once.
const EVERY: u32 = 4;

/// A pass over records of one tree in key order that keeps sled's cache bounded (see the module's comment).
pub struct Bounded<I> {
    tree: sled::Tree,
    inner: I,
    since_touch: u32,
}

impl<I> Iterator for Bounded<I>
where
    I: Iterator<Item = sled::Result<(IVec, IVec)>>,
{
    type Item = Result<(IVec, IVec), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.inner.next()?;
        if let Ok((key, _)) = &item {
            self.since_touch += 1;
            if self.since_touch >= EVERY {
                self.since_touch = 0;
                for _ in 0..SHARD_QUEUE {
                    // Only the page access matters; a failed read shows in the pass's next record.
                    let _ = self.tree.contains_key(key);
                }
            }
        }
        Some(item.map_err(StoreError::from))
    }
}

impl StoreReader {
    /// Every record of `tree` in key order, keeping sled's cache bounded.
    pub fn scan(&self, tree: TreeName) -> Bounded<sled::Iter> {
        self.bounded(tree, self.tree(tree).iter())
    }

    /// The records of `tree` whose keys lie in `range`, keeping sled's cache bounded.
    pub fn scan_range<K, R>(&self, tree: TreeName, range: R) -> Bounded<sled::Iter>
    where
        K: AsRef<[u8]>,
        R: RangeBounds<K>,
    {
        self.bounded(tree, self.tree(tree).range(range))
    }

    /// The records of `tree` whose keys start with `prefix`, keeping sled's cache bounded.
    pub fn scan_prefix(&self, tree: TreeName, prefix: impl AsRef<[u8]>) -> Bounded<sled::Iter> {
        self.bounded(tree, self.tree(tree).scan_prefix(prefix))
    }

    fn bounded(&self, tree: TreeName, inner: sled::Iter) -> Bounded<sled::Iter> {
        Bounded {
            tree: self.tree(tree).clone(),
            inner,
            since_touch: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::Actor;
    use crate::store::{AuditKey, Put, Store};

    /// A store whose daily tree holds `n` records over several pages, written in a few commits.
    fn store_with(dir: &std::path::Path, n: u32) -> Store {
        let mut store = Store::open_keyed(dir, AuditKey::ephemeral([7; 32])).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
        for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
            let puts = chunk
                .iter()
                .map(|i| Put::Insert {
                    tree: TreeName::Daily,
                    key: format!("{:02}/{i:05}", i % 7).into_bytes(),
                    value: vec![*i as u8; 200 + (*i as usize % 50)],
                })
                .collect();
            store
                .commit(
                    &Actor::named("li"),
                    at,
                    "test",
                    "daily",
                    serde_json::json!({}),
                    puts,
                )
                .unwrap();
        }
        store
    }

    fn collected(items: impl Iterator<Item = sled::Result<(IVec, IVec)>>) -> Vec<(IVec, IVec)> {
        items.map(|i| i.unwrap()).collect()
    }

    #[test]
    fn a_bounded_pass_returns_what_sled_returns_in_the_same_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with(dir.path(), 1_000);
        let tree = store.tree(TreeName::Daily);
        let bounded = |pass: Bounded<sled::Iter>| pass.map(|i| i.unwrap()).collect::<Vec<_>>();

        let all = bounded(store.scan(TreeName::Daily));
        assert_eq!(all.len(), 1_000);
        assert_eq!(all, collected(tree.iter()));
        assert_eq!(
            bounded(store.scan_prefix(TreeName::Daily, b"03/")),
            collected(tree.scan_prefix(b"03/"))
        );
        assert_eq!(bounded(store.scan_prefix(TreeName::Daily, b"03/")).len(), 143);
        let range = b"02/00100".as_slice()..b"04/00000".as_slice();
        assert_eq!(
            bounded(store.scan_range(TreeName::Daily, range.clone())),
            collected(tree.range(range))
        );
        assert!(bounded(store.scan(TreeName::Handovers)).is_empty());
    }

    #[test]
    fn a_bounded_pass_sees_what_is_written_while_it_runs_as_sled_does() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), 300);
        let reader = store.reader();
        let mut pass = reader.scan(TreeName::Daily);
        let first = pass.next().unwrap().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).single().unwrap();
        let put = Put::Insert {
            tree: TreeName::Daily,
            key: b"99/last".to_vec(),
            value: b"written during the pass".to_vec(),
        };
        store
            .commit(
                &Actor::named("li"),
                at,
                "test",
                "daily",
                serde_json::json!({}),
                vec![put],
            )
            .unwrap();
        let rest: Vec<_> = pass.map(|i| i.unwrap()).collect();
        assert_eq!(rest.len(), 300);
        assert_eq!(first.0.as_ref(), b"00/00000");
        assert_eq!(rest.last().unwrap().0.as_ref(), b"99/last");
    }
}
