//! What an incident records about what happened: the lifecycle steps, the archived resolution, the source
//! that opened it automatically and the timeline every action appends to. Plain data; the rules that write it
//! live in `lifecycle`.

use std::collections::BTreeMap;

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
    /// Raised elsewhere and received by the HTTP intake: an Alertmanager alert (its fingerprint, labels and
    /// the URL of the rule that fired) or a generic event (its dedup key).
    Alert {
        origin: Origin,
        /// The deduplication key: one open incident per origin and key.
        key: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        labels: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        generator_url: Option<String>,
    },
}

impl AutoSource {
    /// The origin and deduplication key of an incident the intake opened.
    pub fn alert_key(&self) -> Option<(Origin, &str)> {
        match self {
            AutoSource::Alert { origin, key, .. } => Some((*origin, key)),
            _ => None,
        }
    }
}

/// Which intake an alert came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// `POST /api/v1/alertmanager`: Alertmanager's webhook.
    Alertmanager,
    /// `POST /api/v1/events`: scripts and other tools.
    Events,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Alertmanager => "alertmanager",
            Origin::Events => "events",
        }
    }
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
