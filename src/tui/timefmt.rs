//! How times and durations read on screen: countdowns (`mm:ss` under an hour, `h:mm` above), ages and local
//! clock times in the platform's zone.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::i18n::I18n;

/// A countdown or an overrun: `mm:ss` under an hour, `h:mm` up to 99 hours, then days and hours.
pub fn countdown(d: Duration, t: &I18n) -> String {
    let secs = d.num_seconds().max(0);
    if secs < 3600 {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    } else if secs < 100 * 3600 {
        format!("{}:{:02}", secs / 3600, (secs % 3600) / 60)
    } else {
        format!(
            "{}{}{:02}{}",
            secs / 86400,
            t.unit_day,
            (secs % 86400) / 3600,
            t.unit_hour
        )
    }
}

/// A compact age: `45s`, `12m`, `3h05m`, `2d03h` (Chinese units in Chinese).
pub fn age(d: Duration, t: &I18n) -> String {
    let secs = d.num_seconds().max(0);
    let (days, hours, mins) = (secs / 86400, (secs % 86400) / 3600, (secs % 3600) / 60);
    if secs < 60 {
        format!("{secs}{}", t.unit_second)
    } else if secs < 3600 {
        format!("{mins}{}", t.unit_minute)
    } else if days == 0 {
        format!("{hours}{}{mins:02}{}", t.unit_hour, t.unit_minute)
    } else {
        format!("{days}{}{hours:02}{}", t.unit_day, t.unit_hour)
    }
}

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

/// A score figure without trailing zeros: `1`, `0.3`, `98.75`.
pub fn points(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;

    #[test]
    fn countdowns_switch_format_at_an_hour() {
        let t = I18n::new(Lang::En);
        assert_eq!(countdown(Duration::seconds(59 * 60 + 59), &t), "59:59");
        assert_eq!(countdown(Duration::seconds(3600), &t), "1:00");
        assert_eq!(
            countdown(Duration::seconds(11 * 3600 + 59 * 60 + 59), &t),
            "11:59"
        );
        assert_eq!(countdown(Duration::hours(200), &t), "8d08h");
        assert_eq!(countdown(Duration::seconds(-5), &t), "00:00");
        assert_eq!(countdown(Duration::hours(200), &I18n::new(Lang::Zh)), "8天08时");
    }

    #[test]
    fn ages_and_points_are_compact() {
        let t = I18n::new(Lang::En);
        assert_eq!(age(Duration::seconds(42), &t), "42s");
        assert_eq!(age(Duration::seconds(3 * 3600 + 5 * 60), &t), "3h05m");
        assert_eq!(age(Duration::hours(51), &t), "2d03h");
        assert_eq!(points(1.0), "1");
        assert_eq!(points(0.3), "0.3");
        assert_eq!(points(98.75), "98.75");
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
