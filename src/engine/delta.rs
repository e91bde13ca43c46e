//! What changed between two snapshots, and how to bring a copy of the older one up to the newer: what a
//! dashboard attached to the daemon receives after its first full snapshot.
//!
//! Lists of things with a name (subsystems, hosts, incidents) travel entry by entry: the entries that are new
//! or differ, the keys that went, and the new order only when applying those would not give it. Every other
//! section travels whole, and only when it changed. [`SnapshotDelta::between`] and [`SnapshotDelta::apply`]
//! name every field of [`Snapshot`], so a new field does not compile until it is given a line in both.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DeliveryStatus, HostView, Mode, RecordsStatus, ScoreSummary, Snapshot, SubsystemView};
use crate::model::{Incident, IncidentId};
use crate::report::score::FaultCost;

/// An entry of a keyed list.
pub trait Entry: Clone {
    type Key: Clone + Eq + Hash;
    fn key(&self) -> Self::Key;
    /// Equal content (an entry shared with the older snapshot is equal without a look inside).
    fn same(&self, other: &Self) -> bool;
}

impl Entry for SubsystemView {
    type Key = String;
    fn key(&self) -> String {
        self.id.clone()
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

impl Entry for HostView {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

impl Entry for Arc<Incident> {
    type Key = IncidentId;
    fn key(&self) -> IncidentId {
        self.id
    }
    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other) || **self == **other
    }
}

impl Entry for FaultCost {
    type Key = String;
    fn key(&self) -> String {
        self.id.clone()
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

/// The change to one keyed list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "T: Serialize, K: Serialize",
    deserialize = "T: Deserialize<'de>, K: Deserialize<'de>"
))]
pub struct ListDelta<K, T> {
    /// New entries and changed ones, whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upsert: Vec<T>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<K>,
    /// Every key in its new place; only when removing, replacing in place and adding at the end would not
    /// give the new order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<K>>,
}

impl<K, T> Default for ListDelta<K, T> {
    fn default() -> Self {
        ListDelta {
            upsert: Vec::new(),
            remove: Vec::new(),
            order: None,
        }
    }
}

impl<K, T> ListDelta<K, T> {
    pub fn is_empty(&self) -> bool {
        self.upsert.is_empty() && self.remove.is_empty() && self.order.is_none()
    }
}

impl<T: Entry> ListDelta<T::Key, T> {
    pub fn between(old: &[T], new: &[T]) -> Self {
        // The common case costs a comparison of pointers (or small values) per entry, no hashing.
        if old.len() == new.len() && old.iter().zip(new).all(|(a, b)| a.key() == b.key()) {
            let upsert = old
                .iter()
                .zip(new)
                .filter(|(a, b)| !a.same(b))
                .map(|(_, b)| b.clone())
                .collect();
            return ListDelta {
                upsert,
                ..ListDelta::default()
            };
        }
        let before: HashMap<T::Key, &T> = old.iter().map(|e| (e.key(), e)).collect();
        let after: HashSet<T::Key> = new.iter().map(Entry::key).collect();
        let upsert = new
            .iter()
            .filter(|e| before.get(&e.key()).is_none_or(|o| !o.same(e)))
            .cloned()
            .collect();
        let remove = old
            .iter()
            .map(Entry::key)
            .filter(|k| !after.contains(k))
            .collect();
        let applied = old
            .iter()
            .map(Entry::key)
            .filter(|k| after.contains(k))
            .chain(new.iter().map(Entry::key).filter(|k| !before.contains_key(k)));
        let order = (!applied.eq(new.iter().map(Entry::key))).then(|| new.iter().map(Entry::key).collect());
        ListDelta {
            upsert,
            remove,
            order,
        }
    }

    pub fn apply(self, list: &mut Vec<T>) -> Result<(), DeltaError> {
        if !self.remove.is_empty() {
            let gone: HashSet<T::Key> = self.remove.into_iter().collect();
            list.retain(|e| !gone.contains(&e.key()));
        }
        if !self.upsert.is_empty() {
            let mut at: HashMap<T::Key, usize> = list.iter().enumerate().map(|(i, e)| (e.key(), i)).collect();
            for entry in self.upsert {
                match at.get(&entry.key()) {
                    Some(&i) => list[i] = entry,
                    None => {
                        at.insert(entry.key(), list.len());
                        list.push(entry);
                    }
                }
            }
        }
        if let Some(order) = self.order {
            if order.len() != list.len() {
                return Err(DeltaError);
            }
            let mut by_key: HashMap<T::Key, T> = list.drain(..).map(|e| (e.key(), e)).collect();
            for key in order {
                list.push(by_key.remove(&key).ok_or(DeltaError)?);
            }
        }
        Ok(())
    }
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

/// The change to the score: its list of costly faults (as long as the open set, at worst) fault by fault, the
/// rest whole when it changed; or all of it when it came or went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreDelta {
    Whole(Option<ScoreSummary>),
    Parts {
        /// Everything but the faults, when it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        head: Option<Box<ScoreSummary>>,
        #[serde(default, skip_serializing_if = "ListDelta::is_empty")]
        faults: ListDelta<String, FaultCost>,
    },
}

/// The score without its faults.
fn head(score: &ScoreSummary) -> ScoreSummary {
    let ScoreSummary {
        quarter,
        total,
        fault_deductions,
        fee_pct,
        may_cancel,
        lines,
        faults: _,
        faults_count,
        not_entered,
        half_year_mean,
    } = score;
    ScoreSummary {
        quarter: quarter.clone(),
        total: *total,
        fault_deductions: *fault_deductions,
        fee_pct: *fee_pct,
        may_cancel: *may_cancel,
        lines: lines.clone(),
        faults: Vec::new(),
        faults_count: *faults_count,
        not_entered: not_entered.clone(),
        half_year_mean: *half_year_mean,
    }
}

impl ScoreDelta {
    fn between(old: &Option<ScoreSummary>, new: &Option<ScoreSummary>) -> Option<ScoreDelta> {
        match (old, new) {
            (Some(o), Some(n)) => {
                let faults = ListDelta::between(&o.faults, &n.faults);
                let (o_head, n_head) = (head(o), head(n));
                let head = (o_head != n_head).then(|| Box::new(n_head));
                (head.is_some() || !faults.is_empty()).then_some(ScoreDelta::Parts { head, faults })
            }
            _ => (old != new).then(|| ScoreDelta::Whole(new.clone())),
        }
    }

    fn apply(self, score: &mut Option<ScoreSummary>) -> Result<(), DeltaError> {
        match (self, score.as_mut()) {
            (ScoreDelta::Whole(new), _) => *score = new,
            (ScoreDelta::Parts { head, faults }, Some(current)) => {
                faults.apply(&mut current.faults)?;
                if let Some(head) = head {
                    let faults = std::mem::take(&mut current.faults);
                    *current = ScoreSummary { faults, ..*head };
                }
            }
            (ScoreDelta::Parts { .. }, None) => return Err(DeltaError),
        }
        Ok(())
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
    #[serde(default, skip_serializing_if = "ListDelta::is_empty")]
    pub subsystems: ListDelta<String, SubsystemView>,
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
            subsystems: ListDelta::between(&old.subsystems, subsystems),
            hosts: ListDelta::between(&old.hosts, hosts),
            open_incidents: ListDelta::between(&old.open_incidents, open_incidents),
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
        subsystems.apply(&mut snapshot.subsystems)?;
        hosts.apply(&mut snapshot.hosts)?;
        open_incidents.apply(&mut snapshot.open_incidents)?;
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
