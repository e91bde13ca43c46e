//! `watchdesk report quarterly` while a daemon owns the store: the file it writes is the document the store
//! gives for the daemon's production, and a report cut short leaves no file and exits 3.

#[path = "records_support/rig.rs"]
mod rig;
#[path = "daemon_report_support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Output;

use rig::{Rig, test_key};
use support::{Daemon, Q4, from_the_store, now, seeded, within};
use watchdesk::config::TEMPLATE;
use watchdesk::daemon;
use watchdesk::model::QuarterlyProduced;
use watchdesk::report::Format;
use watchdesk::store::{Store, TreeName};

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
        said.contains("the daemon hung up before the quarterly report was complete"),
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
