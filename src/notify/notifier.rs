//! The notifier's tasks: one planner that turns the engine's events into outbox entries, and one worker per
//! channel that sends them, within the channel's rate, gathering bursts into digests and retrying with
//! backoff. It runs in the process that owns the store (the daemon, or a dashboard without one), so only one
//! process ever sends.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast, watch};
use tokio::task::JoinHandle;

mod status;
mod worker;

use status::StatusBoard;
use worker::Worker;

use super::outbox::{Outbox, Planned};
use super::rules::Planner;
use crate::clock::SharedClock;
use crate::config::{Config, Lang};
use crate::engine::{DomainEvent, EngineHandle};
use crate::model::Delivery;
use crate::model::{Incident, IncidentId};
use crate::store::{AuditEvent, Store, StoreError, TreeName};

/// Finished entries are kept this long, for `notify list` and the dashboard.
const KEEP_FINISHED: chrono::Duration = chrono::Duration::days(90);

/// The store's trees the notifier uses, taken before the engine takes the store.
#[derive(Clone)]
pub struct Trees {
    outbox: Outbox,
    events: sled::Tree,
    incidents: sled::Tree,
    head: u64,
}

impl Trees {
    pub fn of(store: &Store) -> Trees {
        Trees {
            outbox: Outbox::new(store.share_tree(TreeName::Outbox)),
            events: store.share_tree(TreeName::Events),
            incidents: store.share_tree(TreeName::Incidents),
            head: store.chain_head_seq(),
        }
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }
}

/// The running notifier; `stop` ends its tasks (what is queued stays in the outbox for next time).
pub struct Notifier {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    wake: Arc<BTreeMap<String, Arc<Notify>>>,
}

impl Notifier {
    /// Starts the planner and one worker per channel. With no channel configured it still reports (an empty
    /// status) and plans nothing.
    pub fn start(engine: &EngineHandle, trees: Trees, config: Arc<Config>, clock: SharedClock) -> Notifier {
        let (stop, stop_rx) = watch::channel(false);
        let events = engine.events();
        let wake: Arc<BTreeMap<String, Arc<Notify>>> = Arc::new(
            config
                .notify
                .channels
                .iter()
                .map(|c| (c.name.clone(), Arc::new(Notify::new())))
                .collect(),
        );
        let status = Arc::new(StatusBoard::new(engine.clone(), &config, &trees.outbox));
        let http = crate::outbound::client_builder()
            .user_agent(concat!("watchdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let mut tasks = Vec::new();
        let planner = PlannerTask {
            trees: trees.clone(),
            planner: Planner::new(config.clone()),
            clock: clock.clone(),
            wake: wake.clone(),
            status: status.clone(),
        };
        tasks.push(tokio::spawn(planner.run(events, stop_rx.clone())));
        let lang = config.platform.lang.unwrap_or(Lang::Zh);
        for channel in &config.notify.channels {
            let worker = Worker {
                channel: channel.clone(),
                outbox: trees.outbox.clone(),
                http: http.clone(),
                clock: clock.clone(),
                wake: wake.get(&channel.name).cloned().unwrap_or_default(),
                status: status.clone(),
                lang,
                window: config.notify.rules.digest_window,
                sent: VecDeque::new(),
            };
            tasks.push(tokio::spawn(worker.run(stop_rx.clone())));
        }
        status.publish();
        Notifier { stop, tasks, wake }
    }

    /// Makes every worker look at its queue now (after the clock moved, in tests; or on demand).
    pub fn kick(&self) {
        for w in self.wake.values() {
            w.notify_one();
        }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

struct PlannerTask {
    trees: Trees,
    planner: Planner,
    clock: SharedClock,
    wake: Arc<BTreeMap<String, Arc<Notify>>>,
    status: Arc<StatusBoard>,
}

impl PlannerTask {
    async fn run(self, mut events: broadcast::Receiver<DomainEvent>, mut stop: watch::Receiver<bool>) {
        // First run on this store: start from now, not from the store's whole history.
        match self.trees.outbox.cursor() {
            Ok(Some(_)) => {}
            Ok(None) => {
                let now = self.clock.now();
                self.save(Vec::new(), Some(self.trees.head), now);
            }
            Err(e) => self.status.planner_error(&e),
        }
        let now = self.clock.now();
        if let Err(e) = self.trees.outbox.prune(now - KEEP_FINISHED) {
            self.status.planner_error(&e);
        }
        self.catch_up();
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                event = events.recv() => match event {
                    Ok(DomainEvent::Recorded(_)) => self.catch_up(),
                    Ok(fact) => {
                        let now = self.clock.now();
                        let planned = self.planner.fact(&fact, now);
                        self.save(vec![(fact.key(), planned)], None, now);
                    }
                    // The durable events are in the audit log: read them from where planning stopped.
                    Err(broadcast::error::RecvError::Lagged(_)) => self.catch_up(),
                    Err(broadcast::error::RecvError::Closed) => break,
                },
            }
        }
    }

    /// Plans every audit event after the cursor, in order, in batches.
    fn catch_up(&self) {
        loop {
            let cursor = match self.trees.outbox.cursor() {
                Ok(c) => c.unwrap_or(self.trees.head),
                Err(e) => return self.status.planner_error(&e),
            };
            let batch = match self.read_events(cursor, 256) {
                Ok(b) => b,
                Err(e) => return self.status.planner_error(&e),
            };
            let Some(last) = batch.last().map(|e| e.seq) else {
                return;
            };
            let facts = batch
                .iter()
                .map(|event| {
                    let incident = self.incident_of(event);
                    (
                        format!("audit:{}", event.seq),
                        self.planner.recorded(event, incident.as_ref()),
                    )
                })
                .collect();
            self.save(facts, Some(last), self.clock.now());
        }
    }

    fn read_events(&self, after: u64, limit: usize) -> Result<Vec<AuditEvent>, StoreError> {
        let mut out = Vec::new();
        for item in self.trees.events.range((after + 1).to_be_bytes()..).take(limit) {
            let (_, v) = item?;
            let event: AuditEvent = serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt {
                tree: "events",
                key: (after + 1).to_string(),
                reason: e.to_string(),
            })?;
            out.push(event);
        }
        Ok(out)
    }

    fn incident_of(&self, event: &AuditEvent) -> Option<Incident> {
        if !event.action.starts_with("incident.") {
            return None;
        }
        let id: IncidentId = event.target.parse().ok()?;
        let bytes = self.trees.incidents.get(id.key()).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    fn save(&self, facts: Vec<(String, Vec<Planned>)>, cursor: Option<u64>, now: DateTime<Utc>) {
        match self.trees.outbox.plan(facts, cursor, now) {
            Ok(made) => {
                for entry in &made {
                    if entry.state == Delivery::Queued
                        && let Some(w) = self.wake.get(&entry.channel)
                    {
                        w.notify_one();
                    }
                }
                if !made.is_empty() {
                    self.status.refresh_counts();
                }
            }
            Err(e) => self.status.planner_error(&e),
        }
    }
}
