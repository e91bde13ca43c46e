//! A webhook receiver on 127.0.0.1 that records what it is sent and answers as it is told: accepted, a
//! server error, throttled, or refused.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: serde_json::Value,
    pub raw: Vec<u8>,
}

impl Received {
    /// Every notification key this request delivered: its own, or those of a digest.
    pub fn keys(&self) -> Vec<String> {
        let digest: Vec<String> = self.body["digest_of"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if digest.is_empty() {
            vec![self.body["key"].as_str().unwrap_or_default().to_string()]
        } else {
            digest
        }
    }
}

#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<Received>>>,
    /// The HTTP status to answer with (200 by default).
    pub status: Arc<AtomicU16>,
}

impl Receiver {
    pub async fn start() -> (Receiver, SocketAddr) {
        let receiver = Receiver::default();
        receiver.status.store(200, Ordering::SeqCst);
        let app = Router::new()
            .route("/hook", post(accept))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (receiver, addr)
    }

    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn requests(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Requests answered 2xx.
    pub fn accepted(&self) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(|r| r.headers.get("x-test-answered").is_none())
            .collect()
    }

    pub fn delivered_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.accepted().iter().flat_map(Received::keys).collect();
        keys.sort();
        keys
    }

    /// Waits (a bounded number of short real waits) until `what` holds; false if it never does.
    pub async fn wait_until(&self, what: impl Fn(&Receiver) -> bool) -> bool {
        for _ in 0..400 {
            if what(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        what(self)
    }
}

async fn accept(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let status = receiver.status.load(Ordering::SeqCst);
    let mut headers = headers;
    if !(200..300).contains(&status) {
        headers.insert("x-test-answered", status.to_string().parse().unwrap());
    }
    receiver.got.lock().unwrap().push(Received {
        headers,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        raw: body.to_vec(),
    });
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let text = match status {
        429 => r#"{"error":"too many requests"}"#,
        s if s >= 400 => r#"{"error":"refused"}"#,
        _ => r#"{"ok":true}"#,
    };
    (code, text.to_string())
}
