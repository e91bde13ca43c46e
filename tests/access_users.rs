//! Who did what is the kernel's word. With real OS users (created here when the tests run as root; skipped
//! with a printed reason otherwise): an operator's actions are recorded under their own name whatever they put
//! in `USER`, `SUDO_USER` or a hand-written request; an observer can read but change nothing; a user of the
//! group who is in no list is turned away; a user outside the group cannot reach the socket at all.

#[path = "tui_support/pty.rs"]
mod pty;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use portable_pty::CommandBuilder;
use pty::{Dashboard, expect_screen};
use watchdesk::daemon::wire::Request;
use watchdesk::engine::Command as EngineCommand;
use watchdesk::model::Actor;

const GROUP: &str = "wdtest-oncall";
const OPERATOR: &str = "wdtest-alice";
const OBSERVER: &str = "wdtest-bob";
const STRANGER: &str = "wdtest-carol";
const OUTSIDER: &str = "wdtest-eve";

fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn sh(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

/// Creates the group and the users once (idempotent), returning (uid, gid) by name.
fn ensure_users() -> Vec<(String, u32, u32)> {
    if sh("getent", &["group", GROUP]).stdout.is_empty() {
        let out = sh("groupadd", &[GROUP]);
        assert!(
            out.status.success(),
            "groupadd: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut users = Vec::new();
    for (name, in_group) in [
        (OPERATOR, true),
        (OBSERVER, true),
        (STRANGER, true),
        (OUTSIDER, false),
    ] {
        if sh("getent", &["passwd", name]).stdout.is_empty() {
            let mut args = vec!["--no-create-home", "--shell", "/usr/sbin/nologin"];
            if in_group {
                args.extend(["-g", GROUP]);
            } else {
                args.push("-U");
            }
            args.push(name);
            let out = sh("useradd", &args);
            assert!(
                out.status.success(),
                "useradd {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let id = |flag: &str| -> u32 {
            String::from_utf8_lossy(&sh("id", &[flag, name]).stdout)
                .trim()
                .parse()
                .unwrap()
        };
        users.push((name.to_string(), id("-u"), id("-g")));
    }
    users
}

struct Site {
    root: tempfile::TempDir,
    bin: PathBuf,
    config: PathBuf,
    data: PathBuf,
}

impl Site {
    fn new() -> Site {
        let root = tempfile::tempdir().unwrap();
        // Everyone may pass through and run the binary; the data directory is the daemon's to set.
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = root.path().join("watchdesk");
        std::fs::copy(env!("CARGO_BIN_EXE_watchdesk"), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let config = root.path().join("watchdesk.toml");
        std::fs::write(
            &config,
            format!(
                "[platform]\nlang = \"en\"\n\n[[subsystem]]\nid = \"digital\"\nname = \"数字管理\"\n\n[[host]]\nname = \"local\"\nsource = \"local\"\n\n\
                 [access]\ngroup = \"{GROUP}\"\noperators = [\"{OPERATOR}\"]\nobservers = [\"{OBSERVER}\"]\n"
            ),
        )
        .unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
        let data = root.path().join("data");
        Site {
            root,
            bin,
            config,
            data,
        }
    }

    fn command(&self, as_user: Option<(u32, u32)>) -> Command {
        let mut c = Command::new(&self.bin);
        c.env_clear()
            .env("HOME", self.root.path())
            .env("LANG", "en_US.UTF-8")
            .env("USER", "mallory")
            .env("LOGNAME", "mallory")
            .env("SUDO_USER", "mallory")
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&self.data)
            .current_dir(self.root.path());
        if let Some((uid, gid)) = as_user {
            c.uid(uid).gid(gid);
        }
        c
    }

    fn serve(&self) -> Child {
        self.command(None)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn socket(&self) -> PathBuf {
        self.data.join(watchdesk::daemon::SOCKET)
    }

    fn run(&self, user: (u32, u32), args: &[&str]) -> Output {
        self.command(Some(user)).args(args).output().unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Sends one hand-written line on the socket as `user` (perl, from the base system) and returns what came back.
fn raw_request(socket: &Path, user: (u32, u32), line: &str) -> String {
    let script = r#"
        use IO::Socket::UNIX;
        my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ENV{WD_SOCKET}) or die "connect: $!";
        my $welcome = <$s>;
        print $s $ENV{WD_LINE} . "\n";
        while (my $got = <$s>) { if ($got =~ /"reply"/) { print $got; last; } }
    "#;
    let out = Command::new("/usr/bin/perl")
        .arg("-e")
        .arg(script)
        .env_clear()
        .env("WD_SOCKET", socket)
        .env("WD_LINE", line)
        .uid(user.0)
        .gid(user.1)
        .output()
        .unwrap();
    text(&out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_engineer_acts_as_themself_observers_only_look_and_outsiders_stay_out() {
    if !is_root() {
        eprintln!(
            "SKIPPED: creating OS users needs root; run the suite as root (CI does) to test identity and access"
        );
        return;
    }
    let users = ensure_users();
    let of = |name: &str| {
        let (_, uid, gid) = users.iter().find(|u| u.0 == name).unwrap();
        (*uid, *gid)
    };
    let site = Site::new();
    let mut daemon = site.serve();
    let mut up = false;
    for _ in 0..200 {
        if std::os::unix::net::UnixStream::connect(site.socket()).is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the daemon answers within 10 s");
    let mode = std::fs::metadata(site.socket()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660, "the socket is the group's");
    let dir_mode = std::fs::metadata(&site.data).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o750);

    // The operator, whatever the environment says, is recorded as themself.
    let opened = site.run(
        of(OPERATOR),
        &[
            "incident",
            "open",
            "--kind",
            "fault",
            "--severity",
            "major",
            "--title",
            "登录慢",
            "--subsystem",
            "digital",
        ],
    );
    assert!(opened.status.success(), "{}", text(&opened));
    let shown = site.run(of(OPERATOR), &["incident", "show", "2026-0001", "--json"]);
    let shown_text = text(&shown);
    assert!(shown.status.success(), "{shown_text}");
    let incident: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(incident["opened"]["actor"]["user"], OPERATOR, "{incident}");
    assert!(!shown_text.contains("mallory"));

    // A hand-written request claiming another name is still the kernel's user.
    let forged = Request::Execute {
        id: 7,
        actor: Actor::named("mallory"),
        command: Box::new(EngineCommand::Note {
            id: "2026-0001".parse().unwrap(),
            at: None,
            text: "written by hand".into(),
        }),
    };
    let answer = raw_request(
        &site.socket(),
        of(OPERATOR),
        &serde_json::to_string(&forged).unwrap(),
    );
    assert!(
        answer.contains("\"reply\"") && !answer.contains("\"Err\""),
        "{answer}"
    );
    let shown = site.run(of(OPERATOR), &["incident", "show", "2026-0001", "--json"]);
    let incident: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let note = incident["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e.to_string().contains("written by hand"))
        .unwrap_or_else(|| panic!("{incident}"));
    assert_eq!(note["actor"]["user"], OPERATOR, "{note}");

    // The observer reads, and every change is refused, by the command line and by hand.
    let listed = site.run(of(OBSERVER), &["incident", "list"]);
    assert!(
        listed.status.success() && text(&listed).contains("2026-0001"),
        "{}",
        text(&listed)
    );
    let refused = site.run(of(OBSERVER), &["incident", "note", "2026-0001", "--text", "x"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("read-only"), "{}", text(&refused));
    let answer = raw_request(
        &site.socket(),
        of(OBSERVER),
        &serde_json::to_string(&forged).unwrap(),
    );
    assert!(answer.contains("read-only"), "{answer}");

    // The observer's dashboard, in a real terminal: it shows the incident, and an action key says read-only.
    let screen = observer_dashboard(&site, of(OBSERVER));
    assert!(screen.contains("read-only"), "{screen}");

    // In the group but in no list: turned away with the reason.
    let stranger = site.run(of(STRANGER), &["incident", "list"]);
    assert_ne!(stranger.status.code(), Some(0));
    assert!(
        text(&stranger).contains("does not let you in"),
        "{}",
        text(&stranger)
    );

    // Outside the group: the socket cannot even be reached.
    let outsider = site.run(of(OUTSIDER), &["incident", "list"]);
    assert_ne!(outsider.status.code(), Some(0));
    assert!(
        text(&outsider).to_lowercase().contains("permission denied")
            || text(&outsider).contains("does not let you in"),
        "{}",
        text(&outsider)
    );

    // Nothing the refused users tried is in the store.
    unsafe { libc::kill(daemon.id() as i32, libc::SIGTERM) };
    assert!(daemon.wait().unwrap().success());
    let shown = site
        .command(None)
        .args(["incident", "show", "2026-0001", "--json"])
        .output()
        .unwrap();
    let incident: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let notes = incident["timeline"].to_string();
    assert!(!notes.contains("\"x\""), "{notes}");
    let _ = daemon.stderr.take();
}

/// Attaches as `user` in a 120×40 pseudo-terminal (through `setpriv`, from util-linux), waits for the incident,
/// presses `a` (acknowledge) and returns the screen once it answers, then quits with `q`.
fn observer_dashboard(site: &Site, user: (u32, u32)) -> String {
    let mut cmd = CommandBuilder::new("/usr/bin/setpriv");
    cmd.args([
        format!("--reuid={}", user.0),
        format!("--regid={}", user.1),
        "--clear-groups".to_string(),
    ]);
    cmd.arg(&site.bin);
    cmd.args(["--lang", "en", "--config"]);
    cmd.arg(&site.config);
    cmd.arg("--data-dir");
    cmd.arg(&site.data);
    cmd.arg("attach");
    cmd.env_clear();
    cmd.env("HOME", site.root.path());
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "en_US.UTF-8");
    let mut dash = Dashboard::spawn_command(cmd, (40, 120));
    let within = Duration::from_secs(10);
    expect_screen(
        dash.wait_for(within, |t| t.contains("2026-0001")),
        "the incident 2026-0001",
    );
    dash.press(b"a");
    let answered = dash.wait_for(within, |t| t.contains("read-only"));
    dash.press(b"q");
    let deadline = Instant::now() + Duration::from_secs(5);
    while dash.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = dash.child.kill();
    match answered {
        Ok(shown) => shown,
        Err(shown) => panic!("the action key says read-only: {shown}"),
    }
}
