//! From the file as written to the model: defaults filled in, cross-references and per-kind fields checked.
//!
//! This file walks the whole configuration (subsystems, hosts, policy, health); a check's per-kind fields are
//! checked in `check` and maintenance windows in `maintenance`.

mod check;
mod maintenance;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use super::raw::{HostSourceKind, RawConfig, RawLimits};
use super::*;
use crate::policy::{Calendar, Limits};
use check::{check_url, validate_check};
#[cfg(test)]
pub(crate) use maintenance::parse_weekly;
use maintenance::validate_maintenance;

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn err<T>(&self, spanned: &Spanned<T>, key: &str, message: String) -> ConfigError {
        ConfigError::at(self.path, self.text, Some(spanned.span()), Some(key), message)
    }
}

pub(super) fn validate(raw: RawConfig, path: &Path, text: &str) -> Result<Config, ConfigError> {
    let cx = Ctx { path, text };
    let timezone = raw
        .platform
        .timezone
        .map(|z| z.0)
        .unwrap_or(chrono_tz::Asia::Shanghai);

    let mut ids = HashSet::new();
    for sub in &raw.subsystem {
        let id = sub.id.get_ref();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(cx.err(
                &sub.id,
                "id",
                format!("invalid subsystem id \"{id}\": use letters, digits, '-' or '_' (e.g. \"sysadmin\")"),
            ));
        }
        if !ids.insert(id.clone()) {
            return Err(cx.err(
                &sub.id,
                "id",
                format!("duplicate subsystem id \"{id}\": each id must be unique"),
            ));
        }
    }

    let mut subsystems = Vec::with_capacity(raw.subsystem.len());
    for sub in raw.subsystem {
        let id = sub.id.get_ref().clone();
        let mut depends_on = Vec::new();
        for dep in &sub.depends_on {
            if !ids.contains(dep.get_ref()) {
                return Err(cx.err(
                    dep,
                    "depends_on",
                    format!(
                        "unknown subsystem \"{}\": accepted are the ids of [[subsystem]] entries: {}",
                        dep.get_ref(),
                        sorted(&ids)
                    ),
                ));
            }
            if dep.get_ref() == &id {
                return Err(cx.err(
                    dep,
                    "depends_on",
                    format!("subsystem \"{id}\" cannot depend on itself"),
                ));
            }
            depends_on.push(dep.get_ref().clone());
        }
        let mut checks = Vec::with_capacity(sub.check.len());
        let mut check_ids = HashSet::new();
        for (n, check) in sub.check.into_iter().enumerate() {
            let check = validate_check(&cx, &id, n + 1, check)?;
            if !check_ids.insert(check.id.clone()) {
                return Err(ConfigError::at(
                    path,
                    text,
                    None,
                    Some("name"),
                    format!("duplicate check name \"{}\" in subsystem \"{id}\"", check.name),
                ));
            }
            checks.push(check);
        }
        subsystems.push(Subsystem {
            name: sub
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| id.clone()),
            id,
            depends_on,
            checks,
        });
    }

    let mut hosts = Vec::new();
    let mut host_names = HashSet::new();
    for host in raw.host {
        let name = host.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(cx.err(
                &host.name,
                "name",
                "empty host name: give each [[host]] a name".into(),
            ));
        }
        if !host_names.insert(name.clone()) {
            return Err(cx.err(&host.name, "name", format!("duplicate host name \"{name}\"")));
        }
        let source = match host.source.get_ref() {
            HostSourceKind::Local => HostSource::Local,
            HostSourceKind::NodeExporter => {
                let Some(url) = host.url else {
                    return Err(cx.err(
                        &host.source,
                        "url",
                        "source = \"node_exporter\" needs url = \"http://HOST:9100/metrics\"".into(),
                    ));
                };
                check_url(&cx, &url, "url")?;
                HostSource::NodeExporter {
                    url: url.into_inner(),
                }
            }
        };
        let warn_pct = host.warn.map(|p| p.0).unwrap_or(80.0);
        let critical_pct = host.critical.map(|p| p.0).unwrap_or(90.0);
        if warn_pct > critical_pct {
            return Err(cx.err(
                &host.name,
                "warn",
                format!("host \"{name}\": warn ({warn_pct}) must not be above critical ({critical_pct})"),
            ));
        }
        hosts.push(Host {
            name,
            source,
            interval: host.interval.map(|d| d.0).unwrap_or(Duration::from_secs(15)),
            timeout: host.timeout.map(|d| d.0).unwrap_or(Duration::from_secs(5)),
            warn_pct,
            critical_pct,
            critical_for: host.critical_for.map(|d| d.0).unwrap_or(Duration::from_secs(300)),
        });
    }

    let mut maintenance = Vec::new();
    for m in raw.maintenance {
        maintenance.push(validate_maintenance(&cx, &ids, timezone, m)?);
    }

    let defaults = crate::policy::Policy::default();
    let p = raw.policy;
    let policy = crate::policy::Policy {
        critical: limits(p.critical, defaults.critical),
        major: limits(p.major, defaults.major),
        minor: limits(p.minor, defaults.minor),
        change_respond: p
            .change
            .and_then(|c| c.respond)
            .map(|d| chrono_duration(d.0))
            .unwrap_or(defaults.change_respond),
        security_working_days: p
            .security
            .and_then(|s| s.working_days)
            .unwrap_or(defaults.security_working_days),
        deduction_critical: p
            .deductions
            .as_ref()
            .and_then(|d| d.critical)
            .unwrap_or(defaults.deduction_critical),
        deduction_major: p
            .deductions
            .as_ref()
            .and_then(|d| d.major)
            .unwrap_or(defaults.deduction_major),
        deduction_minor: p
            .deductions
            .as_ref()
            .and_then(|d| d.minor)
            .unwrap_or(defaults.deduction_minor),
        server_report: p
            .server_report
            .map(|d| chrono_duration(d.0))
            .unwrap_or(defaults.server_report),
        calendar: Calendar::new(
            timezone,
            raw.calendar.holidays.into_iter().map(|d| d.0).collect(),
            raw.calendar.workdays.into_iter().map(|d| d.0).collect(),
        ),
    };

    let h = raw.health;
    let health = HealthConfig {
        failures_to_down: h.failures_to_down.unwrap_or(3).max(1),
        successes_to_up: h.successes_to_up.unwrap_or(2).max(1),
        degraded_incident_after: h
            .degraded_incident_after
            .map(|d| d.0)
            .unwrap_or(Duration::from_secs(600)),
        retention_days: h.retention_days.unwrap_or(400).max(1),
    };
    let daily_reminder_hour = raw.records.daily_reminder_hour.unwrap_or(18);
    if daily_reminder_hour > 23 {
        return Err(ConfigError::at(
            path,
            text,
            None,
            Some("daily_reminder_hour"),
            format!("invalid hour {daily_reminder_hour}: accepted is 0 to 23"),
        ));
    }

    let notify = super::notify::validate_notify(raw.notify, path, text, daily_reminder_hour)?;

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
            theme: raw.platform.theme,
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
    })
}

fn limits(raw: Option<RawLimits>, default: Limits) -> Limits {
    let Some(raw) = raw else { return default };
    Limits {
        respond: raw.respond.map(|d| chrono_duration(d.0)).or(default.respond),
        plan: raw.plan.map(|d| chrono_duration(d.0)).or(default.plan),
        recover: raw.recover.map(|d| chrono_duration(d.0)).or(default.recover),
    }
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
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
