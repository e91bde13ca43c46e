//! The scheduler under paused tokio time: first runs spread over the interval, then one run per interval,
//! a hung check never delays the others, concurrency is bounded, and stop ends everything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::time::Instant;
use watchdesk::config::{Check, CheckSpec};
use watchdesk::policy::Severity;
use watchdesk::probe::scheduler::{self, Options};
use watchdesk::probe::{Outcome, ProbeResult};

fn check(name: &str, interval_s: u64) -> Check {
    Check {
        id: format!("digital/{name}"),
        name: name.to_string(),
        interval: Duration::from_secs(interval_s),
        timeout: Duration::from_secs(5),
        severity: Severity::Critical,
        spec: CheckSpec::Tcp {
            address: format!("{name}.invalid:80"),
        },
    }
}

type Starts = Arc<Mutex<HashMap<String, Vec<Duration>>>>;

/// A probe that records when it started; checks named `hang*` take their whole timeout.
fn recording_runner(
    origin: Instant,
    starts: Starts,
) -> impl Fn(Arc<Check>) -> std::pin::Pin<Box<dyn Future<Output = ProbeResult> + Send>> + Clone + Send + Sync
{
    move |check: Arc<Check>| {
        let starts = Arc::clone(&starts);
        Box::pin(async move {
            let started = Instant::now();
            starts
                .lock()
                .unwrap()
                .entry(check.name.clone())
                .or_default()
                .push(started - origin);
            if check.name.starts_with("hang") {
                tokio::time::sleep(check.timeout).await;
            }
            ProbeResult {
                check_id: check.id.clone(),
                subsystem: "wrong".into(),
                started_at: Utc::now(),
                latency: started.elapsed(),
                outcome: Outcome::Up { detail: "ok".into() },
            }
        })
    }
}

#[tokio::test(start_paused = true)]
async fn checks_run_on_their_interval_and_a_hung_one_delays_nobody() {
    let origin = Instant::now();
    let starts: Starts = Arc::default();
    let checks = vec![
        ("digital".to_string(), check("a", 10)),
        ("digital".to_string(), check("b", 30)),
        ("sysadmin".to_string(), check("hang", 2)),
    ];
    let (tx, mut rx) = mpsc::channel(64);
    let (lag_tx, mut lag_rx) = mpsc::unbounded_channel();
    let mut options = Options::new(2);
    options.lag = Some(lag_tx);
    options.seed = Some(7);
    let sched = scheduler::spawn_with(checks, tx, options, recording_runner(origin, Arc::clone(&starts)));

    let mut received = Vec::new();
    let until = origin + Duration::from_secs(95);
    while let Ok(Some(result)) = tokio::time::timeout_at(until, rx.recv()).await {
        received.push(result);
    }
    sched.stop().await;

    let starts = starts.lock().unwrap().clone();
    for (name, every, runs) in [("a", 10, 9..=10), ("b", 30, 3..=4)] {
        let times = &starts[name];
        assert!(runs.contains(&times.len()), "{name}: {times:?}");
        assert!(
            times[0] < Duration::from_secs(every),
            "first run within the interval: {times:?}"
        );
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_secs(every), "{name}: {times:?}");
        }
    }
    // The hung check outlasts its 2 s interval: it skips the runs it missed (no catch-up burst) and keeps
    // to its grid, every 6 s.
    let hang = &starts["hang"];
    assert!(hang.len() >= 15, "{hang:?}");
    for pair in hang.windows(2) {
        assert_eq!(pair[1] - pair[0], Duration::from_secs(6), "{hang:?}");
    }
    // Results carry the subsystem the scheduler was given.
    assert!(
        received
            .iter()
            .any(|r| r.subsystem == "sysadmin" && r.check_id == "digital/hang")
    );
    assert!(received.iter().all(|r| r.subsystem != "wrong"));
    // With two permits and one hung check, nobody waited: every start is on time to the timer's millisecond.
    let lags: Vec<Duration> = std::iter::from_fn(|| lag_rx.try_recv().ok()).collect();
    assert_eq!(lags.len(), starts.values().map(Vec::len).sum::<usize>());
    assert!(lags.iter().all(|lag| *lag < Duration::from_millis(2)), "{lags:?}");
}

#[tokio::test(start_paused = true)]
async fn first_runs_are_spread_over_the_interval() {
    let origin = Instant::now();
    let starts: Starts = Arc::default();
    let checks: Vec<_> = (0..200)
        .map(|n| ("digital".to_string(), check(&format!("c{n}"), 60)))
        .collect();
    let (tx, mut rx) = mpsc::channel(512);
    let mut options = Options::new(500);
    options.seed = Some(1);
    let sched = scheduler::spawn_with(checks, tx, options, recording_runner(origin, Arc::clone(&starts)));
    for _ in 0..200 {
        rx.recv().await.unwrap();
    }
    sched.stop().await;
    let firsts: Vec<u64> = starts.lock().unwrap().values().map(|t| t[0].as_secs()).collect();
    assert_eq!(firsts.len(), 200);
    // Every 10-second slice of the minute gets some of the first runs.
    for slice in 0..6 {
        let n = firsts.iter().filter(|s| **s / 10 == slice).count();
        assert!(n >= 15, "slice {slice} has {n} of 200: {firsts:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn concurrency_is_bounded_and_waiting_shows_as_lag() {
    let origin = Instant::now();
    let starts: Starts = Arc::default();
    let checks: Vec<_> = (0..3)
        .map(|n| ("digital".to_string(), check(&format!("hang{n}"), 1)))
        .collect();
    let (tx, mut rx) = mpsc::channel(16);
    let (lag_tx, mut lag_rx) = mpsc::unbounded_channel();
    let mut options = Options::new(1);
    options.lag = Some(lag_tx);
    let sched = scheduler::spawn_with(checks, tx, options, recording_runner(origin, Arc::clone(&starts)));
    for _ in 0..3 {
        rx.recv().await.unwrap();
    }
    sched.stop().await;
    // One permit, 5 s probes: the three first runs are serialised.
    let mut firsts: Vec<Duration> = starts.lock().unwrap().values().map(|t| t[0]).collect();
    firsts.sort();
    assert!(firsts[1] - firsts[0] >= Duration::from_secs(5), "{firsts:?}");
    assert!(firsts[2] - firsts[1] >= Duration::from_secs(5), "{firsts:?}");
    let worst = std::iter::from_fn(|| lag_rx.try_recv().ok()).max().unwrap();
    assert!(worst >= Duration::from_secs(9), "{worst:?}");
}

#[tokio::test(start_paused = true)]
async fn the_loops_end_when_the_receiver_is_dropped() {
    let starts: Starts = Arc::default();
    let (tx, rx) = mpsc::channel(1);
    let sched = scheduler::spawn_with(
        vec![("digital".to_string(), check("a", 1))],
        tx,
        Options::new(4),
        recording_runner(Instant::now(), starts),
    );
    drop(rx);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(sched.is_finished());
}
