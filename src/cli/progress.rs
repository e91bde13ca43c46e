//! Progress on long work (backup, restore, audit verify, reports over a big store): a bar or a spinner on
//! standard error when it is a terminal, and nothing at all when it is not, so scripts and cron jobs read only
//! the answer. The line is cleared before the answer is printed.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::store::Progress;

/// What the terminal shows of a long pass; dropping it clears the line.
pub struct Shown {
    bar: Option<ProgressBar>,
}

impl Shown {
    /// A bar when standard error is a terminal, else nothing.
    pub fn on_terminal() -> Shown {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(style("{spinner}"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Shown { bar }
    }

    /// A spinner saying `what` while the work happens elsewhere (in the daemon, or the engine).
    pub fn waiting(what: &str) -> Shown {
        let shown = Shown::on_terminal();
        if let Some(bar) = &shown.bar {
            bar.set_style(style("{spinner} {msg} {elapsed}"));
            bar.set_message(what.to_string());
        }
        shown
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress for Shown {
    fn stage(&self, what: &str, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        match total {
            Some(total) => {
                bar.set_style(style("{msg} [{wide_bar}] {percent:>3}% {eta}").progress_chars("=> "));
                bar.set_length(total);
            }
            None => {
                bar.set_style(style("{spinner} {msg}: {human_pos} {elapsed}"));
                bar.unset_length();
            }
        }
        bar.set_message(what.to_string());
        bar.reset();
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }
}

impl Drop for Shown {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
