//! What the last event that wrote each record says of it, kept compactly while the chain is walked: one entry per
//! record that still exists by the log (a record whose last event removed it has none), holding the SHA-256 of
//! its value as bytes. This is what `audit verify` holds for a whole store: about a hundred bytes a record.

use std::collections::HashMap;

/// The digest the last event gave a record: its SHA-256, or text that is not one (which matches no record).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Digest {
    Sha256([u8; 32]),
    NotADigest,
}

impl Digest {
    pub(super) fn matches(&self, sha256: &[u8]) -> bool {
        matches!(self, Digest::Sha256(d) if d[..] == *sha256)
    }
}

/// A record: its tree (an index into the names seen) and key.
type Record = (u16, Box<[u8]>);

/// Records with their digest and the event that wrote it.
#[derive(Default)]
pub(super) struct LastWritten {
    trees: Vec<String>,
    records: HashMap<Record, (Digest, u64)>,
}

impl LastWritten {
    /// What event `seq` did to `key` of `tree` (both as the event gives them: the key in hex, text that is not
    /// hex kept as it is): wrote a value with `sha256`, or removed it (`None`).
    pub(super) fn insert(&mut self, tree: &str, key: &str, sha256: Option<&str>, seq: u64) {
        let tree = self.tree_index(tree);
        let key: Box<[u8]> = hex::decode(key)
            .unwrap_or_else(|_| key.as_bytes().to_vec())
            .into();
        match sha256 {
            None => {
                self.records.remove(&(tree, key));
            }
            Some(text) => {
                let mut digest = [0u8; 32];
                let digest = match hex::decode_to_slice(text, &mut digest) {
                    Ok(()) => Digest::Sha256(digest),
                    Err(_) => Digest::NotADigest,
                };
                self.records.insert((tree, key), (digest, seq));
            }
        }
    }

    /// Takes the record's entry: `None` when no event wrote it, or the last one removed it.
    pub(super) fn remove(&mut self, tree: &str, key: &[u8]) -> Option<(Digest, u64)> {
        let tree = self.trees.iter().position(|t| t == tree)? as u16;
        self.records.remove(&(tree, Box::from(key)))
    }

    /// The first (by tree name, then key) record an event wrote that was not taken: tree, key and that event.
    pub(super) fn first_present(self) -> Option<(String, Vec<u8>, u64)> {
        let trees = self.trees;
        self.records
            .into_iter()
            .map(|((tree, key), (_, seq))| (trees[tree as usize].clone(), key.into_vec(), seq))
            .min()
    }

    fn tree_index(&mut self, tree: &str) -> u16 {
        match self.trees.iter().position(|t| t == tree) {
            Some(n) => n as u16,
            None => {
                self.trees.push(tree.to_string());
                (self.trees.len() - 1) as u16
            }
        }
    }
}
