//! 季度情况总结: the quarterly summary's 5 points are for a summary the client received, so what earns them is
//! the record that the report was delivered — to whom and when — not that it was printed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Quarter, RecordError, optional, required};
use crate::model::Actor;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDelivery {
    pub quarter: Quarter,
    /// Who received it (the client's designated person, 甲方指定人员).
    pub to: String,
    /// When it was handed over or sent.
    pub at: DateTime<Utc>,
    /// How: by mail, on paper, the document number.
    #[serde(default)]
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
}

impl ReportDelivery {
    /// A delivery of `quarter`'s report at `at`: not in the future, not before the quarter began.
    pub fn new(
        quarter: Quarter,
        to: &str,
        at: DateTime<Utc>,
        note: Option<&str>,
        quarter_start: DateTime<Utc>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ReportDelivery, RecordError> {
        if at > now + chrono::Duration::seconds(5) {
            return Err(RecordError::FutureTime { what: "the delivery" });
        }
        if at < quarter_start {
            return Err(RecordError::BeforeQuarter {
                quarter,
                first_day: quarter.first_day(),
            });
        }
        Ok(ReportDelivery {
            quarter,
            to: required("to (who received the report)", to)?,
            at,
            note: optional(note),
            recorded_at: now,
            actor: actor.clone(),
        })
    }

    pub fn key(quarter: Quarter) -> String {
        format!("{quarter}/delivered")
    }
}
