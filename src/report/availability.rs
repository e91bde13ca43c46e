//! Availability and p95 over long periods (a quarter: 130,000 minute rollups per subsystem) in milliseconds:
//! each local day that is over is summed once into a day rollup, kept beside the minute rollups in the
//! `rollups` tree under a reserved name (`\u{1}day/<subsystem>`, same key scheme, so retention prunes both
//! alike). A period then reads its whole days from day rollups and only its ragged ends from minutes.
//! Day rollups hold the full latency histogram, so p95 over a quarter is exactly what the minutes give.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::history::{self, Bucket, Stats};
use crate::model::day_start;
use crate::store::{StoreError, StoreReader, TreeName};

/// A day is summed only this long after it ended, so a minute written late (at shutdown) is never left out.
pub const SEAL_AFTER: Duration = Duration::minutes(10);

/// Where the day rollup of `subsystem` for the day starting at `start` lives in the `rollups` tree.
pub fn day_key(subsystem: &str, start: DateTime<Utc>) -> Vec<u8> {
    history::key(&format!("\u{1}day/{subsystem}"), history::minute_of(start))
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(day)
}

fn decode(key: &[u8], bytes: &[u8]) -> Result<Bucket, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        tree: "rollups",
        key: crate::store::display_key(key),
        reason: e.to_string(),
    })
}

/// The whole of local day `day`: from its day rollup when it is sealed (summing and storing it the first
/// time), from the minutes while it can still change.
pub fn day_bucket(
    store: &StoreReader,
    zone: Tz,
    subsystem: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Bucket, StoreError> {
    let (start, end) = (day_start(zone, day), day_start(zone, next_day(day)));
    if now < end + SEAL_AFTER {
        return history::bucket(store, subsystem, start, end);
    }
    let key = day_key(subsystem, start);
    let tree = store.tree(TreeName::Rollups);
    if let Some(bytes) = tree.get(&key)? {
        return decode(&key, &bytes);
    }
    let bucket = history::bucket(store, subsystem, start, end)?;
    let bytes = serde_json::to_vec(&bucket).map_err(|e| StoreError::Corrupt {
        tree: "rollups",
        key: crate::store::display_key(&key),
        reason: e.to_string(),
    })?;
    // A cache of what the minutes say: not audited, durable with the next sync, rebuilt if lost.
    tree.insert(key, bytes)?;
    Ok(bucket)
}

/// Sums and stores day `day` of `subsystem` if it is over and not summed yet; true when it did the work.
pub fn seal_day(
    store: &StoreReader,
    zone: Tz,
    subsystem: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let start = day_start(zone, day);
    if now < day_start(zone, next_day(day)) + SEAL_AFTER
        || store
            .tree(TreeName::Rollups)
            .contains_key(day_key(subsystem, start))?
    {
        return Ok(false);
    }
    day_bucket(store, zone, subsystem, day, now)?;
    Ok(true)
}

/// Availability and p95 of `subsystem` over `[from, to)`: whole local days from day rollups, the ends from
/// minutes. The same figures as `history::stats`, without reading every minute of a long period.
pub fn stats(
    store: &StoreReader,
    zone: Tz,
    subsystem: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Stats, StoreError> {
    if to <= from {
        return Ok(Stats::from_bucket(&Bucket::default()));
    }
    let mut total = Bucket::default();
    let first_day = from.with_timezone(&zone).date_naive();
    let mut day = if day_start(zone, first_day) == from {
        first_day
    } else {
        next_day(first_day)
    };
    let whole_from = day_start(zone, day);
    if whole_from >= to {
        return history::stats(store, subsystem, from, to);
    }
    total.merge(&history::bucket(store, subsystem, from, whole_from)?);
    let mut cursor = whole_from;
    loop {
        let end = day_start(zone, next_day(day));
        if end > to || end <= cursor {
            break;
        }
        total.merge(&day_bucket(store, zone, subsystem, day, now)?);
        cursor = end;
        day = next_day(day);
    }
    total.merge(&history::bucket(store, subsystem, cursor, to)?);
    Ok(Stats::from_bucket(&total))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::store::Store;

    #[test]
    fn day_rollups_give_the_same_figures_as_the_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let zone = chrono_tz::Asia::Shanghai;
        let start = Utc.with_ymd_and_hms(2026, 10, 1, 3, 17, 0).unwrap();
        let mut buckets = Vec::new();
        for m in 0..(5 * 24 * 60) {
            let at = start + Duration::minutes(m);
            let mut b = Bucket::default();
            b.add(20 + (m as u64 * 37) % 3000, m % 97 == 0);
            b.add(15, false);
            buckets.push((history::key("digital", history::minute_of(at)), b));
        }
        history::write(&store, buckets).unwrap();
        let (from, to) = (
            start + Duration::minutes(95),
            start + Duration::minutes(4 * 24 * 60 + 31),
        );
        let now = start + Duration::days(10);
        let direct = history::stats(&store, "digital", from, to).unwrap();
        let cold = stats(&store, zone, "digital", from, to, now).unwrap();
        let warm = stats(&store, zone, "digital", from, to, now).unwrap();
        assert_eq!(cold, direct);
        assert_eq!(warm, direct);
        assert!(direct.count > 10_000);
        // Days still open are never sealed; sealed ones are not summed twice.
        let day = NaiveDate::from_ymd_opt(2026, 10, 3).unwrap();
        assert!(
            !seal_day(
                &store,
                zone,
                "digital",
                day,
                day_start(zone, day) + Duration::hours(24)
            )
            .unwrap()
        );
        assert!(
            !seal_day(&store, zone, "digital", day, now).unwrap(),
            "already summed above"
        );
        let later = NaiveDate::from_ymd_opt(2026, 10, 6).unwrap();
        assert!(seal_day(&store, zone, "digital", later, now).unwrap());
        // The reserved name never shows up as a subsystem's minutes.
        assert_eq!(
            history::stats(&store, "digital", start, start + Duration::days(6)).unwrap(),
            history::stats(&store, "digital", start, to + Duration::days(2)).unwrap()
        );
    }
}
