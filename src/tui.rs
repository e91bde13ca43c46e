//! The dashboard: the screen the on-call engineer lives in. It shows at a glance what is wrong and how long is
//! left before a contract deadline passes, and puts every action one keystroke away.
//!
//! The TUI is a client of the engine: it reads `Arc<Snapshot>`s from a watch channel and sends `Command`s; it
//! never touches the store. Rendering is a pure function of the snapshot, the UI state, the theme, the language
//! and the time (`view::render`), which is what the snapshot tests pin down.

pub mod action;
pub mod app;
pub mod bell;
pub mod event_loop;
pub mod form;
pub mod i18n;
pub mod keymap;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod timefmt;
pub mod urgency;
pub mod view;

use std::future::Future;
use std::io::IsTerminal;
use std::sync::Arc;

use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::watch;

use crate::clock::SystemClock;
use crate::config::Lang;
use crate::engine::{Command, EngineError, EngineHandle, Reply, Snapshot};
use crate::model::Actor;
use event_loop::{Exit, Session, Watchdog};
use theme::{ColorChoice, ColorDepth, Theme, ThemeError};

/// What the dashboard needs of the engine: its snapshots, a way to run a command, and a way to stop it.
pub trait EngineClient: Clone + Send + Sync + 'static {
    fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>>;
    /// Answers once the change is durable.
    fn execute(
        &self,
        actor: Actor,
        command: Command,
    ) -> impl Future<Output = Result<Reply, EngineError>> + Send;
    /// Stops probes and flushes the store.
    fn shutdown(&self) -> impl Future<Output = ()> + Send;
    /// Only looking: every key that would change something says so instead.
    fn read_only(&self) -> bool {
        false
    }
}

impl EngineClient for EngineHandle {
    fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        EngineHandle::subscribe(self)
    }

    fn execute(
        &self,
        actor: Actor,
        command: Command,
    ) -> impl Future<Output = Result<Reply, EngineError>> + Send {
        EngineHandle::execute(self, actor, command)
    }

    fn shutdown(&self) -> impl Future<Output = ()> + Send {
        EngineHandle::shutdown(self)
    }
}

/// A dashboard attached to a daemon: leaving it leaves the daemon running.
impl EngineClient for crate::daemon::RemoteEngine {
    fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        crate::daemon::RemoteEngine::subscribe(self)
    }

    fn execute(
        &self,
        actor: Actor,
        command: Command,
    ) -> impl Future<Output = Result<Reply, EngineError>> + Send {
        crate::daemon::RemoteEngine::execute(self, actor, command)
    }

    async fn shutdown(&self) {}

    fn read_only(&self) -> bool {
        crate::daemon::RemoteEngine::read_only(self)
    }
}

/// How the dashboard looks and speaks.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    /// Already brought down to the terminal's colours (see [`TuiOptions::resolve`]).
    pub theme: Theme,
    pub lang: Lang,
    /// An extra line under the header, e.g. what an attached session is attached to. The DEMO banner comes from
    /// the snapshot's mode by itself.
    pub banner: Option<String>,
    /// Who the commands are recorded as.
    pub actor: Actor,
    /// Ring the terminal bell on a new critical incident (`[notify] bell`).
    pub bell: bool,
}

impl TuiOptions {
    /// From the command line and the config: `--theme` over `platform.theme`, `--lang` over `platform.lang` over
    /// the locale, and `--color` with `NO_COLOR` / `COLORTERM` / `TERM`. A named theme that is missing or broken
    /// is an error.
    pub fn resolve(
        theme_flag: Option<&str>,
        config_theme: Option<&str>,
        lang_flag: Option<Lang>,
        config_lang: Option<Lang>,
        color: ColorChoice,
    ) -> Result<TuiOptions, ThemeError> {
        let depth = ColorDepth::detect(color);
        Ok(TuiOptions {
            theme: theme::load(theme_flag.or(config_theme), depth)?,
            lang: i18n::resolve_lang(lang_flag, config_lang),
            banner: None,
            actor: Actor::current(),
            bell: false,
        })
    }
}

impl Default for TuiOptions {
    fn default() -> Self {
        TuiOptions {
            theme: Theme::builtin_default(),
            lang: i18n::resolve_lang(None, None),
            banner: None,
            actor: Actor::current(),
            bell: false,
        }
    }
}

/// The four signals that end the dashboard, all the same way as `q`.
struct Signals {
    term: Signal,
    int: Signal,
    quit: Signal,
    hup: Signal,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            quit: signal(SignalKind::quit())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
            _ = self.quit.recv() => "SIGQUIT",
            _ = self.hup.recv() => "SIGHUP",
        }
    }
}

/// Runs the dashboard until `q`, Ctrl-C, a signal, or the terminal going away; then gives the terminal back
/// and shuts the engine down (probes stopped, store flushed). Every way out goes through here.
pub async fn run(engine: EngineHandle, options: TuiOptions) -> anyhow::Result<()> {
    run_client(engine, options).await
}

/// [`run`] for any engine client (e.g. a session attached to `watchdesk serve` over its socket).
pub async fn run_client<E: EngineClient>(engine: E, options: TuiOptions) -> anyhow::Result<()> {
    let exit = dashboard(&engine, options).await;
    // Every way out, a failed start included, stops the engine once the terminal is given back.
    engine.shutdown().await;
    match exit? {
        Exit::Quit | Exit::Signal(_) | Exit::InputClosed | Exit::NotATty | Exit::Orphaned => Ok(()),
        Exit::EngineStopped => anyhow::bail!("the engine stopped"),
        Exit::InputErrors(e) => anyhow::bail!("cannot read the terminal: {e}"),
        Exit::TerminalGone(e) => anyhow::bail!("cannot write to the terminal: {e}"),
    }
}

async fn dashboard<E: EngineClient>(engine: &E, options: TuiOptions) -> anyhow::Result<Exit> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!("the dashboard needs a terminal: standard input and output must be a tty");
    }
    let mut signals = Signals::new()?;
    let mut guard = terminal::enter()?;
    let session = Session {
        theme: options.theme,
        i18n: i18n::I18n::new(options.lang),
        actor: options.actor,
        banner: options.banner,
        clock: Arc::new(SystemClock),
        watchdog: Some(Watchdog::new()),
        export_dir: std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from(".")),
        to_terminal: Box::new(|sequence: &str| {
            use std::io::Write;
            let mut out = std::io::stdout();
            out.write_all(sequence.as_bytes())?;
            out.flush()
        }),
        bell: options.bell,
    };
    let events = ratatui::crossterm::event::EventStream::new();
    let exit = event_loop::session(&mut guard.screen, engine, events, signals.recv(), session).await;
    // Dropping the guard restores the terminal before the engine is stopped.
    drop(guard);
    Ok(exit)
}
