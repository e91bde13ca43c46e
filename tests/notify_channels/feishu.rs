//! Feishu's custom bot: the signed card, and its codes (also under HTTP 400).

use super::*;

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
