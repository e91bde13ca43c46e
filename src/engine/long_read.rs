//! Long reads — the whole incident history, a score or report over a quarter, the audit check, a backup — run
//! on tokio's blocking pool with a read handle on the store, and answer from there; the engine task goes on
//! with probe results and other commands meanwhile. Writes never go there: they stay on the engine task and
//! are durable before they are answered (a quarterly report is recorded first, then read).

use super::{EngineError, RecordsReply, Reply, StoreReply};

/// A read to finish off the engine task.
pub(super) type Read = Box<dyn FnOnce() -> Result<Reply, EngineError> + Send>;

/// What the engine made of a command.
pub(super) enum Work {
    /// Answered on the engine task.
    Done(Result<Reply, EngineError>),
    /// A long read, answered when it comes back.
    Read(Read),
}

impl Work {
    pub(super) fn failed(e: EngineError) -> Work {
        Work::Done(Err(e))
    }

    pub(super) fn store(read: impl FnOnce() -> Result<StoreReply, EngineError> + Send + 'static) -> Work {
        Work::Read(Box::new(move || read().map(|r| Reply::Store(Box::new(r)))))
    }

    pub(super) fn records(read: impl FnOnce() -> Result<RecordsReply, EngineError> + Send + 'static) -> Work {
        Work::Read(Box::new(move || read().map(|r| Reply::Records(Box::new(r)))))
    }
}
