//! Scripted sessions of the whole event loop on a test terminal: keys in, commands to a real engine with a real
//! store, the screen out; and every way the loop ends.

#[path = "tui_support/fixture.rs"]
mod fixture;
#[path = "tui_support/silent_engine.rs"]
mod silent_engine;

use std::io;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use silent_engine::{SilentEngine, silent_engine};
use tokio::sync::watch;
use watchdesk::clock::{ManualClock, SharedClock};
use watchdesk::config::{Config, Lang};
use watchdesk::engine::{self, Mode, Snapshot};
use watchdesk::model::{Actor, State};
use watchdesk::store::Store;
use watchdesk::tui::event_loop::{Exit, Session, session};
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;

fn setup(clock: SharedClock) -> Session {
    Session {
        theme: Theme::builtin_default(),
        i18n: I18n::new(Lang::En),
        actor: Actor::named("zhang.wei"),
        banner: None,
        clock,
        watchdog: None,
        export_dir: std::env::temp_dir(),
        to_terminal: Box::new(|_| Ok(())),
        bell: false,
    }
}

fn send_key(tx: &UnboundedSender<io::Result<Event>>, code: KeyCode, modifiers: KeyModifiers) {
    tx.unbounded_send(Ok(Event::Key(KeyEvent::new(code, modifiers))))
        .unwrap();
}

fn send_text(tx: &UnboundedSender<io::Result<Event>>, text: &str) {
    for c in text.chars() {
        send_key(tx, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

/// Waits (10 s at most) until the engine publishes a snapshot where `what` holds.
async fn wait_for(rx: &mut watch::Receiver<Arc<Snapshot>>, what: impl Fn(&Snapshot) -> bool) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(10), rx.wait_for(|s| what(s))).await,
        Ok(Ok(_))
    )
}

#[tokio::test]
async fn open_and_acknowledge_an_incident_through_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap());
    let config = Config::parse(std::path::Path::new("c.toml"), watchdesk::config::TEMPLATE).unwrap();
    let engine = engine::spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap();
    let mut snapshots = engine.subscribe();
    let (tx, events) = unbounded();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    let driver = async {
        send_key(&tx, KeyCode::Char('n'), KeyModifiers::NONE);
        send_key(&tx, KeyCode::Tab, KeyModifiers::NONE);
        send_key(&tx, KeyCode::Left, KeyModifiers::NONE);
        send_key(&tx, KeyCode::Tab, KeyModifiers::NONE);
        tx.unbounded_send(Ok(Event::Paste("数据库连接失败".into())))
            .unwrap();
        send_key(&tx, KeyCode::Char('s'), KeyModifiers::CONTROL);
        if !wait_for(&mut snapshots, |s| s.open_incidents.len() == 1).await {
            send_key(&tx, KeyCode::Char('q'), KeyModifiers::NONE);
            return;
        }
        send_key(&tx, KeyCode::Char('a'), KeyModifiers::NONE);
        send_text(&tx, "正在排查");
        send_key(&tx, KeyCode::Char('s'), KeyModifiers::CONTROL);
        wait_for(&mut snapshots, |s| {
            s.open_incidents
                .first()
                .is_some_and(|i| i.state() == State::Acknowledged)
        })
        .await;
        send_key(&tx, KeyCode::Char('q'), KeyModifiers::NONE);
    };
    let (exit, ()) = tokio::join!(
        session(
            &mut terminal,
            &engine,
            events,
            std::future::pending(),
            setup(Arc::new(clock))
        ),
        driver
    );
    assert_eq!(exit, Exit::Quit);
    let screen = terminal.backend().to_string();
    assert_eq!(engine.snapshot().open_incidents.len(), 1, "{screen}");
    let incident = engine.snapshot().open_incidents[0].clone();
    assert_eq!(incident.title, "数据库连接失败");
    assert_eq!(incident.severity, watchdesk::policy::Severity::Critical);
    assert_eq!(incident.acknowledged.as_ref().unwrap().actor.user, "zhang.wei");
    engine.shutdown().await;
    // Reopened, the store has both steps: they were durable before the screen said "saved".
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.open_incidents().unwrap()[0].state(), State::Acknowledged);
}

fn fake() -> (watch::Sender<Arc<Snapshot>>, SilentEngine) {
    silent_engine(fixture::snapshot(false))
}

fn clock() -> SharedClock {
    Arc::new(ManualClock::new(fixture::now()))
}

#[tokio::test]
async fn every_way_out_ends_the_loop() {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();

    let (_keep, engine) = fake();
    let (tx, events) = unbounded();
    drop(tx);
    let exit = session(
        &mut terminal,
        &engine,
        events,
        std::future::pending(),
        setup(clock()),
    )
    .await;
    assert_eq!(exit, Exit::InputClosed);

    let (_keep, engine) = fake();
    let (_tx, events) = unbounded::<io::Result<Event>>();
    let exit = session(&mut terminal, &engine, events, async { "SIGHUP" }, setup(clock())).await;
    assert_eq!(exit, Exit::Signal("SIGHUP"));

    let (snapshots, engine) = fake();
    let (_tx, events) = unbounded::<io::Result<Event>>();
    drop(snapshots);
    let exit = session(
        &mut terminal,
        &engine,
        events,
        std::future::pending(),
        setup(clock()),
    )
    .await;
    assert_eq!(exit, Exit::EngineStopped);

    let (_keep, engine) = fake();
    let (tx, events) = unbounded();
    for _ in 0..5 {
        tx.unbounded_send(Err(io::Error::other("EIO"))).unwrap();
    }
    let exit = session(
        &mut terminal,
        &engine,
        events,
        std::future::pending(),
        setup(clock()),
    )
    .await;
    assert_eq!(exit, Exit::InputErrors("EIO".into()));
}

#[tokio::test]
async fn an_engine_error_is_shown_in_the_form_and_a_new_snapshot_is_drawn() {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (snapshots, engine) = fake();
    let (tx, events) = unbounded();
    let driver = async {
        send_key(&tx, KeyCode::Char('N'), KeyModifiers::NONE);
        send_text(&tx, "note");
        send_key(&tx, KeyCode::Char('s'), KeyModifiers::CONTROL);
        // Resize storms and unrelated events cost nothing but a redraw.
        for _ in 0..50 {
            tx.unbounded_send(Ok(Event::Resize(100, 30))).unwrap();
        }
        let mut next = (*fixture::snapshot(true)).clone();
        next.engine_error = Some("write failed".into());
        snapshots.send(Arc::new(next)).unwrap();
        tokio::task::yield_now().await;
        // Let the reply reach the loop before the stream ends.
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(tx);
    };
    let (exit, ()) = tokio::join!(
        session(
            &mut terminal,
            &engine,
            events,
            std::future::pending(),
            setup(clock())
        ),
        driver
    );
    assert_eq!(exit, Exit::InputClosed);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("not saved: the engine has stopped"), "{screen}");
    assert!(screen.contains("! engine: write failed"), "{screen}");
}
