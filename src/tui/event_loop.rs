//! The one loop: terminal events, new snapshots, engine replies, a tick on every wall-clock second, and the
//! signals, merged in one `select!`. Queued events are drained before one draw, and nothing is drawn unless
//! something changed or the second ticked; idle means asleep. Every future and stream here is polled by this
//! task only, so whatever it waits on wakes this task.

use std::future::Future;
use std::io;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::task::Poll;

use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use tokio::sync::mpsc;

use super::EngineClient;
use super::app::{Action, App, Effect, UiState};
use super::bell::{BEL, Bell};
use super::i18n::I18n;
use super::theme::Theme;
use super::view;
use crate::clock::SharedClock;
use crate::config::io_reason;
use crate::model::Actor;
use crate::report::{osc52, write_atomically};

/// Terminal read errors in a row after which the terminal is taken to be gone.
const MAX_INPUT_ERRORS: u32 = 5;

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// `q` or Ctrl-C.
    Quit,
    Signal(&'static str),
    /// The terminal's input ended.
    InputClosed,
    InputErrors(String),
    /// Standard input is no longer a terminal.
    NotATty,
    /// The parent process went away (the session that started us is gone).
    Orphaned,
    /// The engine dropped its snapshot channel.
    EngineStopped,
    /// Drawing failed: the terminal is gone.
    TerminalGone(String),
}

/// Checks on every tick that there is still someone to draw for.
#[derive(Debug, Clone, Copy)]
pub struct Watchdog {
    parent: u32,
}

impl Watchdog {
    pub fn new() -> Watchdog {
        Watchdog {
            parent: std::os::unix::process::parent_id(),
        }
    }

    fn check(&self) -> Option<Exit> {
        if !io::stdin().is_terminal() {
            Some(Exit::NotATty)
        } else if std::os::unix::process::parent_id() != self.parent {
            Some(Exit::Orphaned)
        } else {
            None
        }
    }
}

impl Default for Watchdog {
    fn default() -> Self {
        Watchdog::new()
    }
}

/// Writes an escape sequence straight to the terminal (OSC 52 for the clipboard).
pub type TerminalWriter = Box<dyn FnMut(&str) -> io::Result<()> + Send>;

/// What the session draws with and as whom it acts.
pub struct Session {
    pub theme: Theme,
    pub i18n: I18n,
    pub actor: Actor,
    pub banner: Option<String>,
    pub clock: SharedClock,
    pub watchdog: Option<Watchdog>,
    /// Where `w` on a records page writes its Markdown.
    pub export_dir: PathBuf,
    /// How a copy (and the bell) reaches the terminal.
    pub to_terminal: TerminalWriter,
    /// Ring the terminal bell on a new critical incident (`[notify] bell`).
    pub bell: bool,
}

/// Time until the next wall-clock second, so the clock and countdowns change on the second.
fn until_next_second(now: DateTime<Utc>) -> std::time::Duration {
    let nanos = u64::from(now.timestamp_subsec_nanos() % 1_000_000_000);
    std::time::Duration::from_nanos(1_000_000_000 - nanos)
}

