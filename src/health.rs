//! Health tracking: from probe results to the state of each check and subsystem, and to the few events that
//! open, note or close an incident. Pure: no I/O, no tasks, time comes in as `now`, so the engine and the
//! tests drive it the same way.
//!
//! Rules:
//! * A check is Down only after `failures_to_down` failures in a row, back only after `successes_to_up`
//!   answers in a row; one lost packet opens nothing.
//! * A subsystem is its worst check; Blocked (with the blocker's name) while a subsystem it depends on is
//!   Down; Maintenance during a maintenance window. Neither raises an incident event: the blocker has its
//!   own incident, and planned work is not a fault.
//! * Degraded for longer than `degraded_incident_after` is a fault of severity major.
//! * Events are per subsystem, matching one open auto incident per subsystem: a fault episode starts with
//!   `FaultConfirmed` (or `FailedAgain` once it had recovered before), may raise its severity, and ends
//!   with `Recovered` when no check of the subsystem is at fault any more — or, for an outage, when no check
//!   is down any more: a check that stays slow (a certificate under its warning) neither holds the recovery
//!   back nor, having been reported, opens anything until it clears.
//! * The engineer resolving the incident while a fault goes on ends the episode; the next fault opens a new
//!   incident. An incident still failing when watchdesk stopped is taken up again at start-up (`resume`).

mod check;
mod maintenance;
mod resume;
mod ring;
mod subsystem;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use maintenance::is_open as maintenance_open;
pub use resume::ResumedFault;
pub use ring::{RING_LEN, Sample};

use crate::config::{Config, HealthConfig, Lang, Maintenance};
use crate::engine::Health;
use crate::policy::Severity;
use crate::probe::ProbeResult;
use check::{CheckState, Fault};
pub use subsystem::Unwatched;
use subsystem::{Evaluation, SubsystemState};

/// What the engine turns into incident changes.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthEvent {
    /// A subsystem with no fault has one now: open its auto incident.
    FaultConfirmed {
        subsystem: String,
        check_id: String,
        /// Down: the first failure of the streak that confirmed it (or the end of the maintenance window or
        /// block that hid it). Slow: the moment it had been degraded for `degraded_incident_after`.
        detected_at: DateTime<Utc>,
        severity: Severity,
        detail: String,
        /// Degraded too long rather than down.
        slow: bool,
    },
    /// Like `FaultConfirmed`, for a subsystem that had recovered before: if its incident is still open,
    /// note that it failed again (the recovery clock runs again); else open a new one.
    FailedAgain {
        subsystem: String,
        check_id: String,
        detected_at: DateTime<Utc>,
        severity: Severity,
        detail: String,
        slow: bool,
        /// When the previous fault ended.
        recovered_at: DateTime<Utc>,
    },
    /// During a fault, a check with a more severe fault joined (e.g. slow became down): raise the incident's
    /// severity, with `detail` as the reason.
    SeverityRaised {
        subsystem: String,
        check_id: String,
        at: DateTime<Utc>,
        severity: Severity,
        detail: String,
        slow: bool,
    },
    /// No check of the subsystem is at fault any more: "service restored" on its incident, which stays open
    /// until the engineer resolves it. `at` is the first answer of the streak that confirmed the recovery.
    /// A slow check does not hold back the end of an outage (see `subsystem`).
    Recovered {
        subsystem: String,
        at: DateTime<Utc>,
        /// For a fault resumed at start-up: the time watchdesk was not running, in which the service may
        /// have come back earlier than `at`.
        unwatched: Option<Unwatched>,
    },
}

/// How a subsystem shows on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsystemHealth {
    /// The worst of its checks, or Blocked, or Maintenance (which wins over both).
    pub health: Health,
    /// Name of the subsystem it waits on, when Blocked.
    pub blocked_by: Option<String>,
    pub in_maintenance: bool,
}

/// Health of every check and subsystem of one configuration.
#[derive(Debug, Clone)]
pub struct HealthTracker {
    cfg: HealthConfig,
    zone: Tz,
    maintenance: Vec<Maintenance>,
    checks: Vec<CheckState>,
    by_check_id: HashMap<String, usize>,
    subsystems: Vec<SubsystemState>,
    /// The language fault details are worded in: that of the automatic incidents' titles.
    lang: Lang,
}

