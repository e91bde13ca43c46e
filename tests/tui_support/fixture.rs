//! A fixed platform state for the dashboard tests: five subsystems in every state, three hosts (one
//! unreachable, one without a first CPU reading) and open incidents at every stage of urgency.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use watchdesk::engine::{
    CheckView, Health, HostView, LastProbe, Mode, RecordsStatus, ScoreSummary, Snapshot, SubsystemView,
};
use watchdesk::hosts::{DiskGauge, Gauges, HostReading};
use watchdesk::model::{Actor, AutoSource, Incident, IncidentId, NewIncident, Resolution};
use watchdesk::policy::{Kind, Policy, Severity};
use watchdesk::probe::{Outcome, Phase, Reason};

/// 2026-11-28 16:00:00 in Shanghai.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap()
}

fn id(seq: u32) -> IncidentId {
    IncidentId { year: 2026, seq }
}

fn open(
    seq: u32,
    kind: Kind,
    severity: Severity,
    title: &str,
    subsystem: Option<&str>,
    ago: Duration,
) -> Incident {
    let new = NewIncident {
        kind,
        severity,
        title: title.into(),
        subsystem: subsystem.map(str::to_string),
        detected_at: Some(now() - ago),
        source: None,
        host: None,
    };
    Incident::open(id(seq), new, Actor::named("zhang.wei"), now() - ago).unwrap()
}

fn check(id: &str, name: &str, health: Health, outcome: Option<Outcome>, latency_ms: u64) -> CheckView {
    CheckView {
        id: id.into(),
        name: name.into(),
        kind: "http".into(),
        target: format!("https://{name}.example.invalid/health"),
        health,
        last: outcome.map(|outcome| LastProbe {
            at: now() - Duration::seconds(12),
            latency_ms,
            outcome,
        }),
    }
}

#[allow(clippy::too_many_arguments)]
fn subsystem(
    id: &str,
    name: &str,
    health: Health,
    latency: Option<u64>,
    p95: Option<u64>,
    avail: Option<f64>,
    blocked_by: Option<&str>,
    checks: Vec<CheckView>,
) -> SubsystemView {
    let base = latency.unwrap_or(0).max(40);
    let sparkline = (0..60u64)
        .map(|i| {
            if health == Health::Down && i > 52 {
                0
            } else {
                base / 2 + (i * 37 % 11) * base / 10
            }
        })
        .collect();
    SubsystemView {
        id: id.into(),
        name: name.into(),
        health,
        checks,
        latency_ms: latency,
        p95_ms: p95,
        availability_today: avail,
        sparkline,
        blocked_by: blocked_by.map(str::to_string),
        in_maintenance: health == Health::Maintenance,
    }
}

fn subsystems() -> Vec<SubsystemView> {
    let down = Outcome::Down {
        phase: Phase::Connect,
        reason: Reason::Refused {
            address: "10.0.1.10:8080".into(),
        },
    };
    vec![
        subsystem(
            "sysadmin",
            "系统管理子系统",
            Health::Down,
            None,
            Some(180),
            Some(0.962),
            None,
            vec![check(
                "sysadmin/http-1",
                "sysadmin-api",
                Health::Down,
                Some(down),
                3,
            )],
        ),
        subsystem(
            "digital",
            "水利质量检测数字管理子系统",
            Health::Blocked,
            Some(95),
            Some(140),
            Some(0.998),
            Some("系统管理子系统"),
            vec![check(
                "digital/http-1",
                "digital-web",
                Health::Up,
                Some(Outcome::Up {
                    detail: Reason::HttpOk { code: 200 },
                }),
                95,
            )],
        ),
        subsystem(
            "engineering",
            "水利工程检测平台子系统",
            Health::Degraded,
            Some(1850),
            Some(2300),
            Some(0.999),
            None,
            vec![check(
                "engineering/http-1",
                "engineering-web",
                Health::Degraded,
                Some(Outcome::Degraded {
                    reason: Reason::Slow {
                        code: 200,
                        ms: 1850,
                        over_ms: 1500,
                    },
                }),
                1850,
            )],
        ),
        subsystem(
            "smart",
            "智慧检子系统",
            Health::Up,
            Some(85),
            Some(140),
            Some(1.0),
            None,
            vec![check(
                "smart/tcp-1",
                "smart-db",
                Health::Up,
                Some(Outcome::Up {
                    detail: Reason::Connected {
                        peer: "10.0.1.40:5432".into(),
                    },
                }),
                4,
            )],
        ),
        subsystem(
            "display",
            "综合展示子系统",
            Health::Maintenance,
            Some(60),
            Some(90),
            None,
            None,
            // In its maintenance window, and answering 503 meanwhile.
            vec![check(
                "display/http-1",
                "display-web",
                Health::Maintenance,
                Some(Outcome::Down {
                    phase: Phase::Status,
                    reason: Reason::Status {
                        code: 503,
                        expected: "200".into(),
                        location: None,
                        follows: false,
                    },
                }),
                60,
            )],
        ),
    ]
}

