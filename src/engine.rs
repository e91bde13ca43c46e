//! The engine: one task that owns the store and all live state. Commands come in with their actor and a reply
//! channel; a fresh `Arc<Snapshot>` goes out on a `watch` channel after every change.

mod command;
mod snapshot;

pub use command::{Command, EngineError, Reply, Request};

pub use snapshot::{
    CheckView, Health, HostView, LastProbe, Mode, RecordsStatus, ScoreSummary, Snapshot, SubsystemView,
};
