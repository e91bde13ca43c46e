//! `watchdesk serve` in a throw-away home with one webhook channel, "hook", pointed at a receiver on
//! 127.0.0.1, and the command line that talks to that daemon.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub struct HookDaemon {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub data: PathBuf,
    token: String,
    secret: String,
}

impl HookDaemon {
    /// Only openings go to the hook, so the first delivery is the fault's whatever the hour: a daily-record
    /// reminder (after 18:00) or a host alarm would otherwise come first or join the opening in one digest.
    /// The channel's token and signing secret come from `WD_HOOK_TOKEN` and `WD_HOOK_SECRET`.
    pub fn new(receiver: SocketAddr, token: &str, secret: &str) -> HookDaemon {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let config = dir.path().join("watchdesk.toml");
        std::fs::write(
            &config,
            format!(
                "[platform]\nlang = \"en\"\n\n[[subsystem]]\nid = \"digital\"\nname = \"数字管理\"\n\n\
                 [[host]]\nname = \"local\"\nsource = \"local\"\n\n\
                 [[notify]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"http://{receiver}/hook\"\n\
                 token_env = \"WD_HOOK_TOKEN\"\nsecret_env = \"WD_HOOK_SECRET\"\ntimeout = \"2s\"\n\
                 events = [\"opened\"]\n"
            ),
        )
        .unwrap();
        HookDaemon {
            dir,
            config,
            data,
            token: token.to_string(),
            secret: secret.to_string(),
        }
    }

    /// The binary in the home with this config and data directory; the channel's secrets are in its
    /// environment only `with_secrets` (the daemon's), never in a client's.
    pub fn command(&self, with_secrets: bool) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_watchdesk"));
        c.env_clear()
            .env("HOME", self.dir.path())
            .env("LANG", "en_US.UTF-8")
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&self.data)
            .current_dir(self.dir.path());
        if with_secrets {
            c.env("WD_HOOK_TOKEN", &self.token)
                .env("WD_HOOK_SECRET", &self.secret);
        }
        c
    }

    /// `watchdesk GLOBAL... serve` with the channel's secrets, its standard output and error where given.
    pub fn serve(&self, global: &[&str], stdout: Stdio, stderr: Stdio) -> Child {
        self.command(true)
            .args(global)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap()
    }

    /// A client command that must succeed.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command(false).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Waits (at most 10 s) until the daemon takes connections on its socket.
    pub async fn wait_for_socket(&self) {
        let socket = self.data.join(watchdesk::daemon::SOCKET);
        for _ in 0..200 {
            if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the daemon answers within 10 s");
    }

    /// Opens a critical fault of subsystem "digital" through the daemon: what the hook is notified of.
    pub fn open_fault(&self) -> Output {
        self.run(&[
            "incident",
            "open",
            "--kind",
            "fault",
            "--severity",
            "critical",
            "--title",
            "登录失败",
            "--subsystem",
            "digital",
        ])
    }
}

/// Stops the daemon with SIGTERM and expects a clean exit.
pub fn stop(mut daemon: Child) {
    unsafe { libc::kill(daemon.id() as i32, libc::SIGTERM) };
    assert!(
        daemon.wait().unwrap().success(),
        "the daemon stops cleanly on SIGTERM"
    );
}
