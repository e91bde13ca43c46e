//! A subsystem's fault episode: the one thing its auto incident follows, from the first confirmed fault to
//! the recovery of every check that took part.
//!
//! An outage (a check Down) ends when no check is Down any more, even if another check stays slow: the
//! service answers again, so "service restored" is recorded and the recover clock stops. Such a slow fault
//! lingers: it was reported with the outage and opens nothing by itself until it clears and comes back. An
//! episode of slowness alone ends when nothing is slow any more.

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
    /// Faults already accounted for, as (check index, `Fault::began`): a slow fault left over when an
    /// outage ended, or what was still failing when the engineer resolved the incident. They neither keep
    /// an episode going nor start one, until their run ends.
    pub(super) lingering: Vec<(usize, DateTime<Utc>)>,
    /// Set when the episode was resumed from an open incident at start-up: the time nobody watched.
    pub(super) unwatched: Option<Unwatched>,
}

#[derive(Debug, Clone)]
pub(super) struct Episode {
    pub(super) severity: Severity,
    /// The checks that have been at fault during it.
    pub(super) checks: BTreeSet<usize>,
    /// A check was Down during it (not only slow).
    pub(super) outage: bool,
}

/// A stretch of time in which watchdesk was not running, so nothing was probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unwatched {
    /// The last probe seen before it stopped, when known.
    pub from: Option<DateTime<Utc>>,
    /// When it started again.
    pub to: DateTime<Utc>,
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
        let outage_over = |episode: &Episode| episode.outage && now.ongoing.iter().all(|(_, f)| f.slow);
        match (&mut self.episode, worst) {
            (Some(episode), _) if now.ongoing.is_empty() || outage_over(episode) => {
                self.lingering
                    .extend(now.ongoing.iter().map(|(i, f)| (*i, f.began)));
                self.episode = None;
                self.recovered_at = Some(now.recovered_at);
                events.push(HealthEvent::Recovered {
                    subsystem,
                    at: now.recovered_at,
                    unwatched: self.unwatched.take(),
                });
            }
            (Some(episode), worst) => {
                episode.checks.extend(now.ongoing.iter().map(|(i, _)| *i));
                episode.outage |= now.ongoing.iter().any(|(_, f)| !f.slow);
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
                        slow: fault.slow,
                    });
                }
            }
            (None, Some(_)) if suppressed => {}
            (None, Some(fault)) => {
                self.episode = Some(Episode {
                    severity: fault.severity,
                    checks: now.ongoing.iter().map(|(i, _)| *i).collect(),
                    outage: now.ongoing.iter().any(|(_, f)| !f.slow),
                });
                events.push(match self.recovered_at {
                    None => HealthEvent::FaultConfirmed {
                        subsystem,
                        check_id: fault.check_id,
                        detected_at: fault.detected_at,
                        severity: fault.severity,
                        detail: fault.detail,
                        slow: fault.slow,
                    },
                    Some(recovered_at) => HealthEvent::FailedAgain {
                        subsystem,
                        check_id: fault.check_id,
                        detected_at: fault.detected_at,
                        severity: fault.severity,
                        detail: fault.detail,
                        slow: fault.slow,
                        recovered_at,
                    },
                });
            }
            (None, None) => {}
        }
    }
}

impl SubsystemState {
    /// The engineer resolved the incident while its fault went on: end the episode without a recovery and
    /// keep what is still failing from opening a new incident at once; the next fault opens one.
    pub(super) fn incident_resolved(&mut self, ongoing: &[(usize, Fault)]) {
        if self.episode.take().is_some() {
            self.lingering.extend(ongoing.iter().map(|(i, f)| (*i, f.began)));
            self.recovered_at = None;
            self.unwatched = None;
        }
    }
}
