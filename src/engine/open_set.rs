//! The incidents not yet resolved, as the engine keeps them: each one shared (`Arc`) with the snapshots that
//! show it, and kept in the order the dashboard lists them (next deadline first), so a change costs one
//! incident's copy and two ordered-map updates, not a copy and a sort of the whole open set. The set also keeps
//! when each incident next has something to say (its [`Timetable`]), and looks again at once at any incident
//! that changes.

mod timetable;

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{Incident, IncidentId};
use crate::policy::Policy;
use timetable::Timetable;

/// Where an incident stands in the list: the due time of its first deadline not yet done (none first), then
/// its id. A deadline stays pending until its step is done, whatever the time, so the key does not age.
type Place = (Option<DateTime<Utc>>, IncidentId);

pub(super) struct OpenSet {
    policy: Arc<Policy>,
    by_id: BTreeMap<IncidentId, (Place, Arc<Incident>)>,
    by_deadline: BTreeMap<Place, Arc<Incident>>,
    /// The list in deadline order as last published, shared by every snapshot until the set changes.
    listed: OnceCell<Arc<[Arc<Incident>]>>,
    timetable: Timetable,
}

impl OpenSet {
    pub(super) fn new(policy: Arc<Policy>, incidents: Vec<Incident>) -> OpenSet {
        let mut set = OpenSet {
            policy,
            by_id: BTreeMap::new(),
            by_deadline: BTreeMap::new(),
            listed: OnceCell::new(),
            timetable: Timetable::default(),
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

    pub(super) fn contains_key(&self, id: &IncidentId) -> bool {
        self.by_id.contains_key(id)
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &Incident> {
        self.by_id.values().map(|(_, i)| &**i)
    }

    /// Keeps `incident` (new or changed) in place of the one with its id; the next tick looks at it.
    pub(super) fn insert(&mut self, incident: Incident) {
        self.timetable.soon(incident.id);
        self.listed.take();
        let place = self.place(&incident);
        let incident = Arc::new(incident);
        if let Some((old, _)) = self.by_id.insert(incident.id, (place, incident.clone())) {
            self.by_deadline.remove(&old);
        }
        self.by_deadline.insert(place, incident);
    }

    pub(super) fn remove(&mut self, id: &IncidentId) -> Option<Arc<Incident>> {
        self.timetable.set(*id, None);
        let (place, incident) = self.by_id.remove(id)?;
        self.listed.take();
        self.by_deadline.remove(&place);
        Some(incident)
    }

    /// The incidents whose moment to say something has come (at `now` or before), in id order; each is taken
    /// off the timetable until [`OpenSet::look_again`] puts it back.
    pub(super) fn take_due(&mut self, now: DateTime<Utc>) -> Vec<Arc<Incident>> {
        self.timetable
            .take_due(now)
            .into_iter()
            .filter_map(|id| self.get(&id).cloned())
            .collect()
    }

    /// Looks at incident `id` again at `at`, or (`None`) only once it changes.
    pub(super) fn look_again(&mut self, id: IncidentId, at: Option<DateTime<Utc>>) {
        if self.by_id.contains_key(&id) {
            self.timetable.set(id, at);
        }
    }

    /// The earliest due time after `now` of an incident's first deadline not yet done: read off the deadline
    /// order, since a pending deadline stays first until its step is done.
    pub(super) fn first_due_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let last_of_now = (
            Some(now),
            IncidentId {
                year: i32::MAX,
                seq: u32::MAX,
            },
        );
        self.by_deadline
            .range((Bound::Excluded(last_of_now), Bound::Unbounded))
            .next()
            .and_then(|((due, _), _)| *due)
    }

    /// Next deadline first: what the snapshot lists. Made once per change of the set, then shared.
    pub(super) fn by_deadline(&self) -> Arc<[Arc<Incident>]> {
        self.listed
            .get_or_init(|| self.by_deadline.values().cloned().collect())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::config::{Config, TEMPLATE};
    use crate::model::{Actor, NewIncident};
    use crate::policy::{Kind, Severity};

    /// The list the snapshot showed before the set kept its order: every incident, sorted by next deadline.
    fn sorted(set: &OpenSet, policy: &Policy, now: DateTime<Utc>) -> Vec<IncidentId> {
        let mut all: Vec<&Incident> = set.values().collect();
        all.sort_by_key(|i| i.next_deadline(policy, now).map(|d| d.due));
        all.iter().map(|i| i.id).collect()
    }

    #[test]
    fn the_list_stays_in_deadline_order_through_changes() {
        let config = Config::parse(std::path::Path::new("c.toml"), TEMPLATE).unwrap();
        let policy = Arc::new(config.policy.clone());
        let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
        let actor = Actor::named("li");
        let mut rng = fastrand::Rng::with_seed(7);
        let incidents: Vec<Incident> = (1..=40)
            .map(|seq| {
                let new = NewIncident {
                    kind: [Kind::Fault, Kind::Change, Kind::Support][rng.usize(..3)],
                    severity: Severity::ALL[rng.usize(..3)],
                    title: format!("#{seq}"),
                    subsystem: None,
                    detected_at: Some(t0 - chrono::Duration::minutes(rng.i64(0..5000))),
                    host: None,
                    source: None,
                };
                Incident::open(IncidentId { year: 2026, seq }, new, actor.clone(), t0).unwrap()
            })
            .collect();
        let mut set = OpenSet::new(policy.clone(), incidents.clone());
        let order = |set: &OpenSet| set.by_deadline().iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(order(&set), sorted(&set, &policy, t0));
        for (n, incident) in incidents.iter().enumerate() {
            let mut changed = incident.clone();
            let _ = changed.acknowledge(&actor, None, t0, None, None);
            set.insert(changed);
            if n % 3 == 0 {
                set.remove(&incident.id);
            }
            // Time passing does not reorder: a deadline stays pending until its step is done.
            let later = t0 + chrono::Duration::days(n as i64);
            assert_eq!(order(&set), sorted(&set, &policy, later), "after change {n}");
        }
    }
}
