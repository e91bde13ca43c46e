//! The records pages (daily record, handover, score) and the notifications page: opening one asks the engine for
//! its content, the answer fills it, and a save from the page's form brings the new content with it. An open page
//! is asked again every half minute so what it shows (and what it exports) stays current.

use chrono::Duration;

use super::{App, Effect, Flash, Message, Page, PageContent, View};
use crate::engine::{Command, RecordsCommand, RecordsReply, Reply, StoreCommand, StoreReply};
use crate::report::handover;
use crate::tui::form::Form;

/// How old an open page's content may get before it is asked for again.
pub const PAGE_REFRESH: Duration = Duration::seconds(30);
/// How many outbox entries the notifications page asks for (newest first).
pub const OUTBOX_LIMIT: usize = 200;

impl App {
    /// Shows `page` and asks the engine for its current content.
    pub(super) fn open_page(&mut self, page: Page) -> Effect {
        if self.ui.page.page() != Some(page) {
            self.ui.page = PageContent::Loading;
        }
        if self.ui.view != View::Records(page) {
            self.ui.detail_scroll = 0;
        }
        self.ui.view = View::Records(page);
        self.request(match page {
            Page::Daily => Command::Records(RecordsCommand::DailyView { date: None }),
            Page::Handover => Command::Records(RecordsCommand::HandoverSummary {
                since: None,
                notes: None,
            }),
            Page::Score => Command::Records(RecordsCommand::Score { quarter: None }),
            Page::Notifications => Command::Store(StoreCommand::Outbox { limit: OUTBOX_LIMIT }),
        })
    }

    /// The same page asked again for what it shows now (the same day or quarter).
    pub(super) fn refresh_page(&mut self) -> Option<Effect> {
        let View::Records(page) = self.ui.view else {
            return None;
        };
        let command = match &self.ui.page {
            PageContent::Daily(v) => RecordsCommand::DailyView { date: Some(v.date) },
            PageContent::Score(s) => RecordsCommand::Score {
                quarter: Some(s.quarter),
            },
            _ => return Some(self.open_page(page)),
        };
        Some(self.request(Command::Records(command)))
    }

    fn request(&mut self, command: Command) -> Effect {
        let token = self.take_token();
        self.ui.page_request = Some(token);
        self.page_asked = Some(self.now);
        Effect::Execute { token, command }
    }

    /// Asks an open page again when its content is older than [`PAGE_REFRESH`] and nothing is pending.
    pub(super) fn page_due(&mut self) -> Option<Effect> {
        let stale = self.page_asked.is_none_or(|at| self.now - at >= PAGE_REFRESH);
        (matches!(self.ui.view, View::Records(_)) && self.ui.page_request.is_none() && stale)
            .then(|| self.refresh_page())
            .flatten()
    }

    /// Takes the answer to a page request; false when `token` was not one. A save's answer (a records form)
    /// also refreshes the page but is otherwise left to the form.
    pub(super) fn page_reply(&mut self, token: u64, result: &Result<Box<Reply>, String>) -> bool {
        let asked = self.ui.page_request == Some(token);
        if asked {
            self.ui.page_request = None;
        }
        match result {
            Ok(reply) => match reply.as_ref() {
                Reply::Records(records) => self.absorb(records),
                // Only the page asks the store for the outbox; any other store answer is not for a page.
                Reply::Store(store) if asked => {
                    if let StoreReply::Outbox(entries) = store.as_ref() {
                        self.show(PageContent::Outbox(entries.clone()));
                    }
                }
                Reply::Store(_) | Reply::Incident(_) | Reply::Intake(_) => {}
            },
            Err(e) if asked => self.ui.page = PageContent::Failed(e.clone()),
            Err(_) => {}
        }
        asked
    }

    /// After a handover is recorded, the handover page in view is asked again.
    pub(super) fn after_save(&mut self, result: &Result<Box<Reply>, String>) -> Option<Effect> {
        let recorded = matches!(result, Ok(reply) if matches!(reply.as_ref(),
            Reply::Records(r) if matches!(r.as_ref(), RecordsReply::HandoverRecorded { .. })));
        (recorded && self.ui.view == View::Records(Page::Handover))
            .then(|| self.refresh_page())
            .flatten()
    }

    /// Puts what the engine answered on the page, if that page is the one in view.
    fn absorb(&mut self, reply: &RecordsReply) {
        let content = match reply {
            RecordsReply::Daily(v) => PageContent::Daily(Box::new(v.clone())),
            RecordsReply::Handover(s) => PageContent::Handover(Box::new(s.clone())),
            // The summary that was handed over predates the handover: the page is asked again instead
            // (`App::reply`), so it shows the handover just recorded.
            RecordsReply::HandoverRecorded { .. } => return,
            RecordsReply::Score(s) => PageContent::Score(Box::new(s.clone())),
            RecordsReply::Monthly(_)
            | RecordsReply::Advice(_)
            | RecordsReply::Quarterly(_)
            | RecordsReply::QuarterlyRecorded { .. }
            | RecordsReply::QuarterlyStreamed { .. }
            | RecordsReply::Contract(_) => return,
        };
        self.show(content);
    }

    fn show(&mut self, content: PageContent) {
        if content.page().map(View::Records) == Some(self.ui.view.clone()) {
            self.ui.page = content;
        }
    }

    /// `e` on a page: the daily record's form, or the handover's.
    pub(super) fn edit_page(&mut self) {
        match (&self.ui.view, &self.ui.page) {
            (View::Records(Page::Daily), PageContent::Daily(v)) => self.ui.form = Some(Form::daily(v)),
            (View::Records(Page::Handover), PageContent::Handover(_)) => {
                self.ui.form = Some(Form::handover());
            }
            _ => self.flash(Message::PageLoading),
        }
    }

    /// The day or quarter before (`by` < 0) or after the one in view; never past today or this quarter.
    pub(super) fn browse(&mut self, by: i32) -> Option<Effect> {
        let command = match (&self.ui.view, &self.ui.page) {
            (View::Records(Page::Daily), PageContent::Daily(v)) => {
                let day = match by {
                    ..0 => v.date.pred_opt()?,
                    _ if v.is_today => return None,
                    _ => v.date.succ_opt()?,
                };
                RecordsCommand::DailyView { date: Some(day) }
            }
            (View::Records(Page::Score), PageContent::Score(s)) => {
                let quarter = match by {
                    ..0 => s.quarter.prev(),
                    _ if !s.finished => return None,
                    _ => s.quarter.next(),
                };
                RecordsCommand::Score {
                    quarter: Some(quarter),
                }
            }
            _ => return None,
        };
        self.ui.detail_scroll = 0;
        Some(self.request(Command::Records(command)))
    }

    /// The handover as Markdown: to the clipboard (`copy`) or to a file named after the time it was made.
    pub(super) fn export(&mut self, copy: bool) -> Option<Effect> {
        let (View::Records(Page::Handover), PageContent::Handover(summary)) = (&self.ui.view, &self.ui.page)
        else {
            self.flash(Message::PageLoading);
            return None;
        };
        let text = handover::markdown(summary);
        if copy {
            let chars = text.chars().count();
            self.flash(Message::Copied(chars));
            return Some(Effect::Copy(text));
        }
        let local = summary.generated_at.with_timezone(&summary.timezone);
        Some(Effect::Export {
            name: format!("handover-{}.md", local.format("%Y%m%d-%H%M")),
            text,
        })
    }

    pub(super) fn flash(&mut self, message: Message) {
        self.ui.flash = Some(Flash {
            message,
            until: self.now + super::FLASH_FOR,
        });
    }
}
