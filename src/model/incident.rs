//! An incident (故障 / 工单) and its lifecycle: `Open → Acknowledged → Planned → Resolved`, each step with its
//! actor, its effective time and the time it was recorded.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, DeadlineStatus};
use crate::policy::{Kind, Policy, Severity, Stage};

/// `YYYY-NNNN`: the year of detection and a sequence within it, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IncidentId {
    pub year: i32,
    pub seq: u32,
}

impl IncidentId {
    /// Store key: sorts by year, then sequence.
    pub fn key(self) -> [u8; 8] {
        (((self.year as u32 as u64) << 32) | self.seq as u64).to_be_bytes()
    }

    pub fn from_key(key: &[u8]) -> Option<IncidentId> {
        let raw = u64::from_be_bytes(key.try_into().ok()?);
        Some(IncidentId {
            year: (raw >> 32) as u32 as i32,
            seq: raw as u32,
        })
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.year, self.seq)
    }
}

impl FromStr for IncidentId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid incident id \"{s}\": write YEAR-NUMBER, e.g. 2026-0001");
        let (year, seq) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        if !(1970..=9999).contains(&year) || seq == 0 {
            return Err(bad());
        }
        Ok(IncidentId { year, seq })
    }
}

/// One step of the lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// When it happened (may be in the past, e.g. answered by phone and logged later).
    pub at: DateTime<Utc>,
    /// When watchdesk recorded it.
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
}

impl Step {
    /// Logged more than a minute after it happened; reports flag these.
    pub fn is_backdated(&self) -> bool {
        self.recorded_at - self.at > Duration::minutes(1)
    }
}

/// 故障档案: what the contract wants archived for every fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    pub cause: String,
    pub process: String,
    #[serde(default)]
    pub solution: Option<String>,
}

/// What opened an incident automatically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum AutoSource {
    Subsystem { id: String, check: String },
    Host { name: String, gauge: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
    #[serde(flatten)]
    pub kind: TimelineKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TimelineKind {
    Opened,
    Acknowledged {
        #[serde(default)]
        note: Option<String>,
        #[serde(default)]
        due: Option<DateTime<Utc>>,
    },
    Planned {
        text: String,
    },
    Resolved(Resolution),
    Note {
        text: String,
    },
    Reclassified {
        from: Severity,
        to: Severity,
        reason: String,
    },
    /// The check that opened it recovered: the recover clock stops here.
    Restored,
    /// The fault came back after a restoration.
    Failed {
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Acknowledged,
    Planned,
    Resolved,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Acknowledged => "acknowledged",
            State::Planned => "planned",
            State::Resolved => "resolved",
        }
    }
}

/// What is needed to open an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    pub kind: Kind,
    pub severity: Severity,
    pub title: String,
    pub subsystem: Option<String>,
    /// When the fault was detected or reported; defaults to now.
    pub detected_at: Option<DateTime<Utc>>,
    pub source: Option<AutoSource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub kind: Kind,
    pub severity: Severity,
    pub title: String,
    #[serde(default)]
    pub subsystem: Option<String>,
    #[serde(default)]
    pub source: Option<AutoSource>,
    pub detected_at: DateTime<Utc>,
    pub opened: Step,
    #[serde(default)]
    pub acknowledged: Option<Step>,
    /// Due time agreed at acknowledgement (minor faults).
    #[serde(default)]
    pub due: Option<DateTime<Utc>>,
    #[serde(default)]
    pub planned: Option<Step>,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub restored_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved: Option<Step>,
    #[serde(default)]
    pub resolution: Option<Resolution>,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LifecycleError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("time {at} is in the future (now {now}); an action can only be logged for now or the past")]
    Future { at: DateTime<Utc>, now: DateTime<Utc> },
    #[error("time {at} is before {what} at {before}")]
    TooEarly {
        at: DateTime<Utc>,
        what: &'static str,
        before: DateTime<Utc>,
    },
    #[error("incident {id} is already resolved; add a note instead")]
    Resolved { id: IncidentId },
    #[error("incident {id} was already acknowledged at {at} by {by}")]
    AlreadyAcknowledged {
        id: IncidentId,
        at: DateTime<Utc>,
        by: String,
    },
    #[error("incident {id} is already {severity}")]
    SameSeverity { id: IncidentId, severity: Severity },
    #[error("a due time can only be agreed for a minor fault, and only in the future of detection")]
    DueNotAllowed,
}

/// Allowed clock skew between the terminal and the engine.
const SKEW: Duration = Duration::seconds(5);

fn required(field: &'static str, text: &str) -> Result<String, LifecycleError> {
    let text = text.trim();
    if text.is_empty() {
        Err(LifecycleError::Empty { field })
    } else {
        Ok(text.to_string())
    }
}

