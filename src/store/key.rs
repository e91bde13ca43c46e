//! The audit key: 32 random bytes in a 0600 file kept outside the data directory, so that whoever can write the
//! data directory still cannot rewrite the audit chain (its hashes are HMAC-SHA256 under this key) or forge a
//! backup's MAC.

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::StoreError;

type HmacSha256 = Hmac<Sha256>;

/// The key the audit chain and backups are authenticated with.
#[derive(Clone)]
pub struct AuditKey {
    bytes: [u8; 32],
    path: PathBuf,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Where the key is when nothing names it: `$WATCHDESK_AUDIT_KEY`, else `$XDG_CONFIG_HOME/watchdesk/audit.key`
/// (`~/.config/watchdesk/audit.key`).
pub fn default_key_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WATCHDESK_AUDIT_KEY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    crate::config::config_home().map(|d| d.join("watchdesk").join("audit.key"))
}

fn key_error(path: &Path, what: impl std::fmt::Display) -> StoreError {
    StoreError::Key(format!("audit key {}: {what}", path.display()))
}

impl AuditKey {
    /// Reads the key at `path`, creating it (0600, in a 0700 directory) when there is none. A key readable by
    /// anyone but its owner, or one inside the data directory `data_dir`, is refused.
    pub fn load_or_create(path: &Path, data_dir: Option<&Path>) -> Result<AuditKey, StoreError> {
        if let Some(data_dir) = data_dir
            && inside(path, data_dir)
        {
            return Err(key_error(
                path,
                format!(
                    "it is inside the data directory {}; keep it elsewhere (set [audit] key_file), or whoever can \
                     change the data can also rewrite the audit chain",
                    data_dir.display()
                ),
            ));
        }
        match AuditKey::load(path)? {
            Some(key) => Ok(key),
            None => AuditKey::create(path),
        }
    }

    /// Reads the key at `path`; `None` when there is no such file.
    pub fn load(path: &Path) -> Result<Option<AuditKey>, StoreError> {
        let mut file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(key_error(path, super::error::io_sentence(&e))),
        };
        let meta = file
            .metadata()
            .map_err(|e| key_error(path, super::error::io_sentence(&e)))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(key_error(
                path,
                format!(
                    "it can be read by others (mode {mode:04o}); run `chmod 600 {}` after checking nobody \
                     copied it",
                    path.display()
                ),
            ));
        }
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| key_error(path, super::error::io_sentence(&e)))?;
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| key_error(path, "it is not a watchdesk audit key (64 hexadecimal digits)"))?;
        Ok(Some(AuditKey {
            bytes,
            path: path.to_path_buf(),
        }))
    }

    fn create(path: &Path) -> Result<AuditKey, StoreError> {
        let io = |e: std::io::Error| {
            key_error(
                path,
                format!("cannot create it: {}", super::error::io_sentence(&e)),
            )
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.exists()
        {
            fs::create_dir_all(parent).map_err(io)?;
            fs::set_permissions(parent, fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        let mut bytes = [0u8; 32];
        fs::File::open("/dev/urandom")
            .and_then(|mut r| r.read_exact(&mut bytes))
            .map_err(io)?;
        let created = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        let mut file = match created {
            Ok(f) => f,
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return AuditKey::load(path)?.ok_or_else(|| key_error(path, "it vanished while being read"));
            }
            Err(e) => return Err(io(e)),
        };
        file.write_all(format!("{}\n", hex::encode(bytes)).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io)?;
        if let Some(parent) = path.parent()
            && let Ok(dir) = fs::File::open(parent)
        {
            let _ = dir.sync_all();
        }
        Ok(AuditKey {
            bytes,
            path: path.to_path_buf(),
        })
    }

    /// A key that lives only in memory (tests and benchmarks).
    pub fn ephemeral(bytes: [u8; 32]) -> AuditKey {
        AuditKey {
            bytes,
            path: PathBuf::from("<in memory>"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// HMAC-SHA256 over `parts` in order, as hexadecimal.
    pub fn mac(&self, parts: &[&[u8]]) -> String {
        let mut mac = self.start();
        for part in parts {
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    pub(super) fn start(&self) -> HmacSha256 {
        // HMAC takes a key of any length; this cannot fail.
        match HmacSha256::new_from_slice(&self.bytes) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        }
    }
}

/// Whether `path` lies inside `dir` (both made absolute; symlinks resolved where they exist).
pub(super) fn inside(path: &Path, dir: &Path) -> bool {
    let abs = |p: &Path| {
        fs::canonicalize(p)
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let dir = abs(dir);
    let parent = path.parent().map(abs).unwrap_or_default();
    parent.starts_with(&dir)
}
