//! Probe load: 1,000 http checks every 10 s against a local server on which some endpoints hang, for 60 s.
//! Prints the CPU used by the probing process (% of one core, from getrusage) and how late probes started
//! after their due time (p50 / p99 / max), the scheduler's own measure.
//!
//! The server runs in a child process (this binary with `--serve`) so its CPU is not counted.
//!
//!     cargo bench --bench probes -- [--seconds 60] [--checks 1000] [--interval 10] [--hang-every 20]
//!                                   [--timeout 5] [--max-concurrent 128] [--workers 2 (0: current thread)] [--fresh-client] [--raw-tcp]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use chrono::Utc;
use tokio::sync::mpsc;
use watchdesk::config::{Check, CheckSpec, HttpCheck};
use watchdesk::policy::Severity;
use watchdesk::probe::scheduler::{self, Options};
use watchdesk::probe::{self, ProbeResult, http};

struct Args {
    seconds: u64,
    checks: usize,
    interval: u64,
    hang_every: usize,
    timeout: u64,
    max_concurrent: usize,
    fresh_client: bool,
    /// Floor: a bare socket exchange in place of the http probe.
    raw_tcp: bool,
    workers: usize,
}

/// (arguments, `--serve`, `--bench`)
fn args() -> (Args, bool, bool) {
    let mut a = Args {
        seconds: 60,
        checks: 1000,
        interval: 10,
        hang_every: 20,
        timeout: 5,
        max_concurrent: 128,
        fresh_client: false,
        raw_tcp: false,
        workers: 2,
    };
    let (mut serve, mut bench) = (false, false);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = || it.next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        match arg.as_str() {
            "--serve" => serve = true,
            "--bench" => bench = true,
            "--fresh-client" => a.fresh_client = true,
            "--raw-tcp" => a.raw_tcp = true,
            "--seconds" => a.seconds = num(),
            "--checks" => a.checks = num() as usize,
            "--interval" => a.interval = num(),
            "--hang-every" => a.hang_every = num() as usize,
            "--timeout" => a.timeout = num(),
            "--max-concurrent" => a.max_concurrent = num() as usize,
            "--workers" => a.workers = num() as usize,
            _ => {}
        }
    }
    (a, serve, bench)
}

