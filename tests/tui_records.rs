//! The records pages of the dashboard: `d` (daily record), `h` (handover), `s` (score). Their content comes from a
//! real engine on a real store driven by a `ManualClock`; the keys are checked for the commands they send, the
//! pages against `insta` snapshots in both languages, and the copy and the file write through the event loop.

#[path = "records_support/rig.rs"]
mod rig;
#[path = "tui_support/screen.rs"]
mod screen;
#[path = "records_support/shift.rs"]
mod shift;

use std::sync::Arc;

use chrono::Duration;
use futures::channel::mpsc::unbounded;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use rig::local;
use screen::draw;
use shift::{answer, records, sent, shift};
use watchdesk::clock::Clock;
use watchdesk::config::Lang;
use watchdesk::engine::{Command, RecordsCommand};
use watchdesk::model::{Actor, DailyEntry, Quarter};
use watchdesk::report::osc52;
use watchdesk::tui::app::{Action, App, Effect, Message, Page, PageContent, View};
use watchdesk::tui::event_loop::{Exit, Session, session};
use watchdesk::tui::form::FieldError;
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl_s() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
}

fn press(app: &mut App, k: KeyEvent) -> Option<Effect> {
    let action = app.handle_key(k)?;
    app.update(action)
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, key(KeyCode::Char(c)));
    }
}

#[tokio::test]
async fn d_opens_todays_record_and_e_saves_the_engineers_entries() {
    let (rig, mut app) = shift().await;
    let (token, command) = sent(press(&mut app, key(KeyCode::Char('d'))));
    assert_eq!(records(command), RecordsCommand::DailyView { date: None });
    assert_eq!(app.ui.view, View::Records(Page::Daily));
    assert_eq!(app.ui.page, PageContent::Loading);
    assert!(draw(&app, Lang::En, 100, 30).contains("asking the engine"));

    // The answer fills the page: nothing saved yet today, the day's incidents counted.
    let result = rig
        .engine
        .execute(
            Actor::named("li"),
            Command::Records(RecordsCommand::DailyView { date: None }),
        )
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    app.update(Action::Reply { token, result });
    let PageContent::Daily(view) = &app.ui.page else {
        panic!("expected the daily page, got {:?}", app.ui.page)
    };
    assert_eq!(view.date, local(2026, 11, 28, 12, 0).date_naive());
    assert!(view.record.is_none());
    assert_eq!(view.figures.opened.len(), 2);

    // e: the form; anomaly checked yes with a note, archive done yes, notes; Ctrl-S sends exactly that.
    press(&mut app, key(KeyCode::Char('e')));
    assert!(app.ui.form.is_some());
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Tab));
    typed(&mut app, "检测报告表有 3 条重复记录");
    press(&mut app, key(KeyCode::Tab));
    press(&mut app, key(KeyCode::Char(' ')));
    press(&mut app, key(KeyCode::Tab));
    typed(&mut app, "已通知数据管理员");
    let saved = press(&mut app, ctrl_s());
    let (_, command) = sent(saved.clone());
    let date = local(2026, 11, 28, 12, 0).date_naive();
    assert_eq!(
        records(command),
        RecordsCommand::SaveDaily {
            date: Some(date),
            entry: DailyEntry {
                anomaly_checked: true,
                anomaly_note: Some("检测报告表有 3 条重复记录".into()),
                archive_done: Some(true),
                notes: Some("已通知数据管理员".into()),
            },
        }
    );
    answer(&rig, &mut app, saved).await;
    let PageContent::Daily(view) = &app.ui.page else {
        panic!("the save's answer stays on the page")
    };
    let record = view.record.as_ref().expect("saved");
    assert_eq!((record.revision, record.saved_by.user.as_str()), (1, "li"));
    assert!(record.anomaly_checked && record.archive_done);

    // Opening the form again shows what was saved; an amendment is revision 2.
    press(&mut app, key(KeyCode::Esc));
    press(&mut app, key(KeyCode::Char('e')));
    let form = app.ui.form.as_ref().expect("form");
    assert_eq!(form.fields[1].value_text(), "检测报告表有 3 条重复记录");
    press(&mut app, key(KeyCode::Tab));
    press(&mut app, key(KeyCode::Tab));
    press(&mut app, key(KeyCode::Char(' ')));
    let amended = press(&mut app, ctrl_s());
    answer(&rig, &mut app, amended).await;
    let PageContent::Daily(view) = &app.ui.page else {
        panic!("daily page")
    };
    let record = view.record.as_ref().unwrap();
    assert_eq!(record.revision, 2);
    assert!(!record.archive_done, "the space turned the archive back to no");
    assert_eq!(record.notes.as_deref(), Some("已通知数据管理员"));
}

