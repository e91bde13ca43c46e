//! Confirmed faults become incidents: one open automatic incident per subsystem (and per host gauge), whose
//! detection time is the first failure of the streak that confirmed it.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::Engine;
use crate::config::Lang;
use crate::health::{ResumedFault, Unwatched};
use crate::history;
use crate::model::{Actor, AutoSource, Incident, NewIncident, TimelineKind};
use crate::policy::{Kind, Severity};
use crate::store::Store;

/// An automatic incident's title, in the platform's language: what is wrong, then the check's own words.
fn subsystem_title(lang: Lang, name: &str, detail: &str, slow: bool) -> String {
    match (lang, slow) {
        (Lang::Zh, false) => format!("{name}故障：{detail}"),
        (Lang::Zh, true) => format!("{name}响应缓慢：{detail}"),
        (Lang::En, false) => format!("{name} down: {detail}"),
        (Lang::En, true) => format!("{name} slow: {detail}"),
    }
}

fn host_title(lang: Lang, host: &str, gauge: &str, value: f64) -> String {
    match lang {
        Lang::Zh => format!("{host}：{gauge} {value:.0}% 超过严重阈值"),
        Lang::En => format!("{host}: {gauge} {value:.0}% over critical threshold"),
    }
}

impl Engine {
    /// Titles are stored once, in the platform's language.
    fn title_lang(&self) -> Lang {
        self.config.platform.records_lang()
    }

    fn auto_incident(&self, matches: impl Fn(&AutoSource) -> bool) -> Option<&Incident> {
        self.open
            .values()
            .find(|i| i.source.as_ref().is_some_and(&matches))
    }

