//! http checks: one request, a fresh connection each time (a pooled connection would hide a server that no
//! longer accepts new ones), at most 64 KiB of body read, everything inside the check's timeout.
//!
//! Clients are shared between checks with the same redirect and proxy settings: building one sets up TLS
//! and costs far more than the request itself (see BENCHMARKS.md), and with no idle pool sharing one keeps
//! each probe on its own connection.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::io;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use reqwest::{Client, Method, Response, StatusCode, Url, redirect};
use tokio::time::timeout_at;

use super::{Budget, Outcome, Phase, down};
use crate::config::HttpCheck;

/// The most body a probe reads; an endless or huge body must not cost more than this.
pub const BODY_LIMIT: usize = 64 * 1024;

pub(super) async fn run(spec: &HttpCheck, budget: Budget) -> Outcome {
    match client_for(spec) {
        Ok(client) => probe(spec, &client, budget).await,
        Err(e) => down(Phase::Connect, format!("cannot set up the HTTP client: {e}")),
    }
}

/// What a client is built from: `proxy`.
type ClientKey = Option<String>;

/// The shared client for this check's redirect and proxy settings.
pub fn client_for(spec: &HttpCheck) -> Result<Client, reqwest::Error> {
    static CLIENTS: OnceLock<Mutex<HashMap<ClientKey, Client>>> = OnceLock::new();
    let key = spec.proxy.clone();
    let mut clients = CLIENTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(client) = clients.get(&key) {
        return Ok(client.clone());
    }
    let client = build_client(spec)?;
    clients.insert(key, client.clone());
    Ok(client)
}

/// A new client for this check's settings: no idle connections kept, redirects never followed by the client
/// (`send` follows them), `*_PROXY` variables ignored unless the check names a proxy.
pub fn build_client(spec: &HttpCheck) -> Result<Client, reqwest::Error> {
    let mut builder = crate::outbound::client_builder()
        .pool_max_idle_per_host(0)
        .redirect(redirect::Policy::none())
        .user_agent(concat!("watchdesk/", env!("CARGO_PKG_VERSION")))
        .no_proxy();
    if let Some(proxy) = &spec.proxy {
        builder = builder.proxy(reqwest::Proxy::all(proxy)?);
    }
    builder.build()
}

/// One request with a given client, judged against the check's expectations.
pub async fn probe_with(spec: &HttpCheck, client: &Client, timeout: Duration) -> Outcome {
    probe(spec, client, Budget::starting_now(timeout)).await
}

async fn probe(spec: &HttpCheck, client: &Client, budget: Budget) -> Outcome {
    let method = Method::from_bytes(spec.method.as_bytes()).unwrap_or(Method::GET);
    let is_head = method == Method::HEAD;
    let response = match send(spec, client, method, budget).await {
        Ok(response) => response,
        Err(outcome) => return outcome,
    };
    let status = response.status();
    if !status_accepted(status, &spec.expect_status) {
        return down(Phase::Status, status_reason(&response, spec));
    }
    if !is_head {
        let body = match read_body(response, budget).await {
            Ok(body) => body,
            Err(outcome) => return outcome,
        };
        if let Some(reason) = body_mismatch(spec, &body) {
            return down(Phase::Body, reason);
        }
    }
    let latency = budget.start.elapsed();
    match spec.slow {
        Some(slow) if latency > slow => Outcome::Degraded {
            reason: format!(
                "slow: HTTP {} in {} ms, over {} ms",
                status.as_u16(),
                latency.as_millis(),
                slow.as_millis()
            ),
        },
        _ => Outcome::Up {
            detail: format!("HTTP {}", status.as_u16()),
        },
    }
}

