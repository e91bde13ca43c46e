//! Engine commands end to end (validate, write incident + audit event in one transaction, sled flush, fdatasync,
//! publish a snapshot) beside raw sled insert + flush on the same disk; two of each per iteration. Prints the
//! medians and their ratios.
//!
//! cargo bench --bench store

use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, criterion_group};
use watchdesk::clock::SystemClock;
use watchdesk::config::Config;
use watchdesk::engine::{self, Command, Mode, Reply};
use watchdesk::model::{Actor, NewIncident, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

fn new_incident() -> NewIncident {
    NewIncident {
        kind: Kind::Fault,
        severity: Severity::Major,
        title: "综合展示子系统响应缓慢".into(),
        subsystem: None,
        detected_at: None,
        source: None,
        host: None,
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir_in(bench_dir()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = Store::open(&dir.path().join("engine")).unwrap();
    let engine = rt
        .block_on(async { engine::spawn(store, Config::empty(), Arc::new(SystemClock), Mode::Embedded) })
        .unwrap();
    let actor = Actor::named("bench");
    // Two commands per iteration (open, then resolve) so the set of open incidents stays small, as it is live.
    c.bench_function("engine_command", |b| {
        b.to_async(&rt).iter(|| async {
            let Reply::Incident(opened) = engine
                .execute(actor.clone(), Command::OpenIncident(new_incident()))
                .await
                .unwrap()
            else {
                unreachable!("open answers with the incident")
            };
            let resolution = Resolution {
                cause: "磁盘空间不足".into(),
                process: "清理日志并扩容".into(),
                solution: None,
            };
            engine
                .execute(
                    actor.clone(),
                    Command::Resolve {
                        id: opened.id,
                        at: None,
                        resolution,
                    },
                )
                .await
                .unwrap();
        })
    });
    rt.block_on(engine.shutdown());

    let raw = sled::Config::new()
        .path(dir.path().join("raw"))
        .cache_capacity(16 << 20)
        .open()
        .unwrap();
    let tree = raw.open_tree("t").unwrap();
    let value = vec![b'x'; 900];
    let mut n = 0u64;
    c.bench_function("sled_insert_flush", |b| {
        b.iter(|| {
            for _ in 0..2 {
                n += 1;
                tree.insert(n.to_be_bytes(), value.as_slice()).unwrap();
                raw.flush().unwrap();
            }
        })
    });
    // The same, plus the fdatasync of sled's data file that the store adds for power-cut safety.
    let db_file = std::fs::File::open(dir.path().join("raw").join("db")).unwrap();
    c.bench_function("sled_insert_flush_fsync", |b| {
        b.iter(|| {
            for _ in 0..2 {
                n += 1;
                tree.insert(n.to_be_bytes(), value.as_slice()).unwrap();
                raw.flush().unwrap();
                db_file.sync_data().unwrap();
            }
        })
    });
}

/// Benchmarks write to the project's disk, not a RAM-backed /tmp, so the fsync is real.
fn bench_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-tmp");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn estimate_ns(name: &str) -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let text =
        std::fs::read_to_string(target.join("criterion").join(name).join("new/estimates.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(200).measurement_time(std::time::Duration::from_secs(8));
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if let (Some(engine), Some(raw), Some(synced)) = (
        estimate_ns("engine_command"),
        estimate_ns("sled_insert_flush"),
        estimate_ns("sled_insert_flush_fsync"),
    ) {
        println!(
            "median of 2 writes: engine open+resolve {:.3} ms, raw sled insert+flush {:.3} ms (ratio {:.2}x), \
             raw sled insert+flush+fdatasync {:.3} ms (ratio {:.2}x)",
            engine / 1e6,
            raw / 1e6,
            engine / raw,
            synced / 1e6,
            engine / synced
        );
    }
}
