//! Daemon mode: `watchdesk serve` runs the engine, the probes and the host samplers with no terminal, so faults
//! at 3 a.m. are detected and their countdowns start with nobody watching; dashboards (`watchdesk attach`, or
//! plain `watchdesk` when a daemon answers) and the command line talk to it over a Unix socket in the data
//! directory. sled allows one process per store: in daemon mode the daemon owns it.
//!
//! The protocol is JSON, one message per line ([`wire`]): a client sends `Execute` requests, each answered by a
//! `Reply` with the same id once the change is durable; a dashboard receives the engine's `Snapshot` once and
//! then what changed in it, at most a few times a second. The socket is 0600 in the 0700 data directory: only
//! the user the daemon runs as can connect; the actor named in a request is that user's word for who acts.

pub mod access;
pub mod client;
mod document;
pub mod hub;
pub mod server;
pub mod wire;

use std::path::{Path, PathBuf};

pub use client::{RemoteEngine, connect};
pub use server::{Server, serve};

/// The socket's name inside the data directory.
pub const SOCKET: &str = "watchdesk.sock";

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}
