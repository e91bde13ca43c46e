//! `/metrics`: what watchdesk knows, in the Prometheus text format (OpenMetrics when the scraper asks for it).
//!
//! Gauges are read at each scrape from the engine's latest snapshot, so an incident that is resolved simply
//! leaves the output. What only the stream of changes tells (deadlines that passed, probe latencies, what the
//! intake received) is counted here as it happens, by a recorder that follows the engine's event stream and
//! snapshots; it never asks the engine anything. A probe is counted when a snapshot shows it: one replaced by
//! the next result of its check before any snapshot went out is not.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use prometheus_client::encoding::{prometheus_text, text as openmetrics_text};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use tokio::sync::broadcast::error::RecvError;

use super::Shared;
use super::auth;
use crate::engine::{DomainEvent, EngineHandle, Health, Snapshot};
use crate::hosts::HostReading;
use crate::model::State as IncidentState;
use crate::policy::{Kind, Severity};
use crate::report::score::ScoreItem;

type Labels = Vec<(&'static str, String)>;
/// Series of one metric, written in the order of their label values.
type Family<M> = series::Series<Labels, M>;
type FloatGauge = Gauge<f64, AtomicU64>;

/// Probe latency buckets, in seconds: from a fast local answer to a check's usual timeout.
const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0];

/// What is counted between scrapes.
#[derive(Debug)]
pub struct Metrics {
    late: Family<Counter>,
    latency: Family<Histogram>,
    pub(super) requests: Family<Counter>,
    pub(super) alerts: Family<Counter>,
    /// Alerts Alertmanager left out of its payloads (`truncatedAlerts`, over its `max_alerts`).
    pub(super) truncated: Counter,
    missed: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            late: Family::default(),
            latency: Family::new(|| Histogram::new(LATENCY_BUCKETS)),
            requests: Family::default(),
            alerts: Family::default(),
            truncated: Counter::default(),
            missed: Counter::default(),
        }
    }
}

impl Metrics {
    /// A deadline passed undone (the engine says so once per deadline).
    pub fn deadline_late(&self, kind: Kind, severity: Severity, stage: &str) {
        self.late
            .get_or_create(&vec![
                ("kind", kind.as_str().to_string()),
                ("severity", severity.as_str().to_string()),
                ("stage", stage.to_string()),
            ])
            .inc();
    }

    /// Every probe the snapshot shows that was not seen yet, into its check's histogram.
    pub fn observe_probes(&self, before: Option<&Snapshot>, now: &Snapshot) {
        for sub in &now.subsystems {
            for check in &sub.checks {
                let Some(last) = &check.last else { continue };
                let seen = before
                    .and_then(|b| b.subsystems.iter().find(|s| s.id == sub.id))
                    .and_then(|s| s.checks.iter().find(|c| c.id == check.id))
                    .and_then(|c| c.last.as_ref())
                    .is_some_and(|l| l.at == last.at);
                if !seen {
                    self.latency
                        .get_or_create(&check_labels(&sub.id, &check.id))
                        .observe(last.latency_ms as f64 / 1000.0);
                }
            }
        }
    }
}

fn check_labels(subsystem: &str, check: &str) -> Labels {
    vec![("subsystem", subsystem.to_string()), ("check", check.to_string())]
}

/// Follows the engine until it stops: late deadlines from the event stream, probe latencies from snapshots.
pub async fn record(metrics: Arc<Metrics>, engine: EngineHandle) {
    let mut events = engine.events();
    let mut snapshots = engine.subscribe();
    let mut before = snapshots.borrow_and_update().clone();
    metrics.observe_probes(None, &before);
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(DomainEvent::Late { incident, stage, .. }) => {
                    metrics.deadline_late(incident.kind, incident.severity, stage.as_str());
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => {
                    metrics.missed.inc_by(n);
                }
                Err(RecvError::Closed) => return,
            },
            changed = snapshots.changed() => {
                if changed.is_err() {
                    return;
                }
                let now = snapshots.borrow_and_update().clone();
                metrics.observe_probes(Some(&before), &now);
                before = now;
            }
        }
    }
}

