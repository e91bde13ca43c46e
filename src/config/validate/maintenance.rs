//! `[[maintenance]]` windows: a weekly slot (`"Sun 02:00-04:00"`) or a one-off start and end in the
//! platform's local time, for a subsystem that must exist.

use std::collections::HashSet;

use chrono::{NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use toml::Spanned;

use super::{Ctx, sorted};
use crate::config::raw::RawMaintenance;
use crate::config::{ConfigError, Maintenance, Window};

pub(super) fn validate_maintenance(
    cx: &Ctx,
    ids: &HashSet<String>,
    zone: chrono_tz::Tz,
    m: RawMaintenance,
) -> Result<Maintenance, ConfigError> {
    if !ids.contains(m.subsystem.get_ref()) {
        return Err(cx.err(
            &m.subsystem,
            "subsystem",
            format!(
                "unknown subsystem \"{}\": accepted are {}",
                m.subsystem.get_ref(),
                sorted(ids)
            ),
        ));
    }
    let window = match (&m.weekly, &m.start, &m.end) {
        (Some(weekly), None, None) => parse_weekly(weekly.get_ref()).ok_or_else(|| {
            cx.err(
                weekly,
                "weekly",
                format!(
                    "invalid weekly window \"{}\": write DAY HH:MM-HH:MM, e.g. \"Sun 02:00-04:00\"",
                    weekly.get_ref()
                ),
            )
        })?,
        (None, Some(start), Some(end)) => {
            let parse = |s: &Spanned<String>, key: &str| {
                NaiveDateTime::parse_from_str(s.get_ref().trim(), "%Y-%m-%d %H:%M")
                    .ok()
                    .and_then(|t| zone.from_local_datetime(&t).earliest())
                    .map(|t| t.with_timezone(&Utc))
                    .ok_or_else(|| {
                        cx.err(
                            s,
                            key,
                            format!(
                                "invalid time \"{}\": write YYYY-MM-DD HH:MM (local time)",
                                s.get_ref()
                            ),
                        )
                    })
            };
            let (s, e) = (parse(start, "start")?, parse(end, "end")?);
            if e <= s {
                return Err(cx.err(end, "end", "the window must end after it starts".into()));
            }
            Window::Once { start: s, end: e }
        }
        _ => {
            return Err(cx.err(
                &m.subsystem,
                "weekly",
                "a [[maintenance]] window needs either weekly = \"Sun 02:00-04:00\" or both start and end"
                    .into(),
            ));
        }
    };
    Ok(Maintenance {
        subsystem: m.subsystem.into_inner(),
        window,
        note: m.note,
    })
}

/// `"Sun 02:00-04:00"`.
pub(crate) fn parse_weekly(text: &str) -> Option<Window> {
    let (day, times) = text.trim().split_once(char::is_whitespace)?;
    let day: Weekday = day.parse().ok()?;
    let (start, end) = times.trim().split_once('-')?;
    let start = NaiveTime::parse_from_str(start.trim(), "%H:%M").ok()?;
    let end = NaiveTime::parse_from_str(end.trim(), "%H:%M").ok()?;
    (start != end).then_some(Window::Weekly { day, start, end })
}
