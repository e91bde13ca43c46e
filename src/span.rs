//! How long something lasts, in the one form every screen, report, message and command-line answer uses:
//! `45s`, `14m33s`, `1h59m`, `23h59m`, `9d 4h`. Every unit is written out, so `14m33s` cannot be read as a
//! clock time or as hours and minutes; the same form serves Chinese and English.

use chrono::Duration;

/// A duration (a countdown, an overrun, an age), to the second under an hour, to the minute under a day,
/// then to the hour. Negative durations read as `0s`.
pub fn span(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (days, hours, mins, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if secs < 60 {
        format!("{s}s")
    } else if secs < 3600 {
        format!("{mins}m{s:02}s")
    } else if days == 0 {
        format!("{hours}h{mins:02}m")
    } else {
        format!("{days}d {hours}h")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> String {
        span(Duration::seconds(secs))
    }

    #[test]
    fn seconds_show_under_an_hour() {
        assert_eq!(s(0), "0s");
        assert_eq!(s(1), "1s");
        assert_eq!(s(59), "59s");
        assert_eq!(s(60), "1m00s");
        assert_eq!(s(14 * 60 + 33), "14m33s");
        assert_eq!(s(59 * 60 + 59), "59m59s");
    }

    #[test]
    fn hours_and_minutes_under_a_day() {
        assert_eq!(s(3600), "1h00m");
        assert_eq!(s(3600 + 59 * 60 + 59), "1h59m");
        // A change request's full 24 hours minus a minute: never `23:59` or a midnight-looking `24:00`.
        assert_eq!(s(23 * 3600 + 59 * 60), "23h59m");
    }

    #[test]
    fn days_and_hours_beyond() {
        assert_eq!(s(86_400), "1d 0h");
        assert_eq!(s(9 * 86_400 + 4 * 3600 + 59 * 60), "9d 4h");
        assert_eq!(s(200 * 3600), "8d 8h");
    }

    #[test]
    fn negative_durations_read_as_nothing_left() {
        assert_eq!(s(-5), "0s");
    }
}
