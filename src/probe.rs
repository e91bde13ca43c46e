//! Checks of the platform's subsystems: one file per kind, the scheduler, and `ProbeResult`, the only thing a
//! probe ever hands to the engine. A failed probe is data, never an error that ends a loop.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The result of one run of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// `Check::id`, e.g. `digital/http-1`.
    pub check_id: String,
    pub subsystem: String,
    pub started_at: DateTime<Utc>,
    #[serde(with = "millis")]
    pub latency: Duration,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    Up {
        /// Short detail, e.g. "HTTP 200" or "certificate valid 80 days".
        detail: String,
    },
    Degraded {
        reason: String,
    },
    Down {
        phase: Phase,
        reason: String,
    },
}

impl Outcome {
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Down { .. })
    }

    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Up { .. } => "up",
            Outcome::Degraded { .. } => "degraded",
            Outcome::Down { .. } => "down",
        }
    }

    /// The words an engineer reads in the detail column.
    pub fn detail(&self) -> String {
        match self {
            Outcome::Up { detail } => detail.clone(),
            Outcome::Degraded { reason } => reason.clone(),
            Outcome::Down { phase, reason } => format!("{phase}: {reason}"),
        }
    }
}

/// Which part of a check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The name did not resolve.
    Dns,
    /// The connection was refused or unreachable.
    Connect,
    /// The TLS handshake or certificate failed.
    Tls,
    /// No complete answer within the timeout.
    Timeout,
    /// An unexpected HTTP status (or too many redirects).
    Status,
    /// The body did not contain what was expected or could not be read.
    Body,
    /// The certificate expires too soon (tls checks).
    Certificate,
    /// No matching file, or it is too old or too small (file checks).
    File,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Dns => "DNS",
            Phase::Connect => "connect",
            Phase::Tls => "TLS",
            Phase::Timeout => "timeout",
            Phase::Status => "status",
            Phase::Body => "body",
            Phase::Certificate => "certificate",
            Phase::File => "file",
        })
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}
