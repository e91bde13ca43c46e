//! Each form's fields, and how filled-in fields become a `Command`.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{Field, FieldError, FieldId, Form, FormKind, Opt, Target};
use crate::engine::{Command, RecordsCommand, SubsystemView};
use crate::model::{DailyEntry, Incident, NewIncident, Resolution};
use crate::policy::{Kind, Severity};
use crate::report::daily::DailyView;

impl Target {
    pub fn of(incident: &Incident) -> Target {
        Target {
            id: incident.id,
            title: incident.title.clone(),
            severity: incident.severity,
            detected_at: incident.detected_at,
        }
    }
}

impl Form {
    /// A new fault or ticket; `subsystem` preselects the subsystem the cursor is on.
    pub fn new_incident(subsystems: &[SubsystemView], subsystem: Option<&str>) -> Form {
        let mut options = vec![Opt::Subsystem(None)];
        options.extend(
            subsystems
                .iter()
                .map(|s| Opt::Subsystem(Some((s.id.clone(), s.name.clone())))),
        );
        let selected = subsystem
            .and_then(|id| subsystems.iter().position(|s| s.id == id))
            .map_or(0, |i| i + 1);
        Form::new(
            FormKind::NewIncident,
            None,
            vec![
                Field::choice(
                    FieldId::Kind,
                    Kind::ALL.iter().map(|k| Opt::Kind(*k)).collect(),
                    0,
                ),
                Field::choice(
                    FieldId::Severity,
                    Severity::ALL.iter().map(|s| Opt::Severity(*s)).collect(),
                    1,
                ),
                Field::text(FieldId::Title, true, false),
                Field::choice(FieldId::Subsystem, options, selected),
            ],
        )
    }

    /// Acknowledge (响应); a minor fault may get an agreed due time.
    pub fn acknowledge(incident: &Incident) -> Form {
        let mut fields = vec![Field::text(FieldId::Note, false, true)];
        if incident.severity == Severity::Minor {
            fields.push(Field::text(FieldId::Due, false, false));
        }
        Form::new(FormKind::Acknowledge, Some(Target::of(incident)), fields)
    }

    /// Submit the handling plan (处理方案).
    pub fn plan(incident: &Incident) -> Form {
        Form::new(
            FormKind::Plan,
            Some(Target::of(incident)),
            vec![Field::text(FieldId::Plan, true, true)],
        )
    }

    /// Resolve with what the fault archive (故障档案) needs: cause and process, and the solution.
    pub fn resolve(incident: &Incident) -> Form {
        Form::new(
            FormKind::Resolve,
            Some(Target::of(incident)),
            vec![
                Field::text(FieldId::Cause, true, true),
                Field::text(FieldId::Process, true, true),
                Field::text(FieldId::Solution, false, true),
            ],
        )
    }

    pub fn note(incident: &Incident) -> Form {
        Form::new(
            FormKind::Note,
            Some(Target::of(incident)),
            vec![Field::text(FieldId::Note, true, true)],
        )
    }

    /// Change the severity, with the reason; the current severity is preselected so a change is deliberate.
    pub fn reclassify(incident: &Incident) -> Form {
        let current = Severity::ALL
            .iter()
            .position(|s| *s == incident.severity)
            .unwrap_or(0);
        Form::new(
            FormKind::Reclassify,
            Some(Target::of(incident)),
            vec![
                Field::choice(
                    FieldId::Severity,
                    Severity::ALL.iter().map(|s| Opt::Severity(*s)).collect(),
                    current,
                ),
                Field::text(FieldId::Reason, true, true),
            ],
        )
    }

    /// The engineer's part of a day's record, filled with what was saved before (an amendment keeps the earlier
    /// version in the audit log).
    pub fn daily(view: &DailyView) -> Form {
        let saved = view.record.as_ref();
        let yes_no = |yes: bool| {
            Field::choice(
                FieldId::AnomalyChecked,
                vec![Opt::YesNo(false), Opt::YesNo(true)],
                usize::from(yes),
            )
        };
        let text = |id, multiline, value: Option<&Option<String>>| {
            let mut field = Field::text(id, false, multiline);
            if let (super::Input::Text(input), Some(Some(value))) = (&mut field.input, value) {
                input.insert(value);
            }
            field
        };
        let mut archive = yes_no(saved.is_some_and(|r| r.archive_done));
        archive.id = FieldId::ArchiveDone;
        Form::new(
            FormKind::Daily(view.date),
            None,
            vec![
                yes_no(saved.is_some_and(|r| r.anomaly_checked)),
                text(FieldId::AnomalyNote, false, saved.map(|r| &r.anomaly_note)),
                archive,
                text(FieldId::Notes, true, saved.map(|r| &r.notes)),
            ],
        )
    }

    /// Hand the watch over: to whom (required) and the notes for them.
    pub fn handover() -> Form {
        Form::new(
            FormKind::Handover,
            None,
            vec![
                Field::text(FieldId::HandoverTo, true, false),
                Field::text(FieldId::Notes, false, true),
            ],
        )
    }
}

type Errors = Vec<(usize, FieldError)>;

