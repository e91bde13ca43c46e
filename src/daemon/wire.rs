//! The messages on the daemon's socket, one JSON object per line. A dashboard gets a full snapshot when it
//! subscribes, then the deltas from one version to the next; a delta that does not follow the version the
//! client holds means something was lost, and the client subscribes again for a full one. The quarterly
//! report comes as `Chunk` lines, in order, then its `Reply`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::access::Role;
use crate::engine::delta::SnapshotDelta;
use crate::engine::{Command, EngineError, Reply, Snapshot};
use crate::model::{Actor, Quarter};
use crate::report::Format;

/// Longest line either side accepts (a snapshot with many incidents is the largest message).
pub const MAX_LINE: usize = 64 * 1024 * 1024;

/// From a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Send a full snapshot now and its deltas from then on (dashboards; the command line does not ask).
    /// Asked again, it sends a full snapshot again.
    Subscribe,
    /// `actor` is only the client's claim of where it connects from (`actor.from`): the daemon names the
    /// user from the socket's peer credentials.
    Execute {
        id: u64,
        actor: Actor,
        command: Box<Command>,
    },
    /// Produce the quarterly report (recorded as `Execute` of `RecordsCommand::QuarterlyReport` is) and send
    /// it in `format` as `Chunk` lines while the quarter is read, then the `Reply`
    /// (`RecordsReply::QuarterlyStreamed`).
    QuarterlyReport {
        id: u64,
        actor: Actor,
        quarter: Option<Quarter>,
        format: Format,
    },
}

/// From the daemon.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    /// The first line on every connection: who the kernel says the client is, and what it may do.
    Welcome { user: String, role: Role },
    /// Instead of `Welcome`, to a user `[access]` does not let in; the daemon then hangs up.
    Refused { reason: String },
    /// The whole state at `version`.
    Snapshot { version: u64, snapshot: Box<Snapshot> },
    /// From version `from` to version `to`.
    Delta {
        from: u64,
        to: u64,
        delta: Box<SnapshotDelta>,
    },
    Reply {
        id: u64,
        result: Result<Reply, WireError>,
    },
    /// The next bytes of the document asked for by request `id`, in base64.
    Chunk { id: u64, data: String },
}

/// An engine error as the client sees it: its words, and whether it was the request's fault (exit 2) or the
/// store's (exit 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    pub bad_input: bool,
    pub message: String,
}

impl From<&EngineError> for WireError {
    fn from(e: &EngineError) -> WireError {
        WireError {
            bad_input: e.is_bad_input(),
            message: e.to_string(),
        }
    }
}

/// The snapshot messages as the daemon writes them: borrowed, so a snapshot is encoded without a copy. The
/// same JSON as [`Message`]'s variants of the same name.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outgoing<'a> {
    Snapshot {
        version: u64,
        snapshot: &'a Snapshot,
    },
    Delta {
        from: u64,
        to: u64,
        delta: &'a SnapshotDelta,
    },
}

/// One message as one line, ready to be written by any number of connections.
pub fn encode<T: Serialize>(message: &T) -> Arc<[u8]> {
    // Snapshots and deltas are plain data: JSON encoding them cannot fail.
    let mut line = serde_json::to_vec(message).unwrap_or_default();
    line.push(b'\n');
    Arc::from(line)
}
