//! Peak resident memory of the commands that read a whole store, on a fresh store and on stores holding a big
//! year (25,000 and 100,000 incidents detected this year, by default): `report quarterly` of this quarter (as
//! Markdown, as a web page and as a Word document), `audit verify`, `backup`, `backup verify` and `restore`,
//! each run as a child under GNU time, beside the floor of the same store: `monthly list`, which opens the
//! store and reads nothing. Bounded memory means each stays within a small constant of its floor, whatever
//! the store's size.
//!
//! The same two reports are then asked of a daemon (`watchdesk serve`) over each store: how far the daemon's
//! peak rises while it sends each one, and the peak of the command line receiving it (`support/served_report.rs`).
//!
//! ```text
//! cargo bench --bench big_store_memory
//! BIG_STORE_SIZES=0,25000,100000 BIG_STORE_DIR=/tmp/big-stores cargo bench --bench big_store_memory
//! ```
//!
//! It also times one pass over the incidents through sled's own iterator and through the bounded pass the
//! commands use (`StoreReader::scan`), in this process.
//!
//! `BIG_STORE_DIR` keeps the seeded stores there and reuses them on the next run (seeding 100,000 incidents
//! takes a minute or two); `BIG_STORE_BUILD_ONLY=1` only seeds them. The audit key is `key` in that directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use watchdesk::model::Quarter;
use watchdesk::store::{Store, TreeName};

#[path = "support/big_year.rs"]
mod measures;
use measures::{CONFIG, config, peak_rss_in, report_as, seed};
#[path = "support/served_report.rs"]
mod served;

/// Marks a store whose seeding finished (a store left half-seeded is seeded again from scratch).
const SEEDED: &str = "seeded";

