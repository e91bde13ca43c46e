//! Times on the command line: RFC 3339, or local `YYYY-MM-DD HH:MM` in the platform's zone.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::context::CliError;

/// A time the user may leave out (`--at`, `--since`); a bad one is refused with what is accepted.
pub fn parse_optional_time(text: Option<String>, zone: Tz) -> Result<Option<DateTime<Utc>>, CliError> {
    text.map(|t| parse_time(&t, zone).map_err(CliError::bad_input))
        .transpose()
}

pub fn parse_time(text: &str, zone: Tz) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return zone
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| format!("time \"{text}\" does not exist in {zone}"));
        }
    }
    Err(format!(
        "invalid time \"{text}\": write RFC 3339 (2026-11-02T09:30:00+08:00) or local \"YYYY-MM-DD HH:MM\" ({zone})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_rfc3339_times() {
        let zone = chrono_tz::Asia::Shanghai;
        let want = Utc.with_ymd_and_hms(2026, 11, 2, 1, 30, 0).single().unwrap();
        assert_eq!(parse_time("2026-11-02 09:30", zone), Ok(want));
        assert_eq!(parse_time("2026-11-02T09:30:00+08:00", zone), Ok(want));
        assert!(
            parse_time("yesterday", zone)
                .unwrap_err()
                .contains("YYYY-MM-DD HH:MM")
        );
    }
}
