//! A write is answered, shown and announced only once its sync is done; the engine goes on meanwhile; answers
//! keep the order of their commands; a failed sync fails the commands it covered and is shown.
//!
//! The store is real; its sync waits at a gate the test opens (or fails) one sync at a time.

use std::sync::Mutex;
use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;

use super::*;

/// Each sync the engine starts says so, then waits for the test's word: `Ok` does the real sync, `Err` fails
/// it. A dropped gate lets every later sync through.
struct Gate {
    started: mpsc::UnboundedReceiver<()>,
    release: std_mpsc::Sender<Result<(), StoreError>>,
}

impl Gate {
    /// Waits until the engine has started a sync (the turn that started it is over).
    async fn sync_started(&mut self) {
        within(self.started.recv()).await.expect("a sync started");
    }

    fn open(&self) {
        self.release.send(Ok(())).unwrap();
    }

    fn fail(&self) {
        let source = std::io::Error::other("the disk went away");
        let e = StoreError::Io {
            dir: "/gone".into(),
            source,
        };
        self.release.send(Err(e)).unwrap();
    }
}

fn start_gated() -> (tempfile::TempDir, Gate, EngineHandle) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let syncer = store.syncer();
    let (started_tx, started) = mpsc::unbounded_channel();
    let (release, release_rx) = std_mpsc::channel();
    let release_rx = Mutex::new(release_rx);
    let sync = move || {
        let _ = started_tx.send(());
        let word = release_rx.lock().unwrap().recv();
        match word {
            Ok(Err(e)) => Err(e),
            Ok(Ok(())) | Err(_) => syncer.sync(),
        }
    };
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let mut engine = Engine::new(store, config, Arc::new(clock), Mode::Embedded, false).unwrap();
    engine.durability = crate::engine::durable::Durability::new(Arc::new(sync), dir.path().to_path_buf());
    let handle = crate::engine::start(engine).unwrap();
    (dir, Gate { started, release }, handle)
}

/// A deadline for what must happen soon, so a broken engine fails the test instead of hanging it.
async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(std::time::Duration::from_secs(20), f)
        .await
        .expect("in time")
}

type Answer = tokio::sync::oneshot::Receiver<Result<Reply, EngineError>>;

/// Sends `command` without waiting for its answer.
async fn send(engine: &EngineHandle, command: Command) -> Answer {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let request = Request {
        actor: Actor::named("li"),
        command,
        reply,
        sink: None,
    };
    engine.requests.send(request).await.unwrap();
    answer
}

fn unanswered(answer: &mut Answer) -> bool {
    matches!(
        answer.try_recv(),
        Err(tokio::sync::oneshot::error::TryRecvError::Empty)
    )
}

