//! The engine: one task that owns the store and all live state. Commands come in with their actor and a reply
//! channel; a fresh `Arc<Snapshot>` goes out on a `watch` channel after every change. No lock guards domain
//! state: only this task touches it.

mod command;
pub mod delta;
mod durable;
mod events;
mod handle;
mod incidents;
mod intake;
mod long_read;
mod monitor;
mod observe;
mod open_set;
mod records;
mod snapshot;
mod turns;
mod upkeep;
mod view;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

pub use command::{Command, EngineError, Reply, Request};
pub use events::{DomainEvent, EVENT_BUFFER};
pub use handle::EngineHandle;
pub use intake::{IntakeReport, Signal};
pub use records::{CHUNK, ContractCommand, ContractReply, RecordsCommand, RecordsReply, ReportSink};
pub use snapshot::{
    ChannelStatus, CheckView, DeliveryStatus, Health, HostView, LastProbe, Mode, RecordsStatus, ScoreSummary,
    Snapshot, SubsystemView,
};
pub use turns::{SYNC_TURN, Turn, Turns};
pub use upkeep::{StoreCommand, StoreReply, audit_reply};

use crate::clock::SharedClock;
use crate::config::Config;
use crate::health::HealthTracker;
use crate::history;
use crate::hosts::HostSample;
use crate::hosts::alarm::HostAlarms;
use crate::model::Incident;
use crate::policy::Policy;
use crate::probe::ProbeResult;
use crate::store::{Store, StoreError};

/// How often the engine re-evaluates time-driven state (timers, reminders) when nothing else happens.
const TICK: Duration = Duration::from_secs(1);

pub(crate) struct Engine {
    store: Store,
    config: Arc<Config>,
    policy: Arc<Policy>,
    clock: SharedClock,
    mode: Mode,
    open: open_set::OpenSet,
    recently_resolved: Vec<Arc<Incident>>,
    health: HealthTracker,
    history: history::Accumulator,
    hosts: HashMap<String, HostSample>,
    host_alarms: HashMap<String, HostAlarms>,
    engine_error: Option<String>,
    /// `engine_error` says that writes to the store are failing; the next successful write clears it.
    store_failing: bool,
    /// The local day whose end is logged with the audit chain head.
    audit_day: chrono::NaiveDate,
    records: records::RecordsCache,
    dirty: bool,
    snapshots: watch::Sender<Arc<Snapshot>>,
    /// The event stream: durable changes and time-driven facts.
    events: broadcast::Sender<DomainEvent>,
    announced: events::Announced,
    /// What the notifier reports of its deliveries, shown in the snapshot.
    delivery: watch::Receiver<DeliveryStatus>,
    /// Started for one command of the command line: nobody watches its snapshots, so it neither loads the open
    /// set nor computes the score; a command costs what it changes.
    one_off: bool,
    /// The open incident of each alert the intake received.
    alerts: intake::AlertIndex,
    /// Long reads running off the engine task; waited for at shutdown, so the store is let go only after them.
    reads: Vec<tokio::task::JoinHandle<()>>,
    /// Commands whose long read is done, back to be finished on the engine task.
    finishing: (
        mpsc::UnboundedSender<long_read::Finishing>,
        mpsc::UnboundedReceiver<long_read::Finishing>,
    ),
    /// How long each turn of the loop took, by kind (read through the handle).
    turns: Turns,
    /// Writes applied but not yet durable, and what waits for them.
    durability: durable::Durability,
}

/// Starts the engine task on the current tokio runtime. It owns `store` from now on.
pub fn spawn(
    store: Store,
    config: Config,
    clock: SharedClock,
    mode: Mode,
) -> Result<EngineHandle, StoreError> {
    start(Engine::new(store, config, clock, mode, false)?)
}

/// Starts an engine for commands only (the command line without a daemon): the same commands, audit and
/// durability, but its snapshots show no open incidents and no score, and starting it reads neither.
pub fn spawn_one_off(store: Store, config: Config, clock: SharedClock) -> Result<EngineHandle, StoreError> {
    start(Engine::new(store, config, clock, Mode::Embedded, true)?)
}

