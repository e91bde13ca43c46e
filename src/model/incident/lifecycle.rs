//! The lifecycle rules: opening an incident and each action on it (acknowledge, plan, resolve, note,
//! reclassify, restore, fail again), with the checks that keep times honest — never in the future, never
//! before the step they follow — and the timeline entry each action leaves.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::{Incident, IncidentId, NewIncident, Resolution, Step, TimelineEntry, TimelineKind};
use crate::model::Actor;
use crate::policy::Severity;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LifecycleError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("time {at} is in the future (now {now}); an action can only be logged for now or the past")]
    Future { at: DateTime<Tz>, now: DateTime<Tz> },
    #[error("time {at} is before {what} at {before}")]
    TooEarly {
        at: DateTime<Tz>,
        what: &'static str,
        before: DateTime<Tz>,
    },
    #[error("incident {id} is already resolved; add a note instead")]
    Resolved { id: IncidentId },
    #[error("incident {id} was already acknowledged at {at} by {by}")]
    AlreadyAcknowledged {
        id: IncidentId,
        at: DateTime<Tz>,
        by: String,
    },
    #[error("incident {id} is already {severity}")]
    SameSeverity { id: IncidentId, severity: Severity },
    #[error("a due time can only be agreed for a minor fault, and only in the future of detection")]
    DueNotAllowed,
}

impl LifecycleError {
    /// The same refusal with its times in `zone`, as the engineer typed and reads them (the rules themselves
    /// work in UTC).
    pub fn in_zone(self, zone: Tz) -> LifecycleError {
        let z = |t: DateTime<Tz>| t.with_timezone(&zone);
        match self {
            LifecycleError::Future { at, now } => LifecycleError::Future {
                at: z(at),
                now: z(now),
            },
            LifecycleError::TooEarly { at, what, before } => LifecycleError::TooEarly {
                at: z(at),
                what,
                before: z(before),
            },
            LifecycleError::AlreadyAcknowledged { id, at, by } => {
                LifecycleError::AlreadyAcknowledged { id, at: z(at), by }
            }
            other => other,
        }
    }
}

fn utc(t: DateTime<Utc>) -> DateTime<Tz> {
    t.with_timezone(&Tz::UTC)
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
            return Err(LifecycleError::Future {
                at: utc(detected_at),
                now: utc(now),
            });
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

    /// The effective time of an action: `at` if given, else now; never in the future, never before `floor`.
    fn effective(
        &self,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, LifecycleError> {
        let at = at.unwrap_or(now);
        if at > now + SKEW {
            return Err(LifecycleError::Future {
                at: utc(at),
                now: utc(now),
            });
        }
        let (what, floor) = self.latest_step();
        if at < floor {
            return Err(LifecycleError::TooEarly {
                at: utc(at),
                what,
                before: utc(floor),
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
                at: utc(step.at),
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
            return Err(LifecycleError::Future {
                at: utc(at),
                now: utc(now),
            });
        }
        if at < self.detected_at {
            return Err(LifecycleError::TooEarly {
                at: utc(at),
                what: "detection",
                before: utc(self.detected_at),
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
}
