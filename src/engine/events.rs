//! The engine's outbound event stream: every durable change as the audit log recorded it, and the facts only
//! time brings (a deadline close or passed, an incident still unacknowledged, a record missing). Subscribers
//! (notifications, metrics, logs) read it from a `broadcast` channel; a slow one misses messages (it is told
//! how many) but never delays the engine, and the durable part can be read again from the audit log.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use tokio::sync::broadcast;

use super::Engine;
use crate::model::{DailyRecord, DeadlineState, Incident, MonthlyRecord};
use crate::policy::{Kind, Severity, Stage};
use crate::store::{AuditEvent, TreeName};

/// How many events a subscriber may fall behind before it is told it lagged.
pub const EVENT_BUFFER: usize = 1024;

/// Something that happened, for whoever listens.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainEvent {
    /// A change made durable, with its audit record (`seq`, action, actor, target, payload).
    Recorded(Arc<AuditEvent>),
    /// An open incident's deadline is `lead` away (or closer) and not met yet.
    DueSoon {
        incident: Arc<Incident>,
        stage: Stage,
        due: DateTime<Utc>,
        lead_secs: i64,
    },
    /// A deadline passed undone. `cost` is what it takes from the score now (0 when the fault already cost
    /// its deduction, or for tickets that are not faults).
    Late {
        incident: Arc<Incident>,
        stage: Stage,
        due: DateTime<Utc>,
        cost: f64,
    },
    /// Still unacknowledged after `round` renotify intervals.
    Unacknowledged { incident: Arc<Incident>, round: u32 },
    /// Still unacknowledged after the escalation delay.
    Escalate { incident: Arc<Incident> },
    /// Past the reminder hour and the day's record (日台账) is missing.
    DailyMissing { day: NaiveDate },
    /// Past the reminder day and the month's on-site inspection (每月现场巡检) is missing.
    MonthlyMissing { year: i32, month: u32 },
}

impl DomainEvent {
    /// Stable across restarts: the same fact always has the same key, so it is announced once.
    pub fn key(&self) -> String {
        match self {
            DomainEvent::Recorded(e) => format!("audit:{}", e.seq),
            DomainEvent::DueSoon {
                incident,
                stage,
                lead_secs,
                ..
            } => format!("due:{}:{}:{lead_secs}", incident.id, stage.as_str()),
            DomainEvent::Late { incident, stage, .. } => format!("late:{}:{}", incident.id, stage.as_str()),
            DomainEvent::Unacknowledged { incident, round } => format!("renotify:{}:{round}", incident.id),
            DomainEvent::Escalate { incident } => format!("escalate:{}", incident.id),
            DomainEvent::DailyMissing { day } => format!("daily-missing:{day}"),
            DomainEvent::MonthlyMissing { year, month } => format!("monthly-missing:{year}-{month:02}"),
        }
    }
}

/// The time-driven facts the engine has already announced in this run (a restart announces current facts
/// again; the notifier's outbox knows what it already sent).
#[derive(Debug, Default)]
pub(super) struct Announced {
    pub(super) keys: HashSet<String>,
}

impl Engine {
    /// Sends what the store made durable since the last call, then any time-driven fact that became true.
    pub(super) fn announce(&mut self) {
        for event in self.store.take_committed() {
            let _ = self.events.send(DomainEvent::Recorded(Arc::new(event)));
        }
    }

    /// The facts that time made true: called on every tick. Only the incidents whose moment has come (or that
    /// changed since the last look) are looked at; each is then put back for its next moment.
    pub(super) fn announce_time(&mut self) {
        // With nobody listening a fact is not spent: the first subscriber (the notifier, started right after
        // the engine) hears everything that is true when it arrives.
        if self.events.receiver_count() == 0 {
            return;
        }
        let now = self.clock.now();
        let mut facts = Vec::new();
        let mut said = Vec::new();
        let due = self.open.take_due(now);
        for incident in &due {
            self.incident_facts(incident, now, &mut facts, &mut said);
        }
        self.record_facts(now, &mut facts);
        self.announced.keys.extend(said);
        for fact in facts {
            if self.announced.keys.insert(fact.key()) {
                let _ = self.events.send(fact);
            }
        }
        for incident in &due {
            let next = self.next_to_say(incident, now);
            self.open.look_again(incident.id, next);
        }
    }

    /// The first moment after `now` at which [`Engine::incident_facts`] may find something new to say of
    /// `incident`, with what was said up to `now` announced: a reminder lead reached, a deadline passed, a
    /// renotify round begun, the escalation delay over. `None`: nothing more until the incident changes.
    fn next_to_say(&self, incident: &Incident, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let rules = &self.config.notify.rules;
        let mut moments = Vec::new();
        for deadline in incident.deadlines(&self.policy, now) {
            if !deadline.is_pending() {
                continue;
            }
            let leads = rules.leads.for_stage(deadline.stage).iter();
            moments.extend(
                leads
                    .filter_map(|l| Duration::from_std(*l).ok())
                    .map(|lead| deadline.due - lead),
            );
            // Late from the first instant past the due time.
            moments.push(deadline.due + Duration::nanoseconds(1));
        }
        // The first instant a fact of this moment could be said again is the next tick.
        let next_tick = now + Duration::nanoseconds(1);
        if incident.acknowledged.is_none() {
            let waiting = now - incident.detected_at;
            if let Some(every) = rules.renotify_every.and_then(|e| Duration::from_std(e).ok())
                && incident.severity <= rules.renotify_severity
                && every > Duration::zero()
            {
                let every = every.num_seconds().max(1);
                // Rounds count whole seconds since detection; before it (a detection a few seconds ahead of
                // this clock) every tick looks again.
                moments.push(match waiting.num_seconds() {
                    ..0 => next_tick,
                    secs => incident.detected_at + Duration::seconds((secs / every + 1) * every),
                });
            }
            if let Some(after) = rules.escalate_after.and_then(|a| Duration::from_std(a).ok())
                && incident.severity <= Severity::Major
                && !self.announced.keys.contains(&format!("escalate:{}", incident.id))
            {
                moments.push((incident.detected_at + after).max(next_tick));
            }
        }
        moments.into_iter().filter(|at| *at > now).min()
    }

