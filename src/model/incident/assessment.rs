//! How an incident is judged against the contract: when each stage was done, its deadlines met or missed,
//! the score deduction a late fault costs, and the steps logged well after they happened.

use chrono::{DateTime, Utc};

use super::{Incident, Step};
use crate::model::DeadlineStatus;
use crate::policy::{Kind, Policy, Stage};

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

    /// A fault that missed any deadline (or is past one now) breaches the contract.
    pub fn is_breached(&self, policy: &Policy, now: DateTime<Utc>) -> bool {
        self.deadlines(policy, now).iter().any(|d| d.is_late())
    }

    /// What this incident costs the assessment score: its severity's deduction once, if it is a late fault.
    pub fn deduction(&self, policy: &Policy, now: DateTime<Utc>) -> f64 {
        if self.kind == Kind::Fault && self.is_breached(policy, now) {
            policy.deduction(self.severity)
        } else {
            0.0
        }
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
