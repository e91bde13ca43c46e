//! 交接班: what the outgoing engineer hands over — the open incidents with each deadline's time left, what
//! happened since the last handover (or the last 12 hours), the current health, hosts in warning, records still
//! missing and the outgoing engineer's notes. A struct for the screen; Markdown and JSON for the record.

mod gather;
mod render;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::engine::Health;
use crate::model::{Actor, DeadlineStatus, HandoverRecord, State, SubsystemDay};
use crate::policy::{Kind, Severity, Stage};

pub use gather::{HandoverRequest, summary};
pub use render::{json, markdown};

/// The period a summary covers starts at the last handover unless told otherwise.
pub const DEFAULT_PERIOD_HOURS: i64 = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverSummary {
    pub platform: String,
    pub timezone: Tz,
    pub generated_at: DateTime<Utc>,
    pub since: DateTime<Utc>,
    pub since_basis: SinceBasis,
    pub last_handover: Option<HandoverRecord>,
    /// Who is handing over (the person asking for the summary).
    pub outgoing: Actor,
    /// Every incident not yet resolved, the most urgent first.
    pub open: Vec<OpenItem>,
    /// What happened in the period, oldest first.
    pub events: Vec<PeriodEvent>,
    /// Live health of each subsystem; `None` when made without probes (the command line).
    pub health: Option<Vec<HealthLine>>,
    /// Availability and p95 of each subsystem over the period, from the probe history.
    pub period_availability: Vec<SubsystemDay>,
    /// Hosts over their warning threshold or unreachable; `None` when made without host readings.
    pub hosts_warning: Option<Vec<HostWarning>>,
    pub missing: MissingRecords,
    pub notes: Option<String>,
    /// The audit chain head (sequence:hash) when this was made: `watchdesk audit verify --expect` it later to
    /// prove the log was not cut back or rewritten since.
    #[serde(default)]
    pub audit_head: Option<crate::store::AuditHead>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SinceBasis {
    /// Asked for explicitly.
    Given,
    LastHandover,
    /// No handover recorded yet: the last 12 hours.
    Default,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenItem {
    pub id: String,
    pub kind: Kind,
    pub severity: Severity,
    pub title: String,
    pub subsystem: Option<String>,
    pub state: State,
    pub detected_at: DateTime<Utc>,
    pub deadlines: Vec<DeadlineStatus>,
    /// Already late on a deadline (a fault is charged once).
    pub breached: bool,
    /// Points the score loses if the next deadline passes.
    pub at_risk: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodEvent {
    /// When it happened (for a missed deadline: when it fell due).
    pub at: DateTime<Utc>,
    /// Logged well after it happened.
    pub backdated: bool,
    /// Incident id, or the record's key (a date, a quarter).
    pub target: String,
    pub title: String,
    pub what: EventKind,
    /// `None` for what no one did (a deadline passing).
    pub actor: Option<Actor>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    Opened {
        severity: Severity,
    },
    Acknowledged,
    Planned,
    Resolved,
    Restored,
    FailedAgain,
    Note,
    Reclassified,
    DeadlineMissed {
        stage: Stage,
    },
    /// A record was saved: `daily.save`, `monthly.save`, `score.set`, ...
    Record {
        action: String,
    },
}

impl EventKind {
    pub fn words(&self) -> String {
        match self {
            EventKind::Opened { severity } => format!("opened ({severity})"),
            EventKind::Acknowledged => "acknowledged".into(),
            EventKind::Planned => "plan submitted".into(),
            EventKind::Resolved => "resolved".into(),
            EventKind::Restored => "service restored".into(),
            EventKind::FailedAgain => "failed again".into(),
            EventKind::Note => "note".into(),
            EventKind::Reclassified => "reclassified".into(),
            EventKind::DeadlineMissed { stage } => format!("MISSED {} deadline", stage.as_str()),
            EventKind::Record { action } => match action.as_str() {
                "daily.save" => "daily record saved".into(),
                "monthly.save" => "monthly inspection saved".into(),
                "handover.record" => "handover recorded".into(),
                "score.set" => "score item entered".into(),
                "report.advice" => "quarterly advice entered".into(),
                "report.quarterly" => "quarterly report produced".into(),
                other => other.to_string(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthLine {
    pub id: String,
    pub name: String,
    pub health: Health,
    pub latency_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    pub availability_today: Option<f64>,
    pub blocked_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostWarning {
    pub host: String,
    /// `warning`, `critical` or `unreachable`.
    pub level: String,
    /// e.g. `disk / 86.0 %`.
    pub detail: String,
    /// Why an unreachable host could not be read, for a screen to word in its own language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<crate::hosts::HostReason>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MissingRecords {
    /// Today's daily record is not saved yet.
    pub daily_today: bool,
    /// Earlier days of the period without a daily record.
    pub daily_days: Vec<NaiveDate>,
    /// This month has no on-site inspection record.
    pub monthly: bool,
}
