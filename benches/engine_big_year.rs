//! The engine on a big year: 100,000 incidents detected this year (all resolved but 20) against a fresh store,
//! both in the same run. For each store, in the same process: the round trip of a command (a note on an open
//! incident, one a second, so the score is refreshed after each) and the time from a probe result sent to the
//! snapshot that shows it (ten a second), their p50 / p99 / max, the process's CPU over the run, the engine
//! loop's longest turn of each kind (what a command or probe result could have waited behind) with its CPU
//! time, the longest sync off the engine task (what a command's answer waits for), how long after
//! start the live score first shows, and the long reads (the last quarter's score, this quarter's score page,
//! audit verify, a backup) sent meanwhile, every few seconds, without waiting for them. Then the ratios of the
//! big store to the fresh one, and for both stores one score refresh done by reading the quarter
//! (`score::load`) and the peak RSS of `watchdesk report quarterly`, `audit verify` and `backup` run over it as
//! children.
//!
//! `cargo bench --bench engine_big_year` (ENGINE_BENCH_SECS=30 per store, ENGINE_BENCH_INCIDENTS=100000).

#[path = "support/big_year.rs"]
mod measures;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use measures::{CONFIG, config, cpu_seconds, peak_rss_of, quantiles, rss, seed};
use watchdesk::clock::SystemClock;
use watchdesk::engine::{self, Command, EngineHandle, Mode, RecordsCommand, StoreCommand, Turn};
use watchdesk::model::{Actor, IncidentId, NewIncident, Quarter};
use watchdesk::policy::{Kind, Severity};
use watchdesk::probe::{Outcome, ProbeResult};
use watchdesk::report::score;
use watchdesk::store::Store;

/// What one store's run measured.
struct Run {
    command: [f64; 3],
    probe: [f64; 3],
    cpu: f64,
}

/// A long read sent without waiting for it: the quarter before this one's score, audit verify, a backup, or
/// this quarter's score as its page reads it (every late fault listed, from the kept shares).
fn long_read(engine: &EngineHandle, n: u64, dir: &Path, quarter: Quarter) -> tokio::task::JoinHandle<String> {
    let (engine, out) = (engine.clone(), dir.join(format!("backup-{n}.jsonl")));
    tokio::spawn(async move {
        let (what, command) = match n % 4 {
            0 => (
                "score of the last quarter",
                Command::Records(RecordsCommand::Score {
                    quarter: Some(quarter.prev()),
                }),
            ),
            3 => (
                "score page of this quarter",
                Command::Records(RecordsCommand::Score { quarter: None }),
            ),
            1 => (
                "audit verify",
                Command::Store(StoreCommand::VerifyAudit { expect: None }),
            ),
            _ => ("backup", Command::Store(StoreCommand::Backup { out })),
        };
        let sent = Instant::now();
        let result = engine.execute(Actor::named("bench"), command).await;
        let ok = if result.is_ok() { "ok" } else { "FAILED" };
        format!("{what} {ok} in {:.0} ms", sent.elapsed().as_secs_f64() * 1e3)
    })
}

/// What one phase of a run saw: command and probe round trips, process CPU (% of one core), long reads.
struct Phase {
    commands: Vec<Duration>,
    probes: Vec<Duration>,
    cpu: f64,
    reads: Vec<String>,
    /// The engine loop's longest turn of each kind, longest first.
    turns: Vec<Turn>,
}

