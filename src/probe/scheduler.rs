//! Runs every check on its own interval. Each check has its own loop, so a hung endpoint only ever holds up
//! itself (and only for its timeout); a semaphore bounds how many probes run at once; the first runs are
//! spread over each interval so that a thousand checks do not all fire in the same millisecond.
//!
//! Built on tokio time, so tests drive it with `tokio::time::pause()`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use super::{ProbeResult, run};
use crate::config::Check;

/// How the scheduler runs; `Options::new(max_concurrent)` for the defaults.
#[derive(Debug, Clone)]
pub struct Options {
    /// Probes running at the same time, at least 1.
    pub max_concurrent: usize,
    /// Receives, for every probe, how late it started after its due time (waiting for a permit included).
    /// For benchmarks and diagnostics; `None` costs nothing.
    pub lag: Option<mpsc::UnboundedSender<Duration>>,
    /// Seed of the first-run spread, for repeatable tests; `None` draws one.
    pub seed: Option<u64>,
}

impl Options {
    pub fn new(max_concurrent: usize) -> Options {
        Options {
            max_concurrent,
            lag: None,
            seed: None,
        }
    }
}

/// The running scheduler. `stop` ends it and waits; dropping it ends it too, without waiting.
#[derive(Debug)]
pub struct Scheduler {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Scheduler {
    /// Stops every check loop (a probe in flight is abandoned) and waits until they are gone.
    pub async fn stop(self) {
        // The task may already have ended because the receiver was dropped; nothing to stop then.
        let _ = self.stop.send(());
        let _ = self.task.await;
    }

    /// True once every loop has ended (e.g. because the result receiver was dropped).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

/// Schedules real probes: each `(subsystem id, check)` runs every `check.interval`, results go to `tx`.
/// The loops end when `tx`'s receiver is dropped or on `Scheduler::stop`.
pub fn spawn(
    checks: Vec<(String, Check)>,
    tx: mpsc::Sender<ProbeResult>,
    max_concurrent: usize,
) -> Scheduler {
    spawn_with(
        checks,
        tx,
        Options::new(max_concurrent),
        |check: Arc<Check>| async move { run(&check).await },
    )
}

/// `spawn` with options and the function that runs one probe (tests and benchmarks swap it). The runner
/// must return within the check's timeout, as `probe::run` does.
pub fn spawn_with<F, Fut>(
    checks: Vec<(String, Check)>,
    tx: mpsc::Sender<ProbeResult>,
    options: Options,
    runner: F,
) -> Scheduler
where
    F: Fn(Arc<Check>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ProbeResult> + Send + 'static,
{
    let (stop, stopped) = oneshot::channel();
    let permits = Arc::new(Semaphore::new(options.max_concurrent.max(1)));
    let mut rng = options
        .seed
        .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
    let now = Instant::now();
    let mut loops = JoinSet::new();
    for (subsystem, check) in checks {
        let first = now + check.interval.mul_f64(rng.f64());
        let every = CheckLoop {
            subsystem,
            check: Arc::new(check),
            tx: tx.clone(),
            permits: Arc::clone(&permits),
            lag: options.lag.clone(),
        };
        loops.spawn(every.run(first, runner.clone()));
    }
    drop(tx);
    let task = tokio::spawn(async move {
        tokio::select! {
            _ = stopped => loops.abort_all(),
            _ = async { while loops.join_next().await.is_some() {} } => {}
        }
        while loops.join_next().await.is_some() {}
    });
    Scheduler { stop, task }
}

struct CheckLoop {
    subsystem: String,
    check: Arc<Check>,
    tx: mpsc::Sender<ProbeResult>,
    permits: Arc<Semaphore>,
    lag: Option<mpsc::UnboundedSender<Duration>>,
}

impl CheckLoop {
    async fn run<F, Fut>(self, first: Instant, runner: F)
    where
        F: Fn(Arc<Check>) -> Fut,
        Fut: Future<Output = ProbeResult>,
    {
        let every = self.check.interval.max(Duration::from_millis(1));
        let mut due = first;
        loop {
            tokio::time::sleep_until(due).await;
            let Ok(permit) = Arc::clone(&self.permits).acquire_owned().await else {
                return;
            };
            if let Some(lag) = &self.lag {
                let _ = lag.send(Instant::now().saturating_duration_since(due));
            }
            let mut result = runner(Arc::clone(&self.check)).await;
            drop(permit);
            result.subsystem.clone_from(&self.subsystem);
            if self.tx.send(result).await.is_err() {
                return;
            }
            due = next_due(due, every, Instant::now());
        }
    }
}

/// The next point of the check's grid (`first + k * every`) after `due` that is not yet past: a probe that
/// outlasted its interval skips the runs it missed instead of firing them in a burst.
fn next_due(due: Instant, every: Duration, now: Instant) -> Instant {
    let next = due + every;
    if next >= now {
        return next;
    }
    let behind = (now - next).as_nanos();
    let skipped = behind.div_ceil(every.as_nanos());
    next + every.saturating_mul(u32::try_from(skipped).unwrap_or(u32::MAX))
}

/// Every check once, concurrently (at most `max_concurrent` at a time), results in the order given: for
/// `watchdesk check`.
pub async fn run_all(checks: &[(String, Check)], max_concurrent: usize) -> Vec<ProbeResult> {
    futures::stream::iter(checks)
        .map(|(subsystem, check)| async move {
            let mut result = run(check).await;
            result.subsystem.clone_from(subsystem);
            result
        })
        .buffered(max_concurrent.max(1))
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overrun_skips_to_the_next_grid_point() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        assert_eq!(next_due(t0, s(10), t0 + s(1)), t0 + s(10));
        assert_eq!(next_due(t0, s(10), t0 + s(10)), t0 + s(10));
        assert_eq!(next_due(t0, s(10), t0 + s(11)), t0 + s(20));
        assert_eq!(next_due(t0, s(2), t0 + s(5)), t0 + s(6));
    }
}