fn start(engine: Engine) -> Result<EngineHandle, StoreError> {
    let snapshot = Arc::new(engine.build_snapshot());
    let (snap_tx, snap_rx) = watch::channel(snapshot);
    let (req_tx, req_rx) = mpsc::channel(64);
    let (probe_tx, probe_rx) = mpsc::channel(1024);
    let (host_tx, host_rx) = mpsc::channel(64);
    let (stop_tx, stop_rx) = mpsc::channel(4);
    let (delivery_tx, delivery_rx) = watch::channel(DeliveryStatus::default());
    let events = engine.events.clone();
    let turns = engine.turns.clone();
    let engine = Engine {
        snapshots: snap_tx,
        delivery: delivery_rx,
        ..engine
    };
    tokio::spawn(engine.run(req_rx, probe_rx, host_rx, stop_rx));
    Ok(EngineHandle {
        requests: req_tx,
        probes: probe_tx,
        hosts: host_tx,
        shutdown: stop_tx,
        snapshots: snap_rx,
        events,
        delivery: Arc::new(delivery_tx),
        turns,
    })
}

impl Engine {
    fn new(
        store: Store,
        config: Config,
        clock: SharedClock,
        mode: Mode,
        one_off: bool,
    ) -> Result<Engine, StoreError> {
        let policy = Arc::new(config.policy.clone());
        let open = if one_off {
            Vec::new()
        } else {
            store.open_incidents()?
        };
        let alerts = intake::AlertIndex::of(open.iter());
        let open = open_set::OpenSet::new(policy.clone(), open);
        let (placeholder, _) = watch::channel(Arc::new(Snapshot::empty(
            config.platform.name.clone(),
            config.platform.timezone,
            mode,
            policy.clone(),
        )));
        let host_alarms = config
            .hosts
            .iter()
            .map(|h| (h.name.clone(), HostAlarms::new(h)))
            .collect();
        let health = HealthTracker::new(&config);
        let (events, _) = events::channel();
        let (_, delivery) = watch::channel(DeliveryStatus::default());
        let (syncer, turns) = (store.syncer(), Turns::default());
        let sync_turns = turns.clone();
        let sync = move || sync_turns.time(turns::SYNC_TURN, || syncer.sync());
        let durability = durable::Durability::new(Arc::new(sync), store.dir().to_path_buf());
        let mut engine = Engine {
            store,
            config: Arc::new(config),
            policy,
            clock,
            mode,
            open,
            recently_resolved: Vec::new(),
            health,
            history: history::Accumulator::default(),
            host_alarms,
            hosts: HashMap::new(),
            engine_error: None,
            store_failing: false,
            audit_day: chrono::NaiveDate::MIN,
            records: records::RecordsCache::default(),
            dirty: false,
            snapshots: placeholder,
            events,
            announced: events::Announced::default(),
            delivery,
            one_off,
            alerts,
            reads: Vec::new(),
            finishing: mpsc::unbounded_channel(),
            turns,
            durability,
        };
        // History older than the retention goes at start-up; a long-running daemon prunes again each day.
        let retention = engine.config.health.retention_days;
        if let Err(e) = history::prune(&engine.store, retention, engine.clock.now()) {
            engine.engine_error = Some(format!("history not pruned: {e}"));
        }
        engine.audit_day = engine.policy.calendar.local_day(engine.clock.now());
        if !one_off {
            engine.resume_faults();
            engine.refresh_records();
        }
        // What start-up wrote is durable already; from here on the loop waits for the disk off its task.
        engine.store.defer_sync();
        Ok(engine)
    }