fn main() {
    let (args, serve, bench) = args();
    if serve {
        serve_forever();
        return;
    }
    if !bench {
        // `cargo test --all-targets` runs bench targets without `--bench`: not the place for a minute of load.
        println!("probes benchmark: run it with `cargo bench --bench probes`");
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("--serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().to_string();

    // `--workers 0`: a current-thread runtime.
    let mut builder = if args.workers == 0 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(args.workers);
        b
    };
    let runtime = builder.enable_all().build().unwrap();
    runtime.block_on(async {
        client_build_cost();
        measure(&args, &addr).await;
    });
    child.kill().ok();
    child.wait().ok();
}

/// What building a client costs, the reason clients are shared.
fn client_build_cost() {
    let spec = http_spec("http://127.0.0.1:9/".into());
    let started = Instant::now();
    let cpu = cpu_seconds();
    let n = 50;
    for _ in 0..n {
        http::build_client(&spec).unwrap();
    }
    println!(
        "build_client: {:.2} ms wall, {:.2} ms CPU each (mean of {n})",
        started.elapsed().as_secs_f64() * 1000.0 / n as f64,
        (cpu_seconds() - cpu) * 1000.0 / n as f64
    );
}

async fn measure(args: &Args, addr: &str) {
    let checks: Vec<(String, Check)> = (0..args.checks)
        .map(|n| {
            let path = if args.hang_every > 0 && n % args.hang_every == 0 {
                "hang"
            } else {
                "ok"
            };
            let check = Check {
                id: format!("bench/{n}"),
                name: n.to_string(),
                interval: Duration::from_secs(args.interval),
                timeout: Duration::from_secs(args.timeout),
                severity: Severity::Critical,
                spec: CheckSpec::Http(http_spec(format!("http://{addr}/{path}?n={n}"))),
            };
            ("bench".to_string(), check)
        })
        .collect();
    let (tx, mut rx) = mpsc::channel(4096);
    let (lag_tx, mut lag_rx) = mpsc::unbounded_channel();
    let mut options = Options::new(args.max_concurrent);
    options.lag = Some(lag_tx);
    let (fresh, raw) = (args.fresh_client, args.raw_tcp);
    let runner = move |check: Arc<Check>| async move {
        if raw {
            raw_tcp_probe(&check).await
        } else if fresh {
            fresh_client_probe(&check).await
        } else {
            probe::run(&check).await
        }
    };

    let cpu_start = cpu_seconds();
    let wall_start = Instant::now();
    let sched = scheduler::spawn_with(checks, tx, options, runner);
    let (mut up, mut down) = (0u64, 0u64);
    let until = tokio::time::Instant::now() + Duration::from_secs(args.seconds);
    while let Ok(Some(result)) = tokio::time::timeout_at(until, rx.recv()).await {
        if result.outcome.is_failure() {
            down += 1;
        } else {
            up += 1;
        }
    }
    let cpu = cpu_seconds() - cpu_start;
    let wall = wall_start.elapsed().as_secs_f64();
    sched.stop().await;

    let mut lags: Vec<Duration> = std::iter::from_fn(|| lag_rx.try_recv().ok()).collect();
    lags.sort();
    let pct = |p: f64| {
        let rank = ((lags.len() as f64 * p).ceil() as usize).clamp(1, lags.len().max(1));
        lags.get(rank - 1).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{} checks every {} s ({} hanging, timeout {} s, {} permits, {} client) for {:.0} s",
        args.checks,
        args.interval,
        if args.hang_every > 0 {
            args.checks.div_ceil(args.hang_every)
        } else {
            0
        },
        args.timeout,
        args.max_concurrent,
        if raw {
            "no (bare socket)"
        } else if fresh {
            "new"
        } else {
            "shared"
        },
        wall
    );
    println!(
        "results: {up} up, {down} down ({:.1} probes/s)",
        (up + down) as f64 / wall
    );
    println!(
        "cpu: {:.2} % of one core ({cpu:.2} s CPU in {wall:.1} s)",
        cpu / wall * 100.0
    );
    println!(
        "start delay after due time: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} starts)",
        pct(0.50),
        pct(0.99),
        pct(1.0),
        lags.len()
    );
}

async fn fresh_client_probe(check: &Check) -> ProbeResult {
    let started_at = Utc::now();
    let start = Instant::now();
    let CheckSpec::Http(spec) = &check.spec else {
        return probe::run(check).await;
    };
    let outcome = match http::build_client(spec) {
        Ok(client) => http::probe_with(spec, &client, check.timeout).await,
        Err(e) => probe::Outcome::Down {
            phase: probe::Phase::Connect,
            reason: e.to_string().into(),
        },
    };
    ProbeResult {
        check_id: check.id.clone(),
        subsystem: String::new(),
        started_at,
        latency: start.elapsed(),
        outcome,
    }
}

/// The least an http probe can do: connect, send a request, read the answer, close.
async fn raw_tcp_probe(check: &Check) -> ProbeResult {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started_at = Utc::now();
    let start = Instant::now();
    let CheckSpec::Http(spec) = &check.spec else {
        return probe::run(check).await;
    };
    let rest = spec.url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(host).await?;
        let request = format!("GET /{path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let outcome = match tokio::time::timeout(check.timeout, exchange).await {
        Ok(Ok(answer)) if answer.starts_with(b"HTTP/1.1 200") => probe::Outcome::Up {
            detail: "HTTP 200".into(),
        },
        _ => probe::Outcome::Down {
            phase: probe::Phase::Timeout,
            reason: "no answer".into(),
        },
    };
    ProbeResult {
        check_id: check.id.clone(),
        subsystem: String::new(),
        started_at,
        latency: start.elapsed(),
        outcome,
    }
}

fn http_spec(url: String) -> HttpCheck {
    HttpCheck {
        url,
        method: "GET".into(),
        headers: Vec::new(),
        expect_status: Vec::new(),
        body_contains: Some("ok".into()),
        body_regex: None,
        slow: Some(Duration::from_millis(1500)),
        follow_redirects: 0,
        proxy: None,
    }
}

/// User + system CPU seconds of this process, all threads.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn serve_forever() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let app = Router::new()
            .route("/ok", get(|| async { "status: ok" }))
            .route("/hang", get(std::future::pending::<&'static str>));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap());
        axum::serve(listener, app).await.unwrap();
    });
}