fn hosts() -> Vec<HostView> {
    let host = |name: &str, reading| HostView {
        name: name.into(),
        at: Some(now() - Duration::seconds(5)),
        reading,
        warn_pct: 80.0,
        critical_pct: 90.0,
    };
    let disk = |mount: &str, used_pct: f64| DiskGauge {
        mount: mount.into(),
        device: "/dev/vda1".into(),
        used_pct,
        total_bytes: 100 << 30,
        used_bytes: (used_pct as u64) << 30,
    };
    vec![
        host(
            "app-01",
            Some(HostReading::Gauges(Gauges {
                cpu_pct: Some(42.0),
                mem_pct: Some(83.5),
                mem_total_bytes: Some(16 << 30),
                swap_pct: Some(3.0),
                load: Some([0.52, 0.48, 0.40]),
                disks: vec![disk("/", 91.2), disk("/data", 55.0)],
            })),
        ),
        host(
            "db-01",
            Some(HostReading::Unreachable {
                reason: "connect timeout after 5s".into(),
            }),
        ),
        host(
            "web-01",
            Some(HostReading::Gauges(Gauges {
                cpu_pct: None,
                mem_pct: Some(35.0),
                mem_total_bytes: Some(8 << 30),
                // No swap configured.
                swap_pct: None,
                load: Some([0.10, 0.12, 0.09]),
                disks: vec![disk("/", 40.0)],
            })),
        ),
    ]
}

fn incidents(late: bool) -> Vec<Incident> {
    let ops = Actor {
        user: "li.na".into(),
        from: Some("10.8.0.12".into()),
    };
    let mut db = open(
        3,
        Kind::Fault,
        Severity::Critical,
        "数据库连接失败",
        Some("sysadmin"),
        Duration::minutes(40),
    );
    db.source = Some(AutoSource::Subsystem {
        id: "sysadmin".into(),
        check: "sysadmin/http-1".into(),
        slow: false,
    });
    db.acknowledge(
        &ops,
        Some(now() - Duration::minutes(34)),
        now() - Duration::minutes(34),
        Some("正在排查数据库连接池".into()),
        None,
    )
    .unwrap();
    db.note(&ops, None, now() - Duration::minutes(20), "DBA 已到场")
        .unwrap();
    let slow = open(
        4,
        Kind::Fault,
        Severity::Major,
        "检测报告列表加载缓慢",
        Some("engineering"),
        Duration::minutes(14),
    );
    let change = open(
        5,
        Kind::Change,
        Severity::Minor,
        "新增检测机构导出字段",
        None,
        Duration::hours(3),
    );
    let mut security = open(
        6,
        Kind::Security,
        Severity::Major,
        "弱口令整改（等保测评发现）",
        None,
        Duration::days(2),
    );
    security
        .plan(
            &ops,
            None,
            now() - Duration::days(1),
            "统一改为强口令并启用登录失败锁定",
        )
        .unwrap();
    let minor = open(
        7,
        Kind::Fault,
        Severity::Minor,
        "页面按钮错位",
        Some("display"),
        Duration::minutes(50),
    );
    let mut out = vec![db, slow, change, security, minor];
    if late {
        out.push(open(
            2,
            Kind::Fault,
            Severity::Critical,
            "综合展示大屏无数据",
            Some("display"),
            Duration::minutes(27),
        ));
    }
    out
}

fn resolved() -> Vec<Incident> {
    let ops = Actor::named("li.na");
    let mut i = open(
        1,
        Kind::Fault,
        Severity::Major,
        "登录页验证码不显示",
        Some("sysadmin"),
        Duration::hours(6),
    );
    i.resolve(
        &ops,
        None,
        now() - Duration::hours(2),
        Resolution {
            cause: "验证码服务证书过期".into(),
            process: "更新证书并重启服务".into(),
            solution: Some("证书到期前 30 天告警".into()),
        },
    )
    .unwrap();
    vec![i]
}

/// The dashboard's state at [`now`]; with `late`, one critical fault is 12 minutes past its response deadline.
pub fn snapshot(late: bool) -> Arc<Snapshot> {
    Arc::new(Snapshot {
        generated_at: now(),
        platform: "福建省水利质量检测监管平台".into(),
        timezone: Shanghai,
        mode: Mode::Embedded,
        policy: Arc::new(Policy::default()),
        subsystems: subsystems(),
        hosts: hosts(),
        open_incidents: incidents(late).into_iter().map(Arc::new).collect(),
        recently_resolved: resolved().into_iter().map(Arc::new).collect(),
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
    id(seq)
}
