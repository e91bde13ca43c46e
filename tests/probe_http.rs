//! http checks against real servers on 127.0.0.1: each failure is classified in the engineer's words and
//! every probe returns within its timeout plus a small margin.

#[path = "probe_support/servers.rs"]
mod servers;

use std::time::Duration;

use servers::{TIMEOUT, http, http_server, refused_port, silent_server};
use watchdesk::config::{CheckSpec, HttpCheck};
use watchdesk::probe::{self, Outcome, Phase, ProbeResult};

/// Runs the http check, bounded by the timeout (see `servers::probe`).
async fn probe(spec: HttpCheck) -> ProbeResult {
    servers::probe(CheckSpec::Http(spec)).await
}

fn assert_down(result: &ProbeResult, phase: Phase, words: &str) {
    match &result.outcome {
        Outcome::Down { phase: p, reason } => {
            assert_eq!(*p, phase, "{reason}");
            assert!(reason.contains(words), "\"{reason}\" should mention \"{words}\"");
        }
        other => panic!("expected down ({phase}), got {other:?}"),
    }
}

#[tokio::test]
async fn a_healthy_endpoint_is_up_with_its_status() {
    let addr = http_server().await;
    let mut spec = http(format!("http://{addr}/ok"));
    spec.expect_status = vec![200];
    spec.body_contains = Some("ok".into());
    spec.body_regex = Some(r"status:\s+ok".into());
    let result = probe(spec).await;
    assert_eq!(
        result.outcome,
        Outcome::Up {
            detail: "HTTP 200".into()
        }
    );
    assert_eq!(result.check_id, "digital/probe");
    assert_eq!(result.subsystem, "digital");
    assert!(result.latency < TIMEOUT);
}

#[tokio::test]
async fn a_slow_answer_is_degraded() {
    let addr = http_server().await;
    let mut spec = http(format!("http://{addr}/slow"));
    spec.slow = Some(Duration::from_millis(100));
    let result = probe(spec).await;
    match &result.outcome {
        Outcome::Degraded { reason } => assert!(reason.contains("over 100 ms"), "{reason}"),
        other => panic!("expected degraded, got {other:?}"),
    }
    assert!(result.latency >= Duration::from_millis(300));
}

#[tokio::test]
async fn an_http_500_is_a_status_failure() {
    let addr = http_server().await;
    let result = probe(http(format!("http://{addr}/500"))).await;
    assert_down(&result, Phase::Status, "500 Internal Server Error (expected 2xx)");
}

#[tokio::test]
async fn an_unexpected_status_names_the_accepted_ones() {
    let addr = http_server().await;
    let mut spec = http(format!("http://{addr}/ok"));
    spec.expect_status = vec![204, 304];
    assert_down(&probe(spec).await, Phase::Status, "expected 204, 304");
}

#[tokio::test]
async fn a_body_without_the_expected_text_is_a_body_failure() {
    let addr = http_server().await;
    let mut spec = http(format!("http://{addr}/ok"));
    spec.body_contains = Some("database: ok".into());
    assert_down(
        &probe(spec).await,
        Phase::Body,
        "does not contain \"database: ok\"",
    );

    let mut spec = http(format!("http://{addr}/ok"));
    spec.body_regex = Some(r"^version \d+".into());
    assert_down(&probe(spec).await, Phase::Body, "does not match");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let addr = http_server().await;
    let result = probe(http(format!("http://{addr}/hang"))).await;
    assert_down(&result, Phase::Timeout, "no response within 1s");

    let silent = silent_server().await;
    assert_down(
        &probe(http(format!("http://{silent}/"))).await,
        Phase::Timeout,
        "no response",
    );
}

#[tokio::test]
async fn a_body_dripping_one_byte_a_second_times_out() {
    let addr = http_server().await;
    let result = probe(http(format!("http://{addr}/drip"))).await;
    assert_down(&result, Phase::Timeout, "body not complete");
}

#[tokio::test]
async fn an_endless_body_is_read_only_up_to_the_limit() {
    let addr = http_server().await;
    let mut spec = http(format!("http://{addr}/endless"));
    spec.body_contains = Some("aaaa".into());
    let result = probe(spec.clone()).await;
    assert!(matches!(result.outcome, Outcome::Up { .. }), "{result:?}");
    assert!(
        result.latency < Duration::from_millis(500),
        "{:?}",
        result.latency
    );

    spec.body_contains = Some("the end".into());
    let result = probe(spec).await;
    let limit = probe::http::BODY_LIMIT;
    assert_down(&result, Phase::Body, &format!("first {limit} bytes read"));
}

#[tokio::test]
async fn redirects_are_not_followed_unless_asked() {
    let addr = http_server().await;
    let result = probe(http(format!("http://{addr}/moved"))).await;
    assert_down(&result, Phase::Status, "redirect to /ok not followed");

    let mut spec = http(format!("http://{addr}/moved"));
    spec.follow_redirects = 2;
    assert_eq!(
        probe(spec).await.outcome,
        Outcome::Up {
            detail: "HTTP 200".into()
        }
    );
}

#[tokio::test]
async fn a_redirect_loop_is_a_status_failure() {
    let addr = http_server().await;
    let mut spec = http(format!("http://{addr}/loop"));
    spec.follow_redirects = 5;
    assert_down(
        &probe(spec).await,
        Phase::Status,
        "redirect loop or more than 5 redirects",
    );
}

#[tokio::test]
async fn a_redirect_to_a_closed_port_names_that_port() {
    let closed = refused_port().await;
    let app = axum::Router::new().route(
        "/moved",
        axum::routing::get(move || async move {
            (
                axum::http::StatusCode::FOUND,
                [(axum::http::header::LOCATION, format!("http://{closed}/health"))],
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut spec = http(format!("http://{addr}/moved"));
    spec.follow_redirects = 3;
    let result = probe(spec).await;
    match &result.outcome {
        Outcome::Down { phase, reason } => {
            assert_eq!(*phase, Phase::Connect, "{reason}");
            assert_eq!(
                reason,
                &format!(
                    "connection refused by {closed} (nothing listens on that port) \
                     (redirected to http://{closed}/health)"
                )
            );
        }
        other => panic!("expected down, got {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_port_is_connection_refused() {
    let addr = refused_port().await;
    assert_down(
        &probe(http(format!("http://{addr}/"))).await,
        Phase::Connect,
        "connection refused",
    );
}

#[tokio::test]
async fn an_unresolvable_host_is_a_dns_failure() {
    let result = probe(http("http://nothing.invalid/health".into())).await;
    assert_down(&result, Phase::Dns, "cannot resolve \"nothing.invalid\"");
}

#[tokio::test]
async fn head_requests_skip_the_body() {
    let addr = http_server().await;
    let mut spec = http(format!("http://{addr}/drip"));
    spec.method = "HEAD".into();
    let result = probe(spec).await;
    assert!(matches!(result.outcome, Outcome::Up { .. }), "{result:?}");
}
