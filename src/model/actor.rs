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
    /// The person at this terminal: `$USER` (else `$LOGNAME`, else the uid) and `SSH_CONNECTION`'s client.
    pub fn current() -> Actor {
        let user = ["USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| format!("uid{}", unsafe_free_uid()));
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

fn unsafe_free_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0)
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.from {
            Some(from) => write!(f, "{}@{}", self.user, from),
            None => f.write_str(&self.user),
        }
    }
}
