//! The fields a form is made of: free text (one line or prose) and a choice among fixed options.

use crate::policy::{Kind, Severity};

use super::text::TextInput;

/// Which field it is; it decides the label and how its value becomes part of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Kind,
    Severity,
    Title,
    Subsystem,
    Note,
    Due,
    Plan,
    Cause,
    Process,
    Solution,
    Reason,
    /// 校核云平台数据是否异常.
    AnomalyChecked,
    AnomalyNote,
    /// 日常数据库整理入库存档.
    ArchiveDone,
    Notes,
    /// The engineer taking over.
    HandoverTo,
}

/// One option of a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opt {
    Kind(Kind),
    Severity(Severity),
    /// `None` = not tied to a subsystem; else id and display name.
    Subsystem(Option<(String, String)>),
    YesNo(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub options: Vec<Opt>,
    pub selected: usize,
}

impl Choice {
    pub fn new(options: Vec<Opt>, selected: usize) -> Choice {
        let selected = selected.min(options.len().saturating_sub(1));
        Choice { options, selected }
    }

    pub fn value(&self) -> Option<&Opt> {
        self.options.get(self.selected)
    }

    pub fn next(&mut self) {
        if !self.options.is_empty() {
            self.selected = (self.selected + 1) % self.options.len();
        }
    }

    pub fn prev(&mut self) {
        if !self.options.is_empty() {
            self.selected = (self.selected + self.options.len() - 1) % self.options.len();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(TextInput),
    Choice(Choice),
}

/// Why a field was refused, shown under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    Required,
    BadTime,
    PastTime,
    SameSeverity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub id: FieldId,
    pub required: bool,
    pub input: Input,
    pub error: Option<FieldError>,
}

impl Field {
    pub fn text(id: FieldId, required: bool, multiline: bool) -> Field {
        Field {
            id,
            required,
            input: Input::Text(TextInput::new(multiline)),
            error: None,
        }
    }

    pub fn choice(id: FieldId, options: Vec<Opt>, selected: usize) -> Field {
        Field {
            id,
            required: false,
            input: Input::Choice(Choice::new(options, selected)),
            error: None,
        }
    }

    pub fn is_multiline(&self) -> bool {
        matches!(&self.input, Input::Text(t) if t.is_multiline())
    }

    /// The trimmed text of a text field; empty for a choice.
    pub fn value_text(&self) -> String {
        match &self.input {
            Input::Text(t) => t.text().trim().to_string(),
            Input::Choice(_) => String::new(),
        }
    }

    pub fn choice_value(&self) -> Option<&Opt> {
        match &self.input {
            Input::Choice(c) => c.value(),
            Input::Text(_) => None,
        }
    }
}
