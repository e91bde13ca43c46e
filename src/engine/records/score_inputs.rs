//! What the live score knows of the half-year's incidents: each incident's share of the score (an
//! `IncidentTally` of one), not the incident. A share that time can no longer change is summed once per chunk
//! of incident numbers and the sum kept; the few that can (open incidents, a host fault still inside its
//! reporting window) are kept whole and tallied again at each refresh. A chunk's sum counts its late faults by
//! the severity charged and lists only the newest `SUMMARY_FAULTS` of them (what the snapshot shows), so a
//! refresh costs the number of chunks and open incidents, not the size of the year nor its number of late
//! faults, and a change replaces one share. The score page, which lists every late fault, is read from the
//! store off the engine task.
//!
//! The half-year is read from the store once — when the engine starts and when a new quarter begins — in one
//! pass that holds no incident. A small year is read on the spot; a big one on the blocking pool, while the
//! engine goes on and notes every incident that changes meanwhile, to lay over what the read returns.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use tokio::task::{JoinError, JoinHandle};

use super::cache::SUMMARY_FAULTS;
use crate::model::{Incident, IncidentId, Quarter};
use crate::policy::Policy;
use crate::report::score::{self, IncidentTally, Score};
use crate::store::{StoreError, StoreReader};

/// Incident numbers summed together: a change re-sums at most this many shares.
const CHUNK: u32 = 512;

/// Up to this many incidents in the year, the half-year is read on the engine task (a few milliseconds).
pub(in crate::engine) const READ_INLINE_UP_TO: u32 = 2_000;

/// The half-year the live score reads, and the read of a new one in flight.
#[derive(Debug, Default)]
pub(in crate::engine) struct ScoreInputs {
    held: Option<HalfYearShares>,
    reading: Option<Reading>,
}

/// A read of the half-year running off the engine task.
#[derive(Debug)]
struct Reading {
    quarter: Quarter,
    zone: Tz,
    task: Option<JoinHandle<Result<HalfYearShares, StoreError>>>,
    /// Incidents changed since the read began, in their latest state.
    changed: BTreeMap<IncidentId, Incident>,
}

/// The shares of the incidents detected in a quarter and in the other quarter of its half-year.
#[derive(Debug)]
pub(in crate::engine) struct HalfYearShares {
    quarter: Quarter,
    /// The other quarter of its half year (see `Contract::partner`).
    partner: Quarter,
    zone: Tz,
    /// Indexed like `[quarter, partner]` (the other quarter of its half year, see `Contract::partner`).
    quarters: [QuarterShares; 2],
}

#[derive(Debug, Default)]
struct QuarterShares {
    chunks: BTreeMap<(i32, u32), Chunk>,
}

#[derive(Debug, Default)]
struct Chunk {
    shares: BTreeMap<IncidentId, Share>,
    /// The sum of the shares, listing the costs of its newest `LISTED` late faults only; kept from one refresh
    /// to the next while none of the shares is live.
    sum: Option<IncidentTally>,
    /// Some share was live when `sum` was made: it is made again at the next refresh.
    live: bool,
}

/// How many late faults a score made for the dashboard lists (the rest are counted).
const LISTED: usize = SUMMARY_FAULTS;

#[derive(Debug)]
enum Share {
    /// No passing of time can change it.
    Settled(IncidentTally),
    /// Tallied again at each refresh until it settles.
    Live(Box<Incident>),
}

impl ScoreInputs {
    /// The half-year of `quarter` is held, or being read.
    pub(in crate::engine) fn has(&self, quarter: Quarter, zone: Tz) -> bool {
        let matches = |q: Quarter, z: Tz| q == quarter && z == zone;
        self.held.as_ref().is_some_and(|h| matches(h.quarter, h.zone))
            || self.reading.as_ref().is_some_and(|r| matches(r.quarter, r.zone))
    }

    /// Holds what was read on the spot.
    pub(in crate::engine) fn hold(&mut self, shares: HalfYearShares) {
        self.reading = None;
        self.held = Some(shares);
    }

