//! From the file as written to the model: defaults filled in, cross-references and per-kind fields checked.
//!
//! This file walks the whole configuration (subsystems, hosts, policy, health); a check's per-kind fields are
//! checked in `check` and maintenance windows in `maintenance`.

mod check;
mod maintenance;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
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
    // (subsystem, dependency) → where the dependency is written, for pointing at a cycle.
    let mut dep_spans = HashMap::new();
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
            dep_spans.insert((id.clone(), dep.get_ref().clone()), dep.span());
            depends_on.push(dep.get_ref().clone());
        }
        let mut checks = Vec::with_capacity(sub.check.len());
        let mut check_ids = HashSet::new();
        for (n, check) in sub.check.into_iter().enumerate() {
            let name_at = check
                .name
                .as_ref()
                .map_or_else(|| check.kind.span(), Spanned::span);
            let check = validate_check(&cx, &id, n + 1, check)?;
            if !check_ids.insert(check.id.clone()) {
                return Err(ConfigError::at(
                    path,
                    text,
                    Some(name_at),
                    Some("name"),
                    format!(
                        "duplicate check name \"{}\" in subsystem \"{id}\": each check of a subsystem needs its \
                         own name (unnamed checks are called KIND-N, e.g. \"http-1\")",
                        check.name
                    ),
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

    if let Some((cycle, at)) = dependency_cycle(&subsystems, &dep_spans) {
        return Err(ConfigError::at(
            path,
            text,
            Some(at),
            Some("depends_on"),
            format!(
                "dependency cycle {cycle}: a subsystem cannot wait on itself through others; accepted are \
                 dependencies that end at a subsystem depending on none"
            ),
        ));
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
    let at_least_one = |value: Option<Spanned<u32>>, key: &str, default: u32, what: &str| match value {
        Some(v) if *v.get_ref() == 0 => Err(cx.err(
            &v,
            key,
            format!("{key} = 0 is not accepted: {what}; accepted is 1 or more (default {default})"),
        )),
        Some(v) => Ok(*v.get_ref()),
        None => Ok(default),
    };
    let health = HealthConfig {
        failures_to_down: at_least_one(
            h.failures_to_down,
            "failures_to_down",
            3,
            "the failures in a row that make a check down",
        )?,
        successes_to_up: at_least_one(
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
            h.retention_days,
            "retention_days",
            400,
            "the days of history kept",
        )?,
    };
    let daily_reminder_hour = match raw.records.daily_reminder_hour {
        Some(hour) if *hour.get_ref() > 23 => {
            return Err(cx.err(
                &hour,
                "daily_reminder_hour",
                format!("invalid hour {}: accepted is 0 to 23", hour.get_ref()),
            ));
        }
        Some(hour) => *hour.get_ref(),
        None => 18,
    };
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
    let name_ok = |n: &Spanned<String>, key: &str| -> Result<String, ConfigError> {
        let name = n.get_ref().trim();
        if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == ':' || c == '/') {
            return Err(cx.err(
                n,
                key,
                format!("invalid user or group name \"{name}\": write the name as the system knows it, e.g. \"oncall\""),
            ));
        }
        Ok(name.to_string())
    };
    let access = AccessConfig {
        group: raw
            .access
            .group
            .as_ref()
            .map(|g| name_ok(g, "group"))
            .transpose()?,
        operators: raw
            .access
            .operators
            .iter()
            .map(|n| name_ok(n, "operators"))
            .collect::<Result<_, _>>()?,
        observers: raw
            .access
            .observers
            .iter()
            .map(|n| name_ok(n, "observers"))
            .collect::<Result<_, _>>()?,
    };

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

/// The first cycle among the subsystems' dependencies, as `a → b → a`, and where its last step is written.
fn dependency_cycle(
    subsystems: &[Subsystem],
    spans: &HashMap<(String, String), Range<usize>>,
) -> Option<(String, Range<usize>)> {
    fn walk<'a>(
        subsystems: &'a [Subsystem],
        id: &'a str,
        start: &str,
        path: &mut Vec<&'a str>,
        seen: &mut HashSet<&'a str>,
    ) -> bool {
        let deps = subsystems
            .iter()
            .find(|s| s.id == id)
            .map_or(&[][..], |s| s.depends_on.as_slice());
        for dep in deps {
            path.push(dep);
            if dep == start || (seen.insert(dep) && walk(subsystems, dep, start, path, seen)) {
                return true;
            }
            path.pop();
        }
        false
    }
    subsystems.iter().find_map(|s| {
        let mut path = vec![s.id.as_str()];
        if !walk(subsystems, &s.id, &s.id, &mut path, &mut HashSet::new()) {
            return None;
        }
        let last = path.len().checked_sub(2)?;
        let at = spans.get(&(path.get(last)?.to_string(), s.id.clone()))?.clone();
        Some((path.join(" → "), at))
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
