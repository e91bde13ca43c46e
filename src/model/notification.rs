//! A notification: what happened (`EventKind`), the message every channel receives, and the outbox entry
//! that records how its delivery to one channel went.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::Severity;

/// What happened, as the rules and channels name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An incident was opened, by a check or by hand (or a restored service failed again).
    Opened,
    /// A deadline is about to pass.
    DueSoon,
    /// A deadline passed.
    Late,
    /// The service is back; the recover clock stopped.
    Restored,
    Acknowledged,
    Resolved,
    /// A host gauge stayed over its critical threshold.
    HostCritical,
    /// A backup (`file`) check failed.
    BackupFailing,
    /// The daily record (日台账) is missing at the reminder hour.
    DailyMissing,
    /// This month's on-site inspection (每月现场巡检) is not recorded.
    MonthlyMissing,
    /// A critical incident is still unacknowledged.
    Renotify,
    /// Still unacknowledged after the escalation delay: sent to the escalation channels.
    Escalate,
    /// `watchdesk notify test`.
    Test,
}

impl EventKind {
    /// Every kind a rule can name (the test message is not one).
    pub const RULES: [EventKind; 12] = [
        EventKind::Opened,
        EventKind::DueSoon,
        EventKind::Late,
        EventKind::Restored,
        EventKind::Acknowledged,
        EventKind::Resolved,
        EventKind::HostCritical,
        EventKind::BackupFailing,
        EventKind::DailyMissing,
        EventKind::MonthlyMissing,
        EventKind::Renotify,
        EventKind::Escalate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::DueSoon => "due_soon",
            EventKind::Late => "late",
            EventKind::Restored => "restored",
            EventKind::Acknowledged => "acknowledged",
            EventKind::Resolved => "resolved",
            EventKind::HostCritical => "host_critical",
            EventKind::BackupFailing => "backup_failing",
            EventKind::DailyMissing => "daily_missing",
            EventKind::MonthlyMissing => "monthly_missing",
            EventKind::Renotify => "renotify",
            EventKind::Escalate => "escalate",
            EventKind::Test => "test",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::RULES.into_iter().find(|k| k.as_str() == text)
    }

    pub fn accepted() -> String {
        EventKind::RULES.map(|k| k.as_str()).join(", ")
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Stable across retries and restarts: a receiver that sees it twice has seen one notification.
    pub key: String,
    pub event: EventKind,
    /// One line: what happened, to what.
    pub title: String,
    /// The lines below the title (plain text; channels that take Markdown get it as such).
    pub lines: Vec<String>,
    pub severity: Option<Severity>,
    /// The incident it is about (`2026-0001`), if any.
    pub incident: Option<String>,
    pub subsystem: Option<String>,
    /// When the event happened.
    pub at: DateTime<Utc>,
    /// Mention the channel's contacts (@mobiles) for this one: a critical that needs a person now.
    pub urgent: bool,
    /// Several messages gathered into one: their keys (for a receiver that deduplicates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digest_of: Vec<String>,
}

impl Message {
    /// The text for channels that take Markdown (DingTalk, WeCom, Feishu post).
    pub fn markdown(&self) -> String {
        let mut out = format!("### {}\n", self.title);
        for line in &self.lines {
            out.push_str("\n- ");
            out.push_str(line);
        }
        out.push('\n');
        out
    }

    /// The text for plain channels (mail body, SMS gateways).
    pub fn plain(&self) -> String {
        let mut out = self.title.clone();
        for line in &self.lines {
            out.push_str("\n  ");
            out.push_str(line);
        }
        out
    }
}

/// One message for one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: u64,
    pub channel: String,
    pub message: Message,
    pub created_at: DateTime<Utc>,
    pub state: Delivery,
    pub attempts: u32,
    /// Not before this time (backoff, throttling).
    pub next_at: DateTime<Utc>,
    #[serde(default)]
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Delivery {
    Queued,
    /// Accepted by the vendor (`in_digest`: as part of the digest message with that key).
    Sent {
        at: DateTime<Utc>,
        answer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_digest: Option<String>,
    },
    /// Refused for good, or out of retries.
    Failed {
        at: DateTime<Utc>,
        reason: String,
    },
    /// Not sent: silenced by a maintenance window.
    Suppressed {
        reason: String,
    },
}

impl Delivery {
    pub fn as_str(&self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Sent { .. } => "sent",
            Delivery::Failed { .. } => "failed",
            Delivery::Suppressed { .. } => "suppressed",
        }
    }
}
