//! What the records tests share: a real store in a temporary directory, the engine driven by a `ManualClock`,
//! local times in the platform zone, and short ways to issue commands.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use watchdesk::clock::ManualClock;
use watchdesk::config::{Config, TEMPLATE};
use watchdesk::engine::{self, Command, EngineHandle, Mode, RecordsCommand, RecordsReply, Reply};
use watchdesk::model::{Actor, AutoSource, Incident, IncidentId, NewIncident, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

/// A local time in the platform zone (Asia/Shanghai).
pub fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Shanghai
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

pub fn config() -> Config {
    Config::parse(std::path::Path::new("watchdesk.toml"), TEMPLATE).unwrap()
}

/// The template with more TOML after it (e.g. a `[contract]` table).
pub fn config_with(extra: &str) -> Config {
    Config::parse(
        std::path::Path::new("watchdesk.toml"),
        &format!("{TEMPLATE}\n{extra}"),
    )
    .unwrap()
}

pub struct Rig {
    pub dir: tempfile::TempDir,
    pub clock: ManualClock,
    pub engine: EngineHandle,
}

impl Rig {
    pub fn start(at: DateTime<Utc>) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        Rig::start_in(dir, at)
    }

    /// Starts on a store that may already hold data (rollups written before).
    pub fn start_in(dir: tempfile::TempDir, at: DateTime<Utc>) -> Rig {
        Rig::start_with(dir, config(), at)
    }

    /// Starts with a configuration of the test's own.
    pub fn start_with(dir: tempfile::TempDir, config: Config, at: DateTime<Utc>) -> Rig {
        let store = Store::open_keyed(dir.path(), test_key()).unwrap();
        let clock = ManualClock::new(at);
        let engine = engine::spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap();
        Rig { dir, clock, engine }
    }

    pub fn set(&self, at: DateTime<Utc>) {
        self.clock.set(at);
    }

    pub async fn run(&self, who: &str, command: Command) -> Reply {
        let actor = if who == "watchdesk" {
            Actor::system()
        } else {
            Actor::named(who)
        };
        self.engine.execute(actor, command).await.unwrap()
    }

    pub async fn records(&self, who: &str, command: RecordsCommand) -> RecordsReply {
        match self.run(who, Command::Records(command)).await {
            Reply::Records(r) => *r,
            other => panic!("expected a records reply, got {other:?}"),
        }
    }

    pub async fn open(
        &self,
        who: &str,
        kind: Kind,
        severity: Severity,
        title: &str,
        subsystem: Option<&str>,
        source: Option<AutoSource>,
    ) -> IncidentId {
        let new = NewIncident {
            kind,
            severity,
            title: title.into(),
            subsystem: subsystem.map(str::to_string),
            detected_at: None,
            source,
            host: None,
        };
        match self.run(who, Command::OpenIncident(new)).await {
            Reply::Incident(i) => i.id,
            other => panic!("expected an incident, got {other:?}"),
        }
    }

    pub async fn ack(
        &self,
        who: &str,
        id: IncidentId,
        at: Option<DateTime<Utc>>,
        note: Option<&str>,
    ) -> Incident {
        let command = Command::Acknowledge {
            id,
            at,
            note: note.map(str::to_string),
            due: None,
        };
        incident(self.run(who, command).await)
    }

    pub async fn plan(&self, who: &str, id: IncidentId, text: &str) -> Incident {
        let command = Command::Plan {
            id,
            at: None,
            text: text.into(),
        };
        incident(self.run(who, command).await)
    }

    pub async fn resolve(
        &self,
        who: &str,
        id: IncidentId,
        cause: &str,
        process: &str,
        solution: Option<&str>,
    ) {
        let command = Command::Resolve {
            id,
            at: None,
            resolution: Resolution {
                cause: cause.into(),
                process: process.into(),
                solution: solution.map(str::to_string),
            },
        };
        self.run(who, command).await;
    }

    /// Stops the engine and opens its store again, for reading what it wrote.
    pub async fn stop(self) -> (tempfile::TempDir, Store) {
        self.engine.shutdown().await;
        let store = Store::open_keyed(self.dir.path(), test_key()).unwrap();
        (self.dir, store)
    }
}

pub fn incident(reply: Reply) -> Incident {
    match reply {
        Reply::Incident(i) => *i,
        other => panic!("expected an incident, got {other:?}"),
    }
}

/// A fixed audit key, so the chain heads printed in reports are the same on every machine.
pub fn test_key() -> watchdesk::store::AuditKey {
    watchdesk::store::AuditKey::ephemeral([0x5a; 32])
}
