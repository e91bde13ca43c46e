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
