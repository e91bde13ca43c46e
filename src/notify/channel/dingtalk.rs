//! DingTalk custom robot (钉钉自定义机器人).
//!
//! Documentation (checked 2026):
//! - sending and error codes: <https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages>
//! - security settings, signing (加签): <https://open.dingtalk.com/document/robots/customize-robot-security-settings>
//! - message types (markdown, `at`): <https://open.dingtalk.com/document/orgapp/custom-robot-access>
//!
//! `POST {url}?access_token=…[&timestamp=…&sign=…]` with a JSON body. The signature is
//! `urlencode(base64(HmacSHA256(key = secret, message = "{timestamp}\n{secret}")))`, the timestamp in
//! milliseconds, accepted within an hour of DingTalk's clock. An @mention needs both the mobile in
//! `at.atMobiles` and `@mobile` in the text. A robot may send 20 messages a minute; past that DingTalk
//! refuses it for a while (130101 / 410100).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde_json::json;

use super::http::{self, Answer};
use super::{Delivered, SendError};
use crate::config::ChannelSpec;
use crate::notify::Message;

const VENDOR: &str = "DingTalk";

pub(super) async fn send(
    http_client: &reqwest::Client,
    spec: &ChannelSpec,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<Delivered, SendError> {
    let ChannelSpec::DingTalk {
        url,
        token,
        secret,
        at_mobiles,
        at_all,
    } = spec
    else {
        return Err(SendError::Rejected("not a DingTalk channel".into()));
    };
    let mut target = http::parse_url(VENDOR, url)?;
    let timestamp = now.timestamp_millis();
    let sign = match secret {
        Some(secret) => Some(sign(secret.expose(), timestamp)?),
        None => None,
    };
    let timestamp_text = timestamp.to_string();
    let mut set = Vec::new();
    if let Some(token) = token {
        set.push(("access_token", token.expose()));
    }
    if let Some(sign) = &sign {
        set.extend([("timestamp", timestamp_text.as_str()), ("sign", sign.as_str())]);
    }
    http::set_query(
        &mut target,
        |k| (token.is_some() && k == "access_token") || (sign.is_some() && (k == "timestamp" || k == "sign")),
        &set,
    );
    let body = http::json_bytes(VENDOR, &body(message, at_mobiles, *at_all))?;
    let answer = http::post_json(http_client, VENDOR, target, HeaderMap::new(), body).await?;
    judge(&answer, now)
}

/// The signature, Base64 (not yet URL-encoded: the query writer does that).
pub(super) fn sign(secret: &str, timestamp_ms: i64) -> Result<String, SendError> {
    let mac = http::hmac_sha256(secret.as_bytes(), format!("{timestamp_ms}\n{secret}").as_bytes())?;
    Ok(STANDARD.encode(mac))
}

/// A markdown message; the @mentions only when a person is needed now.
pub(super) fn body(message: &Message, at_mobiles: &[String], at_all: bool) -> serde_json::Value {
    let mut text = message.markdown();
    let mention = message.urgent && (!at_mobiles.is_empty() || at_all);
    if mention {
        // DingTalk only highlights and notifies a mobile that also appears in the text as `@mobile`.
        text.push('\n');
        for mobile in at_mobiles {
            text.push_str(&format!("@{mobile} "));
        }
        if at_all {
            text.push_str("@all");
        }
        text.push('\n');
    }
    let mut body = json!({
        "msgtype": "markdown",
        "markdown": { "title": message.title, "text": text },
    });
    if mention {
        body["at"] = json!({ "atMobiles": at_mobiles, "isAtAll": at_all });
    }
    body
}

fn judge(answer: &Answer, now: DateTime<Utc>) -> Result<Delivered, SendError> {
    http::judge_code(VENDOR, answer, now, http::read_errcode, classify)
}

/// DingTalk's error codes for the custom robot, as sentences that say what to change.
pub(super) fn classify(errcode: i64, errmsg: &str) -> SendError {
    let said = format!("(errcode {errcode}: {errmsg})");
    let lower = errmsg.to_ascii_lowercase();
    let rejected = |what: &str| SendError::Rejected(format!("{VENDOR} refused the message: {what} {said}"));
    match errcode {
        // One code for all three security settings; the message says which one failed.
        310000 if lower.contains("sign") || lower.contains("timestamp") => rejected(
            "the signature does not match (加签): the channel's secret is not the robot's, or this host's clock is more than an hour off",
        ),
        310000 if lower.contains("keyword") => {
            rejected("the message contains none of the robot's custom keywords (自定义关键词)")
        }
        310000 if lower.contains("ip") || lower.contains("whitelist") => {
            rejected("this host's address is not in the robot's IP allowlist (IP地址段)")
        }
        310000 => rejected("the robot's security settings (signature, keyword or IP allowlist) refused it"),
        300001 | 300005 | 400101 => rejected("the access_token is not known: check the channel's token"),
        400106 => rejected("the robot does not exist any more: check the channel's token"),
        400102 => rejected("the robot is switched off (机器人已停用)"),
        400013 => rejected("the group the robot belonged to was dissolved"),
        400105 => rejected("DingTalk does not accept this message type"),
        430101..=430104 => rejected("DingTalk's content check refused the text"),
        130101 | 410100 => SendError::Throttled {
            message: format!(
                "{VENDOR}: the robot sent more than DingTalk allows (20 a minute) and is held back for a while {said}"
            ),
            retry_after: None,
        },
        -1 => SendError::Transient(format!("{VENDOR} is busy, try again {said}")),
        _ => rejected("unexpected error"),
    }
}
