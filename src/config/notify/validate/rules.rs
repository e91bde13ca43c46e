//! `[notify.rules]`: which events go to which channels, from which severity, and the reminder timings.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use toml::Spanned;

use super::Cx;
use crate::config::ConfigError;
use crate::config::notify::raw::RawRule;
use crate::config::notify::{EventKind, Leads, Rules};

pub(super) fn validate_rules(
    cx: &Cx,
    raw: BTreeMap<Spanned<String>, RawRule>,
    channels: &HashSet<String>,
    daily_reminder_hour: u32,
) -> Result<Rules, ConfigError> {
    let mut rules = Rules {
        daily_missing_hour: daily_reminder_hour,
        ..Rules::default()
    };
    for (name, r) in raw {
        let key = name.get_ref().trim();
        if key == "digest" {
            refuse_extra(cx, &name, &r, &["window"])?;
            if let Some(window) = r.window {
                rules.digest_window = window.0;
            }
            continue;
        }
        let Some(kind) = EventKind::parse(key) else {
            return Err(cx.err(
                &name,
                key,
                format!(
                    "unknown rule \"{key}\": accepted are {}, and digest",
                    EventKind::accepted()
                ),
            ));
        };
        let extras: &[&str] = match kind {
            EventKind::DueSoon => &["respond", "plan", "recover"],
            EventKind::Renotify => &["every"],
            EventKind::Escalate => &["after"],
            EventKind::DailyMissing => &["hour"],
            EventKind::MonthlyMissing => &["day"],
            _ => &[],
        };
        refuse_extra(cx, &name, &r, extras)?;
        let mut rule = rules.rule(kind);
        if let Some(list) = &r.channels {
            let mut picked = Vec::new();
            for channel in list {
                if !channels.contains(channel.get_ref()) {
                    let mut known: Vec<_> = channels.iter().map(|c| format!("\"{c}\"")).collect();
                    known.sort();
                    return Err(cx.err(
                        channel,
                        "channels",
                        format!(
                            "rule \"{key}\": unknown channel \"{}\": accepted are the names of the channels: {}",
                            channel.get_ref(),
                            if known.is_empty() { "(none defined)".to_string() } else { known.join(", ") }
                        ),
                    ));
                }
                picked.push(channel.get_ref().clone());
            }
            rule.channels = Some(picked);
            // Naming channels for escalations turns them on.
            if kind == EventKind::Escalate {
                rule.enabled = true;
            }
        }
        if let Some(enabled) = r.enabled {
            rule.enabled = enabled;
        }
        if let Some(severity) = r.min_severity {
            rule.min_severity = severity;
        }
        match kind {
            EventKind::DueSoon => {
                let defaults = Leads::default();
                let leads = |list: Option<Vec<crate::config::raw::Dur>>, default: Vec<Duration>| {
                    list.map(|l| l.into_iter().map(|d| d.0).collect())
                        .unwrap_or(default)
                };
                rules.leads = Leads {
                    respond: leads(r.respond, defaults.respond),
                    plan: leads(r.plan, defaults.plan),
                    recover: leads(r.recover, defaults.recover),
                };
            }
            EventKind::Renotify => {
                if let Some(every) = r.every {
                    if every.0 < Duration::from_secs(60) {
                        return Err(cx.err(
                            &name,
                            "every",
                            "renotify.every must be at least \"1m\" (robots throttle faster senders)".into(),
                        ));
                    }
                    rules.renotify_every = Some(every.0);
                }
                if let Some(severity) = r.min_severity {
                    rules.renotify_severity = severity;
                }
                if !rule.enabled {
                    rules.renotify_every = None;
                }
            }
            EventKind::Escalate => {
                if let Some(after) = r.after {
                    rules.escalate_after = Some(after.0);
                }
            }
            EventKind::DailyMissing => {
                if let Some(hour) = &r.hour {
                    if *hour.get_ref() > 23 {
                        return Err(cx.err(
                            hour,
                            "hour",
                            format!("invalid hour {}: accepted is 0 to 23", hour.get_ref()),
                        ));
                    }
                    rules.daily_missing_hour = *hour.get_ref();
                }
            }
            EventKind::MonthlyMissing => {
                if let Some(day) = &r.day {
                    if !(1..=28).contains(day.get_ref()) {
                        return Err(cx.err(
                            day,
                            "day",
                            format!("invalid day {}: accepted is 1 to 28", day.get_ref()),
                        ));
                    }
                    rules.monthly_missing_day = *day.get_ref();
                }
            }
            _ => {}
        }
        rules.rules.insert(kind, rule);
    }
    Ok(rules)
}

/// A rule may only use the fields its kind reads.
fn refuse_extra(cx: &Cx, name: &Spanned<String>, r: &RawRule, allowed: &[&str]) -> Result<(), ConfigError> {
    let present = [
        ("respond", r.respond.is_some()),
        ("plan", r.plan.is_some()),
        ("recover", r.recover.is_some()),
        ("every", r.every.is_some()),
        ("after", r.after.is_some()),
        ("hour", r.hour.is_some()),
        ("day", r.day.is_some()),
        ("window", r.window.is_some()),
    ];
    for (field, set) in present {
        if set && !allowed.contains(&field) {
            let key = name.get_ref();
            let accepted = if allowed.is_empty() {
                "enabled, channels, min_severity".to_string()
            } else {
                format!("enabled, channels, min_severity, {}", allowed.join(", "))
            };
            return Err(cx.err(
                name,
                key,
                format!("rule \"{key}\" has no field `{field}`: accepted are {accepted}"),
            ));
        }
    }
    Ok(())
}
