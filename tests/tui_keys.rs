//! Keys on the dashboard: which command each action key produces for the selected incident, and how forms
//! refuse, cancel and keep what was typed.

#[path = "tui_support/fixture.rs"]
mod fixture;
#[path = "tui_support/keys.rs"]
mod keys;

use keys::{ctrl_s, key, press};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use watchdesk::engine::{Command, Reply};
use watchdesk::model::{IncidentId, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::tui::app::{Action, App, Effect, Panel, UiState, View};
use watchdesk::tui::form::{FieldError, FieldId, FormKind, FormStatus};
use watchdesk::tui::urgency;

fn app() -> App {
    App::new(fixture::snapshot(true), UiState::new("zhang.wei"), fixture::now())
}

/// Types `text`, each character taken by the open form.
fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        assert_eq!(press(app, key(KeyCode::Char(c))), None);
    }
}

fn select(app: &mut App, seq: u32) -> IncidentId {
    let id = fixture::incident_id(seq);
    app.ui.selected = Some(id);
    id
}

fn submitted(effect: Option<Effect>) -> Command {
    match effect {
        Some(Effect::Execute { command, .. }) => command,
        other => panic!("expected a command, got {other:?}"),
    }
}

#[test]
fn list_is_ordered_by_urgency_and_j_k_move_over_it() {
    let mut app = app();
    // The late critical fault comes first and is selected to begin with.
    assert_eq!(app.ui.selected, Some(fixture::incident_id(2)));
    press(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.ui.selected, Some(fixture::incident_id(4)));
    press(&mut app, key(KeyCode::Down));
    assert_eq!(app.ui.selected, Some(fixture::incident_id(3)));
    press(&mut app, key(KeyCode::End));
    assert_eq!(app.ui.selected, Some(fixture::incident_id(7)));
    press(&mut app, key(KeyCode::Char('k')));
    press(&mut app, key(KeyCode::Home));
    assert_eq!(app.ui.selected, Some(fixture::incident_id(2)));
    press(&mut app, key(KeyCode::Up));
    assert_eq!(app.ui.selected, Some(fixture::incident_id(2)));
}

#[test]
fn tab_cycles_panels_and_enter_opens_details_esc_goes_back() {
    let mut app = app();
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(app.ui.focus, Panel::Subsystems);
    press(&mut app, key(KeyCode::Char('j')));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.ui.view, View::Subsystem("digital".into()));
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.ui.view, View::Dashboard);
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(app.ui.focus, Panel::Hosts);
    assert_eq!(app.handle_key(key(KeyCode::Enter)), None);
    press(&mut app, key(KeyCode::BackTab));
    press(&mut app, key(KeyCode::BackTab));
    assert_eq!(app.ui.focus, Panel::Incidents);
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.ui.view, View::Incident(fixture::incident_id(2)));
}

#[test]
fn acknowledge_sends_the_note_for_the_selected_incident() {
    let mut app = app();
    let id = select(&mut app, 4);
    press(&mut app, key(KeyCode::Char('a')));
    assert_eq!(app.ui.form.as_ref().map(|f| f.kind), Some(FormKind::Acknowledge));
    typed(&mut app, "正在处理");
    let command = submitted(press(&mut app, ctrl_s()));
    assert_eq!(
        command,
        Command::Acknowledge {
            id,
            at: None,
            note: Some("正在处理".into()),
            due: None
        }
    );
}

#[test]
fn acknowledging_a_minor_fault_can_agree_a_due_time() {
    let mut app = app();
    let id = select(&mut app, 7);
    press(&mut app, key(KeyCode::Char('a')));
    press(&mut app, key(KeyCode::Tab));
    typed(&mut app, "+2h");
    let Command::Acknowledge {
        id: got, due, note, ..
    } = submitted(press(&mut app, ctrl_s()))
    else {
        panic!("not an acknowledgement");
    };
    assert_eq!((got, note), (id, None));
    assert_eq!(due, Some(fixture::now() + chrono::Duration::hours(2)));
}

