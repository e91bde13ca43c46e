//! The store never loses an acknowledged action: the real binary is killed with SIGKILL at a random moment,
//! again and again; after each round the store opens, the audit chain verifies, and every command that had
//! exited 0 is there. `WATCHDESK_CRASH_ROUNDS=200 cargo test --test store_crash` runs a longer campaign.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn watchdesk(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchdesk"));
    cmd.env_clear()
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data.join("no-config"))
        .env("WATCHDESK_DATA", data.join("store"))
        .env("USER", "crash-tester");
    cmd
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `audit verify` passes on the store after `round`.
fn verifies(data: &Path, round: usize) {
    let verify = watchdesk(data).args(["audit", "verify"]).output().unwrap();
    assert!(
        verify.status.success(),
        "round {round}: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[test]
fn killed_commands_never_lose_an_acknowledged_action() {
    let rounds: usize = std::env::var("WATCHDESK_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    let home = tempfile::tempdir().unwrap();
    let data = home.path();
    run_ok(watchdesk(data).args([
        "incident",
        "open",
        "--kind",
        "fault",
        "--severity",
        "major",
        "--title",
        "base",
    ]));

    // How long one command takes here, so the kill lands anywhere from before start to after exit.
    let started = Instant::now();
    run_ok(watchdesk(data).args(["incident", "note", "2026-0001", "--text", "warm-up"]));
    let typical = started.elapsed().as_micros() as u64;
    let mut rng = fastrand::Rng::with_seed(0x5eed);

    let mut committed_notes = vec!["warm-up".to_string()];
    let mut committed_incidents = 1u32;
    let (mut killed, mut finished) = (0, 0);
    for round in 0..rounds {
        let acking = round % 4 == 3;
        let text = format!("round-{round}");
        let mut child = if acking {
            watchdesk(data)
                .args([
                    "incident",
                    "open",
                    "--kind",
                    "fault",
                    "--severity",
                    "critical",
                    "--title",
                    &text,
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        } else {
            watchdesk(data)
                .args(["incident", "note", "2026-0001", "--text", &text])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        std::thread::sleep(Duration::from_micros(rng.u64(0..typical * 3 / 2)));
        let _ = child.kill(); // SIGKILL
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            finished += 1;
            if acking {
                committed_incidents += 1;
            } else {
                committed_notes.push(text.clone());
            }
        } else {
            killed += 1;
        }

        // The store opens and the chain is intact after every round.
        verifies(data, round);
        let shown = run_ok(watchdesk(data).args(["incident", "show", "2026-0001", "--json"]));
        for note in &committed_notes {
            assert!(
                shown.contains(&format!("\"{note}\"")),
                "round {round}: note {note} was lost"
            );
        }
        let listed = run_ok(watchdesk(data).args(["incident", "list", "--all", "--json"]));
        let incidents: serde_json::Value = serde_json::from_str(&listed).unwrap();
        assert!(
            incidents.as_array().unwrap().len() as u32 >= committed_incidents,
            "round {round}: an opened incident was lost"
        );
        // Acknowledge the incidents opened so far: acknowledgements must survive too.
        if acking {
            for inc in incidents.as_array().unwrap() {
                if inc["acknowledged"].is_null() && inc["state"] == "open" {
                    let id = inc["id"].as_str().unwrap();
                    run_ok(watchdesk(data).args(["incident", "ack", id]));
                }
            }
        }
    }
    let listed = run_ok(watchdesk(data).args(["incident", "list", "--all", "--json"]));
    let incidents: serde_json::Value = serde_json::from_str(&listed).unwrap();
    for inc in incidents.as_array().unwrap() {
        let id = inc["id"].as_str().unwrap();
        assert!(
            id == "2026-0001" || !inc["acknowledged"].is_null(),
            "acknowledgement of {id} lost"
        );
    }
    eprintln!("{rounds} rounds: {killed} killed mid-way, {finished} finished before the kill");
    assert!(killed > 0, "no command was ever killed: the timing is off");
}

#[test]
fn a_second_process_gets_a_clear_message_and_exit_3_and_the_first_is_unharmed() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path();
    let dir = data.join("store");
    let mut first = watchdesk::store::Store::open(&dir).unwrap();

    let out = watchdesk(data).args(["incident", "list"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    assert!(stderr.contains(&dir.display().to_string()), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", std::process::id())),
        "{stderr}"
    );

    // The holder keeps working.
    let (id, counter) = first.next_incident_id(2026).unwrap();
    let actor = watchdesk::model::Actor::named("first");
    first
        .commit(
            &actor,
            chrono::Utc::now(),
            "test",
            &id.to_string(),
            serde_json::json!({}),
            vec![counter],
        )
        .unwrap();
    assert_eq!(first.verify_audit().unwrap(), Ok(1));
}

/// Kills land inside the first milliseconds of each command (0–30 ms, with a tail to 120 ms), where sled may be
/// writing a snapshot: every round the store opens, the chain and the records verify, and every command that
/// exited 0 is there. Bounded in rounds and time so the campaign stays well under a minute.
#[test]
fn kills_in_the_first_milliseconds_never_lock_the_store_or_lose_a_confirmed_action() {
    let rounds: usize = std::env::var("WATCHDESK_EARLY_KILL_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(250);
    let budget = Duration::from_secs(35);
    let home = tempfile::tempdir().unwrap();
    let data = home.path();
    run_ok(watchdesk(data).args([
        "incident",
        "open",
        "--kind",
        "fault",
        "--severity",
        "minor",
        "--title",
        "base",
    ]));
    let mut rng = fastrand::Rng::with_seed(0xdead_5eed);
    let mut confirmed: Vec<String> = Vec::new();
    let mut acked: Vec<String> = Vec::new();
    let (mut killed, mut done, mut ran) = (0, 0, 0);
    let started = Instant::now();
    for round in 0..rounds {
        if started.elapsed() > budget {
            break;
        }
        ran += 1;
        let text = format!("early-{round}");
        let mut cmd = watchdesk(data);
        let acking = round % 3 == 2;
        if acking {
            // Open one to acknowledge in the kill window.
            let out = run_ok(watchdesk(data).args([
                "incident",
                "open",
                "--kind",
                "fault",
                "--severity",
                "minor",
                "--title",
                &text,
            ]));
            let id = out.split_whitespace().next().unwrap().to_string();
            cmd.args(["incident", "ack", &id]);
            confirmed.push(format!("open {id}"));
            let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
            std::thread::sleep(kill_delay(&mut rng));
            let _ = child.kill();
            if child.wait().unwrap().success() {
                acked.push(id);
                done += 1;
            } else {
                killed += 1;
            }
        } else {
            cmd.args(["incident", "note", "2026-0001", "--text", &text]);
            let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
            std::thread::sleep(kill_delay(&mut rng));
            let _ = child.kill();
            if child.wait().unwrap().success() {
                confirmed.push(text);
                done += 1;
            } else {
                killed += 1;
            }
        }
        // The store opens every time, and the chain and records verify.
        verifies(data, round);
    }
    let listed = run_ok(watchdesk(data).args(["incident", "list", "--all", "--json"]));
    let shown = run_ok(watchdesk(data).args(["incident", "show", "2026-0001", "--json"]));
    let incidents: serde_json::Value = serde_json::from_str(&listed).unwrap();
    for c in &confirmed {
        match c.strip_prefix("open ") {
            Some(id) => assert!(listed.contains(&format!("\"{id}\"")), "incident {id} lost"),
            None => assert!(shown.contains(&format!("\"{c}\"")), "note {c} lost"),
        }
    }
    for id in &acked {
        let inc = incidents
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id.as_str())
            .unwrap();
        assert!(!inc["acknowledged"].is_null(), "acknowledgement of {id} lost");
    }
    eprintln!(
        "{ran} rounds in {:.1} s: {killed} killed mid-way, {done} finished before the kill",
        started.elapsed().as_secs_f64()
    );
    assert!(killed > 0, "no command was ever killed: the timing is off");
}

/// Mostly 0–30 ms after the start, where opening and the first write happen; one in four up to 120 ms.
fn kill_delay(rng: &mut fastrand::Rng) -> Duration {
    if rng.u8(0..4) == 0 {
        Duration::from_micros(rng.u64(30_000..120_000))
    } else {
        Duration::from_micros(rng.u64(0..30_000))
    }
}