/// The directory of the store of `count` incidents under `root`, seeded unless a finished one is there.
fn store_of(root: &Path, count: u32) -> PathBuf {
    let dir = root.join(format!("incidents-{count}"));
    if dir.join(SEEDED).exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("store dir");
    let started = Instant::now();
    if count > 0 {
        seed(&dir.join("data"), count);
    } else {
        drop(Store::open(&dir.join("data")).expect("fresh store"));
    }
    eprintln!(
        "seeded {count} incidents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    std::fs::write(dir.join("bench.toml"), CONFIG).expect("config");
    std::fs::write(dir.join(SEEDED), count.to_string()).expect("marker");
    dir
}

/// One measured command: what it was, its peak RSS (MiB) and how long it took.
struct Measured {
    what: &'static str,
    mib: f64,
    took: Duration,
}

/// Runs every measured command over the store in `dir`; the first is the floor.
fn measure(dir: &Path, quarter: &str) -> Vec<Measured> {
    let data = dir.join("data");
    let config = dir.join("bench.toml");
    let (report, page, backup, restored) = (
        dir.join("report.md"),
        dir.join("report.html"),
        dir.join("backup.jsonl"),
        dir.join("restored"),
    );
    let _ = std::fs::remove_dir_all(&restored);
    let word = dir.join("report.docx").to_string_lossy().into_owned();
    let (report, page, backup, restored_arg) = (
        report.to_string_lossy(),
        page.to_string_lossy(),
        backup.to_string_lossy(),
        restored.to_string_lossy().into_owned(),
    );
    let runs: [(&'static str, &Path, Vec<&str>); 8] = [
        ("monthly list (floor)", &data, vec!["monthly", "list"]),
        (
            "report quarterly",
            &data,
            vec!["report", "quarterly", "--quarter", quarter, "--out", &report],
        ),
        ("report quarterly html", &data, report_as(quarter, "html", &page)),
        ("report quarterly docx", &data, report_as(quarter, "docx", &word)),
        ("audit verify", &data, vec!["audit", "verify"]),
        ("backup", &data, vec!["backup", "--out", &backup]),
        ("backup verify", &data, vec!["backup", "verify", &backup]),
        ("restore", &restored, vec!["restore", &backup]),
    ];
    let measured = runs
        .into_iter()
        .map(|(what, data, args)| {
            let (mib, took) = peak_rss_in(dir, data, &config, &args);
            Measured { what, mib, took }
        })
        .collect();
    let _ = std::fs::remove_dir_all(restored_arg);
    measured
}

/// Seconds for one pass over the incidents of the store in `dir` through sled's own iterator and through a
/// bounded pass, each on a store just opened (so neither starts with the other's cache).
fn pass_times(dir: &Path) -> (f64, f64) {
    let time = |bounded: bool| {
        let store = Store::open(&dir.join("data")).expect("store");
        let started = Instant::now();
        let count = if bounded {
            store.scan(TreeName::Incidents).count()
        } else {
            store.tree(TreeName::Incidents).iter().count()
        };
        std::hint::black_box(count);
        started.elapsed().as_secs_f64()
    };
    (time(false), time(true))
}

/// The same reports asked of a running daemon: the growth of the daemon's peak while it serves each one and
/// the client's peak, beside the command line's own peak writing it with no daemon (`alone`, this run).
fn served_beside(count: u32, dir: &Path, quarter: &str, alone: &[Measured]) {
    for s in served::measure(dir, quarter) {
        let cli = alone
            .iter()
            .find(|m| m.what == s.what)
            .map_or(f64::NAN, |m| m.mib);
        println!(
            "{count:>7} incidents  {:<22} via daemon: daemon +{:.1} MiB over {:.1} MiB, client {:.1} MiB, \
             {:.2} s; no daemon {cli:.1} MiB (daemon growth {:.2}x of it)",
            s.what,
            s.growth,
            s.before,
            s.client,
            s.took.as_secs_f64(),
            s.growth / cli
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sizes: Vec<u32> = std::env::var("BIG_STORE_SIZES")
        .unwrap_or_else(|_| "0,25000,100000".into())
        .split(',')
        .map(|n| {
            n.trim()
                .parse()
                .expect("BIG_STORE_SIZES: numbers separated by commas")
        })
        .collect();
    let kept = std::env::var_os("BIG_STORE_DIR").map(PathBuf::from);
    let temp = tempfile::tempdir().expect("tempdir");
    let root = kept.as_deref().unwrap_or(temp.path());
    std::fs::create_dir_all(root).expect("store root");
    // SAFETY: set before any other thread of this process exists; the seeding and the children read it.
    unsafe { std::env::set_var("WATCHDESK_AUDIT_KEY", root.join("key")) };
    let dirs: Vec<(u32, PathBuf)> = sizes.iter().map(|&n| (n, store_of(root, n))).collect();
    if std::env::var_os("BIG_STORE_BUILD_ONLY").is_some() {
        return;
    }
    let quarter = Quarter::of_day(config().policy.calendar.local_day(Utc::now())).to_string();
    println!("peak RSS (MiB) and time of each command, and its ratio to the floor of the same store");
    let mut table = Vec::new();
    for (count, dir) in &dirs {
        let measured = measure(dir, &quarter);
        let floor = measured[0].mib;
        for m in &measured {
            println!(
                "{:>7} incidents  {:<22} {:>6.1} MiB {:>7.2} s  {:>5.2}x floor",
                count,
                m.what,
                m.mib,
                m.took.as_secs_f64(),
                m.mib / floor
            );
        }
        let (plain, bounded) = pass_times(dir);
        println!(
            "{count:>7} incidents  one pass over the incidents: sled's iterator {plain:.3} s, bounded {bounded:.3} s \
             ({:.2}x)",
            bounded / plain
        );
        served_beside(*count, dir, &quarter, &measured);
        table.push((*count, measured));
    }
    // Growth with the store: the smallest seeded store against the largest.
    let seeded: Vec<_> = table.iter().filter(|(count, _)| *count > 0).collect();
    if let [(small, first), .., (big, last)] = &seeded[..] {
        for (a, b) in first.iter().zip(last) {
            println!(
                "{:<22} {big} / {small} incidents: {:.2}x ({:.1} / {:.1} MiB)",
                a.what,
                b.mib / a.mib,
                b.mib,
                a.mib
            );
        }
    }
}
