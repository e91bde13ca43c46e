//! Configuration: where the file is found, the validated model the rest of watchdesk reads, and the template
//! `watchdesk init` writes. Parsing lives in `raw`, checking in `validate`.

mod error;
mod http;
mod notify;
mod raw;
mod secret;
mod template;
mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use crate::policy::{Policy, Severity};

pub use error::{ConfigError, Located, io_reason};
pub use http::{AlertRoute, DEFAULT_MAX_BODY, HttpConfig, MatchOp, Matcher};
pub use notify::{Channel, ChannelSpec, EventKind, Leads, NotifyConfig, Rule, Rules, Secret, SmtpSecurity};
pub use raw::{Lang, parse_size};
pub use template::TEMPLATE;
pub use validate::ThemeCheck;
pub(crate) use validate::expand_home;

/// The whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from; `None` for built-in configurations (the demo).
    pub source: Option<PathBuf>,
    pub platform: Platform,
    pub data_dir: Option<PathBuf>,
    /// `[audit] key_file`: the key of the audit chain and backups, kept outside the data directory.
    pub audit_key_file: Option<PathBuf>,
    pub subsystems: Vec<Subsystem>,
    pub hosts: Vec<Host>,
    pub policy: Policy,
    pub maintenance: Vec<Maintenance>,
    pub health: HealthConfig,
    /// Local hour from which a missing daily record for today is flagged.
    pub daily_reminder_hour: u32,
    /// Robots, webhooks and mail, and what is sent to them when.
    pub notify: NotifyConfig,
    /// Who may use the daemon's socket, and how.
    pub access: AccessConfig,
    /// `[http]`: the listener of `watchdesk serve` (`/metrics`, alert intake); `None` keeps it off.
    pub http: Option<HttpConfig>,
    /// `[[alert_route]]`, in the order written: the first that matches an alert's labels wins.
    pub alert_routes: Vec<AlertRoute>,
}

/// `[access]`: the daemon's socket is for the daemon's user only, unless `group` opens it (mode 0660, data
/// directory 0750) to a group whose members connect as themselves. `operators` may change things,
/// `observers` may only look (user or group names); with neither, everyone who can connect operates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccessConfig {
    pub group: Option<String>,
    pub operators: Vec<String>,
    pub observers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Platform {
    pub name: String,
    pub timezone: Tz,
    pub lang: Option<Lang>,
    pub theme: Option<String>,
}

/// One of the platform's subsystems (子系统): a row on the dashboard.
#[derive(Debug, Clone)]
pub struct Subsystem {
    pub id: String,
    pub name: String,
    pub depends_on: Vec<String>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone)]
pub struct Check {
    /// `subsystem-id/N` or `subsystem-id/name`; stable across restarts, used as the history key.
    pub id: String,
    pub name: String,
    pub interval: Duration,
    pub timeout: Duration,
    /// Severity of the incident a confirmed fault of this check opens.
    pub severity: Severity,
    pub spec: CheckSpec,
}

#[derive(Debug, Clone)]
pub enum CheckSpec {
    Http(HttpCheck),
    Tcp {
        address: String,
    },
    Tls {
        address: String,
        warn_days: u32,
        critical_days: u32,
    },
    File {
        pattern: String,
        max_age: Option<Duration>,
        min_size: Option<u64>,
    },
}

