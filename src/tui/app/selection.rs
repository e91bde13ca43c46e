//! The cursor: moving it over the list in view (the incidents as filtered and ranked on screen, the
//! subsystems, the hosts) or scrolling a detail page, and keeping it on the same incident as the list changes.

use super::{App, Panel, View};
use crate::model::IncidentId;
use crate::tui::urgency;

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
                let ids = self.ranked_ids();
                let at = self
                    .ui
                    .selected
                    .and_then(|id| ids.iter().position(|i| *i == id))
                    .unwrap_or(0);
                let to = clamp(at, ids.len());
                self.ui.selected = ids.get(to).copied();
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

    pub(super) fn ranked_ids(&self) -> Vec<IncidentId> {
        urgency::visible(&self.snapshot, self.now, &self.ui.filter)
            .into_iter()
            .map(|r| r.incident.id)
            .collect()
    }

    /// Keeps the selection on an incident that is still listed, or on the row where it was.
    pub(super) fn reselect(&mut self) {
        let ids = self.ranked_ids();
        match self.ui.selected.and_then(|id| ids.iter().position(|i| *i == id)) {
            Some(row) => {
                self.ui.selected_row = row;
                if self.awaiting == self.ui.selected {
                    self.awaiting = None;
                }
            }
            None if self.awaiting.is_some() && self.awaiting == self.ui.selected => {}
            None => {
                let row = self.ui.selected_row.min(ids.len().saturating_sub(1));
                self.ui.selected = ids.get(row).copied();
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
