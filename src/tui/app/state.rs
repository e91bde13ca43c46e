//! The UI's own state: focus, selection, what is open; and the questions about it that both the key handler and
//! the view ask (which incident the keys act on, which keys work).

use chrono::{DateTime, Utc};

use crate::engine::Snapshot;
use crate::model::{Incident, IncidentId};
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
    NotAvailable(&'static str),
    NoSelection,
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
    /// The OS user at this terminal, shown as on duty.
    pub on_duty: String,
    /// An extra line under the header, e.g. where an attached session is attached to.
    pub banner: Option<String>,
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
            on_duty: on_duty.to_string(),
            banner: None,
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
    }
}

/// An incident by id among the open and the recently resolved.
pub fn find_incident(snapshot: &Snapshot, id: IncidentId) -> Option<&Incident> {
    snapshot
        .open_incidents
        .iter()
        .chain(&snapshot.recently_resolved)
        .find(|i| i.id == id)
}
