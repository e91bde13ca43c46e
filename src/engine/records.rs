//! Commands on the contract's records: the daily ledger, the monthly inspection, handovers, the hand-entered
//! score items, the quarterly report's advice and its production. Each write is validated first, then stored
//! with its audit event (an amendment carries the earlier version in the event), and only then answered.
//! Read-only requests (a day's view, the handover summary, a score) go through the engine too, because the
//! dashboard never touches the store and only the engine knows live health and host peaks.

mod cache;
mod contract;
mod score_inputs;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub(super) use cache::RecordsCache;
pub use contract::{ContractCommand, ContractReply};

use super::{Engine, EngineError};
use crate::model::{
    Actor, AdviceRecord, DailyEntry, DailyRecord, HandEntry, HandItem, HandoverRecord, MonthlyEntry,
    MonthlyRecord, Quarter, QuarterlyProduced, RecordError,
};
use crate::report::daily::{self, DailyView, Live};
use crate::report::handover::{self, HandoverRequest, HandoverSummary};
use crate::report::quarterly::{self, QuarterlyReport};
use crate::report::score::{self, Score};
use crate::store::{Put, TreeName};

/// What can be asked of the engine about records. `None` dates and quarters mean "now" in the platform zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RecordsCommand {
    /// 日台账: save (or amend) a day's record; the figures are filled in at the same moment.
    SaveDaily {
        date: Option<NaiveDate>,
        entry: DailyEntry,
    },
    /// A day's record and its figures as of now (read only).
    DailyView { date: Option<NaiveDate> },
    /// 每月现场巡检: save (or amend) the inspection of a day.
    SaveMonthly(MonthlyEntry),
    /// The handover summary (read only). `since` defaults to the last handover, else 12 hours ago.
    HandoverSummary {
        since: Option<DateTime<Utc>>,
        notes: Option<String>,
    },
    /// Record that the watch was handed to `to`; answers the summary that was handed over.
    RecordHandover {
        to: String,
        notes: Option<String>,
        since: Option<DateTime<Utc>>,
    },
    /// The assessment score of a quarter (read only).
    Score { quarter: Option<Quarter> },
    /// Enter a hand-graded score item.
    SetScoreItem {
        quarter: Option<Quarter>,
        item: HandItem,
        value: f64,
        reason: String,
    },
    /// The engineer's advice for the quarterly report.
    SetAdvice { quarter: Option<Quarter>, text: String },
    /// Produce the quarterly report, recording that it was produced (its delivery earns the summary's 5
    /// points).
    QuarterlyReport { quarter: Option<Quarter> },
    /// Major accidents and the report's delivery.
    Contract(ContractCommand),
}

/// The answer to a `RecordsCommand`, once any write is durable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RecordsReply {
    Daily(DailyView),
    Monthly(MonthlyRecord),
    Handover(HandoverSummary),
    HandoverRecorded {
        record: HandoverRecord,
        summary: HandoverSummary,
    },
    Score(Score),
    Advice(AdviceRecord),
    Quarterly(QuarterlyReport),
    Contract(ContractReply),
}

