//! Dependencies and maintenance windows: the state shows why, and no incident event is raised.

#[path = "health_support/fixture.rs"]
mod fixture;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use fixture::{config, refused, result, t, up};
use watchdesk::engine::Health;
use watchdesk::health::{HealthEvent, HealthTracker, SubsystemHealth};

const LOGIN: &str = "sysadmin/login";
const API: &str = "digital/api";

fn fail_three_times(tracker: &mut HealthTracker, check: &str, from: i64) -> Vec<HealthEvent> {
    let mut events = Vec::new();
    for s in [from, from + 30, from + 60] {
        events.extend(tracker.observe(&result(check, t(s), refused()), t(s)));
    }
    events
}

#[test]
fn a_dependant_of_a_down_subsystem_is_blocked_and_raises_nothing() {
    let mut tracker = HealthTracker::new(&config());
    let events = fail_three_times(&mut tracker, LOGIN, 0);
    assert!(
        matches!(&events[..], [HealthEvent::FaultConfirmed { subsystem, .. }] if subsystem == "sysadmin")
    );
    // Digital is blocked even before its own checks fail.
    assert_eq!(tracker.subsystem_health("digital").health, Health::Blocked);

    let events = fail_three_times(&mut tracker, API, 5);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(tracker.check_health(API), Health::Down);
    assert_eq!(
        tracker.subsystem_health("digital"),
        SubsystemHealth {
            health: Health::Blocked,
            blocked_by: Some("系统管理子系统".into()),
            in_maintenance: false,
        }
    );

    // Sysadmin comes back while digital stays down: digital's fault is its own once confirmed again after
    // that moment (a full streak), and dates from it.
    tracker.observe(&result(LOGIN, t(90), up()), t(90));
    tracker.observe(&result(API, t(95), refused()), t(95));
    let events = tracker.observe(&result(LOGIN, t(120), up()), t(120));
    assert_eq!(
        events,
        [HealthEvent::Recovered {
            subsystem: "sysadmin".into(),
            at: t(90),
            unwatched: None,
        }]
    );
    assert_eq!(tracker.subsystem_health("digital").health, Health::Down);
    let events = fail_three_times(&mut tracker, API, 125);
    assert!(
        matches!(&events[..], [HealthEvent::FaultConfirmed { subsystem, detected_at, .. }]
            if subsystem == "digital" && *detected_at == t(120)),
        "{events:?}"
    );
}

#[test]
fn a_dependant_that_recovers_with_its_blocker_raises_nothing() {
    let mut tracker = HealthTracker::new(&config());
    fail_three_times(&mut tracker, LOGIN, 0);
    fail_three_times(&mut tracker, API, 5);
    let mut events = Vec::new();
    for s in [90, 120] {
        events.extend(tracker.observe(&result(API, t(s + 5), up()), t(s + 5)));
        events.extend(tracker.observe(&result(LOGIN, t(s), up()), t(s)));
    }
    assert!(
        events
            .iter()
            .all(|e| matches!(e, HealthEvent::Recovered { subsystem, .. } if subsystem == "sysadmin")),
        "{events:?}"
    );
    assert_eq!(tracker.subsystem_health("digital").health, Health::Up);
}

fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Shanghai
        .with_ymd_and_hms(2026, 12, d, h, m, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn a_fault_inside_a_maintenance_window_raises_nothing_until_the_window_ends() {
    let mut tracker = HealthTracker::new(&config());
    // Up before the window (2026-12-01 22:00 to 02:00 Shanghai).
    tracker.observe(&result(API, local(1, 21, 50), up()), local(1, 21, 50));
    assert!(tracker.tick(local(1, 22, 0)).is_empty());
    assert_eq!(
        tracker.subsystem_health("digital"),
        SubsystemHealth {
            health: Health::Maintenance,
            blocked_by: None,
            in_maintenance: true,
        }
    );
    for m in [10, 11, 12, 13] {
        let at = local(1, 22, m);
        assert!(tracker.observe(&result(API, at, refused()), at).is_empty());
    }
    assert_eq!(tracker.check_health(API), Health::Down);
    assert_eq!(tracker.subsystem_health("digital").health, Health::Maintenance);
    assert!(tracker.in_maintenance("digital", local(1, 23, 0)));
    assert!(!tracker.in_maintenance("sysadmin", local(1, 23, 0)));
    // Probes in the window are left out of availability: today's only counted probe was up.
    assert_eq!(tracker.availability_today("digital", local(1, 23, 0)), Some(1.0));

    // Still down when the window closes: confirmed again by a fresh streak, dated from the end of the window.
    assert!(tracker.tick(local(2, 2, 0)).is_empty());
    let mut events = Vec::new();
    for m in [1, 2, 3] {
        let at = local(2, 2, m);
        events.extend(tracker.observe(&result(API, at, refused()), at));
    }
    assert!(
        matches!(&events[..], [HealthEvent::FaultConfirmed { detected_at, .. }] if *detected_at == local(2, 2, 0)),
        "{events:?}"
    );
    assert_eq!(tracker.subsystem_health("digital").health, Health::Down);
}

#[test]
fn services_coming_back_after_the_window_open_nothing() {
    let mut tracker = HealthTracker::new(&config());
    for m in [10, 11, 12] {
        let at = local(1, 22, m);
        tracker.observe(&result(API, at, refused()), at);
    }
    let mut events = tracker.tick(local(2, 2, 0));
    // One more failure while it restarts, then it answers.
    for (m, outcome) in [(1, refused()), (2, up()), (3, up())] {
        let at = local(2, 2, m);
        events.extend(tracker.observe(&result(API, at, outcome), at));
    }
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(tracker.subsystem_health("digital").health, Health::Up);
}

#[test]
fn work_that_ends_inside_the_window_leaves_no_trace() {
    let mut tracker = HealthTracker::new(&config());
    let mut events = Vec::new();
    for m in [10, 11, 12, 13, 14] {
        let at = local(1, 22, m);
        let outcome = if m < 13 { refused() } else { up() };
        events.extend(tracker.observe(&result(API, at, outcome), at));
    }
    events.extend(tracker.tick(local(2, 2, 1)));
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(tracker.subsystem_health("digital").health, Health::Up);
}
