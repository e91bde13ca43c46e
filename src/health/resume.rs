//! Faults that outlive a restart or an engineer's resolution: taking up an open automatic incident's fault at
//! start-up, and letting the next fault open a new incident once the engineer resolved the current one.

use chrono::{DateTime, Utc};

use super::HealthTracker;
use super::subsystem::{Episode, Unwatched};
use crate::policy::Severity;

/// A fault an open automatic incident was following when watchdesk stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumedFault {
    pub check_id: String,
    pub detected_at: DateTime<Utc>,
    pub severity: Severity,
    /// Opened by slowness, not by an outage.
    pub slow: bool,
}

impl HealthTracker {
    /// Takes up a fault that an open automatic incident says was going on when watchdesk stopped, so that
    /// the first answers after a restart record "service restored" and further failures continue the same
    /// fault instead of opening another. `last_seen` is the last probe of the subsystem before the stop.
    pub fn resume(&mut self, fault: ResumedFault, last_seen: Option<DateTime<Utc>>, now: DateTime<Utc>) {
        let Some(&index) = self.by_check_id.get(&fault.check_id) else {
            return;
        };
        let Some(sub) = self.subsystems.iter_mut().find(|s| s.checks.contains(&index)) else {
            return;
        };
        if let Some(check) = self.checks.get_mut(index) {
            check.resume(fault.slow, fault.detected_at, &self.cfg);
        }
        sub.episode = Some(Episode {
            severity: fault.severity,
            checks: [index].into(),
            outage: !fault.slow,
        });
        sub.unwatched = Some(Unwatched {
            from: last_seen,
            to: now,
        });
    }

    /// The engineer resolved the subsystem's automatic incident: whatever still fails was part of it, and
    /// the next fault opens a new one.
    pub fn incident_resolved(&mut self, subsystem: &str, now: DateTime<Utc>) {
        let Some(index) = self.subsystems.iter().position(|s| s.id == subsystem) else {
            return;
        };
        let ongoing = self
            .subsystems
            .get(index)
            .map(|s| self.faults(s, now, None))
            .unwrap_or_default();
        if let Some(sub) = self.subsystems.get_mut(index) {
            sub.incident_resolved(&ongoing);
        }
    }
}
