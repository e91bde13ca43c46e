//! What the command line asks of the store that only its owner may do: the whole incident history, one old
//! incident, the monthly inspections, the audit chain check and a backup. In daemon mode the daemon owns the
//! store, so these run here and cross the socket like any other command.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::long_read::Work;
use super::{Engine, EngineError, Reply};
use crate::model::{Entry, Incident, IncidentId, MonthlyRecord};
use crate::store::{AuditHead, BackupSummary, TreeName, Verified, VerifyFailure};

/// The answer to `VerifyAudit`, from the store's verdict.
pub fn audit_reply(verdict: Result<Verified, VerifyFailure>) -> StoreReply {
    match verdict {
        Ok(v) => StoreReply::Audit {
            records: v.events,
            failure: None,
            head: Some(v.head),
            keyed_from: v.keyed_from,
            records_checked: v.records_checked,
        },
        Err(failure) => StoreReply::Audit {
            records: 0,
            failure: Some(failure.to_string()),
            head: None,
            keyed_from: None,
            records_checked: 0,
        },
    }
}

/// Reads and upkeep of the store, answered without changing it (a backup writes only its own file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StoreCommand {
    /// The open incidents, or (`all`) every incident ever recorded.
    Incidents {
        all: bool,
    },
    Incident(IncidentId),
    MonthlyList,
    /// Check the audit chain and the records against it; `expect` is a head published earlier (`SEQ:HASH`).
    VerifyAudit {
        #[serde(default)]
        expect: Option<AuditHead>,
    },
    /// Write a backup to `out`, an absolute path on the engine's machine.
    Backup {
        out: PathBuf,
    },
    /// The newest notifications of the outbox, newest first.
    Outbox {
        limit: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StoreReply {
    Incidents(Vec<Incident>),
    Incident(Option<Box<Incident>>),
    Monthly(Vec<MonthlyRecord>),
    /// The audit chain: how many events were checked, and the first break if any.
    Audit {
        records: u64,
        failure: Option<String>,
        /// The head the chain ends at, the first keyed event and how many records were checked against it.
        #[serde(default)]
        head: Option<AuditHead>,
        #[serde(default)]
        keyed_from: Option<u64>,
        #[serde(default)]
        records_checked: u64,
    },
    Backup(BackupSummary),
    Outbox(Vec<Entry>),
}

impl Engine {
    /// The open incidents, one incident and the monthly list are quick reads through indexes and answered here;
    /// the whole history, the audit check, a backup and the outbox are read off the engine task.
    pub(super) fn execute_store(&mut self, command: StoreCommand) -> Result<Work, EngineError> {
        let store = self.store.reader();
        let reply = match command {
            StoreCommand::Incidents { all: true } => {
                return Ok(Work::store(move || {
                    Ok(StoreReply::Incidents(
                        store.all_incidents().collect::<Result<Vec<_>, _>>()?,
                    ))
                }));
            }
            StoreCommand::Incidents { all: false } => StoreReply::Incidents(self.store.open_incidents()?),
            StoreCommand::Incident(id) => StoreReply::Incident(self.store.incident(id)?.map(Box::new)),
            StoreCommand::MonthlyList => StoreReply::Monthly(
                self.store
                    .scan_json::<MonthlyRecord>(TreeName::Monthly)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            StoreCommand::VerifyAudit { expect } => {
                return Ok(Work::store(move || {
                    Ok(audit_reply(store.verify(expect.as_ref())?))
                }));
            }
            StoreCommand::Backup { out } => {
                return Ok(Work::store(move || Ok(StoreReply::Backup(store.backup(&out)?))));
            }
            StoreCommand::Outbox { limit } => {
                return Ok(Work::store(move || {
                    let outbox = crate::notify::Outbox::new(store.share_tree(TreeName::Outbox));
                    Ok(StoreReply::Outbox(outbox.recent(limit)?))
                }));
            }
        };
        Ok(Work::Done(Ok(Reply::Store(Box::new(reply)))))
    }
}
