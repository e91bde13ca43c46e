//! The engine on a big year: 100,000 incidents detected this year (all resolved but 20) against a fresh store.
//! For each store, in the same process: the round trip of a command (a note on an open incident, one a
//! second, so the score is refreshed after each) and the time from a probe result sent to the snapshot that
//! shows it (ten a second), their p50 / p99 / max, and the engine's CPU over the run. Then, on the big store,
//! one score refresh the way it was done before (`score::load`, reading the year) beside the kept inputs, and
//! the peak RSS of `watchdesk report quarterly` run over it.
//!
//! `cargo bench --bench engine_big_year` (ENGINE_BENCH_SECS=30 per store, ENGINE_BENCH_INCIDENTS=100000).

use std::path::Path;
use std::process::Command as Spawn;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, TimeZone, Utc};
use watchdesk::clock::SystemClock;
use watchdesk::config::Config;
use watchdesk::engine::{self, Command, EngineHandle, Mode};
use watchdesk::model::{Actor, Incident, IncidentId, NewIncident, Quarter, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::probe::{Outcome, ProbeResult};
use watchdesk::report::score;
use watchdesk::store::{Put, Store, TreeName};

const CONFIG: &str = "[[subsystem]]\nid = \"digital\"\nname = \"水利质量检测数字管理子系统\"\n  \
    [[subsystem.check]]\n  kind = \"tcp\"\n  address = \"127.0.0.1:9\"\n";

fn config() -> Config {
    Config::parse(Path::new("bench.toml"), CONFIG).expect("bench config")
}

/// `total` incidents detected from 1 January of this year until now, all resolved; written straight into the
/// store a thousand per commit.
fn seed(dir: &Path, total: u32) {
    let mut store = Store::open(dir).expect("store");
    let actor = Actor::named("seed");
    let now = Utc::now();
    let year = now.with_timezone(&chrono_tz::Asia::Shanghai).year();
    let start = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .single()
        .expect("new year")
        .with_timezone(&Utc);
    let step = (now - start - chrono::Duration::hours(1)) / total as i32;
    let mut seq = 0;
    while seq < total {
        let mut puts = Vec::new();
        for _ in 0..1000.min(total - seq) {
            seq += 1;
            let at = start + step * seq as i32;
            let new = NewIncident {
                kind: Kind::Fault,
                severity: Severity::ALL[seq as usize % 3],
                title: format!("检测报告列表加载缓慢 {seq}"),
                subsystem: Some("digital".into()),
                detected_at: Some(at),
                source: None,
                host: None,
            };
            let mut incident =
                Incident::open(IncidentId { year, seq }, new, actor.clone(), at).expect("open");
            let resolution = Resolution {
                cause: "网络抖动".into(),
                process: "重启服务".into(),
                solution: None,
            };
            incident
                .resolve(&actor, None, at + chrono::Duration::minutes(30), resolution)
                .expect("resolve");
            puts.extend(Store::put_incident(&incident).expect("encode"));
        }
        puts.push(Put::Insert {
            tree: TreeName::Meta,
            key: format!("seq/{year}").into_bytes(),
            value: seq.to_be_bytes().to_vec(),
        });
        store
            .commit(
                &actor,
                now,
                "seed",
                "bench",
                serde_json::json!({ "upto": seq }),
                puts,
            )
            .expect("commit");
    }
}

fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes into the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
    };
    format!("{:>8.2} {:>8.2} {:>8.2}", at(0.5), at(0.99), at(1.0))
}

