use chrono::{Duration, TimeZone};

use super::*;
use crate::model::{Actor, AutoSource, NewIncident, Resolution};
use crate::policy::{Kind, Severity};
use crate::report::score::ScoreItem;
use crate::store::{Put, Store};

fn shanghai(m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, m, d, h, mi, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn fault(seq: u32, severity: Severity, at: DateTime<Utc>) -> Incident {
    let new = NewIncident {
        kind: Kind::Fault,
        severity,
        title: format!("故障 {seq}"),
        subsystem: None,
        detected_at: Some(at),
        source: None,
        host: None,
    };
    Incident::open(IncidentId { year: 2026, seq }, new, Actor::named("li"), at).unwrap()
}

fn ack(i: &mut Incident, at: DateTime<Utc>) {
    i.acknowledge(&Actor::named("li"), None, at, None, None).unwrap();
}

fn resolve(i: &mut Incident, at: DateTime<Utc>) {
    let resolution = Resolution {
        cause: "c".into(),
        process: "p".into(),
        solution: None,
    };
    i.resolve(&Actor::named("li"), None, at, resolution).unwrap();
}

/// Writes incidents straight into the store, in one commit.
fn put(store: &mut Store, incidents: &[Incident]) {
    let mut puts: Vec<Put> = Vec::new();
    for i in incidents {
        puts.extend(Store::put_incident(i).unwrap());
    }
    let at = incidents.first().map_or_else(Utc::now, |i| i.detected_at);
    store
        .commit(
            &Actor::named("li"),
            at,
            "seed",
            "test",
            serde_json::json!({}),
            puts,
        )
        .unwrap();
}

fn kept_score(kept: &mut ScoreInputs, store: &Store, policy: &Policy, now: DateTime<Utc>) -> Score {
    let quarter = Quarter::of_day(policy.calendar.local_day(now));
    kept.score(store, policy, quarter, now).unwrap().unwrap()
}

fn read(store: &Store, policy: &Policy, now: DateTime<Utc>) -> ScoreInputs {
    let quarter = Quarter::of_day(policy.calendar.local_day(now));
    let mut kept = ScoreInputs::default();
    kept.hold(HalfYearShares::read(store, policy, quarter, now).unwrap());
    kept
}

/// Figures worked out by hand: a major fault acknowledged 30 minutes after detection (limit 15) costs 0.3; a
/// critical fault left unacknowledged costs 1.0 once its 15 minutes pass; a host fault left unreported becomes a
/// late server report once its 12 hours pass, though nothing about it changes.
#[test]
fn kept_shares_follow_time_and_changes_as_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let policy = Policy::default();
    let (t0, on_time) = (shanghai(11, 2, 9, 0), shanghai(11, 2, 9, 5));
    let mut in_time = fault(1, Severity::Critical, t0);
    ack(&mut in_time, on_time);
    resolve(&mut in_time, shanghai(11, 2, 10, 0));
    let mut acked_late = fault(2, Severity::Major, t0);
    ack(&mut acked_late, shanghai(11, 2, 9, 30));
    let mut host = fault(3, Severity::Minor, t0);
    host.source = Some(AutoSource::Host {
        name: "app-01".into(),
        gauge: "disk".into(),
    });
    put(&mut store, &[in_time, acked_late.clone(), host]);

    let now = shanghai(11, 2, 11, 0);
    let mut kept = read(&store, &policy, now);
    let score = kept_score(&mut kept, &store, &policy, now);
    assert_eq!(score.fault_deductions, 0.3);
    assert_eq!(score.points(ScoreItem::FaultResponse), 14.7);
    assert_eq!(
        score.points(ScoreItem::ServerReport),
        2.0,
        "still inside its 12 hours"
    );

    // A new critical fault, through `incident_changed` only: no cost until 15 minutes have passed.
    let open = fault(4, Severity::Critical, now);
    put(&mut store, std::slice::from_ref(&open));
    kept.incident_changed(&open);
    let score = kept_score(&mut kept, &store, &policy, now + Duration::minutes(10));
    assert_eq!(score.fault_deductions, 0.3);
    let score = kept_score(&mut kept, &store, &policy, now + Duration::minutes(20));
    assert_eq!(score.fault_deductions, 1.3);
    assert_eq!(score.points(ScoreItem::FaultResponse), 13.7);
    assert_eq!(score.faults.len(), 2);

    // The host fault's window closes at 21:00: late, with no change to it.
    let night = shanghai(11, 2, 21, 30);
    let score = kept_score(&mut kept, &store, &policy, night);
    assert_eq!(score.points(ScoreItem::ServerReport), 0.0);
    assert_eq!(score, score::load(&store, &policy, score.quarter, night).unwrap());
}

