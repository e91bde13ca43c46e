//! Real servers on 127.0.0.1 for the probe tests, each misbehaving in one way.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use rcgen::{CertificateParams, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use watchdesk::config::{Check, CheckSpec, HttpCheck};
use watchdesk::policy::Severity;
use watchdesk::probe::ProbeResult;

/// The HTTP test server: every behaviour on its own path.
pub async fn http_server() -> SocketAddr {
    let app = Router::new()
        .route("/ok", get(|| async { "status: ok" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "status: ok"
            }),
        )
        .route(
            "/500",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route("/hang", get(std::future::pending::<&'static str>))
        .route("/drip", get(drip))
        .route("/endless", get(endless))
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
        )
        .route(
            "/moved",
            get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/ok")]) }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Headers at once, then one byte a second, forever.
async fn drip() -> impl IntoResponse {
    let stream = futures::stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Some((Ok::<_, std::io::Error>(Bytes::from_static(b"x")), ()))
    });
    Body::from_stream(stream)
}

/// An endless body, as fast as the client reads.
async fn endless() -> impl IntoResponse {
    let chunk = Bytes::from(vec![b'a'; 8192]);
    let stream = futures::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
    Body::from_stream(stream)
}

/// A `/health` endpoint that answers 200 while `healthy` holds and `unhealthy` otherwise: the switch a test
/// flips to take a monitored service down and bring it back. Served on the runtime this is called on.
pub async fn switched_health(healthy: Arc<AtomicBool>, unhealthy: StatusCode) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route(
        "/health",
        get(move || async move {
            if healthy.load(Ordering::SeqCst) {
                StatusCode::OK
            } else {
                unhealthy
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

/// A port that nothing listens on (bound, then released).
pub async fn refused_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// Accepts connections and never says a word.
pub async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    addr
}

/// A self-signed certificate for `localhost` valid from `not_before` to `not_after` (UTC dates).
pub fn certificate(
    not_before: (i32, u8, u8),
    not_after: (i32, u8, u8),
) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (cert.der().clone(), key)
}

/// A TLS server with the given certificate that answers any request with a tiny HTTP 200.
pub async fn tls_server(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut buf = [0u8; 1024];
                let _ = tls.read(&mut buf).await;
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    addr
}

/// The timeout the probe tests give a check.
pub const TIMEOUT: Duration = Duration::from_secs(1);

/// Runs the check with [`TIMEOUT`] and asserts the correctness bound: never much past the timeout.
pub async fn probe(spec: CheckSpec) -> ProbeResult {
    let started = Instant::now();
    let result = watchdesk::probe::run(&check(spec, TIMEOUT)).await;
    let elapsed = started.elapsed();
    assert!(
        elapsed < TIMEOUT + Duration::from_secs(1),
        "took {elapsed:?}: {result:?}"
    );
    result
}

pub fn check(spec: CheckSpec, timeout: Duration) -> Check {
    Check {
        id: "digital/probe".to_string(),
        name: "probe".to_string(),
        interval: Duration::from_secs(30),
        timeout,
        severity: Severity::Critical,
        spec,
    }
}

pub fn http(url: String) -> HttpCheck {
    HttpCheck {
        url,
        method: "GET".to_string(),
        headers: Vec::new(),
        expect_status: Vec::new(),
        body_contains: None,
        body_regex: None,
        slow: None,
        follow_redirects: 0,
        proxy: None,
    }
}
