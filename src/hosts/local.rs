//! The machine watchdesk runs on, read through sysinfo.
//!
//! One long-lived `System` and `Disks` are kept because sysinfo computes CPU usage as the difference between two
//! refreshes: a fresh `System` would always report the meaningless first reading. CPU is refreshed at most once
//! per `cpu_every` (one second by default) so a burst of readings does not turn into a burst of tiny, noisy
//! intervals; between refreshes the last value is repeated.

use std::time::Duration;

use sysinfo::{DiskRefreshKind, Disks, MINIMUM_CPU_UPDATE_INTERVAL, System};
use tokio::time::Instant;

use crate::hosts::Gauges;
use crate::hosts::filesystems::{Mount, real_disks};

/// The local host could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("cannot read this machine's CPU and memory figures: {0}")]
    System(String),
    #[error("cannot read this machine's disk list: {0}")]
    Disks(String),
}

/// Gauges of the local machine, kept between readings.
pub struct LocalHost {
    system: System,
    disks: Disks,
    cpu_every: Duration,
    last_cpu_refresh: Option<Instant>,
    cpu_pct: Option<f64>,
}

impl std::fmt::Debug for LocalHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalHost")
            .field("cpu_every", &self.cpu_every)
            .field("cpu_pct", &self.cpu_pct)
            .finish_non_exhaustive()
    }
}

impl LocalHost {
    /// CPU is refreshed at most this often by default.
    pub const CPU_EVERY: Duration = Duration::from_secs(1);

    pub fn new() -> Result<LocalHost, LocalError> {
        Self::with_cpu_every(Self::CPU_EVERY)
    }

    /// A reader refreshing CPU at most every `every`, but never more often than sysinfo can measure.
    pub fn with_cpu_every(every: Duration) -> Result<LocalHost, LocalError> {
        let system = System::new().map_err(|e| LocalError::System(e.to_string()))?;
        let disks = Disks::new().map_err(|e| LocalError::Disks(e.to_string()))?;
        Ok(LocalHost {
            system,
            disks,
            cpu_every: every.max(MINIMUM_CPU_UPDATE_INTERVAL),
            last_cpu_refresh: None,
            cpu_pct: None,
        })
    }

    /// Reads every gauge now. The first reading has `cpu_pct: None`: usage needs two refreshes.
    ///
    /// The time comes from tokio's clock so that tests with paused time control the refresh spacing.
    pub fn read(&mut self) -> Gauges {
        self.read_at(Instant::now())
    }

    /// Reads every gauge as of `now`, which decides whether CPU is due for a refresh.
    pub fn read_at(&mut self, now: Instant) -> Gauges {
        self.refresh_cpu(now);
        self.system.refresh_memory();
        self.disks
            .refresh_specifics(true, DiskRefreshKind::nothing().with_storage());

        let total = self.system.total_memory();
        let mem_pct = (total > 0).then(|| {
            let used = total.saturating_sub(self.system.available_memory());
            used as f64 / total as f64 * 100.0
        });
        let swap_total = self.system.total_swap();
        let swap_pct = (swap_total > 0).then(|| {
            let used = swap_total.saturating_sub(self.system.free_swap());
            used as f64 / swap_total as f64 * 100.0
        });
        let load = System::load_average()
            .ok()
            .map(|l| [l.one, l.five, l.fifteen])
            .filter(|l| l.iter().all(|v| v.is_finite()));

        Gauges {
            cpu_pct: self.cpu_pct,
            mem_pct,
            mem_total_bytes: (total > 0).then_some(total),
            swap_pct,
            load,
            disks: real_disks(self.disks.iter().map(|d| Mount {
                device: d.name().to_string_lossy().into_owned(),
                mount: d.mount_point().to_string_lossy().into_owned(),
                fstype: d.file_system().to_string_lossy().into_owned(),
                total_bytes: d.total_space(),
                avail_bytes: d.available_space(),
            })),
        }
    }

    fn refresh_cpu(&mut self, now: Instant) {
        match self.last_cpu_refresh {
            None => {
                // The first refresh only sets the baseline; its figure means nothing.
                self.system.refresh_cpu_usage();
                self.last_cpu_refresh = Some(now);
            }
            Some(last) if now.saturating_duration_since(last) >= self.cpu_every => {
                self.system.refresh_cpu_usage();
                self.last_cpu_refresh = Some(now);
                let usage = f64::from(self.system.global_cpu_usage());
                self.cpu_pct =
                    (usage.is_finite() && !self.system.cpus().is_empty()).then(|| usage.clamp(0.0, 100.0));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_unknown_first_then_known_and_refreshed_at_most_once_a_second() {
        let mut host = LocalHost::new().unwrap();
        let start = Instant::now();
        let first = host.read_at(start);
        assert_eq!(
            first.cpu_pct, None,
            "the first CPU reading must be unknown, not 0"
        );
        // Half a second later: not yet due, still unknown.
        let early = host.read_at(start + Duration::from_millis(500));
        assert_eq!(early.cpu_pct, None);
        let second = host.read_at(start + Duration::from_secs(1));
        let cpu = second.cpu_pct.unwrap();
        assert!((0.0..=100.0).contains(&cpu), "{cpu}");
        assert_eq!(host.last_cpu_refresh, Some(start + Duration::from_secs(1)));
        // Within the next second the value is repeated, not refreshed.
        let again = host.read_at(start + Duration::from_millis(1500));
        assert_eq!(again.cpu_pct, Some(cpu));
        assert_eq!(host.last_cpu_refresh, Some(start + Duration::from_secs(1)));
    }

    #[test]
    fn memory_and_load_are_read() {
        let mut host = LocalHost::new().unwrap();
        let g = host.read();
        let mem = g.mem_pct.unwrap();
        assert!(mem > 0.0 && mem <= 100.0, "{mem}");
        assert!(g.mem_total_bytes.unwrap() > 0);
        assert!(g.load.is_some());
        assert!(
            !g.disks.is_empty(),
            "this machine has at least its root filesystem"
        );
    }
}