/// Runs the dashboard on `terminal` until an exit; `events` are the terminal's, `stop` resolves on a signal.
pub async fn session<B, E, S, F>(
    terminal: &mut Terminal<B>,
    engine: &E,
    mut events: S,
    stop: F,
    mut setup: Session,
) -> Exit
where
    B: Backend,
    E: EngineClient,
    S: Stream<Item = io::Result<Event>> + Unpin,
    F: Future<Output = &'static str>,
{
    let mut snapshots = engine.subscribe();
    let first = snapshots.borrow_and_update().clone();
    let mut ui = UiState::new(&setup.actor.user);
    ui.banner = setup.banner.clone();
    ui.read_only = engine.read_only();
    let mut bell = Bell::new(setup.bell);
    bell.rings(&first);
    let mut app = App::new(first, ui, setup.clock.now());
    let (reply_tx, mut replies) = mpsc::unbounded_channel();
    let mut input_errors = 0;
    let mut dirty = true;
    tokio::pin!(stop);
    loop {
        if dirty {
            let now = app.now;
            let (snap, ui, list) = app.screen();
            let cx = view::Ctx {
                snap,
                ui,
                list,
                theme: &setup.theme,
                t: &setup.i18n,
                now,
            };
            if let Err(e) = terminal.draw(|f| view::draw(f, &cx)) {
                return Exit::TerminalGone(e.to_string());
            }
            dirty = false;
        }
        let tick = tokio::time::sleep(until_next_second(setup.clock.now()));
        let mut effects = Vec::new();
        // Biased: a signal first, then fresh engine state, so that a key acts on what the engine last said.
        tokio::select! {
            biased;
            signal = &mut stop => return Exit::Signal(signal),
            changed = snapshots.changed() => {
                if changed.is_err() {
                    return Exit::EngineStopped;
                }
                let snapshot = snapshots.borrow_and_update().clone();
                // A terminal that cannot take the bell cannot take the next draw either; that ends the loop.
                if bell.rings(&snapshot) {
                    let _ = (setup.to_terminal)(BEL);
                }
                app.set_snapshot(snapshot);
                dirty = true;
            }
            Some((token, result)) = replies.recv() => {
                effects.extend(app.update(Action::Reply { token, result }));
                dirty = true;
            }
            event = events.next() => {
                let mut next = Some(event);
                while let Some(event) = next {
                    match event {
                        None => return Exit::InputClosed,
                        Some(Err(e)) => {
                            input_errors += 1;
                            if input_errors >= MAX_INPUT_ERRORS {
                                return Exit::InputErrors(e.to_string());
                            }
                        }
                        Some(Ok(event)) => {
                            input_errors = 0;
                            let (changed, effect) = on_event(&mut app, event);
                            dirty |= changed;
                            effects.extend(effect);
                        }
                    }
                    // Drain what is already queued so a burst (a paste, a resize storm) costs one draw. Polled
                    // with this task's own context: when nothing is queued the stream keeps this task's waker,
                    // so the next key wakes the loop at once. (A helper context such as `now_or_never` leaves
                    // crossterm's reader thread holding a waker that wakes nobody, and keys wait for the tick.)
                    next = match futures::poll!(events.next()) {
                        Poll::Ready(event) => Some(event),
                        Poll::Pending => None,
                    };
                }
            }
            () = tick => {
                if let Some(exit) = setup.watchdog.as_ref().and_then(Watchdog::check) {
                    return exit;
                }
                effects.extend(app.tick(setup.clock.now()));
                dirty = true;
            }
        }
        for effect in effects {
            match effect {
                Effect::Quit => return Exit::Quit,
                Effect::Copy(text) => {
                    if let Err(e) = (setup.to_terminal)(&osc52::for_environment(&text)) {
                        app.update(Action::Exported(Err(e.to_string())));
                    }
                    dirty = true;
                }
                Effect::Export { name, text } => {
                    let path = setup.export_dir.join(name);
                    let result = write_atomically(&path, text.as_bytes())
                        .map(|()| path.display().to_string())
                        .map_err(|e| format!("cannot write {}: {}", path.display(), io_reason(&e)));
                    app.update(Action::Exported(result));
                    dirty = true;
                }
                Effect::Execute { token, command } => {
                    let (engine, actor, tx) = (engine.clone(), setup.actor.clone(), reply_tx.clone());
                    tokio::spawn(async move {
                        let result = engine
                            .execute(actor, command)
                            .await
                            .map(Box::new)
                            .map_err(|e| e.to_string());
                        let _ = tx.send((token, result));
                    });
                }
            }
        }
    }
}

/// One terminal event: whether the screen must be redrawn, and what the app asks for.
fn on_event(app: &mut App, event: Event) -> (bool, Option<Effect>) {
    let action = match event {
        Event::Key(key) => app.handle_key(key),
        Event::Paste(text) => app.handle_paste(text),
        Event::Resize(..) => return (true, None),
        _ => None,
    };
    match action {
        Some(action) => (true, app.update(action)),
        None => (false, None),
    }
}