    /// `said` gets the keys of facts that another fact of this moment already says.
    pub(super) fn incident_facts(
        &self,
        incident: &Incident,
        now: DateTime<Utc>,
        out: &mut Vec<DomainEvent>,
        said: &mut Vec<String>,
    ) {
        let rules = &self.config.notify.rules;
        let fresh = |key: &str| !self.announced.keys.contains(key);
        // Cloned only for a fact not said yet: most ticks say nothing about most incidents.
        let mut cached: Option<Arc<Incident>> = None;
        let mut shared = || cached.get_or_insert_with(|| Arc::new(incident.clone())).clone();
        let id = incident.id;
        let mut said_now = false;
        let mut breached_before = false;
        for deadline in incident.deadlines(&self.policy, now) {
            let stage = deadline.stage;
            match deadline.state {
                DeadlineState::Pending { left } => {
                    // Only the tightest lead that has been reached: one reminder per crossing.
                    let reached = rules
                        .leads
                        .for_stage(stage)
                        .iter()
                        .filter_map(|l| Duration::from_std(*l).ok())
                        .filter(|lead| left <= *lead)
                        .min();
                    if let Some(lead) = reached
                        && fresh(&format!("due:{id}:{}:{}", stage.as_str(), lead.num_seconds()))
                    {
                        said_now = true;
                        out.push(DomainEvent::DueSoon {
                            incident: shared(),
                            stage,
                            due: deadline.due,
                            lead_secs: lead.num_seconds(),
                        });
                    }
                }
                DeadlineState::Late { at: None, .. } => {
                    let cost = if incident.kind == Kind::Fault && !breached_before {
                        self.policy.deduction(incident.severity)
                    } else {
                        0.0
                    };
                    if fresh(&format!("late:{id}:{}", stage.as_str())) {
                        said_now = true;
                        out.push(DomainEvent::Late {
                            incident: shared(),
                            stage,
                            due: deadline.due,
                            cost,
                        });
                    }
                    breached_before = true;
                }
                DeadlineState::Late { at: Some(_), .. } => breached_before = true,
                DeadlineState::Met { .. } => {}
            }
        }
        if incident.acknowledged.is_some() {
            return;
        }
        let waiting = now - incident.detected_at;
        if let Some(every) = rules.renotify_every.and_then(|e| Duration::from_std(e).ok())
            && incident.severity <= rules.renotify_severity
            && every > Duration::zero()
        {
            let round = (waiting.num_seconds() / every.num_seconds().max(1)) as u32;
            let key = format!("renotify:{id}:{round}");
            if round >= 1 && fresh(&key) {
                // A reminder about the same incident in this same moment says it already.
                if said_now {
                    said.push(key);
                } else {
                    out.push(DomainEvent::Unacknowledged {
                        incident: shared(),
                        round,
                    });
                }
            }
        }
        if let Some(after) = rules.escalate_after.and_then(|a| Duration::from_std(a).ok())
            && waiting >= after
            && incident.severity <= Severity::Major
            && fresh(&format!("escalate:{id}"))
        {
            out.push(DomainEvent::Escalate { incident: shared() });
        }
    }

    pub(super) fn record_facts(&self, now: DateTime<Utc>, out: &mut Vec<DomainEvent>) {
        let rules = &self.config.notify.rules;
        let local = now.with_timezone(&self.policy.calendar.zone);
        let today = local.date_naive();
        if local.time() >= hour(rules.daily_missing_hour) {
            let key = format!("daily-missing:{today}");
            if !self.announced.keys.contains(&key)
                && !self
                    .store
                    .tree(TreeName::Daily)
                    .contains_key(DailyRecord::key(today))
                    .unwrap_or(true)
            {
                out.push(DomainEvent::DailyMissing { day: today });
            }
        }
        if today.day() >= rules.monthly_missing_day {
            let fact = DomainEvent::MonthlyMissing {
                year: today.year(),
                month: today.month(),
            };
            if !self.announced.keys.contains(&fact.key()) {
                let missing = self
                    .store
                    .tree(TreeName::Monthly)
                    .scan_prefix(MonthlyRecord::month_prefix(today))
                    .next()
                    .is_none();
                if missing {
                    out.push(fact);
                }
            }
        }
    }
}

fn hour(h: u32) -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(h.min(23), 0, 0).unwrap_or(chrono::NaiveTime::MIN)
}

/// A new subscriber's end of the stream.
pub fn channel() -> (broadcast::Sender<DomainEvent>, broadcast::Receiver<DomainEvent>) {
    broadcast::channel(EVENT_BUFFER)
}
