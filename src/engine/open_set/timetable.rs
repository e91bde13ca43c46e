//! When each open incident next has something to say: a reminder lead reached, a deadline passed, a renotify
//! round begun, the escalation delay over. The tick looks only at the incidents whose moment has come, so a
//! quiet second costs the same with a thousand open incidents as with ten.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::model::IncidentId;

#[derive(Debug, Default)]
pub(super) struct Timetable {
    by_time: BTreeSet<(DateTime<Utc>, IncidentId)>,
    of: HashMap<IncidentId, DateTime<Utc>>,
}

impl Timetable {
    /// `id` is looked at `at`, or (`None`) only after it changes again.
    pub(super) fn set(&mut self, id: IncidentId, at: Option<DateTime<Utc>>) {
        if let Some(old) = self.of.remove(&id) {
            self.by_time.remove(&(old, id));
        }
        if let Some(at) = at {
            self.of.insert(id, at);
            self.by_time.insert((at, id));
        }
    }

    /// `id` is new or changed: looked at by the next tick, whatever its time.
    pub(super) fn soon(&mut self, id: IncidentId) {
        self.set(id, Some(DateTime::<Utc>::MIN_UTC));
    }

    /// Takes out the incidents whose moment is `now` or earlier, in id order.
    pub(super) fn take_due(&mut self, now: DateTime<Utc>) -> Vec<IncidentId> {
        let mut due = Vec::new();
        while let Some(&(at, id)) = self.by_time.first()
            && at <= now
        {
            self.by_time.pop_first();
            self.of.remove(&id);
            due.push(id);
        }
        due.sort_unstable();
        due
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.of.len()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn an_incident_is_due_once_at_its_latest_time_and_forgotten_when_unset() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
        let id = |seq| IncidentId { year: 2026, seq };
        let mut table = Timetable::default();
        table.set(id(3), Some(t0 + Duration::minutes(5)));
        table.set(id(1), Some(t0 + Duration::minutes(5)));
        table.set(id(2), Some(t0 + Duration::minutes(1)));
        // Moved later: its earlier time no longer counts.
        table.set(id(2), Some(t0 + Duration::minutes(10)));
        table.soon(id(4));
        table.set(id(5), Some(t0));
        table.set(id(5), None);
        assert_eq!(table.take_due(t0), vec![id(4)]);
        assert_eq!(table.take_due(t0 + Duration::minutes(5)), vec![id(1), id(3)]);
        assert!(table.take_due(t0 + Duration::minutes(9)).is_empty());
        assert_eq!(table.take_due(t0 + Duration::days(1)), vec![id(2)]);
        assert_eq!(table.len(), 0);
    }
}
