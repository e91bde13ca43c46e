//! 每月现场巡检: the monthly on-site inspection, one record per inspection day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{RecordError, required};
use crate::model::Actor;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyRecord {
    /// The day of the inspection (its month is the month it covers).
    pub date: NaiveDate,
    /// Who went on site.
    pub by: String,
    pub findings: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Actor,
    #[serde(default = "one")]
    pub revision: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyEntry {
    pub date: NaiveDate,
    pub by: String,
    pub findings: String,
}

impl MonthlyRecord {
    pub fn save(
        previous: Option<&MonthlyRecord>,
        entry: MonthlyEntry,
        today: NaiveDate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<MonthlyRecord, RecordError> {
        if entry.date > today {
            return Err(RecordError::FutureDate {
                date: entry.date,
                today,
            });
        }
        Ok(MonthlyRecord {
            date: entry.date,
            by: required("by (who inspected)", &entry.by)?,
            findings: required("findings", &entry.findings)?,
            recorded_at: now,
            recorded_by: actor.clone(),
            revision: previous.map(|p| p.revision + 1).unwrap_or(1),
        })
    }

    pub fn key(date: NaiveDate) -> String {
        date.format("%Y-%m-%d").to_string()
    }

    /// Keys of one month start with this.
    pub fn month_prefix(day: NaiveDate) -> String {
        day.format("%Y-%m-").to_string()
    }
}
