//! `watchdesk serve` (the engine, probes and host samplers with no terminal, answering on the data directory's
//! socket), `watchdesk attach` (a dashboard on that daemon), and the one way every command that changes
//! something reaches an engine: the daemon's when one answers, else one started for the command.

use std::path::Path;
use std::sync::Arc;

use super::context::{CliError, Context, display, runtime};
use super::dashboard::{LookFlags, tui_options};
use super::watch::Watch;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::daemon::{self, RemoteEngine};
use crate::engine::{self, Command, EngineError, Mode, Reply, StoreCommand, StoreReply};
use crate::model::Actor;
use crate::store::Store;
use crate::tui;

/// Runs `command` as the current user: on the daemon of this data directory when one answers, else on an
/// engine started here for it (the store's lock then says whether anything else holds the store).
pub fn engine_command(
    ctx: &Context,
    config: Config,
    command: Command,
) -> Result<Result<Reply, EngineError>, CliError> {
    let dir = ctx.data_dir(&config)?;
    let rt = runtime()?;
    rt.block_on(async move {
        if let Some(remote) = reach(&dir, &config).await? {
            return Ok(remote.execute(Actor::current(), command).await);
        }
        let store = Store::open_with_key_file(&dir, config.audit_key_file.as_deref())?;
        let engine = engine::spawn_one_off(store, config, Arc::new(SystemClock))?;
        let reply = engine.execute(Actor::current(), command).await;
        engine.shutdown().await;
        Ok(reply)
    })
}

/// Runs `command` on the daemon of this data directory when one answers; `None` when none does (the caller
/// then reads the store itself).
pub fn on_daemon(
    ctx: &Context,
    config: &Config,
    command: Command,
) -> Result<Option<Result<Reply, EngineError>>, CliError> {
    let dir = ctx.data_dir(config)?;
    match std::fs::symlink_metadata(daemon::socket_path(&dir)) {
        Ok(_) => {}
        // A directory this user may not enter: a daemon's, kept from them (reach says so).
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
        Err(_) => return Ok(None),
    }
    let rt = runtime()?;
    rt.block_on(async move {
        match reach(&dir, config).await? {
            Some(remote) => Ok(Some(remote.execute(Actor::current(), command).await)),
            None => Ok(None),
        }
    })
}

/// A read or upkeep of the store done by the daemon that owns it; `None` when no daemon answers (the caller
/// then opens the store itself).
pub fn store_on_daemon(
    ctx: &Context,
    config: &Config,
    command: StoreCommand,
) -> Result<Option<StoreReply>, CliError> {
    match on_daemon(ctx, config, Command::Store(command))? {
        None => Ok(None),
        Some(Ok(Reply::Store(reply))) => Ok(Some(*reply)),
        Some(Ok(other)) => Err(CliError::store(format!(
            "unexpected answer from the daemon: {other:?}"
        ))),
        Some(Err(e)) if e.is_bad_input() => Err(CliError::bad_input(e.to_string())),
        Some(Err(e)) => Err(CliError::store(e.to_string())),
    }
}

/// The daemon of `dir`, if its socket is there and answers. A daemon that answers but will not have this user
/// (or a socket this user may not open) is an error, not "no daemon": the store is the daemon's.
pub async fn reach(dir: &Path, config: &Config) -> Result<Option<RemoteEngine>, CliError> {
    let socket = daemon::socket_path(dir);
    match std::fs::symlink_metadata(&socket) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(denied(&socket, &e.to_string()));
        }
        Err(_) => return Ok(None),
    }
    let policy = Arc::new(config.policy.clone());
    match daemon::connect(&socket, policy, config.policy.calendar.zone).await {
        Ok(remote) => Ok(Some(remote)),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(denied(&socket, &e.to_string())),
        Err(_) => Ok(None),
    }
}

fn denied(socket: &Path, why: &str) -> CliError {
    CliError::bad_input(format!(
        "the watchdesk daemon at {} does not let you in: {why} (its [access] group and lists say who may)",
        display(socket)
    ))
}

