//! `watchdesk serve`'s `/metrics` beside the real Prometheus (Debian bookworm package `prometheus`; `.ci/run`
//! installs it): the exposition passes `promtool check metrics`, a real Prometheus scrapes it with the metrics
//! token (`up == 1`), and no token reaches the daemon's output or its store. Everything listens on 127.0.0.1.
//!
//! These peers keep real time: every wait is a bounded loop with a deadline.

#[path = "http_peers_support/peers.rs"]
mod peers;
#[path = "http_peers_support/platform.rs"]
mod platform;

use std::process::{Command, Stdio};
use std::time::Duration;

use peers::{Peer, free_port, http, installed, private_file, wait_for, walk};
use platform::{CONFIG, METRICS_TOKEN, TOKEN};
use serde_json::{Value, json};

/// `watchdesk serve` with `[http]`, as a deployment runs it.
struct Daemon {
    peer: Peer,
    dir: tempfile::TempDir,
    addr: String,
}

fn serve() -> Daemon {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("metrics.token");
    private_file(&token, METRICS_TOKEN);
    let port = free_port();
    let config = dir.path().join("watchdesk.toml");
    std::fs::write(
        &config,
        format!(
            "{CONFIG}\n[http]\nlisten = \"127.0.0.1:{port}\"\ntoken_env = \"WD_INTAKE_TOKEN\"\nmetrics_token_file = \"{}\"\n",
            token.display()
        ),
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", dir.path())
        .env("LANG", "en_US.UTF-8")
        .env("WD_INTAKE_TOKEN", TOKEN)
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Daemon {
        peer: Peer::new(child),
        dir,
        addr: format!("127.0.0.1:{port}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_exposes_metrics_that_promtool_and_prometheus_accept() {
    let daemon = serve();
    let client = http();
    let url = format!("http://{}/metrics", daemon.addr);
    wait_for("/metrics answers", Duration::from_secs(30), async || {
        let r = client.get(&url).bearer_auth(METRICS_TOKEN).send().await.ok()?;
        assert_eq!(r.status().as_u16(), 200);
        Some(())
    })
    .await;
    // An event through the daemon's intake, so that the exposition has an incident and intake counters.
    let event = json!({"title": "nightly export failed", "severity": "major", "subsystem": "digital",
                       "dedup_key": "export-nightly", "status": "firing"});
    let posted = client
        .post(format!("http://{}/api/v1/events", daemon.addr))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(event.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 200, "{}", posted.text().await.unwrap());
    let body = client
        .get(&url)
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("watchdesk_open_incidents{kind=\"fault\",severity=\"major\",state=\"open\"} 1"),
        "{body}"
    );
    assert!(body.contains("watchdesk_audit_events 1"), "{body}");
    let refused = client.get(&url).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    assert!(!refused.text().await.unwrap().contains(METRICS_TOKEN));

    if installed("promtool", "prometheus") {
        let mut check = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        check.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
        let out = check.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool check metrics: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    if installed("prometheus", "prometheus") {
        scraped_by_prometheus(&daemon, &client).await;
    }

    // No token reached the daemon's output or its store.
    let data = daemon.dir.path().join("data");
    let stderr = daemon.peer.terminate();
    assert!(stderr.contains("HTTP on 127.0.0.1:"), "{stderr}");
    for secret in [TOKEN, METRICS_TOKEN] {
        assert!(!stderr.contains(secret), "{stderr}");
        for entry in walk(&data) {
            let bytes = std::fs::read(&entry).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{}",
                entry.display()
            );
        }
    }
}

/// A real Prometheus scrapes the daemon with the metrics token: `up == 1`, and watchdesk's series are stored.
async fn scraped_by_prometheus(daemon: &Daemon, client: &reqwest::Client) {
    let token = daemon.dir.path().join("scrape.token");
    private_file(&token, METRICS_TOKEN);
    let config = daemon.dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: watchdesk\n    \
             authorization:\n      credentials_file: {}\n    static_configs:\n      - targets: ['{}']\n",
            token.display(),
            daemon.addr
        ),
    )
    .unwrap();
    let port = free_port();
    let _prometheus = Peer::new(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                daemon.dir.path().join("tsdb").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let query = |q: &str| format!("http://127.0.0.1:{port}/api/v1/query?query={q}");
    let value = async |q: &str| -> Option<String> {
        let text = client.get(query(q)).send().await.ok()?.text().await.ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        Some(v["data"]["result"][0]["value"][1].as_str()?.to_string())
    };
    let up = wait_for(
        "Prometheus scraped watchdesk",
        Duration::from_secs(60),
        async || value("up%7Bjob%3D%22watchdesk%22%7D").await,
    )
    .await;
    assert_eq!(up, "1", "the scrape succeeded");
    let chain = wait_for(
        "watchdesk_audit_events stored",
        Duration::from_secs(30),
        async || value("watchdesk_audit_events").await,
    )
    .await;
    assert!(chain.parse::<f64>().is_ok(), "{chain}");
}
