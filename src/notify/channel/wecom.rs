//! WeCom group robot (企业微信群机器人).
//!
//! Documentation (checked 2026): <https://developer.work.weixin.qq.com/document/path/91770> (message types,
//! limits: 20 messages a minute per robot, markdown content at most 4096 bytes, text at most 2048 bytes) and
//! the global error codes <https://developer.work.weixin.qq.com/document/path/90313>.
//!
//! `POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}`. No signature: the key is the secret.
//! Answers `{"errcode":0,"errmsg":"ok"}`.
//!
//! Mentions: `mentioned_mobile_list` belongs to the `text` type only; `markdown` can mention a member only as
//! `<@userid>`, and the channel knows mobiles, not user ids. So an urgent message with mobiles to mention is
//! sent as one `text` message carrying `mentioned_mobile_list`; everything else as `markdown`. One request
//! per message keeps a retry from repeating half of it.

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde_json::json;

use super::http::{self, Answer};
use super::{Delivered, SendError};
use crate::config::ChannelSpec;
use crate::notify::Message;

const VENDOR: &str = "WeCom";
/// `markdown.content`: at most 4096 bytes of UTF-8.
pub(super) const MARKDOWN_MAX_BYTES: usize = 4096;
/// `text.content`: at most 2048 bytes of UTF-8.
pub(super) const TEXT_MAX_BYTES: usize = 2048;

pub(super) async fn send(
    http_client: &reqwest::Client,
    spec: &ChannelSpec,
    message: &Message,
) -> Result<Delivered, SendError> {
    let ChannelSpec::WeCom {
        url,
        key,
        mentioned_mobiles,
    } = spec
    else {
        return Err(SendError::Rejected("not a WeCom channel".into()));
    };
    let mut target = http::parse_url(VENDOR, url)?;
    if let Some(key) = key {
        http::set_query(&mut target, |k| k == "key", &[("key", key.expose())]);
    }
    let body = http::json_bytes(VENDOR, &body(message, mentioned_mobiles))?;
    let answer = http::post_json(http_client, VENDOR, target, HeaderMap::new(), body).await?;
    // WeCom gives no Retry-After date to compare with; the clock only matters for an HTTP-date header.
    judge(&answer, Utc::now())
}

pub(super) fn body(message: &Message, mentioned_mobiles: &[String]) -> serde_json::Value {
    if message.urgent && !mentioned_mobiles.is_empty() {
        json!({
            "msgtype": "text",
            "text": {
                "content": http::cut_bytes(&message.plain(), TEXT_MAX_BYTES),
                "mentioned_mobile_list": mentioned_mobiles,
            },
        })
    } else {
        json!({
            "msgtype": "markdown",
            "markdown": { "content": http::cut_bytes(&message.markdown(), MARKDOWN_MAX_BYTES) },
        })
    }
}

fn judge(answer: &Answer, now: DateTime<Utc>) -> Result<Delivered, SendError> {
    http::judge_code(VENDOR, answer, now, http::read_errcode, classify)
}

/// The codes a group robot answers with, as sentences that say what to change. WeCom appends a
/// `hint: [...]` and a link to its errmsg; it is kept, it is what their support asks for.
pub(super) fn classify(errcode: i64, errmsg: &str) -> SendError {
    let said = format!("(errcode {errcode}: {errmsg})");
    let rejected = |what: &str| SendError::Rejected(format!("{VENDOR} refused the message: {what} {said}"));
    match errcode {
        93000 => rejected("the webhook key is not valid: check the channel's key"),
        40058 => rejected("a field is missing or too long"),
        40008 => rejected("WeCom does not accept this message type"),
        44004 => rejected("the message is empty"),
        45009 => SendError::Throttled {
            message: format!("{VENDOR}: the robot sent more than WeCom allows (20 a minute) {said}"),
            retry_after: None,
        },
        -1 => SendError::Transient(format!("{VENDOR} is busy, try again {said}")),
        _ => rejected("unexpected error"),
    }
}
