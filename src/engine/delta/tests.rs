use super::*;
use crate::engine::ScoreSummary;
use crate::report::score::{Basis, ScoreItem, ScoreLine};

#[derive(Debug, Clone, PartialEq)]
struct Item(u32, &'static str);

impl Entry for Item {
    type Key = u32;
    fn key(&self) -> u32 {
        self.0
    }
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

fn items(spec: &[(u32, &'static str)]) -> Vec<Item> {
    spec.iter().map(|&(k, v)| Item(k, v)).collect()
}

fn round_trip(old: &[Item], new: &[Item]) -> ListDelta<u32, Item> {
    let delta = ListDelta::between(old, new);
    let mut copy = old.to_vec();
    delta.clone().apply(&mut copy).expect("fits");
    assert_eq!(copy, new, "delta {delta:?}");
    delta
}

#[test]
fn an_unchanged_list_needs_nothing() {
    let list = items(&[(1, "a"), (2, "b")]);
    assert!(round_trip(&list, &list).is_empty());
}

#[test]
fn a_changed_entry_travels_alone_and_keeps_its_place() {
    let old = items(&[(1, "a"), (2, "b"), (3, "c")]);
    let new = items(&[(1, "a"), (2, "B"), (3, "c")]);
    let delta = round_trip(&old, &new);
    assert_eq!(delta.upsert, items(&[(2, "B")]));
    assert!(delta.remove.is_empty() && delta.moved.is_none());
}

#[test]
fn removals_and_additions_at_the_end_need_no_order() {
    let old = items(&[(1, "a"), (2, "b"), (3, "c")]);
    let new = items(&[(1, "a"), (3, "c"), (4, "d")]);
    let delta = round_trip(&old, &new);
    assert_eq!(delta.remove, vec![2]);
    assert_eq!(delta.upsert, items(&[(4, "d")]));
    assert!(delta.moved.is_none());
}

#[test]
fn a_new_order_names_only_what_moved() {
    let old = items(&[(1, "a"), (2, "b"), (3, "c")]);
    let new = items(&[(4, "d"), (3, "c"), (1, "a")]);
    let delta = round_trip(&old, &new);
    assert_eq!(delta.upsert, items(&[(4, "d")]));
    assert_eq!(delta.remove, vec![2]);
    let moved = delta.moved.expect("the order changed");
    assert_eq!(moved.len, 3);
    assert_eq!(
        moved.to.len(),
        2,
        "the new entry and one of the two swapped: {moved:?}"
    );
    assert_eq!(moved.to[0], (4, 0));
}

/// A thousand entries: one moved to the front, one new in the middle, one gone.
#[test]
fn one_entry_moving_in_a_long_list_sends_one_move() {
    let names: Vec<&'static str> = vec!["x"; 1000];
    let old: Vec<Item> = (0..1000).map(|k| Item(k, names[k as usize])).collect();
    let mut new = old.clone();
    let last = new.remove(700);
    new.insert(0, Item(last.0, "acknowledged"));
    new.insert(500, Item(5000, "new"));
    new.retain(|e| e.0 != 300);
    let delta = round_trip(&old, &new);
    let moved = delta.moved.expect("the order changed");
    assert_eq!(moved.to, vec![(700, 0), (5000, 499)]);
    assert_eq!(delta.remove, vec![300]);
    assert_eq!(delta.upsert.len(), 2);
}

#[test]
fn random_reorders_round_trip() {
    let mut rng = fastrand::Rng::with_seed(12);
    for _ in 0..300 {
        let old: Vec<Item> = (0..rng.u32(0..20)).map(|k| Item(k, "a")).collect();
        let mut new = Vec::new();
        for e in &old {
            match rng.u8(0..5) {
                0 => {}
                1 | 2 => new.push(Item(e.0, "b")),
                _ => new.push(e.clone()),
            }
        }
        for k in 100..rng.u32(100..104) {
            new.insert(rng.usize(..=new.len()), Item(k, "new"));
        }
        let shuffled = rng.usize(..=new.len());
        rng.shuffle(&mut new[..shuffled]);
        let delta = round_trip(&old, &new);
        if let Some(moved) = &delta.moved {
            assert!(moved.to.len() <= new.len());
        }
    }
}

#[test]
fn the_longest_rising_run_is_found() {
    assert_eq!(list::longest_rising(&[3, 0, 1, 4, 2, 5]), vec![0, 1, 2, 5]);
    assert_eq!(list::longest_rising(&[]), Vec::<usize>::new());
    assert_eq!(list::longest_rising(&[2, 1, 0]).len(), 1);
}

#[test]
fn a_delta_for_another_list_is_refused() {
    let old = items(&[(1, "a"), (2, "b")]);
    let new = items(&[(2, "b"), (1, "a")]);
    let delta = ListDelta::between(&old, &new);
    let mut other = items(&[(1, "a"), (2, "b"), (9, "z")]);
    assert_eq!(delta.apply(&mut other), Err(DeltaError));
}

#[test]
fn a_section_changed_to_nothing_is_told_apart_from_no_change() {
    let changed: Option<Whole<Option<String>>> = whole(&Some("disk full".to_string()), &None);
    let text = serde_json::to_string(&changed).expect("encode");
    let back: Option<Whole<Option<String>>> = serde_json::from_str(&text).expect("decode");
    assert_eq!(back, Some(Whole { value: None }));
    assert_eq!(whole(&None::<String>, &None), None);
}

fn score() -> ScoreSummary {
    let lines = ScoreItem::ALL
        .iter()
        .map(|&item| ScoreLine {
            item,
            max: item.max(),
            points: item.max(),
            basis: Basis::Computed,
            detail: "全部按时".into(),
            how: None,
        })
        .collect();
    ScoreSummary {
        quarter: "2026-Q4".into(),
        total: 100.0,
        fee_pct: 100.0,
        lines,
        ..ScoreSummary::default()
    }
}

#[test]
fn a_score_sends_only_the_figures_and_rows_that_changed() {
    let old = Some(score());
    let mut changed = score();
    changed.total = 97.0;
    changed.fault_deductions = 3.0;
    changed.faults_count = 1;
    let row = &mut changed.lines[1];
    row.points -= 3.0;
    row.detail = "1 起故障超时".into();
    let new = Some(changed);
    let Some(ScoreDelta::Parts(parts)) = ScoreDelta::between(&old, &new) else {
        panic!("a score that stays changes field by field");
    };
    assert_eq!(parts.lines.upsert, vec![new.as_ref().unwrap().lines[1].clone()]);
    assert!(parts.lines.remove.is_empty() && parts.lines.moved.is_none());
    assert_eq!(parts.total, Some(Whole { value: 97.0 }));
    assert!(parts.quarter.is_none() && parts.fee_pct.is_none() && parts.not_entered.is_none());
    let text = serde_json::to_string(&parts).expect("encode");
    assert!(!text.contains("personnel") && !text.contains("quarter"), "{text}");
    let back: ScoreParts = serde_json::from_str(&text).expect("decode");
    let mut copy = old.clone();
    ScoreDelta::Parts(Box::new(back)).apply(&mut copy).expect("fits");
    assert_eq!(copy, new);
    assert_eq!(ScoreDelta::between(&new, &new), None);
}

#[test]
fn a_score_that_comes_or_goes_travels_whole() {
    let some = Some(score());
    assert_eq!(
        ScoreDelta::between(&None, &some),
        Some(ScoreDelta::Whole(some.clone()))
    );
    assert_eq!(ScoreDelta::between(&some, &None), Some(ScoreDelta::Whole(None)));
    let parts = ScoreDelta::Parts(Box::default());
    assert_eq!(parts.apply(&mut None), Err(DeltaError));
}

fn series_round_trip(old: &[u64], new: &[u64]) -> Option<Series> {
    let delta = Series::between(old, new);
    let mut copy = old.to_vec();
    if let Some(d) = delta.clone() {
        d.apply(&mut copy).expect("fits");
    }
    assert_eq!(copy, new, "delta {delta:?}");
    delta
}

#[test]
fn a_series_sends_the_values_it_gained_and_how_many_fell_off() {
    assert_eq!(series_round_trip(&[1, 2], &[1, 2]), None);
    let gained = Series::Shift {
        drop: 0,
        push: vec![3],
    };
    assert_eq!(series_round_trip(&[1, 2], &[1, 2, 3]), Some(gained));
    let full = Series::Shift {
        drop: 1,
        push: vec![4],
    };
    assert_eq!(series_round_trip(&[1, 2, 3], &[2, 3, 4]), Some(full));
    assert_eq!(
        series_round_trip(&[1, 2, 3], &[7, 8]),
        Some(Series::Whole(vec![7, 8]))
    );
    assert_eq!(series_round_trip(&[1, 2], &[]), Some(Series::Whole(vec![])));
    // Any change at all comes out right.
    let mut rng = fastrand::Rng::with_seed(5);
    for _ in 0..2000 {
        let old: Vec<u64> = (0..rng.usize(0..12)).map(|_| rng.u64(0..4)).collect();
        let new: Vec<u64> = if rng.bool() {
            let kept = &old[rng.usize(0..=old.len())..];
            kept.iter()
                .copied()
                .chain((0..rng.usize(0..4)).map(|_| rng.u64(0..4)))
                .collect()
        } else {
            (0..rng.usize(0..12)).map(|_| rng.u64(0..4)).collect()
        };
        series_round_trip(&old, &new);
    }
}

fn subsystem(id: &str, checks: &[(&str, u64)]) -> SubsystemView {
    SubsystemView {
        id: id.into(),
        name: format!("{id} 子系统"),
        health: crate::engine::Health::Up,
        checks: checks
            .iter()
            .map(|&(check, ms)| crate::engine::CheckView {
                id: format!("{id}/{check}"),
                name: check.into(),
                kind: "http".into(),
                target: format!("https://example.invalid/{id}"),
                health: crate::engine::Health::Up,
                last: Some(crate::engine::LastProbe {
                    at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
                    latency_ms: ms,
                    outcome: crate::probe::Outcome::Up {
                        detail: "HTTP 200".into(),
                    },
                }),
            })
            .collect(),
        latency_ms: checks.first().map(|c| c.1),
        p95_ms: None,
        availability_today: Some(1.0),
        sparkline: checks.iter().map(|c| c.1).collect(),
        blocked_by: None,
        in_maintenance: false,
    }
}

fn subsystems_round_trip(old: &[SubsystemView], new: &[SubsystemView]) -> Option<SubsystemsDelta> {
    let delta = SubsystemsDelta::between(old, new);
    let mut copy = old.to_vec();
    if let Some(d) = delta.clone() {
        let line = serde_json::to_vec(&d).unwrap();
        let back: SubsystemsDelta = serde_json::from_slice(&line).unwrap();
        back.apply(&mut copy).expect("fits");
    }
    assert_eq!(copy, new, "delta {delta:?}");
    delta
}

#[test]
fn a_probe_result_sends_its_check_and_what_its_subsystem_gained_only() {
    let old = vec![
        subsystem("a", &[("api", 10), ("db", 20)]),
        subsystem("b", &[("api", 30)]),
    ];
    assert_eq!(subsystems_round_trip(&old, &old), None);
    let mut new = old.clone();
    let db = &mut new[0].checks[1];
    db.last.as_mut().unwrap().latency_ms = 25;
    db.health = crate::engine::Health::Degraded;
    new[0].sparkline.push(25);
    let Some(InPlace::Parts(parts)) = subsystems_round_trip(&old, &new) else {
        panic!("a subsystem changed in place travels as parts");
    };
    assert_eq!(parts.len(), 1, "only the subsystem that changed: {parts:?}");
    let part = &parts[0];
    assert_eq!(part.id, "a");
    assert_eq!(
        part.sparkline,
        Some(Series::Shift {
            drop: 0,
            push: vec![25]
        })
    );
    assert!(part.name.is_none() && part.latency_ms.is_none() && part.health.is_none());
    let Some(InPlace::Parts(checks)) = &part.checks else {
        panic!("a check changed in place travels as parts: {part:?}");
    };
    assert_eq!(checks.len(), 1, "only the check that changed: {checks:?}");
    assert_eq!(checks[0].id, "a/db");
    assert!(checks[0].name.is_none() && checks[0].kind.is_none() && checks[0].target.is_none());
    assert!(checks[0].health.is_some() && checks[0].last.is_some());

    // Another set of subsystems travels as a list.
    let other = vec![subsystem("b", &[("api", 30)]), subsystem("c", &[("api", 1)])];
    assert!(matches!(
        subsystems_round_trip(&old, &other),
        Some(InPlace::List(_))
    ));
    // A check added to a subsystem: its checks travel as a list.
    let mut more = old.clone();
    more[1] = subsystem("b", &[("api", 30), ("tls", 0)]);
    let Some(InPlace::Parts(parts)) = subsystems_round_trip(&old, &more) else {
        panic!("the subsystems are the same ones");
    };
    assert!(matches!(parts[0].checks, Some(InPlace::List(_))));
}

#[test]
fn parts_for_a_subsystem_the_copy_does_not_have_are_refused() {
    let old = vec![subsystem("a", &[("api", 10)])];
    let mut new = old.clone();
    new[0].sparkline.push(11);
    let delta = SubsystemsDelta::between(&old, &new).unwrap();
    let mut other = vec![subsystem("z", &[("api", 10)])];
    assert_eq!(delta.apply(&mut other), Err(DeltaError));
}
