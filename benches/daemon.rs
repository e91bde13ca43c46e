//! What daemon mode costs as the open set grows. Three figures, each with 10, 100 and 1,000 open incidents:
//!
//! * a daemon (engine + socket server, the template configuration's seven checks each reporting a probe
//!   result every 2 s, a host sample every 2 s) with three attached clients, each a separate process holding
//!   the live snapshot as a dashboard does: bytes each client receives per second, the daemon's CPU and each
//!   client's CPU (% of one core), beside the size of one full snapshot (what every publish cost per client
//!   when each carried the whole state);
//! * the command line without a daemon: `watchdesk incident note` run as a process against a store with 10
//!   and with 1,000 open incidents, p50 / p99 wall time and mean CPU time, the two stores interleaved;
//! * a durable note on a running engine, in the same process and over its socket, with 10 and 1,000 open.
//!
//! `cargo bench --bench daemon` (DAEMON_BENCH_SECS=30 per size; DAEMON_BENCH_CLI=200 commands per store, as a
//! p99 of fewer than a hundred is only the slowest one or two; WATCHDESK_BIN=PATH for another build of the
//! command line, e.g. `target/release/watchdesk` after `cargo build --release`; DAEMON_BENCH_ONLY=daemon,cli,notes
//! for some parts only; DAEMON_BENCH_SECTIONS=1 prints which sections of the deltas carried the bytes;
//! DAEMON_BENCH_KEEP=1 keeps the command line's stores). The binary plays the daemon and the clients too
//! (DAEMON_BENCH_ROLE).

#[path = "support/pty.rs"]
mod pty;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use watchdesk::clock::SystemClock;
use watchdesk::config::{Config, TEMPLATE};
use watchdesk::daemon::hub::Hub;
use watchdesk::daemon::{self, wire};
use watchdesk::engine::{self, Command, EngineHandle, Mode, Reply, Snapshot};
use watchdesk::hosts::{Gauges, HostReading, HostSample};
use watchdesk::model::{Actor, IncidentId, NewIncident};
use watchdesk::policy::{Kind, Severity};
use watchdesk::probe::{Outcome, ProbeResult};
use watchdesk::store::Store;

use pty::cpu_seconds;

const SIZES: [usize; 3] = [10, 100, 1000];
const CLIENTS: usize = 3;

fn config() -> Config {
    Config::parse(Path::new("watchdesk.toml"), TEMPLATE).expect("the template is valid")
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    match std::env::var("DAEMON_BENCH_ROLE").as_deref() {
        Ok("daemon") => run_daemon(),
        Ok("client") => run_client(),
        _ => measure(),
    }
}

async fn open(engine: &EngineHandle, n: usize) -> Option<IncidentId> {
    let mut last = None;
    for i in 0..n {
        let new = NewIncident {
            kind: [Kind::Fault, Kind::Change, Kind::Support][i % 3],
            severity: Severity::ALL[i % 3],
            title: format!("综合展示子系统地图加载缓慢 #{i}"),
            subsystem: Some("display".into()),
            detected_at: Some(Utc::now() - chrono::Duration::minutes(i as i64)),
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
    last
}

fn store_in(dir: &Path) -> Store {
    Store::open_with_key_file(&dir.join("data"), Some(&dir.join("audit.key"))).expect("store")
}

/// The daemon: opens DAEMON_BENCH_OPEN incidents, serves, feeds probe results and host samples every 2 s;
/// prints "ready BYTES" (a full snapshot's line), runs until its standard input closes.
fn run_daemon() {
    let dir = std::env::var("DAEMON_BENCH_DIR").expect("DAEMON_BENCH_DIR");
    let n = env_num("DAEMON_BENCH_OPEN", 10) as usize;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let config = config();
        let engine = engine::spawn(
            store_in(Path::new(&dir)),
            config.clone(),
            Arc::new(SystemClock),
            Mode::Embedded,
        )
        .expect("engine");
        // A listener on the event stream, as the notifier is in `watchdesk serve`: the engine then works out
        // the facts time brings (deadlines close or passed) every second.
        let mut events = engine.events();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => drop(std::hint::black_box(event)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        open(&engine, n).await;
        // The score counts the new incidents at its next refresh (at most every 3 s after a write): that
        // one-time change comes before the clients attach, not inside the window measured.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let socket = Path::new(&dir).join(daemon::SOCKET);
        let server = daemon::serve(engine.clone(), &socket).await.expect("serve");
        let checks: Vec<_> = config
            .subsystems
            .iter()
            .flat_map(|s| s.checks.iter().map(move |c| (s.id.clone(), c.id.clone())))
            .collect();
        let (probes, hosts) = (engine.probe_sender(), engine.host_sender());
        let host_names: Vec<String> = config.hosts.iter().map(|h| h.name.clone()).collect();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            let mut k = 0u64;
            loop {
                tick.tick().await;
                k += 1;
                for (subsystem, check) in &checks {
                    let result = ProbeResult {
                        check_id: check.clone(),
                        subsystem: subsystem.clone(),
                        started_at: Utc::now(),
                        latency: Duration::from_millis(20 + (k * 37) % 180),
                        outcome: Outcome::Up {
                            detail: "HTTP 200".into(),
                        },
                    };
                    let _ = probes.send(result).await;
                }
                for host in &host_names {
                    let gauges = Gauges {
                        cpu_pct: Some(10.0 + (k % 7) as f64),
                        mem_pct: Some(61.5),
                        ..Gauges::default()
                    };
                    let sample = HostSample {
                        host: host.clone(),
                        at: Utc::now(),
                        reading: HostReading::Gauges(gauges),
                    };
                    let _ = hosts.send(sample).await;
                }
            }
        });
        if std::env::var_os("DAEMON_BENCH_SECTIONS").is_some() {
            tokio::spawn(sections(engine.subscribe(), n));
        }
        let full = wire::encode(&wire::Outgoing::Snapshot {
            version: 1,
            snapshot: &engine.snapshot(),
        });
        println!("ready {}", full.len());
        let _ = std::io::stdout().flush();
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await;
        server.stop().await;
        engine.shutdown().await;
    });
}

