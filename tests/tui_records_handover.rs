//! The handover page of the dashboard (`h`): the summary since the last handover from a real engine on a real
//! store driven by a `ManualClock`, `y` copies it and `w` writes it (through the whole event loop: OSC 52 to
//! the terminal, a file in the export directory), `e` records the handover.

#[path = "tui_support/exporter.rs"]
mod exporter;
#[path = "tui_support/keys.rs"]
mod keys;
#[path = "records_support/rig.rs"]
mod rig;
#[path = "tui_support/screen.rs"]
mod screen;
#[path = "records_support/shift.rs"]
mod shift;

use std::sync::Arc;

use futures::channel::mpsc::unbounded;
use keys::{ctrl_s, key, press, typed};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode};
use rig::local;
use screen::draw;
use shift::{answer, records, sent, shift};
use watchdesk::clock::Clock;
use watchdesk::config::Lang;
use watchdesk::engine::RecordsCommand;
use watchdesk::hosts::HostSample;
use watchdesk::model::Actor;
use watchdesk::report::osc52;
use watchdesk::tui::app::{Action, Effect, Message, PageContent};
use watchdesk::tui::event_loop::{Exit, Session, session};
use watchdesk::tui::form::FieldError;
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;

#[tokio::test]
async fn h_shows_the_handover_records_it_and_copies_or_writes_it() {
    let (rig, mut app) = shift().await;
    let open = press(&mut app, key(KeyCode::Char('h')));
    let (_, command) = sent(open.clone());
    assert_eq!(
        records(command),
        RecordsCommand::HandoverSummary {
            since: None,
            notes: None
        }
    );
    answer(&rig, &mut app, open).await;
    let PageContent::Handover(summary) = &app.ui.page else {
        panic!("expected the handover page, got {:?}", app.ui.page)
    };
    assert_eq!(summary.since, local(2026, 11, 28, 8, 0));
    assert_eq!(summary.open.len(), 1);

    // y: the Markdown goes out as a copy; w: to a file named after the time it was made.
    let Some(Effect::Copy(text)) = press(&mut app, key(KeyCode::Char('y'))) else {
        panic!("y copies")
    };
    assert!(text.starts_with("# 交接班 Handover"), "{text}");
    assert!(text.contains("综合展示子系统地图加载缓慢"));
    assert_eq!(
        app.ui.flash.as_ref().unwrap().message,
        Message::Copied(text.chars().count())
    );
    match press(&mut app, key(KeyCode::Char('w'))) {
        Some(Effect::Export { name, text: written }) => {
            assert_eq!(name, "handover-20261128-1600.md");
            assert_eq!(written, text);
        }
        other => panic!("w writes a file, got {other:?}"),
    }
    app.update(Action::Exported(Ok("/srv/handover-20261128-1600.md".into())));
    assert_eq!(
        app.ui.flash.as_ref().unwrap().message,
        Message::Written("/srv/handover-20261128-1600.md".into())
    );

    // e: to whom is required; then the handover is recorded with the notes, and the page shows them.
    press(&mut app, key(KeyCode::Char('e')));
    assert_eq!(press(&mut app, ctrl_s()), None);
    assert_eq!(
        app.ui.form.as_ref().unwrap().fields[0].error,
        Some(FieldError::Required)
    );
    typed(&mut app, "zhao");
    press(&mut app, key(KeyCode::Tab));
    typed(&mut app, "地图缓慢待厂商回复");
    let record = press(&mut app, ctrl_s());
    let (_, command) = sent(record.clone());
    assert_eq!(
        records(command),
        RecordsCommand::RecordHandover {
            to: "zhao".into(),
            notes: Some("地图缓慢待厂商回复".into()),
            since: None,
        }
    );
    // Once recorded, the page is asked again at once and shows the handover just recorded.
    let refresh = answer(&rig, &mut app, record).await;
    assert!(
        refresh.is_some(),
        "the page is asked again after the handover is recorded"
    );
    answer(&rig, &mut app, refresh).await;
    let PageContent::Handover(summary) = &app.ui.page else {
        panic!("handover page")
    };
    let last = summary
        .last_handover
        .as_ref()
        .expect("the handover just recorded");
    assert_eq!(last.to, "zhao");
    let screen = draw(&app, Lang::En, 120, 40);
    assert!(!screen.contains("no handover recorded yet"), "{screen}");
    assert!(screen.contains("zhao"), "{screen}");

    // Asked again, the period now starts at the handover just recorded.
    rig.set(local(2026, 11, 28, 16, 5));
    app.tick(rig.clock.now());
    let again = press(&mut app, key(KeyCode::Char('h')));
    answer(&rig, &mut app, again).await;
    let PageContent::Handover(summary) = &app.ui.page else {
        panic!("handover page")
    };
    assert_eq!(summary.since, local(2026, 11, 28, 16, 0));
    assert_eq!(summary.last_handover.as_ref().unwrap().to, "zhao");
}

