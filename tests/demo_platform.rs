//! The demo platform, probed over real loopback connections.

use std::time::{Duration, Instant};

use watchdesk::config::{CheckSpec, HostSource};
use watchdesk::demo::{DemoPlatform, Fault, SUBSYSTEMS, Script};

fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

async fn get(demo: &DemoPlatform, subsystem: &str) -> Result<(u16, String), reqwest::Error> {
    let response = client(Duration::from_secs(5))
        .get(demo.health_url(subsystem).unwrap())
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

#[tokio::test]
async fn every_subsystem_answers_ok_on_its_own_port() {
    let demo = DemoPlatform::start(1).await.unwrap();
    // The script's opening fault comes after 3 s; these checks run in real time.
    demo.stop_script();
    let mut ports = std::collections::HashSet::new();
    for s in SUBSYSTEMS {
        assert_eq!(
            get(&demo, s.id).await.unwrap(),
            (200, "ok".to_string()),
            "{}",
            s.id
        );
        let addr = demo.addr(s.id).unwrap();
        assert!(addr.ip().is_loopback());
        assert!(ports.insert(addr.port()));
        assert_eq!(demo.fault(s.id), Some(Fault::Healthy));
    }
    // Other paths are not health endpoints.
    let url = format!("http://{}/digital/api/health", demo.addr("sysadmin").unwrap());
    let status = client(Duration::from_secs(5))
        .get(url)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 404);
}

#[tokio::test]
async fn a_forced_500_is_served_until_healed() {
    let demo = DemoPlatform::start(2).await.unwrap();
    // The script's opening fault comes after 3 s; these checks run in real time.
    demo.stop_script();
    demo.set_fault("digital", Fault::Error500).await.unwrap();
    assert_eq!(get(&demo, "digital").await.unwrap().0, 500);
    assert_eq!(
        get(&demo, "sysadmin").await.unwrap().0,
        200,
        "only digital is hit"
    );
    demo.set_fault("digital", Fault::Healthy).await.unwrap();
    assert_eq!(get(&demo, "digital").await.unwrap(), (200, "ok".to_string()));
}

#[tokio::test]
async fn a_slow_subsystem_answers_ok_after_the_delay() {
    let demo = DemoPlatform::start(3).await.unwrap();
    // The script's opening fault comes after 3 s; these checks run in real time.
    demo.stop_script();
    demo.set_fault("smart", Fault::Slow(Duration::from_millis(300)))
        .await
        .unwrap();
    let started = Instant::now();
    assert_eq!(get(&demo, "smart").await.unwrap(), (200, "ok".to_string()));
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_hung_subsystem_never_answers_within_the_timeout() {
    let demo = DemoPlatform::start(4).await.unwrap();
    // The script's opening fault comes after 3 s; these checks run in real time.
    demo.stop_script();
    demo.set_fault("engineering", Fault::Hang).await.unwrap();
    let err = client(Duration::from_millis(200))
        .get(demo.health_url("engineering").unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    demo.set_fault("engineering", Fault::Healthy).await.unwrap();
    assert_eq!(get(&demo, "engineering").await.unwrap().0, 200);
}

#[tokio::test]
async fn a_refused_subsystem_closes_its_port_and_opens_it_again() {
    let demo = DemoPlatform::start(5).await.unwrap();
    // The script's opening fault comes after 3 s; these checks run in real time.
    demo.stop_script();
    let addr = demo.addr("display").unwrap();
    demo.set_fault("display", Fault::Refused).await.unwrap();
    let err = get(&demo, "display").await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    let raw = tokio::net::TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(raw.kind(), std::io::ErrorKind::ConnectionRefused);
    demo.set_fault("display", Fault::Healthy).await.unwrap();
    assert_eq!(get(&demo, "display").await.unwrap(), (200, "ok".to_string()));
    assert_eq!(demo.addr("display"), Some(addr), "the same port again");
}

#[tokio::test]
async fn unknown_subsystems_are_refused_with_the_accepted_ids() {
    let demo = DemoPlatform::start(6).await.unwrap();
    let err = demo.set_fault("billing", Fault::Hang).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown demo subsystem \"billing\": accepted are sysadmin, digital, engineering, smart, display"
    );
    assert_eq!(demo.health_url("billing"), None);
}

#[tokio::test]
async fn the_config_watches_the_five_demo_subsystems_and_the_local_host() {
    let demo = DemoPlatform::start(7).await.unwrap();
    let config = demo.config();
    assert_eq!(config.source, None);
    assert_eq!(config.data_dir.as_deref(), Some(demo.data_dir()));
    assert!(demo.data_dir().is_dir());
    let names: Vec<(&str, &str)> = config
        .subsystems
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("sysadmin", "系统管理子系统"),
            ("digital", "水利质量检测数字管理子系统"),
            ("engineering", "水利工程检测平台子系统"),
            ("smart", "智慧检子系统"),
            ("display", "综合展示子系统"),
        ]
    );
    assert_eq!(config.subsystem("digital").unwrap().depends_on, vec!["sysadmin"]);
    assert!(config.subsystem("sysadmin").unwrap().depends_on.is_empty());
    for s in &config.subsystems {
        assert_eq!(s.checks.len(), 1);
        let check = &s.checks[0];
        assert_eq!(check.interval, Duration::from_secs(5));
        let CheckSpec::Http(http) = &check.spec else {
            panic!("{:?}", check.spec)
        };
        assert_eq!(Some(http.url.clone()), demo.health_url(&s.id));
        assert!(http.slow.unwrap() < check.timeout);
    }
    assert_eq!(config.health, watchdesk::config::HealthConfig::default());
    assert_eq!(config.hosts.len(), 1);
    assert_eq!(config.hosts[0].source, HostSource::Local);
    assert_eq!(config.hosts[0].interval, Duration::from_secs(5));
}

