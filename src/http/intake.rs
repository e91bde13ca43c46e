//! What both intake endpoints do with a request: the token, a place among the bodies held in memory, the body
//! read up to its cap, the JSON read strictly, then one command to the engine. Every refusal is JSON
//! `{"error": "..."}` saying what was wrong and what is accepted; a refused request wrote nothing.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::{Shared, auth};
use crate::engine::{Command, EngineError, IntakeReport, Reply, Signal};
use crate::model::{Actor, Origin};

/// How long a request waits for a place among the bodies in memory before it is told to come back.
const BUSY_WAIT: Duration = Duration::from_secs(5);

pub(super) fn refusal(status: StatusCode, message: String) -> Response {
    json_response(status, &json!({ "error": message }))
}

fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}

pub(super) async fn not_found(uri: Uri) -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        format!(
            "no such endpoint {}: accepted are GET /metrics, POST /api/v1/alertmanager and POST /api/v1/events",
            uri.path()
        ),
    )
}

/// What one payload asks of the engine.
pub(super) struct Batch {
    pub signals: Vec<Signal>,
    /// Written on each incident the payload opens or opens again (what the payload says it left out).
    pub note: Option<String>,
}

impl From<Vec<Signal>> for Batch {
    fn from(signals: Vec<Signal>) -> Batch {
        Batch { signals, note: None }
    }
}

/// Runs one intake request; `convert` turns the parsed payload into signals or says why it cannot.
pub(super) async fn run<P: DeserializeOwned>(
    shared: &Shared,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
    origin: Origin,
    convert: impl FnOnce(P, &Shared) -> Result<Batch, String>,
) -> Response {
    let response = handle(shared, peer, headers, body, origin, convert).await;
    shared
        .metrics
        .requests
        .get_or_create(&vec![
            ("endpoint", origin.as_str().to_string()),
            ("code", response.status().as_u16().to_string()),
        ])
        .inc();
    response
}

async fn handle<P: DeserializeOwned>(
    shared: &Shared,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
    origin: Origin,
    convert: impl FnOnce(P, &Shared) -> Result<Batch, String>,
) -> Response {
    let Some(token) = &shared.token else {
        return refusal(
            StatusCode::FORBIDDEN,
            "the intake is off: [http] names no token_env or token_file".into(),
        );
    };
    if !auth::bearer_matches(headers, token) {
        return auth::unauthorized(
            "missing or wrong bearer token: send Authorization: Bearer <[http] token>",
        );
    }
    let Ok(Ok(_place)) = tokio::time::timeout(BUSY_WAIT, shared.bodies.clone().acquire_owned()).await else {
        let mut busy = refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many requests at once: nothing was stored; send again shortly".into(),
        );
        busy.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return busy;
    };
    let bytes = match read_capped(headers, body, shared.max_body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let payload: P = match serde_json::from_slice(&bytes) {
        Ok(p) => p,
        Err(e) => return refusal(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")),
    };
    drop(bytes);
    let Batch { signals, note } = match convert(payload, shared) {
        Ok(batch) => batch,
        Err(why) => return refusal(StatusCode::BAD_REQUEST, why),
    };
    let actor = Actor {
        user: origin.as_str().to_string(),
        from: Some(peer.ip().to_string()),
    };
    let Ok(_turn) = shared.engine_gate.acquire().await else {
        return refusal(StatusCode::SERVICE_UNAVAILABLE, "watchdesk is stopping".into());
    };
    match shared
        .engine
        .execute(actor.clone(), Command::Intake(signals))
        .await
    {
        Ok(Reply::Intake(report)) => {
            count(shared, origin, &report);
            if let Some(text) = note {
                annotate(shared, &actor, &report, &text).await;
            }
            json_response(StatusCode::OK, &*report)
        }
        Ok(other) => refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("unexpected answer from the engine: {other:?}"),
        ),
        Err(e) if e.is_bad_input() => refusal(StatusCode::BAD_REQUEST, format!("{e}; nothing was stored")),
        Err(e @ (EngineError::Store(_) | EngineError::Stopped)) => refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{e}; nothing was stored: send again later"),
        ),
        Err(e) => refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The body, or 413 as soon as it is known to be larger than `cap` (from its length, or while reading).
async fn read_capped(headers: &HeaderMap, body: Body, cap: usize) -> Result<Vec<u8>, Response> {
    let too_large = || {
        refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than {cap} bytes ([http] max_body): nothing was stored"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(cap as u64) as usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            refusal(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read: {e}"),
            )
        })?;
        if bytes.len() + chunk.len() > cap {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// `text` as a note on each incident the payload opened or opened again. The alerts themselves are stored
/// already, so a note that cannot be written is logged rather than turned into a refusal.
async fn annotate(shared: &Shared, actor: &Actor, report: &IntakeReport, text: &str) {
    for id in report.opened.iter().chain(&report.failed_again) {
        let note = Command::Note {
            id: *id,
            at: None,
            text: text.to_string(),
        };
        if let Err(e) = shared.engine.execute(actor.clone(), note).await {
            tracing::warn!(incident = %id, "the note on {id} could not be written: {e}");
        }
    }
}

fn count(shared: &Shared, origin: Origin, report: &IntakeReport) {
    for (result, n) in [
        ("opened", report.opened.len()),
        ("restored", report.restored.len()),
        ("failed_again", report.failed_again.len()),
        ("unchanged", report.unchanged),
        ("ignored", report.ignored),
    ] {
        shared
            .metrics
            .alerts
            .get_or_create(&vec![
                ("origin", origin.as_str().to_string()),
                ("result", result.to_string()),
            ])
            .inc_by(n as u64);
    }
}

/// A title as shown on one line: trimmed, at most `max` characters.
pub(super) fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}
