//! Who did something: the OS user as the kernel knows it (the real uid of this process, or the peer
//! credentials of a daemon client), never an environment variable. The SSH client's address is kept as what it
//! is: the client's claim, shown as information.

use std::ffi::CStr;
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: String,
    /// Where the session came from, as the client said (`SSH_CONNECTION`): information, not proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

impl Actor {
    /// The person at this terminal: the name `/etc/passwd` (NSS) gives the process's real uid, whatever
    /// `USER`, `LOGNAME` or `SUDO_USER` say; and `SSH_CONNECTION`'s client address as a claim.
    pub fn current() -> Actor {
        // SAFETY: getuid(2) cannot fail and touches no memory.
        let uid = unsafe { libc::getuid() };
        Actor {
            user: user_name(uid),
            from: claimed_origin(),
        }
    }

    /// The user a uid names, with the address the client claims (for a daemon's peer).
    pub fn of_uid(uid: u32, from: Option<String>) -> Actor {
        Actor {
            user: user_name(uid),
            from,
        }
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

/// The client address of `SSH_CONNECTION` (`client-ip client-port server-ip server-port`), if any.
pub fn claimed_origin() -> Option<String> {
    std::env::var("SSH_CONNECTION")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .filter(|s| s.len() <= 64 && s.chars().all(|c| c.is_ascii_hexdigit() || ".:".contains(c)))
}

/// The account name of `uid` (from the system's user database), else `uid N`.
pub fn user_name(uid: u32) -> String {
    let mut buf = vec![0u8; 4096];
    // SAFETY: all-zero is a valid `passwd` (null pointers, zero ids); getpwuid_r writes into it.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    loop {
        // SAFETY: pwd, buf and result are valid for the call; buf's length is passed with it.
        let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return format!("uid {uid}");
        }
        // SAFETY: on success pw_name points to a NUL-terminated string inside buf.
        let name = unsafe { CStr::from_ptr(pwd.pw_name) };
        return name.to_string_lossy().into_owned();
    }
}

/// The uid of a user name, if the system knows it.
pub fn user_id(name: &str) -> Option<u32> {
    let cname = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0u8; 4096];
    // SAFETY: as in `user_name`.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: pointers valid for the call.
    let rc = unsafe {
        libc::getpwnam_r(
            cname.as_ptr(),
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    (rc == 0 && !result.is_null()).then_some(pwd.pw_uid)
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.from {
            // The address is the client's claim (SSH_CONNECTION); the name is the kernel's.
            Some(from) => write!(f, "{}@{from}", self.user),
            None => f.write_str(&self.user),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_uid_not_the_environment() {
        // SAFETY: this test alone sets these variables; nothing reads them concurrently here.
        unsafe {
            std::env::set_var("USER", "mallory");
            std::env::set_var("SUDO_USER", "mallory");
            std::env::set_var("LOGNAME", "mallory");
        }
        let me = Actor::current();
        // SAFETY: as above.
        let uid = unsafe { libc::getuid() };
        assert_eq!(me.user, user_name(uid));
        assert_ne!(me.user, "mallory");
        assert_eq!(user_name(0), "root");
        assert_eq!(user_id("root"), Some(0));
        assert_eq!(user_name(4_000_000_000), "uid 4000000000");
    }
}
