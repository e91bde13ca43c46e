//! Commands on the contract's records: the daily ledger, the monthly inspection, handovers, the hand-entered
//! score items, the quarterly report's advice and its production. Each write is validated first, then stored
//! with its audit event (an amendment carries the earlier version in the event), and only then answered.
//! Read-only requests (a day's view, the handover summary, a score) go through the engine too, because the
//! dashboard never touches the store and only the engine knows live health and host peaks.

mod cache;
mod contract;
mod daily_save;
mod score_inputs;
mod streamed;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub(super) use cache::RecordsCache;
#[cfg(test)]
pub(super) use cache::SUMMARY_FAULTS;
pub use contract::{ContractCommand, ContractReply};
pub use streamed::{CHUNK, ReportSink};

use super::long_read::Work;
use super::{Engine, EngineError, Reply};
use crate::model::{
    Actor, AdviceRecord, DailyEntry, HandEntry, HandItem, HandoverRecord, MonthlyEntry, MonthlyRecord,
    Quarter, QuarterlyProduced, RecordError,
};
use crate::report::daily::{self, DailyView};
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
    /// points). Answered whole, or, sent with a [`ReportSink`] (`EngineHandle::stream_report`), written in
    /// chunks as the quarter is read.
    QuarterlyReport { quarter: Option<Quarter> },
    /// Record that the quarterly report was produced, as `QuarterlyReport` does, without building it: the
    /// command line then writes it from the store as the quarter is read, in bounded memory.
    QuarterlyRecorded { quarter: Option<Quarter> },
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
    /// The production of a quarter's report was recorded, at `at` by `by`: what the report says of itself.
    QuarterlyRecorded {
        quarter: Quarter,
        at: DateTime<Utc>,
        by: Actor,
    },
    /// The quarterly report was recorded as produced (at `at` by `by`) and its `listed` incidents written
    /// in chunks to the sink it was asked with.
    QuarterlyStreamed {
        quarter: Quarter,
        at: DateTime<Utc>,
        by: Actor,
        listed: usize,
    },
    Contract(ContractReply),
}

impl Engine {
    pub(super) fn execute_records(
        &mut self,
        actor: &Actor,
        command: RecordsCommand,
        now: DateTime<Utc>,
    ) -> Result<Work, EngineError> {
        let cal = self.policy.calendar.clone();
        let today = cal.local_day(now);
        let this_quarter = Quarter::of_day(today);
        let reply = match command {
            RecordsCommand::Contract(ContractCommand::Accidents) => {
                let reply = self.execute_contract(actor, ContractCommand::Accidents, now)?;
                return Ok(Work::Done(Ok(Reply::Records(Box::new(RecordsReply::Contract(
                    reply,
                ))))));
            }
            RecordsCommand::Contract(command) => {
                RecordsReply::Contract(self.execute_contract(actor, command, now)?)
            }
            RecordsCommand::SaveDaily { date, entry } => {
                return self.save_daily(actor, date.unwrap_or(today), entry, now);
            }
            RecordsCommand::DailyView { date } => {
                self.records_changed();
                let day = date.unwrap_or(today);
                let (store, config, live) = (self.store.reader(), self.config.clone(), self.live(day, today));
                return Ok(Work::records(move || {
                    Ok(RecordsReply::Daily(daily::view(&store, &config, day, now, live)?))
                }));
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
                self.records_changed();
                let (store, config, live) = (
                    self.store.reader(),
                    self.config.clone(),
                    self.snapshots.borrow().clone(),
                );
                let outgoing = actor.clone();
                return Ok(Work::records(move || {
                    let request = HandoverRequest {
                        since,
                        notes,
                        outgoing,
                        now,
                        live: Some(&live),
                    };
                    Ok(RecordsReply::Handover(handover::summary(
                        &store, &config, request,
                    )?))
                }));
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
            RecordsCommand::Score { quarter } => {
                self.records_changed();
                return self.score_reply(quarter.unwrap_or(this_quarter), now);
            }
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
                // Stored and durable; the score it changed is answered as a score read is.
                self.records_changed();
                return self.score_reply(quarter, now);
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
                let quarter = self.record_quarterly(actor, quarter.unwrap_or(this_quarter), now)?;
                self.records_changed();
                // Recorded and durable; the report itself reads the quarter, off the engine task.
                let (store, config, by) = (self.store.reader(), self.config.clone(), actor.clone());
                return Ok(Work::records(move || {
                    Ok(RecordsReply::Quarterly(quarterly::build(
                        &store, &config, quarter, now, &by,
                    )?))
                }));
            }
            RecordsCommand::QuarterlyRecorded { quarter } => {
                let quarter = self.record_quarterly(actor, quarter.unwrap_or(this_quarter), now)?;
                if self.one_off {
                    // Nothing shows the score, and the process reads the quarter next: no half-year read.
                    return Ok(Work::Done(Ok(Reply::Records(Box::new(
                        RecordsReply::QuarterlyRecorded {
                            quarter,
                            at: now,
                            by: actor.clone(),
                        },
                    )))));
                }
                RecordsReply::QuarterlyRecorded {
                    quarter,
                    at: now,
                    by: actor.clone(),
                }
            }
        };
        self.records_changed();
        Ok(Work::Done(Ok(Reply::Records(Box::new(reply)))))
    }

    /// Records that the report of `quarter` (one that has begun) was produced, once more if it was before.
    fn record_quarterly(
        &mut self,
        actor: &Actor,
        quarter: Quarter,
        now: DateTime<Utc>,
    ) -> Result<Quarter, EngineError> {
        let quarter = started(quarter, self.policy.calendar.local_day(now))?;
        let key = QuarterlyProduced::key(quarter);
        let previous: Option<QuarterlyProduced> = self.store.get_json(TreeName::Scores, key.as_bytes())?;
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
        Ok(quarter)
    }

    /// The score of `quarter` as its page shows it, every late fault listed: read from the store off the engine
    /// task (the live score lists only the newest).
    fn score_reply(&mut self, quarter: Quarter, now: DateTime<Utc>) -> Result<Work, EngineError> {
        let (store, policy) = (self.store.reader(), self.policy.clone());
        Ok(Work::records(move || {
            Ok(RecordsReply::Score(score::load(&store, &policy, quarter, now)?))
        }))
    }

    /// A record was written, or one is read: the reminders and the live score are brought up to this moment,
    /// so that a page and the dashboard's header agree.
    fn records_changed(&mut self) {
        self.records.invalidate();
        self.refresh_records();
        self.dirty = true;
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
