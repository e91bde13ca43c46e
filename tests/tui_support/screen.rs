//! A frame of the dashboard as text: the app's snapshot and UI state drawn on a `TestBackend` of a fixed
//! size, with the built-in theme, in one language, at the app's own time.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use watchdesk::config::Lang;
use watchdesk::tui::app::App;
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;
use watchdesk::tui::view::render;

pub fn draw(app: &App, lang: Lang, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let (theme, t) = (Theme::builtin_default(), I18n::new(lang));
    term.draw(|f| render(f, &app.snapshot, &app.ui, &theme, &t, app.now))
        .unwrap();
    term.backend().to_string()
}
