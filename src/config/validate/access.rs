//! `[access]`: the group that may open the daemon's socket and who of its members operates or only looks,
//! as user and group names the system knows.

use toml::Spanned;

use super::Ctx;
use crate::config::raw::RawAccess;
use crate::config::{AccessConfig, ConfigError};

pub(super) fn access(cx: &Ctx, raw: &RawAccess) -> Result<AccessConfig, ConfigError> {
    let names = |list: &[Spanned<String>], key: &str| -> Result<Vec<String>, ConfigError> {
        list.iter().map(|n| name(cx, n, key)).collect()
    };
    Ok(AccessConfig {
        group: raw.group.as_ref().map(|g| name(cx, g, "group")).transpose()?,
        operators: names(&raw.operators, "operators")?,
        observers: names(&raw.observers, "observers")?,
    })
}

fn name(cx: &Ctx, n: &Spanned<String>, key: &str) -> Result<String, ConfigError> {
    let name = n.get_ref().trim();
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == ':' || c == '/') {
        return Err(cx.err(
            n,
            key,
            format!("invalid user or group name \"{name}\": write the name as the system knows it, e.g. \"oncall\""),
        ));
    }
    Ok(name.to_string())
}
