//! The change to the live score. Its figures change whenever a deadline of an open incident passes, so the
//! score travels field by field, its table row by row and its costly faults fault by fault: a passed deadline
//! sends the total, the fee and the one row it moved, not the whole table.

use serde::{Deserialize, Serialize};

use super::{DeltaError, Entry, ListDelta, Whole, set, whole};
use crate::engine::ScoreSummary;
use crate::model::HandItem;
use crate::report::score::{FaultCost, ScoreItem, ScoreLine};

impl Entry for FaultCost {
    type Key = String;
    fn key(&self) -> String {
        self.id.clone()
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

impl Entry for ScoreLine {
    type Key = ScoreItem;
    fn key(&self) -> ScoreItem {
        self.item
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

/// The change to the score: field by field while there is one, all of it when it came or went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreDelta {
    Whole(Option<ScoreSummary>),
    Parts(Box<ScoreParts>),
}

/// The fields of a score that changed; lists entry by entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreParts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarter: Option<Whole<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Whole<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault_deductions: Option<Whole<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_pct: Option<Whole<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub may_cancel: Option<Whole<bool>>,
    /// The contract's table, row by row.
    #[serde(default, skip_serializing_if = "ListDelta::is_empty")]
    pub lines: ListDelta<ScoreItem, ScoreLine>,
    #[serde(default, skip_serializing_if = "ListDelta::is_empty")]
    pub faults: ListDelta<String, FaultCost>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults_count: Option<Whole<usize>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_entered: Option<Whole<Vec<HandItem>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_year_mean: Option<Whole<Option<f64>>>,
}

impl ScoreParts {
    /// What turns `old` into `new`; names every field of [`ScoreSummary`], as [`ScoreParts::apply`] does.
    fn between(old: &ScoreSummary, new: &ScoreSummary) -> ScoreParts {
        let ScoreSummary {
            quarter,
            total,
            fault_deductions,
            fee_pct,
            may_cancel,
            lines,
            faults,
            faults_count,
            not_entered,
            half_year_mean,
        } = new;
        ScoreParts {
            quarter: whole(&old.quarter, quarter),
            total: whole(&old.total, total),
            fault_deductions: whole(&old.fault_deductions, fault_deductions),
            fee_pct: whole(&old.fee_pct, fee_pct),
            may_cancel: whole(&old.may_cancel, may_cancel),
            lines: ListDelta::between(&old.lines, lines),
            faults: ListDelta::between(&old.faults, faults),
            faults_count: whole(&old.faults_count, faults_count),
            not_entered: whole(&old.not_entered, not_entered),
            half_year_mean: whole(&old.half_year_mean, half_year_mean),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == ScoreParts::default()
    }

    fn apply(self, score: &mut ScoreSummary) -> Result<(), DeltaError> {
        let ScoreParts {
            quarter,
            total,
            fault_deductions,
            fee_pct,
            may_cancel,
            lines,
            faults,
            faults_count,
            not_entered,
            half_year_mean,
        } = self;
        set(quarter, &mut score.quarter);
        set(total, &mut score.total);
        set(fault_deductions, &mut score.fault_deductions);
        set(fee_pct, &mut score.fee_pct);
        set(may_cancel, &mut score.may_cancel);
        lines.apply(&mut score.lines)?;
        faults.apply(&mut score.faults)?;
        set(faults_count, &mut score.faults_count);
        set(not_entered, &mut score.not_entered);
        set(half_year_mean, &mut score.half_year_mean);
        Ok(())
    }
}

impl ScoreDelta {
    pub(super) fn between(old: &Option<ScoreSummary>, new: &Option<ScoreSummary>) -> Option<ScoreDelta> {
        match (old, new) {
            (Some(o), Some(n)) => {
                let parts = ScoreParts::between(o, n);
                (!parts.is_empty()).then(|| ScoreDelta::Parts(Box::new(parts)))
            }
            _ => (old != new).then(|| ScoreDelta::Whole(new.clone())),
        }
    }

    pub(super) fn apply(self, score: &mut Option<ScoreSummary>) -> Result<(), DeltaError> {
        match (self, score.as_mut()) {
            (ScoreDelta::Whole(new), _) => *score = new,
            (ScoreDelta::Parts(parts), Some(current)) => parts.apply(current)?,
            (ScoreDelta::Parts(_), None) => return Err(DeltaError),
        }
        Ok(())
    }
}
