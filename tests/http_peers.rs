//! watchdesk beside the real Alertmanager (Debian bookworm package `prometheus-alertmanager`; `.ci/run` installs
//! it). Alertmanager, given an alert through its API, calls watchdesk's webhook and an incident opens with the
//! routed subsystem and severity; resolved in Alertmanager, the incident records "service restored"; repeated
//! deliveries open nothing new. README's `[http]` and `[[alert_route]]` blocks, and its scrape job and
//! receiver, are accepted as written. `/metrics` beside promtool and Prometheus is in `http_peers_metrics.rs`.
//! Everything listens on 127.0.0.1.
//!
//! These peers keep real time: every wait is a bounded loop with a deadline.

#[path = "http_peers_support/peers.rs"]
mod peers;
#[path = "http_peers_support/platform.rs"]
mod platform;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use peers::{Peer, free_port, http, installed, private_file, readme_blocks, tool_accepts, wait_for};
use platform::{CONFIG, TOKEN};
use serde_json::{Value, json};
use watchdesk::clock::SystemClock;
use watchdesk::config::Config;
use watchdesk::engine::{self, EngineHandle, Mode};
use watchdesk::http::HttpServer;
use watchdesk::model::{AutoSource, Incident};
use watchdesk::policy::Severity;
use watchdesk::store::Store;

struct Desk {
    _dir: tempfile::TempDir,
    engine: EngineHandle,
    server: HttpServer,
}

/// watchdesk's engine and HTTP listener in this process, routing critical alerts to `digital`.
fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let routes = "[[alert_route]]\nmatchers = ['severity=\"critical\"']\nsubsystem = \"digital\"\nseverity = \"critical\"\n";
    let config = Config::parse(Path::new("watchdesk.toml"), &format!("{CONFIG}{routes}")).unwrap();
    let http = watchdesk::config::HttpConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        token: Some(watchdesk::config::Secret::new(TOKEN)),
        metrics_token: None,
        unavailable: None,
        max_body: watchdesk::config::DEFAULT_MAX_BODY,
    };
    let routes = config.alert_routes.clone();
    let store = Store::open(&dir.path().join("data")).unwrap();
    let engine = engine::spawn(store, config, Arc::new(SystemClock), Mode::Embedded).unwrap();
    let server = HttpServer::start(&http, &routes, engine.clone(), Arc::new(SystemClock)).unwrap();
    Desk {
        _dir: dir,
        engine,
        server,
    }
}

fn from_alertmanager(engine: &EngineHandle) -> Vec<Incident> {
    engine
        .snapshot()
        .open_incidents
        .iter()
        .filter(|i| matches!(i.source, Some(AutoSource::Alert { .. })))
        .map(|i| (**i).clone())
        .collect()
}

