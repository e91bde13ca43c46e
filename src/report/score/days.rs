//! The days of a quarter the ledger items (daily record, database archive, data anomaly check) are measured
//! over: past days from the quarter's first day, or from the service start inside it.

use chrono::NaiveDate;

use crate::model::{DailyRecord, Quarter};

/// The days of a quarter the ledger items are measured over, and what their records say.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterDays {
    /// Past days of the quarter, plus today once its record exists; all days once the quarter is over.
    pub counted: u32,
    /// Counted days that have a record.
    pub recorded: Vec<NaiveDate>,
    pub archive_done: usize,
    pub anomaly_checked: usize,
}

pub fn quarter_days(quarter: Quarter, today: NaiveDate, daily: &[DailyRecord]) -> QuarterDays {
    quarter_days_from(quarter, quarter.first_day(), today, daily)
}

/// `quarter_days` counted from `first` (the service start when it falls inside the quarter): days before
/// the service began are not missing records.
pub fn quarter_days_from(
    quarter: Quarter,
    first: NaiveDate,
    today: NaiveDate,
    daily: &[DailyRecord],
) -> QuarterDays {
    let has_today = daily.iter().any(|r| r.date == today);
    let last = if today > quarter.last_day() {
        quarter.last_day()
    } else if has_today {
        today
    } else {
        today.pred_opt().unwrap_or(today)
    };
    let counted = if today < first || last < first {
        0
    } else {
        (last - first).num_days() as u32 + 1
    };
    let mut records: Vec<&DailyRecord> = daily
        .iter()
        .filter(|r| quarter.contains(r.date) && r.date >= first && r.date <= last)
        .collect();
    records.sort_by_key(|r| r.date);
    records.dedup_by_key(|r| r.date);
    QuarterDays {
        counted,
        recorded: records.iter().map(|r| r.date).collect(),
        archive_done: records.iter().filter(|r| r.archive_done).count(),
        anomaly_checked: records.iter().filter(|r| r.anomaly_checked).count(),
    }
}