impl Incident {
    pub fn open(
        id: IncidentId,
        new: NewIncident,
        actor: Actor,
        now: DateTime<Utc>,
    ) -> Result<Incident, LifecycleError> {
        let title = required("title", &new.title)?;
        let detected_at = new.detected_at.unwrap_or(now);
        if detected_at > now + SKEW {
            return Err(LifecycleError::Future { at: detected_at, now });
        }
        let opened = Step {
            at: detected_at,
            recorded_at: now,
            actor: actor.clone(),
        };
        Ok(Incident {
            id,
            kind: new.kind,
            severity: new.severity,
            title,
            subsystem: new.subsystem.filter(|s| !s.trim().is_empty()),
            source: new.source,
            detected_at,
            opened,
            acknowledged: None,
            due: None,
            planned: None,
            plan: None,
            restored_at: None,
            resolved: None,
            resolution: None,
            timeline: vec![TimelineEntry {
                at: detected_at,
                recorded_at: now,
                actor,
                kind: TimelineKind::Opened,
            }],
        })
    }

    pub fn state(&self) -> State {
        if self.resolved.is_some() {
            State::Resolved
        } else if self.planned.is_some() {
            State::Planned
        } else if self.acknowledged.is_some() {
            State::Acknowledged
        } else {
            State::Open
        }
    }

    pub fn is_open(&self) -> bool {
        self.resolved.is_none()
    }

