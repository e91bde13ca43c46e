//! DingTalk's custom robot: signed markdown, @mobiles when urgent, and its errcodes.

use super::*;

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
