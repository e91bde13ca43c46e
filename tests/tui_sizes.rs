//! No size panics: every screen (dashboard, details, checks, help, forms) rendered at sizes from 0×0 to 200×60.
//!
//! Coverage: in release builds (`cargo test --release --test tui_sizes`) every size from 0×0 to 200×60 (12,261
//! sizes). In debug builds: every size up to 72×22 (all sizes around the 60×16 minimum, including 0×0, 1×1 and
//! the minimum less one), every 7th width × every 5th height above that, and 200×60 (2,006 sizes). Size after
//! size, the seven screens (dashboard, incident details, subsystem checks, help, new-incident, resolve and
//! acknowledge forms) and the two languages take turns; every screen also renders at 0×0, 1×1, 59×15, 60×16,
//! 61×17 and 200×60 in both languages.

#[path = "tui_support/fixture.rs"]
mod fixture;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use watchdesk::config::Lang;
use watchdesk::tui::app::{Action, App, UiState};
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;
use watchdesk::tui::view::{MIN_HEIGHT, MIN_WIDTH, render};

fn screens() -> Vec<App> {
    let base = || App::new(fixture::snapshot(true), UiState::new("zhang.wei"), fixture::now());
    let with = |keys: &[KeyCode], paste: Option<&str>| {
        let mut app = base();
        app.ui.selected = Some(fixture::incident_id(3));
        for k in keys {
            let action = app.handle_key(KeyEvent::new(*k, KeyModifiers::NONE)).unwrap();
            app.update(action);
        }
        if let Some(text) = paste {
            app.update(Action::Paste(text.into()));
        }
        app
    };
    let long = "连接池耗尽，".repeat(40)
        + "\nsecond line with a very long word: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    vec![
        base(),
        with(&[KeyCode::Enter], None),
        with(&[KeyCode::Tab, KeyCode::Enter], None),
        with(&[KeyCode::Char('?')], None),
        with(&[KeyCode::Char('n')], Some("标题")),
        with(&[KeyCode::Char('r')], Some(&long)),
        with(&[KeyCode::Char('a')], Some("note")),
    ]
}

fn sizes() -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    if cfg!(debug_assertions) {
        for w in 0..=72 {
            for h in 0..=22 {
                out.push((w, h));
            }
        }
        for w in (0..=200).step_by(7) {
            for h in (0..=60).step_by(5) {
                if w > 72 || h > 22 {
                    out.push((w, h));
                }
            }
        }
        out.extend([
            (200, 60),
            (MIN_WIDTH - 1, MIN_HEIGHT),
            (MIN_WIDTH, MIN_HEIGHT - 1),
            (199, 59),
            (141, 43),
        ]);
    } else {
        for w in 0..=200 {
            for h in 0..=60 {
                out.push((w, h));
            }
        }
    }
    out
}

#[test]
fn every_screen_renders_at_every_size_without_panicking() {
    let theme = Theme::builtin_default();
    let screens = screens();
    let langs = [I18n::new(Lang::En), I18n::new(Lang::Zh)];
    // One terminal, resized before each draw as a real one would be.
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut draw = |app: &App, t: &I18n, (w, h): (u16, u16)| {
        term.backend_mut().resize(w, h);
        term.draw(|f| render(f, &app.snapshot, &app.ui, &theme, t, app.now))
            .unwrap();
    };
    for (k, size) in sizes().into_iter().enumerate() {
        draw(&screens[k % screens.len()], &langs[(k / screens.len()) % 2], size);
    }
    let edges = [
        (0, 0),
        (1, 1),
        (MIN_WIDTH - 1, MIN_HEIGHT - 1),
        (MIN_WIDTH, MIN_HEIGHT),
        (61, 17),
        (200, 60),
    ];
    for app in &screens {
        for t in &langs {
            for size in edges {
                draw(app, t, size);
            }
        }
    }
}
