use std::path::Path;

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::model::{IncidentId, NewIncident, Resolution};
use crate::store::{AuditKey, Put, Store};

const CONFIG: &str = "[[subsystem]]\nid = \"digital\"\nname = \"数字管理子系统\"\n  [[subsystem.check]]\n  \
    kind = \"tcp\"\n  address = \"127.0.0.1:9\"\n";

/// `total` incidents detected every 5 hours from 1 August 2026 (the third quarter and the fourth), two in three
/// resolved, written a hundred per commit: many sled pages of them.
fn seeded(dir: &Path, total: u32) -> Store {
    let mut store = Store::open_keyed(dir, AuditKey::ephemeral([7; 32])).unwrap();
    let actor = Actor::named("li");
    let start = Utc.with_ymd_and_hms(2026, 8, 1, 0, 0, 0).single().unwrap();
    for first in (1..=total).step_by(100) {
        let mut puts = Vec::new();
        let last = (first + 99).min(total);
        for seq in first..=last {
            let at = start + Duration::hours(5 * seq as i64);
            let new = NewIncident {
                kind: Kind::Fault,
                severity: Severity::ALL[seq as usize % 3],
                title: format!("检测报告列表加载缓慢 {seq}"),
                subsystem: Some("digital".into()),
                detected_at: Some(at),
                source: None,
                host: None,
            };
            let mut incident =
                Incident::open(IncidentId { year: 2026, seq }, new, actor.clone(), at).unwrap();
            if seq % 3 != 0 {
                let resolution = Resolution {
                    cause: "网络抖动".into(),
                    process: "重启服务".into(),
                    solution: None,
                };
                incident
                    .resolve(
                        &actor,
                        None,
                        at + Duration::minutes(30 * (seq % 5) as i64),
                        resolution,
                    )
                    .unwrap();
            }
            puts.extend(Store::put_incident(&incident).unwrap());
        }
        puts.push(Put::Insert {
            tree: TreeName::Meta,
            key: b"seq/2026".to_vec(),
            value: last.to_be_bytes().to_vec(),
        });
        store
            .commit(
                &actor,
                start,
                "seed",
                "test",
                serde_json::json!({ "upto": last }),
                puts,
            )
            .unwrap();
    }
    store
}

#[test]
fn the_report_lists_every_incident_of_the_quarter_as_a_plain_read_of_the_store_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded(dir.path(), 600);
    let config = Config::parse(Path::new("test.toml"), CONFIG).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 20, 4, 0, 0).single().unwrap();
    let quarter: Quarter = "2026Q4".parse().unwrap();
    let zone = config.policy.calendar.zone;

    let report = build(&store, &config, quarter, now, &Actor::named("li")).unwrap();

    // Every record of the tree decoded, those detected in the quarter kept, in key order.
    let expected: Vec<IncidentRow> = store
        .tree(TreeName::Incidents)
        .iter()
        .map(|item| serde_json::from_slice::<Incident>(&item.unwrap().1).unwrap())
        .filter(|i| quarter.contains(i.detected_at.with_timezone(&zone).date_naive()))
        .map(|i| row(&i, &config, now))
        .collect();
    assert!(
        expected.len() > 250,
        "{} incidents in the quarter",
        expected.len()
    );
    assert_eq!(report.incidents, expected);
    assert!(report.incidents.iter().any(|r| r.state == State::Open));
    assert!(report.incidents.iter().any(|r| r.late));
    // The score, its half-year with the third quarter's included, is the score page's.
    let page = score::load(&store, &config.policy, quarter, now).unwrap();
    assert!(page.half_year.is_some());
    assert_eq!(report.score, page);
}