impl Engine {
    pub(super) fn execute_records(
        &mut self,
        actor: &Actor,
        command: RecordsCommand,
        now: DateTime<Utc>,
    ) -> Result<RecordsReply, EngineError> {
        let cal = self.policy.calendar.clone();
        let today = cal.local_day(now);
        let this_quarter = Quarter::of_day(today);
        let reply = match command {
            RecordsCommand::Contract(ContractCommand::Accidents) => {
                return Ok(RecordsReply::Contract(self.execute_contract(
                    actor,
                    ContractCommand::Accidents,
                    now,
                )?));
            }
            RecordsCommand::Contract(command) => {
                RecordsReply::Contract(self.execute_contract(actor, command, now)?)
            }
            RecordsCommand::SaveDaily { date, entry } => {
                RecordsReply::Daily(self.save_daily(actor, date.unwrap_or(today), entry, now)?)
            }
            RecordsCommand::DailyView { date } => {
                let day = date.unwrap_or(today);
                RecordsReply::Daily(daily::view(
                    &self.store,
                    &self.config,
                    day,
                    now,
                    self.live(day, today),
                )?)
            }
            RecordsCommand::SaveMonthly(entry) => {
                let key = MonthlyRecord::key(entry.date);
                let previous: Option<MonthlyRecord> =
                    self.store.get_json(TreeName::Monthly, key.as_bytes())?;
                let record = MonthlyRecord::save(previous.as_ref(), entry, today, actor, now)?;
                let payload = json!({ "record": record, "previous": previous });
                let put = Put::json(TreeName::Monthly, key.clone(), &record)?;
                self.store
                    .commit(actor, now, "monthly.save", &key, payload, vec![put])?;
                RecordsReply::Monthly(record)
            }
            RecordsCommand::HandoverSummary { since, notes } => {
                RecordsReply::Handover(self.handover_summary(actor, since, notes, now)?)
            }
            RecordsCommand::RecordHandover { to, notes, since } => {
                let to = required("to (the incoming engineer)", &to)?;
                let summary = self.handover_summary(actor, since, notes, now)?;
                let record = HandoverRecord {
                    at: now,
                    from: actor.clone(),
                    to,
                    notes: summary.notes.clone(),
                    since: summary.since,
                    open: summary.open.iter().map(|o| o.id.clone()).collect(),
                    audit_head: Some(self.store.chain_head()),
                };
                let put = Put::json(TreeName::Handovers, HandoverRecord::key(now), &record)?;
                let payload = serde_json::to_value(&record).unwrap_or_default();
                self.store
                    .commit(actor, now, "handover.record", &record.to, payload, vec![put])?;
                RecordsReply::HandoverRecorded { record, summary }
            }
            RecordsCommand::Score { quarter } => RecordsReply::Score(score::load(
                &self.store,
                &self.policy,
                quarter.unwrap_or(this_quarter),
                now,
            )?),
            RecordsCommand::SetScoreItem {
                quarter,
                item,
                value,
                reason,
            } => {
                let quarter = started(quarter.unwrap_or(this_quarter), today)?;
                let entry = HandEntry::new(quarter, item, value, &reason, actor, now)?;
                let key = HandEntry::key(quarter, item);
                let previous: Option<HandEntry> = self.store.get_json(TreeName::Scores, key.as_bytes())?;
                let payload = json!({ "value": entry.value, "reason": entry.reason, "previous": previous });
                let put = Put::json(TreeName::Scores, key.clone(), &entry)?;
                self.store
                    .commit(actor, now, "score.set", &key, payload, vec![put])?;
                RecordsReply::Score(score::load(&self.store, &self.policy, quarter, now)?)
            }
            RecordsCommand::SetAdvice { quarter, text } => {
                let quarter = quarter.unwrap_or(this_quarter);
                let advice = AdviceRecord {
                    quarter,
                    text: required("advice text", &text)?,
                    at: now,
                    actor: actor.clone(),
                };
                let key = AdviceRecord::key(quarter);
                let previous: Option<AdviceRecord> = self.store.get_json(TreeName::Scores, key.as_bytes())?;
                let payload = json!({ "text": advice.text, "previous": previous });
                let put = Put::json(TreeName::Scores, key.clone(), &advice)?;
                self.store
                    .commit(actor, now, "report.advice", &key, payload, vec![put])?;
                RecordsReply::Advice(advice)
            }
            RecordsCommand::QuarterlyReport { quarter } => {
                let quarter = started(quarter.unwrap_or(this_quarter), today)?;
                let key = QuarterlyProduced::key(quarter);
                let previous: Option<QuarterlyProduced> =
                    self.store.get_json(TreeName::Scores, key.as_bytes())?;
                let produced = match previous {
                    Some(p) => QuarterlyProduced {
                        times: p.times + 1,
                        ..p
                    },
                    None => QuarterlyProduced {
                        quarter,
                        at: now,
                        actor: actor.clone(),
                        times: 1,
                    },
                };
                let put = Put::json(TreeName::Scores, key.clone(), &produced)?;
                let payload = json!({ "quarter": quarter, "times": produced.times });
                self.store
                    .commit(actor, now, "report.quarterly", &key, payload, vec![put])?;
                RecordsReply::Quarterly(quarterly::build(&self.store, &self.config, quarter, now, actor)?)
            }
        };
        self.records.invalidate();
        self.refresh_records();
        self.dirty = true;
        Ok(reply)
    }

    fn save_daily(
        &mut self,
        actor: &Actor,
        day: NaiveDate,
        entry: DailyEntry,
        now: DateTime<Utc>,
    ) -> Result<DailyView, EngineError> {
        let today = self.policy.calendar.local_day(now);
        if day > today {
            return Err(RecordError::FutureDate { date: day, today }.into());
        }
        let key = DailyRecord::key(day);
        let previous: Option<DailyRecord> = self.store.get_json(TreeName::Daily, key.as_bytes())?;
        let mut live = self.live(day, today);
        if let Some(p) = &previous {
            // What this process did not see, the earlier save may have.
            live.hosts = live.hosts.or_else(|| p.figures.hosts.clone());
            live.backups = live.backups.or_else(|| p.figures.backups.clone());
        }
        let figures = daily::figures(&self.store, &self.config, day, now, live)?;
        let mut record =
            DailyRecord::save(previous.as_ref(), day, today, entry.clone(), figures, actor, now)?;
        record.audit_head = Some(self.store.chain_head());
        let payload = json!({ "entry": entry, "previous": previous });
        let put = Put::json(TreeName::Daily, key.clone(), &record)?;
        self.store
            .commit(actor, now, "daily.save", &key, payload, vec![put])?;
        Ok(daily::view(
            &self.store,
            &self.config,
            day,
            now,
            self.live(day, today),
        )?)
    }

    /// What only this process saw of `day`: host peaks, and (today only) the backup checks' latest results.
    fn live(&self, day: NaiveDate, today: NaiveDate) -> Live {
        let backups =
            (day == today).then(|| daily::backup_checks(&self.config, |id| self.health.last_result(id)));
        Live {
            hosts: self.records.host_peaks(day),
            backups,
        }
    }

    fn handover_summary(
        &self,
        actor: &Actor,
        since: Option<DateTime<Utc>>,
        notes: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<HandoverSummary, EngineError> {
        let live = self.snapshots.borrow().clone();
        Ok(handover::summary(
            &self.store,
            &self.config,
            HandoverRequest {
                since,
                notes,
                outgoing: actor.clone(),
                now,
                live: Some(&live),
            },
        )?)
    }
}

/// A quarter that has begun; scores and reports of future quarters are refused.
fn started(quarter: Quarter, today: NaiveDate) -> Result<Quarter, RecordError> {
    if quarter.first_day() > today {
        Err(RecordError::FutureDate {
            date: quarter.first_day(),
            today,
        })
    } else {
        Ok(quarter)
    }
}

fn required(field: &'static str, text: &str) -> Result<String, RecordError> {
    let text = text.trim();
    if text.is_empty() {
        Err(RecordError::Empty { field })
    } else {
        Ok(text.to_string())
    }
}
