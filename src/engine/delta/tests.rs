use super::*;

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
    assert!(delta.remove.is_empty() && delta.order.is_none());
}

#[test]
fn removals_and_additions_at_the_end_need_no_order() {
    let old = items(&[(1, "a"), (2, "b"), (3, "c")]);
    let new = items(&[(1, "a"), (3, "c"), (4, "d")]);
    let delta = round_trip(&old, &new);
    assert_eq!(delta.remove, vec![2]);
    assert_eq!(delta.upsert, items(&[(4, "d")]));
    assert!(delta.order.is_none());
}

#[test]
fn a_new_order_is_sent_when_it_differs() {
    let old = items(&[(1, "a"), (2, "b"), (3, "c")]);
    let new = items(&[(4, "d"), (3, "c"), (1, "a")]);
    let delta = round_trip(&old, &new);
    assert_eq!(delta.order, Some(vec![4, 3, 1]));
    assert_eq!(delta.upsert, items(&[(4, "d")]));
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
