//! How an incident is judged against the contract: when each stage was done, its deadlines met or missed,
//! the score deduction a late fault costs, and the steps logged well after they happened.

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};

use super::{Incident, Step, TimelineKind};
use crate::model::DeadlineStatus;
use crate::policy::{Kind, Policy, Severity, Stage};

/// A deadline of an earlier severity that passed undone before the incident was reclassified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierMiss {
    pub severity: Severity,
    pub stage: Stage,
    pub due: DateTime<Utc>,
    pub reclassified_at: DateTime<Utc>,
}

impl Incident {
    /// When each stage was done, if it was.
    pub fn done_at(&self, stage: Stage) -> Option<DateTime<Utc>> {
        let resolved = self.resolved.as_ref().map(|s| s.at);
        match stage {
            Stage::Respond => self.acknowledged.as_ref().map(|s| s.at),
            Stage::Plan => min_opt(self.planned.as_ref().map(|s| s.at), resolved),
            Stage::Recover => match self.kind {
                Kind::Fault | Kind::Support => min_opt(self.restored_at, resolved),
                Kind::Change | Kind::Security => resolved,
            },
        }
    }

    pub fn deadlines(&self, policy: &Policy, now: DateTime<Utc>) -> Vec<DeadlineStatus> {
        policy
            .deadlines(self.kind, self.severity, self.detected_at, self.due)
            .into_iter()
            .map(|(stage, due)| DeadlineStatus::evaluate(stage, due, self.done_at(stage), now))
            .collect()
    }

    /// The first deadline not yet done, if any.
    pub fn next_deadline(&self, policy: &Policy, now: DateTime<Utc>) -> Option<DeadlineStatus> {
        self.deadlines(policy, now).into_iter().find(|d| d.is_pending())
    }

    /// A fault that missed any deadline (or is past one now) breaches the contract, including a deadline
    /// missed under a severity it was reclassified from.
    pub fn is_breached(&self, policy: &Policy, now: DateTime<Utc>) -> bool {
        self.deadlines(policy, now).iter().any(|d| d.is_late()) || !self.earlier_misses(policy).is_empty()
    }

    /// The severity a late fault is charged at: the most severe one under which it missed a deadline.
    pub fn charged_severity(&self, policy: &Policy, now: DateTime<Utc>) -> Option<Severity> {
        let now_late = self.deadlines(policy, now).iter().any(|d| d.is_late());
        now_late
            .then_some(self.severity)
            .into_iter()
            .chain(self.earlier_misses(policy).iter().map(|m| m.severity))
            .min()
    }

    /// What this incident costs the assessment score: once, the deduction of the severity it is charged at.
    pub fn deduction(&self, policy: &Policy, now: DateTime<Utc>) -> f64 {
        match (self.kind, self.charged_severity(policy, now)) {
            (Kind::Fault, Some(severity)) => policy.deduction(severity),
            _ => 0.0,
        }
    }

    /// Deadlines missed while the incident had a severity it was later reclassified from. The contract
    /// deducts for each fault whose response or resolution "exceeded the contract's time"; a deadline that
    /// passed undone while it was in force was exceeded, and reclassifying afterwards does not undo that. (An
    /// agreed due time of a minor fault is not carried over: minor faults have no fixed deadline.)
    pub fn earlier_misses(&self, policy: &Policy) -> Vec<EarlierMiss> {
        let changes: Vec<(DateTime<Utc>, Severity, Severity)> = self
            .timeline
            .iter()
            .filter_map(|e| match e.kind {
                TimelineKind::Reclassified { from, to, .. } => Some((e.at, from, to)),
                _ => None,
            })
            .collect();
        let mut misses = Vec::new();
        for (until, severity, _) in changes {
            for (stage, due) in policy.deadlines(self.kind, severity, self.detected_at, None) {
                let done_in_time = self.done_at(stage).is_some_and(|done| done <= due);
                if due < until && !done_in_time {
                    misses.push(EarlierMiss {
                        severity,
                        stage,
                        due,
                        reclassified_at: until,
                    });
                }
            }
        }
        misses
    }

    /// Steps logged well after they happened.
    pub fn backdated_steps(&self) -> Vec<(&'static str, &Step)> {
        [
            ("acknowledged", &self.acknowledged),
            ("planned", &self.planned),
            ("resolved", &self.resolved),
        ]
        .into_iter()
        .filter_map(|(what, step)| step.as_ref().filter(|s| s.is_backdated()).map(|s| (what, s)))
        .chain((self.opened.is_backdated() && self.source.is_none()).then_some(("detected", &self.opened)))
        .collect()
    }
}

fn min_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
