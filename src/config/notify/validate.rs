//! From `[notify]` as written to channels and rules: every name resolved, every secret read from where the
//! file says it is (the environment, or a file nobody else can read), nothing secret taken from the file.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::raw::{ChannelKind, RawChannel, RawNotify};
use super::{Channel, ChannelSpec, EventKind, NotifyConfig, SmtpSecurity};
use crate::config::ConfigError;
use crate::config::secret::{Looked, read_secret};
use crate::policy::Severity;

mod rules;

use rules::validate_rules;

pub(super) struct Cx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Cx<'_> {
    pub(super) fn err<T>(&self, at: &Spanned<T>, key: &str, message: String) -> ConfigError {
        ConfigError::at(self.path, self.text, Some(at.span()), Some(key), message)
    }
}

/// `daily_reminder_hour` is the default hour of the daily-record reminder.
pub(in crate::config) fn validate_notify(
    raw: RawNotify,
    path: &Path,
    text: &str,
    daily_reminder_hour: u32,
) -> Result<NotifyConfig, ConfigError> {
    let cx = Cx { path, text };
    let mut channels = Vec::with_capacity(raw.channel.len());
    let mut names = HashSet::new();
    let (mut rules_raw, mut bell) = (raw.rules, raw.bell);
    for mut raw_channel in raw.channel {
        // `[[notify]] … [notify.rules]`: TOML files the rules under the last channel; they are everyone's.
        if let Some(rules) = raw_channel.rules.take() {
            if !rules_raw.is_empty() {
                return Err(cx.err(
                    &raw_channel.name,
                    "rules",
                    "[notify.rules] is written twice: write it once, after the last [[notify]] entry".into(),
                ));
            }
            rules_raw = rules;
        }
        if let Some(b) = raw_channel.bell.take() {
            bell = Some(b);
        }
        let channel = validate_channel(&cx, raw_channel, &mut names)?;
        channels.push(channel);
    }
    let rules = validate_rules(&cx, rules_raw, &names, daily_reminder_hour)?;
    Ok(NotifyConfig {
        channels,
        rules,
        bell: bell.unwrap_or(false),
    })
}