#[tokio::test]
async fn the_ledger_steps_back_a_day_but_never_past_today() {
    let (rig, mut app) = shift().await;
    let open = press(&mut app, key(KeyCode::Char('d')));
    answer(&rig, &mut app, open).await;
    assert_eq!(
        press(&mut app, key(KeyCode::Right)),
        None,
        "no record for tomorrow"
    );
    let back = press(&mut app, key(KeyCode::Left));
    let (_, command) = sent(back.clone());
    let yesterday = local(2026, 11, 27, 12, 0).date_naive();
    assert_eq!(
        records(command),
        RecordsCommand::DailyView {
            date: Some(yesterday)
        }
    );
    answer(&rig, &mut app, back).await;
    let PageContent::Daily(view) = &app.ui.page else {
        panic!("daily page")
    };
    assert_eq!(view.date, yesterday);
    assert_eq!(view.record.as_ref().unwrap().saved_by.user, "wang");
    let screen = draw(&app, Lang::En, 110, 36);
    assert!(screen.contains("saved by wang"), "{screen}");
    // Forward again is allowed up to today.
    let (_, command) = sent(press(&mut app, key(KeyCode::Char(']'))));
    assert_eq!(
        records(command),
        RecordsCommand::DailyView {
            date: Some(yesterday + Duration::days(1))
        }
    );
}

#[tokio::test]
async fn h_shows_the_handover_records_it_and_copies_or_writes_it() {
    let (rig, mut app) = shift().await;
    let open = press(&mut app, key(KeyCode::Char('h')));
    let (_, command) = sent(open.clone());
    assert_eq!(
        records(command),
        RecordsCommand::HandoverSummary {
            since: None,
            notes: None
        }
    );
    answer(&rig, &mut app, open).await;
    let PageContent::Handover(summary) = &app.ui.page else {
        panic!("expected the handover page, got {:?}", app.ui.page)
    };
    assert_eq!(summary.since, local(2026, 11, 28, 8, 0));
    assert_eq!(summary.open.len(), 1);

    // y: the Markdown goes out as a copy; w: to a file named after the time it was made.
    let Some(Effect::Copy(text)) = press(&mut app, key(KeyCode::Char('y'))) else {
        panic!("y copies")
    };
    assert!(text.starts_with("# 交接班 Handover"), "{text}");
    assert!(text.contains("综合展示子系统地图加载缓慢"));
    assert_eq!(
        app.ui.flash.as_ref().unwrap().message,
        Message::Copied(text.chars().count())
    );
    match press(&mut app, key(KeyCode::Char('w'))) {
        Some(Effect::Export { name, text: written }) => {
            assert_eq!(name, "handover-20261128-1600.md");
            assert_eq!(written, text);
        }
        other => panic!("w writes a file, got {other:?}"),
    }
    app.update(Action::Exported(Ok("/srv/handover-20261128-1600.md".into())));
    assert_eq!(
        app.ui.flash.as_ref().unwrap().message,
        Message::Written("/srv/handover-20261128-1600.md".into())
    );

    // e: to whom is required; then the handover is recorded with the notes, and the page shows them.
    press(&mut app, key(KeyCode::Char('e')));
    assert_eq!(press(&mut app, ctrl_s()), None);
    assert_eq!(
        app.ui.form.as_ref().unwrap().fields[0].error,
        Some(FieldError::Required)
    );
    typed(&mut app, "zhao");
    press(&mut app, key(KeyCode::Tab));
    typed(&mut app, "地图缓慢待厂商回复");
    let record = press(&mut app, ctrl_s());
    let (_, command) = sent(record.clone());
    assert_eq!(
        records(command),
        RecordsCommand::RecordHandover {
            to: "zhao".into(),
            notes: Some("地图缓慢待厂商回复".into()),
            since: None,
        }
    );
    // Once recorded, the page is asked again at once and shows the handover just recorded.
    let refresh = answer(&rig, &mut app, record).await;
    assert!(
        refresh.is_some(),
        "the page is asked again after the handover is recorded"
    );
    answer(&rig, &mut app, refresh).await;
    let PageContent::Handover(summary) = &app.ui.page else {
        panic!("handover page")
    };
    let last = summary
        .last_handover
        .as_ref()
        .expect("the handover just recorded");
    assert_eq!(last.to, "zhao");
    let screen = draw(&app, Lang::En, 120, 40);
    assert!(!screen.contains("no handover recorded yet"), "{screen}");
    assert!(screen.contains("zhao"), "{screen}");

    // Asked again, the period now starts at the handover just recorded.
    rig.set(local(2026, 11, 28, 16, 5));
    app.tick(rig.clock.now());
    let again = press(&mut app, key(KeyCode::Char('h')));
    answer(&rig, &mut app, again).await;
    let PageContent::Handover(summary) = &app.ui.page else {
        panic!("handover page")
    };
    assert_eq!(summary.since, local(2026, 11, 28, 16, 0));
    assert_eq!(summary.last_handover.as_ref().unwrap().to, "zhao");
}

