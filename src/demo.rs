//! A simulated platform on loopback: the five subsystems, each with a health endpoint on its own port, and a
//! seeded script that makes one of them slow, failing, hung or unreachable every few minutes. `watchdesk demo`
//! watches it with a configuration built here, so the whole dashboard can be tried without a real platform,
//! and tests drive it with `set_fault`.

mod history;
mod script;
mod server;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tempfile::TempDir;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;

pub use script::{FIRST_WAIT, Script, ScriptStep, WAIT_SECS};
pub use server::{HANG_LIMIT, Listening};

/// How a subsystem misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers `ok` at once.
    Healthy,
    /// Answers `ok` after this delay: degraded when slower than the check's `slow`.
    Slow(Duration),
    /// Answers HTTP 500.
    Error500,
    /// Accepts the request and does not answer while the fault lasts (at most `HANG_LIMIT`).
    Hang,
    /// The port is closed: connections are refused.
    Refused,
}

impl Fault {
    pub fn label(&self) -> &'static str {
        match self {
            Fault::Healthy => "healthy",
            Fault::Slow(_) => "slow",
            Fault::Error500 => "500",
            Fault::Hang => "hang",
            Fault::Refused => "refused",
        }
    }
}

/// One of the platform's subsystems as the demo serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSubsystem {
    pub id: &'static str,
    pub name: &'static str,
    pub depends_on: &'static [&'static str],
    /// Severity of the incident a confirmed fault opens.
    pub severity: &'static str,
}

/// The five subsystems, with the ids and names of the configuration template.
pub const SUBSYSTEMS: [DemoSubsystem; 5] = [
    DemoSubsystem {
        id: "sysadmin",
        name: "系统管理子系统",
        depends_on: &[],
        severity: "critical",
    },
    DemoSubsystem {
        id: "digital",
        name: "水利质量检测数字管理子系统",
        depends_on: &["sysadmin"],
        severity: "critical",
    },
    DemoSubsystem {
        id: "engineering",
        name: "水利工程检测平台子系统",
        depends_on: &["sysadmin"],
        severity: "critical",
    },
    DemoSubsystem {
        id: "smart",
        name: "智慧检子系统",
        depends_on: &["sysadmin"],
        severity: "critical",
    },
    DemoSubsystem {
        id: "display",
        name: "综合展示子系统",
        depends_on: &["sysadmin"],
        severity: "major",
    },
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("unknown demo subsystem \"{id}\": accepted are {accepted}")]
    UnknownSubsystem { id: String, accepted: String },
    #[error("demo subsystem \"{subsystem}\": {reason}")]
    Listen { subsystem: String, reason: String },
    #[error("demo subsystem \"{subsystem}\" has stopped serving")]
    Stopped { subsystem: String },
}

/// A running subsystem: its port, its current fault and whether its port is open.
struct Slot {
    id: &'static str,
    addr: SocketAddr,
    fault: watch::Sender<Fault>,
    listening: watch::Receiver<Listening>,
}

/// The running demo platform. Dropping it stops the servers and the script and removes its data directory.
pub struct DemoPlatform {
    seed: u64,
    slots: Arc<[Slot]>,
    tasks: Vec<JoinHandle<()>>,
    script: JoinHandle<()>,
    config: Config,
    dir: TempDir,
}