/// Which parts of the deltas carry the bytes: a second hub follows the engine as the server's does and every
/// 10 s prints, to standard error, the bytes of each section of the deltas it published (DAEMON_BENCH_SECTIONS).
async fn sections(snapshots: tokio::sync::watch::Receiver<Arc<Snapshot>>, n: usize) {
    let (hub, _task) = Hub::start(snapshots);
    let mut frames = hub.follow();
    let mut bytes: BTreeMap<String, usize> = BTreeMap::new();
    let (mut count, mut total) = (0usize, 0usize);
    let mut report = tokio::time::interval(Duration::from_secs(10));
    report.tick().await;
    loop {
        tokio::select! {
            frame = frames.recv() => {
                let Ok(frame) = frame else { continue };
                count += 1;
                total += frame.line.len();
                let value: serde_json::Value = serde_json::from_slice(&frame.line).unwrap_or_default();
                let delta = &value["delta"]["delta"];
                if let Some(parts) = delta.as_object() {
                    for (name, part) in parts {
                        let mut add = |key: String, v: &serde_json::Value| {
                            *bytes.entry(key).or_default() += v.to_string().len();
                        };
                        match part.as_object() {
                            Some(inner) => {
                                for (sub, v) in inner {
                                    match v.as_object() {
                                        Some(deeper) => {
                                            for (leaf, w) in deeper {
                                                add(format!("{name}.{sub}.{leaf}"), w);
                                            }
                                        }
                                        None => add(format!("{name}.{sub}"), v),
                                    }
                                }
                            }
                            None => add(name.clone(), part),
                        }
                    }
                }
            }
            _ = report.tick() => {
                eprintln!("  [{n} open] {count} deltas, {total} bytes:");
                for (k, v) in &bytes {
                    eprintln!("    {k:<40} {v:>9}");
                }
            }
        }
    }
}

/// A client: connects, holds every snapshot as a dashboard would, prints the bytes received every 500 ms.
fn run_client() {
    let dir = std::env::var("DAEMON_BENCH_DIR").expect("DAEMON_BENCH_DIR");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let config = config();
        let socket = Path::new(&dir).join(daemon::SOCKET);
        let remote = daemon::connect(&socket, Arc::new(config.policy.clone()), config.platform.timezone)
            .await
            .expect("connect");
        let mut snapshots = remote.subscribe();
        let mut report = tokio::time::interval(Duration::from_millis(500));
        loop {
            tokio::select! {
                changed = snapshots.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    std::hint::black_box(snapshots.borrow_and_update().open_incidents.len());
                }
                _ = report.tick() => {
                    println!("{}", remote.received_bytes());
                    if std::io::stdout().flush().is_err() {
                        return;
                    }
                }
            }
        }
    });
}

