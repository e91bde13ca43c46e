//! Commands on the contract's own records: major accidents (重大事故) and the delivery of the quarterly report.
//! Like every record, each write is validated, stored with its audit event (an amendment carries the earlier
//! version) and only then answered.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::super::{Engine, EngineError};
use crate::model::{
    Accident, AccidentEntry, Actor, Quarter, QuarterlyProduced, RecordError, ReportDelivery, Responsibility,
};
use crate::report::score;
use crate::store::{Put, TreeName};

/// What can be asked of the engine about the contract's own records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ContractCommand {
    /// Record a major accident, with its evidence and the reason it is one.
    RecordAccident(AccidentEntry),
    /// Decide (or change) who was responsible for accident `number`, with the reason; evidence may be added.
    AmendAccident {
        number: u32,
        responsibility: Responsibility,
        reason: String,
        evidence: Option<String>,
    },
    /// Every accident recorded (read only).
    Accidents,
    /// The quarterly report was delivered to `to` at `at` (default now): this earns the summary's 5 points.
    ReportDelivered {
        quarter: Option<Quarter>,
        to: String,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ContractReply {
    Accident(Accident),
    Accidents(Vec<Accident>),
    Delivered(ReportDelivery),
}

impl Engine {
    pub(super) fn execute_contract(
        &mut self,
        actor: &Actor,
        command: ContractCommand,
        now: DateTime<Utc>,
    ) -> Result<ContractReply, EngineError> {
        match command {
            ContractCommand::Accidents => Ok(ContractReply::Accidents(score::accidents(&self.store)?)),
            ContractCommand::RecordAccident(entry) => {
                if let Some(id) = entry.incident
                    && self.store.incident(id)?.is_none()
                {
                    return Err(EngineError::NotFound(id));
                }
                let number = score::accidents(&self.store)?
                    .iter()
                    .map(|a| a.number)
                    .max()
                    .unwrap_or(0)
                    + 1;
                let accident = Accident::record(number, entry, actor, now)?;
                let key = Accident::key(number);
                let put = Put::json(TreeName::Scores, key.clone(), &accident)?;
                let payload = serde_json::to_value(&accident).unwrap_or_default();
                self.store
                    .commit(actor, now, "accident.record", &key, payload, vec![put])?;
                Ok(ContractReply::Accident(accident))
            }
            ContractCommand::AmendAccident {
                number,
                responsibility,
                reason,
                evidence,
            } => {
                let key = Accident::key(number);
                let previous: Accident = self
                    .store
                    .get_json(TreeName::Scores, key.as_bytes())?
                    .ok_or(RecordError::NoAccident(number))?;
                let accident = previous.amend(responsibility, &reason, evidence.as_deref(), actor, now)?;
                let put = Put::json(TreeName::Scores, key.clone(), &accident)?;
                let payload = json!({ "record": accident, "previous": previous });
                self.store
                    .commit(actor, now, "accident.amend", &key, payload, vec![put])?;
                Ok(ContractReply::Accident(accident))
            }
            ContractCommand::ReportDelivered {
                quarter,
                to,
                at,
                note,
            } => {
                let zone = self.policy.calendar.zone;
                let quarter = quarter.unwrap_or_else(|| Quarter::of(now, zone));
                let produced: Option<QuarterlyProduced> = self
                    .store
                    .get_json(TreeName::Scores, QuarterlyProduced::key(quarter).as_bytes())?;
                if produced.is_none() {
                    return Err(RecordError::NotProduced(quarter).into());
                }
                let delivery = ReportDelivery::new(
                    quarter,
                    &to,
                    at.unwrap_or(now),
                    note.as_deref(),
                    quarter.start(zone),
                    actor,
                    now,
                )?;
                let key = ReportDelivery::key(quarter);
                let previous: Option<ReportDelivery> =
                    self.store.get_json(TreeName::Scores, key.as_bytes())?;
                let put = Put::json(TreeName::Scores, key.clone(), &delivery)?;
                let payload = json!({ "record": delivery, "previous": previous });
                self.store
                    .commit(actor, now, "report.delivered", &key, payload, vec![put])?;
                Ok(ContractReply::Delivered(delivery))
            }
        }
    }
}
