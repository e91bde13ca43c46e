//! One notification as every channel receives it: already written, in the platform's language, with the key
//! that makes a redelivery recognisable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::EventKind;
use crate::policy::Severity;

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
