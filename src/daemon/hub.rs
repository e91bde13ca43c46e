//! Snapshots for every dashboard at once: one task follows the engine, at most every [`SNAPSHOT_GAP`] works
//! out what changed since the last version it published and encodes that delta once; every connection then
//! writes the same bytes. A connection starts (and, when it fell more than [`BACKLOG`] deltas behind, starts
//! again) from a full snapshot, encoded once per version however many ask for it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use super::wire::{Outgoing, encode};
use crate::engine::Snapshot;
use crate::engine::delta::SnapshotDelta;

/// The least time between two published versions: the engine publishes on every probe result.
pub const SNAPSHOT_GAP: Duration = Duration::from_millis(250);

/// How many deltas a connection may have waiting before it is given a full snapshot instead.
pub const BACKLOG: usize = 16;

/// One published delta, encoded as the line every connection writes.
#[derive(Debug)]
pub struct Frame {
    /// The version it applies to.
    pub from: u64,
    /// The version it makes.
    pub to: u64,
    pub line: Arc<[u8]>,
}

struct Latest {
    version: u64,
    snapshot: Arc<Snapshot>,
    /// The full snapshot's line, once someone asked for this version.
    full: Option<Arc<[u8]>>,
}

/// Shared by the publishing task and every connection.
pub struct Hub {
    latest: Mutex<Latest>,
    frames: broadcast::Sender<Arc<Frame>>,
}

impl Hub {
    /// Starts following `snapshots`; the task ends when the engine stops publishing.
    pub fn start(snapshots: watch::Receiver<Arc<Snapshot>>) -> (Arc<Hub>, tokio::task::JoinHandle<()>) {
        let first = snapshots.borrow().clone();
        let (frames, _) = broadcast::channel(BACKLOG);
        let hub = Arc::new(Hub {
            latest: Mutex::new(Latest {
                version: 1,
                snapshot: first,
                full: None,
            }),
            frames,
        });
        let task = tokio::spawn(publish(hub.clone(), snapshots));
        (hub, task)
    }

    /// Deltas from now on; call before [`Hub::full`] so none falls between the two.
    pub fn follow(&self) -> broadcast::Receiver<Arc<Frame>> {
        self.frames.subscribe()
    }

    /// The latest version and its full snapshot's line.
    pub fn full(&self) -> (u64, Arc<[u8]>) {
        let mut latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        if latest.full.is_none() {
            latest.full = Some(encode(&Outgoing::Snapshot {
                version: latest.version,
                snapshot: &latest.snapshot,
            }));
        }
        let line = latest.full.clone().unwrap_or_else(|| Arc::from(&b""[..]));
        (latest.version, line)
    }

    /// Makes `snapshot` the next version; encodes its delta only when a connection follows.
    fn advance(&self, snapshot: Arc<Snapshot>) {
        let (from, delta) = {
            let mut latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
            let from = latest.version;
            let delta = (self.frames.receiver_count() > 0)
                .then(|| SnapshotDelta::between(&latest.snapshot, &snapshot));
            *latest = Latest {
                version: from + 1,
                snapshot,
                full: None,
            };
            (from, delta)
        };
        if let Some(delta) = delta {
            let line = encode(&Outgoing::Delta {
                from,
                to: from + 1,
                delta: &delta,
            });
            let _ = self.frames.send(Arc::new(Frame {
                from,
                to: from + 1,
                line,
            }));
        }
    }
}

async fn publish(hub: Arc<Hub>, mut snapshots: watch::Receiver<Arc<Snapshot>>) {
    let mut next_at = Instant::now();
    while snapshots.changed().await.is_ok() {
        tokio::time::sleep_until(next_at).await;
        next_at = Instant::now() + SNAPSHOT_GAP;
        let newest = snapshots.borrow_and_update().clone();
        hub.advance(newest);
    }
}
