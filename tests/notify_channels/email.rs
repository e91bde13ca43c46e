//! Email over SMTP to a local server: what arrives, and the server's refusals.

use super::*;

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
