//! 重大事故: a major accident. The seed lets the client refuse the rest of the fee and cancel the contract
//! after two major accidents whose responsibility is found to be the contractor's (发生重大事故两次，经认定责任方为
//! 乙方的). An accident is recorded with what happened, the evidence and the reason it is a major accident; who
//! is responsible is often decided later, so that part can be amended (each version stays in the audit log).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{RecordError, optional, required};
use crate::model::{Actor, IncidentId};

/// 责任方: whose responsibility the accident was found to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// 乙方: the contractor (the engineer's side). Two of these let the client cancel.
    Contractor,
    /// Someone else: the client, a third party, force majeure.
    Other,
    /// 待认定: not decided yet.
    Undetermined,
}

impl Responsibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Responsibility::Contractor => "contractor",
            Responsibility::Other => "other",
            Responsibility::Undetermined => "undetermined",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Responsibility::Contractor => "乙方",
            Responsibility::Other => "非乙方",
            Responsibility::Undetermined => "待认定",
        }
    }
}

impl fmt::Display for Responsibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Responsibility {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "contractor" => Ok(Responsibility::Contractor),
            "other" => Ok(Responsibility::Other),
            "undetermined" => Ok(Responsibility::Undetermined),
            other => Err(format!(
                "unknown responsibility \"{other}\": accepted are contractor, other, undetermined"
            )),
        }
    }
}

/// What the engineer enters for a new accident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccidentEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    pub title: String,
    /// What proves it: the client's letter, a report number, a file.
    pub evidence: String,
    /// Why it is a major accident (and, once decided, why the responsibility is where it is).
    pub reason: String,
    pub responsibility: Responsibility,
    /// The incident it grew out of, if any.
    #[serde(default)]
    pub incident: Option<IncidentId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accident {
    /// 1, 2, …: in the order recorded, never reused.
    pub number: u32,
    pub at: DateTime<Utc>,
    pub title: String,
    pub evidence: String,
    pub reason: String,
    pub responsibility: Responsibility,
    #[serde(default)]
    pub incident: Option<IncidentId>,
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
    /// 1 when recorded; each amendment adds one.
    pub revision: u32,
}

impl Accident {
    /// A new accident, numbered `number`; never in the future.
    pub fn record(
        number: u32,
        entry: AccidentEntry,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Accident, RecordError> {
        if entry.at > now + chrono::Duration::seconds(5) {
            return Err(RecordError::FutureTime { what: "the accident" });
        }
        Ok(Accident {
            number,
            at: entry.at,
            title: required("title", &entry.title)?,
            evidence: required("evidence", &entry.evidence)?,
            reason: required("reason", &entry.reason)?,
            responsibility: entry.responsibility,
            incident: entry.incident,
            recorded_at: now,
            actor: actor.clone(),
            revision: 1,
        })
    }

    /// The responsibility decided (or changed), with the reason for it; evidence may be added.
    pub fn amend(
        &self,
        responsibility: Responsibility,
        reason: &str,
        evidence: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Accident, RecordError> {
        Ok(Accident {
            responsibility,
            reason: required("reason", reason)?,
            evidence: optional(evidence).unwrap_or_else(|| self.evidence.clone()),
            recorded_at: now,
            actor: actor.clone(),
            revision: self.revision + 1,
            ..self.clone()
        })
    }

    pub fn caused_by_contractor(&self) -> bool {
        self.responsibility == Responsibility::Contractor
    }

    pub fn key(number: u32) -> String {
        format!("accident/{number:04}")
    }

    pub const PREFIX: &'static str = "accident/";
}
