//! What notifications cost the engine and how many the notifier gets out: the latency of a durable command that
//! produces a notification, with no notifier, with one sending to a live receiver, and with one whose channel
//! hangs (accepts and never answers) or is refused; then the notifier's sustained rate, planned and delivered,
//! to a local receiver. Prints figures; see BENCHMARKS.md.
//!
//! `cargo bench --bench notify [-- --commands N --events N]`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::Router;
use axum::routing::post;
use watchdesk::clock::SystemClock;
use watchdesk::config::Config;
use watchdesk::engine::{self, Command, EngineHandle, Mode};
use watchdesk::model::{Actor, NewIncident};
use watchdesk::notify::{Notifier, Trees};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(default)
}

fn median_and_p99(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

fn open_command(i: usize) -> Command {
    Command::OpenIncident(NewIncident {
        kind: Kind::Fault,
        severity: Severity::Major,
        title: format!("综合展示子系统地图加载缓慢 #{i}"),
        subsystem: Some("display".into()),
        detected_at: None,
        source: None,
        host: None,
    })
}

fn config(channel: Option<String>) -> Config {
    let text = format!(
        "[[subsystem]]\nid = \"display\"\nname = \"综合展示子系统\"\n[[host]]\nname = \"local\"\nsource = \"local\"\n\n{}\n[notify.rules]\nrenotify = {{ enabled = false }}\ndigest = {{ window = \"0s\" }}\n",
        channel.unwrap_or_default()
    );
    Config::parse(std::path::Path::new("bench.toml"), &text).expect("config")
}

fn webhook(addr: std::net::SocketAddr) -> String {
    format!(
        "[[notify.channel]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"http://{addr}/hook\"\ntimeout = \"5s\"\nper_minute = 1000000\n"
    )
}

struct Running {
    _dir: tempfile::TempDir,
    engine: EngineHandle,
    notifier: Option<Notifier>,
}

fn start(channel: Option<String>) -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let with_notifier = channel.is_some();
    let config = config(channel);
    let trees = Trees::of(&store);
    let shared = Arc::new(config.clone());
    let engine = engine::spawn(store, config, Arc::new(SystemClock), Mode::Embedded).expect("engine");
    let notifier = with_notifier.then(|| Notifier::start(&engine, trees, shared, Arc::new(SystemClock)));
    Running {
        _dir: dir,
        engine,
        notifier,
    }
}

async fn command_latency(running: &Running, n: usize) -> (f64, f64) {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        running
            .engine
            .execute(Actor::named("bench"), open_command(i))
            .await
            .expect("command");
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    median_and_p99(samples)
}

async fn receiver() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let app = Router::new().route(
        "/hook",
        post(move |body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let n = v["digest_of"]
                    .as_array()
                    .map(|a| a.len())
                    .filter(|n| *n > 0)
                    .unwrap_or(1);
                seen.fetch_add(n, Ordering::SeqCst);
                "{}"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, count)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let commands = arg("--commands", 200);
    let events = arg("--events", 2000);
    let (live, _) = receiver().await;
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let hanging_addr = hanging.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = hanging.accept().await {
            held.push(s);
        }
    });
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");

    println!("command latency, {commands} incident opens each producing a notification (median / p99 ms):");
    let mut base = None;
    for (name, channel) in [
        ("no notifier", None),
        ("live webhook", Some(webhook(live))),
        ("hanging channel", Some(webhook(hanging_addr))),
        ("refused channel", Some(webhook(refused))),
    ] {
        let running = start(channel);
        let (p50, p99) = command_latency(&running, commands).await;
        let (b50, b99) = *base.get_or_insert((p50, p99));
        println!(
            "  {name:<16} {p50:>7.2} / {p99:>7.2}   ratio to no notifier {:.2} / {:.2}",
            p50 / b50,
            p99 / b99
        );
        if let Some(n) = running.notifier {
            n.stop().await;
        }
    }

    let (addr, delivered) = receiver().await;
    let running = start(Some(webhook(addr)));
    let t = Instant::now();
    for i in 0..events {
        running
            .engine
            .execute(Actor::named("bench"), open_command(i))
            .await
            .expect("command");
    }
    let opened = t.elapsed().as_secs_f64();
    let mut waited = 0;
    while delivered.load(Ordering::SeqCst) < events && waited < 6000 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        waited += 1;
    }
    let total = t.elapsed().as_secs_f64();
    let got = delivered.load(Ordering::SeqCst);
    println!(
        "notifier: {events} events opened in {opened:.2} s ({:.0}/s, each fsynced); {got} delivered by {total:.2} s ({:.0} notifications/s end to end)",
        events as f64 / opened,
        got as f64 / total
    );
    if let Some(n) = running.notifier {
        n.stop().await;
    }
}
