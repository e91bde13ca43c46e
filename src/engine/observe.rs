//! What the engine observes without being asked: probe results and host samples.

use super::Engine;
use crate::health::HealthEvent;
use crate::history;
use crate::hosts::HostSample;
use crate::hosts::alarm::AlarmEvent;
use crate::probe::ProbeResult;

impl Engine {
    pub(super) fn observe_probe(&mut self, result: ProbeResult) {
        let now = self.clock.now();
        let events = self.health.observe(&result, now);
        // Maintenance time is left out of availability.
        if !self.health.in_maintenance(&result.subsystem, result.started_at) {
            let latency = result.latency.as_millis() as u64;
            let failed = result.outcome.is_failure();
            if let Some(done) = self
                .history
                .add(&result.subsystem, result.started_at, latency, failed)
            {
                match history::write(&self.store, vec![done]) {
                    Ok(()) => {
                        self.store_recovered();
                        self.durability.sync_soon();
                    }
                    Err(e) => self.store_failed(&e),
                }
            }
        }
        self.apply_health(events);
        self.dirty = true;
    }

    pub(super) fn apply_health(&mut self, events: Vec<HealthEvent>) {
        for event in events {
            match event {
                HealthEvent::FaultConfirmed {
                    subsystem,
                    check_id,
                    detected_at,
                    severity,
                    detail,
                    slow,
                }
                | HealthEvent::FailedAgain {
                    subsystem,
                    check_id,
                    detected_at,
                    severity,
                    detail,
                    slow,
                    ..
                } => self.fault_confirmed(&subsystem, &check_id, detected_at, severity, &detail, slow),
                HealthEvent::SeverityRaised {
                    subsystem,
                    check_id,
                    at,
                    severity,
                    detail,
                    slow,
                } => self.fault_escalated(&subsystem, &check_id, at, severity, &detail, slow),
                HealthEvent::Recovered {
                    subsystem,
                    at,
                    unwatched,
                } => self.fault_recovered(&subsystem, at, unwatched),
            }
        }
    }

    pub(super) fn observe_host(&mut self, sample: HostSample) {
        let events = match self.host_alarms.get_mut(&sample.host) {
            Some(alarms) => alarms.observe(&sample),
            None => Vec::new(),
        };
        for event in events {
            match event {
                AlarmEvent::Raised(a) => self.host_alarm(&a.host, &a.gauge, a.value, a.since),
                AlarmEvent::Cleared { alarm, at, .. } => {
                    self.host_alarm_cleared(&alarm.host, &alarm.gauge, at)
                }
            }
        }
        self.records.observe_host(&sample, &self.policy.calendar);
        self.hosts.insert(sample.host.clone(), sample);
        self.dirty = true;
    }
}