    async fn run(
        mut self,
        mut requests: mpsc::Receiver<Request>,
        mut probes: mpsc::Receiver<ProbeResult>,
        mut hosts: mpsc::Receiver<HostSample>,
        mut stop: mpsc::Receiver<oneshot::Sender<()>>,
    ) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let turns = self.turns.clone();
        let done = loop {
            tokio::select! {
                biased;
                Some(done) = stop.recv() => break Some(done),
                (covers, result) = self.durability.finished() => turns.time("sync done", || {
                    self.synced(covers, result);
                }),
                Some(request) = requests.recv() => {
                    let Request { actor, command, reply, sink } = request;
                    turns.time(turns::of_command(&command), || {
                        let work = match sink {
                            Some(sink) => self.stream_report(&actor, command, sink),
                            None => self.execute(&actor, command),
                        };
                        self.dispatch(work, reply);
                    });
                }
                Some(back) = self.finishing.1.recv() => turns.time("long read finished", || {
                    let long_read::Finishing { finish, reply } = back;
                    let work = finish(&mut self);
                    self.dispatch(work, reply);
                }),
                Ok(()) = self.delivery.changed() => self.dirty = true,
                read = self.records.inputs.read_finished() => turns.time("score inputs read", || {
                    self.score_inputs_read(read);
                    self.publish();
                }),
                Some(result) = probes.recv() => turns.time("probe results", || {
                    self.observe_probe(result);
                    while let Ok(more) = probes.try_recv() {
                        self.observe_probe(more);
                    }
                    self.publish();
                }),
                Some(sample) = hosts.recv() => turns.time("host sample", || {
                    self.observe_host(sample);
                    self.publish();
                }),
                _ = tick.tick() => turns.time("tick", || {
                    self.on_tick();
                    // Facts about what is not durable yet wait for a later tick.
                    if !self.unsaved() {
                        self.announce_time();
                    }
                    self.publish();
                }),
                else => break None,
            }
        };
        // Answers waiting for the disk go out before the reads they may have started are waited for.
        self.settle().await;
        for read in std::mem::take(&mut self.reads) {
            let _ = read.await;
        }
        if let Some(read) = self.records.inputs.stop_reading() {
            let _ = read.await;
        }
        let pending = self.history.drain();
        if let Err(e) = history::write(&self.store, pending).and_then(|()| self.store.sync()) {
            tracing_error(&format!("final flush failed: {e}"));
        }
        drop(self);
        if let Some(done) = done {
            let _ = done.send(());
        }
    }

    fn note_result(&mut self, result: &Result<Reply, EngineError>) {
        match result {
            Err(EngineError::Store(e)) => self.store_failed(e),
            Ok(_) => self.store_recovered(),
            Err(_) => {}
        }
    }

    /// Shown on every dashboard until a write succeeds again: what failed, in a sentence, and that reads go on.
    fn store_failed(&mut self, e: &StoreError) {
        let text = e.to_string();
        let text = text.trim_end_matches('.');
        self.engine_error = Some(format!(
            "Saving to the store failed: {text}. Reads still work; every new action tries again."
        ));
        self.store_failing = true;
        self.dirty = true;
    }

    fn store_recovered(&mut self) {
        if self.store_failing {
            self.store_failing = false;
            self.engine_error = None;
            self.dirty = true;
        }
    }

    /// At each local day's end the chain head goes to the log, so a later cut or rollback can be shown with
    /// `watchdesk audit verify --expect` even if nobody saved a record that day.
    fn log_day_end(&mut self) {
        let today = self.policy.calendar.local_day(self.clock.now());
        if today != self.audit_day {
            let ended = self.audit_day;
            self.audit_day = today;
            eprintln!(
                "watchdesk: audit chain head at the end of {ended}: {} (check with `watchdesk audit verify --expect {}`)",
                self.store.chain_head(),
                self.store.chain_head()
            );
        }
    }

    fn on_tick(&mut self) {
        self.log_day_end();
        let events = self.health.tick(self.clock.now());
        if !events.is_empty() {
            self.apply_health(events);
            self.dirty = true;
        }
        if !self.one_off {
            self.refresh_records();
        }
    }

    /// Tells subscribers what changed, then screens what they show; once every write is durable (what is
    /// shown never runs ahead of the disk: `durable`).
    fn publish(&mut self) {
        if self.unsaved() {
            return;
        }
        self.announce();
        if !self.dirty {
            return;
        }
        self.dirty = false;
        let snapshot = Arc::new(self.build_snapshot());
        self.snapshots.send_replace(snapshot);
    }
}

fn tracing_error(message: &str) {
    eprintln!("watchdesk: {message} at {}", Utc::now().to_rfc3339());
}

#[cfg(test)]
mod tests;