#[tokio::test]
async fn the_data_directory_goes_with_the_platform() {
    let demo = DemoPlatform::start(8).await.unwrap();
    let dir = demo.data_dir().to_path_buf();
    assert!(dir.is_dir());
    drop(demo);
    assert!(!dir.exists());
}

#[tokio::test(start_paused = true)]
async fn the_script_plays_the_seeded_faults_in_time() {
    let seed = 2026;
    let demo = DemoPlatform::start(seed).await.unwrap();
    assert_eq!(demo.seed(), seed);
    for step in Script::new(seed).take(4) {
        tokio::time::sleep(step.wait + Duration::from_millis(10)).await;
        assert_eq!(demo.fault(step.subsystem), Some(step.fault), "{step:?}");
        let others = SUBSYSTEMS.iter().filter(|s| s.id != step.subsystem);
        for s in others {
            assert_eq!(demo.fault(s.id), Some(Fault::Healthy));
        }
        tokio::time::sleep(step.lasts).await;
        assert_eq!(demo.fault(step.subsystem), Some(Fault::Healthy), "{step:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_stopped_script_leaves_faults_alone() {
    let demo = DemoPlatform::start(9).await.unwrap();
    demo.stop_script();
    demo.set_fault("sysadmin", Fault::Error500).await.unwrap();
    let first = Script::new(9).next().unwrap();
    tokio::time::sleep(first.wait + first.lasts + Duration::from_secs(1)).await;
    assert_eq!(demo.fault("sysadmin"), Some(Fault::Error500));
    for s in SUBSYSTEMS.iter().filter(|s| s.id != "sysadmin") {
        assert_eq!(demo.fault(s.id), Some(Fault::Healthy));
    }
}

/// The demo's history, written through an engine at a fixed time (2026-11-28 16:00 in Shanghai): what the
/// first screen shows, and a score with no loss but the ones it explains.
#[tokio::test]
async fn the_demo_history_is_a_service_kept_as_the_contract_asks_from_its_start() {
    use chrono::TimeZone;
    use watchdesk::engine::{Command, RecordsCommand, RecordsReply, Reply};
    use watchdesk::model::{Actor, DeadlineState};
    use watchdesk::policy::Kind;

    let now = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 28, 16, 0, 0)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let demo = DemoPlatform::start_at(11, now).await.unwrap();
    demo.stop_script();
    // The service began two weeks ago: the days of the quarter before it are not missing records.
    let service_start = chrono::NaiveDate::from_ymd_opt(2026, 11, 14).unwrap();
    assert_eq!(demo.config().policy.contract.start, Some(service_start));
    let clock = watchdesk::clock::ManualClock::new(now);
    let store = watchdesk::store::Store::open(demo.data_dir()).unwrap();
    let engine = watchdesk::engine::spawn(
        store,
        demo.config(),
        std::sync::Arc::new(clock),
        watchdesk::engine::Mode::Demo,
    )
    .unwrap();
    demo.seed_history(&engine, now).await.unwrap();

    let snap = engine.snapshot();
    let policy = &snap.policy;
    let mut kinds: Vec<Kind> = snap.open_incidents.iter().map(|i| i.kind).collect();
    kinds.sort_by_key(|k| k.as_str());
    assert_eq!(kinds, [Kind::Change, Kind::Fault, Kind::Fault, Kind::Security]);
    assert_eq!(snap.recently_resolved.len(), 1);
    assert!(
        snap.recently_resolved[0]
            .resolution
            .as_ref()
            .is_some_and(|r| !r.cause.is_empty())
    );
    // The critical one: four minutes in, eleven minutes left to respond.
    let critical = snap
        .open_incidents
        .iter()
        .find(|i| i.severity == watchdesk::policy::Severity::Critical)
        .unwrap();
    let respond = &critical.deadlines(policy, now)[0];
    assert_eq!(
        respond.state,
        DeadlineState::Pending {
            left: chrono::Duration::minutes(11)
        }
    );
    // The late one: 23 minutes old, eight minutes past its 15-minute response.
    let late = snap
        .open_incidents
        .iter()
        .find(|i| i.is_breached(policy, now))
        .unwrap();
    assert_eq!(
        late.deadlines(policy, now)[0].state,
        DeadlineState::Late {
            at: None,
            by: chrono::Duration::minutes(8)
        }
    );
    assert!(
        !snap.records.monthly_missing,
        "this month's on-site inspection is recorded"
    );

    let Reply::Records(reply) = engine
        .execute(
            Actor::named("li"),
            Command::Records(RecordsCommand::Score { quarter: None }),
        )
        .await
        .unwrap()
    else {
        panic!("expected the score")
    };
    let RecordsReply::Score(score) = *reply else {
        panic!("expected the score")
    };
    // Hand-computed: personnel 45 (not entered) + faults 15 − 0.3 (the late major response) + archive 5
    // (1 of 1) + ledger 5, database archive 5 and anomaly checks 3 (14 of 14 days, 14 to 27 Nov) +
    // quarterly summary 0 (not produced yet) + assigned tasks 5 + server reports 2 + complaints 10 = 94.7.
    assert_eq!(score.days_counted, 14);
    assert_eq!(score.service.start, Some(service_start));
    assert_eq!(score.service.quarter, Some(1));
    assert_eq!(
        score.service.days_before_start, 44,
        "1 Oct to 13 Nov are before the service"
    );
    assert!((score.total - 94.7).abs() < 1e-9, "{score:#?}");
    engine.shutdown().await;
}
