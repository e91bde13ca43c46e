//! The demo's script of faults: a few seconds after start one subsystem answers 500 (so a newcomer sees a
//! fault detected and its incident opened within the first half minute), then every few minutes one
//! subsystem goes slow, answers 500, hangs or refuses connections for a while, then recovers. The same seed
//! always gives the same script, so a test (or a demonstration) can say in advance what will happen.

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use super::{Fault, SUBSYSTEMS, Slot};

/// Quiet time before each fault after the first, in seconds.
pub const WAIT_SECS: RangeInclusive<u64> = 120..=300;

/// Quiet time before the first fault: three failed checks 5 s apart confirm it well inside 30 s.
pub const FIRST_WAIT: Duration = Duration::from_secs(3);

/// One scripted fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptStep {
    /// Quiet time before the fault starts (after the previous fault ended).
    pub wait: Duration,
    pub subsystem: &'static str,
    pub fault: Fault,
    /// How long the fault lasts before the subsystem is healthy again.
    pub lasts: Duration,
}

/// The endless, seeded sequence of faults.
#[derive(Debug, Clone)]
pub struct Script {
    rng: fastrand::Rng,
    started: bool,
}

impl Script {
    pub fn new(seed: u64) -> Script {
        Script {
            rng: fastrand::Rng::with_seed(seed),
            started: false,
        }
    }

    /// The opening fault: a subsystem other than system administration (whose outage would block all the
    /// others) answers 500 for two to four minutes.
    fn first(&mut self) -> ScriptStep {
        let others = &SUBSYSTEMS[1..];
        ScriptStep {
            wait: FIRST_WAIT,
            subsystem: others[self.rng.usize(..others.len())].id,
            fault: Fault::Error500,
            lasts: Duration::from_secs(self.rng.u64(120..=240)),
        }
    }
}

impl Iterator for Script {
    type Item = ScriptStep;

    fn next(&mut self) -> Option<ScriptStep> {
        if !self.started {
            self.started = true;
            return Some(self.first());
        }
        let rng = &mut self.rng;
        let wait = Duration::from_secs(rng.u64(WAIT_SECS));
        let subsystem = SUBSYSTEMS[rng.usize(..SUBSYSTEMS.len())].id;
        // Slow answers sit between the demo checks' `slow` (1 s) and their timeout (3 s): degraded, not down.
        // Some slow spells outlast `degraded_incident_after` (10 min) so that they open an incident too.
        let (fault, lasts) = match rng.u8(0..100) {
            0..40 => (
                Fault::Slow(Duration::from_millis(rng.u64(1500..=2500))),
                rng.u64(60..=720),
            ),
            40..65 => (Fault::Error500, rng.u64(30..=240)),
            65..80 => (Fault::Hang, rng.u64(30..=180)),
            _ => (Fault::Refused, rng.u64(30..=300)),
        };
        Some(ScriptStep {
            wait,
            subsystem,
            fault,
            lasts: Duration::from_secs(lasts),
        })
    }
}

/// Plays the script against the running subsystems until aborted.
pub(super) async fn run(seed: u64, slots: Arc<[Slot]>) {
    for step in Script::new(seed) {
        tokio::time::sleep(step.wait).await;
        let Some(slot) = slots.iter().find(|s| s.id == step.subsystem) else {
            continue;
        };
        slot.fault.send_replace(step.fault);
        tokio::time::sleep(step.lasts).await;
        slot.fault.send_replace(Fault::Healthy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_script_and_another_seed_another() {
        let a: Vec<ScriptStep> = Script::new(7).take(50).collect();
        let b: Vec<ScriptStep> = Script::new(7).take(50).collect();
        let c: Vec<ScriptStep> = Script::new(8).take(50).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn faults_come_every_few_minutes_and_cover_every_kind_and_subsystem() {
        let steps: Vec<ScriptStep> = Script::new(2026).skip(1).take(200).collect();
        for step in &steps {
            assert!(WAIT_SECS.contains(&step.wait.as_secs()), "{step:?}");
            assert!(step.lasts >= Duration::from_secs(30), "{step:?}");
            if let Fault::Slow(d) = step.fault {
                assert!(d >= Duration::from_millis(1500) && d <= Duration::from_millis(2500));
            }
        }
        for kind in ["slow", "500", "hang", "refused"] {
            assert!(steps.iter().any(|s| s.fault.label() == kind), "{kind}");
        }
        for subsystem in SUBSYSTEMS {
            assert!(
                steps.iter().any(|s| s.subsystem == subsystem.id),
                "{}",
                subsystem.id
            );
        }
    }

    #[test]
    fn every_script_opens_with_an_outage_within_seconds() {
        for seed in 0..50 {
            let first = Script::new(seed).next().unwrap();
            assert_eq!(first.wait, FIRST_WAIT, "seed {seed}");
            assert_eq!(first.fault, Fault::Error500, "seed {seed}");
            assert_ne!(first.subsystem, "sysadmin", "seed {seed}");
            assert!(first.lasts >= Duration::from_secs(120), "seed {seed}");
        }
    }
}