#[test]
fn plan_resolve_note_and_reclassify_send_their_commands() {
    let mut app = app();
    let id = select(&mut app, 3);

    press(&mut app, key(KeyCode::Char('p')));
    typed(&mut app, "切换到备库");
    assert_eq!(
        submitted(press(&mut app, ctrl_s())),
        Command::Plan {
            id,
            at: None,
            text: "切换到备库".into()
        }
    );
    app.ui.form = None;

    press(&mut app, key(KeyCode::Char('r')));
    typed(&mut app, "连接池耗尽");
    press(&mut app, key(KeyCode::Tab));
    typed(&mut app, "扩容");
    press(&mut app, key(KeyCode::Enter));
    typed(&mut app, "重启");
    assert_eq!(
        submitted(press(&mut app, ctrl_s())),
        Command::Resolve {
            id,
            at: None,
            resolution: Resolution {
                cause: "连接池耗尽".into(),
                process: "扩容\n重启".into(),
                solution: None
            }
        }
    );
    app.ui.form = None;

    press(&mut app, key(KeyCode::Char('N')));
    typed(&mut app, "DBA 已到场");
    assert_eq!(
        submitted(press(&mut app, ctrl_s())),
        Command::Note {
            id,
            at: None,
            text: "DBA 已到场".into()
        }
    );
    app.ui.form = None;

    press(&mut app, key(KeyCode::Char('R')));
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Tab));
    typed(&mut app, "影响缩小");
    assert_eq!(
        submitted(press(&mut app, ctrl_s())),
        Command::Reclassify {
            id,
            at: None,
            severity: Severity::Major,
            reason: "影响缩小".into()
        }
    );
}

#[test]
fn new_incident_preselects_the_focused_subsystem_and_ctrl_s_submits_as_in_every_form() {
    let mut app = app();
    press(&mut app, key(KeyCode::Tab));
    press(&mut app, key(KeyCode::Char('j')));
    press(&mut app, key(KeyCode::Char('j')));
    press(&mut app, key(KeyCode::Char('n')));
    press(&mut app, key(KeyCode::Char(' ')));
    // A change request has no severity: Tab goes past the severity field, which takes no key, to the title.
    press(&mut app, key(KeyCode::Tab));
    let form = app.ui.form.as_ref().unwrap();
    assert!(form.is_disabled(1), "{:?}", form.fields[1]);
    assert_eq!(form.focused().map(|f| f.id), Some(FieldId::Title));
    let focus = |app: &App| app.ui.form.as_ref().and_then(|f| f.focused()).map(|f| f.id);
    press(&mut app, key(KeyCode::BackTab));
    assert_eq!(focus(&app), Some(FieldId::Kind));
    // Back to a fault, the severity can be chosen again; forward to a change request once more.
    press(&mut app, key(KeyCode::Left));
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(focus(&app), Some(FieldId::Severity));
    press(&mut app, key(KeyCode::Left));
    press(&mut app, key(KeyCode::BackTab));
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(focus(&app), Some(FieldId::Title));
    typed(&mut app, "工程检测平台报表导出失败");
    assert_eq!(press(&mut app, key(KeyCode::Enter)), None, "Enter does not save");
    assert!(app.ui.form.is_some());
    let Command::OpenIncident(new) = submitted(press(&mut app, ctrl_s())) else {
        panic!("not a new incident");
    };
    assert_eq!(new.kind, Kind::Change);
    assert_eq!(new.severity, Severity::Minor);
    assert_eq!(new.title, "工程检测平台报表导出失败");
    assert_eq!(new.subsystem.as_deref(), Some("engineering"));
}

#[test]
fn a_missing_required_field_submits_nothing_and_is_marked() {
    let mut app = app();
    select(&mut app, 3);
    press(&mut app, key(KeyCode::Char('r')));
    typed(&mut app, "连接池耗尽");
    assert_eq!(press(&mut app, ctrl_s()), None);
    let form = app.ui.form.as_ref().unwrap();
    assert_eq!(form.status, FormStatus::Editing);
    assert_eq!(form.fields[1].error, Some(FieldError::Required));
    assert_eq!(form.focus, 1);
    assert_eq!(form.fields[0].value_text(), "连接池耗尽");

    let mut app = self::app();
    press(&mut app, key(KeyCode::Char('n')));
    assert_eq!(press(&mut app, key(KeyCode::Enter)), None);
    assert!(app.ui.form.is_some());
}

#[test]
fn esc_discards_the_form_and_an_open_form_takes_every_key() {
    let mut app = app();
    select(&mut app, 3);
    press(&mut app, key(KeyCode::Char('N')));
    typed(&mut app, "q?jk");
    assert_eq!(app.ui.form.as_ref().unwrap().fields[0].value_text(), "q?jk");
    assert_eq!(press(&mut app, key(KeyCode::Esc)), None);
    assert!(app.ui.form.is_none());
    assert_eq!(app.ui.selected, Some(fixture::incident_id(3)));
    // Ctrl-C still quits from inside a form.
    press(&mut app, key(KeyCode::Char('N')));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(press(&mut app, ctrl_c), Some(Effect::Quit));
}

