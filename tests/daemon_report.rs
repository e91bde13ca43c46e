//! The quarterly report through a running daemon, on a real socket over a real store: it comes in chunks as the
//! daemon reads the quarter, and is byte for byte the document the store gives for the same production, in
//! every format. A client that hangs up half-way leaves the daemon answering; a report cut short leaves no
//! file and exits 3.

#[path = "records_support/rig.rs"]
mod rig;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use rig::{Rig, config, local, test_key};
use tokio::sync::mpsc;
use watchdesk::config::TEMPLATE;
use watchdesk::daemon::{self, RemoteEngine};
use watchdesk::engine::{CHUNK, Command, EngineError, RecordsCommand, RecordsReply, Reply};
use watchdesk::model::{Actor, Incident, IncidentId, NewIncident, Quarter, QuarterlyProduced, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::report::Format;
use watchdesk::report::quarterly::stream;
use watchdesk::store::{Put, Store, TreeName};

const Q4: Quarter = Quarter { year: 2026, q: 4 };

/// When every report of these tests is produced.
fn now() -> DateTime<Utc> {
    local(2026, 12, 20, 9, 0)
}

/// A deadline for what must happen soon, so a stuck daemon fails the test instead of hanging it.
async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("in time")
}

/// A store holding `count` resolved faults detected in 2026Q4, written straight into it.
fn seeded(count: u32) -> tempfile::TempDir {
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
struct Daemon {
    rig: Rig,
    server: daemon::Server,
    remote: RemoteEngine,
}

impl Daemon {
    async fn start(dir: tempfile::TempDir) -> Daemon {
        let rig = Rig::start_in(dir, now());
        let socket = daemon::socket_path(rig.dir.path());
        let server = daemon::serve(rig.engine.clone(), &socket).await.unwrap();
        let remote = connect(&socket).await;
        Daemon { rig, server, remote }
    }

    /// Stops the socket and the engine (which waits for every read it started): the store is free again.
    async fn stop(self) -> tempfile::TempDir {
        within(self.server.stop()).await;
        within(self.rig.engine.shutdown()).await;
        self.rig.dir
    }
}

async fn connect(socket: &Path) -> RemoteEngine {
    daemon::connect(socket, Arc::new(config().policy), Shanghai)
        .await
        .unwrap()
}

/// What came of asking for a report through the daemon: its chunks in order, and the answer after them.
struct Received {
    chunks: Vec<Vec<u8>>,
    answer: Result<Reply, EngineError>,
}

async fn ask_report(remote: &RemoteEngine, format: Format) -> Received {
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
fn produced(answer: Result<Reply, EngineError>) -> (DateTime<Utc>, Actor, usize) {
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
fn from_the_store(dir: &Path, (at, by): (DateTime<Utc>, &Actor), format: Format) -> Vec<u8> {
    let store = Store::open_keyed(dir, test_key()).unwrap();
    let mut out = Vec::new();
    stream::from_store(&store, &config(), (Q4, at, by), format, &mut out).unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_through_the_daemon_is_the_document_the_store_gives() {
    const INCIDENTS: u32 = 400;
    let mut dir = seeded(INCIDENTS);
    for format in [
        Format::Markdown,
        Format::Json,
        Format::Csv,
        Format::Html,
        Format::Docx,
    ] {
        // A production changes the audit head and the score the report shows: each format is compared with
        // the store as its own production left it.
        let daemon = Daemon::start(dir).await;
        let got = ask_report(&daemon.remote, format).await;
        dir = daemon.stop().await;
        let (at, by, listed) = produced(got.answer);
        assert_eq!(listed, INCIDENTS as usize, "{format}");
        assert_eq!(at, now());
        // The kernel's word for who asked, not the name the client sent.
        assert_ne!(by.user, "li");
        assert!(
            got.chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK),
            "{format}"
        );
        let whole: Vec<u8> = got.chunks.concat();
        let expected = from_the_store(dir.path(), (at, &by), format);
        assert!(
            whole == expected,
            "{format}: {} bytes through the daemon, {} from the store",
            whole.len(),
            expected.len()
        );
        if format == Format::Markdown {
            // Several chunks, every one but the last full: nothing lost or reordered between them.
            assert!(got.chunks.len() >= 3, "{} chunks", got.chunks.len());
            let (last, full) = got.chunks.split_last().unwrap();
            assert!(full.iter().all(|c| c.len() == CHUNK));
            assert!(!last.is_empty());
        }
    }
}

/// The lines a raw client reads: one JSON message each.
fn message(lines: &mut impl BufRead) -> serde_json::Value {
    let mut line = String::new();
    lines.read_line(&mut line).unwrap();
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:.200}"))
}

/// A raw client of the daemon at `socket` that asks for the Markdown report of 2026Q4 and reads its first
/// chunk; answers the connection, still open.
async fn first_chunk_only(socket: std::path::PathBuf) -> UnixStream {
    let asked = tokio::task::spawn_blocking(move || {
        let stream = UnixStream::connect(&socket).unwrap();
        let mut lines = BufReader::new(stream.try_clone().unwrap());
        assert!(message(&mut lines).get("welcome").is_some());
        let ask = serde_json::json!({ "quarterly_report": {
            "id": 7, "actor": Actor::named("li"), "quarter": Q4, "format": "md" } });
        writeln!(&stream, "{ask}").unwrap();
        let first = message(&mut lines);
        assert_eq!(first["chunk"]["id"], 7, "{first:.200}");
        stream
    });
    within(asked).await.unwrap()
}

/// Whether the daemon answers a command now.
async fn answers(remote: &RemoteEngine) -> bool {
    let score = RecordsCommand::Score { quarter: Some(Q4) };
    let answered = within(remote.execute(Actor::named("li"), Command::Records(score))).await;
    matches!(&answered, Ok(Reply::Records(r)) if matches!(**r, RecordsReply::Score(_)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_mid_report_leaves_the_daemon_answering() {
    // Large enough (several MiB of Markdown) that the socket and the chunks allowed ahead cannot hold it.
    let daemon = Daemon::start(seeded(4000)).await;
    let socket = daemon::socket_path(daemon.rig.dir.path());
    drop(first_chunk_only(socket).await);

    // The daemon answers the next command, and a whole report after it.
    assert!(answers(&daemon.remote).await);
    let got = ask_report(&daemon.remote, Format::Csv).await;
    let (_, _, listed) = produced(got.answer);
    assert_eq!(listed, 4000);
    let csv = String::from_utf8(got.chunks.concat()).unwrap();
    assert_eq!(csv.lines().count(), 4001, "a header and a row per incident");
    // The engine waits for every read it started before it stops: the abandoned report's writing ended.
    daemon.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_holds_up_neither_other_clients_nor_the_stop() {
    let daemon = Daemon::start(seeded(4000)).await;
    let socket = daemon::socket_path(daemon.rig.dir.path());
    let stalled = first_chunk_only(socket).await;
    assert!(answers(&daemon.remote).await);
    // Stopped with the client still connected and not reading: the report's writing is let go.
    daemon.stop().await;
    drop(stalled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_report_or_a_quarter_not_begun_is_refused_clearly() {
    let daemon = Daemon::start(seeded(3)).await;
    let whole = Command::Records(RecordsCommand::QuarterlyReport { quarter: Some(Q4) });
    let refused = within(daemon.remote.execute(Actor::named("li"), whole)).await;
    let Err(e) = refused else {
        panic!("the daemon built a whole report: {refused:?}")
    };
    assert!(!e.is_bad_input());
    assert!(e.to_string().contains("only in chunks"), "{e}");

    // A quarter not begun is the request's fault, said before anything is sent or recorded.
    let (tx, mut rx) = mpsc::channel(2);
    let future = Quarter { year: 2027, q: 2 };
    let asked = daemon
        .remote
        .quarterly_report(Actor::named("li"), Some(future), Format::Markdown, tx);
    let refused = within(asked).await;
    assert!(matches!(&refused, Err(e) if e.is_bad_input()), "{refused:?}");
    assert!(rx.recv().await.is_none(), "no chunk of a refused report");
    daemon.stop().await;
}

/// `watchdesk ARGS` over the data directory `data` (where the daemon's socket is), its config beside it.
fn watchdesk(data: &Path, args: &[&str]) -> Output {
    let config = data.join("watchdesk.toml");
    std::fs::write(&config, TEMPLATE).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_watchdesk"))
        .current_dir(data)
        .env_clear()
        .env("HOME", data)
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

async fn run(data: &Path, args: &[&str]) -> Output {
    let (data, args) = (
        data.to_path_buf(),
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
    );
    within(tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        watchdesk(&data, &args)
    }))
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_writes_the_report_the_daemon_sends_to_its_file() {
    let daemon = Daemon::start(seeded(300)).await;
    let data = daemon.rig.dir.path().to_path_buf();
    let out = data.join("q4.html");
    let args = [
        "report",
        "quarterly",
        "--quarter",
        "2026Q4",
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
    ];
    let written = run(&data, &args).await;
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert!(
        String::from_utf8_lossy(&written.stdout).contains("quarterly report 2026Q4 (html, 300 incidents)"),
        "{}",
        String::from_utf8_lossy(&written.stdout)
    );
    let file = std::fs::read(&out).unwrap();
    let dir = daemon.stop().await;
    // The first production of the quarter: what the store recorded of it is the report's own word.
    let store = Store::open_keyed(dir.path(), test_key()).unwrap();
    let key = QuarterlyProduced::key(Q4);
    let recorded: QuarterlyProduced = store.get_json(TreeName::Scores, key.as_bytes()).unwrap().unwrap();
    assert_eq!(recorded.times, 1);
    drop(store);
    let expected = from_the_store(dir.path(), (recorded.at, &recorded.actor), Format::Html);
    assert!(
        file == expected,
        "{} bytes written, {} expected",
        file.len(),
        expected.len()
    );
}

/// Stands between the command line and the daemon at `socket`, passing every line both ways, until the first
/// chunk of a document has gone through: then it hangs up on both, as a daemon that died half-way would.
async fn cut_after_first_chunk(socket: &Path, daemon_at: std::path::PathBuf) -> tokio::task::JoinHandle<()> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let listener = tokio::net::UnixListener::bind(socket).unwrap();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let daemon = tokio::net::UnixStream::connect(&daemon_at).await.unwrap();
        let (client_read, mut client_write) = client.into_split();
        let (daemon_read, mut daemon_write) = daemon.into_split();
        let asks = tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(client_read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if daemon_write
                    .write_all(format!("{line}\n").as_bytes())
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        let mut lines = tokio::io::BufReader::new(daemon_read).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            client_write
                .write_all(format!("{line}\n").as_bytes())
                .await
                .unwrap();
            if line.starts_with("{\"chunk\"") {
                break;
            }
        }
        asks.abort();
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_cut_short_leaves_no_file_and_exits_3() {
    let rig = Rig::start_in(seeded(400), now());
    let data = rig.dir.path().to_path_buf();
    let real = data.join("daemon.sock");
    let server = daemon::serve(rig.engine.clone(), &real).await.unwrap();
    let proxy = cut_after_first_chunk(&daemon::socket_path(&data), real).await;
    let out = data.join("q4.md");
    let args = [
        "report",
        "quarterly",
        "--quarter",
        "2026Q4",
        "--out",
        out.to_str().unwrap(),
    ];
    let cut = run(&data, &args).await;
    within(proxy).await.unwrap();
    assert_eq!(
        cut.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&cut.stderr)
    );
    let said = String::from_utf8_lossy(&cut.stderr);
    assert!(
        said.contains("the daemon stopped before the quarterly report was complete"),
        "{said}"
    );
    assert!(!out.exists(), "a report cut short is not left as the file");
    let left: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    within(server.stop()).await;
    within(rig.engine.shutdown()).await;
}
