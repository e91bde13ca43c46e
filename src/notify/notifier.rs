//! The notifier's tasks: one planner that turns the engine's events into outbox entries, and one worker per
//! channel that sends them, within the channel's rate, gathering bursts into digests and retrying with
//! backoff. It runs in the process that owns the store (the daemon, or a dashboard without one), so only one
//! process ever sends.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast, watch};
use tokio::task::JoinHandle;

use super::outbox::{Outbox, Planned};
use super::rules::{Planner, digest};
use super::{Message, SendError, channel};
use crate::clock::SharedClock;
use crate::config::{Channel, Config, Lang};
use crate::engine::{ChannelStatus, DeliveryStatus, DomainEvent, EngineHandle};
use crate::model::{Delivery, Entry};
use crate::model::{Incident, IncidentId};
use crate::store::{AuditEvent, Store, StoreError, TreeName};

/// How long a notification is retried before it is given up.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);
/// The first retry waits this long, then twice as long each time, up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(300);
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
        let http = reqwest::Client::builder()
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

struct Worker {
    channel: Channel,
    outbox: Outbox,
    http: reqwest::Client,
    clock: SharedClock,
    wake: Arc<Notify>,
    status: Arc<StatusBoard>,
    lang: Lang,
    window: Duration,
    /// When this channel sent in the last minute: the rate limit's memory.
    sent: VecDeque<DateTime<Utc>>,
}

impl Worker {
    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        if let Some(why) = self.channel.unavailable.clone() {
            // Its messages stay queued for a process that can send them (the daemon, with its secrets).
            self.status.channel_error(&self.channel.name, &why);
            let _ = stop.changed().await;
            return;
        }
        let now = self.clock.now();
        if let Ok(times) = self
            .outbox
            .sent_since(&self.channel.name, now - chrono::Duration::minutes(1))
        {
            let mut times = times;
            times.sort();
            self.sent = times.into();
        }
        // Whatever was queued before a restart goes out first.
        let mut next: Option<Duration> = Some(Duration::ZERO);
        loop {
            let sleep = next.unwrap_or(Duration::from_secs(3600));
            tokio::select! {
                _ = stop.changed() => return,
                _ = self.wake.notified() => {
                    // Gather what comes with it (a whole platform going down at once) into one message.
                    tokio::select! {
                        _ = stop.changed() => return,
                        _ = tokio::time::sleep(self.window) => {}
                    }
                }
                _ = tokio::time::sleep(sleep) => {}
            }
            next = self.pass().await;
        }
    }

    /// Sends what is due; answers how long until something else is.
    async fn pass(&mut self) -> Option<Duration> {
        let now = self.clock.now();
        let queued = match self.outbox.queued(&self.channel.name) {
            Ok(q) => q,
            Err(e) => {
                self.status.channel_error(&self.channel.name, &e.to_string());
                return Some(FIRST_BACKOFF);
            }
        };
        let (mut due, later): (Vec<Entry>, Vec<Entry>) = queued.into_iter().partition(|e| e.next_at <= now);
        let wait_for_later = later
            .iter()
            .map(|e| (e.next_at - now).to_std().unwrap_or_default())
            .min();
        if due.is_empty() {
            return wait_for_later;
        }
        // Too old to be worth sending: record it as given up, visibly.
        let (stale, fresh): (Vec<Entry>, Vec<Entry>) =
            due.drain(..).partition(|e| now - e.created_at > GIVE_UP_AFTER);
        if !stale.is_empty() {
            let given_up: Vec<Entry> = stale
                .into_iter()
                .map(|mut e| {
                    let reason = format!(
                        "gave up after {} attempts over 24 h: {}",
                        e.attempts,
                        e.last_error.clone().unwrap_or_default()
                    );
                    e.state = Delivery::Failed { at: now, reason };
                    tracing::error!(
                        channel = self.channel.name.as_str(),
                        key = e.message.key.as_str(),
                        attempts = e.attempts,
                        "notification given up on channel {}: {}",
                        self.channel.name,
                        e.message.key
                    );
                    e
                })
                .collect();
            self.save(&given_up);
        }
        let due = fresh;
        if due.is_empty() {
            return wait_for_later;
        }
        while self
            .sent
            .front()
            .is_some_and(|t| now - *t >= chrono::Duration::minutes(1))
        {
            self.sent.pop_front();
        }
        if self.sent.len() as u32 >= self.channel.per_minute {
            let oldest = self.sent.front().copied().unwrap_or(now);
            let free_at = (oldest + chrono::Duration::minutes(1) - now)
                .to_std()
                .unwrap_or_default();
            return Some(free_at.max(Duration::from_millis(100)));
        }
        let message = if due.len() == 1 {
            due[0].message.clone()
        } else {
            let messages: Vec<&Message> = due.iter().map(|e| &e.message).collect();
            digest(&messages, self.lang, now)
        };
        let result = channel::send(&self.http, &self.channel, &message, now).await;
        let now = self.clock.now();
        let mut changed = due;
        match result {
            Ok(delivered) => {
                self.sent.push_back(now);
                let in_digest = (!message.digest_of.is_empty()).then(|| message.key.clone());
                for e in &mut changed {
                    e.attempts += 1;
                    e.last_error = None;
                    e.state = Delivery::Sent {
                        at: now,
                        answer: delivered.answer.clone(),
                        in_digest: in_digest.clone(),
                    };
                }
                self.status.channel_sent(&self.channel.name, now);
                tracing::info!(
                    channel = self.channel.name.as_str(),
                    kind = self.channel.spec.kind(),
                    key = message.key.as_str(),
                    entries = changed.len(),
                    "notification delivered on channel {}: {}",
                    self.channel.name,
                    message.key
                );
            }
            Err(error) => {
                let text = error.to_string();
                for e in &mut changed {
                    e.attempts += 1;
                    e.last_error = Some(text.clone());
                    match &error {
                        SendError::Rejected(reason) => {
                            e.state = Delivery::Failed {
                                at: now,
                                reason: reason.clone(),
                            }
                        }
                        SendError::Throttled { retry_after, .. } => {
                            let wait = retry_after
                                .unwrap_or_else(|| backoff(e.attempts))
                                .max(Duration::from_secs(1));
                            e.next_at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                        }
                        SendError::Transient(_) => {
                            e.next_at =
                                now + chrono::Duration::from_std(backoff(e.attempts)).unwrap_or_default();
                        }
                    }
                }
                self.status.channel_error(&self.channel.name, &text);
                tracing::warn!(
                    channel = self.channel.name.as_str(),
                    key = message.key.as_str(),
                    retry = !error.is_permanent(),
                    error = text.as_str(),
                    "notification not delivered on channel {}: {text}",
                    self.channel.name
                );
            }
        }
        self.save(&changed);
        let soonest = changed
            .iter()
            .filter(|e| e.state == Delivery::Queued)
            .map(|e| (e.next_at - now).to_std().unwrap_or_default())
            .chain(wait_for_later)
            .min();
        soonest.or(Some(Duration::from_secs(3600)))
    }

    fn save(&self, entries: &[Entry]) {
        if let Err(e) = self.outbox.update(entries) {
            self.status
                .channel_error(&self.channel.name, &format!("outbox not saved: {e}"));
        }
        self.status.refresh_counts();
    }
}

