//! Snapshots as deltas: what a dashboard rebuilds from a full snapshot and the deltas after it is the engine's
//! snapshot, after any sequence of probe results, host samples and commands (a seeded random walk on a real
//! engine with a `ManualClock`, checked at every step and once more through a real daemon socket).

#[path = "daemon_delta_support/platform.rs"]
mod platform;
#[path = "daemon_delta_support/walk.rs"]
mod walk;

use std::sync::Arc;
use std::time::Duration;

use platform::{as_received, config, decode, spawn, t0};
use walk::step;
use watchdesk::clock::ManualClock;
use watchdesk::daemon::wire::{Message, Outgoing, encode};
use watchdesk::engine::delta::{InPlace, ScoreDelta, Series, SnapshotDelta};
use watchdesk::report::score::ScoreItem;

#[tokio::test]
async fn a_client_rebuilds_the_engines_snapshot_from_deltas_after_a_random_walk() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = spawn(dir.path(), &clock);
    let socket = dir.path().join("watchdesk.sock");
    let server = watchdesk::daemon::serve(engine.clone(), &socket).await.unwrap();
    let policy = Arc::new(config().policy.clone());
    let remote = watchdesk::daemon::connect(&socket, policy, config().platform.timezone)
        .await
        .unwrap();

    // The daemon's side, by hand: deltas between the versions it published, some steps run together.
    let mut rng = fastrand::Rng::with_seed(20261130);
    let mut sent = engine.snapshot();
    let Message::Snapshot { mut snapshot, .. } = decode(&encode(&Outgoing::Snapshot {
        version: 1,
        snapshot: &sent,
    })) else {
        panic!("a full snapshot decodes as one");
    };
    let (mut deltas, mut with_order, mut fault_by_fault, mut row_by_row) = (0, 0, 0, 0);
    let mut check_by_check = 0;
    for n in 0..300u64 {
        step(&mut rng, &clock, &engine).await;
        if rng.u8(0..3) == 0 {
            continue;
        }
        let newest = engine.snapshot();
        let delta = SnapshotDelta::between(&sent, &newest);
        with_order += usize::from(delta.open_incidents.moved.is_some());
        if let Some(InPlace::Parts(subsystems)) = &delta.subsystems {
            check_by_check += subsystems
                .iter()
                .filter(|s| matches!(s.checks, Some(InPlace::Parts(_))))
                .filter(|s| matches!(s.sparkline, None | Some(Series::Shift { .. })))
                .count();
        }
        if let Some(ScoreDelta::Parts(parts)) = &delta.score {
            fault_by_fault += usize::from(!parts.faults.is_empty());
            row_by_row +=
                usize::from(!parts.lines.is_empty() && parts.lines.upsert.len() < ScoreItem::ALL.len());
        }
        let Message::Delta { delta, .. } = decode(&encode(&Outgoing::Delta {
            from: n,
            to: n + 1,
            delta: &delta,
        })) else {
            panic!("a delta decodes as one");
        };
        delta.apply(&mut snapshot).expect("the delta fits the copy");
        assert_eq!(
            as_received(&snapshot),
            as_received(&newest),
            "step {n}: the client's copy differs from the engine's snapshot"
        );
        sent = newest;
        deltas += 1;
    }
    let last = engine.snapshot();
    assert!(deltas > 150, "{deltas} deltas checked");
    assert!(
        last.open_incidents.len() + last.recently_resolved.len() > 10,
        "the walk opened and resolved incidents"
    );
    assert!(with_order > 0, "some deltas moved incidents in the list");
    assert!(
        check_by_check > 50,
        "{check_by_check}: probe results sent their checks and the sparkline's new values, not whole subsystems"
    );
    assert!(
        fault_by_fault > 0,
        "some deltas changed the score's faults one by one"
    );
    assert!(
        row_by_row > 0,
        "some deltas changed a few rows of the score's table, not all of it"
    );

    // The same through the socket: the attached client ends with what the engine shows.
    let mut snapshots = remote.subscribe();
    let caught_up = tokio::time::timeout(
        Duration::from_secs(10),
        snapshots.wait_for(|s| as_received(s) == as_received(&engine.snapshot())),
    )
    .await;
    assert!(
        caught_up.is_ok(),
        "the attached client's snapshot matches the engine's within 10 s"
    );
    server.stop().await;
    engine.shutdown().await;
}
