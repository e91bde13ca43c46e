//! The rows and facts of the score that rest on the contract's own records: personnel as its four sub-items,
//! the quarterly summary earned by its delivery, the major accidents (重大事故) and the service period.

use chrono::{DateTime, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Basis, How, ScoreItem, ScoreLine, SubItem, line};
use crate::model::{Accident, HandEntry, HandItem, Quarter, QuarterlyProduced, ReportDelivery};
use crate::policy::Contract;
use crate::report::local;
use crate::store::{StoreError, StoreReader, TreeName};

/// The records of the contract beyond the quarter's hand entries: every major accident recorded, and the
/// quarter's report delivery.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContractRecords {
    pub accidents: Vec<Accident>,
    pub delivered: Option<ReportDelivery>,
}

/// Reads the accidents (a handful over a contract) and `quarter`'s delivery.
pub fn load_contract_records(store: &StoreReader, quarter: Quarter) -> Result<ContractRecords, StoreError> {
    Ok(ContractRecords {
        accidents: accidents(store)?,
        delivered: store.get_json(TreeName::Scores, ReportDelivery::key(quarter).as_bytes())?,
    })
}

/// Every major accident recorded, by number.
pub fn accidents(store: &StoreReader) -> Result<Vec<Accident>, StoreError> {
    store
        .scan_prefix_json::<Accident>(TreeName::Scores, Accident::PREFIX.as_bytes())
        .collect()
}

/// One of the four sub-items of 人员考核, each out of its own cap and floored at zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonnelPart {
    pub item: HandItem,
    pub max: f64,
    pub points: f64,
    pub basis: Basis,
    pub detail: String,
    /// The same as figures, for words in the reader's language; absent from scores written before it.
    #[serde(default)]
    pub how: Option<How>,
}

/// 人员考核 (45): the sum of its four sub-items. A store written before the sub-items holds one figure out of
/// 45; it counts as entered until any sub-item is entered for the quarter, which then replaces it (the
/// sub-items not entered yet count as full marks, flagged so).
pub(super) fn personnel_line<'a>(
    hand: impl Fn(HandItem) -> Option<&'a HandEntry>,
    not_entered: &mut Vec<HandItem>,
) -> (ScoreLine, Vec<PersonnelPart>) {
    let item = ScoreItem::Personnel;
    let legacy = hand(HandItem::Personnel);
    let entered = HandItem::PERSONNEL.iter().any(|i| hand(*i).is_some());
    if !entered && let Some(e) = legacy {
        let how = How::OneFigure {
            reason: e.reason.clone(),
        };
        return (line(item, e.value, Basis::Entered, how), Vec::new());
    }
    let parts: Vec<PersonnelPart> = HandItem::PERSONNEL
        .iter()
        .map(|&sub| personnel_part(sub, hand(sub), not_entered))
        .collect();
    if !entered {
        return (line(item, item.max(), Basis::NotEntered, How::NotEntered), parts);
    }
    let how = How::SubItems {
        parts: parts
            .iter()
            .map(|p| SubItem {
                item: p.item,
                points: p.points,
                max: p.max,
            })
            .collect(),
        replaces: legacy.map(|e| e.value),
    };
    let total = parts.iter().map(|p| p.points).sum();
    (line(item, total, Basis::Entered, how), parts)
}

fn personnel_part(
    item: HandItem,
    entry: Option<&HandEntry>,
    not_entered: &mut Vec<HandItem>,
) -> PersonnelPart {
    let max = item.personnel_max().unwrap_or(0.0);
    let Some(e) = entry else {
        not_entered.push(item);
        return PersonnelPart {
            item,
            max,
            points: max,
            basis: Basis::NotEntered,
            detail: How::NotEntered.to_string(),
            how: Some(How::NotEntered),
        };
    };
    let reason = e.reason.clone();
    let (value, how) = match item.per_event() {
        Some(each) => (
            max - e.value * each,
            How::Times {
                times: e.value as u64,
                each,
                reason,
            },
        ),
        None => (
            e.value,
            How::Graded {
                value: e.value,
                reason,
            },
        ),
    };
    PersonnelPart {
        item,
        max,
        points: super::round2(value.clamp(0.0, max)),
        basis: Basis::Entered,
        detail: how.to_string(),
        how: Some(how),
    }
}