#[test]
fn saved_only_after_the_reply_and_an_error_keeps_the_text() {
    let mut app = app();
    let id = select(&mut app, 3);
    press(&mut app, key(KeyCode::Char('N')));
    app.update(Action::Paste("第一行\r\n第二行".into()));
    let Some(Effect::Execute { token, .. }) = press(&mut app, ctrl_s()) else {
        panic!("expected a command");
    };
    assert_eq!(app.ui.form.as_ref().unwrap().status, FormStatus::Saving { token });
    // Typing while it saves changes nothing.
    typed(&mut app, "x");
    app.update(Action::Reply {
        token,
        result: Err("store error: disk full".into()),
    });
    let form = app.ui.form.as_ref().unwrap();
    assert_eq!(form.status, FormStatus::Editing);
    assert_eq!(form.error.as_deref(), Some("store error: disk full"));
    assert_eq!(form.fields[0].value_text(), "第一行\n第二行");

    let Some(Effect::Execute { token, .. }) = press(&mut app, ctrl_s()) else {
        panic!("expected a retry");
    };
    let incident = app
        .snapshot
        .open_incidents
        .iter()
        .find(|i| i.id == id)
        .map(|i| (**i).clone())
        .unwrap();
    app.update(Action::Reply {
        token,
        result: Ok(Box::new(Reply::Incident(Box::new(incident)))),
    });
    assert!(matches!(
        app.ui.form.as_ref().unwrap().status,
        FormStatus::Saved { .. }
    ));
    app.tick(fixture::now() + chrono::Duration::seconds(1));
    assert!(app.ui.form.is_some());
    app.tick(fixture::now() + chrono::Duration::seconds(2));
    assert!(app.ui.form.is_none());
}

#[test]
fn help_toggles_and_q_quits() {
    let mut app = app();
    press(&mut app, key(KeyCode::Char('?')));
    assert!(app.ui.help);
    assert_eq!(app.handle_key(key(KeyCode::Char('j'))), None);
    press(&mut app, key(KeyCode::Esc));
    assert!(!app.ui.help);
    assert_eq!(press(&mut app, key(KeyCode::Char('q'))), Some(Effect::Quit));
}

#[test]
fn slash_filters_the_incident_list_and_the_cursor_moves_over_what_is_shown() {
    let mut app = app();
    let all = urgency::ranked(&app.snapshot, app.now).len();
    assert!(all > 2);
    press(&mut app, key(KeyCode::Char('/')));
    assert!(app.ui.filtering);
    // Every key is text while the line is open: `q` does not quit.
    typed(&mut app, "major q");
    assert_eq!(app.ui.filter, "major q");
    assert!(app.ui.filtering);
    press(&mut app, key(KeyCode::Backspace));
    press(&mut app, key(KeyCode::Backspace));
    press(&mut app, key(KeyCode::Enter));
    assert!(!app.ui.filtering);
    let shown: Vec<(IncidentId, Severity)> = urgency::visible(&app.snapshot, app.now, &app.ui.filter)
        .iter()
        .map(|r| (r.incident.id, r.incident.severity))
        .collect();
    assert!(!shown.is_empty() && shown.len() < all);
    assert!(shown.iter().all(|(_, s)| *s == Severity::Major));
    assert_eq!(app.ui.selected, Some(shown[0].0));
    for _ in 0..10 {
        press(&mut app, key(KeyCode::Char('j')));
    }
    assert_eq!(app.ui.selected, Some(shown[shown.len() - 1].0));
    // A word that matches nothing leaves the list empty and says so; Esc on the line drops the filter.
    press(&mut app, key(KeyCode::Char('/')));
    typed(&mut app, " 不存在");
    assert!(urgency::visible(&app.snapshot, app.now, &app.ui.filter).is_empty());
    assert_eq!(app.ui.selected, None);
    press(&mut app, key(KeyCode::Esc));
    assert!(app.ui.filter.is_empty() && !app.ui.filtering);
    assert_eq!(urgency::visible(&app.snapshot, app.now, "").len(), all);
    assert!(app.ui.selected.is_some());
}

#[test]
fn action_keys_need_an_incident_and_releases_are_ignored() {
    let mut app = app();
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(app.handle_key(key(KeyCode::Char('a'))), None);
    let mut release = key(KeyCode::Char('q'));
    release.kind = KeyEventKind::Release;
    assert_eq!(app.handle_key(release), None);
}

#[test]
fn a_read_only_dashboard_opens_no_form_and_says_why() {
    let mut app = app();
    app.ui.read_only = true;
    select(&mut app, 2);
    for c in ['a', 'p', 'r', 'N', 'n'] {
        assert_eq!(press(&mut app, key(KeyCode::Char(c))), None, "{c}");
        assert!(app.ui.form.is_none(), "{c} opened a form");
        let flash = app.ui.flash.as_ref().map(|f| f.message.clone());
        assert_eq!(flash, Some(watchdesk::tui::app::Message::ReadOnly), "{c}");
    }
    // Looking still works: details, pages, moving.
    press(&mut app, key(KeyCode::Char('j')));
    assert!(matches!(
        press(&mut app, key(KeyCode::Char('s'))),
        Some(Effect::Execute { .. })
    ));
}
