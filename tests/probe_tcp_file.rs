//! tcp and file checks, and `run_all` (what `watchdesk check` prints).

#[path = "probe_support/servers.rs"]
mod servers;

use std::fs::{self, File, FileTimes};
use std::time::{Duration, Instant, SystemTime};

use servers::{TIMEOUT, check, http, http_server, probe, refused_port};
use watchdesk::config::CheckSpec;
use watchdesk::probe::{self, Outcome, Phase, ProbeResult};

fn phase(result: &ProbeResult) -> Option<Phase> {
    match result.outcome {
        Outcome::Down { phase, .. } => Some(phase),
        _ => None,
    }
}

#[tokio::test]
async fn tcp_up_refused_and_unresolvable() {
    let addr = http_server().await;
    let result = probe(CheckSpec::Tcp {
        address: addr.to_string(),
    })
    .await;
    assert_eq!(
        result.outcome,
        Outcome::Up {
            detail: format!("connected to {addr}")
        }
    );

    let closed = refused_port().await;
    let result = probe(CheckSpec::Tcp {
        address: closed.to_string(),
    })
    .await;
    assert_eq!(phase(&result), Some(Phase::Connect));
    assert!(result.outcome.detail().contains("connection refused"));

    let result = probe(CheckSpec::Tcp {
        address: "nothing.invalid:80".into(),
    })
    .await;
    assert_eq!(phase(&result), Some(Phase::Dns), "{result:?}");
}

fn aged(path: &std::path::Path, bytes: usize, age: Duration) {
    fs::write(path, vec![0u8; bytes]).unwrap();
    let when = SystemTime::now() - age;
    File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_times(FileTimes::new().set_modified(when))
        .unwrap();
}

fn file_spec(dir: &std::path::Path, max_age: Duration, min_size: u64) -> CheckSpec {
    CheckSpec::File {
        pattern: format!("{}/*.sql.gz", dir.display()),
        max_age: Some(max_age),
        min_size: Some(min_size),
    }
}

#[tokio::test]
async fn file_check_judges_the_newest_matching_file() {
    let dir = tempfile::tempdir().unwrap();
    let day = Duration::from_secs(86_400);

    let result = probe(file_spec(dir.path(), day, 100)).await;
    assert_eq!(phase(&result), Some(Phase::File));
    assert!(result.outcome.detail().contains("no file matches"), "{result:?}");

    // Old and big, then new and big: the newest wins and is fine.
    aged(&dir.path().join("mon.sql.gz"), 500, 3 * day);
    aged(&dir.path().join("tue.sql.gz"), 500, Duration::from_secs(3600));
    aged(&dir.path().join("notes.txt"), 1, Duration::ZERO);
    let result = probe(file_spec(dir.path(), day, 100)).await;
    assert!(
        matches!(&result.outcome, Outcome::Up { detail } if detail.contains("tue.sql.gz")),
        "{result:?}"
    );

    // The newest is too small: an empty dump is a failed backup.
    aged(&dir.path().join("wed.sql.gz"), 10, Duration::ZERO);
    let result = probe(file_spec(dir.path(), day, 100)).await;
    assert_eq!(phase(&result), Some(Phase::File));
    assert!(
        result
            .outcome
            .detail()
            .contains("wed.sql.gz has 10 bytes, fewer than 100")
    );

    // The dump of wednesday is replaced by an old one: the newest left is an hour old.
    aged(&dir.path().join("wed.sql.gz"), 500, 2 * day);
    let result = probe(file_spec(dir.path(), Duration::from_secs(60), 1)).await;
    assert_eq!(phase(&result), Some(Phase::File));
    let detail = result.outcome.detail();
    assert!(
        detail.contains("tue.sql.gz is 1h00m old, more than 1m00s"),
        "{detail}"
    );
}

#[tokio::test]
async fn run_all_probes_every_check_once_in_order() {
    let addr = http_server().await;
    let closed = refused_port().await;
    let mut hang = check(CheckSpec::Http(http(format!("http://{addr}/hang"))), TIMEOUT);
    hang.id = "sysadmin/hang".into();
    let checks = vec![
        (
            "digital".to_string(),
            check(CheckSpec::Http(http(format!("http://{addr}/ok"))), TIMEOUT),
        ),
        ("sysadmin".to_string(), hang),
        (
            "display".to_string(),
            check(
                CheckSpec::Tcp {
                    address: closed.to_string(),
                },
                TIMEOUT,
            ),
        ),
    ];
    let started = Instant::now();
    let results = probe::scheduler::run_all(&checks, 8).await;
    // Concurrent: the hung check costs one timeout, not one per check.
    assert!(started.elapsed() < TIMEOUT + Duration::from_secs(1));
    let labels: Vec<_> = results
        .iter()
        .map(|r| (r.subsystem.as_str(), r.outcome.label()))
        .collect();
    assert_eq!(
        labels,
        [("digital", "up"), ("sysadmin", "down"), ("display", "down")]
    );
    assert_eq!(results[1].check_id, "sysadmin/hang");
}
