//! `POST /api/v1/events`: one alert from a script or another tool, with the intake's rules.
//!
//! ```json
//! {"title": "nightly export failed", "severity": "major", "subsystem": "digital",
//!  "dedup_key": "export-nightly", "status": "firing"}
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Shared;
use super::intake::{one_line, run};
use crate::engine::Signal;
use crate::model::Origin;
use crate::policy::{Kind, Severity};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Event {
    title: String,
    severity: Severity,
    #[serde(default)]
    subsystem: Option<String>,
    dedup_key: String,
    status: Status,
    /// fault (default), change, support or security.
    #[serde(default)]
    kind: Option<Kind>,
    /// When the fault began; now when not given.
    #[serde(default)]
    detected_at: Option<DateTime<Utc>>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    /// Where to read more about it.
    #[serde(default)]
    url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Firing,
    Resolved,
}

pub(super) async fn receive(
    State(shared): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    run(&shared, peer, &headers, body, Origin::Events, |e, _| {
        signal(e).map(|s| vec![s].into())
    })
    .await
}

pub(super) fn signal(event: Event) -> Result<Signal, String> {
    if event.dedup_key.trim().is_empty() {
        return Err("dedup_key is empty: it names the alert, so that repeats update one incident".into());
    }
    if event.title.trim().is_empty() {
        return Err("title is empty: say what is wrong in a few words".into());
    }
    let firing = event.status == Status::Firing;
    Ok(Signal {
        origin: Origin::Events,
        key: event.dedup_key.trim().to_string(),
        firing,
        title: one_line(&event.title, 200),
        kind: event.kind.unwrap_or(Kind::Fault),
        severity: event.severity,
        subsystem: event.subsystem.filter(|s| !s.trim().is_empty()),
        detected_at: event.detected_at.filter(|_| firing),
        ended_at: event.detected_at.filter(|_| !firing),
        labels: event.labels,
        generator_url: event.url.filter(|u| !u.trim().is_empty()),
    })
}