/// `watchdesk serve`: watches until SIGTERM or SIGINT. SIGHUP (the terminal it was started from went away)
/// does not stop it: monitoring must not depend on someone watching.
pub fn serve(ctx: &Context) -> Result<i32, CliError> {
    let config = ctx.load_config()?.ok_or_else(|| {
        CliError::bad_input("serve needs a config: write one with `watchdesk init`, or name it with --config")
    })?;
    crate::logging::use_zone(config.platform.timezone);
    let dir = ctx.data_dir(&config)?;
    let store = Store::open_with_key_file(&dir, config.audit_key_file.as_deref())?;
    let rt = runtime()?;
    rt.block_on(async move {
        let stop = stop_signal();
        let n_checks: usize = config.subsystems.iter().map(|s| s.checks.len()).sum();
        let n_hosts = config.hosts.len();
        let n_channels = config.notify.channels.len();
        let access = config.access.clone();
        for channel in &config.notify.channels {
            if let Some(why) = &channel.unavailable {
                tracing::warn!(
                    channel = channel.name.as_str(),
                    "{why}: its notifications stay queued until it can send"
                );
            }
        }
        let http = config.http.clone().map(|h| (h, config.alert_routes.clone()));
        let mut watch = Watch::start(store, config, Arc::new(SystemClock), Mode::Embedded)?;
        if let Some((http, routes)) = http {
            match watch.serve_http(&http, &routes, Arc::new(SystemClock)) {
                Ok(addr) => tracing::info!(
                    "HTTP on {addr}: /metrics{}",
                    if http.token.is_some() {
                        ", /api/v1/alertmanager, /api/v1/events"
                    } else {
                        " (intake off: no token)"
                    }
                ),
                Err(e) => {
                    watch.stop().await;
                    return Err(CliError::bad_input(e.to_string()));
                }
            }
        }
        let mut activity = crate::logging::activity::spawn(&watch.engine);
        let socket = daemon::socket_path(&dir);
        let server = match daemon::server::serve_with(watch.engine.clone(), &socket, access).await {
            Ok(server) => server,
            Err(e) => {
                watch.stop().await;
                activity.abort();
                return Err(CliError::store(format!(
                    "cannot listen on {}: {e}",
                    display(&socket)
                )));
            }
        };
        let (store, socket_shown) = (display(&dir), display(&socket));
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            checks = n_checks,
            hosts = n_hosts,
            channels = n_channels,
            store = store.as_str(),
            socket = socket_shown.as_str(),
            "started: {n_checks} checks, {n_hosts} hosts, {n_channels} notification channels; store {store}; \
             dashboards attach on {socket_shown}"
        );
        let signal = stop.await;
        tracing::info!(signal, "{signal}: stopping");
        server.stop().await;
        watch.stop().await;
        // The engine has stopped: the log writes its last events (bounded, should anything still hold it).
        if tokio::time::timeout(std::time::Duration::from_secs(5), &mut activity)
            .await
            .is_err()
        {
            activity.abort();
        }
        tracing::info!("stopped");
        Ok(0)
    })
}

/// The handlers are installed when this is called (before the daemon says it started, so a SIGTERM right
/// after that is a clean stop); the future answers which signal came.
fn stop_signal() -> impl std::future::Future<Output = &'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let handlers = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    );
    async move {
        let (Ok(mut term), Ok(mut int), Ok(mut hup)) = handlers else {
            // Without handlers the default actions stop the process; nothing to wait for here but the end.
            return std::future::pending().await;
        };
        loop {
            tokio::select! {
            _ = term.recv() => return "SIGTERM",
            _ = int.recv() => return "SIGINT",
                _ = hup.recv() => tracing::info!("SIGHUP ignored (the daemon keeps watching)"),
            }
        }
    }
}

/// `watchdesk attach`: the dashboard on the daemon of this data directory.
pub fn attach(ctx: &Context, look: &LookFlags, readonly: bool) -> Result<i32, CliError> {
    let config = ctx.load_config()?.ok_or_else(|| {
        CliError::bad_input(
            "attach needs the daemon's config: name it with --config, or write one with `watchdesk init`",
        )
    })?;
    let dir = ctx.data_dir(&config)?;
    let rt = runtime()?;
    rt.block_on(async move {
        let Some(remote) = reach(&dir, &config).await? else {
            return Err(CliError::store(format!(
                "no watchdesk daemon answers on {}: start one with `watchdesk serve`",
                display(&daemon::socket_path(&dir))
            )));
        };
        let remote = if readonly { remote.into_read_only() } else { remote };
        run_attached(remote, &config, look).await
    })
}

/// The dashboard on a daemon; leaving it leaves the daemon running.
pub async fn run_attached(remote: RemoteEngine, config: &Config, look: &LookFlags) -> Result<i32, CliError> {
    let options = tui_options(config, look)?;
    match tui::run_client(remote, options).await {
        Ok(()) => Ok(0),
        Err(e) => Err(CliError {
            code: 1,
            message: e.to_string(),
        }),
    }
}
