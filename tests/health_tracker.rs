//! The health state machine of checks and subsystems, driven with explicit times.

#[path = "health_support/fixture.rs"]
mod fixture;

use fixture::{config, config_en, refused, result, slow, t, up};
use watchdesk::engine::Health;
use watchdesk::health::{HealthEvent, HealthTracker};
use watchdesk::policy::Severity;

const LOGIN: &str = "sysadmin/login";
const API: &str = "digital/api";
const CERT: &str = "digital/cert";

#[test]
fn two_failures_open_nothing_and_the_third_confirms_from_the_first() {
    let mut tracker = HealthTracker::new(&config());
    assert_eq!(tracker.check_health(LOGIN), Health::Unknown);
    assert!(tracker.observe(&result(LOGIN, t(0), refused()), t(0)).is_empty());
    assert!(
        tracker
            .observe(&result(LOGIN, t(30), refused()), t(30))
            .is_empty()
    );
    assert_eq!(tracker.check_health(LOGIN), Health::Unknown);

    let events = tracker.observe(&result(LOGIN, t(60), refused()), t(60));
    assert_eq!(
        events,
        [HealthEvent::FaultConfirmed {
            subsystem: "sysadmin".into(),
            check_id: LOGIN.into(),
            detected_at: t(0),
            severity: Severity::Critical,
            // In the platform's language, as the incident's title will be.
            detail: "login: 连接：10.0.0.1:443 拒绝连接（该端口无服务监听）".into(),
            slow: false,
        }]
    );
    assert_eq!(tracker.check_health(LOGIN), Health::Down);
    assert_eq!(tracker.check_since(LOGIN), Some(t(0)));

    let mut english = HealthTracker::new(&config_en());
    let events: Vec<HealthEvent> = [0, 30, 60]
        .into_iter()
        .flat_map(|s| english.observe(&result(LOGIN, t(s), refused()), t(s)))
        .collect();
    assert!(
        matches!(
            events.as_slice(),
            [HealthEvent::FaultConfirmed { detail, .. }]
                if detail == "login: connect: connection refused by 10.0.0.1:443 (nothing listens on that port)"
        ),
        "{events:?}"
    );
    assert_eq!(tracker.subsystem_health("sysadmin").health, Health::Down);
    // Further failures are the same fault.
    assert!(
        tracker
            .observe(&result(LOGIN, t(90), refused()), t(90))
            .is_empty()
    );
}

#[test]
fn an_answer_between_failures_restarts_the_count() {
    let mut tracker = HealthTracker::new(&config());
    let outcomes = [refused(), refused(), up(), refused(), refused(), up(), refused()];
    for (n, outcome) in outcomes.into_iter().enumerate() {
        let at = t(30 * n as i64);
        assert!(tracker.observe(&result(LOGIN, at, outcome), at).is_empty());
    }
    assert_eq!(tracker.check_health(LOGIN), Health::Up);
}

#[test]
fn recovery_needs_two_answers_and_a_new_failure_is_failed_again() {
    let mut tracker = HealthTracker::new(&config());
    for s in [0, 30, 60] {
        tracker.observe(&result(LOGIN, t(s), refused()), t(s));
    }
    assert!(tracker.observe(&result(LOGIN, t(90), up()), t(90)).is_empty());
    assert_eq!(tracker.check_health(LOGIN), Health::Down);
    let events = tracker.observe(&result(LOGIN, t(120), up()), t(120));
    assert_eq!(
        events,
        [HealthEvent::Recovered {
            subsystem: "sysadmin".into(),
            at: t(90),
            unwatched: None,
        }]
    );
    assert_eq!(tracker.check_health(LOGIN), Health::Up);
    assert_eq!(tracker.check_since(LOGIN), Some(t(90)));

    for s in [150, 180] {
        assert!(tracker.observe(&result(LOGIN, t(s), refused()), t(s)).is_empty());
    }
    let events = tracker.observe(&result(LOGIN, t(210), refused()), t(210));
    assert!(
        matches!(
            &events[..],
            [HealthEvent::FailedAgain { detected_at, recovered_at, .. }]
                if *detected_at == t(150) && *recovered_at == t(90)
        ),
        "{events:?}"
    );
}

