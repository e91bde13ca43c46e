//! The incident number (`YYYY-NNNN`): how people quote an incident and how the store keys it, so the two
//! always agree and sort the same way.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// `YYYY-NNNN`: the year of detection and a sequence within it, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IncidentId {
    pub year: i32,
    pub seq: u32,
}

impl IncidentId {
    /// Store key: sorts by year, then sequence.
    pub fn key(self) -> [u8; 8] {
        (((self.year as u32 as u64) << 32) | self.seq as u64).to_be_bytes()
    }

    pub fn from_key(key: &[u8]) -> Option<IncidentId> {
        let raw = u64::from_be_bytes(key.try_into().ok()?);
        Some(IncidentId {
            year: (raw >> 32) as u32 as i32,
            seq: raw as u32,
        })
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.year, self.seq)
    }
}

impl FromStr for IncidentId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid incident id \"{s}\": write YEAR-NUMBER, e.g. 2026-0001");
        let (year, seq) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        if !(1970..=9999).contains(&year) || seq == 0 {
            return Err(bad());
        }
        Ok(IncidentId { year, seq })
    }
}
