//! A minimal SMTP server on 127.0.0.1 (RFC 5321: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, QUIT), enough
//! for lettre without TLS. It records each mail and can refuse a recipient or a login.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// `(user, password)` from AUTH PLAIN.
    pub login: Option<(String, String)>,
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent, headers and body, dot-unstuffed.
    pub data: String,
}

pub struct SmtpReceiver {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpReceiver {
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// `login`: the only credentials accepted (535 otherwise); `refuse`: a recipient answered with 550.
pub async fn smtp(login: Option<(&str, &str)>, refuse: Option<&str>) -> SmtpReceiver {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
    let login = login.map(|(u, p)| (u.to_string(), p.to_string()));
    let refuse = refuse.map(str::to_string);
    let kept = mails.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (mails, login, refuse) = (kept.clone(), login.clone(), refuse.clone());
            tokio::spawn(async move {
                let _ = session(stream, mails, login, refuse).await;
            });
        }
    });
    SmtpReceiver { addr, mails }
}

async fn session(
    stream: TcpStream,
    mails: Arc<Mutex<Vec<Mail>>>,
    login: Option<(String, String)>,
    refuse: Option<String>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 mail.test ESMTP ready\r\n").await?;
    let mut mail = Mail::default();
    // Bounded: no session in these tests needs more than a few dozen commands.
    for _ in 0..200 {
        let Some(line) = lines.next_line().await? else {
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let answer: String = if upper.starts_with("EHLO") {
            "250-mail.test\r\n250-AUTH PLAIN\r\n250 8BITMIME".into()
        } else if upper.starts_with("HELO") {
            "250 mail.test".into()
        } else if let Some(encoded) = line.strip_prefix("AUTH PLAIN ") {
            let decoded = STANDARD.decode(encoded.trim()).unwrap_or_default();
            let parts: Vec<String> = decoded
                .split(|b| *b == 0)
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            let given = (
                parts.get(1).cloned().unwrap_or_default(),
                parts.get(2).cloned().unwrap_or_default(),
            );
            if login.as_ref() == Some(&given) {
                mail.login = Some(given);
                "235 2.7.0 Authentication successful".into()
            } else {
                "535 5.7.8 Authentication credentials invalid".into()
            }
        } else if upper.starts_with("MAIL FROM:") {
            if login.is_some() && mail.login.is_none() {
                "530 5.7.0 Authentication required".into()
            } else {
                mail.from = address(&line);
                "250 2.1.0 Ok".into()
            }
        } else if upper.starts_with("RCPT TO:") {
            let to = address(&line);
            if refuse.as_deref() == Some(to.as_str()) {
                "550 5.1.1 <".to_string() + &to + ">: Recipient address rejected: User unknown"
            } else {
                mail.to.push(to);
                "250 2.1.5 Ok".into()
            }
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            for _ in 0..10_000 {
                let Some(line) = lines.next_line().await? else {
                    return Ok(());
                };
                if line == "." {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                data.push('\n');
            }
            mail.data = data;
            let login = mail.login.clone();
            mails.lock().unwrap().push(std::mem::take(&mut mail));
            mail.login = login;
            "250 2.0.0 Ok: queued as 4F1A2B".into()
        } else if upper == "RSET" || upper == "NOOP" {
            "250 2.0.0 Ok".into()
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 Bye\r\n").await?;
            return Ok(());
        } else {
            "502 5.5.2 Error: command not recognized".into()
        };
        write.write_all(answer.as_bytes()).await?;
        write.write_all(b"\r\n").await?;
    }
    Ok(())
}

/// `MAIL FROM:<a@b> SIZE=…` → `a@b`.
fn address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_string()
}
