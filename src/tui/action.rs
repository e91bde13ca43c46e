//! What a key (or an answer, or a paste) asks of the dashboard, and what the event loop must do after it.
//! `keymap` turns keys into [`Action`]s; `app` turns actions into state and [`Effect`]s.

use ratatui::crossterm::event::KeyEvent;

use crate::engine::{Command, Reply};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPanel,
    PrevPanel,
    OpenDetails,
    Back,
    New,
    Acknowledge,
    Plan,
    Resolve,
    Note,
    Reclassify,
    Help,
    /// 日台账: today's record.
    OpenDaily,
    /// 交接班: the summary since the last handover.
    OpenHandover,
    /// 考核评分: this quarter's score.
    OpenScore,
    /// 通知: delivery per channel and the outbox.
    OpenNotifications,
    /// Open the filter line of the incident list.
    OpenFilter,
    /// A key for the open filter line.
    FilterKey(KeyEvent),
    /// Drop the kept filter (Esc on the dashboard).
    ClearFilter,
    /// Fill in the page in view: the daily record, or record the handover.
    Edit,
    /// The day (or quarter) before the one in view.
    Earlier,
    Later,
    /// Copy the page to the terminal's clipboard (OSC 52).
    Copy,
    /// Write the page as Markdown to a file.
    Export,
    /// The event loop wrote (or failed to write) an export: the path, or why not.
    Exported(Result<String, String>),
    /// A key for the open form.
    FormKey(KeyEvent),
    Paste(String),
    /// The engine answered command `token`; an error is its message.
    Reply {
        token: u64,
        result: Result<Box<Reply>, String>,
    },
}

impl Action {
    /// Opens a form whose submission changes something: refused on a read-only dashboard.
    pub fn changes_something(&self) -> bool {
        matches!(
            self,
            Action::New
                | Action::Acknowledge
                | Action::Plan
                | Action::Resolve
                | Action::Note
                | Action::Reclassify
                | Action::Edit
        )
    }
}

/// What the event loop must do after an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Execute {
        token: u64,
        command: Command,
    },
    /// Put this text on the clipboard of the terminal the engineer sits at.
    Copy(String),
    /// Write this text to a file of this name in the export directory.
    Export {
        name: String,
        text: String,
    },
    Quit,
}
