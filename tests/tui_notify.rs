//! Notification delivery in the dashboard: the header's indicator, the notifications page (`t`) with its
//! request to the engine, its refresh and its screens in both languages, and the terminal bell on a new critical
//! incident, through the whole event loop.

#[path = "tui_support/fixture.rs"]
mod fixture;
#[path = "tui_support/outbox.rs"]
mod outbox;
#[path = "tui_support/screen.rs"]
mod screen;
#[path = "tui_support/silent_engine.rs"]
mod silent_engine;

use std::io;
use std::sync::Arc;

use chrono::Duration;
use futures::channel::mpsc::unbounded;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use screen::draw;
use silent_engine::silent_engine;
use watchdesk::clock::ManualClock;
use watchdesk::config::{Config, Lang};
use watchdesk::engine::{self, Command, DeliveryStatus, Mode, Reply, Snapshot, StoreCommand, StoreReply};
use watchdesk::model::{Actor, Entry, IncidentId};
use watchdesk::policy::Severity;
use watchdesk::store::Store;
use watchdesk::tui::app::{Action, App, Effect, Page, PageContent, UiState, View};
use watchdesk::tui::bell::{BEL, Bell};
use watchdesk::tui::event_loop::{Exit, Session, session};
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;

fn with_delivery(delivery: DeliveryStatus) -> Arc<Snapshot> {
    let mut s = (*fixture::snapshot(false)).clone();
    s.delivery = delivery;
    Arc::new(s)
}

fn app(snapshot: Arc<Snapshot>) -> App {
    App::new(snapshot, UiState::new("zhang.wei"), fixture::now())
}

fn press(app: &mut App, code: KeyCode) -> Option<Effect> {
    let action = app.handle_key(KeyEvent::new(code, KeyModifiers::NONE))?;
    app.update(action)
}

/// The first `n` lines of a drawn screen.
fn top(screen: &str, n: usize) -> String {
    screen.lines().take(n).collect::<Vec<_>>().join("\n")
}

fn outbox_request(effect: Option<Effect>) -> u64 {
    match effect {
        Some(Effect::Execute {
            token,
            command: Command::Store(StoreCommand::Outbox { limit: 200 }),
        }) => token,
        other => panic!("expected the outbox request, got {other:?}"),
    }
}

fn outbox_reply(entries: Vec<Entry>) -> Result<Box<Reply>, String> {
    Ok(Box::new(Reply::Store(Box::new(StoreReply::Outbox(entries)))))
}

#[test]
fn t_opens_the_page_asks_for_the_outbox_and_esc_leaves() {
    let mut app = app(with_delivery(outbox::delivery_failing()));
    let token = outbox_request(press(&mut app, KeyCode::Char('t')));
    assert_eq!(app.ui.view, View::Records(Page::Notifications));
    assert_eq!(app.ui.page, PageContent::Loading);
    // The channels come with the snapshot and show at once; the outbox is being asked for.
    let screen = draw(&app, Lang::En, 120, 40);
    assert!(screen.contains("Notifications"), "{screen}");
    assert!(screen.contains("wecom-ops"), "{screen}");
    assert!(screen.contains("asking the engine"), "{screen}");

    app.update(Action::Reply {
        token,
        result: outbox_reply(outbox::entries()),
    });
    assert_eq!(app.ui.page, PageContent::Outbox(outbox::entries()));
    let screen = draw(&app, Lang::En, 120, 40);
    assert!(screen.contains("Outbox, newest first · 6"), "{screen}");
    assert!(screen.contains("… queued, next 16:02"), "{screen}");
    assert!(screen.contains("attempt 3: smtp: connection refused"), "{screen}");
    assert!(screen.contains("✗ FAILED 15:34"), "{screen}");
    assert!(screen.contains("– not sent"), "{screen}");

    // j/k scroll the page; Esc goes back to the dashboard.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.ui.detail_scroll, 2);
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.ui.detail_scroll, 1);
    assert_eq!(press(&mut app, KeyCode::Esc), None);
    assert_eq!(app.ui.view, View::Dashboard);
}

#[test]
fn the_open_page_is_asked_again_every_30_seconds_and_shows_an_engine_error() {
    let mut app = app(with_delivery(outbox::delivery_ok()));
    let token = outbox_request(press(&mut app, KeyCode::Char('t')));
    app.update(Action::Reply {
        token,
        result: outbox_reply(Vec::new()),
    });
    assert!(draw(&app, Lang::En, 100, 30).contains("nothing in the outbox yet"));
    let asked = fixture::now();
    assert_eq!(app.tick(asked + Duration::seconds(29)), None);
    let again = outbox_request(app.tick(asked + Duration::seconds(30)));
    // While that answer is pending no other request goes out.
    assert_eq!(app.tick(asked + Duration::seconds(75)), None);
    assert_ne!(again, token);
    // An answer that is not for this page (a save's reply) leaves it alone; an error for it is shown.
    app.update(Action::Reply {
        token: 999,
        result: outbox_reply(outbox::entries()),
    });
    assert_eq!(app.ui.page, PageContent::Outbox(Vec::new()));
    app.update(Action::Reply {
        token: again,
        result: Err("the daemon went away".into()),
    });
    assert_eq!(app.ui.page, PageContent::Failed("the daemon went away".into()));
    let screen = draw(&app, Lang::En, 100, 30);
    assert!(
        screen.contains("could not load: the daemon went away"),
        "{screen}"
    );
    assert!(screen.contains("oncall"), "the channels still show: {screen}");
}

