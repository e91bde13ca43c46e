//! A seeded random walk over the engine's inputs: probe results, host samples and incident commands, each
//! waited for until the engine's snapshot shows it.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use watchdesk::clock::{Clock, ManualClock};
use watchdesk::engine::{Command, EngineHandle, Snapshot};
use watchdesk::hosts::{Gauges, HostReading, HostSample};
use watchdesk::model::{Actor, NewIncident, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::probe::{Outcome, Phase, ProbeResult};

/// The checks of [`super::platform::CONFIG`].
pub const CHECKS: [&str; 3] = ["sysadmin/api", "digital/api", "digital/db"];

/// One random step: a probe result, a host sample, or a command on a random incident; the clock moves first.
pub async fn step(rng: &mut fastrand::Rng, clock: &ManualClock, engine: &EngineHandle) {
    clock.advance(chrono::Duration::seconds(rng.i64(1..600)));
    let now = clock.now();
    let actor = Actor::named("值班员");
    let open = engine.snapshot().open_incidents.clone();
    let pick = (!open.is_empty()).then(|| open[rng.usize(..open.len())].id);
    match (rng.u8(0..10), pick) {
        (0..=3, _) => {
            let check = CHECKS[rng.usize(..CHECKS.len())];
            let outcome = match rng.u8(0..3) {
                0 => Outcome::Up {
                    detail: "HTTP 200".into(),
                },
                1 => Outcome::Down {
                    phase: Phase::Status,
                    reason: "HTTP 503, expected 200".into(),
                },
                _ => Outcome::Degraded {
                    reason: "slow: HTTP 200 in 2300 ms, over 1500 ms".into(),
                },
            };
            let result = ProbeResult {
                check_id: check.into(),
                subsystem: check.split('/').next().unwrap().into(),
                started_at: now,
                latency: Duration::from_millis(rng.u64(5..3000)),
                outcome,
            };
            let mut snapshots = engine.subscribe();
            engine.probe_sender().send(result).await.unwrap();
            let taken = |s: &Arc<Snapshot>| {
                s.subsystems
                    .iter()
                    .flat_map(|sub| &sub.checks)
                    .any(|c| c.id == check && c.last.as_ref().is_some_and(|l| l.at == now))
            };
            tokio::time::timeout(Duration::from_secs(10), snapshots.wait_for(taken))
                .await
                .expect("the engine takes the probe result within 10 s")
                .unwrap();
        }
        (4, _) => {
            let gauges = Gauges {
                cpu_pct: Some(rng.f64() * 100.0),
                mem_pct: Some(rng.f64() * 100.0),
                ..Gauges::default()
            };
            let mut snapshots = engine.subscribe();
            engine
                .host_sender()
                .send(HostSample {
                    host: "local".into(),
                    at: now,
                    reading: HostReading::Gauges(gauges),
                })
                .await
                .unwrap();
            tokio::time::timeout(
                Duration::from_secs(10),
                snapshots.wait_for(|s| s.hosts[0].at == Some(now)),
            )
            .await
            .expect("the engine takes the host sample within 10 s")
            .unwrap();
        }
        (5..=6, _) | (_, None) => {
            let new = NewIncident {
                kind: [Kind::Fault, Kind::Change, Kind::Support][rng.usize(..3)],
                severity: Severity::ALL[rng.usize(..3)],
                title: format!("检测报告上传失败 #{}", rng.u32(..10_000)),
                subsystem: Some(["sysadmin", "digital"][rng.usize(..2)].into()),
                detected_at: None,
                source: None,
                host: None,
            };
            engine.execute(actor, Command::OpenIncident(new)).await.unwrap();
        }
        (_, Some(id)) => {
            let command = match rng.u8(0..5) {
                0 => Command::Acknowledge {
                    id,
                    at: None,
                    note: None,
                    due: None,
                },
                1 => Command::Plan {
                    id,
                    at: None,
                    text: "更换网关节点".into(),
                },
                2 => Command::Note {
                    id,
                    at: None,
                    text: "已联系厂商".into(),
                },
                3 => Command::Reclassify {
                    id,
                    at: None,
                    severity: Severity::ALL[rng.usize(..3)],
                    reason: "影响范围变化".into(),
                },
                _ => Command::Resolve {
                    id,
                    at: None,
                    resolution: Resolution {
                        cause: "网关超时".into(),
                        process: "重启网关".into(),
                        solution: None,
                    },
                },
            };
            // A step out of order (planning before acknowledging) is refused: that is data too.
            let _ = engine.execute(actor, command).await;
        }
    }
}
