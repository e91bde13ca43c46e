//! A small platform for the health tests: sysadmin, and digital which depends on it.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use watchdesk::config::Config;
use watchdesk::probe::{Outcome, Phase, ProbeResult, Reason};

pub const CONFIG: &str = r#"
[platform]
name = "福建省水利质量检测监管平台"
timezone = "Asia/Shanghai"

[[subsystem]]
id = "sysadmin"
name = "系统管理子系统"
  [[subsystem.check]]
  kind = "tcp"
  name = "login"
  address = "sysadmin.invalid:443"

[[subsystem]]
id = "digital"
name = "水利质量检测数字管理子系统"
depends_on = ["sysadmin"]
  [[subsystem.check]]
  kind = "http"
  name = "api"
  url = "https://digital.invalid/api/health"
  [[subsystem.check]]
  kind = "tls"
  name = "cert"
  address = "digital.invalid:443"
  severity = "minor"

[[maintenance]]
subsystem = "digital"
start = "2026-12-01 22:00"
end = "2026-12-02 02:00"

[health]
failures_to_down = 3
successes_to_up = 2
degraded_incident_after = "10m"
"#;

pub fn config() -> Config {
    Config::parse(Path::new("health-test.toml"), CONFIG).unwrap()
}

/// The same platform with `lang = "en"`: fault details (and so incident titles) in English.
pub fn config_en() -> Config {
    let text = CONFIG.replace("[platform]\n", "[platform]\nlang = \"en\"\n");
    Config::parse(Path::new("health-test.toml"), &text).unwrap()
}

/// 2026-11-30 08:00 Shanghai (a Monday, no maintenance) plus `secs`.
pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).single().unwrap() + chrono::Duration::seconds(secs)
}

pub fn result(check_id: &str, at: DateTime<Utc>, outcome: Outcome) -> ProbeResult {
    ProbeResult {
        check_id: check_id.to_string(),
        subsystem: check_id.split('/').next().unwrap().to_string(),
        started_at: at,
        latency: Duration::from_millis(40),
        outcome,
    }
}

pub fn up() -> Outcome {
    Outcome::Up {
        detail: "HTTP 200".into(),
    }
}

pub fn slow() -> Outcome {
    Outcome::Degraded {
        reason: Reason::Slow {
            code: 200,
            ms: 2300,
            over_ms: 1500,
        },
    }
}

pub fn refused() -> Outcome {
    Outcome::Down {
        phase: Phase::Connect,
        reason: Reason::Refused {
            address: "10.0.0.1:443".into(),
        },
    }
}
