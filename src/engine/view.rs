//! Building the snapshot the screens read.

use super::{CheckView, Engine, HostView, LastProbe, Snapshot, SubsystemView};

impl Engine {
    pub(super) fn build_snapshot(&self) -> Snapshot {
        let now = self.clock.now();
        let subsystems = self
            .config
            .subsystems
            .iter()
            .map(|sub| {
                let checks: Vec<CheckView> = sub
                    .checks
                    .iter()
                    .map(|check| {
                        let last = self.health.last_result(&check.id);
                        CheckView {
                            id: check.id.clone(),
                            name: check.name.clone(),
                            kind: check.spec.kind().to_string(),
                            target: check.spec.target().to_string(),
                            health: self.health.check_health(&check.id),
                            last: last.map(|r| LastProbe {
                                at: r.started_at,
                                latency_ms: r.latency.as_millis() as u64,
                                outcome: r.outcome.clone(),
                            }),
                        }
                    })
                    .collect();
                let state = self.health.subsystem_health(&sub.id);
                let primary = self.health.primary_check(&sub.id).unwrap_or_default();
                SubsystemView {
                    id: sub.id.clone(),
                    name: sub.name.clone(),
                    health: state.health,
                    checks,
                    latency_ms: self.health.latency_ms(primary),
                    p95_ms: self.health.p95_ms(primary),
                    availability_today: self.health.availability_today(&sub.id, now),
                    sparkline: self.health.sparkline(primary),
                    blocked_by: state.blocked_by,
                    in_maintenance: state.in_maintenance,
                }
            })
            .collect();
        let hosts = self
            .config
            .hosts
            .iter()
            .map(|h| {
                let sample = self.hosts.get(&h.name);
                HostView {
                    name: h.name.clone(),
                    at: sample.map(|s| s.at),
                    reading: sample.map(|s| s.reading.clone()),
                    warn_pct: h.warn_pct,
                    critical_pct: h.critical_pct,
                }
            })
            .collect();
        Snapshot {
            generated_at: now,
            platform: self.config.platform.name.clone(),
            timezone: self.config.platform.timezone,
            mode: self.mode,
            policy: self.policy.clone(),
            subsystems,
            hosts,
            open_incidents: self.open.by_deadline(),
            recently_resolved: self.recently_resolved.clone(),
            records: self.records.status(),
            score: self.records.score(),
            engine_error: self.engine_error.clone(),
            delivery: self.delivery.borrow().clone(),
            audit_events: self.store.chain_head_seq(),
        }
    }
}
