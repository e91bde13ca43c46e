//! The platform of the delta tests: two subsystems with three checks and the local host, an engine on a real
//! store driven by a `ManualClock`, and the snapshot as a client reads it after the wire.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use watchdesk::clock::ManualClock;
use watchdesk::config::Config;
use watchdesk::daemon::wire::Message;
use watchdesk::engine::{self, EngineHandle, Mode, Snapshot};
use watchdesk::store::Store;

pub const CONFIG: &str = r#"
[platform]
timezone = "Asia/Shanghai"

[[subsystem]]
id = "sysadmin"
name = "系统管理子系统"
  [[subsystem.check]]
  kind = "http"
  name = "api"
  url = "http://sysadmin.invalid/health"

[[subsystem]]
id = "digital"
name = "水利质量检测数字管理子系统"
depends_on = ["sysadmin"]
  [[subsystem.check]]
  kind = "http"
  name = "api"
  url = "http://digital.invalid/health"
  [[subsystem.check]]
  kind = "tcp"
  name = "db"
  address = "digital.invalid:5432"

[[host]]
name = "local"
source = "local"

[health]
failures_to_down = 2
successes_to_up = 1
"#;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).single().unwrap()
}

pub fn config() -> Config {
    Config::parse(Path::new("watchdesk.toml"), CONFIG).unwrap()
}

/// An engine on a new store in `dir`, on `clock`'s time.
pub fn spawn(dir: &Path, clock: &ManualClock) -> EngineHandle {
    engine::spawn(
        Store::open(dir).unwrap(),
        config(),
        Arc::new(clock.clone()),
        Mode::Embedded,
    )
    .unwrap()
}

/// The snapshot as it reads after one trip through JSON (floats included), without the mode (a client
/// always shows "attached").
pub fn as_received(s: &Snapshot) -> serde_json::Value {
    let back: Snapshot = serde_json::from_slice(&serde_json::to_vec(s).unwrap()).unwrap();
    let mut value = serde_json::to_value(&back).unwrap();
    value.as_object_mut().unwrap().remove("mode");
    value
}

pub fn decode(line: &[u8]) -> Message {
    serde_json::from_slice(line).expect("a message the client understands")
}