#[test]
fn the_page_says_when_nothing_is_sent() {
    let mut app = app(fixture::snapshot(false));
    press(&mut app, KeyCode::Char('t'));
    let screen = draw(&app, Lang::En, 120, 30);
    assert!(
        screen.contains("not sending: no channel is configured"),
        "{screen}"
    );
    assert!(screen.contains("no channel configured"), "{screen}");
}

/// The request crosses to a real engine on a real store and its answer fills the page.
#[tokio::test]
async fn the_outbox_request_is_answered_by_a_real_engine() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let clock = ManualClock::new(fixture::now());
    let config = Config::parse(std::path::Path::new("c.toml"), watchdesk::config::TEMPLATE).unwrap();
    let engine = engine::spawn(store, config, Arc::new(clock), Mode::Embedded).unwrap();
    let mut app = App::new(engine.snapshot(), UiState::new("li"), fixture::now());
    let Some(Effect::Execute { token, command }) = press(&mut app, KeyCode::Char('t')) else {
        panic!("t sends a command")
    };
    let result = engine
        .execute(Actor::named("li"), command)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    app.update(Action::Reply { token, result });
    assert_eq!(app.ui.page, PageContent::Outbox(Vec::new()));
    engine.shutdown().await;
}

#[test]
fn the_page_matches_its_snapshots() {
    let mut app = app(with_delivery(outbox::delivery_failing()));
    let token = outbox_request(press(&mut app, KeyCode::Char('t')));
    app.update(Action::Reply {
        token,
        result: outbox_reply(outbox::entries()),
    });
    for (w, h) in [(80, 24), (160, 48)] {
        for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
            insta::assert_snapshot!(format!("page_notify_{w}x{h}_{tag}"), draw(&app, lang, w, h));
        }
    }
    // Smaller still, nothing panics and the page keeps its title and the way back.
    for (w, h) in [(60, 16), (61, 17)] {
        let screen = draw(&app, Lang::En, w, h);
        assert!(screen.contains("Notifications"), "{screen}");
        assert!(screen.contains("Esc back"), "{screen}");
        draw(&app, Lang::Zh, w, h);
    }
}

#[test]
fn the_header_shows_delivery_beside_the_clock() {
    let plain = draw(&app(fixture::snapshot(false)), Lang::En, 80, 24);
    assert!(!top(&plain, 1).contains("notify"), "nothing when not sending");

    let ok = draw(&app(with_delivery(outbox::delivery_ok())), Lang::En, 80, 24);
    assert!(
        top(&ok, 1).contains("notify ✓ 15:58  2026-11-28 16:00:00 CST"),
        "{ok}"
    );

    let mut queued = outbox::delivery_ok();
    queued.queued = 2;
    let wide = draw(&app(with_delivery(queued.clone())), Lang::En, 160, 48);
    assert!(top(&wide, 1).contains("notify ✓ 15:58 · 2 queued"), "{wide}");

    let failing = draw(&app(with_delivery(outbox::delivery_failing())), Lang::En, 80, 24);
    assert!(top(&failing, 1).contains("notify ✗ 2 failing  2026"), "{failing}");
    let wide = draw(&app(with_delivery(outbox::delivery_failing())), Lang::En, 160, 48);
    assert!(
        top(&wide, 1).contains("notify ✗ 2 failing · 1 undelivered · 1 queued"),
        "{wide}"
    );

    // Messages given up on with no channel failing now still show in the alarm colour's words.
    let mut given_up = outbox::delivery_ok();
    given_up.failed = 3;
    let screen = draw(&app(with_delivery(given_up)), Lang::En, 80, 24);
    assert!(top(&screen, 1).contains("notify ✗ 3 undelivered"), "{screen}");

    // The second line is what it was: the indicator takes nothing from the score or the missing record.
    for w in [80, 120, 160] {
        let plain = draw(&app(fixture::snapshot(false)), Lang::En, w, 30);
        let failing = draw(&app(with_delivery(outbox::delivery_failing())), Lang::En, w, 30);
        assert_eq!(plain.lines().nth(1), failing.lines().nth(1), "at {w} columns");
    }
    let wide = draw(&app(with_delivery(outbox::delivery_failing())), Lang::En, 160, 48);
    let second = wide.lines().nth(1).unwrap();
    assert!(second.contains("projected score 97.4"), "{second}");
    assert!(second.contains("daily record missing"), "{second}");
    // At the narrowest the platform name keeps its first columns and the indicator goes first.
    draw(&app(with_delivery(outbox::delivery_failing())), Lang::Zh, 60, 16);
}

