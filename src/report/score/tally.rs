//! What the score reads of a quarter's incidents, summed one incident at a time.

use chrono::{DateTime, Utc};

use super::{FaultCost, ScoreInput};
use crate::model::Incident;
use crate::policy::{Kind, Policy, Severity, Stage};

/// A quarter's incidents as the score counts them, summed one incident at a time, so that a report over a big
/// quarter need not hold its incidents to score them, and the engine can keep each incident's share (see
/// `src/engine/records/score_inputs.rs`) instead of the incident. Tallies add up with `merge`.
///
/// The late faults are counted by the severity they are charged as, which is all the points need; their costs
/// are listed for the pages that show them — every one, or only the newest once `keep_newest` trimmed the list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentTally {
    /// Incidents of every kind detected in the quarter.
    pub incidents: usize,
    pub(super) faults: usize,
    /// The faults that missed a deadline, by the severity charged (indexed like `Severity::ALL`).
    late: [usize; 3],
    /// The costs of late faults in the order they were added: all of them, or the last ones of that order
    /// once trimmed.
    costs: Vec<FaultCost>,
    pub(super) resolved: usize,
    pub(super) archived: usize,
    pub(super) server_on_time: usize,
    pub(super) server_late: usize,
}

impl IncidentTally {
    /// The tally of the input's incidents detected in its quarter.
    pub fn of(input: &ScoreInput) -> IncidentTally {
        let cal = &input.policy.calendar;
        let mut tally = IncidentTally::default();
        for i in input
            .incidents
            .iter()
            .filter(|i| input.quarter.contains(cal.local_day(i.detected_at)))
        {
            tally.add(i, input.policy, input.now);
        }
        tally
    }

    /// The share of one incident detected in the quarter, as of `now`.
    pub fn one(i: &Incident, policy: &Policy, now: DateTime<Utc>) -> IncidentTally {
        let mut tally = IncidentTally::default();
        tally.add(i, policy, now);
        tally
    }

    /// The share of one incident if no passing of time can change it any more (every deadline and reporting
    /// window it is measured against is behind it, met or missed), else `None`: it is the same as of `now`
    /// and a century on, and lateness only grows with time.
    pub fn settled(i: &Incident, policy: &Policy, now: DateTime<Utc>) -> Option<IncidentTally> {
        let share = IncidentTally::one(i, policy, now);
        let later = now + chrono::Duration::days(36_525);
        (share == IncidentTally::one(i, policy, later)).then_some(share)
    }

    /// How many faults missed a deadline (listed or not).
    pub fn late_faults(&self) -> usize {
        self.late.iter().sum()
    }

    /// The points the late faults cost under `policy`, before the item's floor at 0: the same whatever order
    /// the tally was summed in.
    pub fn deductions(&self, policy: &Policy) -> f64 {
        Severity::ALL
            .iter()
            .zip(self.late)
            .map(|(s, n)| n as f64 * policy.deduction(*s))
            .sum()
    }

    /// The costs listed: every late fault's, unless trimmed, in the order added.
    pub fn costs(&self) -> &[FaultCost] {
        &self.costs
    }

    /// The costs listed so far, no longer listed here (the counts stay whole).
    pub fn take_costs(&mut self) -> Vec<FaultCost> {
        std::mem::take(&mut self.costs)
    }

    /// Lists only the last `n` costs added (the counts stay whole).
    pub fn keep_newest(&mut self, n: usize) {
        let extra = self.costs.len().saturating_sub(n);
        self.costs.drain(..extra);
    }

    /// Adds `other`'s counts to these, its costs after these.
    pub fn merge(&mut self, other: &IncidentTally) {
        self.merge_counts(other);
        self.costs.extend(other.costs.iter().cloned());
    }

    /// Adds `other`'s counts to these, leaving the costs listed as they are.
    pub fn merge_counts(&mut self, other: &IncidentTally) {
        // Spelled out field by field, so that a new field cannot be forgotten here (`costs` is `merge`'s).
        let IncidentTally {
            incidents,
            faults,
            late,
            costs: _,
            resolved,
            archived,
            server_on_time,
            server_late,
        } = other;
        self.incidents += incidents;
        self.faults += faults;
        for (mine, theirs) in self.late.iter_mut().zip(late) {
            *mine += theirs;
        }
        self.resolved += resolved;
        self.archived += archived;
        self.server_on_time += server_on_time;
        self.server_late += server_late;
    }

    /// Lists `costs` before the costs listed (they were added earlier), keeping at most `n` in all.
    pub fn prepend_costs(&mut self, costs: &[FaultCost], n: usize) {
        let room = n.saturating_sub(self.costs.len());
        let earlier = &costs[costs.len().saturating_sub(room)..];
        self.costs.splice(0..0, earlier.iter().cloned());
    }

    /// Counts one incident detected in the quarter.
    pub fn add(&mut self, i: &Incident, policy: &Policy, now: DateTime<Utc>) {
        self.incidents += 1;
        // Server faults (opened by a host gauge, or by hand naming a host) must be reported within
        // `policy.server_report`; one still inside that window is not counted yet.
        if i.kind == Kind::Fault && i.server().is_some() {
            let limit = policy.server_report;
            match &i.acknowledged {
                Some(ack) if ack.at - i.detected_at <= limit => self.server_on_time += 1,
                Some(_) => self.server_late += 1,
                None if now - i.detected_at > limit => self.server_late += 1,
                None => {}
            }
        }
        if i.kind != Kind::Fault {
            return;
        }
        self.faults += 1;
        if let Some(cost) = fault_cost(i, policy, now) {
            if let Some(n) = Severity::ALL.iter().position(|s| *s == cost.charged_as)
                && let Some(late) = self.late.get_mut(n)
            {
                *late += 1;
            }
            self.costs.push(cost);
        }
        if i.resolved.is_some() {
            self.resolved += 1;
            if i.resolution
                .as_ref()
                .is_some_and(|r| !r.cause.trim().is_empty() && !r.process.trim().is_empty())
            {
                self.archived += 1;
            }
        }
    }
}

/// The deduction a fault costs, if any of its deadlines was (or is now) missed — including one missed under a
/// severity it was later reclassified from: it is charged once, at the most severe such severity.
pub fn fault_cost(incident: &Incident, policy: &Policy, now: DateTime<Utc>) -> Option<FaultCost> {
    if incident.kind != Kind::Fault {
        return None;
    }
    let charged = incident.charged_severity(policy, now)?;
    let mut late: Vec<Stage> = incident
        .deadlines(policy, now)
        .iter()
        .filter(|d| d.is_late())
        .map(|d| d.stage)
        .chain(incident.earlier_misses(policy).iter().map(|m| m.stage))
        .collect();
    late.sort();
    late.dedup();
    Some(FaultCost {
        id: incident.id.to_string(),
        severity: incident.severity,
        charged_as: charged,
        title: incident.title.clone(),
        late,
        deduction: policy.deduction(charged),
        open: incident.is_open(),
    })
}
