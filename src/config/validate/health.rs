//! `[health]` and `[records]`: how many failures make a check down, how many answers bring it back, how long
//! history is kept, and the hour a missing daily record is flagged.

use std::time::Duration;

use toml::Spanned;

use super::Ctx;
use crate::config::raw::{RawHealth, RawRecords};
use crate::config::{ConfigError, HealthConfig};

pub(super) fn health(cx: &Ctx, h: RawHealth) -> Result<HealthConfig, ConfigError> {
    Ok(HealthConfig {
        failures_to_down: at_least_one(
            cx,
            h.failures_to_down,
            "failures_to_down",
            3,
            "the failures in a row that make a check down",
        )?,
        successes_to_up: at_least_one(
            cx,
            h.successes_to_up,
            "successes_to_up",
            2,
            "the answers in a row that bring a check back",
        )?,
        degraded_incident_after: h
            .degraded_incident_after
            .map(|d| d.0)
            .unwrap_or(Duration::from_secs(600)),
        retention_days: at_least_one(
            cx,
            h.retention_days,
            "retention_days",
            400,
            "the days of history kept",
        )?,
    })
}

/// A count that means nothing at 0: `what` says what it counts.
fn at_least_one(
    cx: &Ctx,
    value: Option<Spanned<u32>>,
    key: &str,
    default: u32,
    what: &str,
) -> Result<u32, ConfigError> {
    match value {
        Some(v) if *v.get_ref() == 0 => Err(cx.err(
            &v,
            key,
            format!("{key} = 0 is not accepted: {what}; accepted is 1 or more (default {default})"),
        )),
        Some(v) => Ok(*v.get_ref()),
        None => Ok(default),
    }
}

/// `[records] daily_reminder_hour`: the local hour from which a missing daily record is flagged.
pub(super) fn daily_reminder_hour(cx: &Ctx, records: RawRecords) -> Result<u32, ConfigError> {
    match records.daily_reminder_hour {
        Some(hour) if *hour.get_ref() > 23 => Err(cx.err(
            &hour,
            "daily_reminder_hour",
            format!("invalid hour {}: accepted is 0 to 23", hour.get_ref()),
        )),
        Some(hour) => Ok(*hour.get_ref()),
        None => Ok(18),
    }
}
