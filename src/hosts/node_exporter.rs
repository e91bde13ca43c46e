//! Remote hosts, read by scraping a Prometheus node_exporter `/metrics` page.
//!
//! CPU usage is the rate of `node_cpu_seconds_total` between two scrapes, so a `NodeExporter` keeps the
//! previous scrape's totals and the first scrape reports CPU as unknown. A host that cannot be reached, answers
//! with an error status, or answers something that is not node_exporter's text becomes
//! `HostReading::Unreachable` with the reason: never a reading of 0 %.

pub mod exposition;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::hosts::filesystems::{Mount, real_disks};
use crate::hosts::{Gauges, HostReading, HostReason, SystemError};
use exposition::Sample;

/// A larger answer is refused: node_exporter serves well under a megabyte; more means a wrong URL.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// One remote host and its previous CPU totals.
#[derive(Debug)]
pub struct NodeExporter {
    url: String,
    timeout: Duration,
    client: Result<reqwest::Client, HostReason>,
    previous_cpu: Option<CpuTimes>,
}

impl NodeExporter {
    /// A scraper for `url` giving up after `timeout`. Proxy variables from the environment are ignored: the
    /// exporters sit on the operations network, and a proxy meant for the internet would only hide them.
    pub fn new(url: impl Into<String>, timeout: Duration) -> NodeExporter {
        let client = crate::outbound::client_builder()
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| HostReason::ClientSetup {
                error: crate::outbound::error_chain(&e),
            });
        NodeExporter {
            url: url.into(),
            timeout,
            client,
            previous_cpu: None,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Scrapes once and turns the answer into a reading.
    pub async fn scrape(&mut self) -> HostReading {
        match self.fetch().await {
            Ok(text) => self.read_text(&text),
            // The URL may carry a token (`?token=`): never in a reason.
            Err(reason) => {
                let redactions = crate::redact::of_host(&crate::config::HostSource::NodeExporter {
                    url: self.url.clone(),
                });
                HostReading::Unreachable {
                    reason: reason.map_text(&|text| redactions.apply(text)),
                }
            }
        }
    }

    /// Reads one exposition as if it had just been scraped, moving the CPU baseline forward.
    pub fn read_text(&mut self, text: &str) -> HostReading {
        let samples = match exposition::parse(text) {
            Ok(samples) => samples,
            Err(e) => {
                return HostReading::Unreachable {
                    reason: HostReason::NotExposition {
                        line: e.line,
                        error: e.message,
                    },
                };
            }
        };
        match read_samples(&samples, self.previous_cpu) {
            Ok((gauges, cpu)) => {
                if cpu.is_some() {
                    self.previous_cpu = cpu;
                }
                HostReading::Gauges(gauges)
            }
            Err(reason) => HostReading::Unreachable { reason },
        }
    }

    async fn fetch(&self) -> Result<String, HostReason> {
        let client = self.client.as_ref().map_err(Clone::clone)?;
        let mut response = client
            .get(&self.url)
            .send()
            .await
            .map_err(|e| self.describe(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(HostReason::Status {
                code: status.as_u16(),
                url: self.url.clone(),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.describe(&e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(HostReason::TooLarge {
                    limit_mib: MAX_BODY_BYTES / (1024 * 1024),
                    url: self.url.clone(),
                });
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| HostReason::NotText)
    }

    fn describe(&self, e: &reqwest::Error) -> HostReason {
        if e.is_timeout() {
            HostReason::TimedOut {
                within: humantime::format_duration(self.timeout).to_string(),
            }
        } else if e.is_connect() {
            HostReason::CannotConnect {
                url: self.url.clone(),
                error: SystemError::causes_of(e),
            }
        } else {
            HostReason::RequestFailed {
                error: SystemError::of(e),
            }
        }
    }
}

/// The CPU seconds of all CPUs and modes, summed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuTimes {
    /// `idle` and `iowait` (time the CPU had nothing to run, as sysinfo counts it for the local host).
    pub idle: f64,
    pub total: f64,
}

/// Sums `node_cpu_seconds_total`; `None` when the page has none.
pub fn cpu_times(samples: &[Sample]) -> Option<CpuTimes> {
    let mut times = CpuTimes {
        idle: 0.0,
        total: 0.0,
    };
    let mut found = false;
    for s in samples.iter().filter(|s| s.name == "node_cpu_seconds_total") {
        if !s.value.is_finite() || s.value < 0.0 {
            continue;
        }
        found = true;
        times.total += s.value;
        if matches!(s.label("mode"), Some("idle" | "iowait")) {
            times.idle += s.value;
        }
    }
    found.then_some(times)
}

/// Busy share between two scrapes; `None` when the counters went backwards (a reboot) or did not move.
pub fn cpu_pct(before: CpuTimes, after: CpuTimes) -> Option<f64> {
    let total = after.total - before.total;
    let idle = after.idle - before.idle;
    if total <= 0.0 || idle < 0.0 || idle > total {
        return None;
    }
    Some(((total - idle) / total * 100.0).clamp(0.0, 100.0))
}

/// The gauges in one scrape, and its CPU totals for the next one. An error when the page holds none of
/// node_exporter's CPU, memory, load or filesystem metrics (a wrong URL, another exporter).
pub fn read_samples(
    samples: &[Sample],
    previous: Option<CpuTimes>,
) -> Result<(Gauges, Option<CpuTimes>), HostReason> {
    let cpu = cpu_times(samples);
    let cpu_pct = previous
        .zip(cpu)
        .and_then(|(before, after)| cpu_pct(before, after));

    let mem_total = value(samples, "node_memory_MemTotal_bytes").filter(|t| *t > 0.0);
    let mem_avail = value(samples, "node_memory_MemAvailable_bytes").or_else(|| {
        // Kernels before 3.14 have no MemAvailable.
        let parts =
            ["MemFree", "Buffers", "Cached"].map(|p| value(samples, &format!("node_memory_{p}_bytes")));
        parts.into_iter().sum::<Option<f64>>()
    });
    let mem_pct = mem_total.zip(mem_avail).map(|(t, a)| used_pct(t, a));

    let swap_total = value(samples, "node_memory_SwapTotal_bytes").filter(|t| *t > 0.0);
    let swap_pct = swap_total
        .zip(value(samples, "node_memory_SwapFree_bytes"))
        .map(|(t, f)| used_pct(t, f));

    let load = match ["node_load1", "node_load5", "node_load15"].map(|n| value(samples, n)) {
        [Some(a), Some(b), Some(c)] => Some([a, b, c]),
        _ => None,
    };

    let disks = real_disks(filesystems(samples));
    let has_filesystems = samples.iter().any(|s| s.name == "node_filesystem_size_bytes");

    if cpu.is_none() && mem_total.is_none() && load.is_none() && !has_filesystems {
        return Err(HostReason::NoNodeMetrics);
    }
    Ok((
        Gauges {
            cpu_pct,
            mem_pct,
            mem_total_bytes: mem_total.map(|t| t as u64),
            swap_pct,
            load,
            disks,
        },
        cpu,
    ))
}

/// Filesystems from `node_filesystem_size_bytes` and `node_filesystem_avail_bytes`, matched by device, mount
/// point and type; those node_exporter could not stat (`node_filesystem_device_error 1`) are left out.
fn filesystems(samples: &[Sample]) -> Vec<Mount> {
    #[derive(Default)]
    struct Seen {
        size: Option<f64>,
        avail: Option<f64>,
        device_error: bool,
    }
    // Keyed by (device, mount point, fstype).
    let mut by_key: BTreeMap<(&str, &str, &str), Seen> = BTreeMap::new();
    for s in samples {
        let (Some(device), Some(mount), Some(fstype)) =
            (s.label("device"), s.label("mountpoint"), s.label("fstype"))
        else {
            continue;
        };
        let entry = by_key.entry((device, mount, fstype)).or_default();
        match s.name.as_str() {
            "node_filesystem_size_bytes" => entry.size = Some(s.value),
            "node_filesystem_avail_bytes" => entry.avail = Some(s.value),
            "node_filesystem_device_error" => entry.device_error = s.value != 0.0,
            _ => {}
        }
    }
    by_key
        .into_iter()
        .filter_map(|((device, mount, fstype), seen)| {
            let (size, avail) = (seen.size?, seen.avail?);
            let ok =
                !seen.device_error && size.is_finite() && avail.is_finite() && size > 0.0 && avail >= 0.0;
            ok.then(|| Mount {
                device: device.to_string(),
                mount: mount.to_string(),
                fstype: fstype.to_string(),
                total_bytes: size as u64,
                avail_bytes: avail as u64,
            })
        })
        .collect()
}

/// The first finite value of an unlabelled metric.
fn value(samples: &[Sample], name: &str) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && s.value.is_finite())
        .map(|s| s.value)
}

fn used_pct(total: f64, free: f64) -> f64 {
    ((total - free) / total * 100.0).clamp(0.0, 100.0)
}

#[cfg(test)]
mod tests;
