//! Each delivery channel against a local receiver that behaves like its vendor: the signature is checked
//! with the vendor's algorithm implemented in the test, the body shape is the vendor's, and the answers —
//! success, bad signature, unknown token, throttling, HTTP 429, a server error, a dead port — come back as
//! the right `SendError` with a sentence that never holds a secret.

#[path = "notify_support/receivers.rs"]
mod receivers;
#[path = "notify_support/smtp.rs"]
mod smtp;

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

// ── DingTalk ────────────────────────────────────────────────────────────────────────────────────────────

fn dingtalk_spec(url: String, secret: &str, mobiles: &[&str]) -> ChannelSpec {
    ChannelSpec::DingTalk {
        url,
        token: Some(Secret::new(TOKEN)),
        secret: Some(Secret::new(secret)),
        at_mobiles: mobiles.iter().map(|m| m.to_string()).collect(),
        at_all: false,
    }
}

async fn dingtalk_robot() -> Receiver {
    receivers::dingtalk(TOKEN, Some(SECRET), now().timestamp_millis()).await
}

#[test]
fn dingtalk_receiver_signs_like_the_documented_sample() {
    // The documentation's Python sample, run with these values, prints this sign (before quote_plus).
    assert_eq!(
        receivers::dingtalk_sign("SEC0123456789abcdef", "1700000000000"),
        "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk="
    );
}

#[tokio::test]
async fn dingtalk_signed_markdown_is_accepted() {
    let robot = dingtalk_robot().await;
    let spec = dingtalk_spec(robot.url("/robot/send"), SECRET, &["13800000000"]);
    let delivered = send(&http(), &channel(spec), &message(false), now())
        .await
        .unwrap();
    assert!(delivered.answer.contains("\"errcode\":0"), "{}", delivered.answer);

    let seen = robot.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].signature_ok, Some(true));
    assert_eq!(
        seen[0].query("timestamp"),
        Some(now().timestamp_millis().to_string().as_str())
    );
    let body = seen[0].json();
    assert_eq!(body["msgtype"], "markdown");
    assert_eq!(body["markdown"]["title"], message(false).title);
    assert!(
        body["markdown"]["text"]
            .as_str()
            .unwrap()
            .contains("响应期限: 10:15")
    );
    // Not urgent: nobody is @mentioned.
    assert!(body.get("at").is_none(), "{body}");
    assert!(!body["markdown"]["text"].as_str().unwrap().contains("@138"));
}

#[tokio::test]
async fn dingtalk_urgent_mentions_the_mobiles_in_at_and_in_the_text() {
    let robot = dingtalk_robot().await;
    let spec = dingtalk_spec(robot.url("/robot/send"), SECRET, &["13800000000", "13900000000"]);
    send(&http(), &channel(spec), &message(true), now())
        .await
        .unwrap();
    let body = robot.seen()[0].json();
    assert_eq!(
        body["at"]["atMobiles"],
        serde_json::json!(["13800000000", "13900000000"])
    );
    assert_eq!(body["at"]["isAtAll"], false);
    let text = body["markdown"]["text"].as_str().unwrap();
    assert!(
        text.contains("@13800000000") && text.contains("@13900000000"),
        "{text}"
    );
}

#[tokio::test]
async fn dingtalk_wrong_secret_is_rejected_as_a_bad_signature() {
    let robot = dingtalk_robot().await;
    let spec = dingtalk_spec(robot.url("/robot/send"), WRONG_SECRET, &[]);
    let result = send(&http(), &channel(spec), &message(false), now()).await;
    assert_eq!(robot.seen()[0].signature_ok, Some(false));
    let error = result.clone().unwrap_err();
    let text = rejected(result);
    assert!(
        text.contains("signature does not match") && text.contains("310000"),
        "{text}"
    );
    assert_no_secret(&error, &[TOKEN, WRONG_SECRET]);
}

#[tokio::test]
async fn dingtalk_stale_timestamp_is_rejected() {
    let robot = dingtalk_robot().await;
    let spec = dingtalk_spec(robot.url("/robot/send"), SECRET, &[]);
    let two_hours_ago = now() - chrono::Duration::hours(2);
    let text = rejected(send(&http(), &channel(spec), &message(false), two_hours_ago).await);
    assert!(text.contains("clock"), "{text}");
}

#[tokio::test]
async fn dingtalk_unknown_token_is_rejected() {
    let robot = receivers::dingtalk("another-token", None, now().timestamp_millis()).await;
    let spec = dingtalk_spec(robot.url("/robot/send"), SECRET, &[]);
    let result = send(&http(), &channel(spec), &message(false), now()).await;
    let error = result.clone().unwrap_err();
    assert!(rejected(result).contains("access_token is not known"));
    assert_no_secret(&error, &[TOKEN, SECRET]);
}

