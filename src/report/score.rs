//! 考核评分表: the quarter's assessment score out of 100. What the store can prove is computed exactly; what
//! only the client can judge is entered by hand (audited) and counts as full marks until it is, flagged so.
//!
//! `compute` is a pure function of the quarter's records, so the score tables are unit tests; `load` gathers
//! those records from the store.

mod contract;
mod days;
mod how;
mod item;
mod load;
mod payment;
mod render;
mod tally;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{DailyRecord, HandEntry, HandItem, Incident, Quarter, QuarterlyProduced};
use crate::policy::{Policy, Severity, Stage};

pub use contract::{
    AccidentSummary, ContractRecords, PersonnelPart, Service, accidents, load_contract_records,
};
pub use days::{QuarterDays, quarter_days, quarter_days_from};
pub use how::{DayCheck, How, SubItem, sub_item_zh};
pub use item::ScoreItem;
pub use load::{
    QuarterRecords, at_risk, for_each_incident_of, incidents_of, load, load_quarter_records,
    records_besides_incidents, with_half_year, with_half_year_tallied,
};
pub use payment::{Band, FeeBasis, HalfYear, Payment, payment};
pub use render::{around_faults, fault_row, faults_head, markdown};
pub use tally::{IncidentTally, fault_cost};

/// Where a row's points come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Measured from the store.
    Computed,
    /// Entered by hand.
    Entered,
    /// Graded by hand but not entered yet: counted as full marks.
    NotEntered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreLine {
    pub item: ScoreItem,
    pub max: f64,
    pub points: f64,
    pub basis: Basis,
    /// How the points were reached, in figures (English).
    pub detail: String,
    /// The same as figures, for words in the reader's language; absent from scores written before it.
    #[serde(default)]
    pub how: Option<How>,
}

/// A fault that cost points: late on at least one deadline, charged its severity's deduction once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultCost {
    pub id: String,
    pub severity: Severity,
    /// The severity whose deduction it costs: the most severe one it was late under (a deadline missed
    /// before a reclassification to a lesser severity stays missed).
    #[serde(default = "major")]
    pub charged_as: Severity,
    pub title: String,
    pub late: Vec<Stage>,
    pub deduction: f64,
    /// Still open: the cost is projected from deadlines already passed.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub quarter: Quarter,
    pub computed_at: DateTime<Utc>,
    /// The quarter is over: nothing is projected any more.
    pub finished: bool,
    /// Days the ledger shares are taken over: past days, and today once its record exists.
    pub days_counted: u32,
    pub days_in_quarter: u32,
    pub lines: Vec<ScoreLine>,
    pub total: f64,
    pub payment: Payment,
    /// Sum of fault deductions before the floor at 0.
    pub fault_deductions: f64,
    /// The late faults: every one, or only the newest when the score was made for the dashboard's header
    /// (`late_faults` counts them all).
    pub faults: Vec<FaultCost>,
    #[serde(default)]
    pub late_faults: usize,
    pub not_entered: Vec<HandItem>,
    pub half_year: Option<HalfYear>,
    /// 人员考核's four sub-items (empty when a store's single figure stands for them).
    #[serde(default)]
    pub personnel: Vec<PersonnelPart>,
    #[serde(default)]
    pub accidents: AccidentSummary,
    #[serde(default)]
    pub service: Service,
    /// The half year this quarter's fee is paid on: its name and the other quarter in it.
    #[serde(default)]
    pub half_label: String,
    #[serde(default)]
    pub partner: Option<Quarter>,
}

impl Score {
    pub fn line(&self, item: ScoreItem) -> Option<&ScoreLine> {
        self.lines.iter().find(|l| l.item == item)
    }

    pub fn points(&self, item: ScoreItem) -> f64 {
        self.line(item).map(|l| l.points).unwrap_or(0.0)
    }
}

/// Everything the score of one quarter depends on. Records outside the quarter are ignored.
#[derive(Debug, Clone, Copy)]
pub struct ScoreInput<'a> {
    pub quarter: Quarter,
    pub now: DateTime<Utc>,
    pub policy: &'a Policy,
    pub incidents: &'a [Incident],
    pub daily: &'a [DailyRecord],
    pub hand: &'a [HandEntry],
    pub produced: Option<&'a QuarterlyProduced>,
    /// Major accidents and the quarter's report delivery.
    pub contract: &'a ContractRecords,
}

pub fn compute(input: &ScoreInput) -> Score {
    compute_tallied(input, &IncidentTally::of(input))
}

