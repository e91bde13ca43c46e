//! `[[host]]`: servers whose CPU, memory and disks are watched, each with a name of its own, a source that
//! can be read, and thresholds in order.

use std::collections::HashSet;
use std::time::Duration;

use super::Ctx;
use super::check::check_url;
use crate::config::raw::{HostSourceKind, RawHost};
use crate::config::{ConfigError, Host, HostSource};

pub(super) fn validate_hosts(cx: &Ctx, raw: Vec<RawHost>) -> Result<Vec<Host>, ConfigError> {
    let mut hosts = Vec::with_capacity(raw.len());
    let mut host_names = HashSet::new();
    for host in raw {
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
                check_url(cx, &url, "url")?;
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
    Ok(hosts)
}
