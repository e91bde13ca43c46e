//! The live score counts late faults and lists the newest; the score page lists every one. Both agree with the
//! score computed from the store's full list, through changes made by commands to an old incident.

use super::*;
use crate::clock::Clock;
use crate::model::{Incident, IncidentId, Quarter};
use crate::report::score::{self, Score};
use crate::store::Put;

const LISTED: usize = records::SUMMARY_FAULTS;

/// 700 faults from 1 October, one an hour, written straight into the store: every eighth acknowledged late
/// (90 minutes), the rest in a minute; all resolved but number 10 (a major fault, every deadline behind it).
fn seed(store: &mut Store) {
    let li = Actor::named("li");
    let start = Utc.with_ymd_and_hms(2026, 9, 30, 16, 0, 0).single().unwrap();
    let mut puts: Vec<Put> = Vec::new();
    for seq in 1..=700u32 {
        let at = start + Duration::hours(seq as i64);
        let new = NewIncident {
            severity: Severity::ALL[seq as usize % 3],
            title: format!("检测报告列表加载缓慢 {seq}"),
            detected_at: Some(at),
            ..new_fault(None)
        };
        let mut i = Incident::open(IncidentId { year: 2026, seq }, new, li.clone(), at).unwrap();
        let late = seq % 8 == 0;
        let acked = at + Duration::minutes(if late { 90 } else { 1 });
        i.acknowledge(&li, None, acked, None, None).unwrap();
        if seq != 10 {
            let resolution = Resolution {
                cause: "网络抖动".into(),
                process: "重启服务".into(),
                solution: None,
            };
            i.resolve(&li, None, acked + Duration::minutes(5), resolution)
                .unwrap();
        }
        puts.extend(Store::put_incident(&i).unwrap());
    }
    puts.push(Put::Insert {
        tree: crate::store::TreeName::Meta,
        key: b"seq/2026".to_vec(),
        value: 700u32.to_be_bytes().to_vec(),
    });
    store
        .commit(&li, start, "seed", "test", serde_json::json!({}), puts)
        .unwrap();
}

/// The score page's answer.
fn page(engine: &mut Engine) -> Score {
    let read = Command::Records(RecordsCommand::Score { quarter: None });
    let work = engine.execute(&Actor::named("li"), read);
    match answered(engine, work) {
        Reply::Records(reply) => match *reply {
            RecordsReply::Score(score) => score,
            other => panic!("expected a score, got {other:?}"),
        },
        other => panic!("expected a records reply, got {other:?}"),
    }
}

/// The page equals the score read from the store; the live score (the dashboard's header) has its points and
/// count and lists its newest `LISTED`; the deductions are the sum over the full list. Returns that sum.
fn agree(engine: &mut Engine, clock: &ManualClock) -> f64 {
    let page = page(engine);
    let now = clock.now();
    let quarter = Quarter::of_day(engine.policy.calendar.local_day(now));
    let loaded = score::load(&engine.store.reader(), &engine.policy, quarter, now).unwrap();
    assert_eq!(page, loaded);
    let listed = score::round2(page.faults.iter().map(|f| f.deduction).sum());
    assert_eq!(page.fault_deductions, listed);
    let live = engine.records.score().unwrap();
    assert_eq!(live.faults_count, page.faults.len());
    assert_eq!(live.faults, page.faults[page.faults.len() - LISTED..]);
    assert_eq!(live.fault_deductions, listed.min(15.0));
    assert_eq!((live.total, &live.lines), (page.total, &page.lines));
    listed
}

#[test]
fn the_live_score_counts_late_faults_and_the_page_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    seed(&mut store);
    // 6 December, 20:00 in Shanghai.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).single().unwrap());
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let mut engine = Engine::new(store, config, Arc::new(clock.clone()), Mode::Embedded, false).unwrap();
    let before = agree(&mut engine, &clock);
    let late = engine.records.score().unwrap().faults_count;
    assert!(late > LISTED, "{late} late faults: more than are listed");

    // Number 10, in the first chunk of numbers and settled (late, every deadline behind it), raised to
    // critical: charged 1.0 instead of 0.3 from now on.
    let li = Actor::named("li");
    let id = IncidentId { year: 2026, seq: 10 };
    clock.advance(Duration::minutes(1));
    let raise = Command::Reclassify {
        id,
        at: None,
        severity: Severity::Critical,
        reason: "影响扩大".into(),
    };
    let work = engine.execute(&li, raise);
    answered(&mut engine, work);
    let raised = agree(&mut engine, &clock);
    assert_eq!(score::round2(raised - before), 0.7);
    assert_eq!(engine.records.score().unwrap().faults_count, late);

    // Then resolved: one more archived fault, and its cost no longer open.
    clock.advance(Duration::minutes(5));
    let resolution = Resolution {
        cause: "磁盘满".into(),
        process: "清理日志".into(),
        solution: None,
    };
    let work = engine.execute(
        &li,
        Command::Resolve {
            id,
            at: None,
            resolution,
        },
    );
    answered(&mut engine, work);
    assert_eq!(agree(&mut engine, &clock), raised);
    let page = page(&mut engine);
    let ten = page.faults.iter().find(|f| f.id == id.to_string()).unwrap();
    assert!(!ten.open);
    assert_eq!(ten.charged_as, Severity::Critical);
}
