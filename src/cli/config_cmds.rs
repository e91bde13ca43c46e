//! `watchdesk init` and `watchdesk config check`.

use std::io::Write;
use std::path::PathBuf;

use super::context::{CliError, Context, display};
use crate::config::{CheckSpec, Config, HostSource, TEMPLATE, io_reason};

pub fn init(ctx: &Context, path: Option<PathBuf>, force: bool) -> Result<i32, CliError> {
    let path = match path.or_else(|| ctx.config_path().map(|(p, _)| p)) {
        Some(p) => p,
        None => {
            return Err(CliError::bad_input(
                "no config path: give one, e.g. `watchdesk init ./config.toml`",
            ));
        }
    };
    if path.is_dir() {
        return Err(CliError::bad_input(format!(
            "{} is a directory: give the path of the file to write, e.g. {}",
            display(&path),
            display(&path.join("config.toml"))
        )));
    }
    if path.exists() && !force {
        return Err(CliError::bad_input(format!(
            "{} already exists; use --force to overwrite it",
            display(&path)
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            CliError::bad_input(format!("cannot create {}: {}", display(parent), io_reason(&e)))
        })?;
    }
    let cannot_write = |e: std::io::Error| {
        CliError::bad_input(format!("cannot write {}: {}", display(&path), io_reason(&e)))
    };
    let mut file = std::fs::File::create(&path).map_err(cannot_write)?;
    file.write_all(TEMPLATE.as_bytes()).map_err(cannot_write)?;
    outln!("wrote {}", display(&path));
    outln!("next: replace the example.invalid URLs, then run `watchdesk config check`");
    Ok(0)
}

pub fn check(ctx: &Context) -> Result<i32, CliError> {
    let Some((path, _)) = ctx.config_path() else {
        return Err(CliError::bad_input(
            "no config file: give --config PATH or set $WATCHDESK_CONFIG",
        ));
    };
    let config = Config::load_with(&path, &crate::tui::theme::check_name)?;
    out!("{}", summary(&config));
    Ok(0)
}

pub fn summary(config: &Config) -> String {
    let mut out = String::new();
    let checks: usize = config.subsystems.iter().map(|s| s.checks.len()).sum();
    let source = config
        .source
        .as_deref()
        .map(display)
        .unwrap_or_else(|| "<built-in>".into());
    out += &format!("{source}: OK\n");
    out += &format!(
        "platform  {} ({}, {})\n",
        config.platform.name,
        config.platform.timezone,
        config
            .platform
            .lang
            .map(|l| format!("{l:?}").to_lowercase())
            .unwrap_or_else(|| "lang from LANG".into())
    );
    out += &format!(
        "{} subsystems, {checks} checks, {} hosts\n",
        config.subsystems.len(),
        config.hosts.len()
    );
    for sub in &config.subsystems {
        let deps = if sub.depends_on.is_empty() {
            String::new()
        } else {
            format!(" (depends on {})", sub.depends_on.join(", "))
        };
        out += &format!("  {:<12} {}{deps}\n", sub.id, sub.name);
        for check in &sub.checks {
            let extra = match &check.spec {
                CheckSpec::Http(h) => h
                    .slow
                    .map(|s| format!(" slow>{}ms", s.as_millis()))
                    .unwrap_or_default(),
                CheckSpec::Tls {
                    warn_days,
                    critical_days,
                    ..
                } => format!(" warn<{warn_days}d crit<{critical_days}d"),
                _ => String::new(),
            };
            out += &format!(
                "    {:<5} {}  every {}s, timeout {}s, {}{extra}\n",
                check.spec.kind(),
                check.spec.target(),
                check.interval.as_secs(),
                check.timeout.as_secs(),
                check.severity
            );
            if let CheckSpec::Http(h) = &check.spec {
                let proxy = h.proxy.as_deref().is_some_and(crate::redact::has_password);
                if crate::redact::has_password(&h.url) || proxy {
                    out += &format!(
                        "    warning: {} has a password in its {}: anyone who can read the config can read it; \
                         prefer a token header or a proxy without credentials\n",
                        check.id,
                        if proxy { "proxy URL" } else { "URL" }
                    );
                }
            }
        }
    }
    for host in &config.hosts {
        let source = match &host.source {
            HostSource::Local => "local".to_string(),
            HostSource::NodeExporter { url } => format!("node_exporter {}", crate::redact::shown(url)),
        };
        out += &format!(
            "  host {:<10} {source}  warn {}% crit {}%\n",
            host.name, host.warn_pct, host.critical_pct
        );
    }
    for channel in &config.notify.channels {
        out += &format!(
            "  notify {:<16} {:<9} {}\n",
            channel.name,
            channel.spec.kind(),
            channel.spec.target()
        );
        if let Some(why) = &channel.unavailable {
            out += &format!(
                "    warning: {why}: it cannot send from here; its messages wait for a process that can\n"
            );
        }
    }
    if let Some(http) = &config.http {
        let intake = match (&http.token, &http.unavailable) {
            (None, None) => "intake off (no token_env or token_file)",
            _ => "alert intake",
        };
        out += &format!(
            "  http   {}  /metrics, {intake}, {} alert routes\n",
            http.listen,
            config.alert_routes.len()
        );
        if let Some(why) = &http.unavailable {
            out += &format!("    warning: {why}: `watchdesk serve` will not start its listener\n");
        }
    }
    let p = &config.policy;
    let fmt = |d: Option<chrono::Duration>| d.map(crate::span::span).unwrap_or_else(|| "on demand".into());
    out += &format!(
        "policy    critical {}/{}/{}  major {}/{}/{}  change {}  security {} working days\n",
        fmt(p.critical.respond),
        fmt(p.critical.plan),
        fmt(p.critical.recover),
        fmt(p.major.respond),
        fmt(p.major.plan),
        fmt(p.major.recover),
        fmt(Some(p.change_respond)),
        p.security_working_days
    );
    out += &format!(
        "calendar  {} holidays, {} make-up workdays\n",
        p.calendar.holidays.len(),
        p.calendar.workdays.len()
    );
    out
}
