//! Snapshots as deltas when time passes: a deadline passing sends what it changed (the score's rows and the
//! fault that became late), however many incidents are open. The random walk over every input is in
//! `daemon_delta_walk.rs`, a client that falls behind in `daemon_delta_backlog.rs`; the platform, the engine
//! and the snapshot as a client reads it are in `daemon_delta_support/`.

#[path = "daemon_delta_support/platform.rs"]
mod platform;

use std::sync::Arc;
use std::time::Duration;

use platform::{as_received, spawn, t0};
use watchdesk::clock::ManualClock;
use watchdesk::daemon::wire::{Outgoing, encode};
use watchdesk::engine::delta::{ScoreDelta, SnapshotDelta};
use watchdesk::engine::{Command, Snapshot};
use watchdesk::model::{Actor, NewIncident};
use watchdesk::policy::{Kind, Severity};
use watchdesk::report::score::ScoreItem;

/// With `n` open major faults detected 90 minutes apart, oldest first (all but the newest already late on their
/// response), the clock passes one deadline: the newest one's response. Returns the delta the daemon would publish, its
/// line, and the full snapshot's line.
async fn one_deadline_passes(n: i64) -> (SnapshotDelta, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = spawn(dir.path(), &clock);
    for i in (0..n).rev() {
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: format!("检测报告上传失败 #{i}"),
            subsystem: Some("digital".into()),
            detected_at: Some(t0() - chrono::Duration::minutes(90 * i)),
            source: None,
            host: None,
        };
        let actor = Actor::named("值班员");
        engine.execute(actor, Command::OpenIncident(new)).await.unwrap();
    }
    let late = |count: i64| {
        move |s: &Arc<Snapshot>| s.score.as_ref().is_some_and(|sc| sc.faults_count as i64 == count)
    };
    let mut snapshots = engine.subscribe();
    // Past the score's least refresh interval, so the opened incidents are counted.
    clock.advance(chrono::Duration::seconds(5));
    let before = tokio::time::timeout(Duration::from_secs(60), snapshots.wait_for(late(n - 1)))
        .await
        .expect("the score counts the late faults")
        .unwrap()
        .clone();
    clock.advance(chrono::Duration::minutes(20));
    let after = tokio::time::timeout(Duration::from_secs(60), snapshots.wait_for(late(n)))
        .await
        .expect("the score counts the fault that just became late")
        .unwrap()
        .clone();
    let delta = SnapshotDelta::between(&before, &after);
    let line = encode(&Outgoing::Delta {
        from: 1,
        to: 2,
        delta: &delta,
    });
    let full = encode(&Outgoing::Snapshot {
        version: 2,
        snapshot: &after,
    });
    let mut copy = before.as_ref().clone();
    delta.clone().apply(&mut copy).expect("the delta fits");
    assert_eq!(as_received(&copy), as_received(&after));
    engine.shutdown().await;
    (delta, line.len(), full.len())
}

#[tokio::test(start_paused = true)]
async fn a_passing_deadline_sends_what_it_changed_however_many_are_open() {
    let (few, few_bytes, _) = one_deadline_passes(10).await;
    let (many, many_bytes, full) = one_deadline_passes(200).await;
    for delta in [&few, &many] {
        assert!(
            delta.open_incidents.is_empty(),
            "time passing changes no stored incident: {:?}",
            delta.open_incidents
        );
        let Some(ScoreDelta::Parts(parts)) = &delta.score else {
            panic!("the score changes field by field: {:?}", delta.score);
        };
        assert!(
            parts.lines.upsert.len() < ScoreItem::ALL.len() && parts.lines.moved.is_none(),
            "only the rows that changed travel: {:?}",
            parts.lines
        );
        assert_eq!(parts.faults.upsert.len(), 1, "the fault that became late, alone");
    }
    assert!(
        many_bytes < 2 * few_bytes,
        "the delta with 200 open ({many_bytes} bytes) is about the size of the one with 10 ({few_bytes} bytes)"
    );
    assert!(
        many_bytes * 50 < full,
        "the delta ({many_bytes} bytes) is a small part of the full snapshot ({full} bytes)"
    );
}