#[tokio::test]
async fn dingtalk_send_too_fast_and_http_429_are_throttled() {
    let robot = dingtalk_robot().await;
    let spec = dingtalk_spec(robot.url("/robot/send"), SECRET, &[]);
    robot.behave(Behaviour::VendorThrottle);
    let (text, _) = throttled(send(&http(), &channel(spec.clone()), &message(false), now()).await);
    assert!(text.contains("130101"), "{text}");
    robot.behave(Behaviour::Http429);
    let (_, after) = throttled(send(&http(), &channel(spec), &message(false), now()).await);
    assert_eq!(after, Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn dingtalk_server_error_and_dead_port_are_transient_without_the_token() {
    let robot = dingtalk_robot().await;
    robot.behave(Behaviour::Http503);
    let spec = dingtalk_spec(robot.url("/robot/send"), SECRET, &[]);
    let error = transient(send(&http(), &channel(spec), &message(false), now()).await);
    assert_no_secret(&error, &[TOKEN, SECRET]);

    let url = format!("http://127.0.0.1:{}/robot/send", dead_port().await);
    let error = transient(
        send(
            &http(),
            &channel(dingtalk_spec(url, SECRET, &[])),
            &message(false),
            now(),
        )
        .await,
    );
    // reqwest names the URL in its errors; the URL holds the access_token.
    assert_no_secret(&error, &[TOKEN, SECRET]);
}

// ── Feishu ──────────────────────────────────────────────────────────────────────────────────────────────

fn feishu_spec(receiver: &Receiver, secret: &str) -> ChannelSpec {
    ChannelSpec::Feishu {
        url: receiver.url("/open-apis/bot/v2/hook"),
        token: Some(Secret::new(TOKEN)),
        secret: Some(Secret::new(secret)),
    }
}

#[test]
fn feishu_receiver_signs_like_the_documented_sample() {
    // The documentation's Python sample (hmac key = "{timestamp}\n{secret}", empty message) prints this.
    assert_eq!(
        receivers::feishu_sign("feishu-secret-42", "1700000000"),
        "INMLa6ItJbhwdRZRoTvT3OZMtlY5WjmWq4F2Jscs314="
    );
}

#[tokio::test]
async fn feishu_signed_card_is_accepted() {
    let bot = receivers::feishu(TOKEN, Some(SECRET), now().timestamp()).await;
    send(
        &http(),
        &channel(feishu_spec(&bot, SECRET)),
        &message(false),
        now(),
    )
    .await
    .unwrap();
    let seen = bot.seen();
    assert_eq!(seen[0].signature_ok, Some(true));
    let body = seen[0].json();
    // Seconds, as a string, in the body.
    assert_eq!(body["timestamp"], now().timestamp().to_string());
    assert_eq!(body["msg_type"], "interactive");
    assert_eq!(body["card"]["header"]["template"], "red");
    assert_eq!(body["card"]["header"]["title"]["content"], message(false).title);
    let text = body["card"]["elements"][0]["text"]["content"].as_str().unwrap();
    assert!(text.contains("响应期限"), "{text}");
}

#[tokio::test]
async fn feishu_wrong_secret_is_rejected_as_a_bad_signature() {
    let bot = receivers::feishu(TOKEN, Some(SECRET), now().timestamp()).await;
    let result = send(
        &http(),
        &channel(feishu_spec(&bot, WRONG_SECRET)),
        &message(false),
        now(),
    )
    .await;
    assert_eq!(bot.seen()[0].signature_ok, Some(false));
    let error = result.clone().unwrap_err();
    let text = rejected(result);
    assert!(
        text.contains("signature does not match") && text.contains("19021"),
        "{text}"
    );
    assert_no_secret(&error, &[TOKEN, WRONG_SECRET]);
}

#[tokio::test]
async fn feishu_unknown_token_is_rejected_even_with_http_400() {
    let bot = receivers::feishu("another-hook", None, now().timestamp()).await;
    let result = send(
        &http(),
        &channel(feishu_spec(&bot, SECRET)),
        &message(false),
        now(),
    )
    .await;
    let error = result.clone().unwrap_err();
    assert!(rejected(result).contains("19001"));
    assert_no_secret(&error, &[TOKEN, SECRET]);
}

#[tokio::test]
async fn feishu_too_many_requests_and_http_429_are_throttled() {
    let bot = receivers::feishu(TOKEN, Some(SECRET), now().timestamp()).await;
    bot.behave(Behaviour::VendorThrottle);
    let (text, _) = throttled(
        send(
            &http(),
            &channel(feishu_spec(&bot, SECRET)),
            &message(false),
            now(),
        )
        .await,
    );
    assert!(text.contains("9499"), "{text}");
    bot.behave(Behaviour::Http429);
    let (_, after) = throttled(
        send(
            &http(),
            &channel(feishu_spec(&bot, SECRET)),
            &message(false),
            now(),
        )
        .await,
    );
    assert_eq!(after, Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn feishu_dead_port_is_transient_without_the_token() {
    let spec = ChannelSpec::Feishu {
        url: format!("http://127.0.0.1:{}/open-apis/bot/v2/hook", dead_port().await),
        token: Some(Secret::new(TOKEN)),
        secret: Some(Secret::new(SECRET)),
    };
    let error = transient(send(&http(), &channel(spec), &message(false), now()).await);
    assert_no_secret(&error, &[TOKEN, SECRET]);
}

// ── WeCom ───────────────────────────────────────────────────────────────────────────────────────────────

fn wecom_spec(receiver: &Receiver, key: &str, mobiles: &[&str]) -> ChannelSpec {
    ChannelSpec::WeCom {
        url: receiver.url("/cgi-bin/webhook/send"),
        key: Some(Secret::new(key)),
        mentioned_mobiles: mobiles.iter().map(|m| m.to_string()).collect(),
    }
}

#[tokio::test]
async fn wecom_markdown_is_accepted_and_long_text_is_cut_to_4096_bytes() {
    let robot = receivers::wecom(TOKEN).await;
    let mut long = message(false);
    long.lines = vec!["福建省水利工程质量检测监管平台 门户 不可用".repeat(200)];
    send(
        &http(),
        &channel(wecom_spec(&robot, TOKEN, &["13800000000"])),
        &long,
        now(),
    )
    .await
    .unwrap();
    let body = robot.seen()[0].json();
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().unwrap();
    assert!(content.len() <= 4096 && content.len() > 4000, "{}", content.len());
    assert!(content.ends_with('…'));
    // Not urgent: no mention.
    assert!(body.get("text").is_none());
}

#[tokio::test]
async fn wecom_urgent_goes_as_text_with_the_mobiles_to_mention() {
    let robot = receivers::wecom(TOKEN).await;
    send(
        &http(),
        &channel(wecom_spec(&robot, TOKEN, &["13800000000"])),
        &message(true),
        now(),
    )
    .await
    .unwrap();
    let seen = robot.seen();
    assert_eq!(seen.len(), 1, "one request, so a retry repeats nothing");
    let body = seen[0].json();
    assert_eq!(body["msgtype"], "text");
    assert_eq!(
        body["text"]["mentioned_mobile_list"],
        serde_json::json!(["13800000000"])
    );
    assert!(body["text"]["content"].as_str().unwrap().contains("2026-0001"));
}

#[tokio::test]
async fn wecom_wrong_key_is_rejected_without_the_key() {
    let robot = receivers::wecom(TOKEN).await;
    let wrong = "0b5e1c7a-0000-4000-8000-badbadbadbad";
    let result = send(
        &http(),
        &channel(wecom_spec(&robot, wrong, &[])),
        &message(false),
        now(),
    )
    .await;
    let error = result.clone().unwrap_err();
    let text = rejected(result);
    assert!(
        text.contains("93000") && text.contains("key is not valid"),
        "{text}"
    );
    assert_no_secret(&error, &[wrong, TOKEN]);
}

#[tokio::test]
async fn wecom_freq_out_of_limit_and_http_429_are_throttled() {
    let robot = receivers::wecom(TOKEN).await;
    robot.behave(Behaviour::VendorThrottle);
    let (text, _) = throttled(
        send(
            &http(),
            &channel(wecom_spec(&robot, TOKEN, &[])),
            &message(false),
            now(),
        )
        .await,
    );
    assert!(text.contains("45009"), "{text}");
    robot.behave(Behaviour::Http429);
    let (_, after) = throttled(
        send(
            &http(),
            &channel(wecom_spec(&robot, TOKEN, &[])),
            &message(false),
            now(),
        )
        .await,
    );
    assert_eq!(after, Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn wecom_dead_port_is_transient_without_the_key() {
    let spec = ChannelSpec::WeCom {
        url: format!("http://127.0.0.1:{}/cgi-bin/webhook/send", dead_port().await),
        key: Some(Secret::new(TOKEN)),
        mentioned_mobiles: Vec::new(),
    };
    let error = transient(send(&http(), &channel(spec), &message(false), now()).await);
    assert_no_secret(&error, &[TOKEN]);
}

// ── Generic webhook ─────────────────────────────────────────────────────────────────────────────────────

fn webhook_spec(url: String, secret: &str) -> ChannelSpec {
    ChannelSpec::Webhook {
        url,
        token: Some(Secret::new(TOKEN)),
        secret: Some(Secret::new(secret)),
        headers: vec![("X-Team".into(), "water-ops".into())],
    }
}

#[test]
fn webhook_receiver_signature_matches_a_known_answer() {
    // python: hmac.new(b"hook-secret", b"1700000000." + body, sha256).hexdigest()
    assert_eq!(
        receivers::webhook_sign("hook-secret", "1700000000", br#"{"a":1}"#),
        "sha256=2ca9484d0c409cd2998fd115eb688d50af3c4591f30a5124d6262b43877ed809"
    );
}

#[tokio::test]
async fn webhook_signed_body_of_the_documented_schema_is_accepted() {
    let hook = receivers::webhook(Some(TOKEN), Some(SECRET), now().timestamp()).await;
    let mut digest = message(true);
    digest.digest_of = vec!["2026-0001/opened".into(), "2026-0002/opened".into()];
    let delivered = send(
        &http(),
        &channel(webhook_spec(hook.url("/hook"), SECRET)),
        &digest,
        now(),
    )
    .await
    .unwrap();
    assert!(delivered.answer.starts_with("202"), "{}", delivered.answer);
    let seen = &hook.seen()[0];
    assert_eq!(seen.signature_ok, Some(true));
    assert_eq!(seen.header("idempotency-key"), Some("2026-0001/opened"));
    assert_eq!(seen.header("x-team"), Some("water-ops"));
    assert_eq!(
        seen.header("x-watchdesk-timestamp"),
        Some(now().timestamp().to_string().as_str())
    );
    let body = seen.json();
    let expected = serde_json::json!({
        "schema": "watchdesk.notification/v1",
        "key": "2026-0001/opened",
        "event": "opened",
        "title": digest.title,
        "lines": digest.lines,
        "text": digest.plain(),
        "severity": "critical",
        "incident": "2026-0001",
        "subsystem": "门户",
        "at": "2026-03-02T02:00:00Z",
        "urgent": true,
        "digest_of": ["2026-0001/opened", "2026-0002/opened"],
    });
    assert_eq!(body, expected);
}

#[tokio::test]
async fn webhook_wrong_secret_is_rejected_naming_status_and_answer() {
    let hook = receivers::webhook(Some(TOKEN), Some(SECRET), now().timestamp()).await;
    let result = send(
        &http(),
        &channel(webhook_spec(hook.url("/hook"), WRONG_SECRET)),
        &message(false),
        now(),
    )
    .await;
    assert_eq!(hook.seen()[0].signature_ok, Some(false));
    let error = result.clone().unwrap_err();
    let text = rejected(result);
    assert!(
        text.contains("401") && text.contains("signature does not verify"),
        "{text}"
    );
    assert_no_secret(&error, &[TOKEN, WRONG_SECRET]);
}

#[tokio::test]
async fn webhook_429_is_throttled_and_503_is_transient() {
    let hook = receivers::webhook(Some(TOKEN), Some(SECRET), now().timestamp()).await;
    hook.behave(Behaviour::Http429);
    let (_, after) = throttled(
        send(
            &http(),
            &channel(webhook_spec(hook.url("/hook"), SECRET)),
            &message(false),
            now(),
        )
        .await,
    );
    assert_eq!(after, Some(Duration::from_secs(7)));
    hook.behave(Behaviour::Http503);
    let error = transient(
        send(
            &http(),
            &channel(webhook_spec(hook.url("/hook"), SECRET)),
            &message(false),
            now(),
        )
        .await,
    );
    assert!(error.to_string().contains("503"), "{error}");
}

#[tokio::test]
async fn webhook_dead_port_is_transient() {
    let url = format!("http://127.0.0.1:{}/hook", dead_port().await);
    let error = transient(
        send(
            &http(),
            &channel(webhook_spec(url, SECRET)),
            &message(false),
            now(),
        )
        .await,
    );
    assert_no_secret(&error, &[TOKEN, SECRET]);
}

// ── Email ───────────────────────────────────────────────────────────────────────────────────────────────

const MAIL_PASSWORD: &str = "mail-pass-5b1e77";

fn email_spec(port: u16, password: &str, to: &[&str]) -> ChannelSpec {
    ChannelSpec::Email {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: Some("watchdesk".into()),
        password: Some(Secret::new(password)),
        from: "watchdesk <watchdesk@ops.example.cn>".into(),
        to: to.iter().map(|t| t.to_string()).collect(),
    }
}

#[tokio::test]
async fn email_is_delivered_with_subject_recipients_body_and_a_stable_message_id() {
    let server = smtp::smtp(Some(("watchdesk", MAIL_PASSWORD)), None).await;
    let spec = email_spec(
        server.addr.port(),
        MAIL_PASSWORD,
        &["lead@ops.example.cn", "duty@ops.example.cn"],
    );
    let delivered = send(&http(), &channel(spec), &message(false), now())
        .await
        .unwrap();
    assert!(delivered.answer.starts_with("250"), "{}", delivered.answer);

    let mails = server.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.login, Some(("watchdesk".into(), MAIL_PASSWORD.into())));
    assert_eq!(mail.from, "watchdesk@ops.example.cn");
    assert_eq!(mail.to, vec!["lead@ops.example.cn", "duty@ops.example.cn"]);
    // The subject is RFC 2047-encoded (Chinese); decode what lettre wrote.
    let subject = decoded_subject(&mail.data);
    assert_eq!(subject, message(false).title);
    assert!(
        mail.data
            .contains("Message-ID: <watchdesk.2026-0001.opened@ops.example.cn>"),
        "{}",
        mail.data
    );
    let body = decoded_body(&mail.data);
    assert!(body.contains("响应期限: 10:15"), "{body}");
}

#[tokio::test]
async fn email_refused_recipient_is_rejected() {
    let server = smtp::smtp(Some(("watchdesk", MAIL_PASSWORD)), Some("nobody@ops.example.cn")).await;
    let spec = email_spec(server.addr.port(), MAIL_PASSWORD, &["nobody@ops.example.cn"]);
    let result = send(&http(), &channel(spec), &message(false), now()).await;
    let error = result.clone().unwrap_err();
    let text = rejected(result);
    assert!(text.contains("550"), "{text}");
    assert_no_secret(&error, &[MAIL_PASSWORD]);
    assert!(server.mails().is_empty());
}

#[tokio::test]
async fn email_wrong_password_is_rejected_without_the_password() {
    let server = smtp::smtp(Some(("watchdesk", MAIL_PASSWORD)), None).await;
    let wrong = "not-the-mail-password-9";
    let spec = email_spec(server.addr.port(), wrong, &["lead@ops.example.cn"]);
    let result = send(&http(), &channel(spec), &message(false), now()).await;
    let error = result.clone().unwrap_err();
    assert!(rejected(result).contains("535"));
    assert_no_secret(&error, &[wrong, MAIL_PASSWORD]);
}

#[tokio::test]
async fn email_dead_port_is_transient() {
    let spec = email_spec(dead_port().await, MAIL_PASSWORD, &["lead@ops.example.cn"]);
    let error = transient(send(&http(), &channel(spec), &message(false), now()).await);
    assert_no_secret(&error, &[MAIL_PASSWORD]);
}

/// The `Subject:` header, its encoded words decoded (`=?utf-8?b?…?=`, possibly folded over lines).
fn decoded_subject(data: &str) -> String {
    use base64::Engine;
    let mut raw = String::new();
    let mut in_subject = false;
    for line in data.lines() {
        if let Some(rest) = line.strip_prefix("Subject: ") {
            raw.push_str(rest);
            in_subject = true;
        } else if in_subject && line.starts_with([' ', '\t']) {
            raw.push_str(line);
        } else if in_subject {
            break;
        }
    }
    // RFC 2047 §6.2: white space between two encoded words is not part of the text; elsewhere it is.
    let mut out = String::new();
    let mut previous_encoded = false;
    for word in raw.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        let encoded = lower.starts_with("=?utf-8?b?") && word.ends_with("?=");
        let joined_to_previous = encoded && previous_encoded;
        if !out.is_empty() && !joined_to_previous {
            out.push(' ');
        }
        if encoded {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&word[10..word.len() - 2])
                .unwrap();
            out.push_str(&String::from_utf8(bytes).unwrap());
        } else {
            out.push_str(word);
        }
        previous_encoded = encoded;
    }
    out
}

/// The body after the blank line, undoing base64 or quoted-printable if lettre chose one.
fn decoded_body(data: &str) -> String {
    use base64::Engine;
    let (headers, body) = data.split_once("\n\n").unwrap_or((data, ""));
    let lower = headers.to_ascii_lowercase();
    if lower.contains("content-transfer-encoding: base64") {
        let joined: String = body.lines().collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).unwrap()).unwrap()
    } else {
        body.to_string()
    }
}
