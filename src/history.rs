//! History (巡检记录): per subsystem and minute, how many probes ran, how many failed, and their latencies as a
//! small histogram. Availability and p95 for a day, 30 days or a quarter are computed from these rollups; raw
//! samples stay in memory only (a bounded ring per check, in the health tracker).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, StoreReader, TreeName};

/// Upper bounds (ms) of the latency histogram's buckets; the last bucket is open-ended.
pub const BOUNDS_MS: [u64; 11] = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];

/// One minute of one subsystem.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub count: u32,
    pub fails: u32,
    pub lat_sum_ms: u64,
    pub lat_max_ms: u64,
    pub hist: [u32; BOUNDS_MS.len() + 1],
}

impl Bucket {
    pub fn add(&mut self, latency_ms: u64, failed: bool) {
        self.count += 1;
        if failed {
            self.fails += 1;
            return;
        }
        self.lat_sum_ms += latency_ms;
        self.lat_max_ms = self.lat_max_ms.max(latency_ms);
        let i = BOUNDS_MS
            .iter()
            .position(|&b| latency_ms <= b)
            .unwrap_or(BOUNDS_MS.len());
        self.hist[i] += 1;
    }

    pub fn merge(&mut self, other: &Bucket) {
        self.count += other.count;
        self.fails += other.fails;
        self.lat_sum_ms += other.lat_sum_ms;
        self.lat_max_ms = self.lat_max_ms.max(other.lat_max_ms);
        for (a, b) in self.hist.iter_mut().zip(other.hist.iter()) {
            *a += b;
        }
    }

    /// The upper bound of the bucket holding the 95th percentile of successful probes.
    pub fn p95_ms(&self) -> Option<u64> {
        let ok: u64 = self.hist.iter().map(|&n| n as u64).sum();
        if ok == 0 {
            return None;
        }
        let rank = (ok * 95).div_ceil(100);
        let mut seen = 0u64;
        for (i, &n) in self.hist.iter().enumerate() {
            seen += n as u64;
            if seen >= rank {
                return Some(BOUNDS_MS.get(i).copied().unwrap_or(self.lat_max_ms));
            }
        }
        Some(self.lat_max_ms)
    }
}

/// Availability and latency over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub count: u64,
    pub fails: u64,
    /// Share of probes that did not fail (0..=1); `None` without probes.
    pub availability: Option<f64>,
    pub p95_ms: Option<u64>,
    pub max_ms: Option<u64>,
}

impl Stats {
    pub fn from_bucket(b: &Bucket) -> Stats {
        Stats {
            count: b.count as u64,
            fails: b.fails as u64,
            availability: (b.count > 0).then(|| 1.0 - b.fails as f64 / b.count as f64),
            p95_ms: b.p95_ms(),
            max_ms: (b.count > b.fails).then_some(b.lat_max_ms),
        }
    }
}

pub fn minute_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(60)
}

/// `subsystem \0 minute (i64 big-endian, offset so it sorts)`.
pub fn key(subsystem: &str, minute: i64) -> Vec<u8> {
    let mut k = Vec::with_capacity(subsystem.len() + 9);
    k.extend_from_slice(subsystem.as_bytes());
    k.push(0);
    k.extend_from_slice(&((minute as u64) ^ (1 << 63)).to_be_bytes());
    k
}

fn minute_of_key(key: &[u8]) -> Option<i64> {
    let tail: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    Some((u64::from_be_bytes(tail) ^ (1 << 63)) as i64)
}

/// The merged bucket of `subsystem` over `[from, to)`.
pub fn bucket(
    store: &StoreReader,
    subsystem: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Bucket, StoreError> {
    let mut total = Bucket::default();
    let range = key(subsystem, minute_of(from))..key(subsystem, minute_of(to));
    for item in store.scan_range(TreeName::Rollups, range) {
        let (k, v) = item?;
        let b: Bucket = serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt {
            tree: "rollups",
            key: format!("{subsystem}@{}", minute_of_key(&k).unwrap_or_default()),
            reason: e.to_string(),
        })?;
        total.merge(&b);
    }
    Ok(total)
}

/// The end of the last minute with a stored probe of `subsystem`: no probe was seen after it.
pub fn last_seen(store: &StoreReader, subsystem: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let tree = store.tree(TreeName::Rollups);
    let Some((k, _)) = tree
        .range(key(subsystem, i64::MIN)..=key(subsystem, i64::MAX))
        .next_back()
        .transpose()?
    else {
        return Ok(None);
    };
    Ok(minute_of_key(&k)
        .and_then(|m| m.checked_add(1)?.checked_mul(60))
        .and_then(|secs| DateTime::from_timestamp(secs, 0)))
}

