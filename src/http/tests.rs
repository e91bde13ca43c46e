//! The listener on 127.0.0.1 with a real engine and store: who may post, what is refused and why, and that a
//! refused request leaves the store as it was.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::clock::ManualClock;
use crate::config::{Config, MatchOp};
use crate::engine::{Mode, spawn};
use crate::policy::Severity;
use crate::store::Store;

const TOKEN: &str = "tok-8c1f2e";

struct Rig {
    _dir: tempfile::TempDir,
    engine: EngineHandle,
    server: HttpServer,
    http: reqwest::Client,
}

impl Rig {
    async fn start(token: Option<&str>, max_body: u64) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
        let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
        let clock: SharedClock = Arc::new(clock);
        let engine = spawn(store, config, clock.clone(), Mode::Embedded).unwrap();
        let http = HttpConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            token: token.map(Secret::new),
            metrics_token: None,
            unavailable: None,
            max_body,
        };
        let routes = vec![AlertRoute {
            matchers: vec![crate::config::Matcher::parse("severity=\"critical\"").unwrap()],
            subsystem: Some("digital".into()),
            kind: crate::policy::Kind::Fault,
            severity: Severity::Critical,
        }];
        assert_eq!(routes[0].matchers[0].op, MatchOp::Equal);
        let server = HttpServer::start(&http, &routes, engine.clone(), clock).unwrap();
        Rig {
            _dir: dir,
            engine,
            server,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.local_addr())
    }

    async fn post(&self, path: &str, token: Option<&str>, body: impl Into<reqwest::Body>) -> (u16, Value) {
        let mut req = self.http.post(self.url(path)).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// A request whose length is not known up front; returns the status line.
    async fn post_chunked(&self, path: &str, body: &[u8]) -> String {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
        let mut conn = tokio::net::TcpStream::connect(self.server.local_addr())
            .await
            .unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        conn.write_all(head.as_bytes()).await.unwrap();
        for chunk in body.chunks(500) {
            let sent = async {
                conn.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                conn.write_all(chunk).await?;
                conn.write_all(b"\r\n").await
            };
            // The server may answer and close before the rest is sent.
            if sent.await.is_err() {
                break;
            }
        }
        let _ = conn.write_all(b"0\r\n\r\n").await;
        let mut status = String::new();
        tokio::io::BufReader::new(conn)
            .read_line(&mut status)
            .await
            .unwrap();
        status.trim_end().to_string()
    }

    async fn stop(self) {
        self.server.stop().await;
        self.engine.shutdown().await;
    }
}

fn payload(alerts: Value) -> String {
    json!({
        "version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "truncatedAlerts": 0, "status": "firing",
        "receiver": "watchdesk", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093", "alerts": alerts
    })
    .to_string()
}

fn alert(fingerprint: &str, severity: &str) -> Value {
    json!({
        "status": "firing",
        "labels": {"alertname": "DiskFull", "severity": severity, "instance": "db-01"},
        "annotations": {"summary": "disk / is 97% full"},
        "startsAt": "2026-11-02T00:55:00.123456789Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example.invalid/graph?g0.expr=disk",
        "fingerprint": fingerprint
    })
}

