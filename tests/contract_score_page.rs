//! The score page (`s`) with the contract's own records: the service start, personnel's sub-items, a fault
//! charged at the severity it was late under, two major accidents caused by the contractor, the fee basis and
//! why points are missing — from a real engine on a real store, snapshotted in both languages at the three
//! sizes the engineer uses.

#[path = "records_support/rig.rs"]
mod rig;
#[path = "tui_support/screen.rs"]
mod screen;

use chrono::Duration;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rig::{Rig, config_with, local};
use screen::draw;
use watchdesk::clock::Clock;
use watchdesk::config::Lang;
use watchdesk::engine::{Command, ContractCommand, RecordsCommand};
use watchdesk::model::{AccidentEntry, Actor, HandItem, Responsibility};
use watchdesk::policy::{Kind, Severity};
use watchdesk::tui::app::{Action, App, PageContent, UiState};

/// A quarter of service from 1 October 2026, seen on 20 November 16:00.
async fn quarter() -> Rig {
    let rig = Rig::start_with(
        tempfile::tempdir().unwrap(),
        config_with("[contract]\nstart = \"2026-10-01\"\n"),
        local(2026, 11, 20, 16, 0),
    );
    for (item, value, reason) in [
        (HandItem::PersonnelContact, 2.0, "两次未接电话"),
        (HandItem::PersonnelChange, 0.0, "无"),
        (HandItem::PersonnelExtra, 0.0, "无"),
        (HandItem::PersonnelSatisfaction, 13.0, "甲方评分"),
    ] {
        rig.records(
            "li",
            RecordsCommand::SetScoreItem {
                quarter: None,
                item,
                value,
                reason: reason.into(),
            },
        )
        .await;
    }
    // A major fault left unanswered past its 15 minutes, then reclassified minor: still charged as major.
    let detected = local(2026, 11, 20, 9, 0);
    let late = match rig
        .run(
            "li",
            Command::OpenIncident(watchdesk::model::NewIncident {
                kind: Kind::Fault,
                severity: Severity::Major,
                title: "报表导出偶发超时".into(),
                subsystem: Some("digital".into()),
                detected_at: Some(detected),
                source: None,
                host: None,
            }),
        )
        .await
    {
        watchdesk::engine::Reply::Incident(i) => i.id,
        other => panic!("{other:?}"),
    };
    rig.run(
        "li",
        Command::Reclassify {
            id: late,
            at: Some(detected + Duration::minutes(40)),
            severity: Severity::Minor,
            reason: "仅影响个别用户".into(),
        },
    )
    .await;
    for (n, who) in [(3, Responsibility::Contractor), (12, Responsibility::Contractor)] {
        rig.records(
            "li",
            RecordsCommand::Contract(ContractCommand::RecordAccident(AccidentEntry {
                at: local(2026, 11, n, 2, 0),
                title: format!("数据库数据丢失 {n} 日"),
                evidence: "甲方函〔2026〕12号".into(),
                reason: "业务数据丢失".into(),
                responsibility: who,
                incident: None,
            })),
        )
        .await;
    }
    rig
}

#[tokio::test]
async fn the_score_page_shows_the_contracts_records_in_both_languages_at_three_sizes() {
    let rig = quarter().await;
    let mut app = App::new(rig.engine.snapshot(), UiState::new("li"), rig.clock.now());
    let open = app
        .handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE))
        .and_then(|a| app.update(a));
    let Some(watchdesk::tui::app::Effect::Execute { token, command }) = open else {
        panic!("expected the score request, got {open:?}");
    };
    let result = rig
        .engine
        .execute(Actor::named("li"), command)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    app.update(Action::Reply { token, result });
    let PageContent::Score(score) = &app.ui.page else {
        panic!("expected the score page, got {:?}", app.ui.page)
    };
    // Personnel: 10 − 2 = 8, 15, 5, 13: 41 of 45.
    assert_eq!(score.points(watchdesk::report::score::ScoreItem::Personnel), 41.0);
    assert!(score.payment.may_cancel);

    let en = draw(&app, Lang::En, 120, 40);
    for words in [
        "service quarter 1 (service from 2026-10-01)",
        "2 major accidents caused by the contractor: the client may refuse the rest of the fee and cancel",
        "fee follows the half-year mean (2026Q4–2027Q1), known once 2027Q1 is scored",
        "· Not reachable",
        "late while major",
        "Why points are missing",
        "Personnel −4: Not reachable 2 times (−1 each)",
    ] {
        assert!(en.contains(words), "{words:?} missing from:\n{en}");
    }
    let zh = draw(&app, Lang::Zh, 120, 40);
    for words in ["服务期第 1 季度", "乙方责任重大事故 2 次", "失分原因"] {
        assert!(zh.contains(words), "{words:?} missing from:\n{zh}");
    }
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        for lang in [Lang::En, Lang::Zh] {
            let tag = if lang == Lang::En { "en" } else { "zh" };
            insta::assert_snapshot!(format!("contract_score_{w}x{h}_{tag}"), draw(&app, lang, w, h));
        }
    }
}
