use chrono::TimeZone;

use super::*;
use crate::hosts::{DiskGauge, Gauges};

fn t(min: i64, sec: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).single().unwrap()
        + TimeDelta::minutes(min)
        + TimeDelta::seconds(sec)
}

fn alarms() -> HostAlarms {
    HostAlarms::with_thresholds(
        "db-01",
        Thresholds {
            warn_pct: 80.0,
            critical_pct: 90.0,
            critical_for: Duration::from_secs(300),
        },
    )
}

fn cpu(at: DateTime<Utc>, pct: f64) -> HostSample {
    HostSample {
        host: "db-01".into(),
        at,
        reading: HostReading::Gauges(Gauges {
            cpu_pct: Some(pct),
            ..Gauges::default()
        }),
    }
}

fn disk(mount: &str, pct: f64) -> DiskGauge {
    DiskGauge {
        mount: mount.into(),
        device: format!("/dev/{}", mount.trim_start_matches('/')),
        used_pct: pct,
        total_bytes: 100,
        used_bytes: pct as u64,
    }
}

#[test]
fn levels_follow_inclusive_thresholds() {
    assert_eq!(level(79.9, 80.0, 90.0), Level::Ok);
    assert_eq!(level(80.0, 80.0, 90.0), Level::Warn);
    assert_eq!(level(90.0, 80.0, 90.0), Level::Critical);
    let mut a = alarms();
    assert_eq!(a.worst(), Level::Ok);
    a.observe(&cpu(t(0, 0), 85.0));
    assert_eq!(a.level("cpu"), Some(Level::Warn));
    assert_eq!(a.levels(), vec![("cpu".to_string(), 85.0, Level::Warn)]);
    assert_eq!(a.worst(), Level::Warn);
}

#[test]
fn raised_only_after_critical_for_continuously_and_only_once() {
    let mut a = alarms();
    assert_eq!(a.observe(&cpu(t(0, 0), 95.0)), vec![]);
    assert_eq!(a.level("cpu"), Some(Level::Critical));
    assert_eq!(a.observe(&cpu(t(2, 0), 97.0)), vec![]);
    assert_eq!(a.observe(&cpu(t(4, 59), 99.0)), vec![]);
    let expected = HostAlarm {
        host: "db-01".into(),
        gauge: "cpu".into(),
        value: 93.0,
        since: t(0, 0),
    };
    assert_eq!(
        a.observe(&cpu(t(5, 0), 93.0)),
        vec![AlarmEvent::Raised(expected.clone())]
    );
    assert_eq!(a.observe(&cpu(t(6, 0), 99.0)), vec![], "raised once per run");
    assert_eq!(a.raised(), vec![&expected]);
    assert_eq!(
        a.observe(&cpu(t(7, 0), 60.0)),
        vec![AlarmEvent::Cleared {
            alarm: expected,
            at: t(7, 0),
            value: Some(60.0)
        }]
    );
    assert!(a.raised().is_empty());
    assert_eq!(a.level("cpu"), Some(Level::Ok));
}