fn validate_channel(cx: &Cx, c: RawChannel, names: &mut HashSet<String>) -> Result<Channel, ConfigError> {
    let name = c.name.get_ref().trim().to_string();
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(cx.err(
            &c.name,
            "name",
            format!(
                "invalid channel name \"{name}\": use letters, digits, '-' or '_' (e.g. \"oncall-dingtalk\")"
            ),
        ));
    }
    if !names.insert(name.clone()) {
        return Err(cx.err(&c.name, "name", format!("duplicate channel name \"{name}\"")));
    }
    for (field, key, instead) in [
        (&c.token, "token", "token_env or token_file"),
        (&c.secret, "secret", "secret_env or secret_file"),
        (&c.password, "password", "password_env or password_file"),
    ] {
        if let Some(value) = field {
            return Err(cx.err(
                value,
                key,
                format!(
                    "channel \"{name}\": secrets are not accepted in the config file; name where to read it with {instead} (a file readable only by its owner, mode 0600)"
                ),
            )
            .hiding(value.get_ref()));
        }
    }
    let kind = *c.kind.get_ref();
    let url = |example: &str| -> Result<String, ConfigError> {
        let Some(url) = &c.url else {
            return Err(cx.err(
                &c.kind,
                "url",
                format!("channel \"{name}\" needs url = \"{example}\""),
            ));
        };
        let text = url.get_ref().trim();
        match reqwest::Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(text.to_string()),
            _ => Err(cx.err(
                url,
                "url",
                format!("invalid url \"{text}\": accepted is an http:// or https:// URL, e.g. \"{example}\""),
            )),
        }
    };
    let owner = format!("channel \"{name}\"");
    let token = read_secret(cx.path, cx.text, &owner, "token", &c.token_env, &c.token_file)?;
    let secret = read_secret(cx.path, cx.text, &owner, "secret", &c.secret_env, &c.secret_file)?;
    let password = read_secret(
        cx.path,
        cx.text,
        &owner,
        "password",
        &c.password_env,
        &c.password_file,
    )?;
    let unavailable = [&token, &secret, &password]
        .iter()
        .find_map(|l| l.unavailable.clone());
    let unused = |what: &Looked, key: &str| -> Result<(), ConfigError> {
        if what.named {
            return Err(cx.err(
                &c.kind,
                key,
                format!(
                    "channel \"{name}\" of kind {}: {key} is not used by this kind",
                    kind_name(kind)
                ),
            ));
        }
        Ok(())
    };
    let spec = match kind {
        ChannelKind::Dingtalk => {
            unused(&password, "password")?;
            ChannelSpec::DingTalk {
                url: url("https://oapi.dingtalk.com/robot/send")?,
                token: token.secret.clone(),
                secret: secret.secret.clone(),
                at_mobiles: c.at_mobiles.clone(),
                at_all: c.at_all.unwrap_or(false),
            }
        }
        ChannelKind::Feishu => {
            unused(&password, "password")?;
            ChannelSpec::Feishu {
                url: url("https://open.feishu.cn/open-apis/bot/v2/hook")?,
                token: token.secret.clone(),
                secret: secret.secret.clone(),
            }
        }
        ChannelKind::Wecom => {
            unused(&password, "password")?;
            unused(&secret, "secret")?;
            ChannelSpec::WeCom {
                url: url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send")?,
                key: token.secret.clone(),
                mentioned_mobiles: c.at_mobiles.clone(),
            }
        }
        ChannelKind::Webhook => {
            unused(&password, "password")?;
            ChannelSpec::Webhook {
                url: url("https://sms-gateway.example.invalid/hooks/watchdesk")?,
                token: token.secret.clone(),
                secret: secret.secret.clone(),
                headers: c.headers.clone().into_iter().collect(),
            }
        }
        ChannelKind::Email => {
            unused(&token, "token")?;
            unused(&secret, "secret")?;
            let Some(host) = c.host.as_ref().filter(|h| !h.get_ref().trim().is_empty()) else {
                return Err(cx.err(
                    &c.kind,
                    "host",
                    format!("channel \"{name}\" of kind email needs host = \"smtp.example.invalid\""),
                ));
            };
            let security = c.security.unwrap_or(SmtpSecurity::Starttls);
            let Some(from) = &c.from else {
                return Err(cx.err(
                    &c.kind,
                    "from",
                    format!(
                        "channel \"{name}\" of kind email needs from = \"watchdesk <oncall@example.invalid>\""
                    ),
                ));
            };
            check_mailbox(cx, from, "from")?;
            if c.to.is_empty() {
                return Err(cx.err(
                    &c.kind,
                    "to",
                    format!("channel \"{name}\" of kind email needs to = [\"lead@example.invalid\"]"),
                ));
            }
            for to in &c.to {
                check_mailbox(cx, to, "to")?;
            }
            ChannelSpec::Email {
                host: host.get_ref().trim().to_string(),
                port: c.port.unwrap_or(match security {
                    SmtpSecurity::Tls => 465,
                    SmtpSecurity::Starttls => 587,
                    SmtpSecurity::None => 25,
                }),
                security,
                username: c.username.clone(),
                password: password.secret.clone(),
                from: from.get_ref().trim().to_string(),
                to: c.to.iter().map(|t| t.get_ref().trim().to_string()).collect(),
            }
        }
    };
    if kind != ChannelKind::Email && c.host.is_some() {
        return Err(cx.err(
            &c.kind,
            "host",
            format!("channel \"{name}\": host is only for kind email"),
        ));
    }
    let per_minute = match &c.per_minute {
        Some(n) if *n.get_ref() == 0 => {
            return Err(cx.err(n, "per_minute", "per_minute must be at least 1".into()));
        }
        Some(n) => *n.get_ref(),
        // DingTalk's documented limit is 20 a minute per robot; the others are as strict or looser.
        None => 20,
    };
    let events = match &c.events {
        None => None,
        Some(list) => Some(
            list.iter()
                .map(|e| event_kind(cx, e))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    Ok(Channel {
        name,
        spec,
        per_minute,
        events,
        min_severity: c.min_severity.unwrap_or(Severity::Minor),
        timeout: c.timeout.map(|d| d.0).unwrap_or(Duration::from_secs(10)),
        unavailable,
    })
}

fn kind_name(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Dingtalk => "dingtalk",
        ChannelKind::Feishu => "feishu",
        ChannelKind::Wecom => "wecom",
        ChannelKind::Webhook => "webhook",
        ChannelKind::Email => "email",
    }
}

fn check_mailbox(cx: &Cx, value: &Spanned<String>, key: &str) -> Result<(), ConfigError> {
    if value.get_ref().parse::<lettre::message::Mailbox>().is_err() {
        return Err(cx.err(
            value,
            key,
            format!(
                "invalid mail address \"{}\": write \"name@example.invalid\" or \"Name <name@example.invalid>\"",
                value.get_ref()
            ),
        ));
    }
    Ok(())
}

fn event_kind(cx: &Cx, name: &Spanned<String>) -> Result<EventKind, ConfigError> {
    EventKind::parse(name.get_ref().trim()).ok_or_else(|| {
        cx.err(
            name,
            "events",
            format!(
                "unknown event \"{}\": accepted are {}",
                name.get_ref(),
                EventKind::accepted()
            ),
        )
    })
}
