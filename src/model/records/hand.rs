//! The assessment items watchdesk cannot measure, entered by hand (audited), and the other per-quarter
//! records: the engineer's advice for the quarterly report and the fact that the report was produced.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Quarter, RecordError, required};
use crate::model::Actor;

/// An item of the 考核评分表 graded by the client rather than measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandItem {
    /// 人员管理: contact, staff changes, extra staff, satisfaction — points out of 45.
    Personnel,
    /// 交办任务: assigned tasks — points out of 5.
    AssignedTasks,
    /// 投诉: number of complaints, −1 each from 10.
    Complaints,
    /// 安全通报: number of official security notices, −3 each from 10.
    Notices,
}

impl HandItem {
    pub const ALL: [HandItem; 4] = [
        HandItem::Personnel,
        HandItem::AssignedTasks,
        HandItem::Complaints,
        HandItem::Notices,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HandItem::Personnel => "personnel",
            HandItem::AssignedTasks => "tasks",
            HandItem::Complaints => "complaints",
            HandItem::Notices => "notices",
        }
    }

    /// Counts are whole numbers of events; the others are points.
    pub fn is_count(self) -> bool {
        matches!(self, HandItem::Complaints | HandItem::Notices)
    }

    /// The accepted range. A count stops where it has taken all 10 points.
    pub fn range(self) -> (f64, f64) {
        match self {
            HandItem::Personnel => (0.0, 45.0),
            HandItem::AssignedTasks => (0.0, 5.0),
            HandItem::Complaints => (0.0, 10.0),
            HandItem::Notices => (0.0, 4.0),
        }
    }

    /// Every item with its range, for error messages and help.
    pub fn accepted() -> String {
        HandItem::ALL
            .iter()
            .map(|i| {
                let (min, max) = i.range();
                let what = match i {
                    HandItem::Complaints => "count, −1 point each",
                    HandItem::Notices => "count, −3 points each",
                    _ => "points",
                };
                format!("{} ({what} {min}–{max})", i.as_str())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The value if it is in range (and whole, for counts).
    pub fn check(self, value: f64) -> Result<f64, RecordError> {
        let (min, max) = self.range();
        let whole = !self.is_count() || value.fract() == 0.0;
        if value.is_finite() && whole && (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(RecordError::OutOfRange {
                item: self.as_str(),
                what: if self.is_count() {
                    "a whole count"
                } else {
                    "points"
                },
                min,
                max,
                value,
            })
        }
    }
}

impl fmt::Display for HandItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HandItem {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "personnel" => Ok(HandItem::Personnel),
            "tasks" | "assigned-tasks" => Ok(HandItem::AssignedTasks),
            "complaints" => Ok(HandItem::Complaints),
            "notices" => Ok(HandItem::Notices),
            _ => Err(RecordError::UnknownItem(s.to_string())),
        }
    }
}

/// A hand-entered value with the reason the engineer (or the client) gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandEntry {
    pub quarter: Quarter,
    pub item: HandItem,
    pub value: f64,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub actor: Actor,
}

impl HandEntry {
    pub fn new(
        quarter: Quarter,
        item: HandItem,
        value: f64,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<HandEntry, RecordError> {
        Ok(HandEntry {
            quarter,
            item,
            value: item.check(value)?,
            reason: required("reason", reason)?,
            at: now,
            actor: actor.clone(),
        })
    }

    pub fn key(quarter: Quarter, item: HandItem) -> String {
        format!("{quarter}/hand/{}", item.as_str())
    }

    pub fn prefix(quarter: Quarter) -> String {
        format!("{quarter}/hand/")
    }
}

/// 建议: the engineer's advice printed in the quarterly maintenance report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdviceRecord {
    pub quarter: Quarter,
    pub text: String,
    pub at: DateTime<Utc>,
    pub actor: Actor,
}

impl AdviceRecord {
    pub fn key(quarter: Quarter) -> String {
        format!("{quarter}/advice")
    }
}

/// The quarterly maintenance report was produced: this earns the "quarterly summary" points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterlyProduced {
    pub quarter: Quarter,
    /// The first time it was produced.
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// How many times it was produced since.
    #[serde(default)]
    pub times: u32,
}

impl QuarterlyProduced {
    pub fn key(quarter: Quarter) -> String {
        format!("{quarter}/quarterly")
    }
}