fn role(role: &str, dir: &Path) -> Process {
    let mut cmd = Process::new(std::env::current_exe().expect("own path"));
    cmd.env("DAEMON_BENCH_ROLE", role)
        .env("DAEMON_BENCH_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    cmd
}

/// A child's stdout lines, the last one parsed as a number, kept up to date by a thread.
fn follow_counter(child: &mut Child) -> Arc<AtomicU64> {
    let counter = Arc::new(AtomicU64::new(0));
    let out = child.stdout.take().expect("stdout");
    let c = counter.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Ok(n) = line.trim().parse() {
                c.store(n, Ordering::Relaxed);
            }
        }
    });
    counter
}

fn daemon_with_clients(n: usize, secs: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut daemon = role("daemon", dir.path())
        .env("DAEMON_BENCH_OPEN", n.to_string())
        .spawn()
        .expect("daemon");
    let mut ready = String::new();
    BufReader::new(daemon.stdout.as_mut().expect("stdout"))
        .read_line(&mut ready)
        .expect("ready line");
    let full: u64 = ready
        .trim()
        .strip_prefix("ready ")
        .and_then(|v| v.parse().ok())
        .expect("ready BYTES");
    let mut clients: Vec<(Child, Arc<AtomicU64>)> = (0..CLIENTS)
        .map(|_| {
            let mut child = role("client", dir.path()).spawn().expect("client");
            let bytes = follow_counter(&mut child);
            (child, bytes)
        })
        .collect();
    // The first full snapshots and the start-up settle.
    std::thread::sleep(Duration::from_secs(3));
    let pid = daemon.id();
    let start = |c: &(Child, Arc<AtomicU64>)| (cpu_seconds(c.0.id()), c.1.load(Ordering::Relaxed));
    let d0 = cpu_seconds(pid);
    let c0: Vec<_> = clients.iter().map(start).collect();
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let d1 = cpu_seconds(pid);
    let c1: Vec<_> = clients.iter().map(start).collect();
    let wall = t0.elapsed().as_secs_f64();
    let per_client: Vec<(f64, f64)> = c0
        .iter()
        .zip(&c1)
        .map(|(a, b)| ((b.1 - a.1) as f64 / wall, 100.0 * (b.0 - a.0) / wall))
        .collect();
    let bytes = per_client.iter().map(|c| c.0).sum::<f64>() / CLIENTS as f64;
    let client_cpu = per_client.iter().map(|c| c.1).sum::<f64>() / CLIENTS as f64;
    println!(
        "  {n:>5} open  full snapshot {full:>8} bytes  per client {bytes:>7.0} bytes/s  daemon cpu {:.2} %  client cpu {client_cpu:.2} % (mean of {CLIENTS})",
        100.0 * (d1 - d0) / wall
    );
    for (child, _) in &mut clients {
        drop(child.stdin.take());
        let _ = child.kill();
        let _ = child.wait();
    }
    drop(daemon.stdin.take());
    let _ = daemon.wait();
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// A store with `n` open incidents and the template configuration; returns the id of the last one.
fn seeded(dir: &Path, n: usize) -> IncidentId {
    std::fs::write(dir.join("config.toml"), TEMPLATE).expect("config");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let engine =
            engine::spawn(store_in(dir), config(), Arc::new(SystemClock), Mode::Embedded).expect("engine");
        let last = open(&engine, n).await.expect("incidents opened");
        engine.shutdown().await;
        last
    })
}

/// CPU time (user + system) of every child process waited for so far, in ms.
fn children_cpu_ms() -> f64 {
    // SAFETY: rusage is plain integers, all zero a valid value; getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

fn cli_latency(commands: usize) {
    let binary = std::env::var("WATCHDESK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_watchdesk").into());
    let stores: Vec<_> = [10usize, 1000]
        .into_iter()
        .map(|n| {
            let dir = tempfile::tempdir().expect("tempdir");
            let id = seeded(dir.path(), n);
            (n, dir, id, Vec::new(), Vec::new())
        })
        .collect();
    let mut stores = stores;
    for i in 0..commands {
        for (_, dir, id, times, cpu) in &mut stores {
            let d = dir.path();
            let cpu0 = children_cpu_ms();
            let t = Instant::now();
            let status = Process::new(&binary)
                .arg("--config")
                .arg(d.join("config.toml"))
                .arg("--data-dir")
                .arg(d.join("data"))
                .args([
                    "incident",
                    "note",
                    &id.to_string(),
                    "--text",
                    &format!("bench note {i}"),
                ])
                .env("HOME", d)
                .env("XDG_CONFIG_HOME", d)
                .env("WATCHDESK_AUDIT_KEY", d.join("audit.key"))
                .stdout(Stdio::null())
                .status()
                .expect("watchdesk");
            times.push(t.elapsed().as_secs_f64() * 1e3);
            cpu.push(children_cpu_ms() - cpu0);
            assert!(status.success(), "watchdesk incident note failed");
        }
    }
    let mut p = Vec::new();
    for (n, _, _, times, cpu) in &mut stores {
        times.sort_by(f64::total_cmp);
        let (p50, p99) = (percentile(times, 0.5), percentile(times, 0.99));
        let cpu = cpu.iter().sum::<f64>() / cpu.len() as f64;
        println!("  {n:>5} open  p50 {p50:.1} ms  p99 {p99:.1} ms  cpu (user + system) mean {cpu:.1} ms");
        p.push((p50, p99, cpu));
    }
    println!(
        "  1000 / 10: p50 {:.2}x  p99 {:.2}x  cpu {:.2}x",
        p[1].0 / p[0].0,
        p[1].1 / p[0].1,
        p[1].2 / p[0].2
    );
    // DAEMON_BENCH_KEEP=1: the stores stay, to look at one command closer.
    if std::env::var_os("DAEMON_BENCH_KEEP").is_some() {
        for (n, dir, id, _, _) in stores {
            println!(
                "  kept the store with {n} open (last {id}) in {}",
                dir.keep().display()
            );
        }
    }
}