#[tokio::test]
async fn s_shows_the_score_and_steps_through_quarters() {
    let (rig, mut app) = shift().await;
    let open = press(&mut app, key(KeyCode::Char('s')));
    answer(&rig, &mut app, open).await;
    let PageContent::Score(score) = &app.ui.page else {
        panic!("expected the score page, got {:?}", app.ui.page)
    };
    let q4 = Quarter { year: 2026, q: 4 };
    assert_eq!(score.quarter, q4);
    assert!(!score.finished);
    // The late major response costs 0.3 of the 15 fault points.
    assert_eq!(score.faults.len(), 1);
    assert!((score.faults[0].deduction - 0.3).abs() < 1e-9);
    assert_eq!(
        press(&mut app, key(KeyCode::Right)),
        None,
        "the future has no score"
    );
    let back = press(&mut app, key(KeyCode::Left));
    let (_, command) = sent(back.clone());
    assert_eq!(
        records(command),
        RecordsCommand::Score {
            quarter: Some(Quarter { year: 2026, q: 3 })
        }
    );
    answer(&rig, &mut app, back).await;
    let PageContent::Score(score) = &app.ui.page else {
        panic!("score page")
    };
    assert!(score.finished);
    assert!(score.faults.is_empty());
}

#[tokio::test]
async fn an_open_page_is_asked_again_and_a_late_answer_for_another_page_is_dropped() {
    let (rig, mut app) = shift().await;
    let daily = press(&mut app, key(KeyCode::Char('d')));
    // Before the daily answer arrives the engineer moves on to the score.
    let score = press(&mut app, key(KeyCode::Char('s')));
    answer(&rig, &mut app, daily).await;
    assert_eq!(
        app.ui.page,
        PageContent::Loading,
        "the daily answer is not put on the score page"
    );
    answer(&rig, &mut app, score).await;
    assert!(matches!(app.ui.page, PageContent::Score(_)));

    let now = rig.clock.now();
    assert_eq!(app.tick(now + Duration::seconds(10)), None);
    let (_, command) = sent(app.tick(now + Duration::seconds(30)));
    assert!(matches!(
        records(command),
        RecordsCommand::Score { quarter: Some(_) }
    ));
    // While that request is pending no other is sent; back on the dashboard none at all.
    assert_eq!(app.tick(now + Duration::seconds(90)), None);
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.ui.view, View::Dashboard);
}

#[tokio::test]
async fn an_engine_error_is_shown_on_the_page() {
    let (rig, mut app) = shift().await;
    let (token, _) = sent(press(&mut app, key(KeyCode::Char('d'))));
    app.update(Action::Reply {
        token,
        result: Err("store is read-only".into()),
    });
    assert_eq!(app.ui.page, PageContent::Failed("store is read-only".into()));
    assert!(draw(&app, Lang::En, 100, 30).contains("could not load: store is read-only"));
    press(&mut app, key(KeyCode::Char('e')));
    assert!(app.ui.form.is_none(), "nothing to fill in on a page that failed");
    assert_eq!(app.ui.flash.as_ref().unwrap().message, Message::PageLoading);
    drop(rig);
}

