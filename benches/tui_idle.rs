//! What the dashboard costs while it sits there: CPU % of one core, resident memory and bytes written to the
//! terminal per second, running in a 160×48 pseudo-terminal with the five subsystems of the default
//! configuration (probe results arriving at their configured intervals, host samples every 5 s) and 20 open
//! incidents; and the time to the first frame with a store holding 100,000 incidents.
//!
//! `cargo bench --bench tui_idle` (TUI_BENCH_SECS=60 by default). The binary plays three roles: the measurer
//! (default), the dashboard inside the pseudo-terminal, and the seeder of the large store.

#[path = "support/pty.rs"]
mod pty;

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command as Process};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use pty::{cpu_seconds, quit, read_all, spawn_in_pty, status_kib};

use chrono::Utc;
use watchdesk::clock::SystemClock;
use watchdesk::config::{Config, Lang};
use watchdesk::engine::{self, Command, Mode};
use watchdesk::hosts::{DiskGauge, Gauges, HostReading, HostSample};
use watchdesk::model::{Actor, Incident, IncidentId, NewIncident, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::probe::{Outcome, ProbeResult};
use watchdesk::store::{Put, Store, TreeName};
use watchdesk::tui::{self, TuiOptions};

const COLS: u16 = 160;
const ROWS: u16 = 48;
/// The footer is the last line drawn (cells go out row by row): its first key means the first frame is out.
const FIRST_FRAME_MARK: &str = "j/k";

fn main() {
    match std::env::var("TUI_BENCH_ROLE").as_deref() {
        Ok("dashboard") => dashboard(),
        Ok("seed") => seed(),
        _ => measure(),
    }
}

fn config() -> Config {
    Config::parse(Path::new("template.toml"), watchdesk::config::TEMPLATE).expect("the template is valid")
}

/// Inside the pseudo-terminal: the engine, fake probes at their intervals, 20 open incidents, the dashboard.
fn dashboard() {
    let dir = std::env::var("TUI_BENCH_DIR").expect("TUI_BENCH_DIR");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let config = config();
        let store = Store::open(Path::new(&dir)).expect("store");
        let engine =
            engine::spawn(store, config.clone(), Arc::new(SystemClock), Mode::Embedded).expect("engine");
        let open = engine.snapshot().open_incidents.len();
        let actor = Actor::named("bench");
        for i in open..20 {
            let new = NewIncident {
                kind: [
                    Kind::Fault,
                    Kind::Fault,
                    Kind::Change,
                    Kind::Support,
                    Kind::Security,
                ][i % 5],
                severity: Severity::ALL[i % 3],
                title: format!("检测报告列表加载缓慢 #{i}"),
                subsystem: Some(config.subsystems[i % 5].id.clone()),
                detected_at: Some(Utc::now() - chrono::Duration::minutes(7 * i as i64)),
                source: None,
                host: None,
            };
            engine
                .execute(actor.clone(), Command::OpenIncident(new))
                .await
                .expect("open incident");
        }
        for (k, check) in config
            .subsystems
            .iter()
            .flat_map(|s| s.checks.iter().map(move |c| (s, c)))
            .enumerate()
        {
            let (tx, subsystem, check) = (engine.probe_sender(), check.0.id.clone(), check.1.clone());
            tokio::spawn(async move {
                let mut n = k as u64;
                loop {
                    n += 1;
                    let latency = Duration::from_millis(20 + (n * 37) % 180);
                    let result = ProbeResult {
                        check_id: check.id.clone(),
                        subsystem: subsystem.clone(),
                        started_at: Utc::now(),
                        latency,
                        outcome: Outcome::Up {
                            detail: "HTTP 200".into(),
                        },
                    };
                    if tx.send(result).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(check.interval).await;
                }
            });
        }
        for host in &config.hosts {
            let (tx, name) = (engine.host_sender(), host.name.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                loop {
                    n += 1;
                    let gauges = Gauges {
                        cpu_pct: Some(10.0 + (n % 7) as f64),
                        mem_pct: Some(61.5),
                        mem_total_bytes: Some(16 << 30),
                        swap_pct: Some(1.0),
                        load: Some([0.3, 0.25, 0.2]),
                        disks: vec![DiskGauge {
                            mount: "/".into(),
                            device: "/dev/vda1".into(),
                            used_pct: 71.0,
                            total_bytes: 100 << 30,
                            used_bytes: 71 << 30,
                        }],
                    };
                    let sample = HostSample {
                        host: name.clone(),
                        at: Utc::now(),
                        reading: HostReading::Gauges(gauges),
                    };
                    if tx.send(sample).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            });
        }
        let options = TuiOptions {
            theme: tui::theme::load(None, tui::theme::ColorDepth::Ansi256).expect("theme"),
            lang: Lang::Zh,
            banner: None,
            actor,
            bell: false,
        };
        tui::run(engine, options).await.expect("dashboard");
    });
}

