//! Checks of the platform's subsystems: one file per kind, the scheduler, and `ProbeResult`, the only thing a
//! probe ever hands to the engine. A failed probe is data, never an error that ends a loop.

mod file;
pub mod http;
pub mod reason;
pub mod scheduler;
mod tcp;
mod tls;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::config::{Check, CheckSpec};
pub use reason::{Reason, TlsHint, Waiting};

/// Past its own timeout a probe gets this much longer before `run` gives up on it: each kind enforces the
/// timeout itself with a precise message, this is only the backstop.
const TIMEOUT_MARGIN: Duration = Duration::from_millis(250);

/// Runs one check once. Always returns within `check.timeout` plus a small margin, and a failure is an
/// `Outcome::Down`, never an error: the scheduler's loop must not end because a server misbehaved.
///
/// `subsystem` is taken from the check id (`subsystem-id/name`); the scheduler overwrites it with the id it
/// was given.
pub async fn run(check: &Check) -> ProbeResult {
    let started_at = Utc::now();
    let budget = Budget::starting_now(check.timeout);
    let probe = async {
        match &check.spec {
            CheckSpec::Http(spec) => http::run(spec, budget).await,
            CheckSpec::Tcp { address } => tcp::run(address, budget).await,
            CheckSpec::Tls {
                address,
                warn_days,
                critical_days,
            } => tls::run(address, *warn_days, *critical_days, budget).await,
            CheckSpec::File {
                pattern,
                max_age,
                min_size,
            } => file::run(pattern, *max_age, *min_size, budget).await,
        }
    };
    let outcome = tokio::time::timeout_at(budget.deadline + TIMEOUT_MARGIN, probe)
        .await
        .unwrap_or_else(|_| budget.timed_out(Waiting::NoAnswer));
    // Errors quote the URL: no password or token goes on to incidents, snapshots and reports.
    let outcome = outcome.redacted(&crate::redact::of_check(&check.spec));
    ProbeResult {
        check_id: check.id.clone(),
        subsystem: subsystem_of(&check.id).to_string(),
        started_at,
        latency: budget.start.elapsed(),
        outcome,
    }
}

/// `digital/http-1` → `digital`.
fn subsystem_of(check_id: &str) -> &str {
    check_id
        .split_once('/')
        .map_or(check_id, |(subsystem, _)| subsystem)
}

/// The time one probe may take: every step of a kind waits until `deadline` at most.
#[derive(Debug, Clone, Copy)]
struct Budget {
    start: Instant,
    deadline: Instant,
    timeout: Duration,
}

impl Budget {
    fn starting_now(timeout: Duration) -> Budget {
        let start = Instant::now();
        Budget {
            start,
            deadline: start + timeout,
            timeout,
        }
    }

    /// `Down(Timeout)` with what had not happened by the deadline, e.g. "no response within 10s".
    fn timed_out(&self, waiting: Waiting) -> Outcome {
        down(
            Phase::Timeout,
            Reason::TimedOut {
                waiting,
                within: humantime::format_duration(self.timeout).to_string(),
            },
        )
    }
}

fn down(phase: Phase, reason: impl Into<Reason>) -> Outcome {
    Outcome::Down {
        phase,
        reason: reason.into(),
    }
}

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