    /// A subsystem's fault is confirmed: open its incident, or note the relapse on the open one.
    pub(super) fn fault_confirmed(
        &mut self,
        subsystem: &str,
        check_id: &str,
        detected_at: DateTime<Utc>,
        severity: Severity,
        detail: &str,
        slow: bool,
    ) {
        let now = self.clock.now();
        let existing = self
            .auto_incident(|s| matches!(s, AutoSource::Subsystem { id, .. } if id == subsystem))
            .cloned();
        let result = match existing {
            Some(mut incident) => {
                incident.fail_again(detected_at, now, format!("{check_id}: {detail}"));
                self.store_auto(
                    incident,
                    "incident.failed_again",
                    json!({ "check": check_id, "detail": detail }),
                )
            }
            None => {
                let name = self
                    .config
                    .subsystem(subsystem)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| subsystem.to_string());
                let new = NewIncident {
                    kind: Kind::Fault,
                    severity,
                    title: subsystem_title(self.title_lang(), &name, detail, slow),
                    subsystem: Some(subsystem.to_string()),
                    detected_at: Some(detected_at.min(now)),
                    source: Some(AutoSource::Subsystem {
                        id: subsystem.to_string(),
                        check: check_id.to_string(),
                        slow,
                    }),
                    host: None,
                };
                self.open_incident(&Actor::system(), new, now).map(|_| ())
            }
        };
        self.record_engine_error(result);
    }

    /// A worse fault joined an open episode (slow became down): raise the automatic incident's severity. With
    /// no open incident to raise (it was resolved while the fault went on), the worse fault opens one.
    pub(super) fn fault_escalated(
        &mut self,
        subsystem: &str,
        check_id: &str,
        at: DateTime<Utc>,
        severity: Severity,
        detail: &str,
        slow: bool,
    ) {
        let Some(mut incident) = self
            .auto_incident(|s| matches!(s, AutoSource::Subsystem { id, .. } if id == subsystem))
            .cloned()
        else {
            return self.fault_confirmed(subsystem, check_id, at, severity, detail, slow);
        };
        if !slow && let Some(AutoSource::Subsystem { slow, .. }) = &mut incident.source {
            *slow = false;
        }
        // Severity is ordered critical < major < minor: only ever raise it.
        if severity >= incident.severity {
            return;
        }
        let now = self.clock.now();
        let from = incident.severity;
        let reason = format!("{check_id}: {detail}");
        if incident
            .reclassify(&Actor::system(), None, now, severity, &reason)
            .is_ok()
        {
            let payload = json!({ "from": from, "to": severity, "reason": reason });
            let result = self.store_auto(incident, "incident.reclassify", payload);
            self.record_engine_error(result);
        }
    }

    /// The subsystem is up again: the recover clock stops; the incident stays open for the cause. After a
    /// restart the timeline says when nobody watched: the service may have come back before `at`.
    pub(super) fn fault_recovered(
        &mut self,
        subsystem: &str,
        at: DateTime<Utc>,
        unwatched: Option<Unwatched>,
    ) {
        let Some(mut incident) = self
            .auto_incident(|s| matches!(s, AutoSource::Subsystem { id, .. } if id == subsystem))
            .cloned()
        else {
            return;
        };
        let now = self.clock.now();
        let at = at.min(now);
        let mut payload = json!({ "at": at });
        if let Some(gap) = unwatched {
            let zone = self.config.platform.timezone;
            let time = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S").to_string();
            let from = gap
                .from
                .map_or_else(|| "(no earlier probe stored)".to_string(), time);
            let text = format!(
                "not watched from {from} to {} (watchdesk was not running): the service answered at the first \
                 probe after the restart, {}; it may have come back earlier",
                time(gap.to),
                time(at)
            );
            let _ = incident.note(&Actor::system(), Some(gap.to.min(now)), now, &text);
            payload = json!({ "at": at, "unwatched_from": gap.from, "unwatched_to": gap.to });
        }
        incident.restore(at, now);
        let result = self.store_auto(incident, "incident.restored", payload);
        self.record_engine_error(result);
    }

    /// At start-up: every automatic incident whose fault was still going on when watchdesk stopped is taken
    /// up again by the health tracker, so the first answers record "service restored".
    pub(super) fn resume_faults(&mut self) {
        let now = self.clock.now();
        let resumed: Vec<(String, ResumedFault)> = self
            .open
            .values()
            .filter(|i| still_failing(i))
            .filter_map(|i| match &i.source {
                Some(AutoSource::Subsystem { id, check, slow }) => Some((
                    id.clone(),
                    ResumedFault {
                        check_id: check.clone(),
                        detected_at: i.detected_at,
                        severity: i.severity,
                        slow: *slow,
                    },
                )),
                _ => None,
            })
            .collect();
        for (subsystem, fault) in resumed {
            let last_seen = match history::last_seen(&self.store, &subsystem) {
                Ok(seen) => seen,
                Err(e) => {
                    self.engine_error = Some(format!("history not read: {e}"));
                    None
                }
            };
            self.health.resume(fault, last_seen, now);
        }
    }

    /// An incident left the open list: if it was a subsystem's automatic one, the next fault opens a new one.
    pub(super) fn auto_incident_closed(&mut self, incident: &Incident) {
        if let Some(AutoSource::Subsystem { id, .. }) = &incident.source {
            self.health.incident_resolved(id, self.clock.now());
        }
    }

    /// A host gauge stayed over its critical threshold: a major fault naming the host and the gauge.
    pub(super) fn host_alarm(&mut self, host: &str, gauge: &str, value: f64, since: DateTime<Utc>) {
        let open = self.auto_incident(
            |s| matches!(s, AutoSource::Host { name, gauge: g } if name == host && g == gauge),
        );
        if open.is_some() {
            return;
        }
        let now = self.clock.now();
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: host_title(self.title_lang(), host, gauge, value),
            subsystem: None,
            detected_at: Some(since.min(now)),
            source: Some(AutoSource::Host {
                name: host.to_string(),
                gauge: gauge.to_string(),
            }),
            host: None,
        };
        let result = self.open_incident(&Actor::system(), new, now).map(|_| ());
        self.record_engine_error(result);
    }

    /// The host gauge is back under its threshold.
    pub(super) fn host_alarm_cleared(&mut self, host: &str, gauge: &str, at: DateTime<Utc>) {
        let Some(mut incident) = self
            .auto_incident(|s| matches!(s, AutoSource::Host { name, gauge: g } if name == host && g == gauge))
            .cloned()
        else {
            return;
        };
        let now = self.clock.now();
        incident.restore(at.min(now), now);
        let result = self.store_auto(incident, "incident.restored", json!({ "at": at }));
        self.record_engine_error(result);
    }

    fn store_auto(
        &mut self,
        incident: Incident,
        action: &str,
        payload: serde_json::Value,
    ) -> Result<(), super::EngineError> {
        let now = self.clock.now();
        let puts = Store::put_incident(&incident)?;
        self.store.commit(
            &Actor::system(),
            now,
            action,
            &incident.id.to_string(),
            payload,
            puts,
        )?;
        self.keep(incident);
        Ok(())
    }

    fn record_engine_error<T>(&mut self, result: Result<T, super::EngineError>) {
        match result {
            Err(super::EngineError::Store(e)) => self.store_failed(&e),
            Err(e) => {
                self.engine_error = Some(e.to_string());
                self.dirty = true;
            }
            Ok(_) => self.store_recovered(),
        }
    }
}

/// Not restored yet, or failed again after its latest restoration.
pub(super) fn still_failing(incident: &Incident) -> bool {
    incident.restored_at.is_none()
        || incident
            .timeline
            .iter()
            .rev()
            .find_map(|e| match e.kind {
                TimelineKind::Restored => Some(false),
                TimelineKind::Failed { .. } => Some(true),
                _ => None,
            })
            .unwrap_or(false)
}

#[cfg(test)]
mod title_tests {
    use super::*;

    #[test]
    fn automatic_titles_speak_the_platform_language() {
        let d = "http-1: status: HTTP 503";
        assert_eq!(
            subsystem_title(Lang::Zh, "系统管理子系统", d, false),
            "系统管理子系统故障：http-1: status: HTTP 503"
        );
        assert_eq!(
            subsystem_title(Lang::Zh, "综合展示子系统", "api: slow for 10m00s: 1.8s", true),
            "综合展示子系统响应缓慢：api: slow for 10m00s: 1.8s"
        );
        assert_eq!(
            subsystem_title(Lang::En, "display", d, false),
            "display down: http-1: status: HTTP 503"
        );
        assert_eq!(
            host_title(Lang::Zh, "db-01", "disk /", 96.4),
            "db-01：disk / 96% 超过严重阈值"
        );
        assert_eq!(
            host_title(Lang::En, "db-01", "disk /", 96.4),
            "db-01: disk / 96% over critical threshold"
        );
    }
}
