//! The UI's own state: focus, selection, what is open; and the questions about it that both the key handler and
//! the view ask (which incident the keys act on, which keys work).

use chrono::{DateTime, Utc};

use crate::engine::Snapshot;
use crate::model::{Entry, Incident, IncidentId};
use crate::report::daily::DailyView;
use crate::report::handover::HandoverSummary;
use crate::report::score::Score;
use crate::tui::form::Form;
use crate::tui::keymap::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Incidents,
    Subsystems,
    Hosts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Dashboard,
    Incident(IncidentId),
    /// The checks of one subsystem, by id.
    Subsystem(String),
    /// A records page: its content is [`UiState::page`].
    Records(Page),
}

/// The records pages, each a key away from anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// 日台账: a day's record with its figures.
    Daily,
    /// 交接班: the summary since the last handover.
    Handover,
    /// 考核评分: the quarter's score, item by item.
    Score,
    /// 通知: how delivery to each channel goes, and the outbox newest first.
    Notifications,
}

/// What a records page shows: asked of the engine when the page opens, replaced by what the engine answers.
#[derive(Debug, Clone, PartialEq)]
pub enum PageContent {
    Loading,
    Failed(String),
    Daily(Box<DailyView>),
    Handover(Box<HandoverSummary>),
    Score(Box<Score>),
    /// The newest outbox entries, newest first.
    Outbox(Vec<Entry>),
}

impl PageContent {
    /// The page this content belongs on (`None` while loading or after a failure).
    pub fn page(&self) -> Option<Page> {
        match self {
            PageContent::Daily(_) => Some(Page::Daily),
            PageContent::Handover(_) => Some(Page::Handover),
            PageContent::Score(_) => Some(Page::Score),
            PageContent::Outbox(_) => Some(Page::Notifications),
            PageContent::Loading | PageContent::Failed(_) => None,
        }
    }
}

/// A line for the status bar that goes away by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub message: Message,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Saved, with the incident it was about.
    Saved(String),
    NoSelection,
    /// A key that would change something, on a read-only dashboard.
    ReadOnly,
    /// Copied to the terminal's clipboard, this many characters.
    Copied(usize),
    /// Written to this file.
    Written(String),
    /// The page has nothing for this key yet (still loading, or it failed).
    PageLoading,
    Failed(String),
}

/// Everything the screen shows that is not in the snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub focus: Panel,
    pub view: View,
    pub selected: Option<IncidentId>,
    /// Row of the selection, to land near it when the selected incident leaves the list.
    pub selected_row: usize,
    pub subsystem_row: usize,
    pub host_row: usize,
    pub detail_scroll: usize,
    pub help: bool,
    pub form: Option<Form>,
    pub flash: Option<Flash>,
    /// The content of the records page in view (or last in view).
    pub page: PageContent,
    /// The token of the engine request whose answer the page waits for.
    pub page_request: Option<u64>,
    /// Words every listed incident must contain (id, title, subsystem, kind, severity); empty lists all.
    pub filter: String,
    /// The filter line has the keyboard.
    pub filtering: bool,
    /// The OS user at this terminal, shown as on duty.
    pub on_duty: String,
    /// An extra line under the header, e.g. where an attached session is attached to.
    pub banner: Option<String>,
    /// Only looking (an observer, or `attach --readonly`): keys that would change something say so.
    pub read_only: bool,
}

impl UiState {
    pub fn new(on_duty: &str) -> UiState {
        UiState {
            focus: Panel::Incidents,
            view: View::Dashboard,
            selected: None,
            selected_row: 0,
            subsystem_row: 0,
            host_row: 0,
            detail_scroll: 0,
            help: false,
            form: None,
            flash: None,
            page: PageContent::Loading,
            page_request: None,
            filter: String::new(),
            filtering: false,
            on_duty: on_duty.to_string(),
            banner: None,
            read_only: false,
        }
    }
}

/// The incident the action keys act on: the one in the details view, or the selected row of the list.
pub fn current_incident<'a>(snapshot: &'a Snapshot, ui: &UiState) -> Option<&'a Incident> {
    let id = match &ui.view {
        View::Incident(id) => *id,
        View::Dashboard if ui.focus == Panel::Incidents => ui.selected?,
        _ => return None,
    };
    find_incident(snapshot, id)
}

/// What decides which keys work (and which the footer lists).
pub fn context(snapshot: &Snapshot, ui: &UiState) -> Context {
    Context {
        dashboard: ui.view == View::Dashboard,
        openable: matches!(ui.focus, Panel::Incidents | Panel::Subsystems),
        incident: current_incident(snapshot, ui).is_some(),
        filtered: !ui.filter.trim().is_empty(),
        page: match ui.view {
            View::Records(page) => Some(page),
            _ => None,
        },
    }
}

/// An incident by id among the open and the recently resolved.
pub fn find_incident(snapshot: &Snapshot, id: IncidentId) -> Option<&Incident> {
    snapshot
        .open_incidents
        .iter()
        .chain(&snapshot.recently_resolved)
        .find(|i| i.id == id)
        .map(|i| &**i)
}
