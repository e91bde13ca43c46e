//! The incident list as ranked and filtered on screen, kept with the snapshot, second and filter it was made
//! for: it is made again only when one of them changes, not on every key or frame.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{App, UiState};
use crate::engine::Snapshot;
use crate::tui::urgency::Listing;

/// A [`Listing`] with what it was made from, so that it is made again only when one of them changes.
pub(super) struct Listed {
    snapshot: Arc<Snapshot>,
    now: DateTime<Utc>,
    filter: String,
    pub(super) listing: Listing,
}

impl Listed {
    pub(super) fn new(snapshot: &Arc<Snapshot>, now: DateTime<Utc>, filter: &str) -> Listed {
        Listed {
            snapshot: snapshot.clone(),
            now,
            filter: filter.to_string(),
            listing: Listing::new(snapshot, now, filter),
        }
    }
}

impl App {
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

    pub(super) fn sync_listing(&mut self) {
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
}