/// 系统季度情况总结 (5): earned when the quarter's report was delivered (to whom, when), not when it was printed.
pub(super) fn summary_line(
    produced: Option<&QuarterlyProduced>,
    delivered: Option<&ReportDelivery>,
    zone: Tz,
) -> ScoreLine {
    let item = ScoreItem::QuarterlySummary;
    match (delivered, produced) {
        (Some(d), _) => line(
            item,
            item.max(),
            Basis::Computed,
            How::Delivered {
                to: d.to.clone(),
                on: local(d.at, zone),
                by: d.actor.to_string(),
            },
        ),
        (None, Some(p)) => line(
            item,
            0.0,
            Basis::Computed,
            How::Produced {
                on: local(p.at, zone),
                by: p.actor.to_string(),
            },
        ),
        (None, None) => line(item, 0.0, Basis::Computed, How::NotProduced),
    }
}

/// 重大事故 as the score shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccidentSummary {
    /// The accidents that happened in the quarter.
    pub in_quarter: Vec<Accident>,
    /// Accidents the contractor was found responsible for, in the service year up to the quarter's end.
    pub by_contractor: u32,
    /// Where that count starts: the service year's first day, if the contract's start is configured.
    pub counted_from: Option<NaiveDate>,
}

impl AccidentSummary {
    /// Two major accidents caused by the contractor let the client refuse the rest of the fee and cancel.
    pub fn may_cancel(&self) -> bool {
        self.by_contractor >= 2
    }
}

/// The seed's "two major accidents" are counted over the service period (one year from the contract's
/// start; the contract runs a year). Without a configured start, every accident recorded up to the quarter's
/// end counts.
pub(super) fn accident_summary(
    accidents: &[Accident],
    contract: &Contract,
    quarter: Quarter,
    zone: Tz,
) -> AccidentSummary {
    let (start, end) = (quarter.start(zone), quarter.end(zone));
    let counted_from = service_year_start(contract, quarter);
    let from = counted_from.map(|d| crate::model::day_start(zone, d));
    let counts = |at: DateTime<Utc>| at < end && from.is_none_or(|f| at >= f);
    AccidentSummary {
        in_quarter: accidents
            .iter()
            .filter(|a| (start..end).contains(&a.at))
            .cloned()
            .collect(),
        by_contractor: accidents
            .iter()
            .filter(|a| a.caused_by_contractor() && counts(a.at))
            .count() as u32,
        counted_from,
    }
}

/// The first day of the service year `quarter` belongs to: the contract's start, a year later for the fifth
/// service quarter, and so on.
fn service_year_start(contract: &Contract, quarter: Quarter) -> Option<NaiveDate> {
    let start = contract.start?;
    let years = contract
        .service_quarter(quarter)
        .map(|n| (n - 1) / 4)
        .unwrap_or(0);
    start.checked_add_months(Months::new(12 * years))
}

/// Where the score's days are counted from, and why some days are not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// `[contract] start`.
    pub start: Option<NaiveDate>,
    /// 服务期第 N 季度, when the start is configured and the quarter is in service.
    pub quarter: Option<u32>,
    /// The first day the ledger items count: the quarter's first day, or the service start inside it.
    pub first_counted_day: Option<NaiveDate>,
    /// Days of the quarter before the service began: not missing, not counted.
    pub days_before_start: u32,
}

pub(super) fn service(contract: &Contract, quarter: Quarter) -> Service {
    let first = contract.first_counted_day(quarter);
    let before = if first > quarter.last_day() {
        quarter.num_days()
    } else {
        (first - quarter.first_day()).num_days().max(0) as u32
    };
    Service {
        start: contract.start,
        quarter: contract.service_quarter(quarter),
        first_counted_day: Some(first),
        days_before_start: before,
    }
}
