//! What the engine publishes after every change: everything a screen needs, nothing it must ask for.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::hosts::HostReading;
use crate::model::Incident;
use crate::policy::Policy;
use crate::probe::Outcome;

/// How watchdesk is running, shown in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// TUI and engine in one process.
    Embedded,
    /// The simulated platform on loopback, with its own throw-away store.
    Demo,
    /// A TUI attached to `watchdesk serve`.
    Attached,
}

/// The state of a check or a subsystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Unknown,
    Up,
    Maintenance,
    Degraded,
    /// A subsystem it depends on is down: it opens no incident of its own.
    Blocked,
    Down,
}

impl Health {
    pub const ALL: [Health; 6] = [
        Health::Unknown,
        Health::Up,
        Health::Maintenance,
        Health::Degraded,
        Health::Blocked,
        Health::Down,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Health::Unknown => "unknown",
            Health::Up => "up",
            Health::Maintenance => "maintenance",
            Health::Degraded => "degraded",
            Health::Blocked => "blocked",
            Health::Down => "down",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub target: String,
    pub health: Health,
    pub last: Option<LastProbe>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastProbe {
    pub at: DateTime<Utc>,
    pub latency_ms: u64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsystemView {
    pub id: String,
    pub name: String,
    /// The worst of its checks, or blocked / maintenance.
    pub health: Health,
    pub checks: Vec<CheckView>,
    pub latency_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    /// Share of today's probes that were up (0..=1), maintenance left out.
    pub availability_today: Option<f64>,
    /// Recent latencies in ms, oldest first (failures as 0).
    pub sparkline: Vec<u64>,
    /// Name of the subsystem it waits on, when blocked.
    pub blocked_by: Option<String>,
    pub in_maintenance: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostView {
    pub name: String,
    pub at: Option<DateTime<Utc>>,
    /// `None` before the first reading.
    pub reading: Option<HostReading>,
    pub warn_pct: f64,
    pub critical_pct: f64,
}

/// Reminders about the records the contract asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordsStatus {
    /// Past the reminder hour and today's daily record (日台账) is missing.
    pub daily_missing: bool,
    /// This month has no on-site inspection record.
    pub monthly_missing: bool,
}

/// The live projection of this quarter's assessment score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreSummary {
    pub quarter: String,
    pub total: f64,
    /// Points lost so far to late faults (of the 15).
    pub fault_deductions: f64,
    /// Percent of the quarter's fee the total earns.
    pub fee_pct: f64,
    /// Below 60: the client may refuse the rest and cancel.
    pub may_cancel: bool,
    /// The contract's table, item by item.
    pub lines: Vec<crate::report::score::ScoreLine>,
    /// Faults that cost points, with their deduction: the newest 50 at most (the score page lists them all).
    pub faults: Vec<crate::report::score::FaultCost>,
    /// How many faults cost points.
    #[serde(default)]
    pub faults_count: usize,
    /// Hand-graded items not entered yet (counted as full marks).
    pub not_entered: Vec<crate::model::HandItem>,
    /// Mean of this quarter and the other one of its half year, when both have records.
    pub half_year_mean: Option<f64>,
}

/// How notifications are getting out: one row per channel, and the outbox's totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryStatus {
    /// No notifier runs in the process that owns the store (a one-off command), or none is configured.
    pub active: bool,
    pub channels: Vec<ChannelStatus>,
    /// Waiting to be sent (including retries).
    pub queued: u64,
    /// Given up on: the vendor refused them, or retries ran out.
    pub failed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelStatus {
    pub name: String,
    pub kind: String,
    pub last_sent: Option<DateTime<Utc>>,
    /// The last failure, in the vendor's words made plain; cleared by the next success.
    pub last_error: Option<String>,
    /// Failed attempts since the last success.
    pub failures: u32,
    pub queued: u64,
}

/// Filled in by the receiver of a snapshot from elsewhere (see `daemon::client`).
fn utc() -> Tz {
    chrono_tz::UTC
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub generated_at: DateTime<Utc>,
    pub platform: String,
    #[serde(skip, default = "utc")]
    pub timezone: Tz,
    pub mode: Mode,
    #[serde(skip)]
    pub policy: Arc<Policy>,
    pub subsystems: Vec<SubsystemView>,
    pub hosts: Vec<HostView>,
    /// Every incident not yet resolved, next deadline first: shared by the snapshots between two changes.
    pub open_incidents: Arc<[Arc<Incident>]>,
    /// Resolved in the last 24 hours, newest first.
    pub recently_resolved: Vec<Arc<Incident>>,
    pub records: RecordsStatus,
    pub score: Option<ScoreSummary>,
    /// The last thing that went wrong inside the engine (a failed write), for the status line.
    pub engine_error: Option<String>,
    /// Notification delivery, for the header and the notifications page.
    #[serde(default)]
    pub delivery: DeliveryStatus,
    /// Length of the audit chain (the last event's sequence number).
    #[serde(default)]
    pub audit_events: u64,
}

impl Snapshot {
    pub fn empty(platform: String, timezone: Tz, mode: Mode, policy: Arc<Policy>) -> Snapshot {
        Snapshot {
            generated_at: DateTime::<Utc>::MIN_UTC,
            platform,
            timezone,
            mode,
            policy,
            subsystems: Vec::new(),
            hosts: Vec::new(),
            open_incidents: Arc::new([]),
            recently_resolved: Vec::new(),
            records: RecordsStatus::default(),
            score: None,
            engine_error: None,
            delivery: DeliveryStatus::default(),
            audit_events: 0,
        }
    }
}
