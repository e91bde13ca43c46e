//! Entering and leaving the full-screen terminal. One `restore` for every way out: the normal path, the `Drop`
//! guard, and the panic hook; it runs at most once per `enter`, so a panic during shutdown does not write the
//! escape sequences twice.

use std::io::{self, BufWriter, Stdout, Write, stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal the dashboard draws on; frames are written in one piece per draw.
pub type Screen = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Owns the screen while the dashboard runs; dropping it gives the terminal back.
pub struct TerminalGuard {
    pub screen: Screen,
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.screen.backend_mut().flush();
        restore();
    }
}

/// Raw mode, alternate screen, bracketed paste, hidden cursor; and a panic hook that undoes them first.
pub fn enter() -> io::Result<TerminalGuard> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    // The screen is cleared here rather than with `Terminal::clear`, which asks the terminal for the cursor
    // position and fails on a terminal that does not answer.
    let setup = execute!(
        stdout(),
        EnterAlternateScreen,
        Clear(ClearType::All),
        EnableBracketedPaste,
        Hide
    )
    .and_then(|()| Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(1 << 16, stdout()))));
    match setup {
        Ok(screen) => Ok(TerminalGuard { screen }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Gives the terminal back; safe to call any number of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        // Errors are ignored: the terminal may already be gone (SSH dropped), and nothing else can be done.
        let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
    }
}
