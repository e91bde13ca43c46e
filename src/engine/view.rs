//! Building the snapshot the screens read.

use super::{CheckView, Engine, Health, HostView, LastProbe, Snapshot, SubsystemView};

impl Engine {
    pub(super) fn build_snapshot(&self) -> Snapshot {
        let now = self.clock.now();
        let mut open: Vec<_> = self.open.values().cloned().collect();
        open.sort_by_key(|i| i.next_deadline(&self.policy, now).map(|d| d.due));
        let subsystems = self
            .config
            .subsystems
            .iter()
            .map(|sub| {
                let checks: Vec<CheckView> = sub
                    .checks
                    .iter()
                    .map(|check| {
                        let last = self.last_probe.get(&check.id);
                        CheckView {
                            id: check.id.clone(),
                            name: check.name.clone(),
                            kind: check.spec.kind(),
                            target: check.spec.target().to_string(),
                            health: last.map(|r| health_of(&r.outcome)).unwrap_or(Health::Unknown),
                            last: last.map(|r| LastProbe {
                                at: r.started_at,
                                latency_ms: r.latency.as_millis() as u64,
                                outcome: r.outcome.clone(),
                            }),
                        }
                    })
                    .collect();
                let health = checks.iter().map(|c| c.health).max().unwrap_or(Health::Unknown);
                let latency_ms = checks
                    .iter()
                    .filter_map(|c| c.last.as_ref().map(|l| l.latency_ms))
                    .max();
                SubsystemView {
                    id: sub.id.clone(),
                    name: sub.name.clone(),
                    health,
                    checks,
                    latency_ms,
                    p95_ms: None,
                    availability_today: None,
                    sparkline: Vec::new(),
                    blocked_by: None,
                    in_maintenance: false,
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
            open_incidents: open,
            recently_resolved: self.recently_resolved.clone(),
            records: self.records.status(),
            score: self.records.score(),
            engine_error: self.engine_error.clone(),
        }
    }
}

fn health_of(outcome: &crate::probe::Outcome) -> Health {
    match outcome {
        crate::probe::Outcome::Up { .. } => Health::Up,
        crate::probe::Outcome::Degraded { .. } => Health::Degraded,
        crate::probe::Outcome::Down { .. } => Health::Down,
    }
}
