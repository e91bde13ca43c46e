//! The records the contract demands besides incidents: the daily ledger (日台账), the monthly on-site
//! inspection (每月现场巡检), handovers between engineers, and the assessment items entered by hand. Plain data
//! plus the rules that validate it; the store keys live here too so every reader agrees on them.

mod accident;
mod daily;
mod delivery;
mod hand;
mod handover;
mod monthly;
mod quarter;

pub use accident::{Accident, AccidentEntry, Responsibility};
pub use daily::{BackupCheck, DailyEntry, DailyFigures, DailyRecord, HostPeak, MissedDeadline, SubsystemDay};
pub use delivery::ReportDelivery;
pub use hand::{AdviceRecord, HandEntry, HandItem, QuarterlyProduced};
pub use handover::HandoverRecord;
pub use monthly::{MonthlyEntry, MonthlyRecord};
pub use quarter::{Quarter, day_start};

/// Input to a record that was wrong; nothing was stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("date {date} is in the future (today is {today}); records are kept for today or earlier")]
    FutureDate {
        date: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    #[error("unknown score item \"{0}\": accepted are {accepted}", accepted = HandItem::accepted())]
    UnknownItem(String),
    #[error("{item} must be {what} from {min} to {max}, got {value}")]
    OutOfRange {
        item: &'static str,
        what: &'static str,
        min: f64,
        max: f64,
        value: f64,
    },
    #[error(
        "personnel is entered as its four sub-items: contact (times not reachable, −1 each from 10), \
         staff-change (staff changed without consent, −5 each from 15), extra-staff (extra staff not sent, −1 \
         each from 5), satisfaction (the client's grade, 0–15 points)"
    )]
    PersonnelSplit,
    #[error("{what} is dated in the future; it can only be recorded for now or the past")]
    FutureTime { what: &'static str },
    #[error(
        "the delivery is dated before {quarter} began ({first_day}); a quarter's report is delivered once the \
         quarter has begun"
    )]
    BeforeQuarter {
        quarter: Quarter,
        first_day: chrono::NaiveDate,
    },
    #[error(
        "the quarterly report of {0} has not been produced yet: produce it first (watchdesk report quarterly --quarter {0})"
    )]
    NotProduced(Quarter),
    #[error("no major accident number {0}; `watchdesk score accident list` shows them")]
    NoAccident(u32),
    #[error("invalid quarter \"{0}\": write YEAR then Q1..Q4, e.g. 2026Q4")]
    BadQuarter(String),
}

/// Trims a required text field; an empty one is refused.
pub(crate) fn required(field: &'static str, text: &str) -> Result<String, RecordError> {
    let text = text.trim();
    if text.is_empty() {
        Err(RecordError::Empty { field })
    } else {
        Ok(text.to_string())
    }
}

/// Trims an optional text field; blank means absent.
pub(crate) fn optional(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests;
