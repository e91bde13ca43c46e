//! What an incident records about what happened: the lifecycle steps, the archived resolution, the source
//! that opened it automatically and the timeline every action appends to. Plain data; the rules that write it
//! live in `lifecycle`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Actor;
use crate::policy::Severity;

/// One step of the lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// When it happened (may be in the past, e.g. answered by phone and logged later).
    pub at: DateTime<Utc>,
    /// When watchdesk recorded it.
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
}

impl Step {
    /// Logged more than a minute after it happened; reports flag these.
    pub fn is_backdated(&self) -> bool {
        self.recorded_at - self.at > Duration::minutes(1)
    }
}

/// 故障档案: what the contract wants archived for every fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    pub cause: String,
    pub process: String,
    #[serde(default)]
    pub solution: Option<String>,
}

/// What opened an incident automatically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum AutoSource {
    Subsystem {
        id: String,
        check: String,
        /// Opened because the check was degraded too long, not because it was down; a restart needs to
        /// know which fault it resumes.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        slow: bool,
    },
    Host {
        name: String,
        gauge: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
    #[serde(flatten)]
    pub kind: TimelineKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TimelineKind {
    Opened,
    Acknowledged {
        #[serde(default)]
        note: Option<String>,
        #[serde(default)]
        due: Option<DateTime<Utc>>,
    },
    Planned {
        text: String,
    },
    Resolved(Resolution),
    Note {
        text: String,
    },
    Reclassified {
        from: Severity,
        to: Severity,
        reason: String,
    },
    /// The check that opened it recovered: the recover clock stops here.
    Restored,
    /// The fault came back after a restoration.
    Failed {
        detail: String,
    },
}
