//! The messages on the daemon's socket, one JSON object per line.

use serde::{Deserialize, Serialize};

use super::access::Role;
use crate::engine::{Command, EngineError, Reply, Snapshot};
use crate::model::Actor;

/// Longest line either side accepts (a snapshot with many incidents is the largest message).
pub const MAX_LINE: usize = 64 * 1024 * 1024;

/// From a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Send snapshots from now on (dashboards; the command line does not ask).
    Subscribe,
    /// `actor` is only the client's claim of where it connects from (`actor.from`): the daemon names the
    /// user from the socket's peer credentials.
    Execute {
        id: u64,
        actor: Actor,
        command: Box<Command>,
    },
}

/// From the daemon.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    /// The first line on every connection: who the kernel says the client is, and what it may do.
    Welcome {
        user: String,
        role: Role,
    },
    /// Instead of `Welcome`, to a user `[access]` does not let in; the daemon then hangs up.
    Refused {
        reason: String,
    },
    Snapshot(Box<Snapshot>),
    Reply {
        id: u64,
        result: Result<Reply, WireError>,
    },
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