#[tokio::test]
async fn an_alert_with_the_token_opens_a_routed_incident() {
    let rig = Rig::start(Some(TOKEN), 64 * 1024).await;
    let (status, body) = rig
        .post(
            "/api/v1/alertmanager",
            Some(TOKEN),
            payload(json!([alert("f1", "critical"), alert("f2", "warning")])),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["opened"].as_array().unwrap().len(), 2);
    let snap = rig.engine.snapshot();
    let routed = snap
        .open_incidents
        .iter()
        .find(|i| i.severity == Severity::Critical)
        .unwrap();
    assert_eq!(routed.subsystem.as_deref(), Some("digital"));
    assert_eq!(routed.title, "DiskFull: disk / is 97% full");
    assert_eq!(
        routed.detected_at.to_rfc3339(),
        "2026-11-02T00:55:00.123456789+00:00"
    );
    assert_eq!(routed.opened.actor.user, "alertmanager");
    assert_eq!(routed.opened.actor.from.as_deref(), Some("127.0.0.1"));
    let fallback = snap
        .open_incidents
        .iter()
        .find(|i| i.severity == Severity::Major)
        .unwrap();
    assert_eq!(fallback.subsystem, None);

    let event = json!({"title": "nightly export failed", "severity": "minor", "subsystem": "sysadmin",
                       "dedup_key": "export", "status": "firing"});
    let (status, body) = rig.post("/api/v1/events", Some(TOKEN), event.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = rig.post("/api/v1/events", Some(TOKEN), event.to_string()).await;
    assert_eq!((status, body["unchanged"].as_u64()), (200, Some(1)));
    assert_eq!(rig.engine.snapshot().open_incidents.len(), 3);
    rig.stop().await;
}

#[tokio::test]
async fn no_token_or_a_wrong_one_is_401_and_nothing_is_stored() {
    let rig = Rig::start(Some(TOKEN), 64 * 1024).await;
    let body = payload(json!([alert("f1", "critical")]));
    for token in [None, Some("wrong"), Some("tok-8c1f2")] {
        let (status, reply) = rig.post("/api/v1/alertmanager", token, body.clone()).await;
        assert_eq!(status, 401, "{token:?}");
        assert!(
            reply["error"].as_str().unwrap().contains("bearer token"),
            "{reply}"
        );
        assert!(!reply.to_string().contains(TOKEN));
    }
    let resp = rig
        .http
        .post(rig.url("/api/v1/events"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer realm=\"watchdesk\"");
    assert!(rig.engine.snapshot().open_incidents.is_empty());
    assert_eq!(rig.engine.snapshot().audit_events, 0);
    rig.stop().await;
}

#[tokio::test]
async fn without_a_configured_token_the_intake_is_off() {
    let rig = Rig::start(None, 64 * 1024).await;
    let (status, reply) = rig
        .post(
            "/api/v1/alertmanager",
            Some("anything"),
            payload(json!([alert("f1", "critical")])),
        )
        .await;
    assert_eq!(status, 403);
    assert!(
        reply["error"].as_str().unwrap().contains("intake is off"),
        "{reply}"
    );
    // /metrics stays open without a metrics token.
    let metrics = rig.http.get(rig.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status().as_u16(), 200);
    rig.stop().await;
}

#[tokio::test]
async fn an_address_that_cannot_be_listened_on_says_why_and_what_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let clock: SharedClock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap(),
    ));
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let engine = spawn(
        Store::open(dir.path()).unwrap(),
        config,
        clock.clone(),
        Mode::Embedded,
    )
    .unwrap();
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen_on = |listen: SocketAddr| {
        let http = HttpConfig {
            listen,
            token: None,
            metrics_token: None,
            unavailable: None,
            max_body: 1024,
        };
        match HttpServer::start(&http, &[], engine.clone(), clock.clone()) {
            Ok(_) => panic!("{listen} cannot be listened on"),
            Err(e) => e.to_string(),
        }
    };
    let err = listen_on(held.local_addr().unwrap());
    assert!(
        err.starts_with("[http] listen: cannot listen on 127.0.0.1:")
            && err.contains("another process listens there"),
        "{err}"
    );
    // TEST-NET-1 (RFC 5737) is nobody's interface.
    let err = listen_on("192.0.2.1:9464".parse().unwrap());
    assert!(
        err.contains("no interface of this machine has that address") && err.contains("127.0.0.1:9464"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
    engine.shutdown().await;
}

#[tokio::test]
async fn bad_bodies_are_refused_with_a_reason_and_nothing_is_half_written() {
    let rig = Rig::start(Some(TOKEN), 2048).await;
    let big = payload(json!(
        (0..40)
            .map(|n| alert(&format!("fp{n}"), "critical"))
            .collect::<Vec<_>>()
    ));
    assert!(big.len() > 2048);
    // Without a length up front (chunked), the cap holds while reading.
    assert_eq!(
        rig.post_chunked("/api/v1/alertmanager", big.as_bytes()).await,
        "HTTP/1.1 413 Payload Too Large"
    );
    let good = || -> Value { serde_json::from_str(&payload(json!([alert("f1", "critical")]))).unwrap() };
    let mut unknown = good();
    unknown["alerts"][0]["colour"] = json!("red");
    let mut old = good();
    old["version"] = json!("3");
    let event = |fields: Value| {
        let mut e = json!({"title": "t", "severity": "major", "dedup_key": "k", "status": "firing"});
        for (k, v) in fields.as_object().unwrap() {
            e[k] = v.clone();
        }
        e.to_string()
    };
    let cases = [
        ("/api/v1/alertmanager", big, 413, "larger than 2048 bytes"),
        (
            "/api/v1/alertmanager",
            "{\"version\": \"4\", ".into(),
            400,
            "invalid JSON: EOF",
        ),
        (
            "/api/v1/alertmanager",
            unknown.to_string(),
            400,
            "unknown field `colour`",
        ),
        (
            "/api/v1/alertmanager",
            old.to_string(),
            400,
            "accepted is version \"4\"",
        ),
        // The second alert has no fingerprint: the first is not stored either.
        (
            "/api/v1/alertmanager",
            payload(json!([alert("ok", "critical"), alert("", "critical")])),
            400,
            "alerts[1]: fingerprint is empty",
        ),
        (
            "/api/v1/events",
            event(json!({"subsystem": "nope"})),
            400,
            "unknown subsystem \"nope\"",
        ),
        (
            "/api/v1/events",
            event(json!({"severity": "urgent"})),
            400,
            "unknown variant `urgent`",
        ),
        (
            "/api/v1/events",
            event(json!({"dedup_key": " "})),
            400,
            "dedup_key is empty",
        ),
        (
            "/api/v1/events",
            event(json!({"status": "ok"})),
            400,
            "unknown variant `ok`",
        ),
        ("/api/v2/alerts", "[]".into(), 404, "POST /api/v1/alertmanager"),
    ];
    for (path, body, expected, reason) in cases {
        let (status, reply) = rig.post(path, Some(TOKEN), body).await;
        assert_eq!(status, expected, "{reply}");
        let error = reply["error"].as_str().unwrap();
        assert!(error.contains(reason), "{reason}: {error}");
    }
    assert!(rig.engine.snapshot().open_incidents.is_empty());
    assert_eq!(rig.engine.snapshot().audit_events, 0);
    rig.stop().await;
}
