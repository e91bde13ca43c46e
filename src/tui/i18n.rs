//! Every word the dashboard shows, in Chinese and in English. The two tables are values of one struct, so a
//! string missing in one language is a compile error rather than a blank on screen.

mod en;
mod zh;

use std::ops::Deref;

use crate::config::Lang;
use crate::engine::Health;
use crate::model::State;
use crate::policy::{Kind, Severity, Stage};

/// The strings of one language. Templates mark their arguments with `{}`, filled in order by [`fill`].
#[derive(Debug)]
pub struct Strings {
    // Header
    pub on_duty: &'static str,
    pub mode_embedded: &'static str,
    pub mode_demo: &'static str,
    pub mode_attached: &'static str,
    pub demo_banner: &'static str,
    pub open_label: &'static str,
    pub late_count: &'static str,
    pub score: &'static str,
    pub daily_missing: &'static str,
    pub monthly_missing: &'static str,
    pub engine_error: &'static str,
    pub waiting_first_snapshot: &'static str,
    // Panels
    pub subsystems: &'static str,
    pub hosts: &'static str,
    pub incidents: &'static str,
    pub no_subsystems: &'static str,
    pub no_hosts: &'static str,
    pub no_incidents: &'static str,
    pub more_below: &'static str,
    pub recently_resolved: &'static str,
    pub resolved_ago: &'static str,
    // Health
    pub health_unknown: &'static str,
    pub health_up: &'static str,
    pub health_maintenance: &'static str,
    pub health_degraded: &'static str,
    pub health_blocked: &'static str,
    pub health_down: &'static str,
    // Subsystem columns
    pub col_status: &'static str,
    pub col_subsystem: &'static str,
    pub col_now: &'static str,
    pub col_p95: &'static str,
    pub col_today: &'static str,
    pub col_latency: &'static str,
    pub blocked_by: &'static str,
    pub in_maintenance: &'static str,
    // Hosts
    pub cpu: &'static str,
    pub mem: &'static str,
    pub swap: &'static str,
    pub load: &'static str,
    pub unreachable: &'static str,
    pub no_reading: &'static str,
    // Incident columns
    pub col_id: &'static str,
    pub col_kind: &'static str,
    pub col_severity: &'static str,
    pub col_title: &'static str,
    pub col_age: &'static str,
    pub col_next: &'static str,
    pub col_cost: &'static str,
    pub late: &'static str,
    pub left: &'static str,
    pub met: &'static str,
    pub on_demand: &'static str,
    pub all_done: &'static str,
    // Words
    pub sev_critical: &'static str,
    pub sev_major: &'static str,
    pub sev_minor: &'static str,
    pub kind_fault: &'static str,
    pub kind_change: &'static str,
    pub kind_support: &'static str,
    pub kind_security: &'static str,
    pub stage_respond: &'static str,
    pub stage_plan: &'static str,
    pub stage_recover: &'static str,
    pub state_open: &'static str,
    pub state_acknowledged: &'static str,
    pub state_planned: &'static str,
    pub state_resolved: &'static str,
    pub unit_day: &'static str,
    pub unit_hour: &'static str,
    pub unit_minute: &'static str,
    pub unit_second: &'static str,
    pub ago: &'static str,
    pub none: &'static str,
    // Incident details
    pub details: &'static str,
    pub detected: &'static str,
    pub state: &'static str,
    pub subsystem: &'static str,
    pub source: &'static str,
    pub source_manual: &'static str,
    pub source_check: &'static str,
    pub source_host: &'static str,
    pub deadlines: &'static str,
    pub due: &'static str,
    pub met_at: &'static str,
    pub late_done_at: &'static str,
    pub cost_if_missed: &'static str,
    pub cost_already_lost: &'static str,
    pub cost_none: &'static str,
    pub plan_text: &'static str,
    pub resolution: &'static str,
    pub timeline: &'static str,
    pub ev_opened: &'static str,
    pub ev_acknowledged: &'static str,
    pub ev_planned: &'static str,
    pub ev_resolved: &'static str,
    pub ev_note: &'static str,
    pub ev_reclassified: &'static str,
    pub ev_restored: &'static str,
    pub ev_failed: &'static str,
    pub agreed_due: &'static str,
    pub incident_gone: &'static str,
    // Subsystem details
    pub checks: &'static str,
    pub col_check: &'static str,
    pub col_target: &'static str,
    pub col_last: &'static str,
    pub never_probed: &'static str,
    // Forms
    pub form_new: &'static str,
    pub form_acknowledge: &'static str,
    pub form_plan: &'static str,
    pub form_resolve: &'static str,
    pub form_note: &'static str,
    pub form_reclassify: &'static str,
    pub field_kind: &'static str,
    pub field_severity: &'static str,
    pub field_title: &'static str,
    pub field_subsystem: &'static str,
    pub no_subsystem: &'static str,
    pub field_note: &'static str,
    pub field_due: &'static str,
    pub field_due_hint: &'static str,
    pub field_plan: &'static str,
    pub field_cause: &'static str,
    pub field_process: &'static str,
    pub field_solution: &'static str,
    pub field_reason: &'static str,
    pub required_mark: &'static str,
    pub err_required: &'static str,
    pub err_bad_time: &'static str,
    pub err_past_time: &'static str,
    pub err_same_severity: &'static str,
    pub form_hint_multi: &'static str,
    pub form_hint_single: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub save_failed: &'static str,
    pub no_selection: &'static str,
    pub saved_flash: &'static str,
    // Keys
    pub key_move: &'static str,
    pub key_panel: &'static str,
    pub key_details: &'static str,
    pub key_back: &'static str,
    pub key_new: &'static str,
    pub key_acknowledge: &'static str,
    pub key_plan: &'static str,
    pub key_resolve: &'static str,
    pub key_note: &'static str,
    pub key_reclassify: &'static str,
    pub key_daily: &'static str,
    pub key_handover: &'static str,
    pub key_score: &'static str,
    pub key_filter: &'static str,
    pub key_help: &'static str,
    pub key_quit: &'static str,
    pub key_page: &'static str,
    // Records pages
    pub weekdays: [&'static str; 7],
    pub page_daily: &'static str,
    pub page_handover: &'static str,
    pub page_score: &'static str,
    pub page_loading: &'static str,
    pub page_failed: &'static str,
    pub page_not_ready: &'static str,
    pub today_mark: &'static str,
    pub figures_so_far: &'static str,
    pub figures_complete: &'static str,
    pub record_saved: &'static str,
    pub record_not_saved: &'static str,
    pub record_missing: &'static str,
    pub entries: &'static str,
    pub sec_availability: &'static str,
    pub col_availability: &'static str,
    pub col_probes: &'static str,
    pub col_failed: &'static str,
    pub col_max: &'static str,
    pub sec_host_peaks: &'static str,
    pub no_host_peaks: &'static str,
    pub unreachable_times: &'static str,
    pub sec_day_incidents: &'static str,
    pub incident_counts: &'static str,
    pub sec_missed: &'static str,
    pub sec_backups: &'static str,
    pub no_backups: &'static str,
    pub not_run: &'static str,
    pub period: &'static str,
    pub since_last: &'static str,
    pub since_default: &'static str,
    pub since_given: &'static str,
    pub handed_over_by: &'static str,
    pub sec_open: &'static str,
    pub sec_events: &'static str,
    pub no_events: &'static str,
    pub sec_health: &'static str,
    pub no_health: &'static str,
    pub sec_hosts_warning: &'static str,
    pub no_host_warnings: &'static str,
    pub sec_records: &'static str,
    pub rec_daily_today: &'static str,
    pub rec_daily_days: &'static str,
    pub rec_monthly: &'static str,
    pub rec_all_kept: &'static str,
    pub sec_notes: &'static str,
    pub ev_missed: &'static str,
    pub ev_reclassified_plain: &'static str,
    pub rec_daily_saved: &'static str,
    pub rec_monthly_saved: &'static str,
    pub rec_handover: &'static str,
    pub rec_score_set: &'static str,
    pub rec_advice: &'static str,
    pub rec_quarterly: &'static str,
    pub logged_later: &'static str,
    pub col_full: &'static str,
    pub col_item: &'static str,
    pub col_points: &'static str,
    pub col_basis: &'static str,
    pub col_how: &'static str,
    pub basis_computed: &'static str,
    pub basis_entered: &'static str,
    pub basis_not_entered: &'static str,
    pub score_total: &'static str,
    pub score_projected: &'static str,
    pub score_final: &'static str,
    pub band_full: &'static str,
    pub band_proportional: &'static str,
    pub band_half: &'static str,
    pub band_refusable: &'static str,
    pub sec_fault_costs: &'static str,
    pub still_open: &'static str,
    pub half_year: &'static str,
    pub not_entered_hint: &'static str,
    pub form_daily: &'static str,
    pub form_handover: &'static str,
    pub field_anomaly_checked: &'static str,
    pub field_anomaly_note: &'static str,
    pub field_archive_done: &'static str,
    pub field_notes: &'static str,
    pub field_handover_to: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub key_edit: &'static str,
    pub key_browse: &'static str,
    pub key_copy: &'static str,
    pub key_write: &'static str,
    pub copied: &'static str,
    pub written: &'static str,
    pub filtered_count: &'static str,
    pub no_match: &'static str,
    pub filter_hint: &'static str,
    // Help
    pub help: &'static str,
    pub help_keys: &'static str,
    pub help_legend: &'static str,
    pub help_legend_lines: &'static [&'static str],
    pub help_close: &'static str,
    pub too_small: &'static str,
}

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
