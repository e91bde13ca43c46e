//! What the snapshot carries about records — the reminders and the live score — kept between snapshots. The
//! engine publishes often (every probe result), so the score is recomputed only when something it depends on
//! may have changed — a new audit event (every write makes one; at most every few seconds), a new local day,
//! or the moment an open incident's next deadline or today's reminder hour passes — and each tick sums at
//! most one finished day of probe history into day rollups.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::super::{Engine, RecordsStatus, ScoreSummary};
use super::score_inputs::{HalfYearShares, READ_INLINE_UP_TO, ScoreInputs};
use crate::hosts::HostSample;
use crate::model::{DailyRecord, HostPeak, MonthlyRecord, Quarter, day_start};
use crate::policy::Calendar;
use crate::report::availability;
use crate::report::score::Score;
use crate::store::{StoreError, TreeName};

/// Writes by others (incident commands, the monitor) refresh the score at most this often; the engine's own
/// records commands refresh it at once.
const MIN_INTERVAL: Duration = Duration::seconds(3);

#[derive(Debug, Default)]
pub(in crate::engine) struct RecordsCache {
    /// Host peaks of today and yesterday (so yesterday's record saved after midnight still has them).
    peaks: BTreeMap<NaiveDate, BTreeMap<String, HostPeak>>,
    status: RecordsStatus,
    score: Option<ScoreSummary>,
    key: Option<CacheKey>,
    /// The newest day summed into day rollups, and how far back the summing has gone.
    sealed_latest: Option<NaiveDate>,
    sealed_back_to: Option<NaiveDate>,
    /// What the score reads of the half-year's incidents, kept in step with every change.
    pub(in crate::engine) inputs: ScoreInputs,
}

#[derive(Debug, Clone, PartialEq)]
struct CacheKey {
    computed_at: DateTime<Utc>,
    last_event: u64,
    day: NaiveDate,
    /// The first moment the figures can change with no new event.
    recheck_at: DateTime<Utc>,
}

impl RecordsCache {
    pub(in crate::engine) fn observe_host(&mut self, sample: &HostSample, calendar: &Calendar) {
        let day = calendar.local_day(sample.at);
        self.peaks
            .entry(day)
            .or_default()
            .entry(sample.host.clone())
            .or_insert_with(|| HostPeak {
                name: sample.host.clone(),
                ..HostPeak::default()
            })
            .observe(&sample.reading);
        while self.peaks.len() > 2 {
            self.peaks.pop_first();
        }
    }

    pub(in crate::engine) fn host_peaks(&self, day: NaiveDate) -> Option<Vec<HostPeak>> {
        self.peaks
            .get(&day)
            .map(|hosts| hosts.values().cloned().collect())
    }

    pub(in crate::engine) fn status(&self) -> RecordsStatus {
        self.status.clone()
    }

    pub(in crate::engine) fn score(&self) -> Option<ScoreSummary> {
        self.score.clone()
    }

    /// An incident was opened or changed and stored.
    pub(in crate::engine) fn incident_changed(&mut self, incident: &crate::model::Incident) {
        self.inputs.incident_changed(incident);
    }

    /// Forces the next refresh to recompute.
    pub(in crate::engine) fn invalidate(&mut self) {
        self.key = None;
    }
}

/// The most faults a snapshot lists: it is built for every probe result and sent to every attached dashboard,
/// so a year of late faults is left to the score page (which lists them all, read off the engine task) and
/// counted here; the live score is made with only these listed (see `score_inputs`).
pub const SUMMARY_FAULTS: usize = 50;

/// The snapshot's view of a score: the newest `SUMMARY_FAULTS` of its faults.
pub fn summary(score: &Score) -> ScoreSummary {
    ScoreSummary {
        quarter: score.quarter.to_string(),
        total: score.total,
        fault_deductions: score.fault_deductions.min(15.0),
        fee_pct: score.payment.fee_pct,
        may_cancel: score.payment.may_cancel,
        lines: score.lines.clone(),
        faults: score.faults[score.faults.len().saturating_sub(SUMMARY_FAULTS)..].to_vec(),
        faults_count: score.late_faults,
        not_entered: score.not_entered.clone(),
        half_year_mean: score.half_year.as_ref().map(|h| h.mean),
    }
}

