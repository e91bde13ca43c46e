//! The state machine of one check: flap damping (Down only after N failures in a row, Up only after M
//! answers in a row) and the degraded timer.

use std::collections::VecDeque;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::ring::{Ring, Sample};
use crate::config::{Check, HealthConfig, Lang};
use crate::engine::Health;
use crate::policy::Severity;
use crate::probe::{Outcome, ProbeResult};

/// A confirmed problem of one check, as its subsystem's incident would describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub check_id: String,
    /// Down: the first failure of the confirming streak. Slow: when it had been slow too long.
    pub detected_at: DateTime<Utc>,
    pub severity: Severity,
    pub detail: String,
    /// Start of the run this fault belongs to (Down: its first failure; slow: its first slow answer). The
    /// same run keeps the same value, so a fault already accounted for can be recognised.
    pub began: DateTime<Utc>,
    /// Degraded too long, not an outage: the service still answers.
    pub slow: bool,
}

#[derive(Debug, Clone)]
pub struct CheckState {
    pub id: String,
    pub name: String,
    severity: Severity,
    health: Health,
    /// When the current `health` began: the first sample of the streak that confirmed it.
    since: Option<DateTime<Utc>>,
    failures: Streak,
    /// Times of the latest failures of the current streak, at most `failures_to_down` of them.
    recent_failures: VecDeque<DateTime<Utc>>,
    /// Answers in a row while Down.
    answers: Streak,
    /// Start of the current unbroken run of not-Up results while not Down (the degraded timer).
    degraded_since: Option<DateTime<Utc>>,
    last: Option<ProbeResult>,
    ring: Ring,
    /// Today's probes outside maintenance: (local day, answered, all).
    day: Option<(NaiveDate, u32, u32)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Streak {
    count: u32,
    first: Option<DateTime<Utc>>,
}

impl Streak {
    fn extend(&mut self, at: DateTime<Utc>) {
        self.count = self.count.saturating_add(1);
        self.first.get_or_insert(at);
    }

    fn reset(&mut self) {
        *self = Streak::default();
    }
}

impl CheckState {
    pub fn new(check: &Check) -> CheckState {
        CheckState {
            id: check.id.clone(),
            name: check.name.clone(),
            severity: check.severity,
            health: Health::Unknown,
            since: None,
            failures: Streak::default(),
            recent_failures: VecDeque::new(),
            answers: Streak::default(),
            degraded_since: None,
            last: None,
            ring: Ring::default(),
            day: None,
        }
    }

    pub fn health(&self) -> Health {
        self.health
    }

    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.since
    }

    pub fn last(&self) -> Option<&ProbeResult> {
        self.last.as_ref()
    }

    pub fn ring(&self) -> &Ring {
        &self.ring
    }

    /// (answered, all) for the local day of `today`, maintenance left out.
    pub fn today(&self, today: NaiveDate) -> (u32, u32) {
        match self.day {
            Some((day, answered, all)) if day == today => (answered, all),
            _ => (0, 0),
        }
    }

    pub fn observe(&mut self, r: &ProbeResult, cfg: &HealthConfig, zone: Tz, in_maintenance: bool) {
        let at = r.started_at;
        let answered = !r.outcome.is_failure();
        self.ring.push(Sample {
            at,
            latency_ms: u64::try_from(r.latency.as_millis()).unwrap_or(u64::MAX),
            ok: answered,
        });
        if !in_maintenance {
            let day = at.with_timezone(&zone).date_naive();
            let (answered_today, all_today) = self.today(day);
            self.day = Some((day, answered_today + u32::from(answered), all_today + 1));
        }
        self.last = Some(r.clone());

        if !answered {
            self.answers.reset();
            self.failures.extend(at);
            if self.recent_failures.len() >= cfg.failures_to_down.max(1) as usize {
                self.recent_failures.pop_front();
            }
            self.recent_failures.push_back(at);
            if self.health != Health::Down && self.failures.count >= cfg.failures_to_down.max(1) {
                self.set(Health::Down, self.failures.first.unwrap_or(at));
                self.degraded_since = None;
            }
            return;
        }
        self.failures.reset();
        self.recent_failures.clear();
        let now_is = match r.outcome {
            Outcome::Degraded { .. } => Health::Degraded,
            _ => Health::Up,
        };
        if self.health == Health::Down {
            self.answers.extend(at);
            if self.answers.count < cfg.successes_to_up.max(1) {
                return;
            }
            let back = self.answers.first.unwrap_or(at);
            self.answers.reset();
            self.set(now_is, back);
            self.degraded_since = (now_is == Health::Degraded).then_some(back);
            return;
        }
        if now_is == Health::Degraded {
            self.degraded_since.get_or_insert(at);
        } else {
            self.degraded_since = None;
        }
        if self.health != now_is {
            self.set(now_is, at);
        }
    }

