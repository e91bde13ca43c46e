//! `watchdesk audit verify`, `backup`, `backup verify`, `restore`.

use std::path::Path;

use super::context::{CliError, Context, display};
use super::daemon_cmds::store_on_daemon;
use super::progress::Shown;
use crate::engine::{StoreCommand, StoreReply, audit_reply};
use crate::store::{AuditHead, AuditKey, Store, verify_backup_with};

pub fn audit_verify(ctx: &Context, expect: Option<AuditHead>) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    // A running daemon owns the store and checks it for us.
    let command = StoreCommand::VerifyAudit {
        expect: expect.clone(),
    };
    let waiting = Shown::waiting("checking the audit log");
    let reply = match store_on_daemon(ctx, &config, command)? {
        Some(reply) => reply,
        None => {
            drop(waiting);
            let store = ctx.open_store(&config)?;
            if store.key_inside_data() {
                eprintln!(
                    "watchdesk: warning: the audit key {} is inside the data directory, where whoever can change the \
                     data can read it: set [audit] key_file to a place outside it",
                    store.audit_key().path().display()
                );
            }
            audit_reply(store.verify_with(expect.as_ref(), &Shown::on_terminal())?)
        }
    };
    let StoreReply::Audit {
        records,
        failure,
        head,
        keyed_from,
        records_checked,
    } = reply
    else {
        return Err(unexpected(reply));
    };
    if let Some(failure) = failure {
        outln!("audit log BROKEN: {failure}");
        return Ok(1);
    }
    let keyed = match keyed_from {
        Some(1) => "keyed (HMAC-SHA256) throughout".to_string(),
        Some(from) => format!(
            "events 1–{} plain SHA-256 from before the key, keyed (HMAC-SHA256) from event {from}",
            from - 1
        ),
        None => "NOT keyed".to_string(),
    };
    outln!("audit log intact: {records} records, {keyed}; {records_checked} records match their events");
    if let Some(head) = head {
        outln!("chain head {head}");
    }
    if let Some(expect) = expect {
        outln!("reaches the expected head {expect} unchanged");
    }
    Ok(0)
}

pub fn backup(ctx: &Context, out: &Path) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    // A running daemon writes it (the path made absolute, since the daemon's working directory is not ours).
    let absolute = std::path::absolute(out)
        .map_err(|e| CliError::bad_input(format!("cannot use {}: {e}", display(out))))?;
    let waiting = Shown::waiting("writing the backup");
    let summary = match store_on_daemon(ctx, &config, StoreCommand::Backup { out: absolute })? {
        Some(StoreReply::Backup(summary)) => summary,
        Some(other) => return Err(unexpected(other)),
        None => {
            drop(waiting);
            ctx.open_store(&config)?.backup_with(out, &Shown::on_terminal())?
        }
    };
    outln!(
        "wrote {}: {} records, sha256 {}",
        display(out),
        summary.records,
        summary.sha256
    );
    Ok(0)
}

pub fn backup_verify(ctx: &Context, file: &Path) -> Result<i32, CliError> {
    let config = ctx.config_or_empty()?;
    // The key is only read here, never created: a backup checked on another machine is checked by checksum only.
    let key = AuditKey::load(&ctx.audit_key_path(&config)?)?;
    let checked = verify_backup_with(file, key.as_ref(), &Shown::on_terminal());
    match checked {
        Ok(summary) => {
            let trees: Vec<String> = summary.per_tree.iter().map(|(t, n)| format!("{t} {n}")).collect();
            outln!(
                "backup OK: {} records ({}), made {}, sha256 {}",
                summary.records,
                trees.join(", "),
                summary
                    .created_at
                    .with_timezone(&config.platform.timezone)
                    .format("%Y-%m-%d %H:%M:%S %Z"),
                summary.sha256
            );
            if let Some(head) = &summary.head {
                outln!("audit chain head {head}");
            }
            match (&key, summary.mac_checked) {
                (_, true) => outln!("every line's keyed MAC matches"),
                (None, false) => outln!(
                    "keyed MACs NOT checked: no audit key here (checksum only, which anyone can recompute)"
                ),
                (Some(_), false) => {
                    outln!("keyed MACs NOT checked: the backup predates keyed backups (checksum only)")
                }
            }
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
    let config = ctx.config_or_empty()?;
    let key_path = ctx.audit_key_path(&config)?;
    let key = AuditKey::load(&key_path)?.ok_or_else(|| {
        CliError::bad_input(format!(
            "no audit key at {}: a backup is restored with the key it was made with (copy it there, mode 0600)",
            display(&key_path)
        ))
    })?;
    let shown = Shown::on_terminal();
    let (store, summary) = Store::restore_with(file, &dir, &key, &shown)?;
    let count = store
        .verify_with(None, &shown)?
        .map(|v| v.events)
        .map_err(|f| CliError {
            code: 1,
            message: f.to_string(),
        })?;
    drop(shown);
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
