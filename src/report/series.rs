//! The quarter over time, for charts: availability of each subsystem per local day and its p95 per week,
//! read from the same day rollups the quarter's totals come from (a sealed day is one read; a week's p95 is
//! taken from the week's merged latency histogram, not averaged from the days).

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::availability::day_bucket;
use crate::config::Config;
use crate::history::{Bucket, Stats};
use crate::model::Quarter;
use crate::store::{StoreError, StoreReader};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuarterSeries {
    /// The local days of the quarter up to the report's time, in order.
    pub days: Vec<NaiveDate>,
    /// First day of each week (Monday; the quarter's first day for its first, partial week).
    pub weeks: Vec<NaiveDate>,
    pub subsystems: Vec<SubsystemSeries>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubsystemSeries {
    pub id: String,
    pub name: String,
    /// One per entry of `days`; `None` for a day without probes.
    pub availability: Vec<Option<f64>>,
    /// One per entry of `weeks`; `None` for a week without probes.
    pub p95_ms: Vec<Option<u64>>,
}

impl QuarterSeries {
    /// The index into `weeks` of the week holding `day`.
    pub fn week_of(&self, day: NaiveDate) -> Option<usize> {
        self.weeks.iter().rposition(|w| *w <= day)
    }
}

/// The first day of the week of `day`, not before `first`.
pub fn week_start(day: NaiveDate, first: NaiveDate) -> NaiveDate {
    let monday = day - chrono::Duration::days(day.weekday().num_days_from_monday() as i64);
    monday.max(first)
}

pub fn build(
    store: &StoreReader,
    config: &Config,
    quarter: Quarter,
    now: DateTime<Utc>,
) -> Result<QuarterSeries, StoreError> {
    let cal = &config.policy.calendar;
    let today = cal.local_day(now);
    let days: Vec<NaiveDate> = quarter.days().filter(|d| *d <= today).collect();
    let first = quarter.first_day();
    let mut weeks: Vec<NaiveDate> = Vec::new();
    for day in &days {
        if weeks.is_empty() || day.weekday() == Weekday::Mon {
            weeks.push(week_start(*day, first));
        }
    }
    let mut subsystems = Vec::with_capacity(config.subsystems.len());
    for sub in &config.subsystems {
        let mut availability = Vec::with_capacity(days.len());
        let mut p95_ms = Vec::with_capacity(weeks.len());
        let mut week = Bucket::default();
        for (n, day) in days.iter().enumerate() {
            let bucket = day_bucket(store, cal.zone, &sub.id, *day, now)?;
            availability.push(Stats::from_bucket(&bucket).availability);
            week.merge(&bucket);
            let week_ends = days.get(n + 1).is_none_or(|next| next.weekday() == Weekday::Mon);
            if week_ends {
                p95_ms.push(p95(&std::mem::take(&mut week)));
            }
        }
        subsystems.push(SubsystemSeries {
            id: sub.id.clone(),
            name: sub.name.clone(),
            availability,
            p95_ms,
        });
    }
    Ok(QuarterSeries {
        days,
        weeks,
        subsystems,
    })
}

/// The histogram's p95, capped at the slowest probe seen (as the report's tables show it).
fn p95(bucket: &Bucket) -> Option<u64> {
    let s = Stats::from_bucket(bucket);
    s.p95_ms.map(|p| s.max_ms.map_or(p, |m| p.min(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_but_not_before_the_quarter() {
        let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(); // a Thursday
        assert_eq!(week_start(first, first), first);
        let sunday = NaiveDate::from_ymd_opt(2026, 10, 4).unwrap();
        assert_eq!(week_start(sunday, first), first);
        let tuesday = NaiveDate::from_ymd_opt(2026, 10, 6).unwrap();
        assert_eq!(
            week_start(tuesday, first),
            NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()
        );
    }
}
