//! UI state and what keys do to it. Keys become `Action`s (`handle_key`), actions change the state and may ask
//! for an `Effect` (`update`): a command for the engine, or quitting. Nothing here draws or does I/O.

mod filter;
mod pages;
mod selection;
mod state;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::form::{Form, FormEvent, FormStatus};
use super::keymap::{self, Context};
use crate::engine::{Command, Reply, Snapshot};
use crate::model::{Incident, IncidentId};
use crate::tui::urgency::Listing;

pub use state::{
    Flash, Message, Page, PageContent, Panel, UiState, View, context, current_incident, find_incident,
};

/// How long "saved" stays on a form before it closes by itself.
const SAVED_LINGER: Duration = Duration::seconds(2);
/// How long a status-line message stays.
const FLASH_FOR: Duration = Duration::seconds(6);
const PAGE: isize = 10;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPanel,
    PrevPanel,
    OpenDetails,
    Back,
    New,
    Acknowledge,
    Plan,
    Resolve,
    Note,
    Reclassify,
    Help,
    /// 日台账: today's record.
    OpenDaily,
    /// 交接班: the summary since the last handover.
    OpenHandover,
    /// 考核评分: this quarter's score.
    OpenScore,
    /// 通知: delivery per channel and the outbox.
    OpenNotifications,
    /// Open the filter line of the incident list.
    OpenFilter,
    /// A key for the open filter line.
    FilterKey(KeyEvent),
    /// Drop the kept filter (Esc on the dashboard).
    ClearFilter,
    /// Fill in the page in view: the daily record, or record the handover.
    Edit,
    /// The day (or quarter) before the one in view.
    Earlier,
    Later,
    /// Copy the page to the terminal's clipboard (OSC 52).
    Copy,
    /// Write the page as Markdown to a file.
    Export,
    /// The event loop wrote (or failed to write) an export: the path, or why not.
    Exported(Result<String, String>),
    /// A key for the open form.
    FormKey(KeyEvent),
    Paste(String),
    /// The engine answered command `token`; an error is its message.
    Reply {
        token: u64,
        result: Result<Box<Reply>, String>,
    },
}

impl Action {
    /// Opens a form whose submission changes something: refused on a read-only dashboard.
    pub fn changes_something(&self) -> bool {
        matches!(
            self,
            Action::New
                | Action::Acknowledge
                | Action::Plan
                | Action::Resolve
                | Action::Note
                | Action::Reclassify
                | Action::Edit
        )
    }
}

/// What the event loop must do after an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Execute {
        token: u64,
        command: Command,
    },
    /// Put this text on the clipboard of the terminal the engineer sits at.
    Copy(String),
    /// Write this text to a file of this name in the export directory.
    Export {
        name: String,
        text: String,
    },
    Quit,
}

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

/// A [`Listing`] with what it was made from, so that it is made again only when one of them changes.
struct Listed {
    snapshot: Arc<Snapshot>,
    now: DateTime<Utc>,
    filter: String,
    listing: Listing,
}

impl Listed {
    fn new(snapshot: &Arc<Snapshot>, now: DateTime<Utc>, filter: &str) -> Listed {
        Listed {
            snapshot: snapshot.clone(),
            now,
            filter: filter.to_string(),
            listing: Listing::new(snapshot, now, filter),
        }
    }
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

    /// The incident list for the snapshot, second and filter now in the app, made again only if one changed.
    pub fn listing(&mut self) -> &Listing {
        self.sync_listing();
        &self.listed.listing
    }

    /// What a frame is drawn from: the snapshot, the UI state and the incident list that goes with them.
    pub fn screen(&mut self) -> (&Snapshot, &UiState, &Listing) {
        self.sync_listing();
        (&self.snapshot, &self.ui, &self.listed.listing)
    }

    fn sync_listing(&mut self) {
        let listed = &mut self.listed;
        if !Arc::ptr_eq(&listed.snapshot, &self.snapshot) {
            *listed = Listed::new(&self.snapshot, self.now, &self.ui.filter);
            return;
        }
        if listed.now != self.now {
            listed.listing.rerank(&self.snapshot, self.now);
            listed.now = self.now;
        }
        if listed.filter != self.ui.filter {
            listed.listing.refilter(&self.snapshot, &self.ui.filter);
            listed.filter.clone_from(&self.ui.filter);
        }
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

    fn open_form(&mut self, make: fn(&Incident) -> Form) {
        match self.current_incident() {
            Some(incident) => {
                let form = make(incident);
                self.ui.form = Some(form);
            }
            None => self.flash(Message::NoSelection),
        }
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

    fn form_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let (now, tz) = (self.now, self.snapshot.timezone);
        let form = self.ui.form.as_mut()?;
        match form.key(key, now, tz) {
            FormEvent::Consumed => None,
            FormEvent::Cancel => {
                self.ui.form = None;
                None
            }
            FormEvent::Submit(command) => {
                let token = self.take_token();
                let form = self.ui.form.as_mut()?;
                form.status = FormStatus::Saving { token };
                form.error = None;
                if matches!(command, Command::OpenIncident(_)) {
                    self.opening = Some(token);
                }
                Some(Effect::Execute { token, command })
            }
        }
    }

    fn take_token(&mut self) -> u64 {
        let token = self.next_token;
        self.next_token += 1;
        token
    }

    fn reply(&mut self, token: u64, result: Result<Box<Reply>, String>) -> Option<Effect> {
        if self.page_reply(token, &result) {
            return None;
        }
        let saved_id = match &result {
            Ok(reply) => match reply.as_ref() {
                Reply::Incident(incident) => Some(incident.id),
                Reply::Records(_) | Reply::Store(_) | Reply::Intake(_) => None,
            },
            Err(_) => None,
        };
        let form_waits = matches!(&self.ui.form, Some(f) if f.status == FormStatus::Saving { token });
        if form_waits && let Some(form) = &mut self.ui.form {
            match &result {
                Ok(_) => form.status = FormStatus::Saved { at: self.now },
                Err(message) => {
                    form.status = FormStatus::Editing;
                    form.error = Some(message.clone());
                }
            }
        } else {
            match &result {
                Ok(_) => self.flash(Message::Saved(
                    saved_id.map(|id| id.to_string()).unwrap_or_default(),
                )),
                Err(message) => self.flash(Message::Failed(message.clone())),
            }
        }
        // A new incident becomes the selection, so the next key acts on it.
        if self.opening == Some(token) {
            self.opening = None;
            if let (Some(id), View::Dashboard) = (saved_id, &self.ui.view) {
                self.ui.selected = Some(id);
                self.ui.focus = Panel::Incidents;
                self.awaiting = Some(id);
            }
        }
        self.after_save(&result)
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
