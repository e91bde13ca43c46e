//! What the last event that wrote each record says of it, gathered while the chain is walked and then matched
//! with the records, in bounded memory however large the store.
//!
//! The events' writes are kept in a map of at most [`RUN`] records (a later write of a record replaces the
//! earlier one; a removal is kept too, since an earlier run may hold a write it undoes). A full map is sorted
//! in the order the records are checked (the audited trees in their order, then any other tree an event
//! names, each by key) and written to a temporary file as a run. The runs are then merged, the latest run's
//! word on a record winning, into one stream in that order, which is walked beside the trees' records: each
//! record must have a write, with its digest; a write left over names a record that is gone. A store whose
//! writes fit in one map is checked from memory, as before.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

use super::super::audit::AUDITED_TREES;

/// Records kept in memory before they go to a run: a few megabytes (a handful in this crate's tests, so that
/// their verifications go through runs).
const RUN: usize = if cfg!(test) { 8 } else { 16 * 1024 };

/// The digest the last event gave a record: its SHA-256, or text that is not one (which matches no record).
/// (Ordered only so that a run's record can sit in the merge's heap: a record and its run decide first.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Digest {
    Sha256([u8; 32]),
    NotADigest,
}

impl Digest {
    pub(super) fn matches(&self, sha256: &[u8]) -> bool {
        matches!(self, Digest::Sha256(d) if d[..] == *sha256)
    }
}

/// What the last event did to a record: wrote it (with this digest) or removed it (`None`), and that event.
type Word = (Option<Digest>, u64);

/// A record: where its tree comes in the order records are checked, and its key.
type Record = (u16, Box<[u8]>);

/// The events' last word on each record, in memory and in runs.
pub(super) struct LastWritten {
    /// Tree names as the events give them, by where they come in the check (see `rank`).
    trees: Vec<String>,
    records: HashMap<Record, Word>,
    runs: Vec<BufReader<File>>,
    run: usize,
}

impl Default for LastWritten {
    fn default() -> LastWritten {
        LastWritten::with_run(RUN)
    }
}

impl LastWritten {
    /// Keeping at most `run` records in memory.
    pub(super) fn with_run(run: usize) -> LastWritten {
        LastWritten {
            trees: Vec::new(),
            records: HashMap::new(),
            runs: Vec::new(),
            run,
        }
    }

    /// What event `seq` did to `key` of `tree` (both as the event gives them: the key in hex, text that is not
    /// hex kept as it is): wrote a value with `sha256`, or removed it (`None`).
    pub(super) fn insert(&mut self, tree: &str, key: &str, sha256: Option<&str>, seq: u64) -> io::Result<()> {
        let tree = self.rank(tree);
        let key: Box<[u8]> = hex::decode(key)
            .unwrap_or_else(|_| key.as_bytes().to_vec())
            .into();
        let digest = sha256.map(|text| {
            let mut digest = [0u8; 32];
            match hex::decode_to_slice(text, &mut digest) {
                Ok(()) => Digest::Sha256(digest),
                Err(_) => Digest::NotADigest,
            }
        });
        self.records.insert((tree, key), (digest, seq));
        if self.records.len() >= self.run {
            self.spill()?;
        }
        Ok(())
    }

    /// The last words in the order records are checked, read once.
    pub(super) fn into_words(mut self) -> io::Result<Words> {
        if !self.runs.is_empty() && !self.records.is_empty() {
            self.spill()?;
        }
        let LastWritten {
            trees, records, runs, ..
        } = self;
        let source = if runs.is_empty() {
            let mut sorted: Vec<(Record, Word)> = records.into_iter().collect();
            sorted.sort_unstable_by(|a, b| b.0.cmp(&a.0));
            Source::Memory(sorted)
        } else {
            let mut runs: Vec<Run> = runs.into_iter().map(|file| Run { file }).collect();
            let mut heads = BinaryHeap::new();
            for (n, run) in runs.iter_mut().enumerate() {
                if let Some(head) = run.read()? {
                    heads.push(Reverse((head.0, Reverse(n), head.1)));
                }
            }
            Source::Runs { runs, heads }
        };
        Ok(Words {
            trees,
            source,
            peeked: None,
        })
    }

    /// The map, sorted, as a run in a temporary file.
    fn spill(&mut self) -> io::Result<()> {
        let mut sorted: Vec<(Record, Word)> = self.records.drain().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut out = BufWriter::new(tempfile::tempfile()?);
        for ((tree, key), (digest, seq)) in &sorted {
            out.write_all(&tree.to_be_bytes())?;
            out.write_all(&(key.len() as u32).to_be_bytes())?;
            out.write_all(key)?;
            out.write_all(&seq.to_be_bytes())?;
            match digest {
                None => out.write_all(&[0])?,
                Some(Digest::NotADigest) => out.write_all(&[1])?,
                Some(Digest::Sha256(d)) => {
                    out.write_all(&[2])?;
                    out.write_all(d)?;
                }
            }
        }
        let mut file = out.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        self.runs.push(BufReader::new(file));
        Ok(())
    }

