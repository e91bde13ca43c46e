//! The change to the subsystems. A probe result changes one check's last answer and adds one latency to its
//! subsystem's sparkline, while the list of subsystems and of their checks stays as configured: so a subsystem
//! travels field by field, its checks check by check (only those that changed, each field by field), and its
//! sparkline as the values added and how many fell off the front.

use serde::{Deserialize, Serialize};

use super::{DeltaError, Entry, ListDelta, Whole, set, whole};
use crate::engine::{CheckView, Health, LastProbe, SubsystemView};

impl Entry for CheckView {
    type Key = String;
    fn key(&self) -> String {
        self.id.clone()
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

/// The change to one entry of a list, field by field.
pub trait Parts<T: Entry>: Sized {
    fn between(old: &T, new: &T) -> Self;
    /// The key of the entry it changes.
    fn key(&self) -> &T::Key;
    fn apply(self, entry: &mut T) -> Result<(), DeltaError>;
}

/// A keyed list whose entries change far more often than the list does: with the same keys in the same order
/// only the entries that changed travel, each field by field; otherwise the list travels as any other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[serde(bound(
    serialize = "T: Serialize, K: Serialize, P: Serialize",
    deserialize = "T: Deserialize<'de>, K: Deserialize<'de>, P: Deserialize<'de>"
))]
pub enum InPlace<K, T, P> {
    List(ListDelta<K, T>),
    Parts(Vec<P>),
}

impl<T: Entry, P: Parts<T>> InPlace<T::Key, T, P> {
    /// `None` when nothing changed.
    pub fn between(old: &[T], new: &[T]) -> Option<Self> {
        if old.len() == new.len() && old.iter().zip(new).all(|(a, b)| a.key() == b.key()) {
            let parts: Vec<P> = old
                .iter()
                .zip(new)
                .filter(|(a, b)| !a.same(b))
                .map(|(a, b)| P::between(a, b))
                .collect();
            return (!parts.is_empty()).then_some(InPlace::Parts(parts));
        }
        Some(InPlace::List(ListDelta::between(old, new)))
    }

    pub fn apply(self, list: &mut Vec<T>) -> Result<(), DeltaError> {
        match self {
            InPlace::List(delta) => delta.apply(list),
            InPlace::Parts(parts) => parts.into_iter().try_for_each(|part| {
                let entry = list
                    .iter_mut()
                    .find(|e| e.key() == *part.key())
                    .ok_or(DeltaError)?;
                part.apply(entry)
            }),
        }
    }
}

fn apply_in_place<T: Entry, P: Parts<T>>(
    delta: Option<InPlace<T::Key, T, P>>,
    list: &mut Vec<T>,
) -> Result<(), DeltaError> {
    delta.map_or(Ok(()), |d| d.apply(list))
}

/// The change to a series that new values join at the end while the oldest fall off the front.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    Whole(Vec<u64>),
    /// Drop `drop` values from the front, then add `push` at the end.
    Shift {
        drop: usize,
        push: Vec<u64>,
    },
}

impl Series {
    pub(super) fn between(old: &[u64], new: &[u64]) -> Option<Series> {
        if old == new {
            return None;
        }
        // The fewest values dropped that leave the rest of `old` at the front of `new`.
        let shift = (0..=old.len())
            .find(|&drop| new.starts_with(&old[drop..]))
            .map(|drop| (drop, &new[old.len() - drop..]))
            .filter(|(_, push)| push.len() < new.len());
        Some(match shift {
            Some((drop, push)) => Series::Shift {
                drop,
                push: push.to_vec(),
            },
            None => Series::Whole(new.to_vec()),
        })
    }

    pub(super) fn apply(self, series: &mut Vec<u64>) -> Result<(), DeltaError> {
        match self {
            Series::Whole(values) => *series = values,
            Series::Shift { drop, push } => {
                if drop > series.len() {
                    return Err(DeltaError);
                }
                series.drain(..drop);
                series.extend(push);
            }
        }
        Ok(())
    }
}

/// The fields of a check that changed (in practice its health and its last answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckParts {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Whole<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Whole<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Whole<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Whole<Health>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Whole<Option<LastProbe>>>,
}

impl Parts<CheckView> for CheckParts {
    /// Names every field of [`CheckView`], as `apply` does.
    fn between(old: &CheckView, new: &CheckView) -> CheckParts {
        let CheckView {
            id,
            name,
            kind,
            target,
            health,
            last,
        } = new;
        CheckParts {
            id: id.clone(),
            name: whole(&old.name, name),
            kind: whole(&old.kind, kind),
            target: whole(&old.target, target),
            health: whole(&old.health, health),
            last: whole(&old.last, last),
        }
    }

    fn key(&self) -> &String {
        &self.id
    }

    fn apply(self, check: &mut CheckView) -> Result<(), DeltaError> {
        let CheckParts {
            id: _,
            name,
            kind,
            target,
            health,
            last,
        } = self;
        set(name, &mut check.name);
        set(kind, &mut check.kind);
        set(target, &mut check.target);
        set(health, &mut check.health);
        set(last, &mut check.last);
        Ok(())
    }
}

/// The fields of a subsystem that changed; its checks check by check, its sparkline by what it gained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsystemParts {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Whole<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Whole<Health>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<InPlace<String, CheckView, CheckParts>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Whole<Option<u64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<Whole<Option<u64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_today: Option<Whole<Option<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline: Option<Series>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<Whole<Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_maintenance: Option<Whole<bool>>,
}

impl Parts<SubsystemView> for SubsystemParts {
    /// Names every field of [`SubsystemView`], as `apply` does.
    fn between(old: &SubsystemView, new: &SubsystemView) -> SubsystemParts {
        let SubsystemView {
            id,
            name,
            health,
            checks,
            latency_ms,
            p95_ms,
            availability_today,
            sparkline,
            blocked_by,
            in_maintenance,
        } = new;
        SubsystemParts {
            id: id.clone(),
            name: whole(&old.name, name),
            health: whole(&old.health, health),
            checks: InPlace::between(&old.checks, checks),
            latency_ms: whole(&old.latency_ms, latency_ms),
            p95_ms: whole(&old.p95_ms, p95_ms),
            availability_today: whole(&old.availability_today, availability_today),
            sparkline: Series::between(&old.sparkline, sparkline),
            blocked_by: whole(&old.blocked_by, blocked_by),
            in_maintenance: whole(&old.in_maintenance, in_maintenance),
        }
    }

    fn key(&self) -> &String {
        &self.id
    }

    fn apply(self, sub: &mut SubsystemView) -> Result<(), DeltaError> {
        let SubsystemParts {
            id: _,
            name,
            health,
            checks,
            latency_ms,
            p95_ms,
            availability_today,
            sparkline,
            blocked_by,
            in_maintenance,
        } = self;
        set(name, &mut sub.name);
        set(health, &mut sub.health);
        apply_in_place(checks, &mut sub.checks)?;
        set(latency_ms, &mut sub.latency_ms);
        set(p95_ms, &mut sub.p95_ms);
        set(availability_today, &mut sub.availability_today);
        if let Some(series) = sparkline {
            series.apply(&mut sub.sparkline)?;
        }
        set(blocked_by, &mut sub.blocked_by);
        set(in_maintenance, &mut sub.in_maintenance);
        Ok(())
    }
}

/// The change to the subsystems of a snapshot.
pub type SubsystemsDelta = InPlace<String, SubsystemView, SubsystemParts>;
