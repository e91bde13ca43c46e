//! The incident details say where an incident came from elsewhere: the Alertmanager alert (its fingerprint,
//! labels and the link to the rule) or the events API, in English and Chinese.

#[path = "tui_support/fixture.rs"]
mod fixture;

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use watchdesk::config::Lang;
use watchdesk::model::{AutoSource, Origin};
use watchdesk::tui::app::{App, UiState};
use watchdesk::tui::i18n::I18n;
use watchdesk::tui::theme::Theme;
use watchdesk::tui::view::render;

fn details(origin: Origin, lang: Lang) -> String {
    let mut snapshot = (*fixture::snapshot(false)).clone();
    let id = fixture::incident_id(3);
    let incident = Arc::make_mut(&mut snapshot.open_incidents)
        .iter_mut()
        .find(|i| i.id == id)
        .unwrap();
    Arc::make_mut(incident).source = Some(AutoSource::Alert {
        origin,
        key: "6f1a2b".into(),
        labels: [("alertname", "ApiDown"), ("severity", "critical")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        generator_url: Some("http://prometheus.example.invalid/graph?g0.expr=up".into()),
    });
    let mut app = App::new(Arc::new(snapshot), UiState::new("zhang.wei"), fixture::now());
    app.ui.selected = Some(id);
    let action = app
        .handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        .expect("Enter opens the details");
    app.update(action);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (theme, t) = (Theme::builtin_default(), I18n::new(lang));
    term.draw(|f| render(f, &app.snapshot, &app.ui, &theme, &t, app.now))
        .unwrap();
    term.backend().to_string()
}

#[test]
fn an_alertmanager_incident_shows_its_alert_labels_and_rule() {
    let en = details(Origin::Alertmanager, Lang::En);
    assert!(en.contains("Alertmanager alert 6f1a2b"), "{en}");
    assert!(en.contains("alertname=ApiDown, severity=critical"), "{en}");
    assert!(
        en.contains("http://prometheus.example.invalid/graph?g0.expr=up"),
        "{en}"
    );
    let zh = details(Origin::Alertmanager, Lang::Zh);
    assert!(zh.contains("Alertmanager 告警 6f1a2b"), "{zh}");
    assert!(zh.contains("标签"), "{zh}");
}

#[test]
fn an_event_from_the_api_says_so() {
    let en = details(Origin::Events, Lang::En);
    assert!(en.contains("event 6f1a2b (events API)"), "{en}");
    let zh = details(Origin::Events, Lang::Zh);
    assert!(zh.contains("外部事件 6f1a2b"), "{zh}");
}
