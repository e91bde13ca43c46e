//! A subsystem's fault episode: the one thing its auto incident follows, from the first confirmed fault to
//! the recovery of every check that took part.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::HealthEvent;
use super::check::Fault;
use crate::policy::Severity;

#[derive(Debug, Clone)]
pub(super) struct SubsystemState {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) depends_on: Vec<String>,
    /// Indices into `HealthTracker::checks`.
    pub(super) checks: Vec<usize>,
    pub(super) episode: Option<Episode>,
    pub(super) recovered_at: Option<DateTime<Utc>>,
    /// As of the last evaluation.
    pub(super) blocked_by: Option<String>,
    pub(super) in_maintenance: bool,
    /// When it was last seen coming out of maintenance or a block: a fault it hid starts no earlier.
    pub(super) unsuppressed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub(super) struct Episode {
    pub(super) severity: Severity,
    /// The checks that have been at fault during it.
    pub(super) checks: BTreeSet<usize>,
}

/// A subsystem's situation at one instant, as `evaluate` found it.
pub(super) struct Evaluation {
    pub(super) in_maintenance: bool,
    pub(super) blocked_by: Option<String>,
    pub(super) unsuppressed_at: Option<DateTime<Utc>>,
    pub(super) ongoing: Vec<(usize, Fault)>,
    pub(super) new: Vec<(usize, Fault)>,
    pub(super) recovered_at: DateTime<Utc>,
}

impl SubsystemState {
    pub(super) fn update(&mut self, now: Evaluation, events: &mut Vec<HealthEvent>) {
        let suppressed = now.in_maintenance || now.blocked_by.is_some();
        self.in_maintenance = now.in_maintenance;
        self.blocked_by = now.blocked_by;
        self.unsuppressed_at = now.unsuppressed_at;

        // The most severe new fault, the earliest among equals.
        let worst = now
            .new
            .iter()
            .min_by_key(|(_, f)| (f.severity, f.detected_at))
            .map(|(_, f)| f.clone());
        let subsystem = self.id.clone();
        match (&mut self.episode, worst) {
            (Some(_), _) if now.ongoing.is_empty() => {
                self.episode = None;
                self.recovered_at = Some(now.recovered_at);
                events.push(HealthEvent::Recovered {
                    subsystem,
                    at: now.recovered_at,
                });
            }
            (Some(episode), worst) => {
                episode.checks.extend(now.ongoing.iter().map(|(i, _)| *i));
                if let Some(fault) = worst
                    && !suppressed
                    && fault.severity < episode.severity
                {
                    episode.severity = fault.severity;
                    events.push(HealthEvent::SeverityRaised {
                        subsystem,
                        check_id: fault.check_id,
                        at: fault.detected_at,
                        severity: fault.severity,
                        detail: fault.detail,
                    });
                }
            }
            (None, Some(_)) if suppressed => {}
            (None, Some(fault)) => {
                self.episode = Some(Episode {
                    severity: fault.severity,
                    checks: now.ongoing.iter().map(|(i, _)| *i).collect(),
                });
                events.push(match self.recovered_at {
                    None => HealthEvent::FaultConfirmed {
                        subsystem,
                        check_id: fault.check_id,
                        detected_at: fault.detected_at,
                        severity: fault.severity,
                        detail: fault.detail,
                    },
                    Some(recovered_at) => HealthEvent::FailedAgain {
                        subsystem,
                        check_id: fault.check_id,
                        detected_at: fault.detected_at,
                        severity: fault.severity,
                        detail: fault.detail,
                        recovered_at,
                    },
                });
            }
            (None, None) => {}
        }
    }
}