/// Written with the English words where they always were (`detail`, `reason`) and the finding itself beside
/// them (`why`), so readers of `watchdesk check --json` see what they saw before and a dashboard attached to
/// a daemon can word it in its own language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "wire::Outcome", from = "wire::Outcome")]
pub enum Outcome {
    Up {
        /// Short detail, e.g. "HTTP 200" or "certificate valid 80 days".
        detail: Reason,
    },
    Degraded {
        reason: Reason,
    },
    Down {
        phase: Phase,
        reason: Reason,
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

    /// The same outcome with every secret of `redactions` masked in its words.
    pub fn redacted(self, redactions: &crate::redact::Redactions) -> Outcome {
        if redactions.is_empty() {
            return self;
        }
        let mask = |text: &str| redactions.apply(text);
        match self {
            Outcome::Up { detail } => Outcome::Up {
                detail: detail.map_text(&mask),
            },
            Outcome::Degraded { reason } => Outcome::Degraded {
                reason: reason.map_text(&mask),
            },
            Outcome::Down { phase, reason } => Outcome::Down {
                phase,
                reason: reason.map_text(&mask),
            },
        }
    }

    /// What the probe found.
    pub fn reason(&self) -> &Reason {
        match self {
            Outcome::Up { detail } => detail,
            Outcome::Degraded { reason } | Outcome::Down { reason, .. } => reason,
        }
    }

    /// The words of the detail column in `lang`: what the dashboard shows, and automatic incident titles on
    /// a platform in that language.
    pub fn words(&self, lang: crate::config::Lang) -> String {
        match lang {
            crate::config::Lang::En => self.detail(),
            crate::config::Lang::Zh => reason::zh::outcome(self),
        }
    }

    /// The English words of the detail column (`watchdesk check`, logs).
    pub fn detail(&self) -> String {
        match self {
            Outcome::Up { detail } => detail.to_string(),
            Outcome::Degraded { reason } => reason.to_string(),
            Outcome::Down { phase, reason } => format!("{phase}: {reason}"),
        }
    }
}

/// How an outcome is written: the English words, and the finding unless it is only words.
mod wire {
    use serde::{Deserialize, Serialize};

    use super::{Phase, Reason};

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "status", rename_all = "lowercase")]
    pub enum Outcome {
        Up {
            detail: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            why: Option<Reason>,
        },
        Degraded {
            reason: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            why: Option<Reason>,
        },
        Down {
            phase: Phase,
            reason: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            why: Option<Reason>,
        },
    }

    fn split(reason: Reason) -> (String, Option<Reason>) {
        match reason {
            Reason::Text { text } => (text, None),
            other => (other.to_string(), Some(other)),
        }
    }

    fn join(words: String, why: Option<Reason>) -> Reason {
        why.unwrap_or(Reason::Text { text: words })
    }

    impl From<super::Outcome> for Outcome {
        fn from(outcome: super::Outcome) -> Outcome {
            match outcome {
                super::Outcome::Up { detail } => {
                    let (detail, why) = split(detail);
                    Outcome::Up { detail, why }
                }
                super::Outcome::Degraded { reason } => {
                    let (reason, why) = split(reason);
                    Outcome::Degraded { reason, why }
                }
                super::Outcome::Down { phase, reason } => {
                    let (reason, why) = split(reason);
                    Outcome::Down { phase, reason, why }
                }
            }
        }
    }

    impl From<Outcome> for super::Outcome {
        fn from(outcome: Outcome) -> super::Outcome {
            match outcome {
                Outcome::Up { detail, why } => super::Outcome::Up {
                    detail: join(detail, why),
                },
                Outcome::Degraded { reason, why } => super::Outcome::Degraded {
                    reason: join(reason, why),
                },
                Outcome::Down { phase, reason, why } => super::Outcome::Down {
                    phase,
                    reason: join(reason, why),
                },
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_is_written_with_its_english_words_and_read_back_whole() {
        let down = Outcome::Down {
            phase: Phase::Connect,
            reason: Reason::Refused {
                address: "127.0.0.1:9".into(),
            },
        };
        let json = serde_json::to_value(&down).unwrap();
        assert_eq!(json["status"], "down");
        assert_eq!(json["phase"], "connect");
        assert_eq!(
            json["reason"],
            "connection refused by 127.0.0.1:9 (nothing listens on that port)"
        );
        assert_eq!(json["why"]["kind"], "refused");
        assert_eq!(serde_json::from_value::<Outcome>(json).unwrap(), down);

        // Words alone (and an outcome written before findings were kept) read back as words.
        let old = serde_json::json!({"status": "up", "detail": "HTTP 200"});
        let up: Outcome = serde_json::from_value(old.clone()).unwrap();
        assert_eq!(
            up,
            Outcome::Up {
                detail: "HTTP 200".into()
            }
        );
        assert_eq!(serde_json::to_value(&up).unwrap(), old);
    }
}
