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
    /// 人员考核 as one figure out of 45: how stores written before the four sub-items kept it. Still read (see
    /// `report::score`), no longer accepted as a new entry.
    Personnel,
    /// 无故不及时联络: times the engineer could not be reached, −1 each from 10.
    PersonnelContact,
    /// 未经甲方同意中途更换主要技术人员: staff changed without consent, −5 each from 15.
    PersonnelChange,
    /// 临时增派运维人员未到: extra staff asked for and not sent, −1 each from 5.
    PersonnelExtra,
    /// 甲方满意度打分: the client's satisfaction grade, points out of 15.
    PersonnelSatisfaction,
    /// 交办任务: assigned tasks — points out of 5.
    AssignedTasks,
    /// 投诉: number of complaints, −1 each from 10.
    Complaints,
    /// 安全通报: number of official security notices, −3 each from 10.
    Notices,
}

impl HandItem {
    /// The items that can be entered, in the order of the contract's table.
    pub const ALL: [HandItem; 7] = [
        HandItem::PersonnelContact,
        HandItem::PersonnelChange,
        HandItem::PersonnelExtra,
        HandItem::PersonnelSatisfaction,
        HandItem::AssignedTasks,
        HandItem::Complaints,
        HandItem::Notices,
    ];

    /// The four sub-items of 人员考核 (45 points).
    pub const PERSONNEL: [HandItem; 4] = [
        HandItem::PersonnelContact,
        HandItem::PersonnelChange,
        HandItem::PersonnelExtra,
        HandItem::PersonnelSatisfaction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HandItem::Personnel => "personnel",
            HandItem::PersonnelContact => "contact",
            HandItem::PersonnelChange => "staff-change",
            HandItem::PersonnelExtra => "extra-staff",
            HandItem::PersonnelSatisfaction => "satisfaction",
            HandItem::AssignedTasks => "tasks",
            HandItem::Complaints => "complaints",
            HandItem::Notices => "notices",
        }
    }

    /// Counts are whole numbers of events; the others are points.
    pub fn is_count(self) -> bool {
        self.per_event().is_some()
    }

    /// The points one event costs, for the items entered as counts.
    pub fn per_event(self) -> Option<f64> {
        match self {
            HandItem::PersonnelContact | HandItem::PersonnelExtra | HandItem::Complaints => Some(1.0),
            HandItem::PersonnelChange => Some(5.0),
            HandItem::Notices => Some(3.0),
            _ => None,
        }
    }

    /// The points a personnel sub-item is out of (its cap in the seed's table).
    pub fn personnel_max(self) -> Option<f64> {
        match self {
            HandItem::PersonnelContact => Some(10.0),
            HandItem::PersonnelChange | HandItem::PersonnelSatisfaction => Some(15.0),
            HandItem::PersonnelExtra => Some(5.0),
            _ => None,
        }
    }

    /// The accepted range. Complaints and notices stop where they have taken all 10 points; the personnel
    /// counts are taken as they happened (up to 99) and their sub-item floors at zero.
    pub fn range(self) -> (f64, f64) {
        match self {
            HandItem::Personnel => (0.0, 45.0),
            HandItem::PersonnelContact | HandItem::PersonnelChange | HandItem::PersonnelExtra => (0.0, 99.0),
            HandItem::PersonnelSatisfaction => (0.0, 15.0),
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
                let what = match (i.per_event(), i.personnel_max()) {
                    (Some(each), Some(cap)) => format!("count, −{each} each from {cap},"),
                    (Some(each), None) => {
                        format!("count, −{each} point{} each", if each == 1.0 { "" } else { "s" })
                    }
                    _ => "points".to_string(),
                };
                format!("{} ({what} {min}–{max})", i.as_str())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The value if it is in range (and whole, for counts).
    pub fn check(self, value: f64) -> Result<f64, RecordError> {
        if self == HandItem::Personnel {
            return Err(RecordError::PersonnelSplit);
        }
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
            "contact" | "personnel-contact" => Ok(HandItem::PersonnelContact),
            "staff-change" | "personnel-change" => Ok(HandItem::PersonnelChange),
            "extra-staff" | "personnel-extra" => Ok(HandItem::PersonnelExtra),
            "satisfaction" | "personnel-satisfaction" => Ok(HandItem::PersonnelSatisfaction),
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
