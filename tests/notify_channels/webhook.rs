//! The generic webhook: the documented schema, its signature header and the HTTP answers.

use super::*;

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
