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