    /// Where `tree` comes in the check: the audited trees in their order, then others as the events name them.
    fn rank(&mut self, tree: &str) -> u16 {
        if let Some(n) = AUDITED_TREES.iter().position(|t| t.as_str() == tree) {
            return n as u16;
        }
        match self.trees.iter().position(|t| t == tree) {
            Some(n) => (AUDITED_TREES.len() + n) as u16,
            None => {
                self.trees.push(tree.to_string());
                (AUDITED_TREES.len() + self.trees.len() - 1) as u16
            }
        }
    }
}

/// One run being merged, read a record at a time.
struct Run {
    file: BufReader<File>,
}

impl Run {
    fn read(&mut self) -> io::Result<Option<(Record, Word)>> {
        let mut tree = [0u8; 2];
        match self.file.read_exact(&mut tree) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut len = [0u8; 4];
        self.file.read_exact(&mut len)?;
        let mut key = vec![0u8; u32::from_be_bytes(len) as usize];
        self.file.read_exact(&mut key)?;
        let mut seq = [0u8; 8];
        self.file.read_exact(&mut seq)?;
        let mut tag = [0u8; 1];
        self.file.read_exact(&mut tag)?;
        let digest = match tag[0] {
            0 => None,
            1 => Some(Digest::NotADigest),
            _ => {
                let mut d = [0u8; 32];
                self.file.read_exact(&mut d)?;
                Some(Digest::Sha256(d))
            }
        };
        Ok(Some((
            (u16::from_be_bytes(tree), key.into()),
            (digest, u64::from_be_bytes(seq)),
        )))
    }
}

enum Source {
    /// Sorted last first, taken from the end.
    Memory(Vec<(Record, Word)>),
    /// Each run's next record, the smallest first and, for one record, the latest run first.
    Runs {
        runs: Vec<Run>,
        heads: BinaryHeap<Reverse<(Record, Reverse<usize>, Word)>>,
    },
}

/// The last word on each record in the order records are checked: the audited trees in their order, each by
/// key, then the records of other trees.
pub(super) struct Words {
    trees: Vec<String>,
    source: Source,
    peeked: Option<(Record, Word)>,
}

impl Words {
    /// The next record's last word, without taking it.
    fn peek(&mut self) -> io::Result<Option<&(Record, Word)>> {
        if self.peeked.is_none() {
            self.peeked = self.pull()?;
        }
        Ok(self.peeked.as_ref())
    }

    fn pull(&mut self) -> io::Result<Option<(Record, Word)>> {
        match &mut self.source {
            Source::Memory(sorted) => Ok(sorted.pop()),
            Source::Runs { runs, heads } => {
                let Some(Reverse((record, Reverse(n), word))) = heads.pop() else {
                    return Ok(None);
                };
                // The latest run's word; the earlier runs' words on the same record are passed over.
                let mut refill = vec![n];
                while let Some(Reverse((next, Reverse(m), _))) = heads.peek()
                    && *next == record
                {
                    refill.push(*m);
                    heads.pop();
                }
                for m in refill {
                    if let Some(head) = runs[m].read()? {
                        heads.push(Reverse((head.0, Reverse(m), head.1)));
                    }
                }
                Ok(Some((record, word)))
            }
        }
    }

    /// The last word on `key` of the audited tree `tree` (its place in `AUDITED_TREES`), the records of that
    /// tree before `key` left over (each handed to `left`). `None` when no event wrote it, or the last one
    /// removed it.
    pub(super) fn take(
        &mut self,
        tree: usize,
        key: &[u8],
        left: &mut impl FnMut(&str, &[u8], u64),
    ) -> io::Result<Option<(Digest, u64)>> {
        let tree = tree as u16;
        loop {
            let Some(((t, k), _)) = self.peek()? else {
                return Ok(None);
            };
            let (t, order) = (*t, (*t, &k[..]).cmp(&(tree, key)));
            match order {
                std::cmp::Ordering::Greater => return Ok(None),
                std::cmp::Ordering::Equal => {
                    let taken = self
                        .peeked
                        .take()
                        .and_then(|(_, (digest, seq))| Some((digest?, seq)));
                    return Ok(taken);
                }
                std::cmp::Ordering::Less => {
                    if let Some(((_, k), (digest, seq))) = self.peeked.take()
                        && digest.is_some()
                    {
                        left(&self.tree_name(t), &k, seq);
                    }
                }
            }
        }
    }

    /// Every record not taken so far (those of the audited trees up to `tree` included, and of other trees),
    /// each handed to `left`.
    pub(super) fn rest(&mut self, left: &mut impl FnMut(&str, &[u8], u64)) -> io::Result<()> {
        while self.peek()?.is_some() {
            if let Some(((t, k), (digest, seq))) = self.peeked.take()
                && digest.is_some()
            {
                left(&self.tree_name(t), &k, seq);
            }
        }
        Ok(())
    }

    fn tree_name(&self, rank: u16) -> String {
        match AUDITED_TREES.get(rank as usize) {
            Some(t) => t.as_str().to_string(),
            None => self.trees[rank as usize - AUDITED_TREES.len()].clone(),
        }
    }
}
