//! `[http]` and `[[alert_route]]`: the optional HTTP listener of `watchdesk serve` (Prometheus `/metrics`,
//! the Alertmanager webhook and generic events) and how an alert's labels pick the subsystem, kind and severity
//! of the incident it opens.
//!
//! ```toml
//! [http]
//! listen = "127.0.0.1:9464"
//! token_env = "WATCHDESK_INTAKE_TOKEN"          # bearer token of the intake (required for it)
//! metrics_token_file = "/etc/watchdesk/metrics.token"  # optional bearer token of /metrics
//! max_body = "1MiB"
//!
//! [[alert_route]]
//! matchers = ['severity="critical"']
//! subsystem = "digital"
//! kind = "fault"
//! severity = "critical"
//! ```

mod matcher;
mod raw;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use toml::Spanned;

use super::secret::read_secret;
use super::{ConfigError, Secret};
use crate::policy::{Kind, Severity};

pub use matcher::{MatchOp, Matcher};
pub(super) use raw::{RawAlertRoute, RawHttp};

/// The largest body the intake reads unless `max_body` says otherwise.
pub const DEFAULT_MAX_BODY: u64 = 1024 * 1024;

/// The validated `[http]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpConfig {
    pub listen: SocketAddr,
    /// Bearer token of `/api/v1/alertmanager` and `/api/v1/events`; without one the intake is off.
    pub token: Option<Secret>,
    /// Bearer token of `/metrics`; without one it is open to whoever reaches the address.
    pub metrics_token: Option<Secret>,
    /// A token the file names that this process cannot read: the listener refuses to start.
    pub unavailable: Option<String>,
    /// Bodies larger than this are refused whole (413).
    pub max_body: u64,
}

/// One `[[alert_route]]`: alerts whose labels match every matcher open incidents of this kind and severity.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRoute {
    pub matchers: Vec<Matcher>,
    pub subsystem: Option<String>,
    pub kind: Kind,
    pub severity: Severity,
}

impl AlertRoute {
    /// What an alert no route matches opens: a major fault of no subsystem.
    pub fn fallback() -> AlertRoute {
        AlertRoute {
            matchers: Vec::new(),
            subsystem: None,
            kind: Kind::Fault,
            severity: Severity::Major,
        }
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matchers.iter().all(|m| m.matches(labels))
    }

    /// The first route that matches, else the fallback.
    pub fn pick(routes: &[AlertRoute], labels: &BTreeMap<String, String>) -> AlertRoute {
        routes
            .iter()
            .find(|r| r.matches(labels))
            .cloned()
            .unwrap_or_else(AlertRoute::fallback)
    }
}

pub(super) fn validate_http(
    raw: Option<Spanned<RawHttp>>,
    path: &Path,
    text: &str,
) -> Result<Option<HttpConfig>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let table = raw.span();
    let raw = raw.into_inner();
    let err = |at: std::ops::Range<usize>, key: &str, message: String| {
        ConfigError::at(path, text, Some(at), Some(key), message)
    };
    if let Some(token) = &raw.token {
        let refused = err(
            token.span(),
            "token",
            "[http]: secrets are not accepted in the config file; name where to read it with token_env or \
             token_file (a file readable only by its owner, mode 0600)"
                .into(),
        );
        // The line is shown under the message: without the secret.
        return Err(refused.hiding(token.get_ref()));
    }
    let Some(listen) = &raw.listen else {
        return Err(ConfigError::at(
            path,
            text,
            Some(table),
            Some("listen"),
            "[http] needs listen = \"127.0.0.1:9464\" (an address and a port), or leave [http] out to keep the \
             listener off"
                .into(),
        ));
    };
    let listen = listen.get_ref().trim().parse::<SocketAddr>().map_err(|_| {
        err(
            listen.span(),
            "listen",
            format!(
                "invalid listen address \"{}\": accepted is an IP address and a port, e.g. \"127.0.0.1:9464\" or \
                 \"[::1]:9464\"",
                listen.get_ref()
            ),
        )
    })?;
    let token = read_secret(path, text, "[http]", "token", &raw.token_env, &raw.token_file)?;
    let metrics = read_secret(
        path,
        text,
        "[http]",
        "metrics_token",
        &raw.metrics_token_env,
        &raw.metrics_token_file,
    )?;
    let max_body = match &raw.max_body {
        Some(size) if size.get_ref().0 < 1024 || size.get_ref().0 > 64 * 1024 * 1024 => {
            return Err(err(
                size.span(),
                "max_body",
                format!(
                    "max_body {} bytes is out of range: accepted is 1KiB to 64MiB, e.g. \"1MiB\"",
                    size.get_ref().0
                ),
            ));
        }
        Some(size) => size.get_ref().0,
        None => DEFAULT_MAX_BODY,
    };
    Ok(Some(HttpConfig {
        listen,
        unavailable: token.unavailable.or(metrics.unavailable),
        token: token.secret,
        metrics_token: metrics.secret,
        max_body,
    }))
}

pub(super) fn validate_routes(
    raw: Vec<RawAlertRoute>,
    subsystems: &[String],
    path: &Path,
    text: &str,
) -> Result<Vec<AlertRoute>, ConfigError> {
    let err = |at: std::ops::Range<usize>, key: &str, message: String| {
        ConfigError::at(path, text, Some(at), Some(key), message)
    };
    raw.into_iter()
        .map(|r| {
            let matchers = r
                .matchers
                .iter()
                .map(|m| Matcher::parse(m.get_ref()).map_err(|e| err(m.span(), "matchers", e)))
                .collect::<Result<Vec<_>, _>>()?;
            let subsystem = match &r.subsystem {
                None => None,
                Some(s) if subsystems.iter().any(|id| id == s.get_ref().trim()) => {
                    Some(s.get_ref().trim().to_string())
                }
                Some(s) => {
                    let accepted: Vec<String> = subsystems.iter().map(|id| format!("\"{id}\"")).collect();
                    return Err(err(
                        s.span(),
                        "subsystem",
                        format!(
                            "unknown subsystem \"{}\": accepted are the ids of [[subsystem]] entries: {}",
                            s.get_ref(),
                            if accepted.is_empty() {
                                "(none defined)".to_string()
                            } else {
                                accepted.join(", ")
                            }
                        ),
                    ));
                }
            };
            let kind = match &r.kind {
                None => Kind::Fault,
                Some(k) => k
                    .get_ref()
                    .parse::<Kind>()
                    .map_err(|e| err(k.span(), "kind", e))?,
            };
            Ok(AlertRoute {
                matchers,
                subsystem,
                kind,
                severity: r.severity.unwrap_or(Severity::Major),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
