//! An incident (故障 / 工单) and its lifecycle: `Open → Acknowledged → Planned → Resolved`, each step with its
//! actor, its effective time and the time it was recorded.
//!
//! This file holds the incident record itself and its state; the number lives in `id`, the recorded steps
//! and timeline in `timeline`, the rules for each action in `lifecycle` and the contract judgement
//! (deadlines, deduction) in `assessment`.

mod assessment;
mod id;
mod lifecycle;
mod timeline;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::{Kind, Severity};

pub use id::IncidentId;
pub use lifecycle::LifecycleError;
pub use timeline::{AutoSource, Origin, Resolution, Step, TimelineEntry, TimelineKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Acknowledged,
    Planned,
    Resolved,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Acknowledged => "acknowledged",
            State::Planned => "planned",
            State::Resolved => "resolved",
        }
    }
}

/// What is needed to open an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    pub kind: Kind,
    pub severity: Severity,
    pub title: String,
    pub subsystem: Option<String>,
    /// When the fault was detected or reported; defaults to now.
    pub detected_at: Option<DateTime<Utc>>,
    pub source: Option<AutoSource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub kind: Kind,
    pub severity: Severity,
    pub title: String,
    #[serde(default)]
    pub subsystem: Option<String>,
    #[serde(default)]
    pub source: Option<AutoSource>,
    pub detected_at: DateTime<Utc>,
    pub opened: Step,
    #[serde(default)]
    pub acknowledged: Option<Step>,
    /// Due time agreed at acknowledgement (minor faults).
    #[serde(default)]
    pub due: Option<DateTime<Utc>>,
    #[serde(default)]
    pub planned: Option<Step>,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub restored_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved: Option<Step>,
    #[serde(default)]
    pub resolution: Option<Resolution>,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
}

impl Incident {
    pub fn state(&self) -> State {
        if self.resolved.is_some() {
            State::Resolved
        } else if self.planned.is_some() {
            State::Planned
        } else if self.acknowledged.is_some() {
            State::Acknowledged
        } else {
            State::Open
        }
    }

    pub fn is_open(&self) -> bool {
        self.resolved.is_none()
    }
}

#[cfg(test)]
mod tests;
