//! The change to the live score. Its figures change whenever a deadline of an open incident passes, so the
//! score travels field by field, its table row by row and its costly faults fault by fault: a passed deadline
//! sends the total, the fee and the one row it moved, not the whole table.

use serde::{Deserialize, Serialize};

use super::fields::{field_parts, keyed_by};
use super::{DeltaError, Entry, ListDelta, Whole};
use crate::engine::ScoreSummary;
use crate::model::HandItem;
use crate::report::score::{FaultCost, ScoreItem, ScoreLine};

keyed_by!(FaultCost: id as String, ScoreLine: item as ScoreItem);

/// The change to the score: field by field while there is one, all of it when it came or went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreDelta {
    Whole(Option<ScoreSummary>),
    Parts(Box<ScoreParts>),
}

field_parts! {
    /// The fields of a score that changed; lists entry by entry.
    #[derive(Default)]
    pub struct ScoreParts for ScoreSummary {
        quarter: Option<Whole<String>>,
        total: Option<Whole<f64>>,
        fault_deductions: Option<Whole<f64>>,
        fee_pct: Option<Whole<f64>>,
        may_cancel: Option<Whole<bool>>,
        /// The contract's table, row by row.
        lines: ListDelta<ScoreItem, ScoreLine>,
        faults: ListDelta<String, FaultCost>,
        faults_count: Option<Whole<usize>>,
        not_entered: Option<Whole<Vec<HandItem>>>,
        half_year_mean: Option<Whole<Option<f64>>>,
    }
}

impl ScoreParts {
    pub fn is_empty(&self) -> bool {
        *self == ScoreParts::default()
    }
}

impl ScoreDelta {
    pub(super) fn between(old: &Option<ScoreSummary>, new: &Option<ScoreSummary>) -> Option<ScoreDelta> {
        match (old, new) {
            (Some(o), Some(n)) => {
                let parts = ScoreParts::between_fields(o, n);
                (!parts.is_empty()).then(|| ScoreDelta::Parts(Box::new(parts)))
            }
            _ => (old != new).then(|| ScoreDelta::Whole(new.clone())),
        }
    }

    pub(super) fn apply(self, score: &mut Option<ScoreSummary>) -> Result<(), DeltaError> {
        match (self, score.as_mut()) {
            (ScoreDelta::Whole(new), _) => *score = new,
            (ScoreDelta::Parts(parts), Some(current)) => parts.apply_fields(current)?,
            (ScoreDelta::Parts(_), None) => return Err(DeltaError),
        }
        Ok(())
    }
}