impl Engine {
    /// Brings the reminders and the score up to date if they may have changed; marks the snapshot dirty when
    /// they did.
    pub(in crate::engine) fn refresh_records(&mut self) {
        let now = self.clock.now();
        self.seal_history(now);
        let cal = &self.policy.calendar;
        let day = cal.local_day(now);
        let last_event = match self.store.tree(TreeName::Events).last() {
            Ok(Some((k, _))) => k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0),
            Ok(None) => 0,
            Err(e) => {
                self.engine_error = Some(StoreError::from(e).to_string());
                return;
            }
        };
        if let Some(key) = &self.records.key
            && key.day == day
            && now < key.recheck_at
            && (key.last_event == last_event || now - key.computed_at < MIN_INTERVAL)
        {
            return;
        }
        let turns = self.turns.clone();
        match turns.time("score refresh", || self.compute_records(now, day)) {
            Ok((status, score)) => {
                if status != self.records.status {
                    self.records.status = status;
                    self.dirty = true;
                }
                // While the half-year is being read the last score stays, and the next refresh tries again.
                let Some(score) = score.map(|s| summary(&s)) else {
                    return;
                };
                if Some(&score) != self.records.score.as_ref() {
                    self.records.score = Some(score);
                    self.dirty = true;
                }
                self.records.key = Some(CacheKey {
                    computed_at: now,
                    last_event,
                    day,
                    recheck_at: self.recheck_at(now, day),
                });
            }
            Err(e) => {
                self.engine_error = Some(e.to_string());
                self.dirty = true;
            }
        }
    }

    /// Sums one past local day of every subsystem into day rollups per call: the newest finished day first,
    /// then backwards through this quarter and the last, so a quarterly report reads days, not minutes.
    fn seal_history(&mut self, now: DateTime<Utc>) {
        let zone = self.policy.calendar.zone;
        let today = self.policy.calendar.local_day(now);
        let yesterday = today.pred_opt().unwrap_or(today);
        let newest = if now >= day_start(zone, today) + availability::SEAL_AFTER {
            yesterday
        } else {
            yesterday.pred_opt().unwrap_or(yesterday)
        };
        let oldest = Quarter::of_day(today).prev().first_day();
        let day = if self.records.sealed_latest.is_none_or(|d| d < newest) {
            newest
        } else {
            match self.records.sealed_back_to.and_then(|d| d.pred_opt()) {
                Some(d) if d >= oldest => d,
                _ => return,
            }
        };
        for sub in &self.config.subsystems {
            if let Err(e) = availability::seal_day(&self.store, zone, &sub.id, day, now) {
                self.engine_error = Some(e.to_string());
                self.dirty = true;
                return;
            }
        }
        if day == newest {
            self.records.sealed_latest = Some(newest);
            self.records.sealed_back_to = Some(self.records.sealed_back_to.map_or(newest, |d| d.min(newest)));
        } else {
            self.records.sealed_back_to = Some(day);
        }
    }

    fn compute_records(
        &mut self,
        now: DateTime<Utc>,
        day: NaiveDate,
    ) -> Result<(RecordsStatus, Option<Score>), StoreError> {
        let local_hour = now.with_timezone(&self.policy.calendar.zone).time();
        let past_reminder = local_hour >= reminder_time(self.config.daily_reminder_hour);
        let has_today = self
            .store
            .tree(TreeName::Daily)
            .contains_key(DailyRecord::key(day))?;
        let has_month = self
            .store
            .tree(TreeName::Monthly)
            .scan_prefix(MonthlyRecord::month_prefix(day))
            .next()
            .transpose()?
            .is_some();
        let status = RecordsStatus {
            daily_missing: past_reminder && !has_today,
            monthly_missing: !has_month,
        };
        let score = self.live_score(Quarter::of_day(day), now).transpose()?;
        Ok((status, score))
    }

    /// The score of `quarter` from the kept inputs, or `None` while its half-year is being read. The read is
    /// started here when the half-year is not held: on the spot for a small year, else off the engine task.
    pub(in crate::engine) fn live_score(
        &mut self,
        quarter: Quarter,
        now: DateTime<Utc>,
    ) -> Option<Result<Score, StoreError>> {
        let zone = self.policy.calendar.zone;
        if !self.records.inputs.has(quarter, zone) {
            let in_year = match self.store.incidents_in_year(quarter.year) {
                Ok(n) => n,
                Err(e) => return Some(Err(e)),
            };
            let (store, policy) = (self.store.reader(), self.policy.clone());
            let read = move || HalfYearShares::read(&store, &policy, quarter, now);
            if in_year <= READ_INLINE_UP_TO || tokio::runtime::Handle::try_current().is_err() {
                match read() {
                    Ok(shares) => self.records.inputs.hold(shares),
                    Err(e) => return Some(Err(e)),
                }
            } else {
                self.records.inputs.read_off_task(quarter, zone, read);
            }
        }
        self.records.inputs.score(&self.store, &self.policy, quarter, now)
    }

    /// The half-year read off the engine task came back: the score is recomputed from it.
    pub(in crate::engine) fn score_inputs_read(
        &mut self,
        result: Result<Result<HalfYearShares, StoreError>, tokio::task::JoinError>,
    ) {
        let failed = match result {
            Ok(read) => self
                .records
                .inputs
                .read_returned(read)
                .err()
                .map(|e| e.to_string()),
            Err(e) => {
                self.records.inputs.read_returned_nothing();
                Some(e.to_string())
            }
        };
        if let Some(e) = failed {
            self.engine_error = Some(format!(
                "the live score could not read this half-year's incidents: {e}"
            ));
        }
        self.records.invalidate();
        self.refresh_records();
        self.dirty = true;
    }

    /// The next moment the status or the score changes by itself: the reminder hour, midnight, or an open
    /// incident's next deadline.
    pub(in crate::engine) fn recheck_at(&self, now: DateTime<Utc>, day: NaiveDate) -> DateTime<Utc> {
        let zone = self.policy.calendar.zone;
        let midnight = day_start(zone, day.succ_opt().unwrap_or(day));
        let reminder = day_start(zone, day) + Duration::hours(self.config.daily_reminder_hour as i64);
        let next_due = self.open.first_due_after(now);
        [Some(midnight), (reminder > now).then_some(reminder), next_due]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(midnight)
    }
}

fn reminder_time(hour: u32) -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(chrono::NaiveTime::MIN)
}
