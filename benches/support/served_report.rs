//! Resident memory of a daemon (`watchdesk serve`) while it sends `report quarterly` to the command line: its
//! peak is reset once it has settled after start-up (`/proc/PID/clear_refs`), the report is asked for, and the
//! growth of its peak is what serving the report cost it. The client's own peak is measured beside it.

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command as Spawn, Stdio};
use std::time::{Duration, Instant};

use super::measures::{over_store, peak_rss_in, report_as};

/// What serving one report cost: the daemon's resident memory before, the growth of its peak, the client's peak.
pub struct Served {
    pub what: &'static str,
    pub before: f64,
    pub growth: f64,
    pub client: f64,
    pub took: Duration,
}

/// Starts `watchdesk serve` over the store in `dir`, asks it for this quarter's report as Markdown and as a web
/// page, and stops it.
pub fn measure(dir: &Path, quarter: &str) -> Vec<Served> {
    let (data, config) = (dir.join("data"), dir.join("bench.toml"));
    let mut daemon = start(dir, &data, &config);
    let pid = daemon.id();
    settle(pid);
    let (report, page) = (dir.join("served.md"), dir.join("served.html"));
    let (report, page) = (report.to_string_lossy(), page.to_string_lossy());
    let asks: [(&'static str, Vec<&str>); 2] = [
        ("report quarterly", report_as(quarter, "md", &report)),
        ("report quarterly html", report_as(quarter, "html", &page)),
    ];
    let served = asks
        .into_iter()
        .map(|(what, args)| {
            // The peak from now on: what the daemon held before plus what the report adds.
            std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset the peak");
            let before = status(pid, "VmRSS:");
            let (client, took) = peak_rss_in(dir, &data, &config, &args);
            let growth = status(pid, "VmHWM:") - before;
            Served {
                what,
                before,
                growth,
                client,
                took,
            }
        })
        .collect();
    // SAFETY: kill(2) on the pid of a child this bench started and has not waited for.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    let _ = daemon.wait();
    served
}

/// The daemon, once its socket answers (two minutes at most).
fn start(dir: &Path, data: &Path, config: &Path) -> Child {
    let mut daemon = over_store(
        &mut Spawn::new(env!("CARGO_BIN_EXE_watchdesk")),
        dir,
        data,
        config,
    )
    .arg("serve")
    .stdout(Stdio::null())
    .spawn()
    .expect("watchdesk serve");
    let socket = watchdesk::daemon::socket_path(data);
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(stream) = UnixStream::connect(&socket) {
            let mut welcome = String::new();
            if BufReader::new(stream)
                .read_line(&mut welcome)
                .is_ok_and(|n| n > 0)
            {
                return daemon;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = daemon.kill();
    let _ = daemon.wait();
    panic!("the daemon did not answer within 2 minutes");
}

/// Waits (two minutes at most) until the daemon's resident memory stays within 1 MiB for a second: its
/// start-up reads are done.
fn settle(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut last = status(pid, "VmRSS:");
    let mut steady = 0;
    while steady < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        let now = status(pid, "VmRSS:");
        steady = if (now - last).abs() < 1.0 { steady + 1 } else { 0 };
        last = now;
    }
}

/// A memory field of `/proc/PID/status`, MiB.
fn status(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
