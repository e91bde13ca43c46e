//! The store's trees and the encoding of what goes in them: a tree name for every kind of record, one change
//! (`Put`) of an audited write, JSON values, and keys shown readably in errors and tools.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

/// The trees, in the order the transaction sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeName {
    Meta = 0,
    Incidents,
    Open,
    Events,
    Daily,
    Monthly,
    Handovers,
    Scores,
    Rollups,
    /// Notifications: queued before they are sent, kept with how their delivery went.
    Outbox,
}

impl TreeName {
    pub const ALL: [TreeName; 10] = [
        TreeName::Meta,
        TreeName::Incidents,
        TreeName::Open,
        TreeName::Events,
        TreeName::Daily,
        TreeName::Monthly,
        TreeName::Handovers,
        TreeName::Scores,
        TreeName::Rollups,
        TreeName::Outbox,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TreeName::Meta => "meta",
            TreeName::Incidents => "incidents",
            TreeName::Open => "open",
            TreeName::Events => "events",
            TreeName::Daily => "daily",
            TreeName::Monthly => "monthly",
            TreeName::Handovers => "handovers",
            TreeName::Scores => "scores",
            TreeName::Rollups => "rollups",
            TreeName::Outbox => "outbox",
        }
    }

    pub fn parse(name: &str) -> Option<TreeName> {
        TreeName::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// One change inside an audited write.
#[derive(Debug, Clone)]
pub enum Put {
    Insert {
        tree: TreeName,
        key: Vec<u8>,
        value: Vec<u8>,
    },
    Remove {
        tree: TreeName,
        key: Vec<u8>,
    },
}

impl Put {
    pub fn tree(&self) -> TreeName {
        match self {
            Put::Insert { tree, .. } | Put::Remove { tree, .. } => *tree,
        }
    }

    pub fn json<T: Serialize>(tree: TreeName, key: impl Into<Vec<u8>>, value: &T) -> Result<Put, StoreError> {
        let value = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
            tree: tree.as_str(),
            key: String::new(),
            reason: format!("cannot encode: {e}"),
        })?;
        Ok(Put::Insert {
            tree,
            key: key.into(),
            value,
        })
    }
}

pub(super) fn decode<T: DeserializeOwned>(tree: TreeName, key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        tree: tree.as_str(),
        key: display_key(key),
        reason: e.to_string(),
    })
}

/// Keys are text or big-endian numbers; show either readably.
pub fn display_key(key: &[u8]) -> String {
    match std::str::from_utf8(key) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => s.to_string(),
        _ if key.len() == 8 => {
            let raw = u64::from_be_bytes(key.try_into().unwrap_or([0; 8]));
            raw.to_string()
        }
        _ => hex::encode(key),
    }
}
