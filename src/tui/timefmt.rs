//! How times and durations read on screen: durations in the one form of [`crate::span`], local clock times in
//! the platform's zone, score points.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// A countdown, an overrun or an age, in the one form used everywhere (`14m33s`, `1h59m`, `9d 4h`).
pub use crate::span::span;

/// Local wall-clock time with the zone's abbreviation, for the header.
pub fn clock(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S %Z").to_string()
}

/// A point in time in the details view: `MM-DD HH:MM:SS` local; the year only when it is not `now`'s year.
pub fn stamp(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    if local.format("%Y").to_string() == now.with_timezone(&tz).format("%Y").to_string() {
        local.format("%m-%d %H:%M:%S").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A recent moment, short: `HH:MM` on `now`'s local day, `MM-DD HH:MM` before (the header, the outbox).
pub fn moment(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let (local, today) = (at.with_timezone(&tz), now.with_timezone(&tz));
    if local.date_naive() == today.date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%m-%d %H:%M").to_string()
    }
}

/// A score figure without trailing zeros: `1`, `0.3`, `98.75`; never `-0`.
pub fn points(v: f64) -> String {
    crate::report::score::points(v)
}

/// A deduction: `−0.3`, and a plain `0` when nothing is taken (never `−0`).
pub fn minus(v: f64) -> String {
    match points(v).as_str() {
        "0" => "0".to_string(),
        p => format!("−{p}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn points_are_compact_and_never_negative_zero() {
        assert_eq!(points(1.0), "1");
        assert_eq!(points(0.3), "0.3");
        assert_eq!(points(98.75), "98.75");
        assert_eq!(points(-0.0), "0");
        assert_eq!(points(-0.001), "0");
        assert_eq!(minus(0.3), "−0.3");
        assert_eq!(minus(0.0), "0");
        assert_eq!(minus(-0.0), "0");
    }

    #[test]
    fn moments_drop_the_date_on_the_same_local_day() {
        use chrono::TimeZone;
        let tz = chrono_tz::Asia::Shanghai;
        // 2026-11-28 16:00 in Shanghai.
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap();
        assert_eq!(moment(now - Duration::minutes(78), now, tz), "14:42");
        // 23:30 UTC the day before is 07:30 local on the same day.
        let early = Utc.with_ymd_and_hms(2026, 11, 27, 23, 30, 0).unwrap();
        assert_eq!(moment(early, now, tz), "07:30");
        assert_eq!(moment(now - Duration::hours(17), now, tz), "11-27 23:00");
    }
}
