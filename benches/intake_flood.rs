//! A flood of Alertmanager alerts against the engine's latency for a person's command. The engine runs with
//! the template config on a temporary store behind the HTTP listener on 127.0.0.1. Senders post 10,000 alerts
//! to `/api/v1/alertmanager`, spread over a minute (`--seconds 0`: as fast as they are taken), 1,000 distinct
//! fingerprints each sent ten times. Durable commands (an incident note, as the dashboard sends) are timed
//! before the flood (one open incident), during it, and after it (with the flood's incidents still open, the
//! floor the flood is compared with: every command republishes a snapshot of all open incidents). It prints the
//! latencies and their ratios, how long the flood took, how many incidents it opened (all deduplicated: one per
//! fingerprint), what the intake refused as busy (senders retry, as Alertmanager does on 5xx), and the
//! process's resident memory before and at its peak during the flood.
//!
//! `cargo bench --bench intake_flood [-- --alerts N --distinct N --senders N --batch N --seconds N --commands N]`

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use watchdesk::clock::SystemClock;
use watchdesk::config::{Config, HttpConfig, Secret, TEMPLATE};
use watchdesk::engine::{self, Command, EngineHandle, Mode, Reply};
use watchdesk::http::HttpServer;
use watchdesk::model::{Actor, AutoSource, IncidentId, NewIncident};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

const TOKEN: &str = "bench-token";

struct Args {
    alerts: usize,
    distinct: usize,
    senders: usize,
    batch: usize,
    seconds: u64,
    commands: usize,
}

fn args() -> Args {
    let mut a = Args {
        alerts: 10_000,
        distinct: 1_000,
        senders: 8,
        batch: 1,
        seconds: 60,
        commands: 300,
    };
    let argv: Vec<String> = std::env::args().collect();
    for pair in argv.windows(2) {
        let n = pair[1].parse().ok();
        match (pair[0].as_str(), n) {
            ("--alerts", Some(n)) => a.alerts = n,
            ("--distinct", Some(n)) => a.distinct = n,
            ("--senders", Some(n)) => a.senders = n,
            ("--batch", Some(n)) => a.batch = n,
            ("--commands", Some(n)) => a.commands = n,
            ("--seconds", Some(n)) => a.seconds = n as u64,
            _ => {}
        }
    }
    a.distinct = a.distinct.clamp(1, a.alerts.max(1));
    a.batch = a.batch.max(1);
    a
}

fn median_and_p99(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// Resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// One durable command as the dashboard sends it; its latency in ms.
async fn note(engine: &EngineHandle, id: IncidentId, i: usize) -> f64 {
    let start = Instant::now();
    let command = Command::Note {
        id,
        at: None,
        text: format!("bench note {i}"),
    };
    engine
        .execute(Actor::named("bench"), command)
        .await
        .expect("note stored");
    start.elapsed().as_secs_f64() * 1000.0
}

/// `n` notes, a few milliseconds apart, as a person types them.
async fn notes(engine: &EngineHandle, id: IncidentId, n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(note(engine, id, i).await);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    out
}

fn body(first: usize, count: usize, distinct: usize, started: &str) -> String {
    let alerts: Vec<serde_json::Value> = (first..first + count)
        .map(|n| {
            let fp = n % distinct;
            serde_json::json!({
                "status": "firing",
                "labels": {"alertname": "HighLatency", "severity": "warning", "instance": format!("node-{fp}")},
                "annotations": {"summary": "p99 over 2 s"},
                "startsAt": started, "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://127.0.0.1:9090/graph", "fingerprint": format!("{fp:016x}")
            })
        })
        .collect();
    serde_json::json!({
        "version": "4", "groupKey": "{}:{alertname=\"HighLatency\"}", "truncatedAlerts": 0, "status": "firing",
        "receiver": "watchdesk", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093", "alerts": alerts
    })
    .to_string()
}

fn main() {
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(a));
}

