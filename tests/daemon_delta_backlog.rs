//! A client that cannot keep up with the daemon's deltas is given a full snapshot again rather than a stale
//! chain, and the versions it missed are not replayed.

#[path = "daemon_delta_support/platform.rs"]
mod platform;

use std::sync::Arc;
use std::time::Duration;

use platform::{as_received, decode, spawn, t0};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::watch;
use watchdesk::clock::ManualClock;
use watchdesk::daemon::access::Role;
use watchdesk::daemon::hub::{BACKLOG, Hub, SNAPSHOT_GAP};
use watchdesk::daemon::server::{Peer, connection};
use watchdesk::daemon::wire::{Message, Request};
use watchdesk::engine::Snapshot;

/// A snapshot whose engine error carries `n` and a padding of `size` bytes.
fn numbered(base: &Snapshot, n: usize, size: usize) -> Arc<Snapshot> {
    let mut s = base.clone();
    s.engine_error = Some(format!("{n:05} {}", "x".repeat(size)));
    Arc::new(s)
}

#[tokio::test(start_paused = true)]
async fn a_client_that_falls_behind_is_sent_a_full_snapshot_again() {
    let dir = tempfile::tempdir().unwrap();
    let engine = spawn(dir.path(), &ManualClock::new(t0()));
    let base = (*engine.snapshot()).clone();
    let (publish, snapshots) = watch::channel(numbered(&base, 0, 100));
    let (hub, _publisher) = Hub::start(snapshots);
    // Small pipes: the daemon's writes stall as soon as the client stops reading.
    let (mut to_daemon, daemon_reads) = tokio::io::duplex(4096);
    let (daemon_writes, from_daemon) = tokio::io::duplex(2048);
    let peer = Peer {
        uid: 0,
        role: Some(Role::Operator),
    };
    tokio::spawn(connection(engine.clone(), hub, peer, daemon_reads, daemon_writes));
    let mut lines = BufReader::new(from_daemon).lines();
    let welcome = lines.next_line().await.unwrap().expect("a welcome");
    assert!(matches!(decode(welcome.as_bytes()), Message::Welcome { .. }));
    let mut subscribe = serde_json::to_vec(&Request::Subscribe).unwrap();
    subscribe.push(b'\n');
    to_daemon.write_all(&subscribe).await.unwrap();

    // The client reads nothing while the engine publishes far more versions than the backlog holds.
    let versions = 3 * BACKLOG;
    for n in 1..=versions {
        publish.send(numbered(&base, n, 600)).unwrap();
        tokio::time::sleep(SNAPSHOT_GAP * 2).await;
    }
    let last = numbered(&base, versions, 600);

    let mut copy: Option<(u64, Snapshot)> = None;
    let (mut fulls, mut deltas) = (0, 0);
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            match decode(line.as_bytes()) {
                Message::Snapshot { version, snapshot } => {
                    fulls += 1;
                    copy = Some((version, *snapshot));
                }
                Message::Delta { from, to, delta } => {
                    deltas += 1;
                    let (version, snapshot) = copy.as_mut().expect("a full snapshot comes first");
                    assert_eq!(
                        from, *version,
                        "deltas follow the client's version, never a stale chain"
                    );
                    delta.apply(snapshot).expect("the delta fits");
                    *version = to;
                }
                other => panic!("unexpected {other:?}"),
            }
            if copy
                .as_ref()
                .is_some_and(|(_, s)| as_received(s) == as_received(&last))
            {
                return;
            }
        }
        panic!("the daemon hung up");
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the client catches up with the last version");
    assert!(
        fulls >= 2,
        "behind by more than {BACKLOG} deltas, the client is sent a full snapshot again ({fulls} full, {deltas} deltas)"
    );
    assert!(
        deltas + fulls < versions,
        "the versions it missed are not replayed ({fulls} full, {deltas} deltas for {versions} versions)"
    );
    engine.shutdown().await;
}
