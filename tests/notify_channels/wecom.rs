//! WeCom's group robot: markdown cut to 4096 bytes, text with mobiles when urgent, and its errcodes.

use super::*;

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
