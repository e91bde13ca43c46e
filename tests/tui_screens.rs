//! The dashboard's screens at fixed sizes, with a fixed snapshot and a fixed time, in Chinese and English.

#[path = "tui_support/fixture.rs"]
mod fixture;
#[path = "tui_support/screen.rs"]
mod screen;

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use screen::draw;
use watchdesk::config::Lang;
use watchdesk::engine::Snapshot;
use watchdesk::tui::app::{Action, App, UiState};
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;
use watchdesk::tui::view::render;

fn app(snapshot: Arc<Snapshot>) -> App {
    App::new(snapshot, UiState::new("zhang.wei"), fixture::now())
}

fn press(app: &mut App, code: KeyCode) {
    let action = app
        .handle_key(KeyEvent::new(code, KeyModifiers::NONE))
        .expect("key does something");
    app.update(action);
}

fn both(name: &str, app: &App, w: u16, h: u16) {
    insta::assert_snapshot!(format!("{name}_en"), draw(app, Lang::En, w, h));
    insta::assert_snapshot!(format!("{name}_zh"), draw(app, Lang::Zh, w, h));
}

/// Every screen this dashboard draws from its own state, at the three sizes an engineer meets: a laptop's
/// 80×24, a split 120×40, a wide 160×48.
#[test]
fn every_screen_at_three_sizes() {
    let details = {
        let mut app = app(fixture::snapshot(true));
        app.ui.selected = Some(fixture::incident_id(3));
        press(&mut app, KeyCode::Enter);
        app
    };
    let form_new = {
        let mut app = app(fixture::snapshot(true));
        press(&mut app, KeyCode::Char('n'));
        app
    };
    let form_plan = {
        let mut app = app(fixture::snapshot(true));
        app.ui.selected = Some(fixture::incident_id(4));
        press(&mut app, KeyCode::Char('p'));
        app
    };
    let help = {
        let mut app = app(fixture::snapshot(true));
        press(&mut app, KeyCode::Char('?'));
        app
    };
    let screens = [
        ("dashboard", app(fixture::snapshot(true))),
        ("details", details),
        ("form_new", form_new),
        ("form_plan", form_plan),
        ("help", help),
    ];
    for (name, app) in &screens {
        for (w, h) in [(80, 24), (120, 40), (160, 48)] {
            both(&format!("sized_{name}_{w}x{h}"), app, w, h);
        }
    }
}

#[test]
fn dashboard_wide() {
    both("dashboard_160x48", &app(fixture::snapshot(false)), 160, 48);
}

#[test]
fn dashboard_with_a_late_incident() {
    let app = app(fixture::snapshot(true));
    let screen = draw(&app, Lang::En, 120, 36);
    assert!(screen.contains("respond late +12m00s"), "{screen}");
    both("dashboard_late_120x36", &app, 120, 36);
}

#[test]
fn dashboard_at_80x24() {
    both("dashboard_80x24", &app(fixture::snapshot(true)), 80, 24);
}

#[test]
fn dashboard_with_a_filter_being_typed() {
    let mut app = app(fixture::snapshot(false));
    press(&mut app, KeyCode::Char('/'));
    for c in "major".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let screen = draw(&app, Lang::En, 120, 36);
    let total = app.snapshot.open_incidents.len();
    let shown = watchdesk::tui::urgency::visible(&app.snapshot, app.now, "major").len();
    assert!(
        screen.contains(&format!("Open incidents ({shown} of {total}) · /major")),
        "{screen}"
    );
    assert!(
        screen.contains("/major▏"),
        "the line being typed is at the bottom: {screen}"
    );
    both("dashboard_filtered_120x36", &app, 120, 36);
}

#[test]
fn demo_banner() {
    let screen = draw(&app(fixture::demo_snapshot()), Lang::En, 100, 30);
    assert!(
        screen.contains("DEMO — `watchdesk init` writes a config for your platform"),
        "{screen}"
    );
}

#[test]
fn incident_details() {
    let mut app = app(fixture::snapshot(true));
    app.ui.selected = Some(fixture::incident_id(3));
    press(&mut app, KeyCode::Enter);
    both("details_120x40", &app, 120, 40);
}

#[test]
fn subsystem_details() {
    let mut app = app(fixture::snapshot(false));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    both("checks_100x30", &app, 100, 30);
}

#[test]
fn help() {
    let mut app = app(fixture::snapshot(false));
    press(&mut app, KeyCode::Char('?'));
    both("help_120x40", &app, 120, 40);
}