    /// Puts the check back where an open automatic incident says it was when watchdesk stopped: Down since
    /// `detected_at`, or (`slow`) degraded long enough to be a fault. The first probes then judge it by the
    /// usual rules: answers bring it back (dated at the first), failures keep the same fault going.
    pub fn resume(&mut self, slow: bool, detected_at: DateTime<Utc>, cfg: &HealthConfig) {
        self.failures.reset();
        self.answers.reset();
        self.recent_failures.clear();
        if slow {
            let after = chrono::Duration::from_std(cfg.degraded_incident_after).unwrap_or_default();
            let since = detected_at - after;
            self.set(Health::Degraded, since);
            self.degraded_since = Some(since);
        } else {
            self.set(Health::Down, detected_at);
            self.degraded_since = None;
            let n = cfg.failures_to_down.max(1) as usize;
            self.recent_failures.extend(std::iter::repeat_n(detected_at, n));
        }
    }

    fn set(&mut self, health: Health, since: DateTime<Utc>) {
        self.health = health;
        self.since = Some(since);
    }

    /// The fault this check stands for at `now`, if any: confirmed Down, or degraded for longer than
    /// `degraded_incident_after` (a major fault, or minor for a check whose outage is only minor).
    ///
    /// `not_before` is when its subsystem came out of maintenance or a block: what happened before belonged
    /// to the window or the blocker, so the fault must be confirmed again after it (a full streak of
    /// failures, or the whole degraded time) and is dated no earlier. Services coming back one after the other
    /// once their blocker recovers thus open nothing.
    ///
    /// The detail is in `lang`, the language incident titles are stored in.
    pub fn fault(
        &self,
        now: DateTime<Utc>,
        cfg: &HealthConfig,
        not_before: Option<DateTime<Utc>>,
        lang: Lang,
    ) -> Option<Fault> {
        let later = |at: DateTime<Utc>| not_before.map_or(at, |nb| nb.max(at));
        let detail = |what: String| format!("{}: {what}", self.name);
        match self.health {
            Health::Down => {
                if let Some(nb) = not_before {
                    let window_start = self.recent_failures.front()?;
                    let confirmed_again = self.recent_failures.len() >= cfg.failures_to_down.max(1) as usize
                        && *window_start >= nb;
                    if !confirmed_again {
                        return None;
                    }
                }
                let began = self.since.unwrap_or(now);
                Some(Fault {
                    check_id: self.id.clone(),
                    detected_at: later(began),
                    severity: self.severity,
                    detail: detail(self.last_detail(lang)),
                    began,
                    slow: false,
                })
            }
            Health::Degraded => {
                let since = self.degraded_since?;
                let after = chrono::Duration::from_std(cfg.degraded_incident_after).ok()?;
                let at = later(since) + after;
                (now >= at).then(|| Fault {
                    check_id: self.id.clone(),
                    detected_at: at,
                    severity: self.severity.max(Severity::Major),
                    // How long rather than since when: the detail is read in the platform's zone, which this
                    // module does not know.
                    detail: detail({
                        let (span, last) = (crate::span::span(at - since), self.last_detail(lang));
                        match lang {
                            Lang::En => format!("slow for {span}: {last}"),
                            Lang::Zh => format!("已持续 {span}：{last}"),
                        }
                    }),
                    began: since,
                    slow: true,
                })
            }
            _ => None,
        }
    }

    fn last_detail(&self, lang: Lang) -> String {
        self.last
            .as_ref()
            .map_or_else(String::new, |r| r.outcome.words(lang))
    }
}
