//! The change to a keyed list: entries new or changed, keys gone, and the entries that moved. A list in
//! deadline order (the open incidents) reorders when one incident is acknowledged or a new fault comes first;
//! such a change names the few entries that moved and where to, never the whole order.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{DeltaError, Entry};

/// The change to one keyed list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "T: Serialize, K: Serialize",
    deserialize = "T: Deserialize<'de>, K: Deserialize<'de>"
))]
pub struct ListDelta<K, T> {
    /// New entries and changed ones, whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upsert: Vec<T>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<K>,
    /// Only when removing, replacing in place and adding at the end would not give the new order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<Moves<K>>,
}

/// The entries to take out and put back at their place in the new list: every other entry keeps its order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moves<K> {
    /// Each key with its index in the new list, lowest index first.
    pub to: Vec<(K, usize)>,
    /// The new list's length: a delta made for another list is refused.
    pub len: usize,
}

impl<K, T> Default for ListDelta<K, T> {
    fn default() -> Self {
        ListDelta {
            upsert: Vec::new(),
            remove: Vec::new(),
            moved: None,
        }
    }
}

impl<K, T> ListDelta<K, T> {
    pub fn is_empty(&self) -> bool {
        self.upsert.is_empty() && self.remove.is_empty() && self.moved.is_none()
    }
}

impl<T: Entry> ListDelta<T::Key, T> {
    pub fn between(old: &[T], new: &[T]) -> Self {
        // The common case costs a comparison of pointers (or small values) per entry, no hashing.
        if old.len() == new.len() && old.iter().zip(new).all(|(a, b)| a.key() == b.key()) {
            let upsert = old
                .iter()
                .zip(new)
                .filter(|(a, b)| !a.same(b))
                .map(|(_, b)| b.clone())
                .collect();
            return ListDelta {
                upsert,
                ..ListDelta::default()
            };
        }
        let before: HashMap<T::Key, &T> = old.iter().map(|e| (e.key(), e)).collect();
        let after: HashMap<T::Key, usize> = new.iter().enumerate().map(|(i, e)| (e.key(), i)).collect();
        let upsert = new
            .iter()
            .filter(|e| before.get(&e.key()).is_none_or(|o| !o.same(e)))
            .cloned()
            .collect();
        let remove = old
            .iter()
            .map(Entry::key)
            .filter(|k| !after.contains_key(k))
            .collect();
        let applied = old
            .iter()
            .map(Entry::key)
            .filter(|k| after.contains_key(k))
            .chain(new.iter().map(Entry::key).filter(|k| !before.contains_key(k)));
        let moved = (!applied.eq(new.iter().map(Entry::key))).then(|| {
            // The entries that stay are the longest run of old entries already in their new order; the others
            // and the new ones are put in place.
            let kept: Vec<usize> = old.iter().filter_map(|e| after.get(&e.key()).copied()).collect();
            let stay: HashSet<usize> = longest_rising(&kept).into_iter().collect();
            let to = new
                .iter()
                .enumerate()
                .filter(|(i, _)| !stay.contains(i))
                .map(|(i, e)| (e.key(), i))
                .collect();
            Moves { to, len: new.len() }
        });
        ListDelta {
            upsert,
            remove,
            moved,
        }
    }

    pub fn apply(self, list: &mut Vec<T>) -> Result<(), DeltaError> {
        let ListDelta {
            upsert,
            remove,
            moved,
        } = self;
        let mut gone: HashSet<T::Key> = remove.into_iter().collect();
        let moving: HashSet<T::Key> = moved
            .iter()
            .flat_map(|m| m.to.iter().map(|(k, _)| k.clone()))
            .collect();
        gone.extend(moving.iter().cloned());
        let mut lifted: HashMap<T::Key, T> = HashMap::new();
        if !gone.is_empty() {
            for entry in std::mem::take(list) {
                let key = entry.key();
                if moving.contains(&key) {
                    lifted.insert(key, entry);
                } else if !gone.contains(&key) {
                    list.push(entry);
                }
            }
        }
        if !upsert.is_empty() {
            let mut at: HashMap<T::Key, usize> = list.iter().enumerate().map(|(i, e)| (e.key(), i)).collect();
            for entry in upsert {
                let key = entry.key();
                if moving.contains(&key) {
                    lifted.insert(key, entry);
                    continue;
                }
                match at.get(&key) {
                    Some(&i) => list[i] = entry,
                    None => {
                        at.insert(key, list.len());
                        list.push(entry);
                    }
                }
            }
        }
        if let Some(Moves { to, len }) = moved {
            for (key, index) in to {
                let entry = lifted.remove(&key).ok_or(DeltaError)?;
                if index > list.len() {
                    return Err(DeltaError);
                }
                list.insert(index, entry);
            }
            if list.len() != len {
                return Err(DeltaError);
            }
        }
        Ok(())
    }
}

/// The positions of a longest strictly rising run (not necessarily contiguous) in `values`, by value.
pub(super) fn longest_rising(values: &[usize]) -> Vec<usize> {
    // Patience sorting: `tails[l]` is the index in `values` of the smallest value ending a run of length l + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; values.len()];
    for (i, &v) in values.iter().enumerate() {
        let l = tails.partition_point(|&t| values[t] < v);
        before[i] = l.checked_sub(1).map(|p| tails[p]);
        if l == tails.len() {
            tails.push(i);
        } else {
            tails[l] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(values[i]);
        at = before[i];
    }
    run.reverse();
    run
}