impl HealthTracker {
    pub fn new(config: &Config) -> HealthTracker {
        let mut checks = Vec::new();
        let mut subsystems = Vec::new();
        for sub in &config.subsystems {
            let first = checks.len();
            checks.extend(sub.checks.iter().map(CheckState::new));
            subsystems.push(SubsystemState {
                id: sub.id.clone(),
                name: sub.name.clone(),
                depends_on: sub.depends_on.clone(),
                checks: (first..checks.len()).collect(),
                episode: None,
                recovered_at: None,
                blocked_by: None,
                in_maintenance: false,
                unsuppressed_at: None,
                lingering: Vec::new(),
                unwatched: None,
            });
        }
        let by_check_id = checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        HealthTracker {
            cfg: config.health.clone(),
            zone: config.platform.timezone,
            maintenance: config.maintenance.clone(),
            checks,
            by_check_id,
            subsystems,
            lang: config.platform.records_lang(),
        }
    }

    /// Takes one probe result; results of checks not in the configuration are ignored.
    pub fn observe(&mut self, r: &ProbeResult, now: DateTime<Utc>) -> Vec<HealthEvent> {
        let Some(&index) = self.by_check_id.get(&r.check_id) else {
            return Vec::new();
        };
        let subsystem = self.subsystems.iter().find(|s| s.checks.contains(&index));
        let in_maintenance = subsystem.is_some_and(|s| self.in_maintenance(&s.id, r.started_at));
        if let Some(check) = self.checks.get_mut(index) {
            check.observe(r, &self.cfg, self.zone, in_maintenance);
        }
        self.evaluate(now)
    }

