//! What is sent, and where: an event becomes one message (in the platform's language), and the rules and the
//! channels' own filters pick the channels it goes to. Maintenance windows silence what they cover.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Message;
use super::outbox::Planned;
use crate::config::{CheckSpec, Config, EventKind, Lang};
use crate::engine::DomainEvent;
use crate::model::{AutoSource, Incident};
use crate::policy::{Severity, Stage};
use crate::report::local;
use crate::span::span;
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
            None => EventKind::Opened,
        }
    }

    fn pick(&self, zh: String, en: String) -> String {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    fn incident_message(
        &self,
        key: &str,
        event: EventKind,
        incident: &Incident,
        what: Text,
        at: DateTime<Utc>,
    ) -> Message {
        let zone = self.config.platform.timezone;
        let zh = self.lang == Lang::Zh;
        let sev = severity_word(incident.severity, zh);
        let id = incident.id.to_string();
        let headline = match &what {
            Text::Opened if zh => format!("{id} 新故障"),
            Text::Opened => format!("{id} opened"),
            Text::FailedAgain if zh => format!("{id} 恢复后再次故障"),
            Text::FailedAgain => format!("{id} failed again"),
            Text::Restored if zh => format!("{id} 服务已恢复"),
            Text::Restored => format!("{id} service restored"),
            Text::Acknowledged { by } if zh => format!("{id} 已由 {by} 响应"),
            Text::Acknowledged { by } => format!("{id} acknowledged by {by}"),
            Text::Resolved { by } if zh => format!("{id} 已由 {by} 处理完毕"),
            Text::Resolved { by } => format!("{id} resolved by {by}"),
            Text::DueSoon { stage, left } if zh => {
                format!("{id} {}期限还剩 {}", stage_word(*stage, true), span(*left))
            }
            Text::DueSoon { stage, left } => {
                format!("{id} {} due in {}", stage_word(*stage, false), span(*left))
            }
            Text::Late { stage, .. } if zh => format!("{id} {}已超时", stage_word(*stage, true)),
            Text::Late { stage, .. } => format!("{id} {} deadline passed", stage_word(*stage, false)),
            Text::Unacknowledged { round } if zh => format!("{id} 仍未响应（第 {round} 次提醒）"),
            Text::Unacknowledged { round } => format!("{id} still unacknowledged (reminder {round})"),
            Text::Escalate if zh => format!("{id} 长时间无人响应，升级通知"),
            Text::Escalate => format!("{id} unacknowledged: escalated"),
        };
        let title = format!("[{sev}] {headline}: {}", incident.title);
        let mut lines = Vec::new();
        if let Some(sub) = &incident.subsystem {
            let name = self
                .config
                .subsystem(sub)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| sub.clone());
            lines.push(self.pick(format!("子系统：{name}"), format!("Subsystem: {name}")));
        }
        lines.push(self.pick(
            format!("发现时间：{}", local(incident.detected_at, zone)),
            format!("Detected: {}", local(incident.detected_at, zone)),
        ));
        if let Text::Late { due, cost, .. } = &what {
            lines.push(self.pick(
                format!("期限：{}", local(*due, zone)),
                format!("Was due: {}", local(*due, zone)),
            ));
            if *cost > 0.0 {
                lines.push(self.pick(
                    format!("考核扣分：-{cost} 分"),
                    format!("Costs the assessment {cost} point(s)"),
                ));
            }
        }
        if let Some(next) = incident.next_deadline(&self.config.policy, at)
            && !matches!(what, Text::Late { .. })
        {
            lines.push(self.pick(
                format!(
                    "下一期限：{} {}",
                    stage_word(next.stage, true),
                    local(next.due, zone)
                ),
                format!(
                    "Next deadline: {} by {}",
                    stage_word(next.stage, false),
                    local(next.due, zone)
                ),
            ));
        }
        if matches!(
            what,
            Text::Opened | Text::Unacknowledged { .. } | Text::Escalate | Text::DueSoon { .. }
        ) && incident.acknowledged.is_none()
        {
            lines.push(self.pick(
                format!("响应：watchdesk incident ack {id}"),
                format!("Acknowledge: watchdesk incident ack {id}"),
            ));
        }
        let urgent = incident.severity == Severity::Critical
            && matches!(
                what,
                Text::Opened
                    | Text::FailedAgain
                    | Text::Unacknowledged { .. }
                    | Text::Escalate
                    | Text::Late { .. }
            );
        Message {
            key: key.to_string(),
            event,
            title,
            lines,
            severity: Some(incident.severity),
            incident: Some(id),
            subsystem: incident.subsystem.clone(),
            at,
            urgent,
            digest_of: Vec::new(),
        }
    }
}

enum Text {
    Opened,
    FailedAgain,
    Restored,
    Acknowledged {
        by: String,
    },
    Resolved {
        by: String,
    },
    DueSoon {
        stage: Stage,
        left: chrono::Duration,
    },
    Late {
        stage: Stage,
        due: DateTime<Utc>,
        cost: f64,
    },
    Unacknowledged {
        round: u32,
    },
    Escalate,
}

fn severity_word(severity: Severity, zh: bool) -> &'static str {
    match (severity, zh) {
        (Severity::Critical, true) => "紧急",
        (Severity::Major, true) => "一般",
        (Severity::Minor, true) => "轻微",
        (Severity::Critical, false) => "CRITICAL",
        (Severity::Major, false) => "MAJOR",
        (Severity::Minor, false) => "minor",
    }
}

fn stage_word(stage: Stage, zh: bool) -> &'static str {
    match (stage, zh) {
        (Stage::Respond, true) => "响应",
        (Stage::Plan, true) => "提交处理方案",
        (Stage::Recover, true) => "恢复",
        (Stage::Respond, false) => "respond",
        (Stage::Plan, false) => "plan",
        (Stage::Recover, false) => "recover",
    }
}

/// One message standing for several gathered at once: the most severe first.
pub fn digest(entries: &[&Message], lang: Lang, now: DateTime<Utc>) -> Message {
    let mut sorted: Vec<&Message> = entries.to_vec();
    sorted.sort_by_key(|m| m.severity.unwrap_or(Severity::Minor));
    let n = sorted.len();
    let title = match lang {
        Lang::Zh => format!("watchdesk：{n} 条通知"),
        Lang::En => format!("watchdesk: {n} notifications"),
    };
    const SHOWN: usize = 30;
    let mut lines: Vec<String> = sorted.iter().take(SHOWN).map(|m| m.title.clone()).collect();
    if n > SHOWN {
        lines.push(match lang {
            Lang::Zh => format!("另有 {} 条，见 watchdesk notify list", n - SHOWN),
            Lang::En => format!("and {} more: see watchdesk notify list", n - SHOWN),
        });
    }
    let keys: Vec<String> = entries.iter().map(|m| m.key.clone()).collect();
    Message {
        key: format!("digest:{}", short_hash(&keys)),
        event: sorted.first().map(|m| m.event).unwrap_or(EventKind::Opened),
        title,
        lines,
        severity: sorted.first().and_then(|m| m.severity),
        incident: None,
        subsystem: None,
        at: now,
        urgent: entries.iter().any(|m| m.urgent),
        digest_of: keys,
    }
}

fn short_hash(keys: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for k in keys {
        h.update(k.as_bytes());
        h.update(b"\n");
    }
    hex::encode(&h.finalize()[..8])
}

#[cfg(test)]
mod tests;
