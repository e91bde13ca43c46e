//! A metric family whose series come out sorted by their labels. `prometheus_client`'s own `Family` keeps its
//! series in a `HashMap` and writes them in hash order, so two scrapes of the same state could differ and a
//! reader (or a diff) could not find a series by eye.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric, MetricEncoder};
use prometheus_client::metrics::{MetricType, TypedMetric};

/// Series of one metric by label set, in label order: label sets of one family share their names in the same
/// order, so this is the order of their values.
pub struct Series<L, M> {
    series: Arc<RwLock<BTreeMap<L, M>>>,
    make: fn() -> M,
}

impl<L: Ord + Clone, M: Clone> Series<L, M> {
    pub fn new(make: fn() -> M) -> Self {
        Series {
            series: Arc::default(),
            make,
        }
    }

    /// The series of `labels`, made on first use. Counters, gauges and histograms share their value
    /// between clones, so what is done to the one returned is done to the series.
    pub fn get_or_create(&self, labels: &L) -> M {
        if let Some(m) = self
            .series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(labels)
        {
            return m.clone();
        }
        self.series
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(labels.clone())
            .or_insert_with(self.make)
            .clone()
    }
}

impl<L, M: Default> Default for Series<L, M> {
    fn default() -> Self {
        Series {
            series: Arc::default(),
            make: M::default,
        }
    }
}

impl<L, M> Clone for Series<L, M> {
    fn clone(&self) -> Self {
        Series {
            series: Arc::clone(&self.series),
            make: self.make,
        }
    }
}

impl<L: fmt::Debug, M: fmt::Debug> fmt::Debug for Series<L, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_map().entries(series.iter()).finish()
    }
}

impl<L, M: TypedMetric> TypedMetric for Series<L, M> {
    const TYPE: MetricType = M::TYPE;
}

impl<L: EncodeLabelSet, M: EncodeMetric + TypedMetric> EncodeMetric for Series<L, M> {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), fmt::Error> {
        let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
        for (labels, metric) in series.iter() {
            metric.encode(encoder.encode_family(labels)?)?;
        }
        Ok(())
    }

    fn metric_type(&self) -> MetricType {
        M::TYPE
    }

    fn is_empty(&self) -> bool {
        self.series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }
}
