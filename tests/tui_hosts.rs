//! The one-line host rows of a narrow dashboard: an unreachable host's reason is what the engineer needs, so
//! the name and the word "unreachable" give way before it is cut (by display width, with `…`); and the reason
//! of a real scrape that failed is worded in the screen's language.

#[path = "tui_support/exporter.rs"]
mod exporter;
#[path = "tui_support/fixture.rs"]
mod fixture;
#[path = "tui_support/screen.rs"]
mod screen;

use std::sync::Arc;

use unicode_width::UnicodeWidthStr;
use watchdesk::config::Lang;
use watchdesk::engine::HostView;
use watchdesk::hosts::HostReading;
use watchdesk::tui::app::{App, UiState};

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
    screen::draw(app, lang, 80, 24)
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

/// The text of the right-hand panel in `line` (the hosts beside the selected incident), up to its border.
fn right_panel(line: &str) -> &str {
    let start = line.rfind("││").expect("two panels side by side") + "││".len();
    &line[start..line.rfind('│').unwrap()]
}

/// A node_exporter that is not there: a real scrape of a closed port on 127.0.0.1, on a Chinese screen at 80
/// and 160 columns.
#[tokio::test]
async fn a_chinese_screen_words_why_a_node_exporter_is_unreachable() {
    let (url, reading) = exporter::closed_port_scrape().await;
    let mut snap = (*fixture::snapshot(false)).clone();
    assert_eq!(snap.hosts[1].name, "db-01");
    snap.hosts[1].reading = Some(reading);
    let app = App::new(Arc::new(snap), UiState::new("zhang.wei"), fixture::now());
    let reason = format!("连接 {url} 失败：连接被拒绝（该端口无服务监听）");

    // 80 columns: one line per host, the reason cut by display width with `…` at the border.
    let narrow = screen::draw(&app, Lang::Zh, 80, 24);
    let db = row(&narrow, "db-01");
    assert_eq!(db.width(), 78, "{db}");
    let shown = db.trim_end().strip_suffix('…').expect("cut with …");
    let shown = shown.strip_prefix("db-01 ✗ ").expect("the ✗ stays");
    assert!(shown.width() > 50, "{db}");
    assert!(reason.starts_with(shown), "{shown} is the start of {reason}");

    // 160 columns: the whole reason under the name, wrapped by display width within the panel.
    let wide = screen::draw(&app, Lang::Zh, 160, 48);
    let lines: Vec<&str> = wide.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("│db-01 ✗ 无法连接"))
        .unwrap_or_else(|| panic!("no row for db-01:\n{wide}"));
    let panel: Vec<&str> = lines[at..at + 3].iter().map(|l| right_panel(l)).collect();
    let inner = panel[0].width();
    assert!(panel.iter().all(|p| p.width() == inner), "{panel:#?}");
    let wrapped: String = panel[1..].iter().map(|p| p.trim()).collect();
    assert_eq!(wrapped, reason, "{panel:#?}");
    assert!(
        panel[1].trim_end().width() > inner - 3,
        "the first line is full: {panel:#?}"
    );

    // Nothing of the system's English is left on the Chinese screen; the English screen says it in English.
    for screen in [&narrow, &wide] {
        assert!(
            !screen.contains("refused") && !screen.contains("os error"),
            "{screen}"
        );
    }
    let english = screen::draw(&app, Lang::En, 160, 48);
    assert!(english.contains(&format!("cannot connect to {url}")), "{english}");
}
