//! The recent samples of one check, for the sparkline and the "now" and p95 latency columns.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// Samples kept per check: two minutes at 1 s, an hour at 30 s; wider than any sparkline.
pub const RING_LEN: usize = 120;

/// One probe as the latency columns see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub latency_ms: u64,
    /// Up or degraded: the service answered.
    pub ok: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Ring {
    samples: VecDeque<Sample>,
}

impl Ring {
    pub fn push(&mut self, sample: Sample) {
        if self.samples.len() == RING_LEN {
            self.samples.pop_front();
        }
        self.samples.push_back(sample);
    }

    /// Oldest first.
    pub fn samples(&self) -> impl DoubleEndedIterator<Item = &Sample> + ExactSizeIterator {
        self.samples.iter()
    }

    /// The latest latency, if the latest probe answered.
    pub fn current_ms(&self) -> Option<u64> {
        self.samples.back().filter(|s| s.ok).map(|s| s.latency_ms)
    }

    /// 95th percentile (nearest rank) of the latencies of the probes that answered; a timeout's latency is
    /// the timeout, which says nothing about the service's speed.
    pub fn p95_ms(&self) -> Option<u64> {
        let mut answered: Vec<u64> = self
            .samples
            .iter()
            .filter(|s| s.ok)
            .map(|s| s.latency_ms)
            .collect();
        if answered.is_empty() {
            return None;
        }
        answered.sort_unstable();
        let rank = (answered.len() * 95).div_ceil(100);
        answered.get(rank.saturating_sub(1)).copied()
    }

    /// Latencies oldest first, failures as 0 (the sparkline's gap).
    pub fn sparkline(&self) -> Vec<u64> {
        self.samples
            .iter()
            .map(|s| if s.ok { s.latency_ms } else { 0 })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(latency_ms: u64, ok: bool) -> Sample {
        Sample {
            at: DateTime::<Utc>::MIN_UTC,
            latency_ms,
            ok,
        }
    }

    #[test]
    fn p95_is_the_nearest_rank_of_answered_probes() {
        let mut ring = Ring::default();
        assert_eq!(ring.p95_ms(), None);
        for ms in 1..=100 {
            ring.push(sample(ms, true));
        }
        ring.push(sample(10_000, false));
        assert_eq!(ring.p95_ms(), Some(95));
        assert_eq!(ring.current_ms(), None);
        ring.push(sample(7, true));
        assert_eq!(ring.current_ms(), Some(7));
    }

    #[test]
    fn the_ring_keeps_only_the_latest_samples() {
        let mut ring = Ring::default();
        for ms in 0..(RING_LEN as u64 + 5) {
            ring.push(sample(ms, ms % 2 == 0));
        }
        let line = ring.sparkline();
        assert_eq!(line.len(), RING_LEN);
        assert_eq!(line[0], 0); // 5 was odd: a failure shows as 0
        assert_eq!(line[1], 6);
        assert_eq!(ring.samples().next().map(|s| s.latency_ms), Some(5));
    }
}
