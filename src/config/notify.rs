//! Where notifications go and when: the channels (robots, webhooks, mail), the rules that pick events for
//! them, and the reminder timings. Secrets are never in the file: each comes from the environment or from a
//! file only its owner can read, and is held as a [`Secret`] that prints as `***`.
//!
//! Two shapes are accepted. The short one lists channels, each with its own filter:
//! ```toml
//! [[notify]]
//! name = "oncall"
//! kind = "dingtalk"
//! url = "https://oapi.dingtalk.com/robot/send"
//! token_env = "WATCHDESK_DINGTALK_TOKEN"
//! secret_env = "WATCHDESK_DINGTALK_SECRET"
//! ```
//! The full one adds rules and settings:
//! ```toml
//! [notify]
//! bell = true
//! [[notify.channel]]
//! name = "oncall"
//! ...
//! [notify.rules]
//! opened = { channels = ["oncall"], min_severity = "major" }
//! due_soon = { respond = ["5m"], plan = ["30m"], recover = ["30m"] }
//! renotify = { every = "5m" }
//! escalate = { after = "15m", channels = ["lead-mail"] }
//! ```

mod raw;
mod validate;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

pub use crate::config::secret::Secret;
pub use crate::model::EventKind;
use crate::policy::Severity;

pub(super) use raw::RawNotify;
pub(super) use validate::validate_notify;

/// The validated `[notify]` section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotifyConfig {
    pub channels: Vec<Channel>,
    pub rules: Rules,
    /// Ring the terminal bell in dashboards when a critical incident opens.
    pub bell: bool,
}

impl NotifyConfig {
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name == name)
    }
}

/// One place messages go to.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub name: String,
    pub spec: ChannelSpec,
    /// At most this many messages a minute; more are gathered into one digest (DingTalk allows 20).
    pub per_minute: u32,
    /// Only these events (short form); `None`: what the rules send it.
    pub events: Option<Vec<EventKind>>,
    /// Only incidents at least this severe (critical is the most severe).
    pub min_severity: Severity,
    /// How long one delivery may take.
    pub timeout: Duration,
    /// Why this process cannot send on it (a secret it cannot read); what it should send waits in the outbox.
    pub unavailable: Option<String>,
}

/// How a channel is reached. Every secret is a [`Secret`].
#[derive(Debug, Clone, PartialEq)]
pub enum ChannelSpec {
    /// DingTalk custom robot (钉钉自定义机器人): `access_token` in the URL, optional signing secret.
    DingTalk {
        url: String,
        token: Option<Secret>,
        secret: Option<Secret>,
        at_mobiles: Vec<String>,
        at_all: bool,
    },
    /// Feishu / Lark custom bot (飞书自定义机器人): the hook id in the URL path, optional signing secret.
    Feishu {
        url: String,
        token: Option<Secret>,
        secret: Option<Secret>,
    },
    /// WeCom group robot (企业微信群机器人): `key` in the URL.
    WeCom {
        url: String,
        key: Option<Secret>,
        mentioned_mobiles: Vec<String>,
    },
    /// Anything else: a JSON body of a stable schema, optional bearer token and HMAC-SHA256 signature header.
    Webhook {
        url: String,
        token: Option<Secret>,
        secret: Option<Secret>,
        headers: Vec<(String, String)>,
    },
    /// Mail over SMTP.
    Email {
        host: String,
        port: u16,
        security: SmtpSecurity,
        username: Option<String>,
        password: Option<Secret>,
        from: String,
        to: Vec<String>,
    },
}

impl ChannelSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            ChannelSpec::DingTalk { .. } => "dingtalk",
            ChannelSpec::Feishu { .. } => "feishu",
            ChannelSpec::WeCom { .. } => "wecom",
            ChannelSpec::Webhook { .. } => "webhook",
            ChannelSpec::Email { .. } => "email",
        }
    }

    /// Where it goes, without any secret: the URL as configured (tokens live apart), or the mail server.
    pub fn target(&self) -> String {
        match self {
            ChannelSpec::DingTalk { url, .. }
            | ChannelSpec::Feishu { url, .. }
            | ChannelSpec::WeCom { url, .. }
            | ChannelSpec::Webhook { url, .. } => url.clone(),
            ChannelSpec::Email { host, port, to, .. } => format!("smtp://{host}:{port} → {}", to.join(", ")),
        }
    }
}

/// How mail reaches the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Implicit TLS (usually port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS (usually port 587); refused if the server cannot.
    Starttls,
    /// No encryption: only for a relay on this host.
    None,
}

/// Whether, where and from which severity one kind of event is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub enabled: bool,
    /// `None`: every channel that is not only for escalations.
    pub channels: Option<Vec<String>>,
    pub min_severity: Severity,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            enabled: true,
            channels: None,
            min_severity: Severity::Minor,
        }
    }
}

/// How long before each kind of deadline a reminder goes out.
#[derive(Debug, Clone, PartialEq)]
pub struct Leads {
    pub respond: Vec<Duration>,
    pub plan: Vec<Duration>,
    pub recover: Vec<Duration>,
}

impl Default for Leads {
    fn default() -> Self {
        Leads {
            respond: vec![Duration::from_secs(5 * 60)],
            plan: vec![Duration::from_secs(30 * 60)],
            recover: vec![Duration::from_secs(30 * 60)],
        }
    }
}

impl Leads {
    pub fn for_stage(&self, stage: crate::policy::Stage) -> &[Duration] {
        match stage {
            crate::policy::Stage::Respond => &self.respond,
            crate::policy::Stage::Plan => &self.plan,
            crate::policy::Stage::Recover => &self.recover,
        }
    }
}

/// Every rule, with the contract-minded defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub rules: BTreeMap<EventKind, Rule>,
    pub leads: Leads,
    /// Re-send an unacknowledged incident of at least `renotify_severity` this often; `None`: never.
    pub renotify_every: Option<Duration>,
    pub renotify_severity: Severity,
    /// Still unacknowledged this long after detection: tell the escalation channels.
    pub escalate_after: Option<Duration>,
    /// Local hour from which a missing daily record is announced (default: `[records] daily_reminder_hour`).
    pub daily_missing_hour: u32,
    /// Day of the month from which a missing on-site inspection is announced.
    pub monthly_missing_day: u32,
    /// How long a channel gathers what comes at once (an outage of every subsystem) into one digest.
    pub digest_window: Duration,
}

impl Default for Rules {
    fn default() -> Self {
        let mut rules: BTreeMap<EventKind, Rule> = EventKind::RULES
            .into_iter()
            .map(|k| (k, Rule::default()))
            .collect();
        // Escalations go only where they are sent on purpose.
        if let Some(escalate) = rules.get_mut(&EventKind::Escalate) {
            escalate.enabled = false;
            escalate.channels = Some(Vec::new());
        }
        Rules {
            rules,
            leads: Leads::default(),
            renotify_every: Some(Duration::from_secs(5 * 60)),
            renotify_severity: Severity::Critical,
            escalate_after: Some(Duration::from_secs(15 * 60)),
            daily_missing_hour: 18,
            monthly_missing_day: 25,
            digest_window: Duration::from_secs(2),
        }
    }
}

impl Rules {
    pub fn rule(&self, kind: EventKind) -> Rule {
        self.rules.get(&kind).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