/// Through the whole event loop: `h`, then `y` reaches the terminal as OSC 52 and `w` writes the file.
#[tokio::test]
async fn the_event_loop_copies_over_osc52_and_writes_the_file() {
    let (rig, _) = shift().await;
    let export = tempfile::tempdir().unwrap();
    let (copies, mut copied) = tokio::sync::mpsc::unbounded_channel();
    let setup = Session {
        theme: Theme::builtin_default(),
        i18n: I18n::new(Lang::En),
        actor: Actor::named("li"),
        banner: None,
        clock: Arc::new(rig.clock.clone()),
        watchdog: None,
        export_dir: export.path().to_path_buf(),
        to_terminal: Box::new(move |seq| {
            let _ = copies.send(seq.to_string());
            Ok(())
        }),
        bell: false,
    };
    let (tx, events) = unbounded();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let driver = async {
        let send = |c: char| tx.unbounded_send(Ok(Event::Key(key(KeyCode::Char(c))))).unwrap();
        send('h');
        // Until the page has loaded, `y` only says so; at most 100 tries, 50 ms each.
        let mut sequence = None;
        for _ in 0..100 {
            send('y');
            if let Ok(Some(seq)) =
                tokio::time::timeout(std::time::Duration::from_millis(50), copied.recv()).await
            {
                sequence = Some(seq);
                break;
            }
        }
        // Keys queued together are handled in order: the file is written before `q` ends the loop.
        send('w');
        send('q');
        sequence
    };
    let (exit, sequence) = tokio::join!(
        session(&mut terminal, &rig.engine, events, std::future::pending(), setup),
        driver
    );
    assert_eq!(exit, Exit::Quit);
    let file = export.path().join("handover-20261128-1600.md");
    let written = std::fs::read_to_string(&file).expect("the handover file is written");
    assert!(written.starts_with("# 交接班 Handover"), "{written}");
    assert_eq!(
        sequence.as_deref(),
        Some(osc52::for_environment(&written).as_str()),
        "the copy is the file's text as OSC 52"
    );
}

/// A host the engine could not read is listed under the hosts in warning with its reason in the screen's
/// language (a real scrape of a closed port on 127.0.0.1).
#[tokio::test]
async fn the_handover_page_says_why_a_host_is_unreachable_in_the_screens_language() {
    let (rig, mut app) = shift().await;
    let (url, reading) = exporter::closed_port_scrape().await;
    let mut snapshots = rig.engine.subscribe();
    rig.engine
        .host_sender()
        .send(HostSample {
            host: "app-01".into(),
            at: rig.clock.now(),
            reading,
        })
        .await
        .unwrap();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        snapshots.wait_for(|s| s.hosts.iter().any(|h| h.reading.is_some())),
    )
    .await
    .expect("the engine takes the sample within 10 s")
    .unwrap();

    let open = press(&mut app, key(KeyCode::Char('h')));
    answer(&rig, &mut app, open).await;
    let zh = draw(&app, Lang::Zh, 160, 48);
    let row = zh
        .lines()
        .find(|l| l.contains("app-01"))
        .unwrap_or_else(|| panic!("{zh}"));
    assert!(
        row.contains(&format!(
            "无法连接     连接 {url} 失败：连接被拒绝（该端口无服务监听）"
        )),
        "{row}"
    );
    let en = draw(&app, Lang::En, 160, 48);
    assert!(en.contains(&format!("cannot connect to {url}: ")), "{en}");
}
