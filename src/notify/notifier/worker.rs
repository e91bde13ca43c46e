//! One channel's sender: what is due goes out within the channel's rate, a burst as one digest, and a
//! failure is retried with backoff until it is given up.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, watch};

use super::StatusBoard;
use crate::clock::SharedClock;
use crate::config::{Channel, Lang};
use crate::model::{Delivery, Entry};
use crate::notify::outbox::Outbox;
use crate::notify::rules::digest;
use crate::notify::{Message, SendError, channel};

/// How long a notification is retried before it is given up.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);
/// The first retry waits this long, then twice as long each time, up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(300);

pub(super) struct Worker {
    pub(super) channel: Channel,
    pub(super) outbox: Outbox,
    pub(super) http: reqwest::Client,
    pub(super) clock: SharedClock,
    pub(super) wake: Arc<Notify>,
    pub(super) status: Arc<StatusBoard>,
    pub(super) lang: Lang,
    pub(super) window: Duration,
    /// When this channel sent in the last minute: the rate limit's memory.
    pub(super) sent: VecDeque<DateTime<Utc>>,
}

impl Worker {
    pub(super) async fn run(mut self, mut stop: watch::Receiver<bool>) {
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
