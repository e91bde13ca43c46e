//! A fixed platform state for the dashboard tests: five subsystems in every state, three hosts (one
//! unreachable, one without a first CPU reading) and open incidents at every stage of urgency.

#![allow(dead_code)]

#[path = "fixture/incidents.rs"]
mod incidents;
#[path = "fixture/platform.rs"]
mod platform;

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use watchdesk::engine::{Mode, RecordsStatus, ScoreSummary, Snapshot};
use watchdesk::model::IncidentId;
use watchdesk::policy::Policy;

/// 2026-11-28 16:00:00 in Shanghai.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap()
}

/// The dashboard's state at [`now`]; with `late`, one critical fault is 12 minutes past its response deadline.
pub fn snapshot(late: bool) -> Arc<Snapshot> {
    Arc::new(Snapshot {
        generated_at: now(),
        platform: "福建省水利质量检测监管平台".into(),
        timezone: Shanghai,
        mode: Mode::Embedded,
        policy: Arc::new(Policy::default()),
        subsystems: platform::subsystems(),
        hosts: platform::hosts(),
        open_incidents: incidents::incidents(late).into_iter().map(Arc::new).collect(),
        recently_resolved: incidents::resolved().into_iter().map(Arc::new).collect(),
        records: RecordsStatus {
            daily_missing: true,
            monthly_missing: false,
        },
        score: Some(ScoreSummary {
            quarter: "2026-Q4".into(),
            total: 97.4,
            fault_deductions: 1.3,
            fee_pct: 100.0,
            ..ScoreSummary::default()
        }),
        engine_error: None,
        delivery: Default::default(),
        audit_events: 0,
    })
}

/// The same state in demo mode.
pub fn demo_snapshot() -> Arc<Snapshot> {
    let mut s = (*snapshot(false)).clone();
    s.mode = Mode::Demo;
    Arc::new(s)
}

pub fn incident_id(seq: u32) -> IncidentId {
    incidents::id(seq)
}