/// Over three chunks of numbers and both quarters of the half-year, the kept score equals the score read from
/// the store (the newest late faults listed), through changes and the passing of time.
#[test]
fn kept_shares_give_the_score_read_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let policy = Policy::default();
    let start = shanghai(5, 1, 0, 0);
    let incidents: Vec<Incident> = (1..=1_200u32)
        .map(|seq| {
            let at = start + Duration::hours(4 * seq as i64);
            let mut i = fault(seq, Severity::ALL[seq as usize % 3], at);
            if seq % 5 != 0 {
                ack(&mut i, at + Duration::minutes(if seq % 7 == 0 { 40 } else { 5 }));
            }
            if seq % 11 != 0 {
                resolve(&mut i, at + Duration::hours(1));
            }
            i
        })
        .collect();
    put(&mut store, &incidents);
    let now = shanghai(11, 20, 12, 0);
    let mut kept = read(&store, &policy, now);
    check_newest(&mut kept, &store, &policy, now);
    assert!(kept_score(&mut kept, &store, &policy, now).half_year.is_some());

    // An open one resolved, a resolved one noted, a new one opened.
    let mut changed = incidents.iter().find(|i| i.is_open()).cloned().unwrap();
    resolve(&mut changed, now);
    let mut noted = incidents[1_000].clone();
    noted.note(&Actor::named("li"), None, now, "复核").unwrap();
    let new = fault(1_201, Severity::Major, now);
    put(&mut store, &[changed.clone(), noted.clone(), new.clone()]);
    for i in [&changed, &noted, &new] {
        kept.incident_changed(i);
    }
    for later in [0, 1, 30, 24 * 60] {
        check_newest(&mut kept, &store, &policy, now + Duration::minutes(later));
    }
}

/// A read off the engine task: changes made while it runs are laid over what it returns, and the score waits
/// for it.
#[tokio::test]
async fn a_read_off_the_task_takes_the_changes_made_while_it_ran() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let policy = Policy::default();
    let now = shanghai(11, 2, 11, 0);
    let mut open = fault(1, Severity::Critical, shanghai(11, 2, 9, 0));
    put(&mut store, std::slice::from_ref(&open));
    let quarter = Quarter::of_day(policy.calendar.local_day(now));

    let (go, wait) = std::sync::mpsc::channel::<()>();
    let (passed, read_done) = std::sync::mpsc::channel::<()>();
    let (reader, read_policy) = (store.reader(), policy.clone());
    let mut kept = ScoreInputs::default();
    kept.read_off_task(quarter, policy.calendar.zone, move || {
        let shares = HalfYearShares::read(&reader, &read_policy, quarter, now);
        // Returns only after the change below was made and stored, once the read had passed the incident.
        passed.send(()).unwrap();
        wait.recv().unwrap();
        shares
    });
    read_done.recv().unwrap();
    assert!(kept.has(quarter, policy.calendar.zone));
    assert!(
        kept.score(&store, &policy, quarter, now).is_none(),
        "nothing to score yet"
    );

    ack(&mut open, now);
    resolve(&mut open, now);
    put(&mut store, std::slice::from_ref(&open));
    kept.incident_changed(&open);
    go.send(()).unwrap();
    let read = kept.read_finished().await.unwrap();
    kept.read_returned(read).unwrap();
    let score = kept_score(&mut kept, &store, &policy, now);
    assert_eq!(
        score.points(ScoreItem::FaultArchive),
        5.0,
        "the resolution made during the read counts"
    );
    assert_eq!(score, score::load(&store, &policy, quarter, now).unwrap());
}

