//! The words of a message, in the platform's language: one incident's news, and a digest of several.

use chrono::{DateTime, Utc};

use super::Planner;
use crate::config::{EventKind, Lang};
use crate::model::Incident;
use crate::notify::Message;
use crate::policy::{Severity, Stage};
use crate::report::local;
use crate::span::span;

impl Planner {
    pub(super) fn pick(&self, zh: String, en: String) -> String {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub(super) fn incident_message(
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

pub(super) enum Text {
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