    /// Starts `read` of the half-year of `quarter` on the blocking pool; changes are noted from now on.
    pub(in crate::engine) fn read_off_task(
        &mut self,
        quarter: Quarter,
        zone: Tz,
        read: impl FnOnce() -> Result<HalfYearShares, StoreError> + Send + 'static,
    ) {
        self.reading = Some(Reading {
            quarter,
            zone,
            task: Some(tokio::task::spawn_blocking(read)),
            changed: BTreeMap::new(),
        });
    }

    /// Waits for the read in flight (forever when there is none). Cancel-safe: the read goes on if this is
    /// dropped.
    pub(in crate::engine) async fn read_finished(
        &mut self,
    ) -> Result<Result<HalfYearShares, StoreError>, JoinError> {
        match self.reading.as_mut().and_then(|r| r.task.as_mut()) {
            Some(task) => {
                let result = task.await;
                if let Some(reading) = &mut self.reading {
                    reading.task = None;
                }
                result
            }
            None => std::future::pending().await,
        }
    }

    /// The read came back: what changed while it ran is laid over it. A read that failed is dropped, and the
    /// next refresh starts another.
    pub(in crate::engine) fn read_returned(
        &mut self,
        result: Result<HalfYearShares, StoreError>,
    ) -> Result<(), StoreError> {
        let Some(reading) = self.reading.take() else {
            return Ok(());
        };
        let mut shares = result?;
        if shares.quarter == reading.quarter && shares.zone == reading.zone {
            for incident in reading.changed.into_values() {
                shares.incident_changed(incident);
            }
            self.held = Some(shares);
        }
        Ok(())
    }

    /// The read in flight, if any, given up (for shutdown: wait for it before letting the store go).
    pub(in crate::engine) fn stop_reading(
        &mut self,
    ) -> Option<JoinHandle<Result<HalfYearShares, StoreError>>> {
        self.reading.take().and_then(|r| r.task)
    }

    /// The read ended without an answer (its task failed); the next refresh starts another.
    pub(in crate::engine) fn read_returned_nothing(&mut self) {
        self.reading = None;
    }

    /// An incident was opened or changed (and stored).
    pub(in crate::engine) fn incident_changed(&mut self, incident: &Incident) {
        if let Some(held) = &mut self.held {
            held.incident_changed(incident.clone());
        }
        if let Some(reading) = &mut self.reading {
            reading.changed.insert(incident.id, incident.clone());
        }
    }

    /// The score of `quarter` as of `now` with its half-year figure, when its half-year is held: the incidents'
    /// shares from memory, the small records (days, hand-entered items) from the store. It lists the newest
    /// `LISTED` late faults and counts them all.
    pub(in crate::engine) fn score(
        &mut self,
        store: &StoreReader,
        policy: &Policy,
        quarter: Quarter,
        now: DateTime<Utc>,
    ) -> Option<Result<Score, StoreError>> {
        let held = self.held.as_mut().filter(|h| {
            h.quarter == quarter
                && h.partner == policy.contract.partner(quarter)
                && h.zone == policy.calendar.zone
        })?;
        let [this, other] = &mut held.quarters;
        let tallies = [this.tally(policy, now), other.tally(policy, now)];
        Some(score_from(store, policy, quarter, now, &tallies))
    }
}

fn score_from(
    store: &StoreReader,
    policy: &Policy,
    quarter: Quarter,
    now: DateTime<Utc>,
    [this_tally, other_tally]: &[IncidentTally; 2],
) -> Result<Score, StoreError> {
    let partner = policy.contract.partner(quarter);
    let this = score::records_besides_incidents(store, quarter)?;
    let other = score::records_besides_incidents(store, partner)?;
    Ok(score::with_half_year_tallied(
        (&this.input(quarter, now, policy), this_tally),
        (&other.input(partner, now, policy), other_tally),
    ))
}