    /// Moves time on without a result: the degraded timer and maintenance windows opening and closing.
    /// Call it every few seconds.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<HealthEvent> {
        self.evaluate(now)
    }

    /// Unknown for an id not in the configuration.
    pub fn subsystem_health(&self, id: &str) -> SubsystemHealth {
        let Some(sub) = self.subsystems.iter().find(|s| s.id == id) else {
            return SubsystemHealth {
                health: Health::Unknown,
                blocked_by: None,
                in_maintenance: false,
            };
        };
        let health = if sub.in_maintenance {
            Health::Maintenance
        } else if sub.blocked_by.is_some() {
            Health::Blocked
        } else {
            self.worst_check(sub)
        };
        SubsystemHealth {
            health,
            blocked_by: sub.blocked_by.clone().filter(|_| health == Health::Blocked),
            in_maintenance: sub.in_maintenance,
        }
    }

    /// Unknown, Up, Degraded or Down; Unknown for an id not in the configuration.
    pub fn check_health(&self, check_id: &str) -> Health {
        self.check(check_id).map_or(Health::Unknown, CheckState::health)
    }

    /// When the check's current health began.
    pub fn check_since(&self, check_id: &str) -> Option<DateTime<Utc>> {
        self.check(check_id).and_then(CheckState::since)
    }

    pub fn last_result(&self, check_id: &str) -> Option<&ProbeResult> {
        self.check(check_id).and_then(CheckState::last)
    }

    /// The check's recent samples, oldest first (at most `RING_LEN`).
    pub fn samples(&self, check_id: &str) -> Vec<Sample> {
        self.check(check_id)
            .map(|c| c.ring().samples().copied().collect())
            .unwrap_or_default()
    }

    /// Latency of the latest probe, if it answered.
    pub fn latency_ms(&self, check_id: &str) -> Option<u64> {
        self.check(check_id).and_then(|c| c.ring().current_ms())
    }

    /// 95th percentile latency of the answered probes in the ring.
    pub fn p95_ms(&self, check_id: &str) -> Option<u64> {
        self.check(check_id).and_then(|c| c.ring().p95_ms())
    }

    /// Latencies oldest first, failures as 0.
    pub fn sparkline(&self, check_id: &str) -> Vec<u64> {
        self.check(check_id)
            .map(|c| c.ring().sparkline())
            .unwrap_or_default()
    }

    /// The subsystem's primary check (its first): the one whose latency the dashboard row shows.
    pub fn primary_check(&self, subsystem: &str) -> Option<&str> {
        let sub = self.subsystems.iter().find(|s| s.id == subsystem)?;
        sub.checks
            .first()
            .and_then(|&i| self.checks.get(i))
            .map(|c| c.id.as_str())
    }

    /// Share of the subsystem's probes today (local day of `now`) that were answered, probes during
    /// maintenance left out; `None` before the first. Counts only what this process saw.
    pub fn availability_today(&self, subsystem: &str, now: DateTime<Utc>) -> Option<f64> {
        let sub = self.subsystems.iter().find(|s| s.id == subsystem)?;
        let today = now.with_timezone(&self.zone).date_naive();
        let (answered, all) = sub
            .checks
            .iter()
            .filter_map(|&i| self.checks.get(i))
            .map(|c| c.today(today))
            .fold((0u64, 0u64), |(a, n), (ca, cn)| {
                (a + u64::from(ca), n + u64::from(cn))
            });
        (all > 0).then(|| answered as f64 / all as f64)
    }

    /// Whether a maintenance window of the subsystem is open at `at` (for leaving that time out of
    /// availability in rollups).
    pub fn in_maintenance(&self, subsystem: &str, at: DateTime<Utc>) -> bool {
        self.maintenance
            .iter()
            .any(|m| m.subsystem == subsystem && maintenance::is_open(&m.window, self.zone, at))
    }

    fn check(&self, check_id: &str) -> Option<&CheckState> {
        self.by_check_id.get(check_id).and_then(|&i| self.checks.get(i))
    }

    fn worst_check(&self, sub: &SubsystemState) -> Health {
        sub.checks
            .iter()
            .filter_map(|&i| self.checks.get(i))
            .map(CheckState::health)
            .max()
            .unwrap_or(Health::Unknown)
    }

    /// Brings every subsystem's block, maintenance and fault episode up to date at `now`.
    fn evaluate(&mut self, now: DateTime<Utc>) -> Vec<HealthEvent> {
        let raw: HashMap<String, (Health, String)> = self
            .subsystems
            .iter()
            .map(|s| (s.id.clone(), (self.worst_check(s), s.name.clone())))
            .collect();
        let mut events = Vec::new();
        for index in 0..self.subsystems.len() {
            let Some(sub) = self.subsystems.get(index) else {
                continue;
            };
            let in_maintenance = self.in_maintenance(&sub.id, now);
            let blocked_by = sub
                .depends_on
                .iter()
                .filter_map(|dep| raw.get(dep))
                .find(|(health, _)| *health == Health::Down)
                .map(|(_, name)| name.clone());
            let suppressed = in_maintenance || blocked_by.is_some();
            let was_suppressed = sub.in_maintenance || sub.blocked_by.is_some();
            let unsuppressed_at = if was_suppressed && !suppressed {
                Some(now)
            } else {
                sub.unsuppressed_at
            };
            let current = self.faults(sub, now, None);
            let lingering: Vec<_> = sub
                .lingering
                .iter()
                .filter(|&&(i, began)| current.iter().any(|(j, f)| *j == i && f.began == began))
                .copied()
                .collect();
            let fresh = |faults: Vec<(usize, Fault)>| -> Vec<(usize, Fault)> {
                faults
                    .into_iter()
                    .filter(|(i, f)| !lingering.contains(&(*i, f.began)))
                    .collect()
            };
            let state = Evaluation {
                in_maintenance,
                blocked_by,
                unsuppressed_at,
                // What keeps a fault going, and what may start or raise one.
                ongoing: fresh(current),
                new: fresh(self.faults(sub, now, unsuppressed_at)),
                recovered_at: self.recovery_time(sub, now),
            };
            if let Some(sub) = self.subsystems.get_mut(index) {
                sub.lingering = lingering;
                sub.update(state, &mut events);
            }
        }
        events
    }

    /// The faults of the subsystem's checks at `now` (see `CheckState::fault` for `not_before`).
    fn faults(
        &self,
        sub: &SubsystemState,
        now: DateTime<Utc>,
        not_before: Option<DateTime<Utc>>,
    ) -> Vec<(usize, Fault)> {
        sub.checks
            .iter()
            .filter_map(|&i| {
                let fault = self.checks.get(i)?.fault(now, &self.cfg, not_before, self.lang)?;
                Some((i, fault))
            })
            .collect()
    }

    /// When the checks of the current episode came back: the latest start of their present health.
    fn recovery_time(&self, sub: &SubsystemState, now: DateTime<Utc>) -> DateTime<Utc> {
        sub.episode
            .as_ref()
            .and_then(|e| e.checks.iter().filter_map(|&i| self.checks.get(i)?.since()).max())
            .map_or(now, |at| at.min(now))
    }
}
