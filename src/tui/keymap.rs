//! Every key of the dashboard in one table: the key handling reads it, and so do the footer and the help, so
//! what the screen says a key does is what it does.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::app::Page;
use super::i18n::Strings;

/// Where a binding works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Dashboard and detail views.
    Global,
    /// Only the dashboard (panel switching).
    Dashboard,
    /// The dashboard with the incident or subsystem list focused.
    Openable,
    /// With an incident selected, or in its details.
    Incident,
    /// A detail view or a records page.
    Details,
    /// One records page.
    Page(Page),
    /// A page that can be filled in: the daily record, the handover.
    Editable,
    /// A page that steps through time: days of the ledger, quarters of the score.
    Browse,
    /// The dashboard with a kept `/` filter.
    Filtered,
}

/// What the key handler knows about the screen when it looks a key up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    pub dashboard: bool,
    pub openable: bool,
    pub incident: bool,
    /// The records page in view.
    pub page: Option<Page>,
    /// A `/` filter is kept on the incident list.
    pub filtered: bool,
}

impl Scope {
    pub fn applies(self, cx: Context) -> bool {
        match self {
            Scope::Global => true,
            Scope::Dashboard => cx.dashboard,
            Scope::Openable => cx.dashboard && cx.openable,
            Scope::Incident => cx.incident,
            Scope::Details => !cx.dashboard,
            Scope::Page(page) => cx.page == Some(page),
            Scope::Editable => matches!(cx.page, Some(Page::Daily | Page::Handover)),
            Scope::Browse => matches!(cx.page, Some(Page::Daily | Page::Score)),
            Scope::Filtered => cx.dashboard && cx.filtered,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    /// Shift is part of the character (`N`, `?`), so only Ctrl and Alt tell keys apart.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        !alt && ctrl == self.ctrl && key.code == self.code
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub scope: Scope,
    /// The keys as the footer and help write them; empty for bindings listed under another.
    pub label: &'static str,
    pub help: fn(&Strings) -> &'static str,
}

/// In the order the footer lists them, most used first.
pub static KEYMAP: &[Binding] = &[
    Binding {
        keys: &[ch('j'), code(KeyCode::Down)],
        action: Action::Down,
        scope: Scope::Global,
        label: "j/k",
        help: |s| s.key_move,
    },
    Binding {
        keys: &[ch('k'), code(KeyCode::Up)],
        action: Action::Up,
        scope: Scope::Global,
        label: "",
        help: |s| s.key_move,
    },
    Binding {
        keys: &[code(KeyCode::Tab)],
        action: Action::NextPanel,
        scope: Scope::Dashboard,
        label: "Tab",
        help: |s| s.key_panel,
    },
    Binding {
        keys: &[code(KeyCode::BackTab)],
        action: Action::PrevPanel,
        scope: Scope::Dashboard,
        label: "",
        help: |s| s.key_panel,
    },
    Binding {
        keys: &[code(KeyCode::Enter)],
        action: Action::OpenDetails,
        scope: Scope::Openable,
        label: "Enter",
        help: |s| s.key_details,
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::ClearFilter,
        scope: Scope::Filtered,
        label: "Esc",
        help: |s| s.key_clear_filter,
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::Back,
        scope: Scope::Details,
        label: "Esc",
        help: |s| s.key_back,
    },
    Binding {
        keys: &[ch('e')],
        action: Action::Edit,
        scope: Scope::Editable,
        label: "e",
        help: |s| s.key_edit,
    },
    Binding {
        keys: &[code(KeyCode::Left), ch('[')],
        action: Action::Earlier,
        scope: Scope::Browse,
        label: "←/→",
        help: |s| s.key_browse,
    },
    Binding {
        keys: &[code(KeyCode::Right), ch(']')],
        action: Action::Later,
        scope: Scope::Browse,
        label: "",
        help: |s| s.key_browse,
    },
    Binding {
        keys: &[ch('y')],
        action: Action::Copy,
        scope: Scope::Page(Page::Handover),
        label: "y",
        help: |s| s.key_copy,
    },
    Binding {
        keys: &[ch('w')],
        action: Action::Export,
        scope: Scope::Page(Page::Handover),
        label: "w",
        help: |s| s.key_write,
    },
    Binding {
        keys: &[ch('a')],
        action: Action::Acknowledge,
        scope: Scope::Incident,
        label: "a",
        help: |s| s.key_acknowledge,
    },
    Binding {
        keys: &[ch('p')],
        action: Action::Plan,
        scope: Scope::Incident,
        label: "p",
        help: |s| s.key_plan,
    },
    Binding {
        keys: &[ch('r')],
        action: Action::Resolve,
        scope: Scope::Incident,
        label: "r",
        help: |s| s.key_resolve,
    },
    Binding {
        keys: &[ch('N')],
        action: Action::Note,
        scope: Scope::Incident,
        label: "N",
        help: |s| s.key_note,
    },
    Binding {
        keys: &[ch('R')],
        action: Action::Reclassify,
        scope: Scope::Incident,
        label: "R",
        help: |s| s.key_reclassify,
    },
    Binding {
        keys: &[ch('n')],
        action: Action::New,
        scope: Scope::Global,
        label: "n",
        help: |s| s.key_new,
    },
    Binding {
        keys: &[ch('?')],
        action: Action::Help,
        scope: Scope::Global,
        label: "?",
        help: |s| s.key_help,
    },
    Binding {
        keys: &[ch('q'), ctrl('c')],
        action: Action::Quit,
        scope: Scope::Global,
        label: "q",
        help: |s| s.key_quit,
    },
    Binding {
        keys: &[
            code(KeyCode::PageDown),
            code(KeyCode::PageUp),
            code(KeyCode::Home),
            code(KeyCode::End),
        ],
        action: Action::PageDown,
        scope: Scope::Global,
        label: "PgUp/PgDn",
        help: |s| s.key_page,
    },
    Binding {
        keys: &[ch('d')],
        action: Action::OpenDaily,
        scope: Scope::Global,
        label: "d",
        help: |s| s.key_daily,
    },
    Binding {
        keys: &[ch('h')],
        action: Action::OpenHandover,
        scope: Scope::Global,
        label: "h",
        help: |s| s.key_handover,
    },
    Binding {
        keys: &[ch('s')],
        action: Action::OpenScore,
        scope: Scope::Global,
        label: "s",
        help: |s| s.key_score,
    },
    Binding {
        keys: &[ch('/')],
        action: Action::OpenFilter,
        scope: Scope::Dashboard,
        label: "/",
        help: |s| s.key_filter,
    },
    Binding {
        keys: &[ch('t')],
        action: Action::OpenNotifications,
        scope: Scope::Global,
        label: "t",
        help: |s| s.key_notify,
    },
];

/// The action of a key on the dashboard or a detail view, if the key means something there.
pub fn lookup(key: &KeyEvent, cx: Context) -> Option<Action> {
    let binding = KEYMAP
        .iter()
        .find(|b| b.scope.applies(cx) && b.keys.iter().any(|k| k.matches(key)))?;
    // The paging binding stands for four keys; which one decides the direction.
    Some(match (&binding.action, key.code) {
        (Action::PageDown, KeyCode::PageUp) => Action::PageUp,
        (Action::PageDown, KeyCode::Home) => Action::Top,
        (Action::PageDown, KeyCode::End) => Action::Bottom,
        (action, _) => action.clone(),
    })
}

/// The bindings to show in the footer right now.
pub fn footer(cx: Context) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |b| !b.label.is_empty() && b.scope.applies(cx))
}
