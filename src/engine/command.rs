//! The messages the engine takes: a `Command` with the `Actor` who issued it, answered after the change is
//! durable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{IntakeReport, RecordsCommand, RecordsReply, ReportSink, Signal, StoreCommand, StoreReply};
use crate::model::{Actor, Incident, IncidentId, LifecycleError, NewIncident, RecordError, Resolution};
use crate::policy::Severity;
use crate::store::StoreError;

/// Everything a person (or a script) can ask the engine to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    OpenIncident(NewIncident),
    Acknowledge {
        id: IncidentId,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
        /// Agreed due time, minor faults only.
        due: Option<DateTime<Utc>>,
    },
    Plan {
        id: IncidentId,
        at: Option<DateTime<Utc>>,
        text: String,
    },
    Resolve {
        id: IncidentId,
        at: Option<DateTime<Utc>>,
        resolution: Resolution,
    },
    Note {
        id: IncidentId,
        at: Option<DateTime<Utc>>,
        text: String,
    },
    Reclassify {
        id: IncidentId,
        /// When the severity changed, if earlier than now.
        #[serde(default)]
        at: Option<DateTime<Utc>>,
        severity: Severity,
        reason: String,
    },
    /// The daily ledger, monthly inspection, handovers, score items and reports.
    Records(RecordsCommand),
    /// Reads and upkeep only the store's owner can do (history, audit check, backup).
    Store(StoreCommand),
    /// Alerts and events from the HTTP intake, applied all or nothing.
    Intake(Vec<Signal>),
}

/// What a command answers once it is durable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The incident as stored after the command.
    Incident(Box<Incident>),
    Records(Box<RecordsReply>),
    Store(Box<StoreReply>),
    Intake(Box<IntakeReport>),
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The request itself was wrong (exit code 2); nothing was stored.
    #[error("{0}")]
    Lifecycle(#[from] LifecycleError),
    #[error("{0}")]
    Record(#[from] RecordError),
    #[error("no incident {0}")]
    NotFound(IncidentId),
    #[error("unknown subsystem \"{id}\": accepted are {accepted}")]
    UnknownSubsystem { id: String, accepted: String },
    #[error("unknown host \"{name}\": accepted are the configured hosts {accepted}")]
    UnknownHost { name: String, accepted: String },
    /// The store failed (exit code 3); nothing was acknowledged.
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("the engine has stopped")]
    Stopped,
    /// Refused by a daemon's engine: its words, and whether it was the request's fault.
    #[error("{message}")]
    Remote { bad_input: bool, message: String },
    /// A streamed report could not be written (exit code 3).
    #[error("cannot write the report: {0}")]
    Report(String),
}

impl EngineError {
    /// Bad input, as opposed to a failure of the store or the engine.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            EngineError::Lifecycle(_)
                | EngineError::Record(_)
                | EngineError::NotFound(_)
                | EngineError::UnknownSubsystem { .. }
                | EngineError::UnknownHost { .. }
                | EngineError::Remote { bad_input: true, .. }
        )
    }
}

/// A command on its way to the engine.
#[derive(Debug)]
pub struct Request {
    pub actor: Actor,
    pub command: Command,
    pub reply: tokio::sync::oneshot::Sender<Result<Reply, EngineError>>,
    /// Where a document's bytes go as it is written, instead of in the reply.
    pub sink: Option<ReportSink>,
}
