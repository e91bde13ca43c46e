//! The quarterly report over a store holding one year of data: 5 subsystems probed every 30 s (per-minute
//! rollups, 2.6 million of them), 2,000 incidents and 365 daily records. The fixture is built once under
//! `CARGO_TARGET_TMPDIR` and reused by later runs. Besides criterion's timings it prints the peak heap a single
//! report takes (a counting allocator) and the process's peak RSS.
//!
//! Run: `cargo bench --bench quarterly`

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use criterion::{Criterion, criterion_group, criterion_main};
use watchdesk::config::{Config, TEMPLATE};
use watchdesk::history::{self, Bucket};
use watchdesk::model::{
    Actor, AutoSource, BackupCheck, DailyFigures, DailyRecord, HostPeak, Incident, IncidentId, NewIncident,
    Quarter, Resolution, SubsystemDay,
};
use watchdesk::policy::{Kind, Severity};
use watchdesk::report::{availability, quarterly, score};
use watchdesk::store::{Put, Store, TreeName};

/// Counts live heap bytes and their high-water mark.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SUBSYSTEMS: [&str; 5] = ["sysadmin", "digital", "engineering", "smart", "display"];
const INCIDENTS: u32 = 2_000;

fn local(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Shanghai
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn config() -> Config {
    Config::parse(std::path::Path::new("bench.toml"), TEMPLATE).unwrap()
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("quarterly-year-v3")
}

fn fixture_ready() -> bool {
    fixture_dir().join("complete").exists()
}

fn fixture() -> PathBuf {
    let dir = fixture_dir();
    if dir.join("complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let mut store = Store::open(&dir).unwrap();
    let year_start = local(2026, 1, 1, 0);
    let minutes = 365 * 24 * 60;
    for (n, sub) in SUBSYSTEMS.iter().enumerate() {
        let tree = store.tree(TreeName::Rollups);
        let mut batch = sled::Batch::default();
        // What the running engine leaves behind: each finished day also summed into its day rollup.
        let mut day = Bucket::default();
        for m in 0..minutes {
            let at = year_start + Duration::minutes(m);
            let mut b = Bucket::default();
            for probe in 0..2 {
                let failed = (m + n as i64 * 7919 + probe) % 4_999 == 0;
                b.add(
                    60 + (m as u64 * 37 + probe as u64 * 11) % 400 + 30 * n as u64,
                    failed,
                );
            }
            day.merge(&b);
            batch.insert(
                history::key(sub, history::minute_of(at)),
                serde_json::to_vec(&b).unwrap(),
            );
            if m % 1440 == 1439 {
                let day_start = at - Duration::minutes(1439);
                let summed = std::mem::take(&mut day);
                batch.insert(
                    availability::day_key(sub, day_start),
                    serde_json::to_vec(&summed).unwrap(),
                );
            }
            if m % 100_000 == 99_999 {
                tree.apply_batch(std::mem::take(&mut batch)).unwrap();
            }
        }
        tree.apply_batch(batch).unwrap();
    }
    store.sync().unwrap();
    // The day rollups written here are the ones the engine's summing makes.
    let day = NaiveDate::from_ymd_opt(2026, 7, 14).unwrap();
    let from_minutes =
        history::bucket(&store, "smart", local(2026, 7, 14, 0), local(2026, 7, 15, 0)).unwrap();
    let summed = availability::day_bucket(&store, Shanghai, "smart", day, local(2027, 1, 1, 0)).unwrap();
    assert_eq!(summed, from_minutes);

    // 2,000 incidents spread over the year: mostly faults, some late, some back-dated, some from a host.
    let li = Actor::named("li");
    let step = Duration::minutes(365 * 24 * 60 / INCIDENTS as i64);
    let mut puts = Vec::new();
    for seq in 1..=INCIDENTS {
        let detected = year_start + step * seq as i32 - Duration::hours(1);
        let kind = match seq % 10 {
            7 => Kind::Change,
            8 => Kind::Support,
            9 => Kind::Security,
            _ => Kind::Fault,
        };
        let severity = Severity::ALL[(seq % 3) as usize];
        let source = (seq % 13 == 0).then(|| AutoSource::Host {
            name: "app-01".into(),
            gauge: "disk /".into(),
        });
        let new = NewIncident {
            kind,
            severity,
            title: format!("故障 {seq}: 子系统响应缓慢, 用户无法\"登录\""),
            subsystem: Some(SUBSYSTEMS[(seq % 5) as usize].to_string()),
            detected_at: Some(detected),
            source,
            host: None,
        };
        let id = IncidentId { year: 2026, seq };
        let mut i = Incident::open(id, new, Actor::system(), detected).unwrap();
        if seq <= INCIDENTS - 20 {
            let ack = detected + Duration::minutes(5 + (seq % 4) as i64 * 7);
            let logged = if seq % 7 == 0 {
                ack + Duration::hours(2)
            } else {
                ack
            };
            i.acknowledge(&li, Some(ack), logged, Some("处理中".into()), None)
                .unwrap();
            i.plan(&li, None, ack + Duration::minutes(40), "重启服务并观察")
                .unwrap();
            let resolution = Resolution {
                cause: "数据库连接池耗尽，应用线程阻塞".into(),
                process: "扩大连接池，重启应用，观察两小时".into(),
                solution: Some("连接池监控告警".into()),
            };
            i.resolve(
                &li,
                None,
                ack + Duration::hours(1 + (seq % 30) as i64),
                resolution,
            )
            .unwrap();
        }
        puts.extend(Store::put_incident(&i).unwrap());
        if seq % 100 == 0 {
            let at = detected;
            store
                .commit(
                    &li,
                    at,
                    "incident.import",
                    "bench",
                    serde_json::Value::Null,
                    std::mem::take(&mut puts),
                )
                .unwrap();
        }
    }
    store
        .commit(
            &li,
            Utc::now(),
            "incident.import",
            "bench",
            serde_json::Value::Null,
            puts,
        )
        .unwrap();

    // 365 daily records with their figures.
    let mut puts = Vec::new();
    let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for (n, day) in first.iter_days().take(365).enumerate() {
        let figures = DailyFigures {
            computed_at: Some(local(2026, 1, 1, 20) + Duration::days(n as i64)),
            complete: false,
            subsystems: SUBSYSTEMS
                .iter()
                .map(|s| SubsystemDay {
                    id: s.to_string(),
                    name: s.to_string(),
                    count: 2880,
                    fails: 1,
                    availability: Some(2879.0 / 2880.0),
                    p95_ms: Some(500),
                    max_ms: Some(490),
                })
                .collect(),
            hosts: Some(vec![HostPeak {
                name: "app-01".into(),
                cpu_pct: Some(71.0),
                mem_pct: Some(64.0),
                disk_pct: Some(58.0),
                disk_mount: Some("/".into()),
                samples: 2880,
                unreachable: 0,
            }]),
            opened: vec!["2026-0001".into()],
            acknowledged: vec!["2026-0001".into()],
            resolved: vec![],
            deadlines_missed: vec![],
            backups: Some(vec![BackupCheck {
                check_id: "digital/file-3".into(),
                target: "/backup/db/*.sql.gz".into(),
                ok: Some(n % 9 != 0),
                detail: "newest 2026-…sql.gz, 812 MB".into(),
                at: None,
            }]),
        };
        let record = DailyRecord {
            date: day,
            anomaly_checked: n % 11 != 0,
            anomaly_note: None,
            archive_done: n % 6 != 0,
            notes: Some("巡检正常".into()),
            figures,
            saved_at: local(2026, 1, 1, 20) + Duration::days(n as i64),
            saved_by: li.clone(),
            revision: 1,
            audit_head: None,
        };
        puts.push(Put::json(TreeName::Daily, DailyRecord::key(day), &record).unwrap());
    }
    store
        .commit(
            &li,
            Utc::now(),
            "daily.import",
            "bench",
            serde_json::Value::Null,
            puts,
        )
        .unwrap();
    drop(store);
    std::fs::write(dir.join("complete"), b"").unwrap();
    eprintln!(
        "fixture built in {:.1} s at {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    dir
}

/// The process's peak resident memory (VmHWM): unlike getrusage's maxrss it starts afresh at exec, so the
/// measuring process does not inherit the fixture builder's figure.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
        .unwrap_or(f64::NAN)
}

fn bench(c: &mut Criterion) {
    if !fixture_ready() {
        fixture();
        // Measure in a fresh process, so the figures do not include building the fixture.
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(std::env::args().skip(1))
            .status()
            .unwrap();
        std::process::exit(status.code().unwrap_or(1));
    }
    let dir = fixture();
    let started = Instant::now();
    let store = Store::open(&dir).unwrap();
    println!(
        "store opened in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let config = config();
    let q4 = Quarter { year: 2026, q: 4 };
    let after = local(2027, 1, 4, 10);
    let during = local(2026, 12, 15, 10);
    let li = Actor::named("li");

    // What a period's availability costs from minute rollups alone (a store no engine has summed yet).
    let started = Instant::now();
    for sub in SUBSYSTEMS {
        history::stats(&store, sub, q4.start(Shanghai), q4.end(Shanghai)).unwrap();
    }
    println!(
        "availability of 5 subsystems over 2026Q4 from minute rollups only: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    // One run, measured by hand: wall time and the heap it needs on top of the open store.
    let base = CURRENT.load(Ordering::Relaxed);
    let rss_before = peak_rss_mib();
    PEAK.store(base, Ordering::Relaxed);
    let started = Instant::now();
    let report = quarterly::build(&store, &config, q4, after, &li).unwrap();
    let md = quarterly::markdown(&report);
    let json = quarterly::json(&report);
    let csv = quarterly::csv(&report);
    let elapsed = started.elapsed();
    let peak_heap = PEAK.load(Ordering::Relaxed) - base;
    println!(
        "quarterly 2026Q4, one run: {:.0} ms; {} incidents; md {} KiB, json {} KiB, csv {} KiB; \
         peak heap {:.1} MiB; process peak RSS {:.1} MiB (before the report {:.1} MiB)",
        elapsed.as_secs_f64() * 1000.0,
        report.incidents.len(),
        md.len() / 1024,
        json.len() / 1024,
        csv.len() / 1024,
        peak_heap as f64 / (1024.0 * 1024.0),
        peak_rss_mib(),
        rss_before
    );

    let mut group = c.benchmark_group("quarterly");
    group.sample_size(10);
    group.bench_function("build 2026Q4 (one year in store)", |b| {
        b.iter(|| quarterly::build(&store, &config, q4, after, &li).unwrap())
    });
    group.bench_function("render md + json + csv", |b| {
        b.iter(|| {
            (
                quarterly::markdown(&report).len(),
                quarterly::json(&report).len(),
                quarterly::csv(&report).len(),
            )
        })
    });
    group.bench_function("live score mid-quarter (engine cache refresh)", |b| {
        b.iter(|| score::load(&store, &config.policy, q4, during).unwrap())
    });
    group.finish();
    println!("process peak RSS after the runs: {:.1} MiB", peak_rss_mib());
}

criterion_group!(benches, bench);
criterion_main!(benches);
