//! Which incident needs the engineer first, and how close each one is to costing points. Shared by the list
//! view and the key handling, so the row the cursor moves over is the row on screen.

use std::cmp::Ordering;
use std::sync::Arc;

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

/// Where an open incident stands: its index in the snapshot's open incidents, its next deadline and colour.
#[derive(Debug, Clone, Copy)]
struct Place {
    at: usize,
    next: Option<DeadlineStatus>,
    level: Level,
}

impl Place {
    fn ranked<'a>(&self, open: &'a [Arc<Incident>]) -> Option<Ranked<'a>> {
        Some(Ranked {
            incident: open.get(self.at)?,
            next: self.next,
            level: self.level,
        })
    }
}

/// The open incidents in [`ranked`] order.
fn places(snapshot: &Snapshot, now: DateTime<Utc>) -> Vec<Place> {
    let open = &snapshot.open_incidents;
    let mut out: Vec<Place> = open
        .iter()
        .enumerate()
        .map(|(at, incident)| {
            let next = incident.next_deadline(&snapshot.policy, now);
            let level = next.map_or(Level::Normal, |d| level(&d, incident.detected_at));
            Place { at, next, level }
        })
        .collect();
    out.sort_by(|a, b| match (a.ranked(open), b.ranked(open)) {
        (Some(a), Some(b)) => compare(&a, &b),
        _ => a.at.cmp(&b.at),
    });
    out
}

/// Open incidents, most urgent first: missed deadlines (longest overdue first), then the least time left, then
/// those without a deadline by severity and age.
pub fn ranked(snapshot: &Snapshot, now: DateTime<Utc>) -> Vec<Ranked<'_>> {
    places(snapshot, now)
        .iter()
        .filter_map(|p| p.ranked(&snapshot.open_incidents))
        .collect()
}

/// The ranked incidents that match `filter`: every whitespace-separated word must appear (ignoring case) in the
/// id, the title, the subsystem's id or name, the kind or the severity.
pub fn visible<'a>(snapshot: &'a Snapshot, now: DateTime<Utc>, filter: &str) -> Vec<Ranked<'a>> {
    let words = words(filter);
    let mut out = ranked(snapshot, now);
    if !words.is_empty() {
        out.retain(|r| words_in(&haystack(snapshot, r.incident), &words));
    }
    out
}

/// [`ranked`] and [`visible`] kept between frames: ranking a thousand open incidents (each one's deadlines, with
/// working days for security tickets) and matching them against the filter costs milliseconds, and a key must
/// not pay for it. The order is made once per snapshot and second ([`Listing::rerank`]), the text the filter
/// searches once per snapshot, and the filtered rows once per filter ([`Listing::refilter`]).
#[derive(Debug, Clone, Default)]
pub struct Listing {
    places: Vec<Place>,
    /// The lowercased text the filter searches, per open incident; made when a filter first needs it.
    search: Vec<String>,
    words: Vec<String>,
    /// Positions in `places` that the filter lets through.
    shown: Vec<usize>,
}

impl Listing {
    pub fn new(snapshot: &Snapshot, now: DateTime<Utc>, filter: &str) -> Listing {
        let mut listing = Listing {
            words: words(filter),
            ..Listing::default()
        };
        listing.rerank(snapshot, now);
        listing
    }

    /// Ranks again at `now`. Only for the snapshot the listing was made from: a new snapshot needs a new listing.
    pub fn rerank(&mut self, snapshot: &Snapshot, now: DateTime<Utc>) {
        self.places = places(snapshot, now);
        self.narrow(snapshot);
    }

    pub fn refilter(&mut self, snapshot: &Snapshot, filter: &str) {
        self.words = words(filter);
        self.narrow(snapshot);
    }

    fn narrow(&mut self, snapshot: &Snapshot) {
        if self.words.is_empty() {
            self.shown = (0..self.places.len()).collect();
            return;
        }
        if self.search.len() != snapshot.open_incidents.len() {
            self.search = snapshot
                .open_incidents
                .iter()
                .map(|i| haystack(snapshot, i))
                .collect();
        }
        let (search, words) = (&self.search, &self.words);
        self.shown = self
            .places
            .iter()
            .enumerate()
            .filter(|(_, p)| search.get(p.at).is_some_and(|text| words_in(text, words)))
            .map(|(row, _)| row)
            .collect();
    }

    /// Every open incident, as [`ranked`].
    pub fn all<'a>(&'a self, snapshot: &'a Snapshot) -> impl Iterator<Item = Ranked<'a>> {
        self.places
            .iter()
            .filter_map(|p| p.ranked(&snapshot.open_incidents))
    }

    /// The rows of the list, as [`visible`].
    pub fn visible<'a>(&'a self, snapshot: &'a Snapshot) -> impl Iterator<Item = Ranked<'a>> {
        self.shown
            .iter()
            .filter_map(|row| self.places.get(*row)?.ranked(&snapshot.open_incidents))
    }

    /// How many rows the list has.
    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }
}

/// Whether `incident` (open or resolved) matches `filter` as the incident list's filter does.
pub fn matches(snapshot: &Snapshot, incident: &Incident, filter: &str) -> bool {
    words_in(&haystack(snapshot, incident), &words(filter))
}

fn words(filter: &str) -> Vec<String> {
    filter.split_whitespace().map(str::to_lowercase).collect()
}

fn words_in(haystack: &str, words: &[String]) -> bool {
    words.iter().all(|w| haystack.contains(w.as_str()))
}

/// What the filter searches in an incident, lowercased.
fn haystack(snapshot: &Snapshot, incident: &Incident) -> String {
    let subsystem = incident.subsystem.as_deref().map(|id| {
        let name = snapshot
            .subsystems
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str());
        format!("{id} {}", name.unwrap_or_default())
    });
    format!(
        "{} {} {} {} {}",
        incident.id,
        incident.title,
        subsystem.unwrap_or_default(),
        incident.kind.as_str(),
        incident.severity.as_str()
    )
    .to_lowercase()
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