/// Writes `TUI_BENCH_HISTORY` resolved incidents of 2025 straight into the store, a thousand per commit.
fn seed() {
    let dir = std::env::var("TUI_BENCH_DIR").expect("TUI_BENCH_DIR");
    let total: u32 = std::env::var("TUI_BENCH_HISTORY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut store = Store::open(Path::new(&dir)).expect("store");
    let actor = Actor::named("seed");
    let start = Utc::now() - chrono::Duration::days(400);
    let mut seq = 0;
    while seq < total {
        let mut puts = Vec::new();
        for _ in 0..1000.min(total - seq) {
            seq += 1;
            let at = start + chrono::Duration::minutes(i64::from(seq) * 3);
            let new = NewIncident {
                kind: Kind::Fault,
                severity: Severity::ALL[seq as usize % 3],
                title: format!("历史故障 {seq}"),
                subsystem: Some("digital".into()),
                detected_at: Some(at),
                source: None,
                host: None,
            };
            let mut incident =
                Incident::open(IncidentId { year: 2025, seq }, new, actor.clone(), at).expect("open");
            let resolution = Resolution {
                cause: "网络抖动".into(),
                process: "重启".into(),
                solution: None,
            };
            incident
                .resolve(&actor, None, at + chrono::Duration::minutes(30), resolution)
                .expect("resolve");
            puts.extend(Store::put_incident(&incident).expect("encode"));
        }
        puts.push(Put::Insert {
            tree: TreeName::Meta,
            key: b"seq/2025".to_vec(),
            value: seq.to_be_bytes().to_vec(),
        });
        store
            .commit(
                &actor,
                Utc::now(),
                "seed",
                "bench",
                serde_json::json!({ "upto": seq }),
                puts,
            )
            .expect("commit");
    }
}

/// A child running the dashboard on a new pseudo-terminal of COLS×ROWS; returns it and the terminal's master.
fn spawn_dashboard(dir: &Path) -> (Child, File) {
    let mut cmd = Process::new(std::env::current_exe().expect("own path"));
    cmd.env("TUI_BENCH_ROLE", "dashboard")
        .env("TUI_BENCH_DIR", dir)
        .env("LANG", "zh_CN.UTF-8");
    spawn_in_pty(&mut cmd, COLS, ROWS)
}

fn measure() {
    let secs: u64 = std::env::var("TUI_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);

    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let (child, master) = spawn_dashboard(dir.path());
    let pid = child.id();
    let reader = read_all(master.try_clone().expect("dup"), Some(FIRST_FRAME_MARK));
    let first = reader.wait_first_frame(started);
    // Let the start-up settle (first probe results, first host sample) before measuring.
    std::thread::sleep(Duration::from_secs(3));
    let (cpu0, bytes0, t0) = (
        cpu_seconds(pid),
        reader.bytes.load(Ordering::Relaxed),
        Instant::now(),
    );
    std::thread::sleep(Duration::from_secs(secs));
    let (cpu1, bytes1, t1) = (
        cpu_seconds(pid),
        reader.bytes.load(Ordering::Relaxed),
        Instant::now(),
    );
    let (rss, hwm) = (status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"));
    quit(child, &master);
    let wall = (t1 - t0).as_secs_f64();
    println!(
        "dashboard idle, {COLS}x{ROWS} pty, 5 subsystems, 20 open incidents, {wall:.0} s (engine in the same process):"
    );
    println!(
        "  cpu            {:.2} % of one core",
        100.0 * (cpu1 - cpu0) / wall
    );
    println!(
        "  resident       {:.1} MiB (peak {:.1} MiB)",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    println!(
        "  written        {:.0} bytes/s to the terminal",
        (bytes1 - bytes0) as f64 / wall
    );
    println!(
        "  first frame    {:.0} ms after start (empty store; 20 incidents opened first)",
        first.as_secs_f64() * 1e3
    );

    let big = tempfile::tempdir().expect("tempdir");
    let seeding = Instant::now();
    let status = Process::new(std::env::current_exe().expect("own path"))
        .env("TUI_BENCH_ROLE", "seed")
        .env("TUI_BENCH_DIR", big.path())
        .status()
        .expect("seed");
    assert!(status.success(), "seeding failed");
    let seeded = seeding.elapsed();
    // Open the 20 incidents once, so the measured start finds them in the store.
    let (child, master) = spawn_dashboard(big.path());
    let reader = read_all(master.try_clone().expect("dup"), Some(FIRST_FRAME_MARK));
    reader.wait_first_frame(Instant::now());
    quit(child, &master);
    let started = Instant::now();
    let (child, master) = spawn_dashboard(big.path());
    let reader = read_all(master.try_clone().expect("dup"), Some(FIRST_FRAME_MARK));
    let first = reader.wait_first_frame(started);
    quit(child, &master);
    println!(
        "store with 100,000 resolved + 20 open incidents (seeded in {:.1} s):",
        seeded.as_secs_f64()
    );
    println!("  first frame    {:.0} ms after start", first.as_secs_f64() * 1e3);
}
