//! The facts time brings (a deadline close or passed, an incident still unacknowledged, one to escalate) are
//! said at the same tick and once, however the engine finds the incidents that have something to say. Two
//! engines on two stores take the same random run of commands, probe results, restarts and clock steps: one
//! as it runs, the other walking every open incident at every tick. They must say the same things at every
//! tick, and agree on the next moment the score can change by itself.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use tokio::sync::{broadcast, oneshot};

use super::*;
use crate::clock::Clock;
use crate::model::{Incident, IncidentId, day_start};

/// The walk over the whole open set, as the engine made it at every tick.
impl Engine {
    fn announce_time_by_walk(&mut self) {
        if self.events.receiver_count() == 0 {
            return;
        }
        let now = self.clock.now();
        let mut facts = Vec::new();
        let mut said = Vec::new();
        for incident in self.open.values() {
            self.incident_facts(incident, now, &mut facts, &mut said);
        }
        self.record_facts(now, &mut facts);
        self.announced.keys.extend(said);
        for fact in facts {
            if self.announced.keys.insert(fact.key()) {
                let _ = self.events.send(fact);
            }
        }
    }

    fn recheck_at_by_walk(&self, now: DateTime<Utc>, day: NaiveDate) -> DateTime<Utc> {
        let zone = self.policy.calendar.zone;
        let midnight = day_start(zone, day.succ_opt().unwrap_or(day));
        let reminder = day_start(zone, day) + Duration::hours(self.config.daily_reminder_hour as i64);
        let next_due = self
            .open
            .values()
            .filter_map(|i| i.next_deadline(&self.policy, now))
            .filter(|d| d.due > now)
            .map(|d| d.due)
            .min();
        [Some(midnight), (reminder > now).then_some(reminder), next_due]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(midnight)
    }
}

/// Reminders at several leads per stage (one of them not a whole minute), renotify rounds for major and
/// critical incidents, escalation: every kind of fact, often.
fn config() -> Config {
    let mut config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let rules = &mut config.notify.rules;
    let minutes = |m: u64| std::time::Duration::from_secs(m * 60);
    rules.leads.respond = vec![minutes(10), minutes(5), minutes(1)];
    rules.leads.plan = vec![minutes(120), minutes(30), std::time::Duration::from_secs(90)];
    rules.leads.recover = vec![minutes(60), minutes(30)];
    rules.renotify_every = Some(minutes(7));
    rules.renotify_severity = Severity::Major;
    rules.escalate_after = Some(minutes(20));
    config
}

/// One of the two engines, with its store and, once someone listens, its end of the event stream.
struct Twin {
    dir: tempfile::TempDir,
    engine: Option<Engine>,
    heard: Option<broadcast::Receiver<DomainEvent>>,
    /// Says what time brings by walking every open incident.
    walks: bool,
}

impl Twin {
    fn start(clock: &ManualClock, walks: bool) -> Twin {
        let dir = tempfile::tempdir().unwrap();
        let mut twin = Twin {
            dir,
            engine: None,
            heard: None,
            walks,
        };
        twin.open(clock);
        twin
    }

    fn open(&mut self, clock: &ManualClock) {
        let store = Store::open(self.dir.path()).unwrap();
        let mut engine =
            Engine::new(store, config(), Arc::new(clock.clone()), Mode::Embedded, false).unwrap();
        // Turns made by hand, without the engine's loop: writes are synced at once.
        engine.durability.sync_here();
        self.engine = Some(engine);
    }

    /// Stops the engine and starts another on the same store: what it announced is forgotten.
    fn restart(&mut self, clock: &ManualClock) {
        self.heard = None;
        drop(self.engine.take());
        self.open(clock);
    }

    fn engine(&mut self) -> &mut Engine {
        self.engine.as_mut().unwrap()
    }

    fn listen(&mut self) {
        if self.heard.is_none() {
            self.heard = Some(self.engine().events.subscribe());
        }
    }

    /// A command as the engine's loop carries it out; its answer, written out.
    fn run(&mut self, command: Command) -> String {
        let engine = self.engine();
        let work = engine.execute(&Actor::named("li"), command);
        let (reply, mut answer) = oneshot::channel();
        engine.dispatch(work, reply);
        format!("{:?}", answer.try_recv())
    }

    fn probe(&mut self, result: crate::probe::ProbeResult) {
        let engine = self.engine();
        engine.observe_probe(result);
        engine.publish();
    }