#[test]
fn too_small() {
    let screen = draw(&app(fixture::snapshot(false)), Lang::En, 50, 10);
    assert!(screen.contains("terminal too small (need 60×16)"), "{screen}");
    let screen = draw(&app(fixture::snapshot(false)), Lang::Zh, 59, 30);
    assert!(screen.contains("终端窗口太小"), "{screen}");
}

/// Opens a form with `key` on incident `seq` and types into it.
fn form(seq: u32, key: KeyCode, typed: &[&str]) -> App {
    let mut app = app(fixture::snapshot(false));
    app.ui.selected = Some(fixture::incident_id(seq));
    press(&mut app, key);
    for (i, text) in typed.iter().enumerate() {
        if i > 0 {
            press(&mut app, KeyCode::Tab);
        }
        app.update(Action::Paste(text.to_string()));
    }
    app
}

#[test]
fn forms() {
    let cases: [(&str, u32, KeyCode, &[&str]); 6] = [
        ("form_new", 3, KeyCode::Char('n'), &[]),
        (
            "form_acknowledge_minor",
            7,
            KeyCode::Char('a'),
            &["已联系前端开发", "+2d"],
        ),
        (
            "form_plan",
            4,
            KeyCode::Char('p'),
            &["1. 为报告列表加索引\n2. 分页查询改为游标"],
        ),
        (
            "form_resolve",
            3,
            KeyCode::Char('r'),
            &["连接池耗尽", "扩大连接池并重启应用", ""],
        ),
        ("form_note", 3, KeyCode::Char('N'), &["已通知业务处室"]),
        ("form_reclassify", 4, KeyCode::Char('R'), &[]),
    ];
    for (name, seq, key, typed) in cases {
        let app = form(seq, key, typed);
        assert!(app.ui.form.is_some(), "{name}");
        both(name, &app, 100, 32);
    }
}

#[test]
fn form_with_missing_field_and_engine_error() {
    let mut app = form(3, KeyCode::Char('r'), &["连接池耗尽"]);
    let submit = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let action = app.handle_key(submit).unwrap();
    assert_eq!(app.update(action), None);
    both("form_resolve_required", &app, 100, 32);

    app.update(Action::Paste("扩大连接池".into()));
    let action = app.handle_key(submit).unwrap();
    let Some(watchdesk::tui::app::Effect::Execute { token, .. }) = app.update(action) else {
        panic!("expected a command");
    };
    assert!(draw(&app, Lang::En, 100, 32).contains("saving…"));
    app.update(Action::Reply {
        token,
        result: Err("store error: disk full".into()),
    });
    both("form_resolve_engine_error", &app, 100, 32);
}

/// The style of the first cell of `needle` (ASCII) on screen.
fn style_at(buffer: &ratatui::buffer::Buffer, needle: &str) -> ratatui::style::Style {
    let area = buffer.area;
    for y in 0..area.height {
        for x in 0..area.width.saturating_sub(needle.len() as u16) {
            let found = needle
                .chars()
                .enumerate()
                .all(|(i, c)| buffer[(x + i as u16, y)].symbol() == c.to_string());
            if found {
                return buffer[(x, y)].style();
            }
        }
    }
    panic!("{needle} not on screen");
}

#[test]
fn countdown_colour_follows_urgency_and_late_has_a_marker() {
    let app = app(fixture::snapshot(true));
    let theme = Theme::builtin_default();
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    term.draw(|f| render(f, &app.snapshot, &app.ui, &theme, &I18n::new(Lang::En), app.now))
        .unwrap();
    let buffer = term.backend().buffer();
    assert_eq!(style_at(buffer, "respond late +12m00s").fg, theme.crit.fg);
    assert_eq!(style_at(buffer, "!2026-0002").fg, theme.crit.fg);
    // One minute of fifteen left: critical.
    assert_eq!(style_at(buffer, "respond 1m00s").fg, theme.crit.fg);
    // Eighty minutes of 120 left: normal.
    assert_eq!(style_at(buffer, "plan 1h20m").fg, theme.text.fg);
    assert_eq!(style_at(buffer, "91%!").fg, theme.crit.fg);
}

#[test]
fn mono_theme_marks_states_without_colour() {
    use ratatui::style::{Color, Modifier};
    let mono = watchdesk::tui::theme::load(Some("mono"), watchdesk::tui::theme::ColorDepth::Mono).unwrap();
    let app = app(fixture::snapshot(true));
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    term.draw(|f| render(f, &app.snapshot, &app.ui, &mono, &I18n::new(Lang::En), app.now))
        .unwrap();
    let buffer = term.backend().buffer();
    for cell in buffer.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "{cell:?}"
        );
    }
    let late = style_at(buffer, "respond late +12m00s");
    assert!(late.add_modifier.contains(Modifier::BOLD | Modifier::UNDERLINED));
}