async fn run(a: Args) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::parse(std::path::Path::new("bench.toml"), TEMPLATE).expect("template");
    let store = Store::open(dir.path()).expect("store");
    let engine = engine::spawn(store, config, Arc::new(SystemClock), Mode::Embedded).expect("engine");
    let http = HttpConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        token: Some(Secret::new(TOKEN)),
        metrics_token: None,
        unavailable: None,
        max_body: watchdesk::config::DEFAULT_MAX_BODY,
    };
    let server = HttpServer::start(&http, &[], engine.clone(), Arc::new(SystemClock)).expect("listener");
    let url = format!("http://{}/api/v1/alertmanager", server.local_addr());
    let reply = engine
        .execute(
            Actor::named("bench"),
            Command::OpenIncident(NewIncident {
                kind: Kind::Fault,
                severity: Severity::Major,
                title: "综合展示子系统地图加载缓慢".into(),
                subsystem: Some("display".into()),
                detected_at: None,
                source: None,
            }),
        )
        .await
        .expect("incident");
    let Reply::Incident(target) = reply else {
        panic!("expected an incident")
    };

    let quiet = notes(&engine, target.id, a.commands).await;
    let rss_before = rss_mib();

    let done = Arc::new(AtomicBool::new(false));
    let busy = Arc::new(AtomicU64::new(0));
    let peak = Arc::new(AtomicU64::new(rss_before.to_bits()));
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let now = rss_mib();
                if now > f64::from_bits(peak.load(Ordering::Relaxed)) {
                    peak.store(now.to_bits(), Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let flood_start = Instant::now();
    let requests: Vec<usize> = (0..a.alerts).step_by(a.batch).collect();
    // Each sender's requests at an even pace, so that all of them take `seconds`.
    let period = Duration::from_secs(a.seconds).mul_f64(a.senders as f64 / requests.len().max(1) as f64);
    let mut senders = Vec::new();
    for s in 0..a.senders {
        let mine: Vec<usize> = requests.iter().copied().skip(s).step_by(a.senders).collect();
        let (client, url, busy) = (client.clone(), url.clone(), busy.clone());
        let (alerts, batch, distinct, started) = (a.alerts, a.batch, a.distinct, started.clone());
        senders.push(tokio::spawn(async move {
            let mut pace = tokio::time::interval(period.max(Duration::from_micros(1)));
            pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            for first in mine {
                if !period.is_zero() {
                    pace.tick().await;
                }
                let payload = body(first, batch.min(alerts - first), distinct, &started);
                loop {
                    let sent = client
                        .post(&url)
                        .bearer_auth(TOKEN)
                        .body(payload.clone())
                        .send()
                        .await;
                    match sent.map(|r| r.status().as_u16()) {
                        Ok(200) => break,
                        Ok(503) => {
                            busy.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        other => panic!("intake answered {other:?}"),
                    }
                }
            }
        }));
    }
    let mut during = Vec::new();
    let mut i = 0;
    while senders.iter().any(|s| !s.is_finished()) {
        during.push(note(&engine, target.id, a.commands + i).await);
        i += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for s in senders {
        s.await.expect("sender");
    }
    let flood = flood_start.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let rss_peak = f64::from_bits(peak.load(Ordering::Relaxed));

    let after = notes(&engine, target.id, a.commands).await;
    let snapshot = engine.snapshot();
    let opened = snapshot
        .open_incidents
        .iter()
        .filter(|i| matches!(i.source, Some(AutoSource::Alert { .. })))
        .count();
    let (q50, q99) = median_and_p99(quiet);
    let (d50, d99) = median_and_p99(during.clone());
    let (a50, a99) = median_and_p99(after);
    println!(
        "flood: {} alerts in {} requests of {} from {} senders, {} distinct fingerprints",
        a.alerts,
        requests.len(),
        a.batch,
        a.senders,
        a.distinct
    );
    println!(
        "flood took {:.2} s ({:.0} alerts/s); incidents opened {} (expected {}); busy refusals retried {}",
        flood.as_secs_f64(),
        a.alerts as f64 / flood.as_secs_f64(),
        opened,
        a.distinct,
        busy.load(Ordering::Relaxed)
    );
    println!(
        "durable note, before (1 open):      median {q50:.2} ms, p99 {q99:.2} ms ({} commands)",
        a.commands
    );
    println!(
        "durable note, during the flood:     median {d50:.2} ms, p99 {d99:.2} ms ({} commands)",
        during.len()
    );
    println!(
        "durable note, after ({} open): median {a50:.2} ms, p99 {a99:.2} ms ({} commands)",
        snapshot.open_incidents.len(),
        a.commands
    );
    println!(
        "during / after (flood, same open incidents): median {:.2}x, p99 {:.2}x",
        d50 / a50,
        d99 / a99
    );
    println!(
        "after / before (more open incidents):        median {:.2}x, p99 {:.2}x",
        a50 / q50,
        a99 / q99
    );
    println!(
        "resident memory: {rss_before:.1} MiB before, {rss_peak:.1} MiB peak during the flood ({:.2}x)",
        rss_peak / rss_before
    );
    assert_eq!(
        opened, a.distinct,
        "every alert deduplicated to one incident per fingerprint"
    );
    server.stop().await;
    engine.shutdown().await;
}