/// Lets the engine's task run until it has made `n` more turns of kind `what`.
async fn turns_of(engine: &EngineHandle, what: &str, n: u64) {
    let mut seen = 0;
    for _ in 0..10_000 {
        seen += engine
            .take_turns()
            .iter()
            .filter(|t| t.what == what)
            .map(|t| t.count)
            .sum::<u64>();
        if seen >= n {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the engine made {seen} turns of {what}, not {n}");
}

fn open() -> Command {
    Command::OpenIncident(new_fault(Some("digital")))
}

#[tokio::test]
async fn a_write_is_answered_and_shown_only_once_durable_and_the_engine_goes_on_meanwhile() {
    let (dir, mut gate, engine) = start_gated();
    let mut events = engine.events();
    let mut answer = send(&engine, open()).await;
    gate.sync_started().await;
    assert!(unanswered(&mut answer), "answered before it was durable");
    assert!(
        engine.snapshot().open_incidents.is_empty(),
        "shown before it was durable"
    );
    assert!(events.try_recv().is_err(), "announced before it was durable");

    // The engine's loop is not waiting for the disk: a probe result is taken in meanwhile.
    engine
        .probe_sender()
        .send(probe("digital/http-1", Utc::now(), true))
        .await
        .unwrap();
    turns_of(&engine, "probe results", 1).await;
    assert!(unanswered(&mut answer));

    gate.open();
    let opened = incident(within(answer).await.unwrap().unwrap());
    assert_eq!(engine.snapshot().open_incidents.len(), 1, "shown with its answer");
    match events.try_recv() {
        Ok(DomainEvent::Recorded(e)) => assert_eq!(e.action, "incident.open"),
        other => panic!("expected the durable event, got {other:?}"),
    }
    drop(gate);
    engine.shutdown().await;
    let store = Store::open(dir.path()).unwrap();
    assert!(store.incident(opened.id).unwrap().is_some());
}

#[tokio::test]
async fn answers_keep_the_order_of_their_commands_and_writes_that_wait_share_the_next_sync() {
    let (_dir, mut gate, engine) = start_gated();
    let mut first = send(&engine, open()).await;
    gate.sync_started().await;
    // A refused command and two more writes come while the first write's sync runs.
    let missing = crate::model::IncidentId { year: 2026, seq: 99 };
    let note = Command::Note {
        id: missing,
        at: None,
        text: "x".into(),
    };
    let mut refused = send(&engine, note).await;
    let mut second = send(&engine, open()).await;
    let mut third = send(&engine, open()).await;
    turns_of(&engine, "command: open incident", 3).await;
    assert!(unanswered(&mut first) && unanswered(&mut refused));
    assert!(unanswered(&mut second) && unanswered(&mut third));

    gate.open();
    incident(within(&mut first).await.unwrap().unwrap());
    let err = within(&mut refused).await.unwrap().unwrap_err();
    assert!(err.is_bad_input(), "{err}");
    gate.sync_started().await;
    assert!(
        unanswered(&mut second) && unanswered(&mut third),
        "answered before their own sync"
    );
    assert!(
        engine.snapshot().open_incidents.is_empty(),
        "a snapshot shows no write before every write before it is durable"
    );
    gate.open();
    let second = incident(within(second).await.unwrap().unwrap());
    let third = incident(within(third).await.unwrap().unwrap());
    assert_eq!((second.id.seq, third.id.seq), (2, 3));
    assert_eq!(engine.snapshot().open_incidents.len(), 3);
    assert!(
        gate.started.try_recv().is_err(),
        "the second and third writes shared one sync"
    );
    drop(gate);
    engine.shutdown().await;
}

#[tokio::test]
async fn a_failed_sync_fails_the_commands_it_covered_and_is_shown_until_a_write_works() {
    let (_dir, mut gate, engine) = start_gated();
    let answer = send(&engine, open()).await;
    gate.sync_started().await;
    gate.fail();
    let err = within(answer).await.unwrap().unwrap_err();
    assert!(matches!(err, EngineError::Store(_)), "{err:?}");
    assert!(err.to_string().contains("the disk went away"), "{err}");
    let shown = engine.snapshot().engine_error.clone().unwrap_or_default();
    assert!(shown.starts_with("Saving to the store failed"), "{shown}");

    let answer = send(&engine, open()).await;
    gate.sync_started().await;
    gate.open();
    within(answer).await.unwrap().unwrap();
    assert_eq!(engine.snapshot().engine_error, None);
    drop(gate);
    engine.shutdown().await;
}

#[tokio::test]
async fn a_finished_minute_of_history_is_synced_without_holding_the_snapshot() {
    let (_dir, mut gate, engine) = start_gated();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
    let mut snapshots = engine.subscribe();
    for at in [t0, t0 + Duration::seconds(61)] {
        engine
            .probe_sender()
            .send(probe("digital/http-1", at, true))
            .await
            .unwrap();
    }
    // The second probe starts a new minute: the first minute's rollup is written, and a sync starts for it.
    gate.sync_started().await;
    let shown = |s: &Snapshot| {
        s.subsystems.iter().flat_map(|x| &x.checks).any(|c| {
            c.last
                .as_ref()
                .is_some_and(|l| l.at == t0 + Duration::seconds(61))
        })
    };
    within(async {
        while !shown(&snapshots.borrow_and_update()) {
            snapshots.changed().await.unwrap();
        }
    })
    .await;
    // Shown while that sync still waits at the gate: nothing a command did waits for it.
    gate.open();
    drop(gate);
    engine.shutdown().await;
}