/// `GET /metrics`.
pub(super) async fn scrape(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(token) = &shared.metrics_token
        && !auth::bearer_matches(&headers, token)
    {
        return auth::unauthorized("/metrics needs the bearer token [http] metrics_token_env/_file names");
    }
    let openmetrics = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/openmetrics-text"));
    let registry = render(&shared.engine.snapshot(), &shared.metrics, shared.clock.now());
    let mut body = String::new();
    let (encoded, content_type) = if openmetrics {
        (
            openmetrics_text::encode(&mut body, &registry),
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )
    } else {
        (
            prometheus_text::encode(&mut body, &registry),
            prometheus_text::CONTENT_TYPE,
        )
    };
    match encoded {
        Ok(()) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            body,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "metrics could not be encoded\n",
        )
            .into_response(),
    }
}

/// Every metric as of `snap` at `now`, with the counters kept since start.
pub fn render(snap: &Snapshot, metrics: &Metrics, now: DateTime<Utc>) -> Registry {
    let mut r = Registry::with_prefix("watchdesk");
    incidents(&mut r, snap, now);
    checks(&mut r, snap);
    r.register_with_unit(
        "check_latency",
        "Latency of each probe of a check",
        Unit::Seconds,
        metrics.latency.clone(),
    );
    r.register(
        "deadlines_late",
        "Deadlines that passed undone since watchdesk started",
        metrics.late.clone(),
    );
    hosts(&mut r, snap);
    score(&mut r, snap);
    let queued = Gauge::<i64>::default();
    queued.set(i64::try_from(snap.delivery.queued).unwrap_or(i64::MAX));
    r.register(
        "notifications_queued",
        "Notifications waiting in the outbox, retries included",
        queued,
    );
    let failed = Gauge::<i64>::default();
    failed.set(i64::try_from(snap.delivery.failed).unwrap_or(i64::MAX));
    r.register("notifications_failed", "Notifications given up on", failed);
    let chain = Gauge::<i64>::default();
    chain.set(i64::try_from(snap.audit_events).unwrap_or(i64::MAX));
    r.register("audit_events", "Length of the audit chain", chain);
    r.register(
        "intake_requests",
        "Requests to the alert intake by endpoint and HTTP status",
        metrics.requests.clone(),
    );
    r.register(
        "intake_alerts",
        "Alerts and events received, by origin and what they did",
        metrics.alerts.clone(),
    );
    r.register(
        "intake_truncated_alerts",
        "Alerts Alertmanager left out of its webhook payloads (truncatedAlerts): they never reached watchdesk",
        metrics.truncated.clone(),
    );
    r.register(
        "events_missed",
        "Engine events the metrics fell too far behind to count",
        metrics.missed.clone(),
    );
    r
}

fn incidents(r: &mut Registry, snap: &Snapshot, now: DateTime<Utc>) {
    let open = Family::<Gauge>::default();
    // Every combination, so that none open reads as 0 rather than as nothing.
    for kind in Kind::ALL {
        for severity in Severity::ALL {
            for state in [
                IncidentState::Open,
                IncidentState::Acknowledged,
                IncidentState::Planned,
            ] {
                open.get_or_create(&incident_labels(kind, severity, state)).set(0);
            }
        }
    }
    let next = Family::<FloatGauge>::default();
    for i in snap.open_incidents.iter() {
        open.get_or_create(&incident_labels(i.kind, i.severity, i.state()))
            .inc();
        if let Some(d) = i.next_deadline(&snap.policy, now) {
            let left = (d.due - now).num_milliseconds() as f64 / 1000.0;
            next.get_or_create(&vec![
                ("id", i.id.to_string()),
                ("kind", i.kind.as_str().to_string()),
                ("severity", i.severity.as_str().to_string()),
                ("stage", d.stage.as_str().to_string()),
            ])
            .set(left);
        }
    }
    r.register("open_incidents", "Incidents not resolved yet", open);
    r.register_with_unit(
        "incident_next_deadline",
        "Time until each open incident's next deadline (negative: late by that much)",
        Unit::Seconds,
        next,
    );
}

