//! What every subcommand needs: the config (found or not), the data directory, the store, exit codes.

use std::path::{Path, PathBuf};

use crate::config::{self, Config, ConfigError};
use crate::store::{Store, StoreError};

/// An error that ends the command with its exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    pub fn bad_input(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    pub fn store(message: impl Into<String>) -> CliError {
        CliError {
            code: 3,
            message: message.into(),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::bad_input(e.to_string())
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Backup(_) => CliError::bad_input(e.to_string()),
            _ => CliError::store(e.to_string()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Context {
    pub config_flag: Option<PathBuf>,
    pub data_dir_flag: Option<PathBuf>,
}

impl Context {
    pub fn new(config_flag: Option<PathBuf>, data_dir_flag: Option<PathBuf>) -> Context {
        Context {
            config_flag,
            data_dir_flag,
        }
    }

    /// The config file path and whether the user named it.
    pub fn config_path(&self) -> Option<(PathBuf, bool)> {
        config::locate(self.config_flag.as_deref())
    }

    /// The config if one exists; a named file that is missing or invalid is an error.
    pub fn load_config(&self) -> Result<Option<Config>, CliError> {
        match self.config_path() {
            Some((path, explicit)) => {
                if !explicit && !path.exists() {
                    return Ok(None);
                }
                Ok(Some(Config::load_with(&path, &crate::tui::theme::check_name)?))
            }
            None => Ok(None),
        }
    }

    /// The config, or the built-in empty one when none exists.
    pub fn config_or_empty(&self) -> Result<Config, CliError> {
        Ok(self.load_config()?.unwrap_or_else(Config::empty))
    }

    /// `--data-dir`, else `$WATCHDESK_DATA`, else the config's `storage.data_dir`, else `$XDG_DATA_HOME/watchdesk`.
    pub fn data_dir(&self, config: &Config) -> Result<PathBuf, CliError> {
        if let Some(dir) = &self.data_dir_flag {
            return Ok(dir.clone());
        }
        if let Some(dir) = std::env::var_os("WATCHDESK_DATA").filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        if let Some(dir) = &config.data_dir {
            return Ok(dir.clone());
        }
        config::data_home()
            .map(|d| d.join("watchdesk"))
            .ok_or_else(|| CliError::store("no data directory: set --data-dir, $WATCHDESK_DATA or $HOME"))
    }

    pub fn open_store(&self, config: &Config) -> Result<Store, CliError> {
        let dir = self.data_dir(config)?;
        Ok(Store::open_with_key_file(&dir, config.audit_key_file.as_deref())?)
    }

    /// `[audit] key_file`, else `$WATCHDESK_AUDIT_KEY`, else `$XDG_CONFIG_HOME/watchdesk/audit.key`.
    pub fn audit_key_path(&self, config: &Config) -> Result<PathBuf, CliError> {
        config
            .audit_key_file
            .clone()
            .or_else(crate::store::default_key_path)
            .ok_or_else(|| {
                CliError::store("no place for the audit key: set [audit] key_file or $WATCHDESK_AUDIT_KEY")
            })
    }
}

/// Builds the runtime the in-process engine runs on.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::store(format!("cannot start the runtime: {e}")))
}

pub fn display(path: &Path) -> String {
    path.display().to_string()
}
