//! 交接班: the record that one engineer handed the watch to another.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Actor;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverRecord {
    pub at: DateTime<Utc>,
    /// The outgoing engineer.
    pub from: Actor,
    /// The incoming engineer.
    pub to: String,
    #[serde(default)]
    pub notes: Option<String>,
    /// Start of the period the handover summary covered.
    pub since: DateTime<Utc>,
    /// Incidents still open when the watch changed hands.
    #[serde(default)]
    pub open: Vec<String>,
    /// The audit chain head (sequence:hash) when this was made: `watchdesk audit verify --expect` it later to
    /// prove the log was not cut back or rewritten since.
    #[serde(default)]
    pub audit_head: Option<crate::store::AuditHead>,
}

impl HandoverRecord {
    /// Keys sort by time, so the last key is the last handover.
    pub fn key(at: DateTime<Utc>) -> [u8; 8] {
        ((at.timestamp_millis() as u64) ^ (1 << 63)).to_be_bytes()
    }
}