fn backoff(attempts: u32) -> Duration {
    let factor = 1u32 << attempts.saturating_sub(1).min(10);
    (FIRST_BACKOFF * factor).min(MAX_BACKOFF)
}

/// What the dashboard shows of deliveries, kept current by the tasks and pushed to the engine.
struct StatusBoard {
    engine: EngineHandle,
    outbox: Outbox,
    state: Mutex<DeliveryStatus>,
}

impl StatusBoard {
    fn new(engine: EngineHandle, config: &Config, outbox: &Outbox) -> StatusBoard {
        let channels = config
            .notify
            .channels
            .iter()
            .map(|c| ChannelStatus {
                name: c.name.clone(),
                kind: c.spec.kind().to_string(),
                ..ChannelStatus::default()
            })
            .collect();
        let board = StatusBoard {
            engine,
            outbox: outbox.clone(),
            state: Mutex::new(DeliveryStatus {
                active: !config.notify.channels.is_empty(),
                channels,
                queued: 0,
                failed: 0,
            }),
        };
        board.refresh_counts();
        board
    }

    fn with(&self, f: impl FnOnce(&mut DeliveryStatus)) {
        let snapshot = {
            let Ok(mut state) = self.state.lock() else { return };
            f(&mut state);
            state.clone()
        };
        self.engine.report_delivery(snapshot);
    }

    fn publish(&self) {
        self.with(|_| {});
    }

    fn refresh_counts(&self) {
        let counts = self.outbox.counts().ok();
        let failed = self.outbox.failed_recently().ok();
        self.with(|s| {
            if let Some(counts) = counts {
                s.queued = counts.queued;
                for c in &mut s.channels {
                    c.queued = counts.queued_by_channel.get(&c.name).copied().unwrap_or(0);
                }
            }
            if let Some(failed) = failed {
                s.failed = failed;
            }
        });
    }

    fn channel_sent(&self, name: &str, at: DateTime<Utc>) {
        self.with(|s| {
            if let Some(c) = s.channels.iter_mut().find(|c| c.name == name) {
                c.last_sent = Some(at);
                c.last_error = None;
                c.failures = 0;
            }
        });
    }

    fn channel_error(&self, name: &str, error: &str) {
        self.with(|s| {
            if let Some(c) = s.channels.iter_mut().find(|c| c.name == name) {
                c.last_error = Some(error.to_string());
                c.failures = c.failures.saturating_add(1);
            }
        });
    }

    fn planner_error(&self, error: &StoreError) {
        let text = format!("notifications not planned: {error}");
        self.with(|s| {
            for c in &mut s.channels {
                c.last_error = Some(text.clone());
            }
        });
    }
}