#[test]
fn the_header_indicator_matches_its_snapshots() {
    let mut queued = outbox::delivery_ok();
    queued.queued = 2;
    for (name, delivery) in [
        ("ok", outbox::delivery_ok()),
        ("queued", queued),
        ("failing", outbox::delivery_failing()),
    ] {
        let app = app(with_delivery(delivery));
        for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
            let header = [80, 120, 60].map(|w| top(&draw(&app, lang, w, 24), 2)).join("\n");
            insta::assert_snapshot!(format!("header_delivery_{name}_{tag}"), header);
        }
    }
}

/// A snapshot where incident `seq` (not in the fixture) is open with `severity`.
fn with_new(base: &Snapshot, seq: u32, severity: Severity) -> Snapshot {
    let mut s = base.clone();
    let mut incident = (*s.open_incidents[0]).clone();
    incident.id = IncidentId { year: 2026, seq };
    incident.severity = severity;
    let mut open = s.open_incidents.to_vec();
    open.push(std::sync::Arc::new(incident));
    s.open_incidents = open.into();
    s.generated_at += Duration::seconds(1);
    s
}

#[test]
fn the_bell_rings_once_per_new_critical_incident() {
    let first = fixture::snapshot(false);
    assert!(
        first
            .open_incidents
            .iter()
            .any(|i| i.severity == Severity::Critical),
        "the first snapshot already has a critical incident"
    );
    let mut bell = Bell::new(true);
    // The engine's placeholder comes before anything: it is not the first snapshot.
    let placeholder = Snapshot::empty(
        first.platform.clone(),
        first.timezone,
        Mode::Embedded,
        first.policy.clone(),
    );
    assert!(!bell.rings(&placeholder));
    assert!(!bell.rings(&first), "what is open at start does not ring");
    assert!(!bell.rings(&first), "nor later");
    // snapshot(true) adds 2026-0002, a new critical.
    let second = fixture::snapshot(true);
    assert!(bell.rings(&second));
    assert!(!bell.rings(&second), "not twice for the same incident");
    let major = with_new(&second, 40, Severity::Major);
    assert!(!bell.rings(&major), "a new major does not ring");
    let critical = with_new(&major, 41, Severity::Critical);
    assert!(bell.rings(&critical));
    // Resolved and back in a later snapshot's list: still the same incident.
    assert!(!bell.rings(&second));
    assert!(!bell.rings(&critical));

    let mut off = Bell::new(false);
    assert!(!off.rings(&first));
    assert!(!off.rings(&second));
}

/// Runs the event loop over: the fixture's snapshot at start, then each of `later`, each taken in before the
/// next is sent; returns everything written to the terminal outside of drawing.
async fn written_to_terminal(bell: bool, later: Vec<Snapshot>) -> Vec<String> {
    let (snapshots, engine) = silent_engine(fixture::snapshot(false));
    let (tx, events) = unbounded::<io::Result<Event>>();
    let (writes, mut written) = tokio::sync::mpsc::unbounded_channel();
    let setup = Session {
        theme: Theme::builtin_default(),
        i18n: I18n::new(Lang::En),
        actor: Actor::named("zhang.wei"),
        banner: None,
        clock: Arc::new(ManualClock::new(fixture::now())),
        watchdog: None,
        export_dir: std::env::temp_dir(),
        to_terminal: Box::new(move |seq| {
            let _ = writes.send(seq.to_string());
            Ok(())
        }),
        bell,
    };
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let driver = async {
        for snapshot in later {
            snapshots.send(Arc::new(snapshot)).unwrap();
            // `join!` polls both sides on every wake, so after two yields the loop has been polled since the
            // send and has taken the snapshot in (a watch keeps only the latest: the next must wait).
            for _ in 0..2 {
                tokio::task::yield_now().await;
            }
        }
        drop(tx);
    };
    let (exit, ()) = tokio::join!(
        session(&mut terminal, &engine, events, std::future::pending(), setup),
        driver
    );
    assert_eq!(exit, Exit::InputClosed);
    let mut out = Vec::new();
    while let Ok(seq) = written.try_recv() {
        out.push(seq);
    }
    out
}

#[tokio::test(start_paused = true)]
async fn the_event_loop_rings_the_terminal_bell_once_for_the_new_critical() {
    let second = (*fixture::snapshot(true)).clone();
    let mut third = second.clone();
    third.generated_at += Duration::seconds(1);
    let written = written_to_terminal(true, vec![second, third]).await;
    assert_eq!(written, vec![BEL.to_string()]);
}

#[tokio::test(start_paused = true)]
async fn without_the_bell_setting_nothing_is_written() {
    let written = written_to_terminal(false, vec![(*fixture::snapshot(true)).clone()]).await;
    assert!(written.is_empty(), "{written:?}");
}
