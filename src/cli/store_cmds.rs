//! `watchdesk audit verify`, `backup`, `backup verify`, `restore`.

use std::path::Path;

use super::context::{CliError, Context, display};
use super::daemon_cmds::store_on_daemon;
use crate::engine::{StoreCommand, StoreReply};
use crate::store::{Store, verify_backup};

pub fn audit_verify(ctx: &Context) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    // A running daemon owns the store and checks it for us.
    let verdict = match store_on_daemon(ctx, &config, StoreCommand::VerifyAudit)? {
        Some(StoreReply::Audit { records, failure }) => match failure {
            None => Ok(records),
            Some(failure) => Err(failure),
        },
        Some(other) => return Err(unexpected(other)),
        None => ctx
            .open_store(&config)?
            .verify_audit()?
            .map_err(|f| f.to_string()),
    };
    match verdict {
        Ok(count) => {
            outln!("audit log intact: {count} records");
            Ok(0)
        }
        Err(failure) => {
            outln!("audit log BROKEN: {failure}");
            Ok(1)
        }
    }
}

pub fn backup(ctx: &Context, out: &Path) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    // A running daemon writes it (the path made absolute, since the daemon's working directory is not ours).
    let absolute = std::path::absolute(out)
        .map_err(|e| CliError::bad_input(format!("cannot use {}: {e}", display(out))))?;
    let summary = match store_on_daemon(ctx, &config, StoreCommand::Backup { out: absolute })? {
        Some(StoreReply::Backup(summary)) => summary,
        Some(other) => return Err(unexpected(other)),
        None => ctx.open_store(&config)?.backup(out)?,
    };
    outln!(
        "wrote {}: {} records, sha256 {}",
        display(out),
        summary.records,
        summary.sha256
    );
    Ok(0)
}

pub fn backup_verify(file: &Path) -> Result<i32, CliError> {
    match verify_backup(file) {
        Ok(summary) => {
            let trees: Vec<String> = summary.per_tree.iter().map(|(t, n)| format!("{t} {n}")).collect();
            outln!(
                "backup OK: {} records ({}), made {}, sha256 {}",
                summary.records,
                trees.join(", "),
                summary.created_at.to_rfc3339(),
                summary.sha256
            );
            Ok(0)
        }
        Err(e) => {
            outln!("backup NOT usable: {e}");
            Ok(1)
        }
    }
}

pub fn restore(ctx: &Context, file: &Path) -> Result<i32, CliError> {
    let Some(dir) = ctx.data_dir_flag.clone() else {
        return Err(CliError::bad_input(
            "restore needs --data-dir DIR (a new or empty directory)",
        ));
    };
    let (store, summary) = Store::restore(file, &dir)?;
    let count = store.verify_audit()?.map_err(|f| CliError {
        code: 1,
        message: f.to_string(),
    })?;
    outln!(
        "restored {} records into {} (audit log intact: {count} records)",
        summary.records,
        display(&dir)
    );
    Ok(0)
}

fn unexpected(reply: StoreReply) -> CliError {
    CliError::store(format!("unexpected answer from the daemon: {reply:?}"))
}
