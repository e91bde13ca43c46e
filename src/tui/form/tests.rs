use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::kinds::parse_due;
use super::*;
use crate::model::{Actor, Incident, NewIncident};
use crate::policy::Kind;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap()
}

fn incident(severity: Severity) -> Incident {
    let new = NewIncident {
        kind: Kind::Fault,
        severity,
        title: "页面打开缓慢".into(),
        subsystem: None,
        detected_at: Some(now() - Duration::minutes(10)),
        source: None,
    };
    Incident::open(
        IncidentId { year: 2026, seq: 7 },
        new,
        Actor::named("alice"),
        now(),
    )
    .unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl_s() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
}

fn type_text(form: &mut Form, text: &str) {
    for c in text.chars() {
        assert_eq!(
            form.key(key(KeyCode::Char(c)), now(), Shanghai),
            FormEvent::Consumed
        );
    }
}

#[test]
fn due_time_reads_relative_and_local_times() {
    assert_eq!(parse_due("", now(), Shanghai), Ok(None));
    assert_eq!(
        parse_due("+2h", now(), Shanghai),
        Ok(Some(now() + Duration::hours(2)))
    );
    // 16:00 in Shanghai is 08:00 UTC.
    assert_eq!(
        parse_due("2026-11-28 18:30", now(), Shanghai),
        Ok(Some(now() + Duration::minutes(150)))
    );
    assert_eq!(parse_due("tomorrow", now(), Shanghai), Err(FieldError::BadTime));
}

#[test]
fn acknowledging_a_minor_fault_with_a_due_time_before_detection_is_refused_in_place() {
    let inc = incident(Severity::Minor);
    let mut form = Form::acknowledge(&inc);
    assert_eq!(form.fields.len(), 2);
    form.key(key(KeyCode::Tab), now(), Shanghai);
    type_text(&mut form, "2026-11-28 15:00");
    assert_eq!(form.key(ctrl_s(), now(), Shanghai), FormEvent::Consumed);
    assert_eq!(form.fields[1].error, Some(FieldError::PastTime));
    assert_eq!(form.focus, 1);
    assert_eq!(form.fields[1].value_text(), "2026-11-28 15:00");
}

#[test]
fn only_ctrl_s_saves_and_enter_moves_on_or_breaks_a_line() {
    let mut form = Form::new_incident(&[], None);
    form.focus = 2;
    type_text(&mut form, "数据库连接失败");
    assert_eq!(
        form.key(key(KeyCode::Enter), now(), Shanghai),
        FormEvent::Consumed
    );
    assert_ne!(form.focus, 2, "Enter moved to the next field");
    let FormEvent::Submit(Command::OpenIncident(new)) = form.key(ctrl_s(), now(), Shanghai) else {
        panic!("expected a submit");
    };
    assert_eq!(
        (new.kind, new.severity, new.title.as_str()),
        (Kind::Fault, Severity::Major, "数据库连接失败")
    );

    let mut plan = Form::plan(&incident(Severity::Major));
    type_text(&mut plan, "重启");
    assert_eq!(
        plan.key(key(KeyCode::Enter), now(), Shanghai),
        FormEvent::Consumed
    );
    type_text(&mut plan, "服务");
    let FormEvent::Submit(Command::Plan { text, .. }) = plan.key(ctrl_s(), now(), Shanghai) else {
        panic!("expected a submit");
    };
    assert_eq!(text, "重启\n服务");
}

#[test]
fn reclassifying_to_the_same_severity_is_refused() {
    let mut form = Form::reclassify(&incident(Severity::Major));
    form.focus = 1;
    type_text(&mut form, "影响扩大");
    assert_eq!(form.key(ctrl_s(), now(), Shanghai), FormEvent::Consumed);
    assert_eq!(form.fields[0].error, Some(FieldError::SameSeverity));
    form.key(key(KeyCode::Left), now(), Shanghai);
    assert!(matches!(
        form.key(ctrl_s(), now(), Shanghai),
        FormEvent::Submit(Command::Reclassify {
            severity: Severity::Critical,
            ..
        })
    ));
}

#[test]
fn while_saving_only_esc_does_anything_and_paste_is_ignored() {
    let mut form = Form::note(&incident(Severity::Major));
    form.status = FormStatus::Saving { token: 1 };
    assert_eq!(
        form.key(key(KeyCode::Char('x')), now(), Shanghai),
        FormEvent::Consumed
    );
    form.paste("ignored");
    assert_eq!(form.fields[0].value_text(), "");
    assert_eq!(form.key(key(KeyCode::Esc), now(), Shanghai), FormEvent::Cancel);
}

#[test]
fn ctrl_z_undoes_in_the_focused_field() {
    let mut plan = Form::plan(&incident(Severity::Major));
    type_text(&mut plan, "重启 服务");
    let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(plan.key(ctrl_z, now(), Shanghai), FormEvent::Consumed);
    assert_eq!(plan.fields[0].value_text(), "重启", "the last word typed is gone");
}
