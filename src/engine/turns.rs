//! How long the engine's task spends on each turn of its loop, by what the turn did: the longest of each kind
//! since the last look, and how much of it the thread spent on the CPU. Commands and probe results wait behind
//! a long turn, so this tells a stall of the engine (and its cause) from a wait elsewhere (the runtime, the
//! machine); a long turn with little CPU time waited (for a lock, the disk, or a core on a busy machine). The
//! sync that makes writes durable runs off the task and is timed here too, under its own kind ([`SYNC_TURN`]): a
//! command's answer waits for it, the engine's other work does not.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Command;

/// The longest turn of each kind since the last `take`, shared by the engine and its handles.
#[derive(Debug, Clone, Default)]
pub struct Turns(Arc<Mutex<Vec<Turn>>>);

/// The kind under which the sync off the engine task is timed.
pub const SYNC_TURN: &str = "sync (off the engine task)";

/// The longest turn of one kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turn {
    pub what: &'static str,
    pub longest: Duration,
    /// The CPU time of the thread during that longest turn.
    pub longest_on_cpu: Duration,
    /// Turns of this kind.
    pub count: u64,
    /// Their time together (over `count`: the mean turn).
    pub total: Duration,
    /// Turns of this kind that took over 50 ms.
    pub over_50ms: u64,
}

impl Turns {
    /// Times `work` as a turn of kind `what`.
    pub(super) fn time<T>(&self, what: &'static str, work: impl FnOnce() -> T) -> T {
        let (started, cpu) = (Instant::now(), thread_cpu());
        let out = work();
        self.record(what, started.elapsed(), thread_cpu().saturating_sub(cpu));
        out
    }

    fn record(&self, what: &'static str, took: Duration, on_cpu: Duration) {
        let Ok(mut turns) = self.0.lock() else {
            return;
        };
        let turn = match turns.iter().position(|t| t.what == what) {
            Some(n) => &mut turns[n],
            None => {
                turns.push(Turn {
                    what,
                    longest: Duration::ZERO,
                    longest_on_cpu: Duration::ZERO,
                    count: 0,
                    total: Duration::ZERO,
                    over_50ms: 0,
                });
                turns.last_mut().expect("just pushed")
            }
        };
        if took >= turn.longest {
            turn.longest = took;
            turn.longest_on_cpu = on_cpu;
        }
        turn.count += 1;
        turn.total += took;
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

/// The CPU time of the calling thread so far (zero where the clock cannot be read).
fn thread_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
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
        let ms = Duration::from_millis;
        turns.record("tick", ms(3), ms(3));
        turns.record("command: note", ms(70), ms(2));
        turns.record("tick", ms(9), ms(8));
        turns.record("tick", ms(1), ms(1));
        let taken = turns.take();
        assert_eq!(
            taken,
            vec![
                Turn {
                    what: "command: note",
                    longest: ms(70),
                    longest_on_cpu: ms(2),
                    count: 1,
                    total: ms(70),
                    over_50ms: 1
                },
                Turn {
                    what: "tick",
                    longest: ms(9),
                    longest_on_cpu: ms(8),
                    count: 3,
                    total: ms(13),
                    over_50ms: 0
                },
            ]
        );
        assert!(turns.take().is_empty(), "counted afresh after a take");
    }

    #[test]
    fn a_turn_that_works_is_timed_on_the_cpu_as_well() {
        let turns = Turns::default();
        let sum = turns.time("work", || {
            (0..5_000_000u64).fold(0u64, |acc, n| std::hint::black_box(acc.wrapping_add(n * n)))
        });
        assert_ne!(sum, 0);
        let taken = turns.take();
        assert_eq!(taken.len(), 1);
        let work = taken[0];
        assert!(work.longest_on_cpu > Duration::ZERO, "{work:?}");
        // One thread is on the CPU at most as long as the turn lasts (a clock's tick of slack).
        assert!(
            work.longest_on_cpu <= work.longest + Duration::from_millis(1),
            "{work:?}"
        );
    }
}
