//! The incidents the live score reads, kept in memory and updated as incidents change, so that refreshing the
//! score (every few seconds after any write, and at every passed deadline) reads no incident from the store.
//! A year with 100,000 incidents was read and decoded in full, twice, at each refresh; now the half-year's
//! incidents are read once (at start-up and when a new quarter begins) and each change replaces one entry.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::model::{Incident, Quarter};
use crate::policy::Policy;
use crate::report::score::{self, Score};
use crate::store::{Store, StoreError};

/// The incidents detected in a quarter and in the other quarter of its half-year, each list sorted by id.
#[derive(Debug, Default)]
pub(in crate::engine) struct ScoreInputs {
    loaded: Option<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    quarter: Quarter,
    partner: Quarter,
    zone: Tz,
    /// Indexed like `[quarter, partner]` (the other quarter of its half year, see `Contract::partner`).
    incidents: [Vec<Incident>; 2],
}

impl ScoreInputs {
    /// The score of `quarter` as of `now` with its half-year figure: incidents from memory (read from the
    /// store only when the quarter is not the one held), the small records from the store.
    pub(in crate::engine) fn score(
        &mut self,
        store: &Store,
        policy: &Policy,
        quarter: Quarter,
        now: DateTime<Utc>,
    ) -> Result<Score, StoreError> {
        let zone = policy.calendar.zone;
        let partner = policy.contract.partner(quarter);
        let loaded = match &mut self.loaded {
            Some(loaded) if loaded.quarter == quarter && loaded.partner == partner && loaded.zone == zone => {
                loaded
            }
            slot => slot.insert(Loaded {
                quarter,
                partner,
                zone,
                incidents: score::incidents_of(store, [quarter, partner], zone)?,
            }),
        };
        let [this, other] = &loaded.incidents;
        let this_records = score::records_besides_incidents(store, quarter)?;
        let other_records = score::records_besides_incidents(store, partner)?;
        let mut this_input = this_records.input(quarter, now, policy);
        this_input.incidents = this;
        let mut other_input = other_records.input(partner, now, policy);
        other_input.incidents = other;
        Ok(score::with_half_year(&this_input, &other_input))
    }

    /// An incident was opened or changed (and stored): keep its latest state if it belongs to the half-year
    /// held. Its detection time decides the quarter, and never changes.
    pub(in crate::engine) fn incident_changed(&mut self, incident: &Incident) {
        let Some(loaded) = &mut self.loaded else {
            return;
        };
        let day = incident.detected_at.with_timezone(&loaded.zone).date_naive();
        let quarters = [loaded.quarter, loaded.partner];
        let Some(list) = quarters
            .iter()
            .position(|q| q.contains(day))
            .and_then(|n| loaded.incidents.get_mut(n))
        else {
            return;
        };
        match list.binary_search_by_key(&incident.id, |i| i.id) {
            Ok(at) => {
                if let Some(slot) = list.get_mut(at) {
                    *slot = incident.clone();
                }
            }
            Err(at) => list.insert(at, incident.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{Actor, IncidentId, NewIncident, Resolution};
    use crate::policy::{Kind, Severity};

    fn incident(seq: u32, detected_at: DateTime<Utc>) -> Incident {
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: format!("故障 {seq}"),
            subsystem: None,
            detected_at: Some(detected_at),
            source: None,
            host: None,
        };
        Incident::open(
            IncidentId { year: 2026, seq },
            new,
            Actor::named("li"),
            detected_at,
        )
        .unwrap()
    }

    /// The kept score equals the score read from the store after every change.
    #[test]
    fn changes_kept_in_memory_give_the_score_read_from_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let policy = Policy::default();
        let at = |m: u32, d: u32| Utc.with_ymd_and_hms(2026, m, d, 2, 0, 0).single().unwrap();
        let now = at(11, 30);
        let q4 = Quarter::of_day(policy.calendar.local_day(now));
        let li = Actor::named("li");
        let put = |store: &mut Store, i: &Incident| {
            let puts = Store::put_incident(i).unwrap();
            store
                .commit(
                    &li,
                    now,
                    "incident.open",
                    &i.id.to_string(),
                    serde_json::json!({}),
                    puts,
                )
                .unwrap();
        };
        // One in Q4, one in Q3 (the partner), one in Q2 (neither).
        let mut kept = ScoreInputs::default();
        for (seq, when) in [(1, at(10, 20)), (2, at(8, 3)), (3, at(5, 1))] {
            put(&mut store, &incident(seq, when));
        }
        let first = kept.score(&store, &policy, q4, now).unwrap();
        assert_eq!(first, score::load(&store, &policy, q4, now).unwrap());

        // A new late fault in Q4 and the Q3 one resolved: both through `incident_changed` only.
        let late = incident(4, at(11, 1));
        put(&mut store, &late);
        kept.incident_changed(&late);
        let mut resolved = incident(2, at(8, 3));
        resolved
            .resolve(
                &li,
                None,
                at(8, 4),
                Resolution {
                    cause: "c".into(),
                    process: "p".into(),
                    solution: None,
                },
            )
            .unwrap();
        put(&mut store, &resolved);
        kept.incident_changed(&resolved);
        let second = kept.score(&store, &policy, q4, now).unwrap();
        assert_eq!(second, score::load(&store, &policy, q4, now).unwrap());
        assert_ne!(first, second);
    }
}
