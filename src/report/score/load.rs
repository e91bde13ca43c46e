//! Gathering one quarter's records from the store, and the half-year figure.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{HalfYear, Score, ScoreInput, compute, payment, round2};
use crate::model::{DailyRecord, HandEntry, Incident, Quarter, QuarterlyProduced};
use crate::policy::{Kind, Policy};
use crate::store::{Store, StoreError, TreeName};

/// Everything stored for one quarter that the score reads.
#[derive(Debug, Clone, Default)]
pub struct QuarterRecords {
    /// Incidents detected in the quarter (found under the quarter's year: numbers carry the local year of
    /// detection).
    pub incidents: Vec<Incident>,
    pub daily: Vec<DailyRecord>,
    pub hand: Vec<HandEntry>,
    pub produced: Option<QuarterlyProduced>,
}

impl QuarterRecords {
    pub fn input<'a>(&'a self, quarter: Quarter, now: DateTime<Utc>, policy: &'a Policy) -> ScoreInput<'a> {
        ScoreInput {
            quarter,
            now,
            policy,
            incidents: &self.incidents,
            daily: &self.daily,
            hand: &self.hand,
            produced: self.produced.as_ref(),
        }
    }

    /// Anything at all was recorded for `quarter`.
    fn has_any(&self, quarter: Quarter, policy: &Policy) -> bool {
        let cal = &policy.calendar;
        !self.daily.is_empty()
            || !self.hand.is_empty()
            || self.produced.is_some()
            || self
                .incidents
                .iter()
                .any(|i| quarter.contains(cal.local_day(i.detected_at)))
    }
}

/// Just the detection time, to pick a quarter's incidents without decoding every one in full.
#[derive(serde::Deserialize)]
struct Detected {
    detected_at: DateTime<Utc>,
}

pub fn load_quarter_records(store: &Store, quarter: Quarter, zone: Tz) -> Result<QuarterRecords, StoreError> {
    let prefix = (quarter.year as u32).to_be_bytes();
    let corrupt = |key: &[u8], e: serde_json::Error| StoreError::Corrupt {
        tree: "incidents",
        key: crate::store::display_key(key),
        reason: e.to_string(),
    };
    let mut incidents = Vec::new();
    for item in store.tree(TreeName::Incidents).scan_prefix(prefix) {
        let (key, value) = item?;
        let detected: Detected = serde_json::from_slice(&value).map_err(|e| corrupt(&key, e))?;
        if quarter.contains(detected.detected_at.with_timezone(&zone).date_naive()) {
            incidents.push(serde_json::from_slice::<Incident>(&value).map_err(|e| corrupt(&key, e))?);
        }
    }
    let daily = daily_between(store, quarter.first_day(), quarter.last_day())?;
    let hand = store
        .scan_prefix_json::<HandEntry>(TreeName::Scores, HandEntry::prefix(quarter).as_bytes())
        .collect::<Result<Vec<_>, _>>()?;
    let produced = store.get_json(TreeName::Scores, QuarterlyProduced::key(quarter).as_bytes())?;
    Ok(QuarterRecords {
        incidents,
        daily,
        hand,
        produced,
    })
}

/// Daily records from `first` to `last` inclusive, by date.
pub fn daily_between(
    store: &Store,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> Result<Vec<DailyRecord>, StoreError> {
    let tree = store.tree(TreeName::Daily);
    let (from, to) = (DailyRecord::key(first), DailyRecord::key(last));
    let mut out = Vec::new();
    for item in tree.range(from.as_bytes()..=to.as_bytes()) {
        let (key, value) = item?;
        let record: DailyRecord = serde_json::from_slice(&value).map_err(|e| StoreError::Corrupt {
            tree: "daily",
            key: String::from_utf8_lossy(&key).into_owned(),
            reason: e.to_string(),
        })?;
        out.push(record);
    }
    Ok(out)
}

/// The score of `quarter` as of `now`, with the half-year figure when the other quarter of the half has
/// begun and holds records.
pub fn load(
    store: &Store,
    policy: &Policy,
    quarter: Quarter,
    now: DateTime<Utc>,
) -> Result<Score, StoreError> {
    let zone = policy.calendar.zone;
    let records = load_quarter_records(store, quarter, zone)?;
    let mut score = compute(&records.input(quarter, now, policy));
    let partner = quarter.partner();
    if partner.first_day() <= policy.calendar.local_day(now) {
        let other = load_quarter_records(store, partner, zone)?;
        if other.has_any(partner, policy) {
            let other_score = compute(&other.input(partner, now, policy));
            let mut quarters = vec![(quarter, score.total), (partner, other_score.total)];
            quarters.sort_by_key(|(q, _)| *q);
            let mean = round2((score.total + other_score.total) / 2.0);
            score.half_year = Some(HalfYear {
                label: format!("{}H{}", quarter.year, quarter.half()),
                quarters,
                mean,
                payment: payment(mean),
                projected: !(score.finished && other_score.finished),
            });
        }
    }
    Ok(score)
}

/// What an incident will cost if its next deadline passes: its severity's deduction, unless it is not a fault,
/// has no deadline left, or is already late (a fault is charged once).
pub fn at_risk(incident: &Incident, policy: &Policy, now: DateTime<Utc>) -> f64 {
    if incident.kind != Kind::Fault || incident.is_breached(policy, now) {
        return 0.0;
    }
    match incident.next_deadline(policy, now) {
        Some(_) => policy.deduction(incident.severity),
        None => 0.0,
    }
}
