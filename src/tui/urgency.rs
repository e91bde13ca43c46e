//! Which incident needs the engineer first, and how close each one is to costing points. Shared by the list
//! view and the key handling, so the row the cursor moves over is the row on screen.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};

use crate::engine::Snapshot;
use crate::model::{DeadlineState, DeadlineStatus, Incident};
use crate::policy::{Kind, Policy};

/// How a countdown is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Normal,
    /// Less than half of the time left.
    Warning,
    /// Less than a fifth of the time, or five minutes, left.
    Critical,
    /// Past the deadline.
    Late,
}

/// The level of a pending or missed deadline; `start` is when its clock started (detection).
pub fn level(status: &DeadlineStatus, start: DateTime<Utc>) -> Level {
    match status.state {
        DeadlineState::Late { .. } => Level::Late,
        DeadlineState::Met { .. } => Level::Normal,
        DeadlineState::Pending { left } => {
            let total = status.due - start;
            if left < Duration::minutes(5) || left * 5 < total {
                Level::Critical
            } else if left * 2 < total {
                Level::Warning
            } else {
                Level::Normal
            }
        }
    }
}

/// What the score stands to lose on an incident.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cost {
    /// A fault not yet late: this many points if its next deadline passes.
    AtRisk(f64),
    /// A fault already late: these points are lost.
    Lost(f64),
    None,
}

pub fn cost(incident: &Incident, policy: &Policy, now: DateTime<Utc>) -> Cost {
    if incident.kind != Kind::Fault {
        return Cost::None;
    }
    if incident.is_breached(policy, now) {
        Cost::Lost(policy.deduction(incident.severity))
    } else if incident.next_deadline(policy, now).is_some() {
        Cost::AtRisk(policy.deduction(incident.severity))
    } else {
        Cost::None
    }
}

/// One open incident with its next deadline, as listed.
#[derive(Debug, Clone)]
pub struct Ranked<'a> {
    pub incident: &'a Incident,
    pub next: Option<DeadlineStatus>,
    pub level: Level,
}

/// Open incidents, most urgent first: missed deadlines (longest overdue first), then the least time left, then
/// those without a deadline by severity and age.
pub fn ranked(snapshot: &Snapshot, now: DateTime<Utc>) -> Vec<Ranked<'_>> {
    let mut out: Vec<Ranked<'_>> = snapshot
        .open_incidents
        .iter()
        .map(|incident| {
            let next = incident.next_deadline(&snapshot.policy, now);
            let level = next.map_or(Level::Normal, |d| level(&d, incident.detected_at));
            Ranked {
                incident,
                next,
                level,
            }
        })
        .collect();
    out.sort_by(compare);
    out
}

/// The ranked incidents that match `filter`: every whitespace-separated word must appear (ignoring case) in the
/// id, the title, the subsystem's id or name, the kind or the severity.
pub fn visible<'a>(snapshot: &'a Snapshot, now: DateTime<Utc>, filter: &str) -> Vec<Ranked<'a>> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let mut out = ranked(snapshot, now);
    if !words.is_empty() {
        out.retain(|r| matches(snapshot, r.incident, &words));
    }
    out
}

fn matches(snapshot: &Snapshot, incident: &Incident, words: &[String]) -> bool {
    let subsystem = incident.subsystem.as_deref().map(|id| {
        let name = snapshot
            .subsystems
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str());
        format!("{id} {}", name.unwrap_or_default())
    });
    let haystack = format!(
        "{} {} {} {} {}",
        incident.id,
        incident.title,
        subsystem.unwrap_or_default(),
        incident.kind.as_str(),
        incident.severity.as_str()
    )
    .to_lowercase();
    words.iter().all(|w| haystack.contains(w.as_str()))
}

fn compare(a: &Ranked<'_>, b: &Ranked<'_>) -> Ordering {
    fn key(r: &Ranked<'_>) -> (u8, i64) {
        match r.next.map(|d| d.state) {
            Some(DeadlineState::Late { by, .. }) => (0, -by.num_seconds()),
            Some(DeadlineState::Pending { left }) => (1, left.num_seconds()),
            _ => (2, 0),
        }
    }
    key(a)
        .cmp(&key(b))
        .then(a.incident.severity.cmp(&b.incident.severity))
        .then(a.incident.detected_at.cmp(&b.incident.detected_at))
        .then(a.incident.id.cmp(&b.incident.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Stage;
    use chrono::TimeZone;

    fn status(total_min: i64, left_secs: i64) -> (DeadlineStatus, DateTime<Utc>) {
        let start = Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap();
        let due = start + Duration::minutes(total_min);
        let now = due - Duration::seconds(left_secs);
        (DeadlineStatus::evaluate(Stage::Plan, due, None, now), start)
    }

    #[test]
    fn colour_moves_at_half_a_fifth_and_five_minutes() {
        let at = |total, left| {
            let (s, start) = status(total, left);
            level(&s, start)
        };
        assert_eq!(at(120, 61 * 60), Level::Normal);
        assert_eq!(at(120, 59 * 60), Level::Warning);
        assert_eq!(at(120, 23 * 60), Level::Critical);
        assert_eq!(at(15, 301), Level::Warning);
        assert_eq!(at(15, 299), Level::Critical);
        assert_eq!(at(15, -1), Level::Late);
    }
}
