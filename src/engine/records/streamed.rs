//! The quarterly report for a client of the daemon, written as the quarter is read: its production is recorded
//! on the engine task like any write, then the document is written off it, from a read handle on the store,
//! into chunks sent through a bounded channel. A reader that falls behind holds the writing up rather than
//! making the daemon keep the document; one that goes away ends it, and whatever it held is let go.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::RecordsReply;
use crate::engine::long_read::Work;
use crate::engine::{Command, Engine, EngineError, RecordsCommand};
use crate::model::{Actor, Quarter};
use crate::report::Format;
use crate::report::quarterly::stream::{self, WriteError};

/// The most bytes in one chunk.
pub const CHUNK: usize = 64 * 1024;

/// Where a streamed report goes: its format, and the channel its chunks are sent on in order. The channel's
/// bound is how far the writing may run ahead of the reader.
#[derive(Debug)]
pub struct ReportSink {
    pub format: Format,
    pub chunks: mpsc::Sender<Vec<u8>>,
}

impl Engine {
    /// `command` (the quarterly report, the only document streamed) with its bytes sent to `sink`; answered
    /// with [`RecordsReply::QuarterlyStreamed`] once the last chunk is sent.
    pub(in crate::engine) fn stream_report(
        &mut self,
        actor: &Actor,
        command: Command,
        sink: ReportSink,
    ) -> Work {
        let Command::Records(RecordsCommand::QuarterlyReport { quarter }) = command else {
            return Work::failed(EngineError::Report(
                "only the quarterly report is sent in chunks".into(),
            ));
        };
        let now = self.clock.now();
        let quarter = quarter.unwrap_or_else(|| Quarter::of_day(self.policy.calendar.local_day(now)));
        let quarter = match self.record_quarterly(actor, quarter, now) {
            Ok(q) => q,
            Err(e) => return Work::failed(e),
        };
        self.records_changed();
        let (store, config, by) = (self.store.reader(), self.config.clone(), actor.clone());
        Work::records(move || {
            let mut out = Chunks::new(sink.chunks);
            let made = (quarter, now, &by);
            let written = stream::from_store(&store, &config, made, sink.format, &mut out)
                .and_then(|(_, listed)| Ok(out.flush().map(|()| listed)?));
            match written {
                Ok(listed) => Ok(streamed(quarter, now, by, listed)),
                Err(WriteError::Store(e)) => Err(e.into()),
                Err(WriteError::Io(e)) => Err(EngineError::Report(e.to_string())),
            }
        })
    }
}

fn streamed(quarter: Quarter, at: DateTime<Utc>, by: Actor, listed: usize) -> RecordsReply {
    RecordsReply::QuarterlyStreamed {
        quarter,
        at,
        by,
        listed,
    }
}

/// A writer that cuts what it is given into chunks of [`CHUNK`] bytes and sends each one, waiting while the
/// channel is full. Used off the async tasks only (it blocks).
struct Chunks {
    buffer: Vec<u8>,
    to: mpsc::Sender<Vec<u8>>,
}

impl Chunks {
    fn new(to: mpsc::Sender<Vec<u8>>) -> Chunks {
        Chunks {
            buffer: Vec::with_capacity(CHUNK),
            to,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        let full = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.to
            .blocking_send(full)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client stopped reading the report"))
    }
}

impl Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let taken = buf.len().min(room);
        self.buffer.extend_from_slice(&buf[..taken]);
        if self.buffer.len() == CHUNK {
            self.send()?;
        }
        Ok(taken)
    }

    /// Sends what is buffered as a (shorter) chunk.
    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_cut_into_full_chunks_in_order_and_the_rest_is_sent_at_flush() {
        let (tx, mut rx) = mpsc::channel(16);
        let bytes: Vec<u8> = (0..(2 * CHUNK + 100)).map(|i| (i % 251) as u8).collect();
        let mut out = Chunks::new(tx);
        out.write_all(&bytes[..10]).unwrap();
        out.write_all(&bytes[10..]).unwrap();
        let mut got = Vec::new();
        let mut sizes = Vec::new();
        while let Ok(chunk) = rx.try_recv() {
            sizes.push(chunk.len());
            got.extend(chunk);
        }
        assert_eq!(sizes, [CHUNK, CHUNK], "the rest waits for flush");
        out.flush().unwrap();
        let rest = rx.try_recv().unwrap();
        assert_eq!(rest.len(), 100);
        got.extend(rest);
        assert_eq!(got, bytes);
        out.flush().unwrap();
        assert!(rx.try_recv().is_err(), "nothing left: no empty chunk");
    }

    #[test]
    fn a_reader_that_went_away_stops_the_writing() {
        let (tx, rx) = mpsc::channel(1);
        drop(rx);
        let mut out = Chunks::new(tx);
        let err = out.write_all(&vec![0; CHUNK]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