/// The score the snapshot shows (late faults counted, the newest listed) beside the score read from the store:
/// the same points, deductions and count, and the newest `LISTED` of the store's list; the deductions also
/// equal the sum over the store's full list of late faults. Returns the number of late faults and what they cost.
fn check_newest(kept: &mut ScoreInputs, store: &Store, policy: &Policy, at: DateTime<Utc>) -> (usize, f64) {
    let quarter = Quarter::of_day(policy.calendar.local_day(at));
    let newest = kept.score(store, policy, quarter, at).unwrap().unwrap();
    let loaded = score::load(store, policy, quarter, at).unwrap();
    let listed: f64 = loaded.faults.iter().map(|f| f.deduction).sum();
    assert_eq!(newest.fault_deductions, score::round2(listed), "at {at}");
    assert_eq!(newest.late_faults, loaded.faults.len(), "at {at}");
    let mut expected = loaded.clone();
    expected.faults = loaded.faults[loaded.faults.len().saturating_sub(LISTED)..].to_vec();
    assert_eq!(newest, expected, "the newest listed, at {at}");
    (loaded.faults.len(), newest.fault_deductions)
}

/// Late faults every eighth number over three chunks: the newest 50 of them span two chunks. Counted with a
/// sum per chunk and listed 50 at most, the score is the one computed from the full list, through a change to
/// an incident in a settled chunk (reclassified, then resolved) and to one of the newest listed.
#[test]
fn counted_late_faults_give_the_score_of_the_full_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let policy = Policy::default();
    let start = shanghai(10, 1, 0, 0);
    let incidents: Vec<Incident> = (1..=1_100u32)
        .map(|seq| {
            let at = start + Duration::hours(seq as i64);
            let mut i = fault(seq, Severity::ALL[seq as usize % 3], at);
            let late = seq % 8 == 0;
            ack(&mut i, at + Duration::minutes(if late { 90 } else { 1 }));
            // An old one left open: every deadline behind it, so its share is settled.
            if seq != 10 {
                resolve(&mut i, at + Duration::minutes(if late { 100 } else { 2 }));
            }
            i
        })
        .collect();
    put(&mut store, &incidents);
    let now = shanghai(12, 6, 12, 0);
    let mut kept = read(&store, &policy, now);
    let (late, cost) = check_newest(&mut kept, &store, &policy, now);
    assert!(late > LISTED, "{late} late faults: more than are listed");
    let listed = kept_score(&mut kept, &store, &policy, now).faults;
    assert_eq!(listed.len(), LISTED);
    let oldest_listed: IncidentId = listed[0].id.parse().unwrap();
    assert!(
        oldest_listed.seq / CHUNK < 1_100 / CHUNK,
        "the newest listed span two chunks ({oldest_listed})"
    );
    let open_old = &incidents[9];
    assert!(open_old.is_open() && IncidentTally::settled(open_old, &policy, now).is_some());

    // The old open one (a major fault, late) raised to critical: charged as critical from now on, in chunk 0.
    let mut raised = open_old.clone();
    raised
        .reclassify(&Actor::named("li"), None, now, Severity::Critical, "影响扩大")
        .unwrap();
    put(&mut store, std::slice::from_ref(&raised));
    kept.incident_changed(&raised);
    let (late_after, cost_after) = check_newest(&mut kept, &store, &policy, now);
    assert_eq!(late_after, late, "late already");
    assert_eq!(
        score::round2(cost_after - cost),
        0.7,
        "charged 1.0 as critical instead of 0.3"
    );

    // Then resolved: counted as resolved and archived, and no longer open.
    let mut resolved = raised.clone();
    resolve(&mut resolved, now + Duration::minutes(5));
    put(&mut store, std::slice::from_ref(&resolved));
    kept.incident_changed(&resolved);
    check_newest(&mut kept, &store, &policy, now + Duration::minutes(10));

    // One of the newest listed changes: the list shows its latest state.
    let mut noted = incidents[1_095].clone();
    noted.title = "检测报告列表加载缓慢（复核）".into();
    put(&mut store, std::slice::from_ref(&noted));
    kept.incident_changed(&noted);
    check_newest(&mut kept, &store, &policy, now + Duration::minutes(20));
    let shown = kept_score(&mut kept, &store, &policy, now + Duration::minutes(20));
    assert!(shown.faults.iter().any(|f| f.title == noted.title));
}
