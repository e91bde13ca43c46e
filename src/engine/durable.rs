//! Durability off the engine's task. A write is applied to sled on the task — every later read there sees
//! it — but making it durable (sled's flush and an fsync: a millisecond, at times tens of them on a busy disk)
//! runs on the blocking pool, one sync at a time, while the engine goes on with probe results and commands.
//!
//! Nothing a write changed reaches anyone before it is durable: the command's answer, the answer of every
//! command after it (in the order they came), the snapshot and the event stream all wait for the sync that
//! covers it. So the screen never shows as done what a crash could still lose, and a command answered `Ok`
//! is on disk, as before. One sync covers every write applied before it started: writes that come while one
//! runs share the next.
//!
//! A sync that fails is told to the caller of every command whose write it covered, and shown on every
//! dashboard (`Engine::store_failed`). The engine's live state keeps the unsaved change (sled keeps it in
//! memory too, and every read of the store sees it until the process stops): the message says writes are
//! failing, and each new action tries to write again.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::long_read::Work;
use super::{Engine, EngineError, Reply};
use crate::store::StoreError;

/// Makes every write applied so far durable; run on the blocking pool.
pub(super) type SyncFn = Arc<dyn Fn() -> Result<(), StoreError> + Send + Sync>;

/// The writes not yet durable, and the answers waiting for them.
pub(super) struct Durability {
    sync: SyncFn,
    /// Turns that wrote, counted from the start.
    written: u64,
    /// Of those, how many a finished sync covered (made durable, or failed to).
    settled: u64,
    /// The sync running now, and how many writes it covers.
    running: Option<(u64, JoinHandle<Result<(), StoreError>>)>,
    /// A sync nothing waits for is asked (for writes outside a commit: history rollups).
    soon: bool,
    /// Answers waiting for a sync, oldest first.
    held: VecDeque<Held>,
    /// The store's directory, named by the errors made here.
    dir: PathBuf,
    /// Tests that make the engine's turns by hand sync on their own thread (`sync_here`).
    #[cfg(test)]
    here: bool,
}

/// A command's answer that waits until `settled` reaches `after`.
struct Held {
    after: u64,
    /// Its own turn wrote: a failed sync fails the command.
    wrote: bool,
    work: Work,
    reply: oneshot::Sender<Result<Reply, EngineError>>,
}

impl Durability {
    pub(super) fn new(sync: SyncFn, dir: PathBuf) -> Durability {
        Durability {
            sync,
            written: 0,
            settled: 0,
            running: None,
            soon: false,
            held: VecDeque::new(),
            dir,
            #[cfg(test)]
            here: false,
        }
    }

    /// Some write is not durable yet.
    pub(super) fn pending(&self) -> bool {
        self.settled < self.written
    }

    /// Counts a turn's writes and starts a sync for them unless one is running (the next one covers them).
    fn wrote(&mut self) {
        self.written += 1;
        self.start();
    }

    /// Asks for a sync that nothing waits for: what was written outside a commit becomes durable soon.
    pub(super) fn sync_soon(&mut self) {
        self.soon = true;
        self.start();
    }

    fn start(&mut self) {
        if self.running.is_some() || !(self.pending() || self.soon) {
            return;
        }
        self.soon = false;
        #[cfg(test)]
        if self.here {
            (self.sync)().expect("a sync made on the test's thread");
            self.settled = self.written;
            return;
        }
        let sync = self.sync.clone();
        self.running = Some((self.written, tokio::task::spawn_blocking(move || sync())));
    }

    /// Syncs on the calling thread, so every answer goes out at once: for tests that make the engine's turns
    /// by hand, without its loop or a runtime.
    #[cfg(test)]
    pub(super) fn sync_here(&mut self) {
        self.here = true;
    }

    /// The running sync's end: how many writes it covered and how it went. Never ends when none runs.
    pub(super) async fn finished(&mut self) -> (u64, Result<(), StoreError>) {
        let Some((covers, sync)) = &mut self.running else {
            return std::future::pending().await;
        };
        let ended = sync.await;
        let covers = *covers;
        self.running = None;
        let result = match ended {
            Ok(result) => result,
            Err(e) => Err(self.error(format!("the sync stopped: {e}"))),
        };
        (covers, result)
    }

    fn error(&self, text: String) -> StoreError {
        StoreError::Io {
            dir: self.dir.clone(),
            source: std::io::Error::other(text),
        }
    }

    /// The error of a failed sync, for each command it failed: what went wrong is the same for all.
    fn copy(&self, e: &StoreError) -> StoreError {
        match e {
            StoreError::Io { dir, source } => StoreError::Io {
                dir: dir.clone(),
                source: match source.raw_os_error() {
                    Some(code) => std::io::Error::from_raw_os_error(code),
                    None => std::io::Error::new(source.kind(), source.to_string()),
                },
            },
            StoreError::Sled(e) => StoreError::Sled(e.clone()),
            other => self.error(other.to_string()),
        }
    }
}

impl Engine {
    /// Takes note of what was written since the last look; whether this turn wrote.
    fn note_writes(&mut self) -> bool {
        let wrote = self.store.take_unsynced();
        if wrote {
            self.durability.wrote();
        }
        wrote
    }

    /// Whether anything written is not durable yet (what is shown waits for it).
    pub(super) fn unsaved(&mut self) -> bool {
        self.note_writes();
        self.durability.pending()
    }

    /// Answers `work` now, or once every write made so far is durable.
    pub(super) fn dispatch(&mut self, work: Work, reply: oneshot::Sender<Result<Reply, EngineError>>) {
        let wrote = self.note_writes();
        if !self.durability.pending() {
            return self.answer(work, reply, wrote);
        }
        let after = self.durability.written;
        self.durability.held.push_back(Held {
            after,
            wrote,
            work,
            reply,
        });
    }

    /// A sync ended: the answers it covered go out in order, then the snapshot and the events (unless a later
    /// write still waits for the next sync, which starts now).
    pub(super) fn synced(&mut self, covers: u64, result: Result<(), StoreError>) {
        self.durability.settled = covers;
        self.durability.start();
        let failed = result.err();
        if let Some(e) = &failed {
            self.store_failed(e);
        }
        while self.durability.held.front().is_some_and(|h| h.after <= covers) {
            let Some(Held {
                wrote, work, reply, ..
            }) = self.durability.held.pop_front()
            else {
                break;
            };
            let work = match &failed {
                Some(e) if wrote => Work::failed(EngineError::Store(self.durability.copy(e))),
                _ => work,
            };
            self.answer(work, reply, wrote);
        }
        self.publish();
    }

    /// Waits for every write to be durable and answers what waited for it: at shutdown.
    pub(super) async fn settle(&mut self) {
        while self.unsaved() || self.durability.running.is_some() {
            let (covers, result) = self.durability.finished().await;
            self.synced(covers, result);
        }
    }
}
