//! The records pages of the dashboard: `d` (daily record) and `s` (score), and what every page does (asked
//! again while open, an engine error shown, snapshots in both languages, small terminals). Their content comes
//! from a real engine on a real store driven by a `ManualClock`; the keys are checked for the commands they
//! send. The handover page (`h`), its copy and its file are in `tui_records_handover.rs`.

#[path = "tui_support/keys.rs"]
mod keys;
#[path = "records_support/rig.rs"]
mod rig;
#[path = "tui_support/screen.rs"]
mod screen;
#[path = "records_support/shift.rs"]
mod shift;

use chrono::Duration;
use keys::{ctrl_s, key, press, typed};
use ratatui::crossterm::event::KeyCode;
use rig::local;
use screen::draw;
use shift::{answer, records, sent, shift};
use watchdesk::clock::Clock;
use watchdesk::config::Lang;
use watchdesk::engine::{Command, RecordsCommand};
use watchdesk::model::{Actor, DailyEntry, Quarter};
use watchdesk::tui::app::{Action, Message, Page, PageContent, View};

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
