//! The forms behind the action keys: new incident, acknowledge, plan, resolve, note, reclassify, and on the
//! records pages the daily record and the handover. A form takes
//! every key while open, checks required fields in place, and turns into exactly one `Command`. Nothing typed is
//! lost when the engine refuses it: the form stays open with the engine's words.

pub mod field;
mod kinds;
pub mod text;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::engine::Command;
use crate::model::IncidentId;
use crate::policy::Severity;

pub use field::{Choice, Field, FieldError, FieldId, Input, Opt};
pub use text::TextInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    NewIncident,
    Acknowledge,
    Plan,
    Resolve,
    Note,
    Reclassify,
    /// 日台账 of this day.
    Daily(NaiveDate),
    /// 交接班: to whom, with the notes.
    Handover,
}

/// The incident a form acts on, as it was when the form opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: IncidentId,
    pub title: String,
    pub severity: Severity,
    pub detected_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormStatus {
    Editing,
    /// Sent; waiting for the engine to say it is stored.
    Saving {
        token: u64,
    },
    /// The engine said it is stored; the form closes on the next key or a moment later.
    Saved {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub target: Option<Target>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub status: FormStatus,
    /// What the engine answered to the last attempt, when it refused.
    pub error: Option<String>,
}

/// What a key did to a form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEvent {
    /// Handled inside the form.
    Consumed,
    /// Esc: close without saving.
    Cancel,
    /// Every field is acceptable: send this.
    Submit(Command),
}

impl Form {
    pub(crate) fn new(kind: FormKind, target: Option<Target>, fields: Vec<Field>) -> Form {
        Form {
            kind,
            target,
            fields,
            focus: 0,
            status: FormStatus::Editing,
            error: None,
        }
    }

    /// Whether a field takes Enter as a line break (the footer says so). Every form saves on Ctrl-S and only
    /// on Ctrl-S; Enter never saves: it breaks a line in a multi-line field and moves to the next field
    /// elsewhere, so a half-filled form is never sent by a habit of the fingers.
    pub fn has_prose(&self) -> bool {
        self.fields.iter().any(Field::is_multiline)
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// Moves focus by one field in the direction of `by`, over fields that mean nothing for what the form says
    /// now (a change request's severity).
    fn move_focus(&mut self, by: isize) {
        let n = self.fields.len() as isize;
        for _ in 0..n {
            self.focus = (self.focus as isize + by.signum()).rem_euclid(n) as usize;
            if !self.is_disabled(self.focus) {
                return;
            }
        }
    }

    /// Whether field `i` is shown but takes no input: the severity of a new change request or security
    /// finding, which is kept as minor whatever it says.
    pub fn is_disabled(&self, i: usize) -> bool {
        self.fields
            .get(i)
            .is_some_and(|field| kinds::is_disabled(self, field))
    }

    /// Handles one key. `now` and `tz` read typed times (the agreed due time).
    pub fn key(&mut self, key: KeyEvent, now: DateTime<Utc>, tz: Tz) -> FormEvent {
        match self.status {
            FormStatus::Saved { .. } => return FormEvent::Cancel,
            FormStatus::Saving { .. } => {
                return if key.code == KeyCode::Esc {
                    FormEvent::Cancel
                } else {
                    FormEvent::Consumed
                };
            }
            FormStatus::Editing => {}
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::Char('s') if ctrl => return self.submit(now, tz),
            KeyCode::Tab => self.move_focus(1),
            KeyCode::BackTab => self.move_focus(-1),
            _ => self.edit(key),
        }
        FormEvent::Consumed
    }

    fn edit(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        if self.is_disabled(self.focus) {
            return;
        }
        let Some(field) = self.focused_mut() else {
            return;
        };
        let mut moved = 0;
        match &mut field.input {
            Input::Choice(choice) => match key.code {
                KeyCode::Left => choice.prev(),
                KeyCode::Right | KeyCode::Char(' ') => choice.next(),
                KeyCode::Up => moved = -1,
                KeyCode::Down | KeyCode::Enter => moved = 1,
                _ => {}
            },
            Input::Text(text) => {
                let before = text.text();
                match key.code {
                    KeyCode::Char('u') if ctrl => text.kill_to_start(),
                    KeyCode::Char('z') if ctrl => {
                        text.undo();
                    }
                    KeyCode::Char('a') if ctrl => text.home(),
                    KeyCode::Char('e') if ctrl => text.end(),
                    KeyCode::Char(c) if !ctrl && !alt => text.insert(c.encode_utf8(&mut [0; 4])),
                    KeyCode::Enter if text.is_multiline() => text.insert("\n"),
                    KeyCode::Enter => moved = 1,
                    KeyCode::Backspace => text.backspace(),
                    KeyCode::Delete => text.delete(),
                    KeyCode::Left => text.left(),
                    KeyCode::Right => text.right(),
                    KeyCode::Home => text.home(),
                    KeyCode::End => text.end(),
                    KeyCode::Up if !text.up() => moved = -1,
                    KeyCode::Down if !text.down() => moved = 1,
                    _ => {}
                }
                if text.text() != before {
                    field.error = None;
                }
            }
        }
        if moved != 0 {
            self.move_focus(moved);
        }
    }

    /// Pasted text goes into the focused text field, whole.
    pub fn paste(&mut self, text: &str) {
        if self.status != FormStatus::Editing {
            return;
        }
        if let Some(field) = self.focused_mut()
            && let Input::Text(input) = &mut field.input
        {
            input.insert(text);
            field.error = None;
        }
    }

    /// Checks every field; on success the command, else the errors are set in place and focus moves to the
    /// first refused field.
    pub fn submit(&mut self, now: DateTime<Utc>, tz: Tz) -> FormEvent {
        for field in &mut self.fields {
            field.error = None;
        }
        match kinds::command(self, now, tz) {
            Ok(command) => FormEvent::Submit(command),
            Err(errors) => {
                for (i, e) in errors.iter() {
                    if let Some(f) = self.fields.get_mut(*i) {
                        f.error = Some(*e);
                    }
                }
                if let Some((first, _)) = errors.first() {
                    self.focus = *first;
                }
                FormEvent::Consumed
            }
        }
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }
}

#[cfg(test)]
mod tests;
