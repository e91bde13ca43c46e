//! Forms and the engine's answers: an action key opens a form on the incident it acts on, the form's keys
//! edit it until it submits a command, and the answer to that command (matched by its token) marks the form
//! saved or puts the engine's message on it — or, with no form waiting, on the status line.

use ratatui::crossterm::event::KeyEvent;

use super::{App, Effect, Message, Panel, View};
use crate::engine::{Command, Reply};
use crate::model::Incident;
use crate::tui::form::{Form, FormEvent, FormStatus};

impl App {
    pub(super) fn open_form(&mut self, make: fn(&Incident) -> Form) {
        match self.current_incident() {
            Some(incident) => {
                let form = make(incident);
                self.ui.form = Some(form);
            }
            None => self.flash(Message::NoSelection),
        }
    }

    pub(super) fn form_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let (now, tz) = (self.now, self.snapshot.timezone);
        let form = self.ui.form.as_mut()?;
        match form.key(key, now, tz) {
            FormEvent::Consumed => None,
            FormEvent::Cancel => {
                self.ui.form = None;
                None
            }
            FormEvent::Submit(command) => {
                let token = self.take_token();
                let form = self.ui.form.as_mut()?;
                form.status = FormStatus::Saving { token };
                form.error = None;
                if matches!(command, Command::OpenIncident(_)) {
                    self.opening = Some(token);
                }
                Some(Effect::Execute { token, command })
            }
        }
    }

    pub(super) fn take_token(&mut self) -> u64 {
        let token = self.next_token;
        self.next_token += 1;
        token
    }

    pub(super) fn reply(&mut self, token: u64, result: Result<Box<Reply>, String>) -> Option<Effect> {
        if self.page_reply(token, &result) {
            return None;
        }
        let saved_id = match &result {
            Ok(reply) => match reply.as_ref() {
                Reply::Incident(incident) => Some(incident.id),
                Reply::Records(_) | Reply::Store(_) | Reply::Intake(_) => None,
            },
            Err(_) => None,
        };
        let form_waits = matches!(&self.ui.form, Some(f) if f.status == FormStatus::Saving { token });
        if form_waits && let Some(form) = &mut self.ui.form {
            match &result {
                Ok(_) => form.status = FormStatus::Saved { at: self.now },
                Err(message) => {
                    form.status = FormStatus::Editing;
                    form.error = Some(message.clone());
                }
            }
        } else {
            match &result {
                Ok(_) => self.flash(Message::Saved(
                    saved_id.map(|id| id.to_string()).unwrap_or_default(),
                )),
                Err(message) => self.flash(Message::Failed(message.clone())),
            }
        }
        // A new incident becomes the selection, so the next key acts on it.
        if self.opening == Some(token) {
            self.opening = None;
            if let (Some(id), View::Dashboard) = (saved_id, &self.ui.view) {
                self.ui.selected = Some(id);
                self.ui.focus = Panel::Incidents;
                self.awaiting = Some(id);
            }
        }
        self.after_save(&result)
    }
}
