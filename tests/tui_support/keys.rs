//! Keys fed to the dashboard's `App` without a terminal: one key in, the effect it asked for out.
#![allow(dead_code)]

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use watchdesk::tui::app::{App, Effect};

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl_s() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
}

/// Feeds one key; returns the effect it asked for.
pub fn press(app: &mut App, k: KeyEvent) -> Option<Effect> {
    let action = app.handle_key(k)?;
    app.update(action)
}

/// Types `text` a character at a time.
pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, key(KeyCode::Char(c)));
    }
}