#[test]
fn a_dip_under_critical_restarts_the_run() {
    let mut a = alarms();
    a.observe(&cpu(t(0, 0), 95.0));
    a.observe(&cpu(t(3, 0), 95.0));
    // Warn is not critical: the run ends, nothing was raised, so nothing is cleared.
    assert_eq!(a.observe(&cpu(t(4, 0), 85.0)), vec![]);
    assert_eq!(a.observe(&cpu(t(4, 30), 95.0)), vec![]);
    assert_eq!(a.observe(&cpu(t(9, 0), 95.0)), vec![]);
    match a.observe(&cpu(t(9, 30), 96.0)).as_slice() {
        [AlarmEvent::Raised(alarm)] => assert_eq!(alarm.since, t(4, 30)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unreachable_and_unknown_cpu_neither_break_nor_clear_a_run() {
    let mut a = alarms();
    a.observe(&cpu(t(0, 0), 95.0));
    let unreachable = HostSample {
        host: "db-01".into(),
        at: t(2, 0),
        reading: HostReading::Unreachable {
            reason: "no answer within 5s".into(),
        },
    };
    assert_eq!(a.observe(&unreachable), vec![]);
    let unknown = HostSample {
        reading: HostReading::Gauges(Gauges::default()),
        at: t(3, 0),
        ..unreachable
    };
    assert_eq!(a.observe(&unknown), vec![]);
    assert_eq!(a.level("cpu"), Some(Level::Critical));
    assert_eq!(a.observe(&cpu(t(5, 0), 95.0)).len(), 1);
}

#[test]
fn each_gauge_is_tracked_apart_and_a_vanished_disk_is_cleared() {
    let mut a = alarms();
    let sample = |at, data_pct: Option<f64>| HostSample {
        host: "db-01".into(),
        at,
        reading: HostReading::Gauges(Gauges {
            cpu_pct: Some(10.0),
            mem_pct: Some(95.0),
            disks: [Some(disk("/", 50.0)), data_pct.map(|p| disk("/data", p))]
                .into_iter()
                .flatten()
                .collect(),
            ..Gauges::default()
        }),
    };
    assert_eq!(a.observe(&sample(t(0, 0), Some(99.0))), vec![]);
    let events = a.observe(&sample(t(5, 0), Some(99.5)));
    let gauges: Vec<&str> = events
        .iter()
        .map(|e| match e {
            AlarmEvent::Raised(alarm) => alarm.gauge.as_str(),
            AlarmEvent::Cleared { .. } => panic!("{e:?}"),
        })
        .collect();
    assert_eq!(gauges, vec!["memory", "disk /data"]);
    assert_eq!(a.level("disk /"), Some(Level::Ok));
    // /data is unmounted: its alarm clears; memory stays raised.
    let events = a.observe(&sample(t(6, 0), None));
    match events.as_slice() {
        [AlarmEvent::Cleared { alarm, at, value }] => {
            assert_eq!(alarm.gauge, "disk /data");
            assert_eq!(alarm.value, 99.5);
            assert_eq!(*at, t(6, 0));
            assert_eq!(*value, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(a.level("disk /data"), None);
    assert_eq!(a.raised().len(), 1);
}

#[test]
fn zero_critical_for_raises_on_the_first_critical_reading() {
    let mut a = HostAlarms::with_thresholds(
        "db-01",
        Thresholds {
            warn_pct: 80.0,
            critical_pct: 90.0,
            critical_for: Duration::ZERO,
        },
    );
    assert_eq!(a.observe(&cpu(t(0, 0), 90.0)).len(), 1);
}

#[test]
fn old_samples_and_other_hosts_are_ignored() {
    let mut a = alarms();
    a.observe(&cpu(t(10, 0), 50.0));
    assert_eq!(a.observe(&cpu(t(1, 0), 99.0)), vec![]);
    assert_eq!(a.level("cpu"), Some(Level::Ok));
    let other = HostSample {
        host: "app-01".into(),
        ..cpu(t(11, 0), 99.0)
    };
    assert_eq!(a.observe(&other), vec![]);
    assert_eq!(a.level("cpu"), Some(Level::Ok));
}

#[test]
fn thresholds_come_from_the_host_config() {
    let config = crate::config::Config::parse(
        std::path::Path::new("c.toml"),
        "[[host]]\nname = \"db-01\"\nsource = \"local\"\nwarn = 70\ncritical = 85\ncritical_for = \"2m\"\n",
    )
    .unwrap();
    let a = HostAlarms::new(&config.hosts[0]);
    assert_eq!(a.host(), "db-01");
    assert_eq!(
        a.thresholds(),
        Thresholds {
            warn_pct: 70.0,
            critical_pct: 85.0,
            critical_for: Duration::from_secs(120),
        }
    );
}
