//! Secrets named by the config file: read from the environment variable or the private file it names, never
//! written in the file itself. Shared by the notification channels and the HTTP listener.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use toml::Spanned;

use super::{ConfigError, Secret};

/// A secret as this process could find it.
pub(super) struct Looked {
    pub secret: Option<Secret>,
    /// The config names a place for it.
    pub named: bool,
    /// Named but not readable here (a variable not set, a file this user cannot read): what needs it cannot
    /// work from this process (a channel's messages wait in the outbox for one that can).
    pub unavailable: Option<String>,
}

/// Reads a secret from the environment variable or the file the config names. A file that others can read is
/// an error (the secret is already exposed); one this user cannot read leaves the secret unavailable here.
/// `owner` starts every message: `channel "oncall"`, `[http]`.
pub(super) fn read_secret(
    path: &Path,
    text: &str,
    owner: &str,
    what: &str,
    env: &Option<Spanned<String>>,
    file: &Option<Spanned<String>>,
) -> Result<Looked, ConfigError> {
    let err = |at: &Spanned<String>, key: &str, message: String| {
        ConfigError::at(path, text, Some(at.span()), Some(key), message)
    };
    let found = |secret: Secret| Looked {
        secret: Some(secret),
        named: true,
        unavailable: None,
    };
    let missing = |reason: String| Looked {
        secret: None,
        named: true,
        unavailable: Some(reason),
    };
    match (env, file) {
        (Some(env), Some(_)) => Err(err(
            env,
            &format!("{what}_env"),
            format!("{owner}: give {what}_env or {what}_file, not both"),
        )),
        (Some(var), None) => {
            let key = format!("{what}_env");
            match std::env::var(var.get_ref()) {
                Ok(value) if !value.trim().is_empty() => Ok(found(Secret::new(value.trim()))),
                _ => Ok(missing(format!(
                    "{owner}: the environment variable {} named by {key} is not set (or empty) in this process",
                    var.get_ref()
                ))),
            }
        }
        (None, Some(file)) => {
            let key = format!("{what}_file");
            let path = super::expand_home(file.get_ref());
            let shown = path.display();
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => return Ok(missing(format!("{owner}: cannot read {key} {shown}: {e}"))),
            };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(err(
                    file,
                    &key,
                    format!(
                        "{owner}: {key} {shown} can be read by others (mode {mode:04o}); make it private with `chmod 600 {shown}`"
                    ),
                ));
            }
            let value = match std::fs::read_to_string(&path) {
                Ok(value) => value,
                Err(e) => return Ok(missing(format!("{owner}: cannot read {key} {shown}: {e}"))),
            };
            if value.trim().is_empty() {
                return Err(err(file, &key, format!("{owner}: {key} {shown} is empty")));
            }
            Ok(found(Secret::new(value.trim())))
        }
        (None, None) => Ok(Looked {
            secret: None,
            named: false,
            unavailable: None,
        }),
    }
}