    /// A turn of the loop's tick; the facts of time it said.
    fn tick(&mut self) -> Vec<DomainEvent> {
        let walks = self.walks;
        let engine = self.engine();
        engine.on_tick();
        if walks {
            engine.announce_time_by_walk();
        } else {
            engine.announce_time();
        }
        engine.publish();
        self.hear()
    }

    fn hear(&mut self) -> Vec<DomainEvent> {
        let mut facts = Vec::new();
        let Some(heard) = &mut self.heard else {
            return facts;
        };
        loop {
            match heard.try_recv() {
                Ok(DomainEvent::Recorded(_)) => {}
                Ok(fact) => facts.push(fact),
                Err(broadcast::error::TryRecvError::Empty) => return facts,
                Err(e) => panic!("the test fell behind the event stream: {e}"),
            }
        }
    }

    /// The open incidents, in id order.
    fn open_ids(&mut self) -> Vec<(IncidentId, Kind, Severity)> {
        let engine = self.engine();
        engine.open.values().map(|i| (i.id, i.kind, i.severity)).collect()
    }
}

fn what(fact: &DomainEvent) -> &'static str {
    match fact {
        DomainEvent::Recorded(_) => "recorded",
        DomainEvent::DueSoon { .. } => "due soon",
        DomainEvent::Late { .. } => "late",
        DomainEvent::Unacknowledged { .. } => "unacknowledged",
        DomainEvent::Escalate { .. } => "escalate",
        DomainEvent::DailyMissing { .. } => "daily missing",
        DomainEvent::MonthlyMissing { .. } => "monthly missing",
    }
}

const STEPS: usize = 500;

/// A random command on a random open incident (or a new one).
fn command(rng: &mut fastrand::Rng, open: &[(IncidentId, Kind, Severity)], now: DateTime<Utc>) -> Command {
    let pick = (!open.is_empty()).then(|| open[rng.usize(..open.len())]);
    let Some((id, kind, severity)) = pick.filter(|_| rng.u32(0..100) >= 35) else {
        return Command::OpenIncident(NewIncident {
            kind: [Kind::Fault, Kind::Change, Kind::Support, Kind::Security][rng.usize(..4)],
            severity: Severity::ALL[rng.usize(..3)],
            title: "检测报告列表加载缓慢".into(),
            subsystem: None,
            // Now, up to half an hour or six hours ago, or a few seconds ahead (a clock a little fast).
            detected_at: match rng.u32(0..10) {
                0 => None,
                1 => Some(now + Duration::seconds(rng.i64(1..5))),
                2..6 => Some(now - Duration::milliseconds(rng.i64(0..1800 * 1000))),
                _ => Some(now - Duration::milliseconds(rng.i64(0..6 * 3600 * 1000))),
            },
            source: None,
            host: None,
        });
    };
    let at = rng.bool().then(|| now - Duration::seconds(rng.i64(0..900)));
    match rng.u32(0..100) {
        0..35 => Command::Acknowledge {
            id,
            at,
            note: None,
            // An agreed due time, which only a minor fault takes.
            due: (kind == Kind::Fault && severity == Severity::Minor && rng.bool())
                .then(|| now + Duration::seconds(rng.i64(60..8 * 3600))),
        },
        35..60 => Command::Plan {
            id,
            at,
            text: "重启应用服务".into(),
        },
        60..80 => Command::Resolve {
            id,
            at,
            resolution: Resolution {
                cause: "磁盘满".into(),
                process: "清理日志".into(),
                solution: None,
            },
        },
        80..92 => Command::Reclassify {
            id,
            at,
            severity: Severity::ALL[rng.usize(..3)],
            reason: "影响范围变化".into(),
        },
        _ => Command::Note {
            id,
            at: None,
            text: "跟进中".into(),
        },
    }
}

/// Where the clock moves before the next tick: mostly on by the tick's second; sometimes to one of the next
/// moments an open incident may have something to say, or just before it (so that ticks a second apart cross
/// it), after a stall of the loop (the ticks keep the new phase), or hours on, as after a suspended machine.
fn step(rng: &mut fastrand::Rng, open: &[Incident], now: DateTime<Utc>) -> DateTime<Utc> {
    match rng.u32(0..20) {
        0..10 => now + Duration::seconds(1),
        10..15 => match moments(open, now) {
            moments if moments.is_empty() => now + Duration::seconds(1),
            // On the moment itself, or up to two and a half seconds before it.
            moments => {
                let early = [0, rng.i64(1..2500)][rng.usize(..2)];
                let soonest = &moments[..moments.len().min(4)];
                (soonest[rng.usize(..soonest.len())] - Duration::milliseconds(early)).max(now)
            }
        },
        15..17 => now + Duration::milliseconds(rng.i64(1001..120_000)),
        17..19 => now + Duration::seconds(rng.i64(120..40 * 60)),
        _ => now + Duration::seconds(rng.i64(40 * 60..5 * 3600)),
    }
}

