//! Who did something: the OS user, and the SSH client's address when the session came over SSH.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

impl Actor {
    /// The person at this terminal: `$SUDO_USER` (the person behind sudo), else `$USER` (else `$LOGNAME`, else
    /// the account name of the uid), and
    /// `SSH_CONNECTION`'s client address.
    pub fn current() -> Actor {
        // Behind `sudo -u watchdesk` (to reach the daemon's socket) the engineer is SUDO_USER, not the account.
        let user = ["SUDO_USER", "USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(account_name);
        let from = std::env::var("SSH_CONNECTION")
            .ok()
            .and_then(|s| s.split_whitespace().next().map(str::to_string));
        Actor { user, from }
    }

    /// watchdesk itself, for what the monitor records on its own.
    pub fn system() -> Actor {
        Actor {
            user: "watchdesk".to_string(),
            from: None,
        }
    }

    pub fn named(user: &str) -> Actor {
        Actor {
            user: user.to_string(),
            from: None,
        }
    }
}

/// The name `/etc/passwd` gives the process's uid, else `uid N`.
fn account_name() -> String {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0);
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let id: u32 = fields.nth(1)?.parse().ok()?;
                (id == uid).then(|| name.to_string())
            })
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.from {
            Some(from) => write!(f, "{}@{}", self.user, from),
            None => f.write_str(&self.user),
        }
    }
}
