//! From the file as written to the model: defaults filled in, cross-references and per-kind fields checked.
//!
//! This file walks the whole configuration in the order its errors are reported; each part is checked in its
//! own module: `subsystems` (and a check's per-kind fields in `check`), `hosts`, `maintenance`, `policy`,
//! `health` and `access`.

mod access;
mod check;
mod health;
mod hosts;
mod maintenance;
mod policy;
mod subsystems;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::raw::RawConfig;
use super::*;
use access::access;
use health::{daily_reminder_hour, health};
use hosts::validate_hosts;
#[cfg(test)]
pub(crate) use maintenance::parse_weekly;
use maintenance::validate_maintenance;
use policy::policy;
use subsystems::{subsystem_ids, validate_subsystems};

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn err<T>(&self, spanned: &Spanned<T>, key: &str, message: String) -> ConfigError {
        ConfigError::at(self.path, self.text, Some(spanned.span()), Some(key), message)
    }
}

/// Says whether a theme name can be loaded, and if not, why and which names are accepted.
pub type ThemeCheck<'a> = &'a dyn Fn(&str) -> Result<(), String>;

pub(super) fn validate(
    raw: RawConfig,
    path: &Path,
    text: &str,
    theme_exists: Option<ThemeCheck<'_>>,
) -> Result<Config, ConfigError> {
    let cx = Ctx { path, text };
    let timezone = raw
        .platform
        .timezone
        .map(|z| z.0)
        .unwrap_or(chrono_tz::Asia::Shanghai);

    let ids = subsystem_ids(&cx, &raw.subsystem)?;
    let subsystems = validate_subsystems(&cx, raw.subsystem, &ids)?;
    let hosts = validate_hosts(&cx, raw.host)?;
    let mut maintenance = Vec::new();
    for m in raw.maintenance {
        maintenance.push(validate_maintenance(&cx, &ids, timezone, m)?);
    }
    let policy = policy(raw.policy, raw.contract, raw.calendar, timezone);
    let health = health(&cx, raw.health)?;
    let daily_reminder_hour = daily_reminder_hour(&cx, raw.records)?;
    if let (Some(theme), Some(exists)) = (&raw.platform.theme, theme_exists)
        && let Err(why) = exists(theme.get_ref())
    {
        return Err(cx.err(theme, "theme", why));
    }

    crate::redact::configure(
        raw.redaction
            .names
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect(),
    );
    let notify = super::notify::validate_notify(raw.notify, path, text, daily_reminder_hour)?;
    let http = super::http::validate_http(raw.http, path, text)?;
    let subsystem_ids: Vec<String> = subsystems.iter().map(|s| s.id.clone()).collect();
    let alert_routes = super::http::validate_routes(raw.alert_route, &subsystem_ids, path, text)?;
    let access = access(&cx, &raw.access)?;

    Ok(Config {
        source: None,
        platform: Platform {
            name: raw
                .platform
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "福建省水利质量检测监管平台".to_string()),
            timezone,
            lang: raw.platform.lang,
            theme: raw.platform.theme.map(Spanned::into_inner),
        },
        data_dir: raw.storage.data_dir.map(|d| expand_home(&d)),
        audit_key_file: raw.audit.key_file.map(|d| expand_home(&d)),
        subsystems,
        hosts,
        policy,
        maintenance,
        health,
        daily_reminder_hour,
        notify,
        access,
        http,
        alert_routes,
    })
}

fn sorted(ids: &HashSet<String>) -> String {
    let mut v: Vec<_> = ids.iter().map(|s| format!("\"{s}\"")).collect();
    v.sort();
    if v.is_empty() {
        "(none defined)".into()
    } else {
        v.join(", ")
    }
}

pub(crate) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
