//! What is sent, and where: an event becomes one message (in the platform's language), and the rules and the
//! channels' own filters pick the channels it goes to. Maintenance windows silence what they cover.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Message;
use super::outbox::Planned;
use crate::config::{CheckSpec, Config, EventKind, Lang};
use crate::engine::DomainEvent;
use crate::model::{AutoSource, Incident};
use crate::store::AuditEvent;

/// Turns events into planned entries.
pub struct Planner {
    config: Arc<Config>,
    lang: Lang,
}

impl Planner {
    pub fn new(config: Arc<Config>) -> Planner {
        let lang = config.platform.lang.unwrap_or(Lang::Zh);
        Planner { config, lang }
    }

    /// A durable change, with the incident it names as stored now (when it names one).
    pub fn recorded(&self, event: &AuditEvent, incident: Option<&Incident>) -> Vec<Planned> {
        let Some(incident) = incident else {
            return Vec::new();
        };
        let by = event.actor.user.clone();
        let (kind, what) = match event.action.as_str() {
            "incident.open" => (self.opened_kind(incident), Text::Opened),
            "incident.failed_again" => (EventKind::Opened, Text::FailedAgain),
            "incident.restored" => (EventKind::Restored, Text::Restored),
            "incident.ack" => (EventKind::Acknowledged, Text::Acknowledged { by }),
            "incident.resolve" => (EventKind::Resolved, Text::Resolved { by }),
            _ => return Vec::new(),
        };
        let message = self.incident_message(&format!("audit:{}", event.seq), kind, incident, what, event.at);
        self.route(message)
    }

    /// A time-driven fact from the engine (never `Recorded`: those come with their incident).
    pub fn fact(&self, fact: &DomainEvent, now: DateTime<Utc>) -> Vec<Planned> {
        let key = fact.key();
        let message = match fact {
            DomainEvent::Recorded(_) => return Vec::new(),
            DomainEvent::DueSoon {
                incident,
                stage,
                due,
                ..
            } => self.incident_message(
                &key,
                EventKind::DueSoon,
                incident,
                Text::DueSoon {
                    stage: *stage,
                    left: *due - now,
                },
                now,
            ),
            DomainEvent::Late {
                incident,
                stage,
                due,
                cost,
            } => self.incident_message(
                &key,
                EventKind::Late,
                incident,
                Text::Late {
                    stage: *stage,
                    due: *due,
                    cost: *cost,
                },
                now,
            ),
            DomainEvent::Unacknowledged { incident, round } => self.incident_message(
                &key,
                EventKind::Renotify,
                incident,
                Text::Unacknowledged { round: *round },
                now,
            ),
            DomainEvent::Escalate { incident } => {
                self.incident_message(&key, EventKind::Escalate, incident, Text::Escalate, now)
            }
            DomainEvent::DailyMissing { day } => Message {
                key,
                event: EventKind::DailyMissing,
                title: self.pick(
                    format!("{day} 日台账尚未填写"),
                    format!("The daily record for {day} is missing"),
                ),
                lines: vec![self.pick(
                    "用 watchdesk 的 d 键或 `watchdesk daily save` 填写；缺一天扣日常工作分".to_string(),
                    "Fill it in with d in watchdesk or `watchdesk daily save`; a missing day costs daily-work points"
                        .to_string(),
                )],
                severity: None,
                incident: None,
                subsystem: None,
                at: now,
                urgent: false,
                digest_of: Vec::new(),
            },
            DomainEvent::MonthlyMissing { year, month } => Message {
                key,
                event: EventKind::MonthlyMissing,
                title: self.pick(
                    format!("{year}年{month}月的现场巡检尚未记录"),
                    format!("The on-site inspection of {year}-{month:02} is not recorded"),
                ),
                lines: vec![self.pick(
                    "记录：`watchdesk monthly save`".to_string(),
                    "Record it with `watchdesk monthly save`".to_string(),
                )],
                severity: None,
                incident: None,
                subsystem: None,
                at: now,
                urgent: false,
                digest_of: Vec::new(),
            },
        };
        self.route(message)
    }

    /// The channels a message goes to, by its rule and their own filters; silenced in maintenance.
    pub fn route(&self, message: Message) -> Vec<Planned> {
        let notify = &self.config.notify;
        let rule = notify.rules.rule(message.event);
        if !rule.enabled {
            return Vec::new();
        }
        if let Some(severity) = message.severity
            && severity > rule.min_severity
        {
            return Vec::new();
        }
        let escalation_only = notify
            .rules
            .rule(EventKind::Escalate)
            .channels
            .unwrap_or_default();
        let suppressed = self.in_maintenance(&message);
        notify
            .channels
            .iter()
            .filter(|c| match &rule.channels {
                Some(names) => names.contains(&c.name),
                None => !escalation_only.contains(&c.name),
            })
            .filter(|c| c.events.as_ref().is_none_or(|e| e.contains(&message.event)))
            .filter(|c| message.severity.is_none_or(|s| s <= c.min_severity))
            .map(|c| Planned {
                channel: c.name.clone(),
                message: message.clone(),
                suppressed: suppressed.clone(),
            })
            .collect()
    }

    /// A reason when the message's subsystem is inside a maintenance window (people's own actions are
    /// never silenced).
    fn in_maintenance(&self, message: &Message) -> Option<String> {
        if matches!(
            message.event,
            EventKind::Acknowledged | EventKind::Resolved | EventKind::Test
        ) {
            return None;
        }
        let subsystem = message.subsystem.as_deref()?;
        let zone = self.config.platform.timezone;
        self.config
            .maintenance
            .iter()
            .find(|m| {
                m.subsystem == subsystem && crate::health::maintenance_open(&m.window, zone, message.at)
            })
            .map(|m| {
                let note = m.note.clone().unwrap_or_default();
                format!("maintenance window of {subsystem} {note}")
                    .trim()
                    .to_string()
            })
    }

    fn opened_kind(&self, incident: &Incident) -> EventKind {
        match &incident.source {
            Some(AutoSource::Host { .. }) => EventKind::HostCritical,
            Some(AutoSource::Subsystem { id, check, .. }) => {
                let is_file = self
                    .config
                    .subsystem(id)
                    .and_then(|s| s.checks.iter().find(|c| &c.id == check))
                    .is_some_and(|c| matches!(c.spec, CheckSpec::File { .. }));
                if is_file {
                    EventKind::BackupFailing
                } else {
                    EventKind::Opened
                }
            }
            Some(AutoSource::Alert { .. }) | None => EventKind::Opened,
        }
    }
}

mod text;

use text::Text;
pub use text::digest;

#[cfg(test)]
mod tests;