/// The kind chosen in a new-incident form (a fault when the form has no kind field).
fn chosen_kind(form: &Form) -> Kind {
    match form.field(FieldId::Kind).and_then(Field::choice_value) {
        Some(Opt::Kind(k)) => *k,
        _ => Kind::Fault,
    }
}

/// A change request (24 h) or a security finding (10 working days) has one deadline whatever its severity:
/// the severity field of a new one is shown as not graded and takes no input.
pub(super) fn is_disabled(form: &Form, field: &Field) -> bool {
    form.kind == FormKind::NewIncident && field.id == FieldId::Severity && !chosen_kind(form).has_severity()
}

/// The command the form stands for, or every refused field.
pub(super) fn command(form: &Form, now: DateTime<Utc>, tz: Tz) -> Result<Command, Errors> {
    let mut errors: Errors = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        if f.required && f.value_text().is_empty() && matches!(f.input, super::Input::Text(_)) {
            errors.push((i, FieldError::Required));
        }
    }
    let text = |id| form.field(id).map(Field::value_text).unwrap_or_default();
    let optional = |id| Some(text(id)).filter(|t| !t.is_empty());
    let pos = |id| form.fields.iter().position(|f| f.id == id).unwrap_or(0);
    let severity = || match form.field(FieldId::Severity).and_then(Field::choice_value) {
        Some(Opt::Severity(s)) => *s,
        _ => Severity::Major,
    };
    let yes = |id| {
        matches!(
            form.field(id).and_then(Field::choice_value),
            Some(Opt::YesNo(true))
        )
    };
    let target = form.target.as_ref();
    let command = match (form.kind, target) {
        (FormKind::Daily(date), _) => Command::Records(RecordsCommand::SaveDaily {
            date: Some(date),
            // Every field is sent as shown, so clearing a text clears it in the record.
            entry: DailyEntry {
                anomaly_checked: yes(FieldId::AnomalyChecked),
                anomaly_note: Some(text(FieldId::AnomalyNote)),
                archive_done: Some(yes(FieldId::ArchiveDone)),
                notes: Some(text(FieldId::Notes)),
            },
        }),
        (FormKind::Handover, _) => Command::Records(RecordsCommand::RecordHandover {
            to: text(FieldId::HandoverTo),
            notes: optional(FieldId::Notes),
            since: None,
        }),
        (FormKind::NewIncident, _) => {
            let kind = chosen_kind(form);
            Command::OpenIncident(NewIncident {
                kind,
                // A change request or a security finding has no severity: it is kept as minor, as the command
                // line keeps it (the form shows its severity field as not graded).
                severity: if kind.has_severity() {
                    severity()
                } else {
                    Severity::Minor
                },
                title: text(FieldId::Title),
                subsystem: match form.field(FieldId::Subsystem).and_then(Field::choice_value) {
                    Some(Opt::Subsystem(Some((id, _)))) => Some(id.clone()),
                    _ => None,
                },
                detected_at: None,
                source: None,
                host: None,
            })
        }
        (FormKind::Acknowledge, Some(t)) => {
            let due = match parse_due(&text(FieldId::Due), now, tz) {
                Ok(Some(due)) if due <= t.detected_at => {
                    errors.push((pos(FieldId::Due), FieldError::PastTime));
                    None
                }
                Ok(due) => due,
                Err(e) => {
                    errors.push((pos(FieldId::Due), e));
                    None
                }
            };
            Command::Acknowledge {
                id: t.id,
                at: None,
                note: optional(FieldId::Note),
                due,
            }
        }
        (FormKind::Plan, Some(t)) => Command::Plan {
            id: t.id,
            at: None,
            text: text(FieldId::Plan),
        },
        (FormKind::Resolve, Some(t)) => Command::Resolve {
            id: t.id,
            at: None,
            resolution: Resolution {
                cause: text(FieldId::Cause),
                process: text(FieldId::Process),
                solution: optional(FieldId::Solution),
            },
        },
        (FormKind::Note, Some(t)) => Command::Note {
            id: t.id,
            at: None,
            text: text(FieldId::Note),
        },
        (FormKind::Reclassify, Some(t)) => {
            if severity() == t.severity {
                errors.push((pos(FieldId::Severity), FieldError::SameSeverity));
            }
            Command::Reclassify {
                id: t.id,
                at: None,
                severity: severity(),
                reason: text(FieldId::Reason),
            }
        }
        // A form about an incident always has its target; refuse rather than guess.
        (_, None) => return Err(vec![(0, FieldError::Required)]),
    };
    if errors.is_empty() {
        Ok(command)
    } else {
        errors.sort_by_key(|(i, _)| *i);
        Err(errors)
    }
}

/// An agreed due time: empty, `+2h` / `2h30m` from now, or local `YYYY-MM-DD HH:MM[:SS]`.
pub fn parse_due(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<Option<DateTime<Utc>>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = humantime::parse_duration(text.trim_start_matches('+').trim()) {
        let d = chrono::Duration::from_std(d).map_err(|_| FieldError::BadTime)?;
        return now.checked_add_signed(d).map(Some).ok_or(FieldError::BadTime);
    }
    let naive = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or(FieldError::BadTime)?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(FieldError::BadTime)
}
