//! Long reads — the whole incident history, a score or report over a quarter, a day's figures, the audit
//! check, a backup — run on tokio's blocking pool with a read handle on the store, and answer from there; the
//! engine task goes on with probe results and other commands meanwhile. Writes never go there: they are applied
//! on the engine task and answered once durable (`durable`). A write that needs a long read first (a daily
//! record's figures) reads off the task and comes back to the engine task to write.

use tokio::sync::oneshot;

use super::{Engine, EngineError, RecordsReply, Reply, StoreReply};

/// A read to finish off the engine task.
pub(super) type Read = Box<dyn FnOnce() -> Result<Reply, EngineError> + Send>;

/// What is left of a command once its long read is done: run on the engine task.
pub(super) type Finish = Box<dyn FnOnce(&mut Engine) -> Work + Send>;

/// A read off the engine task whose result finishes the command on it.
pub(super) type ReadThen = Box<dyn FnOnce() -> Finish + Send>;

/// A finished read on its way back to the engine task, with where its answer goes.
pub(super) struct Finishing {
    pub(super) finish: Finish,
    pub(super) reply: oneshot::Sender<Result<Reply, EngineError>>,
}

/// What the engine made of a command.
pub(super) enum Work {
    /// Answered on the engine task.
    Done(Result<Reply, EngineError>),
    /// A long read, answered when it comes back.
    Read(Read),
    /// A long read, then the rest of the command on the engine task.
    ReadThen(ReadThen),
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

    /// Runs `read` off the engine task, then `finish` with its result on it.
    pub(super) fn read_then<T: Send + 'static>(
        read: impl FnOnce() -> T + Send + 'static,
        finish: impl FnOnce(&mut Engine, T) -> Work + Send + 'static,
    ) -> Work {
        Work::ReadThen(Box::new(move || {
            let value = read();
            Box::new(move |engine: &mut Engine| finish(engine, value))
        }))
    }
}

impl Engine {
    /// Answers `work` now, or sends it where it finishes: the blocking pool, then the answer (or the rest of
    /// the command, back through `finishing`). Called once what was written before is durable (`dispatch`);
    /// `wrote`: the command's own turn wrote, so its success says the store takes writes again.
    pub(super) fn answer(
        &mut self,
        work: Work,
        reply: oneshot::Sender<Result<Reply, EngineError>>,
        wrote: bool,
    ) {
        match work {
            Work::Done(result) => {
                if wrote || result.is_err() {
                    self.note_result(&result);
                }
                self.publish();
                let _ = reply.send(result);
            }
            Work::Read(read) => {
                self.publish();
                self.reads.retain(|r| !r.is_finished());
                self.reads.push(tokio::task::spawn_blocking(move || {
                    let _ = reply.send(read());
                }));
            }
            Work::ReadThen(read) => {
                self.publish();
                self.reads.retain(|r| !r.is_finished());
                let back = self.finishing.0.clone();
                self.reads.push(tokio::task::spawn_blocking(move || {
                    let finish = read();
                    // The engine is gone when this fails; the reply is dropped with it and the caller told so.
                    let _ = back.send(Finishing { finish, reply });
                }));
            }
        }
    }
}
