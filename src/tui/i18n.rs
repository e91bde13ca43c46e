//! Every word the dashboard shows, in Chinese and in English. The two tables are values of one struct, so a
//! string missing in one language is a compile error rather than a blank on screen.

mod en;
mod strings;
mod zh;

use std::ops::Deref;

pub use strings::Strings;

use crate::config::Lang;
use crate::engine::Health;
use crate::model::{EventKind, State};
use crate::policy::{Kind, Severity, Stage};

/// The language in use and its strings; derefs to [`Strings`].
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub lang: Lang,
    strings: &'static Strings,
}

impl I18n {
    pub fn new(lang: Lang) -> I18n {
        let strings = match lang {
            Lang::Zh => &zh::ZH,
            Lang::En => &en::EN,
        };
        I18n { lang, strings }
    }

    pub fn health(&self, health: Health) -> &'static str {
        match health {
            Health::Unknown => self.health_unknown,
            Health::Up => self.health_up,
            Health::Maintenance => self.health_maintenance,
            Health::Degraded => self.health_degraded,
            Health::Blocked => self.health_blocked,
            Health::Down => self.health_down,
        }
    }

    pub fn severity(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => self.sev_critical,
            Severity::Major => self.sev_major,
            Severity::Minor => self.sev_minor,
        }
    }

    pub fn kind(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Fault => self.kind_fault,
            Kind::Change => self.kind_change,
            Kind::Support => self.kind_support,
            Kind::Security => self.kind_security,
        }
    }

    pub fn stage(&self, stage: Stage) -> &'static str {
        match stage {
            Stage::Respond => self.stage_respond,
            Stage::Plan => self.stage_plan,
            Stage::Recover => self.stage_recover,
        }
    }

    /// What a notification was about.
    pub fn event(&self, kind: EventKind) -> &'static str {
        let at = match kind {
            EventKind::Opened => 0,
            EventKind::DueSoon => 1,
            EventKind::Late => 2,
            EventKind::Restored => 3,
            EventKind::Acknowledged => 4,
            EventKind::Resolved => 5,
            EventKind::HostCritical => 6,
            EventKind::BackupFailing => 7,
            EventKind::DailyMissing => 8,
            EventKind::MonthlyMissing => 9,
            EventKind::Renotify => 10,
            EventKind::Escalate => 11,
            EventKind::Test => 12,
        };
        self.notify_events[at]
    }

    /// What a check's last probe found, in this language.
    pub fn outcome(&self, outcome: &crate::probe::Outcome) -> String {
        outcome.words(self.lang)
    }

    /// Why a host could not be read, in this language.
    pub fn host_reason(&self, reason: &crate::hosts::HostReason) -> String {
        reason.words(self.lang)
    }

    pub fn state(&self, state: State) -> &'static str {
        match state {
            State::Open => self.state_open,
            State::Acknowledged => self.state_acknowledged,
            State::Planned => self.state_planned,
            State::Resolved => self.state_resolved,
        }
    }
}

impl Deref for I18n {
    type Target = Strings;
    fn deref(&self) -> &Strings {
        self.strings
    }
}

/// Fills the `{}` of a template with `args`, in order; missing arguments leave the rest as it is.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut args = args.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        match args.next() {
            Some(arg) => out.push_str(arg),
            None => out.push_str("{}"),
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// The language: `--lang`, else the config's `platform.lang`, else the locale (`LC_ALL`, `LC_MESSAGES`,
/// `LANG`; `zh*` means Chinese), else English.
pub fn resolve_lang(flag: Option<Lang>, config: Option<Lang>) -> Lang {
    resolve_lang_with(flag, config, |name| std::env::var(name).ok())
}

/// [`resolve_lang`] with the environment passed in, for tests.
pub fn resolve_lang_with(
    flag: Option<Lang>,
    config: Option<Lang>,
    env: impl Fn(&str) -> Option<String>,
) -> Lang {
    if let Some(lang) = flag.or(config) {
        return lang;
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| env(name).filter(|v| !v.is_empty()));
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// `zh` or `en`, for `--lang`.
pub fn parse_lang(text: &str) -> Result<Lang, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "zh" => Ok(Lang::Zh),
        "en" => Ok(Lang::En),
        other => Err(format!("unknown language \"{other}\": accepted are zh, en")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_placeholders_in_order() {
        assert_eq!(fill("need {}×{}", &["60", "15"]), "need 60×15");
        assert_eq!(fill("a {} b {}", &["1"]), "a 1 b {}");
    }

    #[test]
    fn flag_beats_config_beats_locale() {
        let env = |name: &str| (name == "LANG").then(|| "zh_CN.UTF-8".to_string());
        assert_eq!(resolve_lang_with(Some(Lang::En), Some(Lang::Zh), env), Lang::En);
        assert_eq!(resolve_lang_with(None, Some(Lang::En), env), Lang::En);
        assert_eq!(resolve_lang_with(None, None, env), Lang::Zh);
        assert_eq!(resolve_lang_with(None, None, |_| None), Lang::En);
        let c = |name: &str| (name == "LC_ALL").then(|| "C".to_string());
        assert_eq!(resolve_lang_with(None, None, c), Lang::En);
    }

    #[test]
    fn both_languages_fill_their_templates() {
        for lang in [Lang::Zh, Lang::En] {
            let t = I18n::new(lang);
            assert!(t.too_small.matches("{}").count() == 2, "{lang:?}");
            assert!(!t.help_legend_lines.is_empty());
        }
    }
}