impl CheckSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            CheckSpec::Http(_) => "http",
            CheckSpec::Tcp { .. } => "tcp",
            CheckSpec::Tls { .. } => "tls",
            CheckSpec::File { .. } => "file",
        }
    }

    /// What the check looks at, for tables and details: a URL without its password or tokens.
    pub fn target(&self) -> String {
        match self {
            CheckSpec::Http(http) => crate::redact::shown(&http.url),
            CheckSpec::Tcp { address } | CheckSpec::Tls { address, .. } => address.clone(),
            CheckSpec::File { pattern, .. } => pattern.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct HttpCheck {
    pub url: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    /// Accepted status codes; empty means any 2xx.
    pub expect_status: Vec<u16>,
    pub body_contains: Option<String>,
    pub body_regex: Option<String>,
    /// Slower than this → degraded.
    pub slow: Option<Duration>,
    /// Redirects followed; 0 means none.
    pub follow_redirects: u8,
    pub proxy: Option<String>,
}

/// A server whose CPU, memory and disks are watched.
#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    pub source: HostSource,
    pub interval: Duration,
    pub timeout: Duration,
    pub warn_pct: f64,
    pub critical_pct: f64,
    /// Over critical this long → a major fault incident.
    pub critical_for: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HostSource {
    Local,
    NodeExporter { url: String },
}

/// A planned maintenance window: checks keep running, no incident opens, the time is left out of availability.
#[derive(Debug, Clone, PartialEq)]
pub struct Maintenance {
    pub subsystem: String,
    pub window: Window,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// Every week on `day` from `start` to `end` local time (an `end` before `start` runs past midnight).
    Weekly {
        day: Weekday,
        start: NaiveTime,
        end: NaiveTime,
    },
    Once {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct HealthConfig {
    pub failures_to_down: u32,
    pub successes_to_up: u32,
    /// Degraded for longer than this opens a major incident.
    pub degraded_incident_after: Duration,
    pub retention_days: u32,
}

impl Default for HealthConfig {
    fn default() -> Self {
        Self {
            failures_to_down: 3,
            successes_to_up: 2,
            degraded_incident_after: Duration::from_secs(10 * 60),
            retention_days: 400,
        }
    }
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Validates config text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        Self::parse_with(path, text, None)
    }

    /// Reads and validates a config file, asking `theme_exists` whether `platform.theme` names a theme that
    /// can be loaded: a wrong name is then an error at its line, before anything is started or created.
    pub fn load_with(path: &Path, theme_exists: ThemeCheck<'_>) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse_with(path, &text, Some(theme_exists))
    }

    fn parse_with(
        path: &Path,
        text: &str,
        theme_exists: Option<ThemeCheck<'_>>,
    ) -> Result<Config, ConfigError> {
        let raw: raw::RawConfig = toml::from_str(text)
            .map_err(|e| ConfigError::at(path, text, e.span(), None, e.message().trim().to_string()))?;
        let mut config = validate::validate(raw, path, text, theme_exists)?;
        let checks: usize = config.subsystems.iter().map(|s| s.checks.len()).sum();
        if checks == 0 && config.hosts.is_empty() {
            return Err(ConfigError::at(
                path,
                text,
                None,
                None,
                "nothing to watch: the file has no [[subsystem]] with a [[subsystem.check]] and no [[host]]; \
                 accepted is at least one of them (`watchdesk init` writes a template with the platform's five \
                 subsystems)"
                    .into(),
            ));
        }
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// A configuration with no subsystems, the platform defaults and the contract's policy.
    pub fn empty() -> Config {
        validate::validate(raw::RawConfig::default(), Path::new("<built-in>"), "", None)
            .unwrap_or_else(|_| unreachable!("the empty configuration is valid"))
    }

    pub fn subsystem(&self, id: &str) -> Option<&Subsystem> {
        self.subsystems.iter().find(|s| s.id == id)
    }
}

/// Where the config file is: `--config`, else `$WATCHDESK_CONFIG`, else `$XDG_CONFIG_HOME/watchdesk/config.toml`
/// (`~/.config/...`). `explicit` is true when the user named it, so a missing file is an error, not the demo.
pub fn locate(flag: Option<&Path>) -> Option<(PathBuf, bool)> {
    if let Some(path) = flag {
        return Some((path.to_path_buf(), true));
    }
    if let Some(path) = std::env::var_os("WATCHDESK_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(path), true));
    }
    config_home().map(|dir| (dir.join("watchdesk").join("config.toml"), false))
}

/// `$XDG_CONFIG_HOME`, else `~/.config`.
pub fn config_home() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".config")))
}

/// `$XDG_DATA_HOME`, else `~/.local/share`.
pub fn data_home() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".local").join("share")))
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests;
