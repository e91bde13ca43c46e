//! What changed between two snapshots, and how to bring a copy of the older one up to the newer: what a
//! dashboard attached to the daemon receives after its first full snapshot.
//!
//! Lists of things with a name (hosts, incidents, the score's table and its faults) travel entry by entry
//! ([`ListDelta`]): the entries that are new or differ, the keys that went, and the entries that moved when
//! applying those would not give the new order. The subsystems travel field by field, their checks check by
//! check and their sparklines by the values added ([`SubsystemsDelta`]); the score field by field
//! ([`ScoreDelta`]); every other section travels whole, and only when it changed. An incident carries only
//! what is stored: countdowns are worked out by the screen from its deadlines and the clock, so time passing
//! sends nothing.
//! [`SnapshotDelta::between`] and [`SnapshotDelta::apply`] name every field of [`Snapshot`], so a new field
//! does not compile until it is given a line in both.

use std::hash::Hash;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DeliveryStatus, HostView, Mode, RecordsStatus, Snapshot, SubsystemView};
use crate::model::{Incident, IncidentId};

mod fields;
mod in_place;
mod list;
mod score;

pub use in_place::{CheckParts, InPlace, Parts, Series, SubsystemParts, SubsystemsDelta};
pub use list::{ListDelta, Moves};
pub use score::{ScoreDelta, ScoreParts};

/// An entry of a keyed list.
pub trait Entry: Clone {
    type Key: Clone + Eq + Hash;
    fn key(&self) -> Self::Key;
    /// Equal content (an entry shared with the older snapshot is equal without a look inside).
    fn same(&self, other: &Self) -> bool;
}

fields::keyed_by!(SubsystemView: id as String, HostView: name as String);

impl Entry for Arc<Incident> {
    type Key = IncidentId;
    fn key(&self) -> IncidentId {
        self.id
    }
    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other) || **self == **other
    }
}

/// The change to a list the engine shares between snapshots while it stays the same: nothing to compare then.
fn shared_list<T: Entry>(old: &Arc<[T]>, new: &Arc<[T]>) -> ListDelta<T::Key, T> {
    if Arc::ptr_eq(old, new) {
        return ListDelta::default();
    }
    ListDelta::between(old, new)
}

/// A section sent whole because it changed (`{"value": null}` is a change to nothing, not "no change").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Whole<T> {
    pub value: T,
}

fn whole<T: PartialEq + Clone>(old: &T, new: &T) -> Option<Whole<T>> {
    (old != new).then(|| Whole { value: new.clone() })
}

fn set<T>(section: Option<Whole<T>>, field: &mut T) {
    if let Some(Whole { value }) = section {
        *field = value;
    }
}

/// The delta did not fit the snapshot it was applied to; ask for a full one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a snapshot delta does not fit the snapshot it was applied to")]
pub struct DeltaError;

/// From one snapshot to a later one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotDelta {
    pub generated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Whole<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Whole<Mode>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsystems: Option<SubsystemsDelta>,
    #[serde(default, skip_serializing_if = "ListDelta::is_empty")]
    pub hosts: ListDelta<String, HostView>,
    #[serde(default, skip_serializing_if = "ListDelta::is_empty")]
    pub open_incidents: ListDelta<IncidentId, Arc<Incident>>,
    #[serde(default, skip_serializing_if = "ListDelta::is_empty")]
    pub recently_resolved: ListDelta<IncidentId, Arc<Incident>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<Whole<RecordsStatus>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreDelta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_error: Option<Whole<Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Whole<DeliveryStatus>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_events: Option<Whole<u64>>,
}

impl SnapshotDelta {
    /// What turns `old` into `new`. The time zone and the policy are the receiver's own and never travel.
    pub fn between(old: &Snapshot, new: &Snapshot) -> SnapshotDelta {
        let Snapshot {
            generated_at,
            platform,
            timezone: _,
            mode,
            policy: _,
            subsystems,
            hosts,
            open_incidents,
            recently_resolved,
            records,
            score,
            engine_error,
            delivery,
            audit_events,
        } = new;
        SnapshotDelta {
            generated_at: *generated_at,
            platform: whole(&old.platform, platform),
            mode: whole(&old.mode, mode),
            subsystems: SubsystemsDelta::between(&old.subsystems, subsystems),
            hosts: ListDelta::between(&old.hosts, hosts),
            open_incidents: shared_list(&old.open_incidents, open_incidents),
            recently_resolved: ListDelta::between(&old.recently_resolved, recently_resolved),
            records: whole(&old.records, records),
            score: ScoreDelta::between(&old.score, score),
            engine_error: whole(&old.engine_error, engine_error),
            delivery: whole(&old.delivery, delivery),
            audit_events: whole(&old.audit_events, audit_events),
        }
    }

    /// Brings `snapshot` (a copy of the older one) up to the newer. On an error the copy is unusable: replace
    /// it with a full snapshot.
    pub fn apply(self, snapshot: &mut Snapshot) -> Result<(), DeltaError> {
        let SnapshotDelta {
            generated_at,
            platform,
            mode,
            subsystems,
            hosts,
            open_incidents,
            recently_resolved,
            records,
            score,
            engine_error,
            delivery,
            audit_events,
        } = self;
        snapshot.generated_at = generated_at;
        set(platform, &mut snapshot.platform);
        set(mode, &mut snapshot.mode);
        if let Some(subsystems) = subsystems {
            subsystems.apply(&mut snapshot.subsystems)?;
        }
        hosts.apply(&mut snapshot.hosts)?;
        if !open_incidents.is_empty() {
            let mut list = snapshot.open_incidents.to_vec();
            open_incidents.apply(&mut list)?;
            snapshot.open_incidents = list.into();
        }
        recently_resolved.apply(&mut snapshot.recently_resolved)?;
        set(records, &mut snapshot.records);
        if let Some(score) = score {
            score.apply(&mut snapshot.score)?;
        }
        set(engine_error, &mut snapshot.engine_error);
        set(delivery, &mut snapshot.delivery);
        set(audit_events, &mut snapshot.audit_events);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
