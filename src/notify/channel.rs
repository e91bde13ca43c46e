//! Delivering one message to one channel, and what the vendor answered. One file per vendor; each turns the
//! vendor's error codes into a sentence and says whether trying again can help.

mod dingtalk;
mod email;
mod feishu;
mod webhook;
mod wecom;

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Message;
use crate::config::{Channel, ChannelSpec};

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
    match tokio::time::timeout(channel.timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(SendError::Transient(format!(
            "no answer within {}",
            humantime::format_duration(channel.timeout)
        ))),
    }
}
