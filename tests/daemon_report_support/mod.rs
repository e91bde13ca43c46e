//! What the tests of the quarterly report through a daemon share: a store seeded with a quarter's faults, a
//! daemon (the engine behind a real socket) over it with a client, and the report the store itself gives.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use tokio::sync::mpsc;
use watchdesk::daemon::{self, RemoteEngine};
use watchdesk::engine::{EngineError, RecordsReply, Reply};
use watchdesk::model::{Actor, Incident, IncidentId, NewIncident, Quarter, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::report::Format;
use watchdesk::report::quarterly::stream;
use watchdesk::store::{Put, Store, TreeName};

use crate::rig::{Rig, config, local, test_key};

pub const Q4: Quarter = Quarter { year: 2026, q: 4 };

/// When every report of these tests is produced.
pub fn now() -> DateTime<Utc> {
    local(2026, 12, 20, 9, 0)
}

/// A deadline for what must happen soon, so a stuck daemon fails the test instead of hanging it.
pub async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("in time")
}

/// A store holding `count` resolved faults detected in 2026Q4, written straight into it.
pub fn seeded(count: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_keyed(dir.path(), test_key()).unwrap();
    let actor = Actor::named("li");
    let mut puts = Vec::new();
    for seq in 1..=count {
        let at = local(2026, 10, 1, 8, 0) + chrono::Duration::minutes(25 * i64::from(seq));
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::ALL[seq as usize % 3],
            title: format!("水利质量检测数字管理子系统检测报告列表加载缓慢 {seq}"),
            subsystem: Some("digital".into()),
            detected_at: Some(at),
            source: None,
            host: None,
        };
        let mut incident = Incident::open(IncidentId { year: 2026, seq }, new, actor.clone(), at).unwrap();
        let resolution = Resolution {
            cause: "数据库连接池耗尽".into(),
            process: "扩容连接池并重启服务".into(),
            solution: Some("增加连接池监控".into()),
        };
        incident
            .resolve(&actor, None, at + chrono::Duration::minutes(40), resolution)
            .unwrap();
        puts.extend(Store::put_incident(&incident).unwrap());
    }
    puts.push(Put::Insert {
        tree: TreeName::Meta,
        key: b"seq/2026".to_vec(),
        value: count.to_be_bytes().to_vec(),
    });
    let payload = serde_json::json!({ "seeded": count });
    store
        .commit(&actor, now(), "seed", "test", payload, puts)
        .unwrap();
    drop(store);
    dir
}

/// A daemon (the engine behind a real socket) over the store in `dir`, and a client connected to it.
pub struct Daemon {
    pub rig: Rig,
    pub server: daemon::Server,
    pub remote: RemoteEngine,
}

impl Daemon {
    pub async fn start(dir: tempfile::TempDir) -> Daemon {
        let rig = Rig::start_in(dir, now());
        let socket = daemon::socket_path(rig.dir.path());
        let server = daemon::serve(rig.engine.clone(), &socket).await.unwrap();
        let remote = connect(&socket).await;
        Daemon { rig, server, remote }
    }

    /// Stops the socket and the engine (which waits for every read it started): the store is free again.
    pub async fn stop(self) -> tempfile::TempDir {
        within(self.server.stop()).await;
        within(self.rig.engine.shutdown()).await;
        self.rig.dir
    }
}

pub async fn connect(socket: &Path) -> RemoteEngine {
    daemon::connect(socket, Arc::new(config().policy), Shanghai)
        .await
        .unwrap()
}

/// What came of asking for a report through the daemon: its chunks in order, and the answer after them.
pub struct Received {
    pub chunks: Vec<Vec<u8>>,
    pub answer: Result<Reply, EngineError>,
}

pub async fn ask_report(remote: &RemoteEngine, format: Format) -> Received {
    let (tx, mut rx) = mpsc::channel(2);
    let asked = remote.quarterly_report(Actor::named("li"), Some(Q4), format, tx);
    let read = async {
        let mut chunks = Vec::new();
        while let Some(chunk) = rx.recv().await {
            chunks.push(chunk);
        }
        chunks
    };
    let (answer, chunks) = within(async { tokio::join!(asked, read) }).await;
    Received { chunks, answer }
}

/// The production the daemon answered: when, by whom, and how many incidents were listed.
pub fn produced(answer: Result<Reply, EngineError>) -> (DateTime<Utc>, Actor, usize) {
    match answer {
        Ok(Reply::Records(r)) => match *r {
            RecordsReply::QuarterlyStreamed {
                quarter,
                at,
                by,
                listed,
            } => {
                assert_eq!(quarter, Q4);
                (at, by, listed)
            }
            other => panic!("expected the streamed report's answer, got {other:?}"),
        },
        other => panic!("expected the streamed report's answer, got {other:?}"),
    }
}

/// The report the store in `dir` gives for the production (`at`, `by`), in `format`.
pub fn from_the_store(dir: &Path, (at, by): (DateTime<Utc>, &Actor), format: Format) -> Vec<u8> {
    let store = Store::open_keyed(dir, test_key()).unwrap();
    let mut out = Vec::new();
    stream::from_store(&store, &config(), (Q4, at, by), format, &mut out).unwrap();
    out
}
