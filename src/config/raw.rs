//! The file as written: serde structs with unknown keys refused, and value types that check themselves so that
//! TOML's own error carries the line and column.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, de};
use toml::Spanned;

use crate::policy::Severity;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub platform: RawPlatform,
    #[serde(default)]
    pub storage: RawStorage,
    #[serde(default)]
    pub subsystem: Vec<RawSubsystem>,
    #[serde(default)]
    pub host: Vec<RawHost>,
    #[serde(default)]
    pub policy: RawPolicy,
    #[serde(default)]
    pub calendar: RawCalendar,
    #[serde(default)]
    pub maintenance: Vec<RawMaintenance>,
    #[serde(default)]
    pub health: RawHealth,
    #[serde(default)]
    pub records: RawRecords,
    #[serde(default)]
    pub notify: super::notify::RawNotify,
    #[serde(default)]
    pub access: RawAccess,
    #[serde(default)]
    pub redaction: RawRedaction,
    #[serde(default)]
    pub audit: RawAudit,
    pub http: Option<Spanned<super::http::RawHttp>>,
    #[serde(default)]
    pub alert_route: Vec<super::http::RawAlertRoute>,
}

/// `[redaction] names = [...]`: more query parameter and header names whose values are secret.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRedaction {
    #[serde(default)]
    pub names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccess {
    pub group: Option<Spanned<String>>,
    #[serde(default)]
    pub operators: Vec<Spanned<String>>,
    #[serde(default)]
    pub observers: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAudit {
    /// The audit key (0600, outside the data directory); created when missing.
    pub key_file: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlatform {
    pub name: Option<String>,
    pub timezone: Option<Zone>,
    pub lang: Option<Lang>,
    pub theme: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStorage {
    pub data_dir: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubsystem {
    pub id: Spanned<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    pub check: Vec<RawCheck>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub kind: Spanned<CheckKind>,
    pub name: Option<Spanned<String>>,
    pub interval: Option<Spanned<Dur>>,
    pub timeout: Option<Spanned<Dur>>,
    pub severity: Option<Severity>,
    // http
    pub url: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub expect_status: Option<Vec<Spanned<u16>>>,
    pub body_contains: Option<String>,
    pub body_regex: Option<Spanned<String>>,
    pub slow: Option<Dur>,
    pub follow_redirects: Option<u8>,
    pub proxy: Option<Spanned<String>>,
    // tcp, tls
    pub address: Option<Spanned<String>>,
    pub warn_days: Option<u32>,
    pub critical_days: Option<u32>,
    // file
    pub path: Option<Spanned<String>>,
    pub max_age: Option<Dur>,
    pub min_size: Option<Size>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    Http,
    Tcp,
    Tls,
    File,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHost {
    pub name: Spanned<String>,
    pub source: Spanned<HostSourceKind>,
    pub url: Option<Spanned<String>>,
    pub interval: Option<Dur>,
    pub timeout: Option<Dur>,
    pub warn: Option<Percent>,
    pub critical: Option<Percent>,
    pub critical_for: Option<Dur>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostSourceKind {
    Local,
    NodeExporter,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub critical: Option<RawLimits>,
    pub major: Option<RawLimits>,
    pub minor: Option<RawLimits>,
    pub change: Option<RawChange>,
    pub security: Option<RawSecurity>,
    pub deductions: Option<RawDeductions>,
    pub server_report: Option<Dur>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub respond: Option<Dur>,
    pub plan: Option<Dur>,
    pub recover: Option<Dur>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    pub respond: Option<Dur>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecurity {
    pub working_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeductions {
    pub critical: Option<f64>,
    pub major: Option<f64>,
    pub minor: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    #[serde(default)]
    pub holidays: Vec<Day>,
    #[serde(default)]
    pub workdays: Vec<Day>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaintenance {
    pub subsystem: Spanned<String>,
    pub weekly: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub end: Option<Spanned<String>>,
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHealth {
    pub failures_to_down: Option<Spanned<u32>>,
    pub successes_to_up: Option<Spanned<u32>>,
    pub degraded_incident_after: Option<Dur>,
    pub retention_days: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecords {
    pub daily_reminder_hour: Option<Spanned<u32>>,
}

/// A duration written like `"30s"`, `"15m"`, `"2h"`, `"1500ms"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub std::time::Duration);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(text.trim()).map(Dur).map_err(|_| {
            de::Error::custom(format!(
                "invalid duration \"{text}\": write a number and a unit, e.g. \"1500ms\", \"30s\", \"15m\", \"2h\", \"1d\""
            ))
        })
    }
}

/// A byte size like `"1MB"`, `"512KiB"`, `"2048"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a size such as \"1MB\", \"512KiB\" or a number of bytes")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Size, E> {
                u64::try_from(v)
                    .map(Size)
                    .map_err(|_| E::custom(format!("invalid size {v}: must not be negative")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Size, E> {
                parse_size(v).map(Size).ok_or_else(|| {
                    E::custom(format!(
                        "invalid size \"{v}\": accepted are a number with B, KB, MB, GB, KiB, MiB or GiB, e.g. \"1MB\""
                    ))
                })
            }
        }
        d.deserialize_any(V)
    }
}

pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some((number * factor).round() as u64)
}

/// An IANA time zone name such as `"Asia/Shanghai"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zone(pub chrono_tz::Tz);

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<chrono_tz::Tz>().map(Zone).map_err(|_| {
            de::Error::custom(format!(
                "unknown time zone \"{text}\": use an IANA name such as \"Asia/Shanghai\" or \"UTC\""
            ))
        })
    }
}

/// A calendar date `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Day(pub NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Day)
            .map_err(|_| {
                de::Error::custom(format!(
                    "invalid date \"{text}\": write it as YYYY-MM-DD, e.g. \"2026-10-01\""
                ))
            })
    }
}

/// A percentage from 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percent(pub f64);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(d)?;
        if (0.0..=100.0).contains(&value) {
            Ok(Percent(value))
        } else {
            Err(de::Error::custom(format!(
                "invalid percentage {value}: accepted is a number from 0 to 100"
            )))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}