/// The three pages as the engineer sees them, in both languages.
#[tokio::test]
async fn pages_match_their_snapshots() {
    let (rig, mut app) = shift().await;
    for (key_char, name) in [('d', "daily"), ('h', "handover"), ('s', "score")] {
        let open = press(&mut app, key(KeyCode::Char(key_char)));
        answer(&rig, &mut app, open).await;
        for lang in [Lang::En, Lang::Zh] {
            let tag = if lang == Lang::En { "en" } else { "zh" };
            insta::assert_snapshot!(format!("page_{name}_120x44_{tag}"), draw(&app, lang, 120, 44));
            for (w, h) in [(80, 24), (120, 40), (160, 48)] {
                insta::assert_snapshot!(format!("page_{name}_{w}x{h}_{tag}"), draw(&app, lang, w, h));
            }
        }
    }
    // The form over the daily page.
    let open = press(&mut app, key(KeyCode::Char('d')));
    answer(&rig, &mut app, open).await;
    press(&mut app, key(KeyCode::Char('e')));
    insta::assert_snapshot!("form_daily_en", draw(&app, Lang::En, 100, 30));
    insta::assert_snapshot!("form_daily_zh", draw(&app, Lang::Zh, 100, 30));
}

/// Through the whole event loop: `h`, then `y` reaches the terminal as OSC 52 and `w` writes the file.
#[tokio::test]
async fn the_event_loop_copies_over_osc52_and_writes_the_file() {
    let (rig, _) = shift().await;
    let export = tempfile::tempdir().unwrap();
    let (copies, mut copied) = tokio::sync::mpsc::unbounded_channel();
    let setup = Session {
        theme: Theme::builtin_default(),
        i18n: I18n::new(Lang::En),
        actor: Actor::named("li"),
        banner: None,
        clock: Arc::new(rig.clock.clone()),
        watchdog: None,
        export_dir: export.path().to_path_buf(),
        to_terminal: Box::new(move |seq| {
            let _ = copies.send(seq.to_string());
            Ok(())
        }),
        bell: false,
    };
    let (tx, events) = unbounded();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let driver = async {
        let send = |c: char| tx.unbounded_send(Ok(Event::Key(key(KeyCode::Char(c))))).unwrap();
        send('h');
        // Until the page has loaded, `y` only says so; at most 100 tries, 50 ms each.
        let mut sequence = None;
        for _ in 0..100 {
            send('y');
            if let Ok(Some(seq)) =
                tokio::time::timeout(std::time::Duration::from_millis(50), copied.recv()).await
            {
                sequence = Some(seq);
                break;
            }
        }
        // Keys queued together are handled in order: the file is written before `q` ends the loop.
        send('w');
        send('q');
        sequence
    };
    let (exit, sequence) = tokio::join!(
        session(&mut terminal, &rig.engine, events, std::future::pending(), setup),
        driver
    );
    assert_eq!(exit, Exit::Quit);
    let file = export.path().join("handover-20261128-1600.md");
    let written = std::fs::read_to_string(&file).expect("the handover file is written");
    assert!(written.starts_with("# 交接班 Handover"), "{written}");
    assert_eq!(
        sequence.as_deref(),
        Some(osc52::for_environment(&written).as_str()),
        "the copy is the file's text as OSC 52"
    );
}

/// The pages on the smallest terminals the dashboard supports: nothing panics, the page keeps its title and
/// the footer its keys.
#[tokio::test]
async fn pages_fit_small_terminals() {
    let (rig, mut app) = shift().await;
    for (key_char, title) in [
        ('d', "Daily record"),
        ('h', "Handover"),
        ('s', "Assessment score"),
    ] {
        let open = press(&mut app, key(KeyCode::Char(key_char)));
        answer(&rig, &mut app, open).await;
        for (w, h) in [(60, 16), (80, 24)] {
            let screen = draw(&app, Lang::En, w, h);
            assert!(screen.contains(title), "{title} at {w}x{h}:\n{screen}");
            assert!(screen.contains("Esc back"), "{title} at {w}x{h}:\n{screen}");
            draw(&app, Lang::Zh, w, h);
        }
    }
}