fn incident_labels(kind: Kind, severity: Severity, state: IncidentState) -> Labels {
    vec![
        ("kind", kind.as_str().to_string()),
        ("severity", severity.as_str().to_string()),
        ("state", state.as_str().to_string()),
    ]
}

fn checks(r: &mut Registry, snap: &Snapshot) {
    let state = Family::<Gauge>::default();
    let availability = Family::<FloatGauge>::default();
    for sub in &snap.subsystems {
        for check in &sub.checks {
            for h in Health::ALL {
                let mut labels = check_labels(&sub.id, &check.id);
                labels.push(("state", h.as_str().to_string()));
                state.get_or_create(&labels).set(i64::from(check.health == h));
            }
        }
        if let Some(a) = sub.availability_today {
            availability
                .get_or_create(&vec![("subsystem", sub.id.clone())])
                .set(a);
        }
    }
    r.register(
        "check_state",
        "1 for the state each check is in (up, degraded, down, ...), 0 for the others",
        state,
    );
    r.register_with_unit(
        "availability_today",
        "Share of today's probes of each subsystem that were up, maintenance left out",
        Unit::Other("ratio".into()),
        availability,
    );
}

fn hosts(r: &mut Registry, snap: &Snapshot) {
    let reachable = Family::<Gauge>::default();
    let gauges = Family::<FloatGauge>::default();
    let disks = Family::<FloatGauge>::default();
    for host in &snap.hosts {
        let name = || ("host", host.name.clone());
        match &host.reading {
            None => {}
            Some(HostReading::Unreachable { .. }) => {
                reachable.get_or_create(&vec![name()]).set(0);
            }
            Some(HostReading::Gauges(g)) => {
                reachable.get_or_create(&vec![name()]).set(1);
                for (gauge, value) in [("cpu", g.cpu_pct), ("memory", g.mem_pct), ("swap", g.swap_pct)] {
                    if let Some(v) = value {
                        gauges
                            .get_or_create(&vec![name(), ("gauge", gauge.to_string())])
                            .set(v / 100.0);
                    }
                }
                for d in &g.disks {
                    disks
                        .get_or_create(&vec![name(), ("mount", d.mount.clone())])
                        .set(d.used_pct / 100.0);
                }
            }
        }
    }
    r.register(
        "host_reachable",
        "1 when the host's last reading came in, 0 when it could not be read",
        reachable,
    );
    r.register_with_unit(
        "host_usage",
        "CPU, memory and swap in use on each host",
        Unit::Other("ratio".into()),
        gauges,
    );
    r.register_with_unit(
        "host_disk_usage",
        "Share of each mounted disk in use",
        Unit::Other("ratio".into()),
        disks,
    );
}

fn score(r: &mut Registry, snap: &Snapshot) {
    let Some(score) = &snap.score else { return };
    let quarter = vec![("quarter", score.quarter.clone())];
    let total = Family::<FloatGauge>::default();
    total.get_or_create(&quarter).set(score.total);
    r.register(
        "score_projected_points",
        "Projected assessment score of the quarter (of 100)",
        total,
    );
    if let Some(line) = score.lines.iter().find(|l| l.item == ScoreItem::FaultResponse) {
        let fault = Family::<FloatGauge>::default();
        fault.get_or_create(&quarter).set(line.points);
        r.register(
            "score_fault_item_points",
            "Points of the fault response and resolution item (of 15) after late faults",
            fault,
        );
    }
}

mod series;
#[cfg(test)]
mod tests;
