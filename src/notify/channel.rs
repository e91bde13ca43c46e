//! Delivering one message to one channel, and what the vendor answered. One file per vendor; each turns the
//! vendor's error codes into a sentence and says whether trying again can help.

mod dingtalk;
mod email;
mod feishu;
mod http;
#[cfg(test)]
mod tests;
mod webhook;
mod wecom;

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Message;
use crate::config::{Channel, ChannelSpec, Secret};

/// The vendor accepted the message; its answer, for `notify test` and the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    pub answer: String,
}

/// Why a delivery failed, and whether a retry can help.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// The vendor refused it for a reason a retry will not fix (bad signature, unknown token, keyword
    /// filter, bad address): the configuration must change.
    #[error("{0}")]
    Rejected(String),
    /// The vendor throttles this sender; try again after the given time if it said one.
    #[error("throttled: {message}")]
    Throttled {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Network trouble, a timeout or a server error: try again later.
    #[error("{0}")]
    Transient(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Rejected(_))
    }
}

/// Sends `message` on `channel`. `now` is used for the vendors' signed timestamps.
pub async fn send(
    http: &reqwest::Client,
    channel: &Channel,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<Delivered, SendError> {
    let work = async {
        match &channel.spec {
            ChannelSpec::DingTalk { .. } => dingtalk::send(http, &channel.spec, message, now).await,
            ChannelSpec::Feishu { .. } => feishu::send(http, &channel.spec, message, now).await,
            ChannelSpec::WeCom { .. } => wecom::send(http, &channel.spec, message).await,
            ChannelSpec::Webhook { .. } => webhook::send(http, &channel.spec, message, now).await,
            ChannelSpec::Email { .. } => email::send(&channel.spec, message, channel.timeout).await,
        }
    };
    let result = match tokio::time::timeout(channel.timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(SendError::Transient(format!(
            "no answer within {}",
            humantime::format_duration(channel.timeout)
        ))),
    };
    // Each vendor file keeps secrets out of what it writes; this is the backstop for what a vendor or a
    // library echoes back (an errmsg quoting the token, a URL in an error).
    let secrets = secrets(&channel.spec);
    match result {
        Ok(delivered) => Ok(Delivered {
            answer: scrub(delivered.answer, &secrets),
        }),
        Err(SendError::Rejected(text)) => Err(SendError::Rejected(scrub(text, &secrets))),
        Err(SendError::Transient(text)) => Err(SendError::Transient(scrub(text, &secrets))),
        Err(SendError::Throttled { message, retry_after }) => Err(SendError::Throttled {
            message: scrub(message, &secrets),
            retry_after,
        }),
    }
}

fn secrets(spec: &ChannelSpec) -> Vec<&Secret> {
    let found: Vec<&Option<Secret>> = match spec {
        ChannelSpec::DingTalk { token, secret, .. }
        | ChannelSpec::Feishu { token, secret, .. }
        | ChannelSpec::Webhook { token, secret, .. } => vec![token, secret],
        ChannelSpec::WeCom { key, .. } => vec![key],
        ChannelSpec::Email { password, .. } => vec![password],
    };
    found.into_iter().flatten().collect()
}

/// `text` with every secret, plain or URL-encoded, replaced by `***`.
fn scrub(mut text: String, secrets: &[&Secret]) -> String {
    for secret in secrets {
        let plain = secret.expose();
        // Too short to be told from ordinary words; nobody configures such a secret.
        if plain.len() < 4 {
            continue;
        }
        let encoded: String = reqwest::Url::parse_with_params("x:", [("s", plain)])
            .ok()
            .and_then(|u| u.query().map(|q| q.trim_start_matches("s=").to_string()))
            .unwrap_or_default();
        for form in [plain, encoded.as_str()] {
            if !form.is_empty() && text.contains(form) {
                text = text.replace(form, "***");
            }
        }
    }
    text
}
