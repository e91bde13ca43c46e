//! From the file as written to the model: defaults filled in, cross-references and per-kind fields checked.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use toml::Spanned;

use super::raw::{CheckKind, HostSourceKind, RawCheck, RawConfig, RawLimits, RawMaintenance};
use super::*;
use crate::policy::{Calendar, Limits};

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
        subsystems,
        hosts,
        policy,
        maintenance,
        health,
        daily_reminder_hour,
    })
}

fn validate_check(cx: &Ctx, subsystem: &str, n: usize, c: RawCheck) -> Result<Check, ConfigError> {
    let kind = *c.kind.get_ref();
    let kind_name = match kind {
        CheckKind::Http => "http",
        CheckKind::Tcp => "tcp",
        CheckKind::Tls => "tls",
        CheckKind::File => "file",
    };
    let required = |field: Option<Spanned<String>>, key: &str, example: &str| {
        let Some(value) = field else {
            return Err(cx.err(
                &c.kind,
                key,
                format!("a check of kind \"{kind_name}\" needs `{key}`, e.g. {key} = \"{example}\""),
            ));
        };
        if value.get_ref().trim().is_empty() {
            return Err(cx.err(
                &value,
                key,
                format!("empty `{key}`: give e.g. {key} = \"{example}\""),
            ));
        }
        Ok(value)
    };
    let spec = match kind {
        CheckKind::Http => {
            let url = required(c.url.clone(), "url", "https://example.invalid/api/health")?;
            check_url(cx, &url, "url")?;
            let method = match &c.method {
                Some(m) => {
                    let upper = m.get_ref().to_ascii_uppercase();
                    if !["GET", "HEAD", "POST", "PUT", "OPTIONS"].contains(&upper.as_str()) {
                        return Err(cx.err(
                            m,
                            "method",
                            format!(
                                "unsupported method \"{}\": accepted are GET, HEAD, POST, PUT, OPTIONS",
                                m.get_ref()
                            ),
                        ));
                    }
                    upper
                }
                None => "GET".to_string(),
            };
            let mut expect_status = Vec::new();
            for code in c.expect_status.iter().flatten() {
                if !(100..=599).contains(code.get_ref()) {
                    return Err(cx.err(
                        code,
                        "expect_status",
                        format!("invalid HTTP status {}: accepted are 100 to 599", code.get_ref()),
                    ));
                }
                expect_status.push(*code.get_ref());
            }
            if let Some(re) = &c.body_regex
                && let Err(e) = regex::Regex::new(re.get_ref())
            {
                return Err(cx.err(re, "body_regex", format!("invalid regular expression: {e}")));
            }
            if let Some(proxy) = &c.proxy {
                check_url(cx, proxy, "proxy")?;
            }
            CheckSpec::Http(HttpCheck {
                url: url.into_inner(),
                method,
                headers: c.headers.into_iter().collect(),
                expect_status,
                body_contains: c.body_contains,
                body_regex: c.body_regex.map(Spanned::into_inner),
                slow: c.slow.map(|d| d.0),
                follow_redirects: c.follow_redirects.unwrap_or(0),
                proxy: c.proxy.map(Spanned::into_inner),
            })
        }
        CheckKind::Tcp | CheckKind::Tls => {
            let address = required(c.address.clone(), "address", "example.invalid:443")?;
            check_address(cx, &address)?;
            let address = address.into_inner();
            if kind == CheckKind::Tcp {
                CheckSpec::Tcp { address }
            } else {
                let warn_days = c.warn_days.unwrap_or(30);
                let critical_days = c.critical_days.unwrap_or(7);
                if critical_days > warn_days {
                    return Err(cx.err(
                        &c.kind,
                        "critical_days",
                        format!("critical_days ({critical_days}) must not be above warn_days ({warn_days})"),
                    ));
                }
                CheckSpec::Tls {
                    address,
                    warn_days,
                    critical_days,
                }
            }
        }
        CheckKind::File => {
            let pattern = required(c.path.clone(), "path", "/backup/db/*.sql.gz")?;
            if let Err(e) = glob::Pattern::new(pattern.get_ref()) {
                return Err(cx.err(&pattern, "path", format!("invalid glob pattern: {e}")));
            }
            CheckSpec::File {
                pattern: expand_home(pattern.get_ref()).to_string_lossy().into_owned(),
                max_age: c.max_age.map(|d| d.0),
                min_size: c.min_size.map(|s| s.0),
            }
        }
    };
    let name = c
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{kind_name}-{n}"));
    let interval = c.interval.map(|d| d.0).unwrap_or(Duration::from_secs(30));
    if interval < Duration::from_secs(1) {
        return Err(cx.err(&c.kind, "interval", "interval must be at least 1s".into()));
    }
    Ok(Check {
        id: format!("{subsystem}/{name}"),
        name,
        interval,
        timeout: c.timeout.map(|d| d.0).unwrap_or(Duration::from_secs(10)),
        severity: c.severity.unwrap_or(Severity::Critical),
        spec,
    })
}

fn check_url(cx: &Ctx, url: &Spanned<String>, key: &str) -> Result<(), ConfigError> {
    let text = url.get_ref().trim();
    if text.is_empty() {
        return Err(cx.err(
            url,
            key,
            format!("empty `{key}`: give a URL such as \"https://host/path\""),
        ));
    }
    match reqwest::Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(u) => Err(cx.err(
            url,
            key,
            format!("unsupported URL \"{text}\": scheme \"{}\"; accepted are http:// and https:// URLs with a host", u.scheme()),
        )),
        Err(e) => Err(cx.err(url, key, format!("invalid URL \"{text}\": {e}; e.g. \"https://host/path\""))),
    }
}

fn check_address(cx: &Ctx, address: &Spanned<String>) -> Result<(), ConfigError> {
    let text = address.get_ref().trim();
    let ok = text
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
    if ok {
        Ok(())
    } else {
        Err(cx.err(
            address,
            "address",
            format!("invalid address \"{text}\": write HOST:PORT, e.g. \"example.invalid:443\""),
        ))
    }
}

fn validate_maintenance(
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

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
