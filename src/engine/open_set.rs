//! The incidents not yet resolved, as the engine keeps them: each one shared (`Arc`) with the snapshots that
//! show it, and kept in the order the dashboard lists them (next deadline first), so a change costs one
//! incident's copy and two ordered-map updates, not a copy and a sort of the whole open set.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{Incident, IncidentId};
use crate::policy::Policy;

/// Where an incident stands in the list: the due time of its first deadline not yet done (none first), then
/// its id. A deadline stays pending until its step is done, whatever the time, so the key does not age.
type Place = (Option<DateTime<Utc>>, IncidentId);

pub(super) struct OpenSet {
    policy: Arc<Policy>,
    by_id: BTreeMap<IncidentId, (Place, Arc<Incident>)>,
    by_deadline: BTreeMap<Place, Arc<Incident>>,
}

impl OpenSet {
    pub(super) fn new(policy: Arc<Policy>, incidents: Vec<Incident>) -> OpenSet {
        let mut set = OpenSet {
            policy,
            by_id: BTreeMap::new(),
            by_deadline: BTreeMap::new(),
        };
        for incident in incidents {
            set.insert(incident);
        }
        set
    }

    fn place(&self, incident: &Incident) -> Place {
        let due = incident
            .next_deadline(&self.policy, incident.detected_at)
            .map(|d| d.due);
        (due, incident.id)
    }

    pub(super) fn get(&self, id: &IncidentId) -> Option<&Arc<Incident>> {
        self.by_id.get(id).map(|(_, i)| i)
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &Incident> {
        self.by_id.values().map(|(_, i)| &**i)
    }

    /// Keeps `incident` (new or changed) in place of the one with its id.
    pub(super) fn insert(&mut self, incident: Incident) {
        let place = self.place(&incident);
        let incident = Arc::new(incident);
        if let Some((old, _)) = self.by_id.insert(incident.id, (place, incident.clone())) {
            self.by_deadline.remove(&old);
        }
        self.by_deadline.insert(place, incident);
    }

    pub(super) fn remove(&mut self, id: &IncidentId) -> Option<Arc<Incident>> {
        let (place, incident) = self.by_id.remove(id)?;
        self.by_deadline.remove(&place);
        Some(incident)
    }

    /// Next deadline first: what the snapshot lists. Copies pointers only.
    pub(super) fn by_deadline(&self) -> Vec<Arc<Incident>> {
        self.by_deadline.values().cloned().collect()
    }
}