#[test]
fn a_subsystem_is_its_worst_check() {
    let mut tracker = HealthTracker::new(&config());
    assert_eq!(tracker.subsystem_health("digital").health, Health::Unknown);
    tracker.observe(&result(API, t(0), up()), t(0));
    assert_eq!(tracker.subsystem_health("digital").health, Health::Up);
    tracker.observe(&result(CERT, t(1), slow()), t(1));
    assert_eq!(tracker.subsystem_health("digital").health, Health::Degraded);
    assert_eq!(tracker.check_health(API), Health::Up);
    assert_eq!(tracker.subsystem_health("nothing").health, Health::Unknown);
}

#[test]
fn degraded_too_long_is_a_major_fault_and_going_down_raises_it() {
    let mut tracker = HealthTracker::new(&config());
    for n in 0..20 {
        let at = t(30 * n);
        assert!(tracker.observe(&result(API, at, slow()), at).is_empty(), "at {n}");
    }
    // 9 min 30 s of slowness so far; the tick at 10 min makes it a fault, dated at 10 min.
    let events = tracker.tick(t(605));
    assert_eq!(events.len(), 1, "{events:?}");
    let HealthEvent::FaultConfirmed {
        detected_at,
        severity,
        detail,
        ..
    } = &events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!((*detected_at, *severity), (t(600), Severity::Major));
    assert_eq!(
        detail,
        "api: 已持续 10m00s：响应慢：HTTP 200 用时 2300 ms，超过 1500 ms"
    );
    assert!(tracker.tick(t(700)).is_empty());

    for s in [630, 660] {
        assert!(tracker.observe(&result(API, t(s), refused()), t(s)).is_empty());
    }
    let events = tracker.observe(&result(API, t(690), refused()), t(690));
    assert!(
        matches!(&events[..], [HealthEvent::SeverityRaised { severity: Severity::Critical, at, .. }] if *at == t(630)),
        "{events:?}"
    );

    tracker.observe(&result(API, t(720), up()), t(720));
    let events = tracker.observe(&result(API, t(750), up()), t(750));
    assert_eq!(
        events,
        [HealthEvent::Recovered {
            subsystem: "digital".into(),
            at: t(720),
            unwatched: None,
        }]
    );
}

#[test]
fn a_minor_check_stays_minor_when_slow() {
    let mut tracker = HealthTracker::new(&config());
    tracker.observe(&result(CERT, t(0), slow()), t(0));
    let events = tracker.tick(t(601));
    assert!(
        matches!(
            &events[..],
            [HealthEvent::FaultConfirmed {
                severity: Severity::Minor,
                ..
            }]
        ),
        "{events:?}"
    );
    // Back to Up ends the fault.
    let events = tracker.observe(&result(CERT, t(630), up()), t(630));
    assert!(
        matches!(&events[..], [HealthEvent::Recovered { .. }]),
        "{events:?}"
    );
}

#[test]
fn samples_feed_latency_p95_sparkline_and_availability() {
    let mut tracker = HealthTracker::new(&config());
    for n in 0..10 {
        let mut r = result(API, t(n * 30), if n == 4 { refused() } else { up() });
        r.latency = std::time::Duration::from_millis(10 * (n as u64 + 1));
        tracker.observe(&r, t(n * 30));
    }
    assert_eq!(tracker.latency_ms(API), Some(100));
    assert_eq!(tracker.p95_ms(API), Some(100));
    assert_eq!(tracker.sparkline(API), [10, 20, 30, 40, 0, 60, 70, 80, 90, 100]);
    assert_eq!(tracker.samples(API).len(), 10);
    assert_eq!(tracker.primary_check("digital"), Some(API));
    assert_eq!(tracker.availability_today("digital", t(300)), Some(0.9));
    // Another day in Shanghai starts the count again.
    assert_eq!(tracker.availability_today("digital", t(86_400)), None);
    assert!(tracker.last_result(API).is_some());
}

#[test]
fn results_of_unknown_checks_are_ignored() {
    let mut tracker = HealthTracker::new(&config());
    for s in 0..5 {
        assert!(
            tracker
                .observe(&result("gone/old", t(s), refused()), t(s))
                .is_empty()
        );
    }
    assert_eq!(tracker.check_health("gone/old"), Health::Unknown);
}
