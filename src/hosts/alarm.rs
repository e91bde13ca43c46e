//! Host thresholds: each gauge's level (ok / warn / critical) and the events the engine turns into incidents.
//!
//! A gauge is critical at or above `critical_pct`, warn at or above `warn_pct`. One critical reading opens
//! nothing: the contract's "server inspection fault" is a sustained condition, so an alarm is raised only when
//! a gauge has stayed critical in every reading for `critical_for` (default five minutes), and cleared by the
//! first reading back under critical. Pure: times come from the samples, so tests spell them out.
//!
//! A reading that says nothing about a gauge neither breaks nor extends its run: an unreachable host, or CPU
//! unknown after a counter reset. A memory, swap or disk gauge missing from a full reading is gone (swap turned
//! off, disk unmounted) and its alarm, if any, is cleared.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Host;
use crate::hosts::{HostReading, HostSample};

/// How full a gauge is, against the host's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Critical,
}

/// The level of one value; thresholds are inclusive.
pub fn level(value: f64, warn_pct: f64, critical_pct: f64) -> Level {
    if value >= critical_pct {
        Level::Critical
    } else if value >= warn_pct {
        Level::Warn
    } else {
        Level::Ok
    }
}

/// A gauge that has been over critical for the host's `critical_for`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostAlarm {
    pub host: String,
    /// `cpu`, `memory`, `swap` or `disk <mount point>`, as `Gauges::named` names them.
    pub gauge: String,
    /// The reading that raised the alarm.
    pub value: f64,
    /// When the gauge first read critical in this run: the fault's detection time.
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum AlarmEvent {
    /// Critical for `critical_for`: the engine opens a major fault incident.
    Raised(HostAlarm),
    /// A raised gauge is back under critical, or gone (`value: None`).
    Cleared {
        alarm: HostAlarm,
        at: DateTime<Utc>,
        value: Option<f64>,
    },
}

/// A host's thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub warn_pct: f64,
    pub critical_pct: f64,
    pub critical_for: Duration,
}

impl From<&Host> for Thresholds {
    fn from(host: &Host) -> Self {
        Thresholds {
            warn_pct: host.warn_pct,
            critical_pct: host.critical_pct,
            critical_for: host.critical_for,
        }
    }
}

#[derive(Debug, Clone)]
struct GaugeState {
    name: String,
    value: f64,
    level: Level,
    critical_since: Option<DateTime<Utc>>,
    raised: Option<HostAlarm>,
}

/// The threshold state of one host, fed its samples in order.
#[derive(Debug, Clone)]
pub struct HostAlarms {
    host: String,
    thresholds: Thresholds,
    critical_for: TimeDelta,
    gauges: Vec<GaugeState>,
    last_at: Option<DateTime<Utc>>,
}

impl HostAlarms {
    pub fn new(host: &Host) -> Self {
        Self::with_thresholds(host.name.clone(), Thresholds::from(host))
    }

    pub fn with_thresholds(host: impl Into<String>, thresholds: Thresholds) -> Self {
        HostAlarms {
            host: host.into(),
            thresholds,
            critical_for: TimeDelta::from_std(thresholds.critical_for).unwrap_or(TimeDelta::MAX),
            gauges: Vec::new(),
            last_at: None,
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// Takes the next sample of this host and says what changed. Samples of another host, and samples older
    /// than one already seen, change nothing.
    pub fn observe(&mut self, sample: &HostSample) -> Vec<AlarmEvent> {
        if sample.host != self.host || self.last_at.is_some_and(|last| sample.at < last) {
            return Vec::new();
        }
        self.last_at = Some(sample.at);
        let HostReading::Gauges(gauges) = &sample.reading else {
            return Vec::new();
        };
        let at = sample.at;
        let named = gauges.named();
        let mut events = Vec::new();

        // Gauges that disappeared from a full reading (CPU excepted: it is only momentarily unknown).
        let (gone, kept): (Vec<GaugeState>, Vec<GaugeState>) = std::mem::take(&mut self.gauges)
            .into_iter()
            .partition(|g| g.name != "cpu" && !named.iter().any(|(n, _)| *n == g.name));
        self.gauges = kept;
        for g in gone {
            if let Some(alarm) = g.raised {
                events.push(AlarmEvent::Cleared {
                    alarm,
                    at,
                    value: None,
                });
            }
        }

        for (name, value) in named {
            let level = level(value, self.thresholds.warn_pct, self.thresholds.critical_pct);
            let state = match self.gauges.iter().position(|g| g.name == name) {
                Some(i) => &mut self.gauges[i],
                None => {
                    self.gauges.push(GaugeState {
                        name: name.clone(),
                        value,
                        level,
                        critical_since: None,
                        raised: None,
                    });
                    let last = self.gauges.len() - 1;
                    &mut self.gauges[last]
                }
            };
            state.value = value;
            state.level = level;
            if level == Level::Critical {
                let since = *state.critical_since.get_or_insert(at);
                if state.raised.is_none() && at - since >= self.critical_for {
                    let alarm = HostAlarm {
                        host: self.host.clone(),
                        gauge: name,
                        value,
                        since,
                    };
                    state.raised = Some(alarm.clone());
                    events.push(AlarmEvent::Raised(alarm));
                }
            } else {
                state.critical_since = None;
                if let Some(alarm) = state.raised.take() {
                    events.push(AlarmEvent::Cleared {
                        alarm,
                        at,
                        value: Some(value),
                    });
                }
            }
        }
        events
    }

    /// The level of one gauge as of the last reading that had it.
    pub fn level(&self, gauge: &str) -> Option<Level> {
        self.gauges.iter().find(|g| g.name == gauge).map(|g| g.level)
    }

    /// Every known gauge with its last value and level, in the order readings list them.
    pub fn levels(&self) -> Vec<(String, f64, Level)> {
        self.gauges
            .iter()
            .map(|g| (g.name.clone(), g.value, g.level))
            .collect()
    }

    /// The worst level of any gauge; `Ok` before the first reading.
    pub fn worst(&self) -> Level {
        self.gauges.iter().map(|g| g.level).max().unwrap_or(Level::Ok)
    }

    /// The alarms raised and not yet cleared.
    pub fn raised(&self) -> Vec<&HostAlarm> {
        self.gauges.iter().filter_map(|g| g.raised.as_ref()).collect()
    }
}

#[cfg(test)]
mod tests;
