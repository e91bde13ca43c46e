//! Known answers for the signatures, computed with Python's `hmac`/`base64`/`urllib.parse` following each
//! vendor's published sample (an implementation independent of this one), and the cutting of long text.

use super::{SendError, dingtalk, feishu, http, scrub, webhook, wecom};
use crate::config::Secret;

#[test]
fn dingtalk_sign_matches_the_vendor_sample() {
    // python: quote_plus(b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest()))
    let sign = dingtalk::sign("SEC0123456789abcdef", 1_700_000_000_000).unwrap();
    assert_eq!(sign, "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=");
}

#[test]
fn feishu_sign_keys_hmac_with_timestamp_and_secret_over_nothing() {
    // python: b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", sha256).digest())
    let sign = feishu::sign("feishu-secret-42", 1_700_000_000).unwrap();
    assert_eq!(sign, "INMLa6ItJbhwdRZRoTvT3OZMtlY5WjmWq4F2Jscs314=");
}

#[test]
fn webhook_signature_is_hex_hmac_over_timestamp_dot_body() {
    let sign = webhook::sign("hook-secret", 1_700_000_000, br#"{"a":1}"#).unwrap();
    assert_eq!(
        sign,
        "sha256=2ca9484d0c409cd2998fd115eb688d50af3c4591f30a5124d6262b43877ed809"
    );
}

#[test]
fn cutting_keeps_whole_characters_within_the_byte_limit() {
    let text = "水利质检监管平台".repeat(300); // 3 bytes a character
    let cut = http::cut_bytes(&text, wecom::MARKDOWN_MAX_BYTES);
    assert!(cut.len() <= wecom::MARKDOWN_MAX_BYTES, "{}", cut.len());
    assert!(cut.ends_with('…'));
    assert_eq!(http::cut_bytes("short", 4096), "short");
}

#[test]
fn dingtalk_310000_says_which_check_failed() {
    let sign = dingtalk::classify(
        310000,
        "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
    );
    let keyword = dingtalk::classify(310000, "keywords not in content");
    let ip = dingtalk::classify(310000, "ip X.X.X.X not in whitelist");
    for (error, words) in [(sign, "signature"), (keyword, "keywords"), (ip, "allowlist")] {
        assert!(error.is_permanent(), "{error:?}");
        assert!(error.to_string().contains(words), "{error}");
    }
    assert!(matches!(
        dingtalk::classify(130101, "send too fast, exceed 20 times per minute"),
        SendError::Throttled { .. }
    ));
}

#[test]
fn feishu_9499_is_throttled_only_when_it_says_so() {
    assert!(matches!(
        feishu::classify(9499, "too many request"),
        SendError::Throttled { .. }
    ));
    assert!(feishu::classify(9499, "Bad Request").is_permanent());
    assert!(
        feishu::classify(
            19021,
            "sign match fail or timestamp is not within one hour from current time"
        )
        .is_permanent()
    );
}

#[test]
fn scrub_hides_plain_and_url_encoded_secrets() {
    let secret = Secret::new("a+b/c=secret");
    let text = "https://x/?sign=a%2Bb%2Fc%3Dsecret and a+b/c=secret".to_string();
    let out = scrub(text, &[&secret]);
    assert!(!out.contains("secret"), "{out}");
}
