//! Feishu / Lark custom bot (飞书自定义机器人).
//!
//! Documentation (checked 2026):
//! - <https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot> (Lark:
//!   <https://open.larksuite.com/document/client-docs/bot-v3/add-custom-bot>): request, signing, error codes
//!   and the frequency limit (100 a minute, 5 a second per bot).
//! - card JSON 1.0: <https://open.feishu.cn/document/common-capabilities/message-card/message-cards-content>
//!
//! `POST https://open.feishu.cn/open-apis/bot/v2/hook/{token}`. The signature differs from DingTalk's:
//! `base64(HmacSHA256(key = "{timestamp}\n{secret}", message = ""))`, the timestamp in **seconds**, both
//! in the JSON body as strings, accepted within an hour. Answers `{"code":0,"msg":"success","data":{}}`
//! (older bots: `{"StatusCode":0,"StatusMessage":"success"}`); errors come with HTTP 200 or 400.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::json;

use super::http::{self, Answer};
use super::{Delivered, SendError};
use crate::config::{ChannelSpec, EventKind};
use crate::notify::Message;
use crate::policy::Severity;

const VENDOR: &str = "Feishu";

pub(super) async fn send(
    http_client: &reqwest::Client,
    spec: &ChannelSpec,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<Delivered, SendError> {
    let ChannelSpec::Feishu { url, token, secret } = spec else {
        return Err(SendError::Rejected("not a Feishu channel".into()));
    };
    let mut target = http::parse_url(VENDOR, url)?;
    if let Some(token) = token {
        let path = format!("{}/{}", target.path().trim_end_matches('/'), token.expose());
        target.set_path(&path);
    }
    let mut body = card(message);
    if let Some(secret) = secret {
        let timestamp = now.timestamp();
        body["timestamp"] = json!(timestamp.to_string());
        body["sign"] = json!(sign(secret.expose(), timestamp)?);
    }
    let body = http::json_bytes(VENDOR, &body)?;
    let answer = http::post_json(http_client, VENDOR, target, HeaderMap::new(), body).await?;
    judge(&answer, now)
}

/// The signature: the secret and timestamp are the HMAC key, the message is empty.
pub(super) fn sign(secret: &str, timestamp_s: i64) -> Result<String, SendError> {
    let mac = http::hmac_sha256(format!("{timestamp_s}\n{secret}").as_bytes(), b"")?;
    Ok(STANDARD.encode(mac))
}

/// An interactive card: the title in a header coloured by what happened, the lines as lark_md.
pub(super) fn card(message: &Message) -> serde_json::Value {
    let template = match (message.event, message.severity) {
        (EventKind::Restored | EventKind::Resolved, _) => "green",
        (_, Some(Severity::Critical)) => "red",
        (_, Some(Severity::Major)) => "orange",
        (_, Some(Severity::Minor)) => "yellow",
        (_, None) => "blue",
    };
    let mut text = message.lines.join("\n");
    if text.is_empty() {
        text = message.title.clone();
    }
    json!({
        "msg_type": "interactive",
        "card": {
            "config": { "wide_screen_mode": true },
            "header": {
                "title": { "tag": "plain_text", "content": message.title },
                "template": template,
            },
            "elements": [
                { "tag": "div", "text": { "tag": "lark_md", "content": text } }
            ],
        },
    })
}

/// Both answer shapes: `code`/`msg` and the older `StatusCode`/`StatusMessage`; a success carries both.
#[derive(Deserialize)]
struct Reply {
    code: Option<i64>,
    #[serde(rename = "StatusCode")]
    status_code: Option<i64>,
    msg: Option<String>,
    #[serde(rename = "StatusMessage")]
    status_message: Option<String>,
}

fn judge(answer: &Answer, now: DateTime<Utc>) -> Result<Delivered, SendError> {
    let read = |body: &str| {
        let reply = serde_json::from_str::<Reply>(body).ok()?;
        let code = reply.code.or(reply.status_code)?;
        Some((code, reply.msg.or(reply.status_message).unwrap_or_default()))
    };
    http::judge_code(VENDOR, answer, now, read, classify)
}

/// The custom bot's error codes as sentences that say what to change.
pub(super) fn classify(code: i64, msg: &str) -> SendError {
    let said = format!("(code {code}: {msg})");
    let rejected = |what: &str| SendError::Rejected(format!("{VENDOR} refused the message: {what} {said}"));
    let throttled = || SendError::Throttled {
        message: format!("{VENDOR}: the bot sent more than Feishu allows (100 a minute, 5 a second) {said}"),
        retry_after: None,
    };
    match code {
        19021 => rejected(
            "the signature does not match (签名校验): the channel's secret is not the bot's, or this host's clock is more than an hour off",
        ),
        19022 => rejected("this host's address is not in the bot's IP allowlist (IP白名单)"),
        19024 => rejected("the message contains none of the bot's custom keywords (自定义关键词)"),
        19001 => rejected("the webhook token is not known: check the channel's url and token"),
        // 9499 is both "too many request" and a malformed request; the text tells them apart.
        9499 if msg.to_ascii_lowercase().contains("too many") => throttled(),
        9499 => rejected("Feishu could not read the request"),
        11232 => throttled(),
        _ => rejected("unexpected error"),
    }
}