/// The request, following up to `follow_redirects` redirects here rather than in the client, so that a
/// failure names the address that failed (a redirect to a closed port names that port, not the first one).
async fn send(
    spec: &HttpCheck,
    client: &Client,
    method: Method,
    budget: Budget,
) -> Result<Response, Outcome> {
    let mut url =
        Url::parse(&spec.url).map_err(|e| down(Phase::Connect, format!("invalid URL {}: {e}", spec.url)))?;
    let mut method = method;
    for hop in 0..=spec.follow_redirects {
        let mut request = client.request(method.clone(), url.clone());
        for (name, value) in &spec.headers {
            request = request.header(name, value);
        }
        let response = match timeout_at(budget.deadline, request.send()).await {
            Err(_) => return Err(budget.timed_out("no response")),
            Ok(Err(e)) if untrusted_issuer(&e) && self_signed(&url, budget).await => {
                let host = url.host_str().unwrap_or(spec.url.as_str());
                return Err(failure_with(
                    Phase::Tls,
                    format!("TLS with {host} failed: self-signed certificate (not trusted)"),
                    spec,
                ));
            }
            Ok(Err(e)) => return Err(failure(&e, spec, &url)),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| url.join(l).ok());
        let Some(next) = location.filter(|_| status.is_redirection() && spec.follow_redirects > 0) else {
            return Ok(response);
        };
        if hop == spec.follow_redirects {
            return Err(down(
                Phase::Status,
                format!(
                    "redirect loop or more than {} redirects (last to {next})",
                    spec.follow_redirects
                ),
            ));
        }
        // As browsers do: 303, and 301/302 after anything but GET or HEAD, continue with GET.
        if status == StatusCode::SEE_OTHER
            || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND)
                && method != Method::GET
                && method != Method::HEAD)
        {
            method = Method::GET;
        }
        url = next;
    }
    Err(down(Phase::Status, "no response".to_string()))
}

fn status_accepted(status: StatusCode, expected: &[u16]) -> bool {
    if expected.is_empty() {
        status.is_success()
    } else {
        expected.contains(&status.as_u16())
    }
}

fn status_reason(response: &Response, spec: &HttpCheck) -> String {
    let status = response.status();
    let expected = if spec.expect_status.is_empty() {
        "2xx".to_string()
    } else {
        let codes: Vec<String> = spec.expect_status.iter().map(u16::to_string).collect();
        codes.join(", ")
    };
    let mut reason = format!("HTTP {status} (expected {expected})");
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or("?");
        if spec.follow_redirects == 0 {
            reason.push_str(&format!(
                ", redirect to {location} not followed (follow_redirects = 0)"
            ));
        } else {
            reason.push_str(&format!(", redirect to {location}"));
        }
    }
    reason
}

