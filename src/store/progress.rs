//! How far a long pass over the store or a backup has come, for whoever shows it (the command line draws a
//! bar on a terminal). The store only reports; it never waits on the listener.

/// Told of each stage of a long pass and of each unit of work done in it.
pub trait Progress {
    /// A new stage: what it does, and how many units (records, bytes) it has, when known.
    fn stage(&self, what: &str, total: Option<u64>);
    /// `n` more units done in the current stage.
    fn advance(&self, n: u64);
}

/// Nobody is watching.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}
