//! What the dashboard shows of deliveries, kept by the notifier's tasks and pushed to the engine.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::engine::{ChannelStatus, DeliveryStatus, EngineHandle};
use crate::notify::outbox::Outbox;
use crate::store::StoreError;

/// What the dashboard shows of deliveries, kept current by the tasks and pushed to the engine.
pub(super) struct StatusBoard {
    engine: EngineHandle,
    outbox: Outbox,
    state: Mutex<DeliveryStatus>,
}

impl StatusBoard {
    pub(super) fn new(engine: EngineHandle, config: &Config, outbox: &Outbox) -> StatusBoard {
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

    pub(super) fn with(&self, f: impl FnOnce(&mut DeliveryStatus)) {
        let snapshot = {
            let Ok(mut state) = self.state.lock() else { return };
            f(&mut state);
            state.clone()
        };
        self.engine.report_delivery(snapshot);
    }

    pub(super) fn publish(&self) {
        self.with(|_| {});
    }

    pub(super) fn refresh_counts(&self) {
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

    pub(super) fn channel_sent(&self, name: &str, at: DateTime<Utc>) {
        self.with(|s| {
            if let Some(c) = s.channels.iter_mut().find(|c| c.name == name) {
                c.last_sent = Some(at);
                c.last_error = None;
                c.failures = 0;
            }
        });
    }

    pub(super) fn channel_error(&self, name: &str, error: &str) {
        self.with(|s| {
            if let Some(c) = s.channels.iter_mut().find(|c| c.name == name) {
                c.last_error = Some(error.to_string());
                c.failures = c.failures.saturating_add(1);
            }
        });
    }

    pub(super) fn planner_error(&self, error: &StoreError) {
        let text = format!("notifications not planned: {error}");
        self.with(|s| {
            for c in &mut s.channels {
                c.last_error = Some(text.clone());
            }
        });
    }
}
