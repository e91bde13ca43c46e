//! Secrets (tokens, signing keys, passwords) as the config names them: never written in the file, each read
//! from an environment variable or from a file only its owner can read, and held as a [`Secret`] that
//! prints as `***`.

use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use crate::config::ConfigError;

/// A credential read from the environment or a private file. It never prints: `Debug` and `Display` show
/// `***`, and it is not `Serialize`, so it cannot reach a snapshot, the store or a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<Arc<str>>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that signs or sends with it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A secret as this process could find it.
pub(in crate::config) struct Looked {
    pub(in crate::config) secret: Option<Secret>,
    /// The config names a place for it.
    pub(in crate::config) named: bool,
    /// Named but not readable here (a variable not set, a file this user cannot read): the channel cannot
    /// send from this process, and what it should send waits in the outbox for one that can.
    pub(in crate::config) unavailable: Option<String>,
}

/// Reads a secret from the environment variable or the file the config names. A file that others can read is
/// an error (the secret is already exposed), and so are a directory and a file that is not text (no process
/// could read a secret from them); a file this user cannot read leaves the secret unavailable here.
pub(in crate::config) fn read_secret(
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
            let path = crate::config::expand_home(file.get_ref());
            let shown = path.display();
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => {
                    return Ok(missing(format!(
                        "{owner}: cannot read {key} {shown}: {}",
                        crate::config::io_reason(&e)
                    )));
                }
            };
            if meta.is_dir() {
                return Err(err(
                    file,
                    &key,
                    format!(
                        "{owner}: {key} {shown} is a directory: accepted is a file holding only the {what}"
                    ),
                ));
            }
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
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(err(
                        file,
                        &key,
                        format!(
                            "{owner}: {key} {shown} is not UTF-8 text: accepted is a file holding only the {what} \
                             as text"
                        ),
                    ));
                }
                Err(e) => {
                    return Ok(missing(format!(
                        "{owner}: cannot read {key} {shown}: {}",
                        crate::config::io_reason(&e)
                    )));
                }
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
