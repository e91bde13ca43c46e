//! `POST /api/v1/alertmanager`: Alertmanager's webhook (`webhook_config`, payload version 4). Each alert is
//! deduplicated by its fingerprint; `[[alert_route]]` picks subsystem, kind and severity from its labels.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::Shared;
use super::intake::{Batch, one_line, run};
use crate::config::AlertRoute;
use crate::engine::Signal;
use crate::model::Origin;

/// The payload, as Alertmanager 0.2x sends it. Unknown fields are refused: a payload of another shape is not
/// guessed at. The group's own fields are accepted and not used: each alert carries what watchdesk needs.
/// `truncatedAlerts` is the exception: alerts Alertmanager left out (over the receiver's `max_alerts`) never
/// reach watchdesk, and the engineer must hear of them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct Payload {
    version: String,
    alerts: Vec<Alert>,
    #[serde(default)]
    _group_key: IgnoredAny,
    #[serde(default)]
    truncated_alerts: u64,
    #[serde(default)]
    _status: IgnoredAny,
    #[serde(default)]
    _receiver: IgnoredAny,
    #[serde(default)]
    _group_labels: IgnoredAny,
    #[serde(default)]
    _common_labels: IgnoredAny,
    #[serde(default)]
    _common_annotations: IgnoredAny,
    #[serde(default, rename = "externalURL")]
    _external_url: IgnoredAny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Firing,
    Resolved,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Alert {
    status: Status,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: DateTime<Utc>,
    #[serde(default)]
    ends_at: Option<DateTime<Utc>>,
    #[serde(default, rename = "generatorURL")]
    generator_url: String,
    fingerprint: String,
}

pub(super) async fn receive(
    State(shared): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    run(&shared, peer, &headers, body, Origin::Alertmanager, |p: Payload, s| {
        let truncated = p.truncated_alerts;
        let signals = signals(p, &s.routes)?;
        let note = (truncated > 0).then(|| {
            s.metrics.truncated.inc_by(truncated);
            tracing::warn!(
                truncated_alerts = truncated,
                received = signals.len(),
                "Alertmanager left {truncated} alerts out of a payload of {} (truncatedAlerts): they are not in watchdesk",
                signals.len()
            );
            truncated_note(truncated)
        });
        Ok(Batch { signals, note })
    })
    .await
}

/// The note on incidents opened by a payload that left alerts out.
fn truncated_note(truncated: u64) -> String {
    format!(
        "Alertmanager left {truncated} more alerts of this group out of its message (truncatedAlerts; the \
         receiver's max_alerts): see Alertmanager for them"
    )
}

/// The signals of a payload, or why it is refused.
pub(super) fn signals(payload: Payload, routes: &[AlertRoute]) -> Result<Vec<Signal>, String> {
    if payload.version != "4" {
        return Err(format!(
            "payload version \"{}\": accepted is version \"4\" (Alertmanager's webhook_config)",
            payload.version
        ));
    }
    payload
        .alerts
        .into_iter()
        .enumerate()
        .map(|(n, alert)| {
            if alert.fingerprint.trim().is_empty() {
                return Err(format!(
                    "alerts[{n}]: fingerprint is empty: every alert needs one"
                ));
            }
            let route = AlertRoute::pick(routes, &alert.labels);
            let firing = alert.status == Status::Firing;
            Ok(Signal {
                origin: Origin::Alertmanager,
                key: alert.fingerprint.trim().to_string(),
                firing,
                title: title(&alert.labels, &alert.annotations),
                kind: route.kind,
                severity: route.severity,
                subsystem: route.subsystem,
                detected_at: Some(alert.starts_at),
                // Alertmanager writes year 1 for "no end yet".
                ended_at: alert.ends_at.filter(|e| !firing && *e > alert.starts_at),
                labels: alert.labels,
                generator_url: Some(alert.generator_url).filter(|u| !u.trim().is_empty()),
            })
        })
        .collect()
}

/// `alertname: summary` (or its description, or the instance), on one line.
fn title(labels: &BTreeMap<String, String>, annotations: &BTreeMap<String, String>) -> String {
    let name = labels.get("alertname").map_or("alert", String::as_str);
    let what = ["summary", "description"]
        .iter()
        .find_map(|k| annotations.get(*k))
        .or_else(|| labels.get("instance"))
        .filter(|s| !s.trim().is_empty());
    match what {
        Some(what) => one_line(&format!("{name}: {what}"), 200),
        None => one_line(name, 200),
    }
}

#[cfg(test)]
mod tests;