/// The moments after `now` when something may become true of an open incident under `config()`'s rules: its
/// deadlines, their reminder leads, the next renotify round and the escalation.
fn moments(open: &[Incident], now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let config = config();
    let rules = &config.notify.rules;
    let lead = |l: &std::time::Duration| Duration::from_std(*l).unwrap();
    let mut moments = Vec::new();
    for incident in open {
        for deadline in incident.deadlines(&config.policy, now) {
            moments.push(deadline.due);
            moments.extend(
                rules
                    .leads
                    .for_stage(deadline.stage)
                    .iter()
                    .map(|l| deadline.due - lead(l)),
            );
        }
        let every = rules.renotify_every.map(|e| lead(&e)).unwrap();
        let rounds = (now - incident.detected_at).num_seconds() / every.num_seconds();
        moments.push(incident.detected_at + every * (rounds.max(0) as i32 + 1));
        moments.push(incident.detected_at + rules.escalate_after.map(|e| lead(&e)).unwrap());
    }
    moments.retain(|at| *at > now);
    moments.sort();
    moments
}

fn run(seed: u64, said: &mut BTreeMap<&'static str, usize>) {
    let mut rng = fastrand::Rng::with_seed(seed);
    // Monday 2 November 2026, 09:00 in Shanghai; odd seeds tick off the whole second, as a real clock does.
    let offset = if seed % 2 == 1 { rng.i64(1..1000) } else { 0 };
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap() + Duration::milliseconds(offset),
    );
    let mut twins = [Twin::start(&clock, false), Twin::start(&clock, true)];
    let checks = ["engineering/http-1", "display/http-1"];
    let mut failing = [false, false];
    // Ticks before anyone listens: what is true when the first listener comes is said to it.
    let mut quiet = rng.usize(0..4);
    for n in 0..STEPS {
        let now = clock.now();
        match rng.u32(0..100) {
            0..55 => {
                let open = twins[1].open_ids();
                let command = command(&mut rng, &open, now);
                let [a, b] = &mut twins;
                assert_eq!(a.run(command.clone()), b.run(command), "seed {seed}, step {n}");
            }
            55..70 => {
                let c = rng.usize(..checks.len());
                if rng.u32(0..4) == 0 {
                    failing[c] = !failing[c];
                }
                for twin in &mut twins {
                    twin.probe(probe(checks[c], now, !failing[c]));
                }
            }
            70..73 => {
                for twin in &mut twins {
                    twin.restart(&clock);
                }
                quiet = rng.usize(0..3);
            }
            _ => {}
        }
        let open: Vec<Incident> = twins[1].engine().open.values().cloned().collect();
        clock.set(step(&mut rng, &open, clock.now()));
        if quiet == 0 {
            twins.iter_mut().for_each(Twin::listen);
        }
        quiet = quiet.saturating_sub(1);
        let [a, b] = &mut twins;
        let (heard, walked) = (a.tick(), b.tick());
        let keys = |facts: &[DomainEvent]| facts.iter().map(DomainEvent::key).collect::<Vec<_>>();
        assert_eq!(
            keys(&heard),
            keys(&walked),
            "seed {seed}, step {n}, {}",
            clock.now()
        );
        assert_eq!(heard, walked, "seed {seed}, step {n}");
        for fact in &heard {
            *said.entry(what(fact)).or_default() += 1;
        }
        let now = clock.now();
        for twin in &mut twins {
            let engine = twin.engine();
            let day = engine.policy.calendar.local_day(now);
            assert_eq!(
                engine.recheck_at(now, day),
                engine.recheck_at_by_walk(now, day),
                "seed {seed}, step {n}"
            );
        }
    }
}

#[test]
fn time_facts_are_said_at_the_tick_a_walk_over_every_open_incident_says_them() {
    let mut said = BTreeMap::new();
    for seed in 1..=4 {
        run(seed, &mut said);
    }
    // The run says every kind of fact, many times over.
    for kind in ["due soon", "late", "unacknowledged", "escalate"] {
        assert!(said.get(kind).copied().unwrap_or(0) >= 20, "{kind}: {said:?}");
    }
}
