//! A table source that counts the rows scanned from it. The runner registers sources and
//! materialized steps through it, so each step's report can say how many rows it read
//! (the rows its scans produced, after Parquet row-group pruning and projection, before
//! the plan's filters).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::logical::{Morsel, ScanRequest, TableSource, TableSourceRef};
use quiver_engine::Result;

/// Wraps a source, counting the rows its morsels return.
#[derive(Debug)]
pub struct CountingSource {
    inner: TableSourceRef,
    label: Option<String>,
    rows: Arc<AtomicU64>,
}

impl CountingSource {
    /// Wraps `inner`; `label`, when given, replaces its description in EXPLAIN output.
    pub fn new(inner: TableSourceRef, label: Option<String>) -> Self {
        Self::with_counter(inner, label, Arc::new(AtomicU64::new(0)))
    }

    /// Wraps `inner`, adding to an existing counter (a source opened again after a
    /// failed attempt keeps its count).
    pub fn with_counter(
        inner: TableSourceRef,
        label: Option<String>,
        rows: Arc<AtomicU64>,
    ) -> Self {
        Self { inner, label, rows }
    }

    /// The counter of rows scanned so far.
    pub fn counter(&self) -> Arc<AtomicU64> {
        self.rows.clone()
    }
}

impl TableSource for CountingSource {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }

    fn describe(&self) -> String {
        match &self.label {
            Some(label) => label.clone(),
            None => self.inner.describe(),
        }
    }

    fn estimated_rows(&self) -> Option<usize> {
        self.inner.estimated_rows()
    }

    fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>> {
        Ok(self
            .inner
            .morsels(request)?
            .into_iter()
            .map(|inner| {
                Box::new(CountingMorsel {
                    inner,
                    rows: self.rows.clone(),
                }) as Box<dyn Morsel>
            })
            .collect())
    }
}

struct CountingMorsel {
    inner: Box<dyn Morsel>,
    rows: Arc<AtomicU64>,
}

impl Morsel for CountingMorsel {
    fn read(&self) -> Result<Vec<RecordBatch>> {
        let batches = self.inner.read()?;
        let n: usize = batches.iter().map(|b| b.num_rows()).sum();
        self.rows.fetch_add(n as u64, Ordering::Relaxed);
        Ok(batches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};
    use quiver_engine::io::MemoryTable;

    #[test]
    fn counts_scanned_rows() {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int64Array::from_iter_values(0..10))],
        )
        .unwrap();
        let table = MemoryTable::try_new(schema, vec![batch]).unwrap();
        let source = CountingSource::new(Arc::new(table), Some("step `x`".into()));
        let counter = source.counter();
        let request = ScanRequest {
            batch_size: 4,
            ..Default::default()
        };
        for m in source.morsels(&request).unwrap() {
            m.read().unwrap();
        }
        assert_eq!(counter.load(Ordering::Relaxed), 10);
        assert_eq!(source.describe(), "step `x`");
    }
}