    /// The effective time of an action: `at` if given, else now; never in the future, never before `floor`.
    fn effective(
        &self,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, LifecycleError> {
        let at = at.unwrap_or(now);
        if at > now + SKEW {
            return Err(LifecycleError::Future { at, now });
        }
        let (what, floor) = self.latest_step();
        if at < floor {
            return Err(LifecycleError::TooEarly {
                at,
                what,
                before: floor,
            });
        }
        Ok(at)
    }

    fn latest_step(&self) -> (&'static str, DateTime<Utc>) {
        let mut latest = ("detection", self.detected_at);
        for (what, step) in [
            ("acknowledgement", &self.acknowledged),
            ("the plan", &self.planned),
        ] {
            if let Some(step) = step
                && step.at > latest.1
            {
                latest = (what, step.at);
            }
        }
        latest
    }

    fn ensure_unresolved(&self) -> Result<(), LifecycleError> {
        match self.resolved {
            Some(_) => Err(LifecycleError::Resolved { id: self.id }),
            None => Ok(()),
        }
    }

    fn push(&mut self, at: DateTime<Utc>, now: DateTime<Utc>, actor: &Actor, kind: TimelineKind) {
        self.timeline.push(TimelineEntry {
            at,
            recorded_at: now,
            actor: actor.clone(),
            kind,
        });
    }

    pub fn acknowledge(
        &mut self,
        actor: &Actor,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        note: Option<String>,
        due: Option<DateTime<Utc>>,
    ) -> Result<(), LifecycleError> {
        self.ensure_unresolved()?;
        if let Some(step) = &self.acknowledged {
            return Err(LifecycleError::AlreadyAcknowledged {
                id: self.id,
                at: step.at,
                by: step.actor.to_string(),
            });
        }
        let at = self.effective(at, now)?;
        if let Some(due) = due
            && (self.severity != Severity::Minor || due <= self.detected_at)
        {
            return Err(LifecycleError::DueNotAllowed);
        }
        let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        self.acknowledged = Some(Step {
            at,
            recorded_at: now,
            actor: actor.clone(),
        });
        self.due = due;
        self.push(at, now, actor, TimelineKind::Acknowledged { note, due });
        Ok(())
    }

    /// Planning an unacknowledged incident acknowledges it at the same moment, so a late response stays late.
    fn implicit_ack(&mut self, actor: &Actor, at: DateTime<Utc>, now: DateTime<Utc>) {
        if self.acknowledged.is_none() {
            self.acknowledged = Some(Step {
                at,
                recorded_at: now,
                actor: actor.clone(),
            });
            self.push(
                at,
                now,
                actor,
                TimelineKind::Acknowledged {
                    note: None,
                    due: None,
                },
            );
        }
    }

    /// Submits the handling plan; a second plan revises the text, the first plan's time stays for the deadline.
    pub fn plan(
        &mut self,
        actor: &Actor,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        text: &str,
    ) -> Result<(), LifecycleError> {
        self.ensure_unresolved()?;
        let text = required("plan", text)?;
        let at = self.effective(at, now)?;
        self.implicit_ack(actor, at, now);
        if self.planned.is_none() {
            self.planned = Some(Step {
                at,
                recorded_at: now,
                actor: actor.clone(),
            });
        }
        self.plan = Some(text.clone());
        self.push(at, now, actor, TimelineKind::Planned { text });
        Ok(())
    }

    pub fn resolve(
        &mut self,
        actor: &Actor,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        resolution: Resolution,
    ) -> Result<(), LifecycleError> {
        self.ensure_unresolved()?;
        let resolution = Resolution {
            cause: required("cause", &resolution.cause)?,
            process: required("process", &resolution.process)?,
            solution: resolution
                .solution
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        };
        let at = self.effective(at, now)?;
        self.implicit_ack(actor, at, now);
        self.resolved = Some(Step {
            at,
            recorded_at: now,
            actor: actor.clone(),
        });
        self.resolution = Some(resolution.clone());
        self.push(at, now, actor, TimelineKind::Resolved(resolution));
        Ok(())
    }

    /// Notes can be added at any stage, resolved included.
    pub fn note(
        &mut self,
        actor: &Actor,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        text: &str,
    ) -> Result<(), LifecycleError> {
        let text = required("note", text)?;
        let at = at.unwrap_or(now);
        if at > now + SKEW {
            return Err(LifecycleError::Future { at, now });
        }
        if at < self.detected_at {
            return Err(LifecycleError::TooEarly {
                at,
                what: "detection",
                before: self.detected_at,
            });
        }
        self.push(at, now, actor, TimelineKind::Note { text });
        Ok(())
    }

    /// Deadlines are recomputed from detection, so nothing else changes.
    pub fn reclassify(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        severity: Severity,
        reason: &str,
    ) -> Result<(), LifecycleError> {
        self.ensure_unresolved()?;
        let reason = required("reason", reason)?;
        if severity == self.severity {
            return Err(LifecycleError::SameSeverity {
                id: self.id,
                severity,
            });
        }
        let from = self.severity;
        self.severity = severity;
        if severity != Severity::Minor {
            self.due = None;
        }
        self.push(
            now,
            now,
            actor,
            TimelineKind::Reclassified {
                from,
                to: severity,
                reason,
            },
        );
        Ok(())
    }

    /// The monitored service came back; the first restoration stops the recover clock.
    pub fn restore(&mut self, at: DateTime<Utc>, now: DateTime<Utc>) {
        if self.restored_at.is_none() {
            self.restored_at = Some(at);
        }
        self.push(at, now, &Actor::system(), TimelineKind::Restored);
    }

    /// The monitored service failed again after a restoration.
    pub fn fail_again(&mut self, at: DateTime<Utc>, now: DateTime<Utc>, detail: String) {
        self.push(at, now, &Actor::system(), TimelineKind::Failed { detail });
    }

    /// When each stage was done, if it was.
    pub fn done_at(&self, stage: Stage) -> Option<DateTime<Utc>> {
        let resolved = self.resolved.as_ref().map(|s| s.at);
        match stage {
            Stage::Respond => self.acknowledged.as_ref().map(|s| s.at),
            Stage::Plan => min_opt(self.planned.as_ref().map(|s| s.at), resolved),
            Stage::Recover => match self.kind {
                Kind::Fault | Kind::Support => min_opt(self.restored_at, resolved),
                Kind::Change | Kind::Security => resolved,
            },
        }
    }

    pub fn deadlines(&self, policy: &Policy, now: DateTime<Utc>) -> Vec<DeadlineStatus> {
        policy
            .deadlines(self.kind, self.severity, self.detected_at, self.due)
            .into_iter()
            .map(|(stage, due)| DeadlineStatus::evaluate(stage, due, self.done_at(stage), now))
            .collect()
    }

    /// The first deadline not yet done, if any.
    pub fn next_deadline(&self, policy: &Policy, now: DateTime<Utc>) -> Option<DeadlineStatus> {
        self.deadlines(policy, now).into_iter().find(|d| d.is_pending())
    }

    /// A fault that missed any deadline (or is past one now) breaches the contract.
    pub fn is_breached(&self, policy: &Policy, now: DateTime<Utc>) -> bool {
        self.deadlines(policy, now).iter().any(|d| d.is_late())
    }

    /// What this incident costs the assessment score: its severity's deduction once, if it is a late fault.
    pub fn deduction(&self, policy: &Policy, now: DateTime<Utc>) -> f64 {
        if self.kind == Kind::Fault && self.is_breached(policy, now) {
            policy.deduction(self.severity)
        } else {
            0.0
        }
    }

    /// Steps logged well after they happened.
    pub fn backdated_steps(&self) -> Vec<(&'static str, &Step)> {
        [
            ("acknowledged", &self.acknowledged),
            ("planned", &self.planned),
            ("resolved", &self.resolved),
        ]
        .into_iter()
        .filter_map(|(what, step)| step.as_ref().filter(|s| s.is_backdated()).map(|s| (what, s)))
        .chain((self.opened.is_backdated() && self.source.is_none()).then_some(("detected", &self.opened)))
        .collect()
    }
}

fn min_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests;
