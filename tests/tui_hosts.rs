//! The one-line host rows of a narrow dashboard: an unreachable host's reason is what the engineer needs, so
//! the name and the word "unreachable" give way before it is cut (by display width, with `…`).

#[path = "tui_support/fixture.rs"]
mod fixture;

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;
use watchdesk::config::Lang;
use watchdesk::engine::HostView;
use watchdesk::hosts::HostReading;
use watchdesk::tui::app::{App, UiState};
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;
use watchdesk::tui::view::render;

const LONG_REASON: &str = "cannot connect to http://10.0.3.12:9100/metrics: error sending request: \
                           tcp connect error: Connection refused (os error 111)";

fn app() -> App {
    let mut snap = (*fixture::snapshot(true)).clone();
    let db = snap.hosts[1].clone();
    let unreachable = |name: &str, reason: &str| HostView {
        name: name.into(),
        reading: Some(HostReading::Unreachable {
            reason: reason.into(),
        }),
        ..db.clone()
    };
    snap.hosts = vec![
        unreachable("inspection-db-primary", LONG_REASON),
        unreachable("检测数据库主机", "连接被拒绝\n(端口 9100 无人监听)"),
    ];
    App::new(Arc::new(snap), UiState::new("zhang.wei"), fixture::now())
}

fn draw(app: &App, lang: Lang) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (theme, t) = (Theme::builtin_default(), I18n::new(lang));
    term.draw(|f| render(f, &app.snapshot, &app.ui, &theme, &t, app.now))
        .unwrap();
    term.backend().to_string()
}

/// The text of the host row that starts with `name` (up to the panel's right border).
fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    let line = screen
        .lines()
        .find(|l| l.contains(&format!("│{name}")))
        .unwrap_or_else(|| panic!("no row for {name}:\n{screen}"));
    let start = line.find('│').unwrap() + '│'.len_utf8();
    let end = line.rfind('│').unwrap();
    &line[start..end]
}

#[test]
fn an_unreachable_hosts_reason_gets_the_room_at_80_columns() {
    let app = app();
    for (lang, label) in [(Lang::En, "unreachable"), (Lang::Zh, "无法连接")] {
        let screen = draw(&app, lang);
        // The long reason: the name is cut, the word "unreachable" gives way to the ✗, and the reason fills
        // the rest of the row, cut with an ellipsis at the border.
        let long = row(&screen, "inspe…");
        assert!(
            long.contains("✗ cannot connect to http://10.0.3.12:9100/metrics"),
            "{long}"
        );
        assert!(!long.contains(label), "{long}");
        assert!(long.ends_with('…'), "{long}");
        assert_eq!(long.width(), 78, "{long}");
        let reason = &long[long.find("cannot").unwrap()..];
        assert!(
            reason.width() >= 60,
            "only {} columns of reason: {long}",
            reason.width()
        );

        // Reasons that fit keep the word, whole, on one line.
        let chinese = row(&screen, "检测数据库主机");
        assert!(
            chinese.contains(&format!("✗ {label}: 连接被拒绝 (端口 9100 无人监听)")),
            "{chinese}"
        );
    }
    insta::assert_snapshot!("hosts_unreachable_80x24_en", draw(&app, Lang::En));
    insta::assert_snapshot!("hosts_unreachable_80x24_zh", draw(&app, Lang::Zh));
}
