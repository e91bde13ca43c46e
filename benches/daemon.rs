//! What daemon mode costs over the embedded engine: a durable command answered over the Unix socket against
//! the same command on the engine in this process, and the size and encode + decode time of the snapshot a
//! dashboard receives, by the number of open incidents. Prints figures; see BENCHMARKS.md.
//!
//! `cargo bench --bench daemon [-- --commands N]`

use std::sync::Arc;
use std::time::Instant;

use watchdesk::clock::SystemClock;
use watchdesk::config::{Config, TEMPLATE};
use watchdesk::daemon;
use watchdesk::engine::{self, Command, EngineHandle, Mode, Reply, Snapshot};
use watchdesk::model::{Actor, IncidentId, NewIncident};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

fn median_and_p99(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

async fn open(engine: &EngineHandle, n: usize) -> IncidentId {
    let mut last = None;
    for i in 0..n {
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: format!("综合展示子系统地图加载缓慢 #{i}"),
            subsystem: Some("display".into()),
            detected_at: None,
            source: None,
            host: None,
        };
        if let Ok(Reply::Incident(inc)) = engine
            .execute(Actor::named("bench"), Command::OpenIncident(new))
            .await
        {
            last = Some(inc.id);
        }
    }
    last.expect("incidents opened")
}

fn note(id: IncidentId, i: usize) -> Command {
    Command::Note {
        id,
        at: None,
        text: format!("bench note {i}"),
    }
}

fn snapshot_cost(snapshot: &Snapshot) -> (usize, f64) {
    let rounds = 20;
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        let text = serde_json::to_vec(snapshot).expect("encode");
        bytes = text.len();
        let back: Snapshot = serde_json::from_slice(&text).expect("decode");
        std::hint::black_box(back);
    }
    (bytes, start.elapsed().as_secs_f64() * 1000.0 / rounds as f64)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let commands = args
        .windows(2)
        .find(|w| w[0] == "--commands")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(300usize);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let config = Config::parse(std::path::Path::new("watchdesk.toml"), TEMPLATE).expect("config");
    let policy = Arc::new(config.policy.clone());
    let zone = config.policy.calendar.zone;
    let engine = engine::spawn(store, config, Arc::new(SystemClock), Mode::Embedded).expect("engine");
    let socket = dir.path().join(daemon::SOCKET);
    let server = daemon::serve(engine.clone(), &socket).await.expect("serve");
    let remote = daemon::connect(&socket, policy, zone).await.expect("connect");
    println!("snapshot a dashboard receives (JSON, encode + decode)");
    let mut open_now = 0;
    for target in [10usize, 100, 1000] {
        if target > open_now {
            open(&engine, target - open_now).await;
            open_now = target;
        }
        let (bytes, ms) = snapshot_cost(&engine.snapshot());
        println!("  {target:>5} open incidents  {:>9} bytes  {ms:.2} ms", bytes);
    }
    // With 1,000 open incidents, as the snapshots above left the engine; interleaved, so both see the same
    // machine load. The attached client receives snapshots meanwhile, as a dashboard would.
    let id = open(&engine, 1).await;
    let (mut here, mut there) = (Vec::new(), Vec::new());
    for i in 0..commands {
        let t = Instant::now();
        engine
            .execute(Actor::named("bench"), note(id, i))
            .await
            .expect("note");
        here.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        remote
            .execute(Actor::named("bench"), note(id, i))
            .await
            .expect("note");
        there.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (h50, h99) = median_and_p99(here);
    let (t50, t99) = median_and_p99(there);
    println!("durable note, {commands} each, interleaved");
    println!("  in process   median {h50:.3} ms  p99 {h99:.3} ms");
    println!(
        "  over socket  median {t50:.3} ms  p99 {t99:.3} ms  ({:.2}x the median)",
        t50 / h50
    );

    server.stop().await;
    engine.shutdown().await;
}