/// Commands and probe results against a running engine for `secs`; prints one line per measure.
async fn drive(name: &str, engine: &EngineHandle, secs: u64) {
    let actor = Actor::named("bench");
    let mut open = Vec::new();
    for i in 0..20 {
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: format!("待处理 {i}"),
            subsystem: Some("digital".into()),
            detected_at: None,
            source: None,
            host: None,
        };
        match engine.execute(actor.clone(), Command::OpenIncident(new)).await {
            Ok(engine::Reply::Incident(i)) => open.push(i.id),
            other => panic!("open: {other:?}"),
        }
    }
    let cpu_start = cpu_seconds();
    let wall = Instant::now();
    let (mut commands, mut probes) = (Vec::new(), Vec::new());
    let mut snapshots = engine.subscribe();
    let mut n = 0u64;
    while wall.elapsed() < Duration::from_secs(secs) {
        n += 1;
        if n.is_multiple_of(10) {
            let id = open[(n as usize / 10) % open.len()];
            let sent = Instant::now();
            let text = format!("检查第 {n} 次");
            engine
                .execute(actor.clone(), Command::Note { id, at: None, text })
                .await
                .expect("note");
            commands.push(sent.elapsed());
        }
        let at = Utc::now();
        let sent = Instant::now();
        engine
            .probe_sender()
            .send(ProbeResult {
                check_id: "digital/tcp-1".into(),
                subsystem: "digital".into(),
                started_at: at,
                latency: Duration::from_millis(3),
                outcome: Outcome::Up {
                    detail: "connected".into(),
                },
            })
            .await
            .expect("probe");
        let shown = |s: &engine::Snapshot| {
            s.subsystems
                .iter()
                .flat_map(|x| &x.checks)
                .any(|c| c.last.as_ref().is_some_and(|l| l.at == at))
        };
        while !shown(&snapshots.borrow_and_update()) {
            snapshots.changed().await.expect("snapshot");
        }
        probes.push(sent.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cpu = (cpu_seconds() - cpu_start) / wall.elapsed().as_secs_f64() * 100.0;
    println!(
        "{name:<28} command  {}   ({} notes)",
        summary(commands.clone()),
        commands.len()
    );
    println!(
        "{name:<28} probe    {}   ({} results)",
        summary(probes.clone()),
        probes.len()
    );
    println!("{name:<28} CPU      {cpu:>8.2} % of one core");
}

fn peak_rss_of_report(dir: &Path, config: &Path, quarter: &str) -> (f64, Duration) {
    let started = Instant::now();
    let mut child = Spawn::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", dir)
        .env("USER", "bench")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["report", "quarterly", "--quarter", quarter, "--out"])
        .arg(dir.join("report.md"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("watchdesk report quarterly");
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 on our own child; it fills the rusage given.
    let usage = unsafe {
        libc::wait4(child.id() as i32, &mut status, 0, usage.as_mut_ptr());
        usage.assume_init()
    };
    let _ = child.try_wait();
    (usage.ru_maxrss as f64 / 1024.0, started.elapsed())
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let secs = std::env::var("ENGINE_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let total = std::env::var("ENGINE_BENCH_INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    println!(
        "{:<28} {:<8} {:>8} {:>8} {:>8}   (ms)",
        "store", "measure", "p50", "p99", "max"
    );
    for (name, count) in [
        ("fresh store".to_string(), 0),
        (format!("{total} incidents this year"), total),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        if count > 0 {
            let seeded = Instant::now();
            seed(&data, count);
            eprintln!(
                "seeded {count} incidents in {:.1} s",
                seeded.elapsed().as_secs_f64()
            );
        }
        rt.block_on(async {
            let started = Instant::now();
            let store = Store::open(&data).expect("store");
            let engine =
                engine::spawn(store, config(), Arc::new(SystemClock), Mode::Embedded).expect("engine");
            println!(
                "{name:<28} start    {:>8.2} ms to a running engine",
                started.elapsed().as_secs_f64() * 1e3
            );
            drive(&name, &engine, secs).await;
            engine.shutdown().await;
        });
        if count > 0 {
            let config_path = dir.path().join("bench.toml");
            std::fs::write(&config_path, CONFIG).expect("config");
            let store = Store::open(&data).expect("store");
            let policy = config().policy;
            let now = Utc::now();
            let quarter = Quarter::of_day(policy.calendar.local_day(now));
            let before = Instant::now();
            let _ = score::load(&store, &policy, quarter, now).expect("score");
            println!(
                "{name:<28} one score refresh reading the year (as before): {:.1} ms",
                before.elapsed().as_secs_f64() * 1e3
            );
            // What a refresh costs now: the half-year's incidents are in memory, only the small records are read.
            let [this, other] =
                score::incidents_of(&store, [quarter, quarter.partner()], policy.calendar.zone)
                    .expect("incidents");
            let kept = Instant::now();
            let this_records = score::records_besides_incidents(&store, quarter).expect("records");
            let other_records = score::records_besides_incidents(&store, quarter.partner()).expect("records");
            let mut this_input = this_records.input(quarter, now, &policy);
            this_input.incidents = &this;
            let mut other_input = other_records.input(quarter.partner(), now, &policy);
            other_input.incidents = &other;
            let _ = score::with_half_year(&this_input, &other_input);
            println!(
                "{name:<28} one score refresh from kept inputs ({} + {} incidents): {:.1} ms",
                this.len(),
                other.len(),
                kept.elapsed().as_secs_f64() * 1e3
            );
            drop(store);
            let (rss, took) = peak_rss_of_report(dir.path(), &config_path, &quarter.to_string());
            println!(
                "{name:<28} report quarterly {quarter}: peak RSS {rss:.0} MiB, {:.2} s",
                took.as_secs_f64()
            );
        }
    }
}