impl std::fmt::Debug for DemoPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoPlatform")
            .field("seed", &self.seed)
            .field("data_dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl DemoPlatform {
    /// Binds the five subsystems on 127.0.0.1, creates a fresh data directory and starts the fault script.
    pub async fn start(seed: u64) -> std::io::Result<DemoPlatform> {
        DemoPlatform::start_at(seed, chrono::Utc::now()).await
    }

    /// [`DemoPlatform::start`] for a demo whose present is `now`: its service began [`history::DAYS`] days
    /// before (`[contract] start`), the first day its history has records for.
    pub async fn start_at(seed: u64, now: chrono::DateTime<chrono::Utc>) -> std::io::Result<DemoPlatform> {
        let dir = tempfile::Builder::new().prefix("watchdesk-demo-").tempdir()?;
        let mut slots = Vec::with_capacity(SUBSYSTEMS.len());
        let mut tasks = Vec::with_capacity(SUBSYSTEMS.len());
        for subsystem in SUBSYSTEMS {
            let (fault, fault_rx) = watch::channel(Fault::Healthy);
            let served = match server::serve(subsystem.id, fault_rx).await {
                Ok(served) => served,
                Err(e) => {
                    tasks.iter().for_each(JoinHandle::abort);
                    return Err(e);
                }
            };
            tasks.push(served.task);
            slots.push(Slot {
                id: subsystem.id,
                addr: served.addr,
                fault,
                listening: served.listening,
            });
        }
        let slots: Arc<[Slot]> = slots.into();
        let text = config_text(&slots, dir.path(), history::service_start(now, ZONE))?;
        let config = match Config::parse(Path::new("<demo>"), &text) {
            Ok(mut config) => {
                config.source = None;
                config
            }
            Err(e) => {
                tasks.iter().for_each(JoinHandle::abort);
                return Err(std::io::Error::other(format!(
                    "the demo configuration is invalid: {e}"
                )));
            }
        };
        let script = tokio::spawn(script::run(seed, slots.clone()));
        Ok(DemoPlatform {
            seed,
            slots,
            tasks,
            script,
            config,
            dir,
        })
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A validated configuration watching the demo: one HTTP check per subsystem every 5 s, the local host.
    pub fn config(&self) -> Config {
        self.config.clone()
    }

    /// The demo's data directory, removed when the platform is dropped.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Where a subsystem listens.
    pub fn addr(&self, subsystem: &str) -> Option<SocketAddr> {
        self.slot(subsystem).ok().map(|s| s.addr)
    }

    /// The subsystem's health URL, as the configuration checks it.
    pub fn health_url(&self, subsystem: &str) -> Option<String> {
        self.slot(subsystem)
            .ok()
            .map(|s| format!("http://{}/{}/api/health", s.addr, s.id))
    }

    /// The subsystem's fault right now (set by hand or by the script).
    pub fn fault(&self, subsystem: &str) -> Option<Fault> {
        self.slot(subsystem).ok().map(|s| *s.fault.borrow())
    }

    /// Forces a fault. Returns once the port is closed (for `Refused`) or open (for anything else), so the
    /// next request sees the fault. The script may replace it when its next step comes; `stop_script` first
    /// for a fault that stays.
    pub async fn set_fault(&self, subsystem: &str, fault: Fault) -> Result<(), DemoError> {
        let slot = self.slot(subsystem)?;
        let mut listening = slot.listening.clone();
        slot.fault.send_replace(fault);
        let want_open = fault != Fault::Refused;
        let state = listening
            .wait_for(|l| match l {
                Listening::Open | Listening::BindFailed(_) => want_open,
                Listening::Closed => !want_open,
            })
            .await
            .map(|state| state.clone())
            .map_err(|_| DemoError::Stopped {
                subsystem: slot.id.to_string(),
            })?;
        match state {
            Listening::BindFailed(reason) => Err(DemoError::Listen {
                subsystem: slot.id.to_string(),
                reason,
            }),
            Listening::Open | Listening::Closed => Ok(()),
        }
    }

    /// Writes the demo's past (a daily record for every day since its service began, a resolved fault, open ones inside and past their
    /// deadlines, a change request, a security finding) through `engine`, as of `now`.
    pub async fn seed_history(
        &self,
        engine: &crate::engine::EngineHandle,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), crate::engine::EngineError> {
        let zone = self.config.platform.timezone;
        let service_start = self
            .config
            .policy
            .contract
            .start
            .unwrap_or_else(|| history::service_start(now, zone));
        history::seed(engine, now, zone, service_start).await
    }

    /// Stops the fault script; faults set by hand stay until changed.
    pub fn stop_script(&self) {
        self.script.abort();
    }

    fn slot(&self, id: &str) -> Result<&Slot, DemoError> {
        self.slots
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| DemoError::UnknownSubsystem {
                id: id.to_string(),
                accepted: SUBSYSTEMS.map(|s| s.id).join(", "),
            })
    }
}

impl Drop for DemoPlatform {
    fn drop(&mut self) {
        self.script.abort();
        self.tasks.iter().for_each(JoinHandle::abort);
    }
}

/// The configuration text, validated like any user's file.
/// The demo platform's time zone.
const ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

fn config_text(slots: &[Slot], data_dir: &Path, service_start: chrono::NaiveDate) -> std::io::Result<String> {
    let data_dir = data_dir
        .to_str()
        .ok_or_else(|| std::io::Error::other("the demo's temporary directory path is not UTF-8"))?;
    let host = sysinfo::System::host_name()
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    let mut text = format!(
        "# watchdesk demo: a simulated platform on 127.0.0.1\n\
         [platform]\nname = \"福建省水利质量检测监管平台（演示）\"\ntimezone = \"{zone}\"\n\n\
         [storage]\ndata_dir = {}\n\n\
         # The first day the demo's history has a daily record for: days before it are not missing.\n\
         [contract]\nstart = \"{service_start}\"\n",
        toml_string(data_dir),
        zone = ZONE.name(),
    );
    for (subsystem, slot) in SUBSYSTEMS.iter().zip(slots) {
        let depends: Vec<String> = subsystem.depends_on.iter().map(|d| toml_string(d)).collect();
        text.push_str(&format!(
            "\n[[subsystem]]\nid = \"{id}\"\nname = {name}\ndepends_on = [{depends}]\n  \
             [[subsystem.check]]\n  kind = \"http\"\n  url = \"http://{addr}/{id}/api/health\"\n  \
             interval = \"5s\"\n  timeout = \"3s\"\n  slow = \"1s\"\n  expect_status = [200]\n  \
             body_contains = \"ok\"\n  severity = \"{severity}\"\n",
            id = subsystem.id,
            name = toml_string(subsystem.name),
            depends = depends.join(", "),
            addr = slot.addr,
            severity = subsystem.severity,
        ));
    }
    text.push_str(&format!(
        "\n[[host]]\nname = {}\nsource = \"local\"\ninterval = \"5s\"\n",
        toml_string(&host)
    ));
    Ok(text)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_escape_quotes_backslashes_and_controls() {
        let text = format!("v = {}\n", toml_string("a\"b\\c\td"));
        let value: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(value["v"].as_str(), Some("a\"b\\c\td"));
    }
}