/// Availability and p95 of `subsystem` over `[from, to)`.
pub fn stats(
    store: &StoreReader,
    subsystem: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Stats, StoreError> {
    Ok(Stats::from_bucket(&bucket(store, subsystem, from, to)?))
}

/// Collects the current minute of each subsystem in memory and hands back finished minutes to be stored.
#[derive(Debug, Default)]
pub struct Accumulator {
    current: HashMap<String, (i64, Bucket)>,
}

impl Accumulator {
    /// Adds a probe; returns the previous minute's bucket when this probe starts a new minute.
    pub fn add(
        &mut self,
        subsystem: &str,
        at: DateTime<Utc>,
        latency_ms: u64,
        failed: bool,
    ) -> Option<(Vec<u8>, Bucket)> {
        let minute = minute_of(at);
        let entry = self
            .current
            .entry(subsystem.to_string())
            .or_insert_with(|| (minute, Bucket::default()));
        let mut done = None;
        if entry.0 != minute {
            let finished = std::mem::take(&mut entry.1);
            done = Some((key(subsystem, entry.0), finished));
            entry.0 = minute;
        }
        entry.1.add(latency_ms, failed);
        done
    }

    /// The minute in progress, for today's live figures.
    pub fn current(&self, subsystem: &str) -> Option<&Bucket> {
        self.current.get(subsystem).map(|(_, b)| b)
    }

    /// Everything not yet stored (at shutdown).
    pub fn drain(&mut self) -> Vec<(Vec<u8>, Bucket)> {
        self.current.drain().map(|(s, (m, b))| (key(&s, m), b)).collect()
    }
}

/// Writes finished buckets (merging with what a restart may already have stored for that minute). Not audited:
/// these are measurements, not actions; they become durable with the next sync.
pub fn write(store: &Store, buckets: Vec<(Vec<u8>, Bucket)>) -> Result<(), StoreError> {
    if buckets.is_empty() {
        return Ok(());
    }
    store.ensure_space()?;
    let tree = store.tree(TreeName::Rollups);
    for (k, mut b) in buckets {
        if let Some(old) = tree.get(&k)?
            && let Ok(old) = serde_json::from_slice::<Bucket>(&old)
        {
            b.merge(&old);
        }
        let bytes = serde_json::to_vec(&b).map_err(|e| StoreError::Corrupt {
            tree: "rollups",
            key: String::new(),
            reason: e.to_string(),
        })?;
        tree.insert(k, bytes)?;
    }
    Ok(())
}

/// Drops rollups older than the retention.
pub fn prune(store: &Store, retention_days: u32, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let cutoff = minute_of(now - Duration::days(retention_days as i64));
    let tree = store.tree(TreeName::Rollups);
    let mut removed = 0;
    for item in store.scan(TreeName::Rollups) {
        let (k, _) = item?;
        if minute_of_key(&k).is_some_and(|m| m < cutoff) {
            tree.remove(k)?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, h, m, s).single().unwrap()
    }

    #[test]
    fn p95_is_the_upper_bound_of_the_bucket_holding_it() {
        let mut b = Bucket::default();
        for _ in 0..94 {
            b.add(40, false);
        }
        for _ in 0..6 {
            b.add(700, false);
        }
        assert_eq!(b.p95_ms(), Some(1_000));
        b.add(0, true);
        let s = Stats::from_bucket(&b);
        assert_eq!((s.count, s.fails), (101, 1));
        assert!((s.availability.unwrap() - 100.0 / 101.0).abs() < 1e-9);
    }

    #[test]
    fn minutes_roll_into_the_store_and_sum_over_a_period() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut acc = Accumulator::default();
        let mut done = Vec::new();
        for minute in 0..10 {
            for s in [0, 30] {
                done.extend(acc.add("digital", t(1, minute, s), 100, minute == 3));
            }
        }
        done.extend(acc.drain());
        write(&store, done).unwrap();
        let all = stats(&store, "digital", t(1, 0, 0), t(2, 0, 0)).unwrap();
        assert_eq!((all.count, all.fails), (20, 2));
        assert_eq!(all.availability, Some(0.9));
        let part = stats(&store, "digital", t(1, 5, 0), t(1, 7, 0)).unwrap();
        assert_eq!(part.count, 4);
        assert_eq!(
            stats(&store, "other", t(1, 0, 0), t(2, 0, 0))
                .unwrap()
                .availability,
            None
        );
        assert_eq!(
            prune(&store, 1, t(1, 0, 0) + Duration::days(1) + Duration::minutes(5)).unwrap(),
            5
        );
    }

    #[test]
    fn keys_sort_by_time_even_before_1970() {
        assert!(key("a", -5) < key("a", 3));
        assert_eq!(minute_of_key(&key("a", -5)), Some(-5));
    }
}
