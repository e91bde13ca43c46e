//! What the four HTTP channels share: one POST with the URL kept out of every error (it carries the robot's
//! token or key), the HTTP statuses every vendor means the same way, and the HMAC they all sign with.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use sha2::Sha256;

use super::{Delivered, SendError};

/// What came back, whatever the status.
pub(super) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// HMAC-SHA256 of `message` keyed by `key`.
pub(super) fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<[u8; 32], SendError> {
    // HMAC accepts keys of every length; the error exists only for fixed-key MACs.
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|_| SendError::Rejected("the signing secret cannot key HMAC-SHA256".into()))?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().into())
}

/// The configured URL, or a sentence saying it is not one.
pub(super) fn parse_url(vendor: &str, url: &str) -> Result<Url, SendError> {
    Url::parse(url).map_err(|e| SendError::Rejected(format!("{vendor}: invalid url \"{url}\": {e}")))
}

/// Sets the URL's query to the pairs already in it that `replaced` does not name, then `set`; a query left
/// empty goes. A pasted webhook URL may already carry a token: the configured one wins.
pub(super) fn set_query(url: &mut Url, replaced: impl Fn(&str) -> bool, set: &[(&str, &str)]) {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !replaced(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        // `append_pair` form-encodes: the URL encoding the vendors ask for (`+`, `/`, `=`).
        let mut query = url.query_pairs_mut();
        query.clear();
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        for (k, v) in set {
            query.append_pair(k, v);
        }
    }
    if url.query().is_none_or(|q| q.is_empty()) {
        url.set_query(None);
    }
}

/// The message as the JSON bytes that are sent (and, where the vendor asks, signed).
pub(super) fn json_bytes(vendor: &str, body: &serde_json::Value) -> Result<Vec<u8>, SendError> {
    serde_json::to_vec(body)
        .map_err(|e| SendError::Rejected(format!("{vendor}: cannot write the message: {e}")))
}

/// POSTs `body` as JSON. The URL never reaches an error text: reqwest puts it in its own, and for DingTalk
/// and WeCom it holds the token.
pub(super) async fn post_json(
    http: &reqwest::Client,
    vendor: &str,
    url: Url,
    mut headers: HeaderMap,
    body: Vec<u8>,
) -> Result<Answer, SendError> {
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    let response = http
        .post(url)
        .headers(headers)
        .body(body)
        .send()
        .await
        .map_err(|e| SendError::Transient(format!("{vendor}: {}", describe(e))))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| SendError::Transient(format!("{vendor}: reading the answer: {}", describe(e))))?;
    Ok(Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// A reqwest error with its causes, without the URL.
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let what = if error.is_timeout() {
        "no answer in time".to_string()
    } else if error.is_connect() {
        "cannot connect".to_string()
    } else {
        error.to_string()
    };
    let mut out = what;
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// The statuses every vendor means alike: 429 throttles, 5xx (and 408) are the server's trouble.
pub(super) fn common_status(vendor: &str, answer: &Answer, now: DateTime<Utc>) -> Option<SendError> {
    let status = answer.status;
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Some(SendError::Throttled {
            message: format!("{vendor} answered HTTP 429 Too Many Requests"),
            retry_after: retry_after(&answer.headers, now),
        });
    }
    if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
        return Some(SendError::Transient(format!(
            "{vendor} answered HTTP {}: {}",
            status_text(status),
            start_of(&answer.body)
        )));
    }
    None
}

/// `Retry-After` as seconds or as an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

pub(super) fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// The first line or so of an answer, for an error sentence.
pub(super) fn start_of(body: &str) -> String {
    const MAX: usize = 200;
    let body = body.trim();
    if body.is_empty() {
        return "(empty answer)".into();
    }
    let mut out: String = body.chars().take(MAX).collect();
    if body.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// `text` cut to at most `max` bytes of UTF-8, at a character boundary, marked when cut.
pub(super) fn cut_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    const MARK: &str = "…";
    let budget = max.saturating_sub(MARK.len());
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() > budget {
            break;
        }
        end = i + c.len_utf8();
    }
    format!("{}{MARK}", &text[..end])
}

/// Judges the answer of a robot that reports a numeric result code (0 = accepted) in its JSON body: the
/// HTTP status first, then the code, which `classify` turns into a sentence. `read` takes the code and the
/// vendor's message out of the body, or `None` when the body carries no code.
pub(super) fn judge_code(
    vendor: &str,
    answer: &Answer,
    now: DateTime<Utc>,
    read: impl FnOnce(&str) -> Option<(i64, String)>,
    classify: fn(i64, &str) -> SendError,
) -> Result<Delivered, SendError> {
    if let Some(error) = common_status(vendor, answer, now) {
        return Err(error);
    }
    match read(&answer.body) {
        Some((0, _)) => Ok(Delivered {
            answer: answer.body.trim().to_string(),
        }),
        Some((code, message)) => Err(classify(code, &message)),
        None => Err(SendError::Rejected(format!(
            "{vendor} answered HTTP {} without a result code: {}",
            status_text(answer.status),
            start_of(&answer.body)
        ))),
    }
}

/// The `errcode` / `errmsg` pair DingTalk and WeCom robots answer with.
#[derive(serde::Deserialize)]
pub(super) struct ErrcodeReply {
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// Reads an `errcode` answer for [`judge_code`].
pub(super) fn read_errcode(body: &str) -> Option<(i64, String)> {
    serde_json::from_str::<ErrcodeReply>(body)
        .ok()
        .map(|reply| (reply.errcode, reply.errmsg))
}