/// For `secs`: a probe result ten times a second (waiting for the snapshot that shows it) and a note on an
/// open incident once a second; with `long_reads`, a long read every 4 s (the four kinds in turn), not waited for.
async fn measure(engine: &EngineHandle, open: &[IncidentId], secs: u64, long_reads: Option<&Path>) -> Phase {
    let actor = Actor::named("bench");
    let quarter = Quarter::of_day(config().policy.calendar.local_day(Utc::now()));
    engine.take_turns();
    let cpu_start = cpu_seconds();
    let wall = Instant::now();
    let (mut commands, mut probes, mut reads) = (Vec::new(), Vec::new(), Vec::new());
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
        if let Some(dir) = long_reads
            && n % 40 == 1
        {
            reads.push(long_read(engine, n / 40, dir, quarter));
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
    let mut finished = Vec::new();
    for read in reads {
        finished.push(read.await.expect("long read"));
    }
    let cpu = (cpu_seconds() - cpu_start) / wall.elapsed().as_secs_f64() * 100.0;
    Phase {
        commands,
        probes,
        cpu,
        reads: finished,
        turns: engine.take_turns(),
    }
}

/// The engine's longest turns of the phase: what commands and probe results could have waited behind, with the
/// CPU time of each (a long turn with little CPU waited: for a lock, the disk or a core); then the longest sync
/// off the engine task, which only the answers of the commands it covers wait for.
fn print_turns(name: &str, turns: &[Turn]) {
    let on_task = turns.iter().filter(|t| t.what != engine::SYNC_TURN).take(4);
    let sync = turns.iter().filter(|t| t.what == engine::SYNC_TURN);
    for t in on_task.chain(sync) {
        println!(
            "{name:<28} longest turn {:>8.2} ms ({:>6.2} ms on CPU)  {} ({} turns, mean {:.2} ms, {} over 50 ms)",
            t.longest.as_secs_f64() * 1e3,
            t.longest_on_cpu.as_secs_f64() * 1e3,
            t.what,
            t.count,
            t.total.as_secs_f64() * 1e3 / t.count.max(1) as f64,
            t.over_50ms
        );
    }
}

/// The run on one store: the live score's first showing, then a quiet phase (the figures compared) and a
/// phase with long reads; prints one line per measure.
async fn drive(name: &str, engine: &EngineHandle, secs: u64, dir: &Path, started: Instant) -> Run {
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
    let mut snapshots = engine.subscribe();
    let deadline = started + Duration::from_secs(300);
    while snapshots.borrow_and_update().score.is_none() && Instant::now() < deadline {
        let _ = tokio::time::timeout(Duration::from_secs(1), snapshots.changed()).await;
    }
    match engine.snapshot().score.is_some() {
        true => println!(
            "{name:<28} live score shown {:.2} s after start",
            started.elapsed().as_secs_f64()
        ),
        false => println!("{name:<28} live score NOT shown in 300 s"),
    }
    let line = |what: &str, samples: &[Duration]| {
        let [p50, p99, max] = quantiles(samples.to_vec());
        println!(
            "{name:<28} {what:<8} {p50:>8.2} {p99:>8.2} {max:>8.2}   ({} sent)",
            samples.len()
        );
        [p50, p99, max]
    };
    let quiet = measure(engine, &open, secs, None).await;
    let command = line("command", &quiet.commands);
    let probe = line("probe", &quiet.probes);
    println!("{name:<28} CPU      {:>8.2} % of one core", quiet.cpu);
    print_turns(name, &quiet.turns);
    let busy = measure(engine, &open, (secs / 2).max(10), Some(dir)).await;
    println!("{name:<28} while long reads run:");
    line("command", &busy.commands);
    line("probe", &busy.probes);
    println!("{name:<28} CPU      {:>8.2} % of one core", busy.cpu);
    print_turns(name, &busy.turns);
    for read in &busy.reads {
        println!("{name:<28} long read: {read}");
    }
    let (peak, now) = rss();
    println!("{name:<28} process RSS {now:.0} MiB (peak so far {peak:.0} MiB)");
    Run {
        command,
        probe,
        cpu: quiet.cpu,
    }
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
    let mut runs = Vec::new();
    let mut reports = Vec::new();
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
        runs.push(rt.block_on(async {
            let started = Instant::now();
            let store = Store::open(&data).expect("store");
            let engine =
                engine::spawn(store, config(), Arc::new(SystemClock), Mode::Embedded).expect("engine");
            println!(
                "{name:<28} start    {:>8.2} ms to a running engine",
                started.elapsed().as_secs_f64() * 1e3
            );
            let run = drive(&name, &engine, secs, dir.path(), started).await;
            engine.shutdown().await;
            run
        }));
        let config_path = dir.path().join("bench.toml");
        std::fs::write(&config_path, CONFIG).expect("config");
        let store = Store::open(&data).expect("store");
        let policy = config().policy;
        let now = Utc::now();
        let quarter = Quarter::of_day(policy.calendar.local_day(now));
        let before = Instant::now();
        let _ = score::load(&store, &policy, quarter, now).expect("score");
        println!(
            "{name:<28} one score read from the store (score::load): {:.1} ms",
            before.elapsed().as_secs_f64() * 1e3
        );
        drop(store);
        let (report, backup) = (dir.path().join("report.md"), dir.path().join("cli-backup.jsonl"));
        let (quarter, report, backup) = (
            quarter.to_string(),
            report.to_string_lossy(),
            backup.to_string_lossy(),
        );
        let mut peaks = Vec::new();
        for args in [
            &["monthly", "list"][..],
            &["report", "quarterly", "--quarter", &quarter, "--out", &report],
            &["audit", "verify"],
            &["backup", "--out", &backup],
        ] {
            let (rss, took) = peak_rss_of(dir.path(), &config_path, args);
            println!(
                "{name:<28} {:<24} peak RSS {rss:>5.0} MiB, {:.2} s",
                args.iter().take(2).copied().collect::<Vec<_>>().join(" "),
                took.as_secs_f64()
            );
            peaks.push(rss);
        }
        reports.push(peaks);
    }
    if let [fresh, big] = &runs[..] {
        let ratio = |a: f64, b: f64| b / a;
        println!(
            "big / fresh: command p50 {:.2}x p99 {:.2}x, probe p50 {:.2}x p99 {:.2}x, CPU {:.2}x; \
             longest wait {:.1} ms (command) {:.1} ms (probe)",
            ratio(fresh.command[0], big.command[0]),
            ratio(fresh.command[1], big.command[1]),
            ratio(fresh.probe[0], big.probe[0]),
            ratio(fresh.probe[1], big.probe[1]),
            ratio(fresh.cpu, big.cpu),
            big.command[2],
            big.probe[2],
        );
    }
    if let [fresh, big] = &reports[..] {
        let floor = [
            "monthly list (opens the store)",
            "report quarterly",
            "audit verify",
            "backup",
        ];
        for (n, what) in floor.iter().enumerate() {
            let (f, b) = (fresh[n], big[n]);
            println!("big / fresh: {what} peak RSS {:.2}x ({b:.0} / {f:.0} MiB)", b / f);
        }
    }
}
