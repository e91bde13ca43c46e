//! Gathering one quarter's records from the store, and the half-year figure.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{ContractRecords, HalfYear, IncidentTally, Score, ScoreInput, compute_tallied, payment, round2};
use crate::model::{DailyRecord, HandEntry, Incident, Quarter, QuarterlyProduced};
use crate::policy::{Kind, Policy};
use crate::store::{StoreError, StoreReader, TreeName};

/// Everything stored for one quarter that the score reads.
#[derive(Debug, Clone, Default)]
pub struct QuarterRecords {
    /// Incidents detected in the quarter (found under the quarter's year: numbers carry the local year of
    /// detection).
    pub incidents: Vec<Incident>,
    pub daily: Vec<DailyRecord>,
    pub hand: Vec<HandEntry>,
    pub produced: Option<QuarterlyProduced>,
    pub contract: ContractRecords,
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
            contract: &self.contract,
        }
    }
}

/// Anything at all was recorded for the input's quarter.
fn has_any(input: &ScoreInput<'_>, tally: &IncidentTally) -> bool {
    !input.daily.is_empty()
        || !input.hand.is_empty()
        || input.produced.is_some()
        || input.contract.delivered.is_some()
        || tally.incidents > 0
}

/// Just the detection time, to pick a quarter's incidents without decoding every one in full.
#[derive(serde::Deserialize)]
struct Detected {
    detected_at: DateTime<Utc>,
}

pub fn load_quarter_records(
    store: &StoreReader,
    quarter: Quarter,
    zone: Tz,
) -> Result<QuarterRecords, StoreError> {
    let [incidents] = incidents_of(store, [quarter], zone)?;
    Ok(QuarterRecords {
        incidents,
        ..records_besides_incidents(store, quarter)?
    })
}

/// The incidents detected in each of `quarters`, in one pass over each year they fall in (a service half year
/// may span two): each is decoded in full only when it belongs to one of them.
pub fn incidents_of<const N: usize>(
    store: &StoreReader,
    quarters: [Quarter; N],
    zone: Tz,
) -> Result<[Vec<Incident>; N], StoreError> {
    let mut out: [Vec<Incident>; N] = std::array::from_fn(|_| Vec::new());
    for_each_incident_of(store, quarters, zone, |n, incident| {
        if let Some(list) = out.get_mut(n) {
            list.push(incident);
        }
    })?;
    Ok(out)
}

/// Calls `each` with the index of its quarter and every incident detected in one of `quarters`, in one pass
/// over each year they fall in and holding none: each is decoded in full only when it belongs to one.
pub fn for_each_incident_of<const N: usize>(
    store: &StoreReader,
    quarters: [Quarter; N],
    zone: Tz,
    mut each: impl FnMut(usize, Incident),
) -> Result<(), StoreError> {
    let mut years: Vec<i32> = quarters.iter().map(|q| q.year).collect();
    years.sort_unstable();
    years.dedup();
    let corrupt = |key: &[u8], e: serde_json::Error| StoreError::Corrupt {
        tree: "incidents",
        key: crate::store::display_key(key),
        reason: e.to_string(),
    };
    for year in years {
        for item in store.scan_prefix(TreeName::Incidents, (year as u32).to_be_bytes()) {
            let (key, value) = item?;
            let detected: Detected = serde_json::from_slice(&value).map_err(|e| corrupt(&key, e))?;
            let day = detected.detected_at.with_timezone(&zone).date_naive();
            if let Some(n) = quarters.iter().position(|q| q.contains(day)) {
                each(
                    n,
                    serde_json::from_slice::<Incident>(&value).map_err(|e| corrupt(&key, e))?,
                );
            }
        }
    }
    Ok(())
}

/// A quarter's daily records, hand-entered items and "report produced" mark: a few hundred small records at
/// most, cheap to read each time.
pub fn records_besides_incidents(
    store: &StoreReader,
    quarter: Quarter,
) -> Result<QuarterRecords, StoreError> {
    let daily = daily_between(store, quarter.first_day(), quarter.last_day())?;
    let hand = store
        .scan_prefix_json::<HandEntry>(TreeName::Scores, HandEntry::prefix(quarter).as_bytes())
        .collect::<Result<Vec<_>, _>>()?;
    let produced = store.get_json(TreeName::Scores, QuarterlyProduced::key(quarter).as_bytes())?;
    Ok(QuarterRecords {
        incidents: Vec::new(),
        daily,
        hand,
        produced,
        contract: super::load_contract_records(store, quarter)?,
    })
}

/// Daily records from `first` to `last` inclusive, by date.
pub fn daily_between(
    store: &StoreReader,
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
    store: &StoreReader,
    policy: &Policy,
    quarter: Quarter,
    now: DateTime<Utc>,
) -> Result<Score, StoreError> {
    let zone = policy.calendar.zone;
    let partner = policy.contract.partner(quarter);
    let mut tallies = [IncidentTally::default(), IncidentTally::default()];
    for_each_incident_of(store, [quarter, partner], zone, |n, incident| {
        if let Some(tally) = tallies.get_mut(n) {
            tally.add(&incident, policy, now);
        }
    })?;
    let [this_tally, other_tally] = &tallies;
    let this = records_besides_incidents(store, quarter)?;
    let other = records_besides_incidents(store, partner)?;
    Ok(with_half_year_tallied(
        (&this.input(quarter, now, policy), this_tally),
        (&other.input(partner, now, policy), other_tally),
    ))
}

/// The score of `this` quarter, with the half-year figure when the `other` quarter of the half has begun and
/// holds records.
pub fn with_half_year(this: &ScoreInput<'_>, other: &ScoreInput<'_>) -> Score {
    with_half_year_tallied(
        (this, &IncidentTally::of(this)),
        (other, &IncidentTally::of(other)),
    )
}

/// `with_half_year` with each quarter's incidents already tallied.
pub fn with_half_year_tallied(
    (this, this_tally): (&ScoreInput<'_>, &IncidentTally),
    (other, other_tally): (&ScoreInput<'_>, &IncidentTally),
) -> Score {
    let (quarter, partner, now, policy) = (this.quarter, other.quarter, this.now, this.policy);
    let mut score = compute_tallied(this, this_tally);
    if partner.first_day() <= policy.calendar.local_day(now) && has_any(other, other_tally) {
        let other_score = compute_tallied(other, other_tally);
        let mut quarters = vec![(quarter, score.total), (partner, other_score.total)];
        quarters.sort_by_key(|(q, _)| *q);
        let mean = round2((score.total + other_score.total) / 2.0);
        score.half_year = Some(HalfYear {
            label: policy.contract.half_label(quarter),
            quarters,
            mean,
            payment: payment(mean).with_accidents(score.accidents.by_contractor),
            projected: !(score.finished && other_score.finished),
        });
    }
    score
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
