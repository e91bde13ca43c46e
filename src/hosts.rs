//! Server gauges: the local host through sysinfo, remote hosts by scraping Prometheus node_exporter.

pub mod alarm;
pub mod filesystems;
pub mod local;
pub mod node_exporter;
pub mod sampler;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One reading of one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostSample {
    pub host: String,
    pub at: DateTime<Utc>,
    pub reading: HostReading,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum HostReading {
    /// Could not be read: shown as unreachable, never as 0 %.
    Unreachable {
        reason: String,
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
