//! The change to the subsystems. A probe result changes one check's last answer and adds one latency to its
//! subsystem's sparkline, while the list of subsystems and of their checks stays as configured: so a subsystem
//! travels field by field, its checks check by check (only those that changed, each field by field), and its
//! sparkline as the values added and how many fell off the front.

use serde::{Deserialize, Serialize};

use super::fields::{field_parts, keyed_by};
use super::{DeltaError, Entry, ListDelta, Whole};
use crate::engine::{CheckView, Health, LastProbe, SubsystemView};

keyed_by!(CheckView: id as String);

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

field_parts! {
    /// The fields of a check that changed (in practice its health and its last answer).
    pub struct CheckParts for CheckView by id: String {
        name: Option<Whole<String>>,
        kind: Option<Whole<String>>,
        target: Option<Whole<String>>,
        health: Option<Whole<Health>>,
        last: Option<Whole<Option<LastProbe>>>,
    }
}

field_parts! {
    /// The fields of a subsystem that changed; its checks check by check, its sparkline by what it gained.
    pub struct SubsystemParts for SubsystemView by id: String {
        name: Option<Whole<String>>,
        health: Option<Whole<Health>>,
        checks: Option<InPlace<String, CheckView, CheckParts>>,
        latency_ms: Option<Whole<Option<u64>>>,
        p95_ms: Option<Whole<Option<u64>>>,
        availability_today: Option<Whole<Option<f64>>>,
        sparkline: Option<Series>,
        blocked_by: Option<Whole<Option<String>>>,
        in_maintenance: Option<Whole<bool>>,
    }
}

/// The change to the subsystems of a snapshot.
pub type SubsystemsDelta = InPlace<String, SubsystemView, SubsystemParts>;
