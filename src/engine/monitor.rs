//! Confirmed faults become incidents: one open automatic incident per subsystem (and per host gauge), whose
//! detection time is the first failure of the streak that confirmed it.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::Engine;
use crate::model::{Actor, AutoSource, Incident, NewIncident};
use crate::policy::{Kind, Severity};
use crate::store::Store;

impl Engine {
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
                    title: format!("{name}: {detail}"),
                    subsystem: Some(subsystem.to_string()),
                    detected_at: Some(detected_at.min(now)),
                    source: Some(AutoSource::Subsystem {
                        id: subsystem.to_string(),
                        check: check_id.to_string(),
                    }),
                };
                self.open_incident(&Actor::system(), new, now).map(|_| ())
            }
        };
        self.record_engine_error(result);
    }

    /// A worse fault joined an open episode (slow became down): raise the automatic incident's severity.
    pub(super) fn fault_escalated(
        &mut self,
        subsystem: &str,
        check_id: &str,
        severity: Severity,
        detail: &str,
    ) {
        let Some(mut incident) = self
            .auto_incident(|s| matches!(s, AutoSource::Subsystem { id, .. } if id == subsystem))
            .cloned()
        else {
            return;
        };
        // Severity is ordered critical < major < minor: only ever raise it.
        if severity >= incident.severity {
            return;
        }
        let now = self.clock.now();
        let from = incident.severity;
        let reason = format!("{check_id}: {detail}");
        if incident
            .reclassify(&Actor::system(), now, severity, &reason)
            .is_ok()
        {
            let payload = json!({ "from": from, "to": severity, "reason": reason });
            let result = self.store_auto(incident, "incident.reclassify", payload);
            self.record_engine_error(result);
        }
    }

    /// The subsystem is up again: the recover clock stops; the incident stays open for the cause.
    pub(super) fn fault_recovered(&mut self, subsystem: &str, at: DateTime<Utc>) {
        let Some(mut incident) = self
            .auto_incident(|s| matches!(s, AutoSource::Subsystem { id, .. } if id == subsystem))
            .cloned()
        else {
            return;
        };
        let now = self.clock.now();
        incident.restore(at.min(now), now);
        let result = self.store_auto(incident, "incident.restored", json!({ "at": at }));
        self.record_engine_error(result);
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
            title: format!("{host}: {gauge} {value:.0}% over critical threshold"),
            subsystem: None,
            detected_at: Some(since.min(now)),
            source: Some(AutoSource::Host {
                name: host.to_string(),
                gauge: gauge.to_string(),
            }),
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
        if let Err(e) = result {
            self.engine_error = Some(e.to_string());
            self.dirty = true;
        }
    }
}
