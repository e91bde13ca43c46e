//! Reads every configured host at its interval and sends the samples to the engine.
//!
//! One task per host, so a remote host that hangs until its timeout never delays another host's reading. The
//! local host is read on the blocking pool: sysinfo reads `/proc` and calls `statvfs`, which can stall on a
//! sick filesystem.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, MissedTickBehavior};

use crate::config::{Host, HostSource};
use crate::hosts::local::LocalHost;
use crate::hosts::node_exporter::NodeExporter;
use crate::hosts::{HostReading, HostReason, HostSample};

/// Intervals below this are raised to it: the reading itself takes about this long on a busy host.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// Time between the two readings `sample_once` takes to measure CPU.
pub const ONE_SHOT_GAP: Duration = Duration::from_millis(500);

/// Samples each host at its interval until the receiver is dropped or the handle aborted. The first reading of
/// each host comes at once (with CPU unknown), then one per interval.
pub fn spawn(hosts: Vec<Host>, tx: mpsc::Sender<HostSample>) -> JoinHandle<()> {
    tokio::spawn(async move {
        // Owned by this task: aborting the returned handle drops the set and stops every host task.
        let mut tasks = JoinSet::new();
        for host in hosts {
            tasks.spawn(run_host(host, tx.clone()));
        }
        drop(tx);
        while tasks.join_next().await.is_some() {}
    })
}

async fn run_host(host: Host, tx: mpsc::Sender<HostSample>) {
    let mut reader = Reader::new(&host);
    let mut ticks = tokio::time::interval(host.interval.max(MIN_INTERVAL));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let at = Utc::now();
        let reading = reader.read().await;
        let sample = HostSample {
            host: host.name.clone(),
            at,
            reading,
        };
        if tx.send(sample).await.is_err() {
            return;
        }
    }
}

/// Reads every host once, for `watchdesk check`: two readings `ONE_SHOT_GAP` apart so CPU is known, all hosts at
/// the same time. The result is in the order of `hosts`.
pub async fn sample_once(hosts: &[Host]) -> Vec<HostSample> {
    futures::future::join_all(hosts.iter().map(|host| async move {
        let at = Utc::now();
        let reading = match &host.source {
            HostSource::Local => local_once().await,
            HostSource::NodeExporter { url } => {
                let mut exporter = NodeExporter::new(url.clone(), host.timeout);
                match exporter.scrape().await {
                    HostReading::Gauges(_) => {
                        tokio::time::sleep(ONE_SHOT_GAP).await;
                        exporter.scrape().await
                    }
                    unreachable => unreachable,
                }
            }
        };
        HostSample {
            host: host.name.clone(),
            at,
            reading,
        }
    }))
    .await
}

async fn local_once() -> HostReading {
    let result = tokio::task::spawn_blocking(|| {
        let mut local = LocalHost::with_cpu_every(ONE_SHOT_GAP)?;
        let start = Instant::now();
        local.read_at(start);
        std::thread::sleep(ONE_SHOT_GAP);
        Ok::<_, crate::hosts::local::LocalError>(local.read_at(start + ONE_SHOT_GAP))
    })
    .await;
    match result {
        Ok(Ok(gauges)) => HostReading::Gauges(gauges),
        Ok(Err(e)) => HostReading::Unreachable { reason: e.into() },
        Err(e) => HostReading::Unreachable {
            reason: HostReason::LocalFailed { error: e.to_string() },
        },
    }
}

/// How one host is read, with what it keeps between readings.
enum Reader {
    /// `None` until created, or after a failed reading lost it; created again on the next tick.
    Local(Option<Box<LocalHost>>),
    Remote(NodeExporter),
}

impl Reader {
    fn new(host: &Host) -> Reader {
        match &host.source {
            HostSource::Local => Reader::Local(None),
            HostSource::NodeExporter { url } => Reader::Remote(NodeExporter::new(url.clone(), host.timeout)),
        }
    }

    async fn read(&mut self) -> HostReading {
        match self {
            Reader::Remote(exporter) => exporter.scrape().await,
            Reader::Local(slot) => {
                let mut local = match slot.take() {
                    Some(local) => local,
                    None => match LocalHost::new() {
                        Ok(local) => Box::new(local),
                        Err(e) => {
                            return HostReading::Unreachable { reason: e.into() };
                        }
                    },
                };
                // Taken here, on the runtime, so that paused test time governs the CPU refresh spacing.
                let now = Instant::now();
                match tokio::task::spawn_blocking(move || {
                    let gauges = local.read_at(now);
                    (local, gauges)
                })
                .await
                {
                    Ok((local, gauges)) => {
                        *slot = Some(local);
                        HostReading::Gauges(gauges)
                    }
                    Err(e) => HostReading::Unreachable {
                        reason: HostReason::LocalFailed { error: e.to_string() },
                    },
                }
            }
        }
    }
}