impl HalfYearShares {
    /// Reads the half-year of `quarter` from the store: one pass over its year, holding no incident.
    pub(in crate::engine) fn read(
        store: &StoreReader,
        policy: &Policy,
        quarter: Quarter,
        now: DateTime<Utc>,
    ) -> Result<HalfYearShares, StoreError> {
        let zone = policy.calendar.zone;
        let partner = policy.contract.partner(quarter);
        let mut quarters = [QuarterShares::default(), QuarterShares::default()];
        score::for_each_incident_of(store, [quarter, partner], zone, |n, incident| {
            if let Some(shares) = quarters.get_mut(n) {
                shares.put(incident, Some((policy, now)));
            }
        })?;
        // The chunks are summed here too, so that the first refresh on the engine task finds their sums made.
        for shares in &mut quarters {
            shares.tally(policy, now);
        }
        Ok(HalfYearShares {
            quarter,
            partner,
            zone,
            quarters,
        })
    }

    /// Keeps the latest state of an incident detected in the half-year; its detection time decides the quarter
    /// and never changes. It counts as live until the next refresh sees it settled.
    fn incident_changed(&mut self, incident: Incident) {
        let day = incident.detected_at.with_timezone(&self.zone).date_naive();
        let quarters = [self.quarter, self.partner];
        if let Some(shares) = quarters
            .iter()
            .position(|q| q.contains(day))
            .and_then(|n| self.quarters.get_mut(n))
        {
            shares.put(incident, None);
        }
    }
}

impl QuarterShares {
    /// Keeps `incident`'s share, settled at once when `as_of` is given and time can no longer change it.
    fn put(&mut self, incident: Incident, as_of: Option<(&Policy, DateTime<Utc>)>) {
        let id = incident.id;
        let share = match as_of.and_then(|(policy, now)| IncidentTally::settled(&incident, policy, now)) {
            Some(tally) => Share::Settled(tally),
            None => Share::Live(Box::new(incident)),
        };
        let chunk = self.chunks.entry((id.year, id.seq / CHUNK)).or_default();
        chunk.shares.insert(id, share);
        chunk.sum = None;
    }

    /// The sum of every share as of `now`, listing the costs of the newest `LISTED` late faults: the chunks'
    /// kept sums, and the shares of the chunks that hold a live one (or changed) summed again.
    fn tally(&mut self, policy: &Policy, now: DateTime<Utc>) -> IncidentTally {
        let mut total = IncidentTally::default();
        for chunk in self.chunks.values_mut() {
            total.merge_counts(chunk.sum(policy, now));
        }
        for sum in self.chunks.values().rev().filter_map(|c| c.sum.as_ref()) {
            if total.costs().len() >= LISTED {
                break;
            }
            total.prepend_costs(sum.costs(), LISTED);
        }
        total
    }
}

impl Chunk {
    /// The sum of the shares as of `now`, listing the newest `LISTED` costs; made again only when a share is
    /// live or changed.
    fn sum(&mut self, policy: &Policy, now: DateTime<Utc>) -> &IncidentTally {
        if self.live || self.sum.is_none() {
            let mut sum = IncidentTally::default();
            let mut live = false;
            // Newest first, so that only the costs listed are copied.
            for share in self.shares.values_mut().rev() {
                let tally = share.as_of(policy, now);
                live |= matches!(tally, Cow::Owned(_));
                sum.merge_counts(&tally);
                sum.prepend_costs(tally.costs(), LISTED);
            }
            self.live = live;
            self.sum = Some(sum);
        }
        self.sum.get_or_insert_default()
    }
}

impl Share {
    /// The share as of `now`: a live share that time can no longer change is settled on the way (borrowed),
    /// one that still can is tallied afresh (owned).
    fn as_of(&mut self, policy: &Policy, now: DateTime<Utc>) -> Cow<'_, IncidentTally> {
        if let Share::Live(incident) = self
            && let Some(tally) = IncidentTally::settled(incident, policy, now)
        {
            *self = Share::Settled(tally);
        }
        match self {
            Share::Settled(tally) => Cow::Borrowed(tally),
            Share::Live(incident) => Cow::Owned(IncidentTally::one(incident, policy, now)),
        }
    }
}

#[cfg(test)]
mod tests;