/// The score of the input's quarter with its incidents already tallied (`input.incidents` is not read).
pub fn compute_tallied(input: &ScoreInput, tally: &IncidentTally) -> Score {
    let ScoreInput {
        quarter, now, policy, ..
    } = *input;
    let cal = &policy.calendar;
    let today = cal.local_day(now);

    let mut lines = Vec::with_capacity(ScoreItem::ALL.len());
    let hand = |item: HandItem| input.hand.iter().find(|e| e.item == item && e.quarter == quarter);
    let mut not_entered = Vec::new();
    let (personnel_line, personnel) = contract::personnel_line(hand, &mut not_entered);
    lines.push(personnel_line);
    let mut hand_line = |score_item: ScoreItem, item: HandItem| -> ScoreLine {
        match hand(item) {
            Some(e) => line(
                score_item,
                e.value,
                Basis::Entered,
                How::Entered {
                    reason: e.reason.clone(),
                },
            ),
            None => {
                not_entered.push(item);
                line(score_item, score_item.max(), Basis::NotEntered, How::NotEntered)
            }
        }
    };

    let deductions = tally.deductions(policy);
    let late_faults = tally.late_faults();
    lines.push(line(
        ScoreItem::FaultResponse,
        (15.0 - deductions).max(0.0),
        Basis::Computed,
        How::Faults {
            faults: tally.faults,
            late: late_faults,
            deduction: deductions,
        },
    ));

    let (archived, resolved) = (tally.archived, tally.resolved);
    lines.push(line(
        ScoreItem::FaultArchive,
        5.0 * share(archived, resolved),
        Basis::Computed,
        How::Archived {
            archived,
            resolved,
            open: tally.faults - resolved,
        },
    ));

    let service = contract::service(&policy.contract, quarter);
    let first_counted = policy.contract.first_counted_day(quarter);
    let days = quarter_days_from(quarter, first_counted, today, input.daily);
    let counted = days.counted as usize;
    let (kept, archive, anomaly) = (days.recorded.len(), days.archive_done, days.anomaly_checked);
    let of_days = |days: usize, what: DayCheck| How::Days { days, counted, what };
    lines.push(line(
        ScoreItem::DailyLedger,
        5.0 * share(kept, counted),
        Basis::Computed,
        of_days(kept, DayCheck::DailyRecord),
    ));
    lines.push(line(
        ScoreItem::DatabaseArchive,
        5.0 * share(archive, counted),
        Basis::Computed,
        of_days(archive, DayCheck::DatabaseArchive),
    ));
    lines.push(contract::summary_line(
        input.produced,
        input.contract.delivered.as_ref(),
        cal.zone,
    ));
    lines.push(hand_line(ScoreItem::AssignedTasks, HandItem::AssignedTasks));
    lines.push(line(
        ScoreItem::DataAnomaly,
        3.0 * share(anomaly, counted),
        Basis::Computed,
        of_days(anomaly, DayCheck::AnomalyCheck),
    ));
    lines.push(server_report_line(tally));
    lines.push(complaints_line(
        hand(HandItem::Complaints),
        hand(HandItem::Notices),
        &mut not_entered,
    ));

    let total = round2(lines.iter().map(|l| l.points).sum());
    let accidents =
        contract::accident_summary(&input.contract.accidents, &policy.contract, quarter, cal.zone);
    Score {
        quarter,
        computed_at: now,
        finished: today > quarter.last_day(),
        days_counted: days.counted,
        days_in_quarter: quarter.num_days(),
        lines,
        total,
        payment: payment(total).with_accidents(accidents.by_contractor),
        fault_deductions: round2(deductions),
        faults: tally.costs().to_vec(),
        late_faults,
        not_entered,
        half_year: None,
        personnel,
        accidents,
        service,
        half_label: policy.contract.half_label(quarter),
        partner: Some(policy.contract.partner(quarter)),
    }
}

fn line(item: ScoreItem, value: f64, basis: Basis, how: How) -> ScoreLine {
    ScoreLine {
        item,
        max: item.max(),
        points: round2(value.clamp(0.0, item.max())),
        basis,
        detail: how.to_string(),
        how: Some(how),
    }
}

fn major() -> Severity {
    Severity::Major
}

fn server_report_line(tally: &IncidentTally) -> ScoreLine {
    let (on_time, late) = (tally.server_on_time, tally.server_late);
    let detail = if on_time + late == 0 {
        How::NoServerFaults
    } else {
        How::ServerReports {
            on_time,
            all: on_time + late,
        }
    };
    line(
        ScoreItem::ServerReport,
        2.0 * share(on_time, on_time + late),
        Basis::Computed,
        detail,
    )
}

fn complaints_line(
    complaints: Option<&HandEntry>,
    notices: Option<&HandEntry>,
    not_entered: &mut Vec<HandItem>,
) -> ScoreLine {
    let item = ScoreItem::ComplaintsNotices;
    if complaints.is_none() && notices.is_none() {
        not_entered.extend([HandItem::Complaints, HandItem::Notices]);
        return line(item, item.max(), Basis::NotEntered, How::NotEntered);
    }
    let c = complaints.map(|e| e.value);
    let n = notices.map(|e| e.value);
    line(
        item,
        10.0 - c.unwrap_or(0.0) - 3.0 * n.unwrap_or(0.0),
        Basis::Entered,
        How::Complaints {
            complaints: c,
            notices: n,
        },
    )
}

/// `1 fault`, `3 faults`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `n / of`, or 1 when there is nothing to measure yet (no day, no fault: nothing was missed).
fn share(n: usize, of: usize) -> f64 {
    if of == 0 { 1.0 } else { n as f64 / of as f64 }
}

/// Rounded to the hundredth; a negative zero becomes `0` (adding `+0.0` does that), so no output says `-0.0`.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

/// Points as people write them: `15`, `13.7`, `1.63`.
pub fn points(x: f64) -> String {
    let s = format!("{:.2}", round2(x));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

#[cfg(test)]
mod tests;
