//! How long the engine's task spends on each turn of its loop, by what the turn did: the longest of each kind
//! since the last look. Commands and probe results wait behind a long turn, so this tells a stall of the
//! engine (and its cause) from a wait elsewhere (the runtime, the machine).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Command;

/// The longest turn of each kind since the last `take`, shared by the engine and its handles.
#[derive(Debug, Clone, Default)]
pub struct Turns(Arc<Mutex<Vec<Turn>>>);

/// The longest turn of one kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turn {
    pub what: &'static str,
    pub longest: Duration,
    /// Turns of this kind.
    pub count: u64,
    /// Turns of this kind that took over 50 ms.
    pub over_50ms: u64,
}

impl Turns {
    /// Times `work` as a turn of kind `what`.
    pub(super) fn time<T>(&self, what: &'static str, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = work();
        self.record(what, started.elapsed());
        out
    }

    fn record(&self, what: &'static str, took: Duration) {
        let Ok(mut turns) = self.0.lock() else {
            return;
        };
        let turn = match turns.iter().position(|t| t.what == what) {
            Some(n) => &mut turns[n],
            None => {
                turns.push(Turn {
                    what,
                    longest: Duration::ZERO,
                    count: 0,
                    over_50ms: 0,
                });
                turns.last_mut().expect("just pushed")
            }
        };
        turn.longest = turn.longest.max(took);
        turn.count += 1;
        turn.over_50ms += u64::from(took > Duration::from_millis(50));
    }

    /// The longest turn of each kind since the last call, longest first; starts counting afresh.
    pub fn take(&self) -> Vec<Turn> {
        let mut turns = self
            .0
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        turns.sort_by_key(|t| std::cmp::Reverse(t.longest));
        turns
    }
}

/// The kind of turn a command makes.
pub(super) fn of_command(command: &Command) -> &'static str {
    match command {
        Command::OpenIncident(_) => "command: open incident",
        Command::Acknowledge { .. } | Command::Plan { .. } | Command::Resolve { .. } => {
            "command: incident step"
        }
        Command::Note { .. } => "command: note",
        Command::Reclassify { .. } => "command: reclassify",
        Command::Records(_) => "command: records",
        Command::Store(_) => "command: store",
        Command::Intake(_) => "command: intake",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_of_each_kind_is_kept_until_taken() {
        let turns = Turns::default();
        turns.record("tick", Duration::from_millis(3));
        turns.record("command: note", Duration::from_millis(70));
        turns.record("tick", Duration::from_millis(9));
        turns.record("tick", Duration::from_millis(1));
        let taken = turns.take();
        assert_eq!(
            taken,
            vec![
                Turn {
                    what: "command: note",
                    longest: Duration::from_millis(70),
                    count: 1,
                    over_50ms: 1
                },
                Turn {
                    what: "tick",
                    longest: Duration::from_millis(9),
                    count: 3,
                    over_50ms: 0
                },
            ]
        );
        assert!(turns.take().is_empty(), "counted afresh after a take");
    }
}
