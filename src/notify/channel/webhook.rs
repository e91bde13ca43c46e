//! The generic webhook: watchdesk's own documented schema, for SMS gateways, phone-call services or a
//! team's own bot.
//!
//! ```text
//! POST {url}
//! Content-Type: application/json; charset=utf-8
//! Idempotency-Key: {key}                       the same for every retry of one notification
//! Authorization: Bearer {token}                when a token is configured
//! X-Watchdesk-Timestamp: {unix seconds}        when a secret is configured
//! X-Watchdesk-Signature: sha256={hex}          hex(HmacSHA256(key = secret, message = "{timestamp}.{body}"))
//! {configured headers}
//!
//! {"schema":"watchdesk.notification/v1","key":…,"event":"opened","title":…,"lines":[…],"text":…,
//!  "severity":"critical"|null,"incident":"2026-0001"|null,"subsystem":…|null,"at":"RFC 3339",
//!  "urgent":bool,"digest_of":[…]}
//! ```
//! The signature covers the exact bytes of the body, so a receiver verifies before it parses; the timestamp
//! lets it refuse replays (the same scheme as Stripe's and GitHub's: <https://docs.stripe.com/webhooks#verify-manually>).
//! Answers: any 2xx is accepted; 429 throttles (Retry-After honoured); 408 and 5xx are worth a retry; any
//! other status is refused for good.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::json;

use super::http::{self, Answer};
use super::{Delivered, SendError};
use crate::config::ChannelSpec;
use crate::notify::Message;

const VENDOR: &str = "webhook";
pub(super) const SCHEMA: &str = "watchdesk.notification/v1";

pub(super) async fn send(
    http_client: &reqwest::Client,
    spec: &ChannelSpec,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<Delivered, SendError> {
    let ChannelSpec::Webhook {
        url,
        token,
        secret,
        headers: extra,
    } = spec
    else {
        return Err(SendError::Rejected("not a webhook channel".into()));
    };
    let target = http::parse_url(VENDOR, url)?;
    let body = http::json_bytes(VENDOR, &body(message))?;

    let mut headers = HeaderMap::new();
    for (name, value) in extra {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| SendError::Rejected(format!("{VENDOR}: \"{name}\" is not a valid header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            SendError::Rejected(format!("{VENDOR}: the value of header \"{name}\" is not valid"))
        })?;
        headers.insert(name, value);
    }
    // Ours last: a configured header cannot replace the key or the signature.
    headers.insert("idempotency-key", header_value("Idempotency-Key", &message.key)?);
    if let Some(token) = token {
        let mut value = header_value("Authorization", &format!("Bearer {}", token.expose()))?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    }
    if let Some(secret) = secret {
        let timestamp = now.timestamp();
        let signature = sign(secret.expose(), timestamp, &body)?;
        headers.insert(
            "x-watchdesk-timestamp",
            header_value("X-Watchdesk-Timestamp", &timestamp.to_string())?,
        );
        headers.insert(
            "x-watchdesk-signature",
            header_value("X-Watchdesk-Signature", &signature)?,
        );
    }
    let answer = http::post_json(http_client, VENDOR, target, headers, body).await?;
    judge(&answer, now)
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, SendError> {
    // Never echo the value: it may be the token.
    HeaderValue::from_str(value)
        .map_err(|_| SendError::Rejected(format!("{VENDOR}: the value for header {name} is not valid")))
}

/// `sha256=` and the hex HMAC over `"{timestamp}.{body}"`.
pub(super) fn sign(secret: &str, timestamp: i64, body: &[u8]) -> Result<String, SendError> {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    Ok(format!(
        "sha256={}",
        hex::encode(http::hmac_sha256(secret.as_bytes(), &signed)?)
    ))
}

/// The body: schema `watchdesk.notification/v1`. Fields are only ever added to it.
pub(super) fn body(message: &Message) -> serde_json::Value {
    json!({
        "schema": SCHEMA,
        "key": message.key,
        "event": message.event.as_str(),
        "title": message.title,
        "lines": message.lines,
        "text": message.plain(),
        "severity": message.severity.map(|s| s.as_str()),
        "incident": message.incident,
        "subsystem": message.subsystem,
        "at": message.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "urgent": message.urgent,
        "digest_of": message.digest_of,
    })
}

fn judge(answer: &Answer, now: DateTime<Utc>) -> Result<Delivered, SendError> {
    if let Some(error) = http::common_status(VENDOR, answer, now) {
        return Err(error);
    }
    if answer.status.is_success() {
        let text = answer.body.trim();
        let answer = if text.is_empty() {
            http::status_text(answer.status)
        } else {
            format!("{}: {}", http::status_text(answer.status), http::start_of(text))
        };
        return Ok(Delivered { answer });
    }
    Err(SendError::Rejected(format!(
        "the webhook refused the message with HTTP {}: {}",
        http::status_text(answer.status),
        http::start_of(&answer.body)
    )))
}
