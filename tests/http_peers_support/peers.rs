//! The peers of the HTTP listener's tests: real Prometheus and Alertmanager processes started and stopped by
//! their own handles, bounded waits, and README's configuration blocks checked by the peers' own tools.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Says loudly that a peer is missing; the test then passes without it.
pub fn installed(tool: &str, package: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()));
    if !found {
        eprintln!("SKIPPED: {tool} not installed (Debian package {package}; .ci/run installs it)");
    }
    found
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn private_file(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Stops the child this test started (by its own handle) whatever happens to the test.
pub struct Peer(Option<Child>);

impl Peer {
    pub fn new(child: Child) -> Peer {
        Peer(Some(child))
    }

    /// SIGTERM, as systemd stops it; returns what it wrote to stderr.
    pub fn terminate(mut self) -> String {
        let child = self.0.take().expect("running");
        // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// Polls `probe` until it returns something or the deadline passes.
pub async fn wait_for<T>(what: &str, within: Duration, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The fenced blocks of one language in README's Prometheus and Alertmanager section.
pub fn readme_blocks(lang: &str) -> Vec<String> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("## Prometheus and Alertmanager")
        .expect("the section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let fence = format!("```{lang}\n");
    section
        .split(fence.as_str())
        .skip(1)
        .map(|b| b[..b.find("```").expect("closed block")].to_string())
        .collect()
}

/// Runs a peer's config checker on `text` (its token paths pointed at a real private file).
pub fn tool_accepts(tool: &str, args: &[&str], text: &str, dir: &Path) {
    let token = dir.join("token");
    private_file(&token, "t");
    let mut text = text.to_string();
    for path in [
        "/etc/prometheus/watchdesk-metrics.token",
        "/etc/alertmanager/watchdesk-intake.token",
    ] {
        text = text.replace(path, &token.display().to_string());
    }
    let file = dir.join(format!("{tool}.yml"));
    std::fs::write(&file, text).unwrap();
    let out = Command::new(tool).args(args).arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