/// A durable note on the engine in this process and over its socket, with 10 and with 1,000 open incidents;
/// every round runs all four, so all see the same machine load.
fn durable_notes(commands: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut rigs = Vec::new();
        for n in [10usize, 1000] {
            let dir = tempfile::tempdir().expect("tempdir");
            let config = config();
            let (policy, zone) = (Arc::new(config.policy.clone()), config.platform.timezone);
            let engine = engine::spawn(store_in(dir.path()), config, Arc::new(SystemClock), Mode::Embedded)
                .expect("engine");
            let id = open(&engine, n).await.expect("incidents opened");
            let socket = dir.path().join(daemon::SOCKET);
            let server = daemon::serve(engine.clone(), &socket).await.expect("serve");
            let remote = daemon::connect(&socket, policy, zone).await.expect("connect");
            rigs.push((n, dir, engine, server, remote, id, Vec::new(), Vec::new()));
        }
        for i in 0..commands {
            for (_, _, engine, _, remote, id, here, there) in &mut rigs {
                let note = || Command::Note {
                    id: *id,
                    at: None,
                    text: format!("bench note {i}"),
                };
                let t = Instant::now();
                engine.execute(Actor::named("bench"), note()).await.expect("note");
                here.push(t.elapsed().as_secs_f64() * 1e3);
                let t = Instant::now();
                remote.execute(Actor::named("bench"), note()).await.expect("note");
                there.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        let mut medians = Vec::new();
        for (n, _, engine, server, _, _, here, there) in rigs {
            let (mut here, mut there) = (here, there);
            here.sort_by(f64::total_cmp);
            there.sort_by(f64::total_cmp);
            println!(
                "  {n:>5} open  in process p50 {:.2} ms  p99 {:.2} ms   over the socket p50 {:.2} ms  p99 {:.2} ms",
                percentile(&here, 0.5),
                percentile(&here, 0.99),
                percentile(&there, 0.5),
                percentile(&there, 0.99)
            );
            medians.push((percentile(&here, 0.5), percentile(&there, 0.5)));
            server.stop().await;
            engine.shutdown().await;
        }
        println!(
            "  1000 / 10: in process p50 {:.2}x  over the socket p50 {:.2}x",
            medians[1].0 / medians[0].0,
            medians[1].1 / medians[0].1
        );
    });
}

fn measure() {
    let secs = env_num("DAEMON_BENCH_SECS", 30);
    let commands = env_num("DAEMON_BENCH_CLI", 200) as usize;
    let only = std::env::var("DAEMON_BENCH_ONLY").unwrap_or_default();
    let part = |name: &str| only.is_empty() || only.split(',').any(|p| p == name);
    if part("daemon") {
        println!(
            "daemon with {CLIENTS} attached clients, probe results every 2 s, {secs} s per size (DAEMON_BENCH_SECS):"
        );
        for n in SIZES {
            daemon_with_clients(n, secs);
        }
    }
    if part("cli") {
        println!(
            "`watchdesk incident note` without a daemon, {commands} per store, interleaved (DAEMON_BENCH_CLI):"
        );
        cli_latency(commands);
    }
    if part("notes") {
        println!(
            "durable note on the engine, {} per size, interleaved:",
            5 * commands
        );
        durable_notes(5 * commands);
    }
}