/// Up to `BODY_LIMIT` bytes, chunk by chunk, stopping early; a body that drips past the deadline is a
/// timeout, not a wait.
async fn read_body(mut response: Response, budget: Budget) -> Result<Vec<u8>, Outcome> {
    let mut body = Vec::new();
    while body.len() < BODY_LIMIT {
        match timeout_at(budget.deadline, response.chunk()).await {
            Err(_) => {
                return Err(budget.timed_out(&format!("body not complete ({} bytes read)", body.len())));
            }
            Ok(Err(e)) => {
                return Err(down(
                    Phase::Body,
                    format!("body broken off after {} bytes: {}", body.len(), innermost(&e)),
                ));
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => {
                let room = BODY_LIMIT - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
        }
    }
    Ok(body)
}

fn body_mismatch(spec: &HttpCheck, body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    if let Some(needle) = &spec.body_contains
        && !text.contains(needle.as_str())
    {
        return Some(format!(
            "body does not contain \"{needle}\" (first {} bytes read)",
            body.len()
        ));
    }
    if let Some(pattern) = &spec.body_regex {
        match regex::Regex::new(pattern) {
            Ok(re) if re.is_match(&text) => {}
            Ok(_) => {
                return Some(format!(
                    "body does not match /{pattern}/ (first {} bytes read)",
                    body.len()
                ));
            }
            Err(e) => return Some(format!("invalid body_regex /{pattern}/: {e}")),
        }
    }
    None
}

/// Words for a failed request: which step failed, in the terms of the step.
fn failure(e: &reqwest::Error, spec: &HttpCheck, url: &Url) -> Outcome {
    let (phase, reason) = classify(e, spec, url);
    failure_with(phase, reason, spec)
}

fn failure_with(phase: Phase, mut reason: String, spec: &HttpCheck) -> Outcome {
    if let Some(proxy) = &spec.proxy {
        reason.push_str(&format!(" (through proxy {proxy})"));
    }
    down(phase, reason)
}

/// `url` is the address this request went to (after any redirects).
fn classify(e: &reqwest::Error, spec: &HttpCheck, url: &Url) -> (Phase, String) {
    let host = url.host_str().map_or_else(|| spec.url.clone(), str::to_string);
    let authority = url
        .port_or_known_default()
        .map_or_else(|| host.clone(), |port| format!("{host}:{port}"));
    let via = if url.as_str() == spec.url || Url::parse(&spec.url).is_ok_and(|u| &u == url) {
        String::new()
    } else {
        format!(" (redirected to {url})")
    };
    let (phase, reason) = classify_at(e, &host, &authority);
    (phase, format!("{reason}{via}"))
}

fn classify_at(e: &reqwest::Error, host: &str, authority: &str) -> (Phase, String) {
    let host = host.to_string();
    for err in chain(e) {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return (Phase::Tls, format!("TLS with {host} failed: {}", tls_words(tls)));
        }
        if err
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::ConnectionRefused)
        {
            return (
                Phase::Connect,
                format!("connection refused by {authority} (nothing listens on that port)"),
            );
        }
        if err.to_string() == "dns error" {
            return (
                Phase::Dns,
                format!("cannot resolve \"{host}\": {}", innermost(err)),
            );
        }
    }
    if e.is_timeout() {
        return (Phase::Timeout, format!("{host}: {}", innermost(e)));
    }
    if e.is_body() || e.is_decode() {
        return (
            Phase::Body,
            format!("body from {host} unreadable: {}", innermost(e)),
        );
    }
    (
        Phase::Connect,
        format!("request to {authority} failed: {}", innermost(e)),
    )
}

/// The certificate was refused for its issuer: unknown, not allowed to sign it, or a signature that does
/// not verify. A self-signed certificate ends up in one of these, depending on how it was made.
fn untrusted_issuer(e: &reqwest::Error) -> bool {
    use rustls::CertificateError as C;
    chain(e).any(|err| {
        matches!(
            err.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(
                C::UnknownIssuer | C::BadSignature | C::Other(_)
            ))
        )
    })
}

/// Whether the server of `url` shows a self-signed certificate (asked with a second handshake that accepts
/// any certificate; no proxy).
async fn self_signed(url: &Url, budget: Budget) -> bool {
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let address = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    super::tls::presents_self_signed(&address, host, budget).await == Some(true)
}

/// rustls's words plus what they usually mean for a monitored site.
fn tls_words(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let hint = match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            " (issued by a CA this machine does not trust)"
        }
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => " (certificate expired)",
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            " (certificate is for another host name)"
        }
        _ => "",
    };
    format!("{e}{hint}")
}

/// The most specific message of an error chain ("Connection reset by peer", not "error sending request").
fn innermost(e: &(dyn StdError + 'static)) -> String {
    chain(e)
        .last()
        .map_or_else(|| e.to_string(), |last| last.to_string())
}

/// An error and its causes. `io::Error::source` skips the error it wraps (it returns the wrapped error's
/// source), and TLS failures arrive as an `io::Error` wrapping an `io::Error` wrapping a `rustls::Error`, so
/// wrapped errors are followed through `get_ref`.
fn chain<'a>(e: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |&err: &&'a (dyn StdError + 'static)| {
        match err.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => err.source(),
        }
    })
}
