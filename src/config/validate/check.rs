//! One `[[subsystem.check]]`: the fields its kind needs (http, tcp, tls, file), each checked with a message
//! that says what is accepted, plus the URL and `HOST:PORT` checks hosts reuse.

use std::time::Duration;

use toml::Spanned;

use super::{Ctx, expand_home};
use crate::config::raw::{CheckKind, RawCheck};
use crate::config::{Check, CheckSpec, ConfigError, HttpCheck};
use crate::policy::Severity;

/// When a check says nothing else.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) fn validate_check(cx: &Ctx, subsystem: &str, n: usize, c: RawCheck) -> Result<Check, ConfigError> {
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
        .as_ref()
        .map(|n| n.get_ref().trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{kind_name}-{n}"));
    let interval = c.interval.as_ref().map_or(DEFAULT_INTERVAL, |d| d.get_ref().0);
    if let Some(spanned) = &c.interval
        && interval < Duration::from_secs(1)
    {
        return Err(cx.err(
            spanned,
            "interval",
            format!(
                "interval {} is too short: accepted is 1s or more, e.g. interval = \"30s\"",
                humantime::format_duration(interval)
            ),
        ));
    }
    let timeout = c.timeout.as_ref().map_or(DEFAULT_TIMEOUT, |d| d.get_ref().0);
    if let Some(spanned) = &c.timeout
        && timeout.is_zero()
    {
        return Err(cx.err(
            spanned,
            "timeout",
            "a timeout of 0 fails every probe: accepted is more than 0, up to the interval, e.g. timeout = \"10s\""
                .into(),
        ));
    }
    if timeout > interval {
        let (at, key) = match (&c.timeout, &c.interval) {
            (Some(t), _) => (t.span(), "timeout"),
            (None, Some(i)) => (i.span(), "interval"),
            (None, None) => (c.kind.span(), "timeout"),
        };
        return Err(ConfigError::at(
            cx.path,
            cx.text,
            Some(at),
            Some(key),
            format!(
                "timeout {} is longer than the interval {}: the next probe would be due before this one gives \
                 up; accepted is a timeout up to the interval",
                humantime::format_duration(timeout),
                humantime::format_duration(interval)
            ),
        ));
    }
    Ok(Check {
        id: format!("{subsystem}/{name}"),
        name,
        interval,
        timeout,
        severity: c.severity.unwrap_or(Severity::Critical),
        spec,
    })
}

pub(super) fn check_url(cx: &Ctx, url: &Spanned<String>, key: &str) -> Result<(), ConfigError> {
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
