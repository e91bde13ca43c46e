//! Mail over SMTP, with lettre (<https://docs.rs/lettre/0.11/lettre/transport/smtp/>).
//!
//! - `security = "tls"`: implicit TLS from the first byte (RFC 8314, usually port 465);
//! - `security = "starttls"`: plain connection upgraded with STARTTLS, refused if the server cannot
//!   (RFC 3207, usually port 587);
//! - `security = "none"`: no encryption, for a relay on this host.
//!
//! The `Message-ID` is made from the notification's key, so a mail delivered twice (at-least-once after a
//! restart) is recognisable as one. SMTP's reply classes decide what a retry can do (RFC 5321 §4.2.1):
//! 5xx is permanent (bad address, refused sender, authentication failed), 4xx and connection trouble are
//! transient.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message as Mail};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{Delivered, SendError};
use crate::config::{ChannelSpec, SmtpSecurity};
use crate::notify::Message;

pub(super) async fn send(
    spec: &ChannelSpec,
    message: &Message,
    timeout: Duration,
) -> Result<Delivered, SendError> {
    let ChannelSpec::Email {
        host,
        port,
        security,
        username,
        password,
        from,
        to,
    } = spec
    else {
        return Err(SendError::Rejected("not an email channel".into()));
    };
    let from: Mailbox = from
        .parse()
        .map_err(|e| SendError::Rejected(format!("mail: the sender \"{from}\" is not an address: {e}")))?;
    let mut builder = Mail::builder()
        .message_id(Some(message_id(&message.key, from.email.domain())))
        .from(from)
        .subject(message.title.clone());
    for recipient in to {
        let mailbox: Mailbox = recipient.parse().map_err(|e| {
            SendError::Rejected(format!(
                "mail: the recipient \"{recipient}\" is not an address: {e}"
            ))
        })?;
        builder = builder.to(mailbox);
    }
    let mail = builder
        .header(ContentType::TEXT_PLAIN)
        .body(message.plain())
        .map_err(|e| SendError::Rejected(format!("mail: cannot write the message: {e}")))?;

    let transport = match security {
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
        SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            host.as_str(),
        )),
    }
    .map_err(|e| SendError::Rejected(format!("mail: cannot use the server \"{host}\": {e}")))?;
    let mut transport = transport.port(*port).timeout(Some(timeout));
    if let (Some(user), Some(password)) = (username, password) {
        transport = transport.credentials(Credentials::new(user.clone(), password.expose().to_string()));
    }
    let transport = transport.build();

    match transport.send(mail).await {
        Ok(response) => {
            let text: Vec<&str> = response.message().collect();
            Ok(Delivered {
                answer: format!("{} {}", response.code(), text.join(" ")),
            })
        }
        Err(e) => Err(classify(host, *port, &e)),
    }
}

/// `<{key}@{sender's domain}>`, the key reduced to what a Message-ID may hold.
pub(super) fn message_id(key: &str, domain: &str) -> String {
    let local: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '.'
            }
        })
        .collect();
    let domain = if domain.is_empty() {
        "watchdesk.invalid"
    } else {
        domain
    };
    format!("<watchdesk.{local}@{domain}>")
}

fn classify(host: &str, port: u16, error: &lettre::transport::smtp::Error) -> SendError {
    // lettre's text holds the server's own reply; it never contains the password.
    let said = crate::outbound::error_chain(error);
    if error.is_permanent() {
        SendError::Rejected(format!(
            "the mail server {host}:{port} refused the message for good: {said}"
        ))
    } else if error.is_transient() {
        SendError::Transient(format!(
            "the mail server {host}:{port} asked to try later: {said}"
        ))
    } else if error.is_timeout() {
        SendError::Transient(format!("the mail server {host}:{port} did not answer in time"))
    } else if error.is_tls() {
        // A certificate that does not verify or a server without STARTTLS: trying again will not help.
        SendError::Rejected(format!("mail: no secure connection to {host}:{port}: {said}"))
    } else if error.is_client() {
        SendError::Rejected(format!("mail: {host}:{port}: {said}"))
    } else {
        SendError::Transient(format!("mail: cannot reach {host}:{port}: {said}"))
    }
}
