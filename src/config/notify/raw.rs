//! `[notify]` as written. It is either a list of channels (`[[notify]]`, the short form) or a table with
//! `bell`, `[[notify.channel]]` and `[notify.rules]` (the full form); both keep TOML's line and column in
//! their errors.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::SmtpSecurity;
use crate::config::raw::Dur;
use crate::policy::Severity;

#[derive(Debug, Default)]
pub struct RawNotify {
    pub bell: Option<bool>,
    pub channel: Vec<RawChannel>,
    pub rules: BTreeMap<Spanned<String>, RawRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotifyTable {
    bell: Option<bool>,
    #[serde(default)]
    channel: Vec<RawChannel>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RawRule>,
}

impl<'de> Deserialize<'de> for RawNotify {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawNotify;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("[[notify]] channels, or a [notify] table with bell, [[notify.channel]] and [notify.rules]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawNotify, A::Error> {
                let channel = Vec::<RawChannel>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(RawNotify {
                    channel,
                    ..RawNotify::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawNotify, A::Error> {
                let table = RawNotifyTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawNotify {
                    bell: table.bell,
                    channel: table.channel,
                    rules: table.rules,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub name: Spanned<String>,
    pub kind: Spanned<ChannelKind>,
    pub url: Option<Spanned<String>>,
    // Secrets: only where to find them.
    pub token_env: Option<Spanned<String>>,
    pub token_file: Option<Spanned<String>>,
    pub secret_env: Option<Spanned<String>>,
    pub secret_file: Option<Spanned<String>>,
    pub password_env: Option<Spanned<String>>,
    pub password_file: Option<Spanned<String>>,
    /// Refused with a message that says where secrets go.
    pub token: Option<Spanned<String>>,
    pub secret: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    // Robots
    #[serde(default)]
    pub at_mobiles: Vec<String>,
    pub at_all: Option<bool>,
    // Webhook
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    // Email
    pub host: Option<Spanned<String>>,
    pub port: Option<u16>,
    pub security: Option<SmtpSecurity>,
    pub username: Option<String>,
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub to: Vec<Spanned<String>>,
    // Limits and filters
    pub per_minute: Option<Spanned<u32>>,
    pub timeout: Option<Dur>,
    pub events: Option<Vec<Spanned<String>>>,
    pub min_severity: Option<Severity>,
    /// `[notify.rules]` (and `bell`) written after `[[notify]]` entries land, by TOML's rules, in the last
    /// entry: they are the whole section's, and are taken as such.
    #[serde(default)]
    pub rules: Option<BTreeMap<Spanned<String>, RawRule>>,
    pub bell: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Dingtalk,
    Feishu,
    Wecom,
    Webhook,
    Email,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub enabled: Option<bool>,
    pub channels: Option<Vec<Spanned<String>>>,
    pub min_severity: Option<Severity>,
    // due_soon
    pub respond: Option<Vec<Dur>>,
    pub plan: Option<Vec<Dur>>,
    pub recover: Option<Vec<Dur>>,
    // renotify
    pub every: Option<Dur>,
    // escalate
    pub after: Option<Dur>,
    // daily_missing
    pub hour: Option<Spanned<u32>>,
    // monthly_missing
    pub day: Option<Spanned<u32>>,
    // digest
    pub window: Option<Dur>,
}
