//! Who may use the daemon, by the kernel's word: the socket's peer credentials name the user, the system's
//! user and group databases say what groups they are in, and `[access]` says who may change things
//! (operators) and who may only look (observers). Everyone else is turned away.

use std::ffi::{CStr, CString};

use serde::{Deserialize, Serialize};

use crate::config::AccessConfig;
use crate::engine::{Command, RecordsCommand, StoreCommand};

/// What a connected user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Acknowledges, resolves, records: everything.
    Operator,
    /// Sees the dashboard and reads; every change is refused.
    Observer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Observer => "observer",
        }
    }
}

/// The role of `uid` (primary group `gid`), or `None` when it is not let in. The daemon's own user and root
/// are always operators; with no `operators` and no `observers` configured, whoever the socket's permissions
/// let connect is an operator.
pub fn role_of(access: &AccessConfig, uid: u32, gid: u32, daemon_uid: u32) -> Option<Role> {
    if uid == daemon_uid || uid == 0 {
        return Some(Role::Operator);
    }
    if access.operators.is_empty() && access.observers.is_empty() {
        return Some(Role::Operator);
    }
    let user = crate::model::user_name(uid);
    let groups = group_names(&user, gid);
    let named = |list: &[String]| list.iter().any(|n| *n == user || groups.contains(n));
    if named(&access.operators) {
        Some(Role::Operator)
    } else if named(&access.observers) {
        Some(Role::Observer)
    } else {
        None
    }
}

/// Whether a command changes anything (or writes a file as the daemon's user): what observers may not do.
pub fn changes(command: &Command) -> bool {
    match command {
        Command::OpenIncident(_)
        | Command::Acknowledge { .. }
        | Command::Plan { .. }
        | Command::Resolve { .. }
        | Command::Note { .. }
        | Command::Reclassify { .. }
        | Command::Intake(_) => true,
        Command::Records(r) => !matches!(
            r,
            RecordsCommand::DailyView { .. }
                | RecordsCommand::HandoverSummary { .. }
                | RecordsCommand::Score { .. }
        ),
        Command::Store(s) => matches!(s, StoreCommand::Backup { .. }),
    }
}

/// The gid of a group name, if the system knows it.
pub fn group_id(name: &str) -> Option<u32> {
    let cname = CString::new(name).ok()?;
    let mut buf = vec![0u8; 16 * 1024];
    // SAFETY: all-zero is a valid `group`; getgrnam_r fills it, pointing into buf.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::group = std::ptr::null_mut();
    // SAFETY: the pointers are valid for the call and buf's length is passed with it.
    let rc = unsafe {
        libc::getgrnam_r(
            cname.as_ptr(),
            &mut grp,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    (rc == 0 && !result.is_null()).then_some(grp.gr_gid)
}

fn group_name(gid: u32) -> Option<String> {
    let mut buf = vec![0u8; 16 * 1024];
    // SAFETY: as in `group_id`.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::group = std::ptr::null_mut();
    // SAFETY: as in `group_id`.
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || grp.gr_name.is_null() {
        return None;
    }
    // SAFETY: on success gr_name is a NUL-terminated string inside buf.
    Some(
        unsafe { CStr::from_ptr(grp.gr_name) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// The names of every group `user` is in (the primary `gid` and the supplementary ones).
fn group_names(user: &str, gid: u32) -> Vec<String> {
    let Ok(cuser) = CString::new(user) else {
        return Vec::new();
    };
    let mut groups: Vec<libc::gid_t> = vec![0; 64];
    loop {
        let mut n = groups.len() as libc::c_int;
        // SAFETY: groups has room for n entries, and n is updated to the number needed.
        let rc = unsafe { libc::getgrouplist(cuser.as_ptr(), gid, groups.as_mut_ptr(), &mut n) };
        if rc >= 0 {
            groups.truncate(n.max(0) as usize);
            break;
        }
        if groups.len() >= 65_536 {
            groups.truncate(0);
            break;
        }
        groups.resize((n.max(0) as usize).max(groups.len() * 2), 0);
    }
    groups.into_iter().filter_map(group_name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_lists_and_the_daemon_user_always_operates() {
        let open = AccessConfig::default();
        assert_eq!(role_of(&open, 4242, 4242, 1000), Some(Role::Operator));
        let strict = AccessConfig {
            group: None,
            operators: vec!["nobody-here".into()],
            observers: vec!["root".into()],
        };
        assert_eq!(
            role_of(&strict, 1000, 1000, 1000),
            Some(Role::Operator),
            "the daemon's own user"
        );
        assert_eq!(role_of(&strict, 0, 0, 1000), Some(Role::Operator), "root");
        // A uid the system does not know is in no list.
        assert_eq!(role_of(&strict, 4_000_000, 4_000_000, 1000), None);
        assert_eq!(group_id("root"), Some(0));
        assert!(group_names("root", 0).contains(&"root".to_string()));
    }

    #[test]
    fn observers_may_read_but_not_change() {
        assert!(changes(&Command::Note {
            id: "2026-0001".parse().unwrap(),
            at: None,
            text: "x".into()
        }));
        assert!(!changes(&Command::Records(RecordsCommand::Score {
            quarter: None
        })));
        assert!(!changes(&Command::Store(StoreCommand::VerifyAudit {
            expect: None
        })));
        assert!(changes(&Command::Store(StoreCommand::Backup {
            out: "/tmp/x".into()
        })));
    }
}
