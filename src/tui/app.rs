//! UI state and what keys do to it. Keys become `Action`s (`handle_key`), actions change the state and may ask
//! for an `Effect` (`update`): a command for the engine, or quitting. Nothing here draws or does I/O.
//!
//! This file routes each action; the state itself is in `state`, the cursor in `selection`, the incident list
//! on screen in `listed`, forms and the engine's answers in `forms`, the records pages in `pages` and the
//! filter line in `filter`.

mod filter;
mod forms;
mod listed;
mod pages;
mod selection;
mod state;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::form::{Form, FormStatus};
use super::keymap::{self, Context};
use crate::engine::Snapshot;
use crate::model::{Incident, IncidentId};
use listed::Listed;

pub use super::action::{Action, Effect};
pub use state::{
    Flash, Message, Page, PageContent, Panel, UiState, View, context, current_incident, find_incident,
};

/// How long "saved" stays on a form before it closes by itself.
const SAVED_LINGER: Duration = Duration::seconds(2);
/// How long a status-line message stays.
const FLASH_FOR: Duration = Duration::seconds(6);
const PAGE: isize = 10;

pub struct App {
    pub snapshot: Arc<Snapshot>,
    pub ui: UiState,
    pub now: DateTime<Utc>,
    next_token: u64,
    /// The token of a pending new-incident command: its reply moves the selection to the new incident.
    opening: Option<u64>,
    /// A just-created incident the snapshot may not list yet: the selection waits for it.
    awaiting: Option<IncidentId>,
    /// When the records page in view was last asked for.
    page_asked: Option<DateTime<Utc>>,
    /// The incident list as ranked and filtered for the snapshot, second and filter it was made for.
    listed: Listed,
}

impl App {
    pub fn new(snapshot: Arc<Snapshot>, ui: UiState, now: DateTime<Utc>) -> App {
        let listed = Listed::new(&snapshot, now, &ui.filter);
        let mut app = App {
            listed,
            snapshot,
            ui,
            now,
            next_token: 1,
            opening: None,
            awaiting: None,
            page_asked: None,
        };
        app.reselect();
        app
    }

    fn context(&self) -> Context {
        context(&self.snapshot, &self.ui)
    }

    /// The incident the action keys act on: the one in the details view, or the selected row.
    pub fn current_incident(&self) -> Option<&Incident> {
        current_incident(&self.snapshot, &self.ui)
    }

    pub fn handle_key(&self, key: KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Some(Action::Quit);
        }
        // A form that says "saved" is done: a key goes to the screen below (and closes it), not into the form;
        // Esc only closes it.
        if let Some(form) = &self.ui.form
            && (!matches!(form.status, FormStatus::Saved { .. }) || key.code == KeyCode::Esc)
        {
            return Some(Action::FormKey(key));
        }
        if self.ui.filtering {
            return Some(Action::FilterKey(key));
        }
        if self.ui.help {
            return matches!(key.code, KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q'))
                .then_some(Action::Help);
        }
        keymap::lookup(&key, self.context())
    }

    pub fn handle_paste(&self, text: String) -> Option<Action> {
        (self.ui.form.is_some() || self.ui.filtering).then_some(Action::Paste(text))
    }

    pub fn update(&mut self, action: Action) -> Option<Effect> {
        if self.ui.read_only && action.changes_something() {
            self.flash(Message::ReadOnly);
            return None;
        }
        let saved = matches!(
            &self.ui.form,
            Some(Form {
                status: FormStatus::Saved { .. },
                ..
            })
        );
        if saved && !matches!(action, Action::Reply { .. }) {
            self.ui.form = None;
        }
        match action {
            Action::Quit => return Some(Effect::Quit),
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-PAGE),
            Action::PageDown => self.step(PAGE),
            Action::Top => self.step(isize::MIN / 2),
            Action::Bottom => self.step(isize::MAX / 2),
            Action::NextPanel | Action::PrevPanel => {
                let order = [Panel::Incidents, Panel::Subsystems, Panel::Hosts];
                let at = order.iter().position(|p| *p == self.ui.focus).unwrap_or(0);
                let by = if action == Action::NextPanel { 1 } else { 2 };
                self.ui.focus = order[(at + by) % 3];
            }
            Action::OpenDetails => self.open_details(),
            Action::Back => {
                self.ui.view = View::Dashboard;
                self.ui.detail_scroll = 0;
            }
            Action::New => {
                let preselect = match (&self.ui.view, self.ui.focus) {
                    (View::Subsystem(id), _) => Some(id.clone()),
                    (View::Dashboard, Panel::Subsystems) => self
                        .snapshot
                        .subsystems
                        .get(self.ui.subsystem_row)
                        .map(|s| s.id.clone()),
                    _ => None,
                };
                self.ui.form = Some(Form::new_incident(
                    &self.snapshot.subsystems,
                    preselect.as_deref(),
                ));
            }
            Action::Acknowledge => self.open_form(Form::acknowledge),
            Action::Plan => self.open_form(Form::plan),
            Action::Resolve => self.open_form(Form::resolve),
            Action::Note => self.open_form(Form::note),
            Action::Reclassify => self.open_form(Form::reclassify),
            Action::Help => self.ui.help = !self.ui.help,
            Action::OpenDaily => return Some(self.open_page(Page::Daily)),
            Action::OpenHandover => return Some(self.open_page(Page::Handover)),
            Action::OpenScore => return Some(self.open_page(Page::Score)),
            Action::OpenNotifications => return Some(self.open_page(Page::Notifications)),
            Action::OpenFilter => self.open_filter(),
            Action::FilterKey(key) => self.filter_key(key),
            Action::ClearFilter => self.clear_filter(),
            Action::Edit => self.edit_page(),
            Action::Earlier => return self.browse(-1),
            Action::Later => return self.browse(1),
            Action::Copy | Action::Export => return self.export(action == Action::Copy),
            Action::Exported(Ok(path)) => self.flash(Message::Written(path)),
            Action::Exported(Err(e)) => self.flash(Message::Failed(e)),
            Action::FormKey(key) => return self.form_key(key),
            Action::Paste(text) => match &mut self.ui.form {
                Some(form) => form.paste(&text),
                None if self.ui.filtering => self.filter_paste(&text),
                None => {}
            },
            Action::Reply { token, result } => return self.reply(token, result),
        }
        None
    }

    fn open_details(&mut self) {
        match self.ui.focus {
            Panel::Incidents => {
                if let Some(id) = self.ui.selected {
                    self.ui.view = View::Incident(id);
                    self.ui.detail_scroll = 0;
                }
            }
            Panel::Subsystems => {
                if let Some(s) = self.snapshot.subsystems.get(self.ui.subsystem_row) {
                    self.ui.view = View::Subsystem(s.id.clone());
                    self.ui.detail_scroll = 0;
                }
            }
            Panel::Hosts => {}
        }
    }

    pub fn set_snapshot(&mut self, snapshot: Arc<Snapshot>) {
        self.snapshot = snapshot;
        self.reselect();
    }

    /// The second ticked: time-based state moves on (a saved form closes, a message expires, the order of
    /// incidents may change as countdowns run, an open records page is asked for again when it is old).
    pub fn tick(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        self.now = now;
        if let Some(Form {
            status: FormStatus::Saved { at },
            ..
        }) = &self.ui.form
            && now - *at >= SAVED_LINGER
        {
            self.ui.form = None;
        }
        if self.ui.flash.as_ref().is_some_and(|f| f.until <= now) {
            self.ui.flash = None;
        }
        self.reselect();
        self.page_due()
    }
}
