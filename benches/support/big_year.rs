//! The big year's store, and the measures taken of the process and its children. Shared by the benchmarks of
//! a big store; each uses a part.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command as Spawn;
use std::time::Duration;

use chrono::{Datelike, TimeZone, Utc};
use std::time::Instant;
use watchdesk::config::Config;
use watchdesk::model::{Actor, Incident, IncidentId, NewIncident, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::{Change, Put, Store, TreeName};

/// The config the benchmarks watch with: one subsystem, one check.
pub const CONFIG: &str = "[[subsystem]]\nid = \"digital\"\nname = \"水利质量检测数字管理子系统\"\n  \
    [[subsystem.check]]\n  kind = \"tcp\"\n  address = \"127.0.0.1:9\"\n";

pub fn config() -> Config {
    Config::parse(Path::new("bench.toml"), CONFIG).expect("bench config")
}

/// `total` incidents detected from 1 January of this year until now, all resolved; written straight into the
/// store a thousand per transaction, each with its own audit event, as the engine writes an incident (an event
/// holding a thousand incidents' writes would make audit pages of megabytes that no real store has).
pub fn seed(dir: &Path, total: u32) {
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
        let mut changes = Vec::new();
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
            let id = IncidentId { year, seq };
            let mut incident = Incident::open(id, new, actor.clone(), at).expect("open");
            let resolution = Resolution {
                cause: "网络抖动".into(),
                process: "重启服务".into(),
                solution: None,
            };
            incident
                .resolve(&actor, None, at + chrono::Duration::minutes(30), resolution)
                .expect("resolve");
            let mut puts = Store::put_incident(&incident).expect("encode");
            puts.push(Put::Insert {
                tree: TreeName::Meta,
                key: format!("seq/{year}").into_bytes(),
                value: seq.to_be_bytes().to_vec(),
            });
            changes.push(Change {
                action: "incident.seed".into(),
                target: id.to_string(),
                payload: serde_json::json!({ "seq": seq }),
                puts,
            });
        }
        store.commit_all(&actor, now, changes).expect("commit");
    }
}

pub fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes into the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// p50, p99 and max of `samples`, in ms.
pub fn quantiles(mut samples: Vec<Duration>) -> [f64; 3] {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
    };
    [at(0.5), at(0.99), at(1.0)]
}

/// Peak and current resident memory of this process, MiB.
pub fn rss() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// GNU time measures a child it forks itself. A child this (large) process spawns would report at least this
/// process's RSS: Linux carries the peak of the memory a process had before `exec` into its `ru_maxrss`.
const GNU_TIME: &str = "/usr/bin/time";

/// `command` (watchdesk, or a program that runs it) as the bench runs watchdesk: a clean environment with its
/// home in `dir` and the store's audit key, over `config` and the store in `data`.
pub fn over_store<'a>(command: &'a mut Spawn, dir: &Path, data: &Path, config: &Path) -> &'a mut Spawn {
    command
        .env_clear()
        .env("HOME", dir)
        .env("USER", "bench")
        // The key the store was seeded with: without it the child refuses to record the report and stops early.
        .env(
            "WATCHDESK_AUDIT_KEY",
            watchdesk::store::default_key_path().expect("audit key path"),
        )
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
}

/// The arguments of `report quarterly` of `quarter` in `format`, written to `out`.
pub fn report_as<'a>(quarter: &'a str, format: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "report",
        "quarterly",
        "--quarter",
        quarter,
        "--format",
        format,
        "--out",
        out,
    ]
}

/// Peak RSS (MiB) and time of `watchdesk ARGS` run as a child over the store in `dir`.
pub fn peak_rss_of(dir: &Path, config: &Path, args: &[&str]) -> (f64, Duration) {
    peak_rss_in(dir, &dir.join("data"), config, args)
}

/// Peak RSS (MiB) and time of `watchdesk ARGS` run as a child with its home in `dir` over the store in `data`.
pub fn peak_rss_in(dir: &Path, data: &Path, config: &Path, args: &[&str]) -> (f64, Duration) {
    let started = Instant::now();
    let measured = dir.join("maxrss");
    let gnu_time = Path::new(GNU_TIME).exists();
    let mut command = if gnu_time {
        let mut c = Spawn::new(GNU_TIME);
        c.arg("-f").arg("%M").arg("-o").arg(&measured);
        c.arg(env!("CARGO_BIN_EXE_watchdesk"));
        c
    } else {
        Spawn::new(env!("CARGO_BIN_EXE_watchdesk"))
    };
    let mut child = over_store(&mut command, dir, data, config)
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("watchdesk");
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 on our own child; it fills the rusage given.
    let usage = unsafe {
        libc::wait4(child.id() as i32, &mut status, 0, usage.as_mut_ptr());
        usage.assume_init()
    };
    let _ = child.try_wait();
    if status != 0 {
        println!("(watchdesk {} exited with status {status})", args.join(" "));
    }
    let kib = if gnu_time {
        let text = std::fs::read_to_string(&measured).unwrap_or_default();
        text.lines()
            .last()
            .and_then(|l| l.trim().parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    } else {
        println!("({GNU_TIME} not found: this peak includes the bench's own memory)");
        usage.ru_maxrss as f64
    };
    (kib / 1024.0, started.elapsed())
}
