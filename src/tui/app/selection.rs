//! The cursor: moving it over the list in view (the incidents as filtered and ranked on screen, the
//! subsystems, the hosts) or scrolling a detail page, and keeping it on the same incident as the list changes.

use super::{App, Panel, View};
use crate::model::IncidentId;

impl App {
    /// Moves the cursor of the focused list, or scrolls a detail view.
    pub(super) fn step(&mut self, by: isize) {
        let clamp = |at: usize, len: usize| -> usize {
            if len == 0 {
                0
            } else {
                (at as isize).saturating_add(by).clamp(0, len as isize - 1) as usize
            }
        };
        match (&self.ui.view, self.ui.focus) {
            (View::Dashboard, Panel::Incidents) => {
                let (at, len) = (self.row_of_selected().unwrap_or(0), self.listing().len());
                let to = clamp(at, len);
                self.ui.selected = self.id_at(to);
                self.ui.selected_row = to;
            }
            (View::Dashboard, Panel::Subsystems) => {
                self.ui.subsystem_row = clamp(self.ui.subsystem_row, self.snapshot.subsystems.len());
            }
            (View::Dashboard, Panel::Hosts) => {
                self.ui.host_row = clamp(self.ui.host_row, self.snapshot.hosts.len());
            }
            _ => {
                // The view clamps the scroll to what it has; keep it from running away.
                self.ui.detail_scroll = clamp(self.ui.detail_scroll, 10_000);
            }
        }
    }

    /// The row of the selected incident in the list on screen, if it is listed.
    fn row_of_selected(&mut self) -> Option<usize> {
        let id = self.ui.selected?;
        self.sync_listing();
        self.listed
            .listing
            .visible(&self.snapshot)
            .position(|r| r.incident.id == id)
    }

    /// The incident on a row of the list on screen.
    fn id_at(&mut self, row: usize) -> Option<IncidentId> {
        self.sync_listing();
        self.listed
            .listing
            .visible(&self.snapshot)
            .nth(row)
            .map(|r| r.incident.id)
    }

    /// Keeps the selection on an incident that is still listed, or on the row where it was.
    pub(super) fn reselect(&mut self) {
        match self.row_of_selected() {
            Some(row) => {
                self.ui.selected_row = row;
                if self.awaiting == self.ui.selected {
                    self.awaiting = None;
                }
            }
            None if self.awaiting.is_some() && self.awaiting == self.ui.selected => {}
            None => {
                let row = self.ui.selected_row.min(self.listing().len().saturating_sub(1));
                self.ui.selected = self.id_at(row);
                self.ui.selected_row = row;
            }
        }
        self.ui.subsystem_row = self
            .ui
            .subsystem_row
            .min(self.snapshot.subsystems.len().saturating_sub(1));
        self.ui.host_row = self.ui.host_row.min(self.snapshot.hosts.len().saturating_sub(1));
    }
}
