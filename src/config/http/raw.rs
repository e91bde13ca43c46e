//! `[http]` and `[[alert_route]]` as written; unknown keys refused with TOML's line and column.

use serde::Deserialize;
use toml::Spanned;

use crate::config::raw::Size;
use crate::policy::Severity;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttp {
    pub listen: Option<Spanned<String>>,
    pub token_env: Option<Spanned<String>>,
    pub token_file: Option<Spanned<String>>,
    pub metrics_token_env: Option<Spanned<String>>,
    pub metrics_token_file: Option<Spanned<String>>,
    /// Refused with a message that says where secrets go.
    pub token: Option<Spanned<String>>,
    pub max_body: Option<Spanned<Size>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlertRoute {
    /// Alertmanager-style matchers: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
    #[serde(default)]
    pub matchers: Vec<Spanned<String>>,
    pub subsystem: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub severity: Option<Severity>,
}
