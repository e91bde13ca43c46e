//! Each delivery channel against a local receiver that behaves like its vendor: the signature is checked
//! with the vendor's algorithm implemented in the test, the body shape is the vendor's, and the answers —
//! success, bad signature, unknown token, throttling, HTTP 429, a server error, a dead port — come back as
//! the right `SendError` with a sentence that never holds a secret.

#[path = "../notify_support/receivers.rs"]
mod receivers;
#[path = "../notify_support/smtp.rs"]
mod smtp;

mod dingtalk;
mod email;
mod feishu;
mod webhook;
mod wecom;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use receivers::{Behaviour, Receiver};
use watchdesk::config::{Channel, ChannelSpec, EventKind, Secret, SmtpSecurity};
use watchdesk::notify::channel::send;
use watchdesk::notify::{Delivered, Message, SendError};
use watchdesk::policy::Severity;

const TOKEN: &str = "tok-3f9a1c0e77d24b6b";
const SECRET: &str = "SECd41d8cd98f00b204e9800998ecf8427e";
const WRONG_SECRET: &str = "SEC-not-the-robots-secret-0000";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

fn channel(spec: ChannelSpec) -> Channel {
    Channel {
        name: "oncall".into(),
        spec,
        per_minute: 20,
        events: None,
        min_severity: Severity::Minor,
        timeout: Duration::from_secs(5),
        unavailable: None,
    }
}

fn message(urgent: bool) -> Message {
    Message {
        key: "2026-0001/opened".into(),
        event: EventKind::Opened,
        title: "紧急故障 2026-0001: 质检监管平台 门户 不可用".into(),
        lines: vec![
            "检测: 2026-03-02 10:00 (HTTP 503)".into(),
            "响应期限: 10:15".into(),
        ],
        severity: Some(Severity::Critical),
        incident: Some("2026-0001".into()),
        subsystem: Some("门户".into()),
        at: now(),
        urgent,
        digest_of: Vec::new(),
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// A port nothing listens on.
async fn dead_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// The error must not carry any of these, in its text or its Debug form.
fn assert_no_secret(error: &SendError, secrets: &[&str]) {
    let shown = format!("{error} | {error:?}");
    for secret in secrets {
        assert!(!shown.contains(secret), "secret leaked: {shown}");
    }
}

fn rejected(result: Result<Delivered, SendError>) -> String {
    match result {
        Err(SendError::Rejected(text)) => text,
        other => panic!("expected Rejected, got {other:?}"),
    }
}

fn throttled(result: Result<Delivered, SendError>) -> (String, Option<Duration>) {
    match result {
        Err(SendError::Throttled { message, retry_after }) => (message, retry_after),
        other => panic!("expected Throttled, got {other:?}"),
    }
}

fn transient(result: Result<Delivered, SendError>) -> SendError {
    match result {
        Err(e @ SendError::Transient(_)) => e,
        other => panic!("expected Transient, got {other:?}"),
    }
}
