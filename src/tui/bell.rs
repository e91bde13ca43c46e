//! The terminal bell (`[notify] bell = true`): one BEL when a critical incident appears that this dashboard has
//! not seen before, so an engineer with the dashboard in another window hears a new outage. What was already
//! open when the dashboard started is known to whoever started it and does not ring.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::engine::Snapshot;
use crate::model::IncidentId;
use crate::policy::Severity;

/// What the terminal is sent to ring.
pub const BEL: &str = "\x07";

/// Which incidents this dashboard has seen, to ring once per new critical one.
#[derive(Debug, Default)]
pub struct Bell {
    enabled: bool,
    /// Every incident id seen in a snapshot so far; `None` until the first real snapshot.
    seen: Option<HashSet<IncidentId>>,
}

impl Bell {
    pub fn new(enabled: bool) -> Bell {
        Bell { enabled, seen: None }
    }

    /// Takes in a snapshot; true when it brings an open critical incident whose id no earlier snapshot had.
    /// The first snapshot with content (not the engine's placeholder, nor an attached client's before the
    /// daemon answers) only sets what has been seen.
    pub fn rings(&mut self, snapshot: &Snapshot) -> bool {
        if !self.enabled || snapshot.generated_at == DateTime::<Utc>::MIN_UTC {
            return false;
        }
        let ids = snapshot
            .open_incidents
            .iter()
            .chain(&snapshot.recently_resolved)
            .map(|i| i.id);
        let Some(seen) = &mut self.seen else {
            self.seen = Some(ids.collect());
            return false;
        };
        let new_critical = snapshot
            .open_incidents
            .iter()
            .any(|i| i.severity == Severity::Critical && !seen.contains(&i.id));
        seen.extend(ids);
        new_critical
    }
}
