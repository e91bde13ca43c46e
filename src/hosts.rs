//! Server gauges: the local host through sysinfo, remote hosts by scraping Prometheus node_exporter.

pub mod alarm;
pub mod filesystems;
pub mod local;
pub mod node_exporter;
pub mod reason;
pub mod sampler;

pub use reason::{HostReason, SystemError, SystemErrorKind};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One reading of one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostSample {
    pub host: String,
    pub at: DateTime<Utc>,
    pub reading: HostReading,
}

/// Written with the English words where they always were (`reason`) and the reason itself beside them
/// (`why`), so readers of `watchdesk check --json` see what they saw before and a dashboard attached to a
/// daemon can word it in its own language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "wire::HostReading", from = "wire::HostReading")]
pub enum HostReading {
    /// Could not be read: shown as unreachable, never as 0 %.
    Unreachable {
        reason: HostReason,
    },
    Gauges(Gauges),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Gauges {
    /// `None` until two readings exist (the first CPU reading is unknown, not 0).
    pub cpu_pct: Option<f64>,
    pub mem_pct: Option<f64>,
    pub mem_total_bytes: Option<u64>,
    pub swap_pct: Option<f64>,
    /// 1, 5 and 15 minute load averages.
    pub load: Option<[f64; 3]>,
    pub disks: Vec<DiskGauge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskGauge {
    pub mount: String,
    pub device: String,
    pub used_pct: f64,
    pub total_bytes: u64,
    pub used_bytes: u64,
}

impl Gauges {
    /// Every gauge with its name, for thresholds: `cpu`, `memory`, `swap`, `disk /`.
    pub fn named(&self) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        if let Some(v) = self.cpu_pct {
            out.push(("cpu".to_string(), v));
        }
        if let Some(v) = self.mem_pct {
            out.push(("memory".to_string(), v));
        }
        if let Some(v) = self.swap_pct {
            out.push(("swap".to_string(), v));
        }
        for d in &self.disks {
            out.push((format!("disk {}", d.mount), d.used_pct));
        }
        out
    }
}

/// How a reading is written: the English words, and the reason unless it is only words.
mod wire {
    use serde::{Deserialize, Serialize};

    use super::{Gauges, HostReason};

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "state", rename_all = "lowercase")]
    pub enum HostReading {
        Unreachable {
            reason: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            why: Option<HostReason>,
        },
        Gauges(Gauges),
    }

    impl From<super::HostReading> for HostReading {
        fn from(reading: super::HostReading) -> HostReading {
            match reading {
                super::HostReading::Unreachable {
                    reason: HostReason::Text { text },
                } => HostReading::Unreachable {
                    reason: text,
                    why: None,
                },
                super::HostReading::Unreachable { reason } => HostReading::Unreachable {
                    reason: reason.to_string(),
                    why: Some(reason),
                },
                super::HostReading::Gauges(g) => HostReading::Gauges(g),
            }
        }
    }

    impl From<HostReading> for super::HostReading {
        fn from(reading: HostReading) -> super::HostReading {
            match reading {
                HostReading::Unreachable { reason, why } => super::HostReading::Unreachable {
                    reason: why.unwrap_or(HostReason::Text { text: reason }),
                },
                HostReading::Gauges(g) => super::HostReading::Gauges(g),
            }
        }
    }
}
