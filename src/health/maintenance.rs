//! Is a maintenance window open at a given instant. Weekly windows are read in the platform's time zone, so
//! "Sun 02:00-04:00" means Sunday night where the platform is, whatever the server's zone.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use crate::config::Window;

pub fn is_open(window: &Window, zone: Tz, at: DateTime<Utc>) -> bool {
    match window {
        Window::Once { start, end } => *start <= at && at < *end,
        Window::Weekly { day, start, end } => {
            let local = at.with_timezone(&zone);
            let (weekday, time) = (local.weekday(), local.time());
            if start < end {
                weekday == *day && *start <= time && time < *end
            } else {
                // Runs past midnight into the next day (an equal start and end is a whole day).
                (weekday == *day && time >= *start) || (weekday == day.succ() && time < *end)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, TimeZone, Weekday};

    use super::*;

    fn at(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        zone.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn weekly(day: Weekday, start: (u32, u32), end: (u32, u32)) -> Window {
        Window::Weekly {
            day,
            start: NaiveTime::from_hms_opt(start.0, start.1, 0).unwrap(),
            end: NaiveTime::from_hms_opt(end.0, end.1, 0).unwrap(),
        }
    }

    #[test]
    fn weekly_windows_are_read_in_the_platform_zone() {
        let zone = chrono_tz::Asia::Shanghai;
        let w = weekly(Weekday::Sun, (2, 0), (4, 0));
        // 2026-11-29 is a Sunday.
        assert!(!is_open(&w, zone, at(zone, 2026, 11, 29, 1, 59)));
        assert!(is_open(&w, zone, at(zone, 2026, 11, 29, 2, 0)));
        assert!(is_open(&w, zone, at(zone, 2026, 11, 29, 3, 59)));
        assert!(!is_open(&w, zone, at(zone, 2026, 11, 29, 4, 0)));
        assert!(!is_open(&w, zone, at(zone, 2026, 11, 28, 3, 0)));
        // Sunday 03:00 in Shanghai is Saturday 19:00 UTC: the zone decides, not UTC.
        assert!(is_open(&w, zone, at(Tz::UTC, 2026, 11, 28, 19, 0)));
    }

    #[test]
    fn a_window_past_midnight_spans_two_days() {
        let zone = chrono_tz::Asia::Shanghai;
        let w = weekly(Weekday::Sat, (23, 0), (1, 0));
        assert!(is_open(&w, zone, at(zone, 2026, 11, 28, 23, 30)));
        assert!(is_open(&w, zone, at(zone, 2026, 11, 29, 0, 30)));
        assert!(!is_open(&w, zone, at(zone, 2026, 11, 29, 1, 0)));
        assert!(!is_open(&w, zone, at(zone, 2026, 11, 28, 22, 59)));
    }

    #[test]
    fn a_one_off_window_is_half_open() {
        let zone = chrono_tz::Asia::Shanghai;
        let (start, end) = (at(zone, 2026, 12, 1, 22, 0), at(zone, 2026, 12, 2, 2, 0));
        let w = Window::Once { start, end };
        assert!(is_open(&w, zone, start));
        assert!(!is_open(&w, zone, end));
        assert!(!is_open(&w, zone, start - chrono::Duration::seconds(1)));
    }
}
