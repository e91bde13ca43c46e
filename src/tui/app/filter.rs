//! `/` on the dashboard: a line of words that narrows the incident list (and the resolved ones under it) as it
//! is typed. Enter keeps the filter, Esc drops it — on the line, and on the dashboard while a filter is kept;
//! while the line is open every key is text (so `q` is a letter, not quit).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Panel, View};

impl App {
    pub(super) fn open_filter(&mut self) {
        self.ui.view = View::Dashboard;
        self.ui.focus = Panel::Incidents;
        self.ui.filtering = true;
    }

    pub(super) fn filter_key(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => self.ui.filtering = false,
            KeyCode::Esc => {
                self.ui.filtering = false;
                self.ui.filter.clear();
            }
            KeyCode::Backspace => {
                self.ui.filter.pop();
            }
            KeyCode::Char('u') if ctrl => self.ui.filter.clear(),
            KeyCode::Char(c) if !ctrl => self.ui.filter.push(c),
            _ => return,
        }
        self.reselect();
    }

    pub(super) fn clear_filter(&mut self) {
        self.ui.filter.clear();
        self.reselect();
    }

    /// Pasted text joins the filter as one line.
    pub(super) fn filter_paste(&mut self, text: &str) {
        let line: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        self.ui.filter.push_str(&line);
        self.reselect();
    }
}
