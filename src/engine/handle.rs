//! The engine's address: how the TUI, the CLI and the probes talk to it.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, oneshot, watch};

use super::{
    Command, DeliveryStatus, DomainEvent, EngineError, Reply, ReportSink, Request, Snapshot, Turn, Turns,
};
use crate::hosts::HostSample;
use crate::model::Actor;
use crate::probe::ProbeResult;

/// Cheap to clone; every clone reaches the same engine.
#[derive(Debug, Clone)]
pub struct EngineHandle {
    pub(super) requests: mpsc::Sender<Request>,
    pub(super) probes: mpsc::Sender<ProbeResult>,
    pub(super) hosts: mpsc::Sender<HostSample>,
    pub(super) shutdown: mpsc::Sender<oneshot::Sender<()>>,
    pub(super) snapshots: watch::Receiver<Arc<Snapshot>>,
    pub(super) events: broadcast::Sender<DomainEvent>,
    pub(super) delivery: Arc<watch::Sender<DeliveryStatus>>,
    pub(super) turns: Turns,
}

impl EngineHandle {
    /// Runs a command; answers only once its change and audit event are durable on disk.
    pub async fn execute(&self, actor: Actor, command: Command) -> Result<Reply, EngineError> {
        self.request(actor, command, None).await
    }

    /// Runs `command` (the quarterly report) with the document's bytes sent to `sink` as it is written;
    /// answers once the last chunk is sent.
    pub async fn stream_report(
        &self,
        actor: Actor,
        command: Command,
        sink: ReportSink,
    ) -> Result<Reply, EngineError> {
        self.request(actor, command, Some(sink)).await
    }

    async fn request(
        &self,
        actor: Actor,
        command: Command,
        sink: Option<ReportSink>,
    ) -> Result<Reply, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request {
                actor,
                command,
                reply,
                sink,
            })
            .await
            .map_err(|_| EngineError::Stopped)?;
        answer.await.map_err(|_| EngineError::Stopped)?
    }

    /// The longest turn of each kind the engine's loop made since the last call, longest first.
    pub fn take_turns(&self) -> Vec<Turn> {
        self.turns.take()
    }

    /// The latest snapshot now, and every later one.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.snapshots.clone()
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshots.borrow().clone()
    }

    /// Every event from now on: durable changes and time-driven facts. A receiver that falls more than
    /// `EVENT_BUFFER` behind is told how many it missed (the durable ones are in the audit log).
    pub fn events(&self) -> broadcast::Receiver<DomainEvent> {
        self.events.subscribe()
    }

    /// Where the notifier reports how deliveries go; the next snapshot shows it.
    pub fn report_delivery(&self, status: DeliveryStatus) {
        self.delivery.send_replace(status);
    }

    /// Where probe schedulers send their results.
    pub fn probe_sender(&self) -> mpsc::Sender<ProbeResult> {
        self.probes.clone()
    }

    /// Where host samplers send their readings.
    pub fn host_sender(&self) -> mpsc::Sender<HostSample> {
        self.hosts.clone()
    }

    /// Stops the engine after everything queued before it; the store is flushed and closed when this returns.
    pub async fn shutdown(&self) {
        let (done, wait) = oneshot::channel();
        if self.shutdown.send(done).await.is_ok() {
            let _ = wait.await;
        }
    }
}
