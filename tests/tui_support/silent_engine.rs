//! An engine that never answers commands, with its snapshot sender held by the test: for driving the
//! dashboard's event loop by snapshots alone.
#![allow(dead_code)]

use std::sync::Arc;

use tokio::sync::watch;
use watchdesk::engine::{Command, EngineError, Reply, Snapshot};
use watchdesk::model::Actor;
use watchdesk::tui::EngineClient;

#[derive(Clone)]
pub struct SilentEngine {
    rx: watch::Receiver<Arc<Snapshot>>,
}

impl EngineClient for SilentEngine {
    fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.rx.clone()
    }

    async fn execute(&self, _: Actor, _: Command) -> Result<Reply, EngineError> {
        Err(EngineError::Stopped)
    }

    async fn shutdown(&self) {}
}

/// The engine, and the sender whose snapshots it shows, starting with `first`.
pub fn silent_engine(first: Arc<Snapshot>) -> (watch::Sender<Arc<Snapshot>>, SilentEngine) {
    let (tx, rx) = watch::channel(first);
    (tx, SilentEngine { rx })
}
