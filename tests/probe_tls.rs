//! tls checks read the days left even from self-signed and expired certificates (made here with rcgen and
//! served with tokio-rustls); an http check against a self-signed certificate fails at TLS.

#[path = "probe_support/servers.rs"]
mod servers;

use chrono::{Datelike, Utc};
use servers::{certificate, http, probe, refused_port, silent_server, tls_server};
use watchdesk::config::CheckSpec;
use watchdesk::probe::{Outcome, Phase};

fn tls(address: String) -> CheckSpec {
    CheckSpec::Tls {
        address,
        warn_days: 30,
        critical_days: 7,
    }
}

/// The UTC date `days` from today, as rcgen wants it.
fn in_days(days: i64) -> (i32, u8, u8) {
    let date = (Utc::now() + chrono::Duration::days(days)).date_naive();
    (date.year(), date.month() as u8, date.day() as u8)
}

#[tokio::test]
async fn a_self_signed_certificate_with_a_year_left_is_up() {
    let (cert, key) = certificate(in_days(-1), in_days(366));
    let addr = tls_server(cert, key).await;
    let result = probe(tls(format!("localhost:{}", addr.port()))).await;
    match &result.outcome {
        Outcome::Up { detail } => assert!(detail.contains("certificate valid 365 more days"), "{detail}"),
        other => panic!("expected up, got {other:?}"),
    }
}

#[tokio::test]
async fn under_the_warning_threshold_is_degraded_and_under_critical_is_down() {
    let (cert, key) = certificate(in_days(-1), in_days(21));
    let addr = tls_server(cert, key).await;
    match probe(tls(addr.to_string())).await.outcome {
        Outcome::Degraded { reason } => assert!(reason.contains("expires in 20 days"), "{reason}"),
        other => panic!("expected degraded, got {other:?}"),
    }

    let (cert, key) = certificate(in_days(-1), in_days(4));
    let addr = tls_server(cert, key).await;
    match probe(tls(addr.to_string())).await.outcome {
        Outcome::Down { phase, reason } => {
            assert_eq!(phase, Phase::Certificate);
            assert!(reason.contains("expires in 3 days"), "{reason}");
            assert!(reason.contains("critical 7"), "{reason}");
        }
        other => panic!("expected down, got {other:?}"),
    }
}

#[tokio::test]
async fn an_expired_certificate_reads_negative_days_and_is_down() {
    let (cert, key) = certificate((2020, 1, 1), (2021, 1, 1));
    let addr = tls_server(cert, key).await;
    match probe(tls(addr.to_string())).await.outcome {
        Outcome::Down { phase, reason } => {
            assert_eq!(phase, Phase::Certificate);
            assert!(reason.contains("certificate expired"), "{reason}");
            assert!(reason.contains("(2021-01-01)"), "{reason}");
        }
        other => panic!("expected down, got {other:?}"),
    }
}

#[tokio::test]
async fn an_http_check_against_a_self_signed_certificate_fails_at_tls() {
    let (cert, key) = certificate(in_days(-1), in_days(366));
    let addr = tls_server(cert, key).await;
    let result = probe(CheckSpec::Http(http(format!(
        "https://localhost:{}/",
        addr.port()
    ))))
    .await;
    match &result.outcome {
        Outcome::Down { phase, reason } => {
            assert_eq!(*phase, Phase::Tls, "{reason}");
            assert_eq!(
                reason,
                "TLS with localhost failed: self-signed certificate (not trusted)"
            );
        }
        other => panic!("expected down, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_never_completes_the_handshake_times_out() {
    let addr = silent_server().await;
    match probe(tls(addr.to_string())).await.outcome {
        Outcome::Down { phase, reason } => {
            assert_eq!(phase, Phase::Timeout, "{reason}");
            assert!(
                reason.contains("TLS handshake not complete within 1s"),
                "{reason}"
            );
        }
        other => panic!("expected down, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_and_unresolvable_are_reported_before_any_tls() {
    let addr = refused_port().await;
    assert!(matches!(
        probe(tls(addr.to_string())).await.outcome,
        Outcome::Down {
            phase: Phase::Connect,
            ..
        }
    ));
    assert!(matches!(
        probe(tls("nothing.invalid:443".into())).await.outcome,
        Outcome::Down {
            phase: Phase::Dns,
            ..
        }
    ));
}
