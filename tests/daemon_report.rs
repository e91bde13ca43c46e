//! The quarterly report through a running daemon, on a real socket over a real store: it comes in chunks as the
//! daemon reads the quarter, and is byte for byte the document the store gives for the same production, in
//! every format. A client that hangs up or stops reading half-way leaves the daemon answering and stopping.

#[path = "records_support/rig.rs"]
mod rig;
#[path = "daemon_report_support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;

use support::{Daemon, Q4, ask_report, from_the_store, now, produced, seeded, within};
use tokio::sync::mpsc;
use watchdesk::daemon::{self, RemoteEngine};
use watchdesk::engine::{CHUNK, Command, RecordsCommand, RecordsReply, Reply};
use watchdesk::model::{Actor, Quarter};
use watchdesk::report::Format;

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