fn alertmanager(dir: &Path, webhook: std::net::SocketAddr) -> (Peer, String) {
    let credentials = dir.join("watchdesk.token");
    private_file(&credentials, TOKEN);
    let config = dir.join("alertmanager.yml");
    std::fs::write(
        &config,
        format!(
            "route:\n  receiver: watchdesk\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  \
             repeat_interval: 2s\nreceivers:\n  - name: watchdesk\n    webhook_configs:\n      - url: \
             http://{webhook}/api/v1/alertmanager\n        send_resolved: true\n        http_config:\n          \
             authorization:\n            type: Bearer\n            credentials_file: {}\n",
            credentials.display()
        ),
    )
    .unwrap();
    let port = free_port();
    let child = Command::new("prometheus-alertmanager")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.path={}", dir.join("am-data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .arg("--log.level=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    (Peer::new(child), format!("http://127.0.0.1:{port}"))
}

fn stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_opens_restores_and_deduplicates_incidents() {
    if !installed("prometheus-alertmanager", "prometheus-alertmanager") {
        return;
    }
    let desk = desk();
    let dir = tempfile::tempdir().unwrap();
    let (_am, am) = alertmanager(dir.path(), desk.server.local_addr());
    let client = http();
    wait_for("Alertmanager ready", Duration::from_secs(30), async || {
        let r = client.get(format!("{am}/-/ready")).send().await.ok()?;
        r.status().is_success().then_some(())
    })
    .await;

    let started = Utc::now() - chrono::Duration::minutes(2);
    let alerts = |ends: Option<chrono::DateTime<Utc>>| {
        let alert = |severity: &str| {
            let mut a = json!({
                "labels": {"alertname": "ApiDown", "severity": severity, "instance": format!("api-{severity}")},
                "annotations": {"summary": "the API does not answer"},
                "startsAt": stamp(started),
                "generatorURL": "http://127.0.0.1:9090/graph?g0.expr=up%3D%3D0"
            });
            if let Some(ends) = ends {
                a["endsAt"] = json!(stamp(ends));
            }
            a
        };
        json!([alert("critical"), alert("warning")])
    };
    let post = async |body: Value| {
        let r = client
            .post(format!("{am}/api/v2/alerts"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success(),
            "Alertmanager took the alerts: {}",
            r.status()
        );
    };
    post(alerts(None)).await;
    // The same alerts again: Alertmanager keeps one of each, and repeats its notification every 2 s.
    post(alerts(None)).await;

    let opened = wait_for("both incidents open", Duration::from_secs(30), async || {
        let open = from_alertmanager(&desk.engine);
        (open.len() == 2).then_some(open)
    })
    .await;
    let critical = opened.iter().find(|i| i.severity == Severity::Critical).unwrap();
    assert_eq!(critical.subsystem.as_deref(), Some("digital"));
    assert_eq!(critical.title, "ApiDown: the API does not answer");
    assert_eq!(
        stamp(critical.detected_at),
        stamp(started),
        "startsAt is the detection time"
    );
    assert_eq!(critical.opened.actor.user, "alertmanager");
    let Some(AutoSource::Alert {
        labels,
        generator_url,
        ..
    }) = &critical.source
    else {
        unreachable!()
    };
    assert_eq!(labels["instance"], "api-critical");
    assert!(
        generator_url
            .as_deref()
            .unwrap()
            .starts_with("http://127.0.0.1:9090/graph")
    );
    let warning = opened.iter().find(|i| i.severity != Severity::Critical).unwrap();
    assert_eq!(
        (warning.severity, warning.subsystem.as_deref()),
        (Severity::Major, None)
    );

    // A repeated notification of the same alerts arrives and changes nothing.
    let metrics = format!("http://{}/metrics", desk.server.local_addr());
    wait_for("a repeated notification", Duration::from_secs(30), async || {
        let text = client.get(&metrics).send().await.ok()?.text().await.ok()?;
        text.lines()
            .any(|l| {
                l.starts_with("watchdesk_intake_alerts_total{")
                    && l.contains("result=\"unchanged\"")
                    && !l.ends_with(" 0")
            })
            .then_some(())
    })
    .await;
    assert_eq!(from_alertmanager(&desk.engine).len(), 2);

    // Resolved in Alertmanager: an end in the past.
    let ended = Utc::now() - chrono::Duration::seconds(1);
    post(alerts(Some(ended))).await;
    let restored = wait_for("both restored", Duration::from_secs(30), async || {
        let open = from_alertmanager(&desk.engine);
        open.iter().all(|i| i.restored_at.is_some()).then_some(open)
    })
    .await;
    assert_eq!(
        restored.len(),
        2,
        "restored incidents stay open until the engineer resolves them"
    );
    for i in &restored {
        assert_eq!(stamp(i.restored_at.unwrap()), stamp(ended));
        assert!(i.is_open());
    }
    desk.server.stop().await;
    desk.engine.shutdown().await;
}

#[test]
fn the_readme_configs_are_accepted_as_written() {
    let toml = readme_blocks("toml");
    assert_eq!(toml.len(), 2, "[http] and [[alert_route]]");
    let config = Config::parse(Path::new("README.md"), &format!("{CONFIG}{}{}", toml[0], toml[1])).unwrap();
    let http = config.http.unwrap();
    assert_eq!(http.listen.to_string(), "127.0.0.1:9464");
    assert_eq!(config.alert_routes.len(), 2);
    assert_eq!(config.alert_routes[0].subsystem.as_deref(), Some("digital"));

    let yaml = readme_blocks("yaml");
    assert_eq!(yaml.len(), 2, "a scrape job and a receiver");
    let dir = tempfile::tempdir().unwrap();
    if installed("promtool", "prometheus") {
        tool_accepts("promtool", &["check", "config"], &yaml[0], dir.path());
    }
    if installed("amtool", "prometheus-alertmanager") {
        tool_accepts("amtool", &["check-config"], &yaml[1], dir.path());
    }
}
