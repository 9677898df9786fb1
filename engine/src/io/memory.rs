//! [`MemoryTable`]: a table source over record batches held in memory (frames built from
//! Arrow data, `CREATE TABLE AS` results, test fixtures).
//!
//! A scan splits the rows into morsels of at least [`MEMORY_MORSEL_ROWS`] rows (or the
//! requested batch size, if larger), each made of zero-copy slices of the stored batches.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::logical::{Morsel, ScanRequest, TableSource};

/// The least number of rows in one morsel of a [`MemoryTable`] scan.
pub const MEMORY_MORSEL_ROWS: usize = 64 * 1024;

/// A table of record batches in memory.
#[derive(Debug, Clone)]
pub struct MemoryTable {
    schema: SchemaRef,
    batches: Arc<[RecordBatch]>,
    rows: usize,
}

impl MemoryTable {
    /// A table of `batches`, which must all have `schema`'s column names and types.
    pub fn try_new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Result<Self> {
        let mut checked = Vec::with_capacity(batches.len());
        for (i, batch) in batches.into_iter().enumerate() {
            if batch.schema() == schema {
                checked.push(batch);
                continue;
            }
            let found = batch.schema();
            let same_shape = found.fields().len() == schema.fields().len()
                && found
                    .fields()
                    .iter()
                    .zip(schema.fields().iter())
                    .all(|(f, e)| f.name() == e.name() && f.data_type() == e.data_type());
            if !same_shape {
                return Err(Error::Schema(format!(
                    "batch {i} does not match the table schema: expected {schema}, found {found}"
                )));
            }
            // Same names and types, different nullability or metadata: adopt the table's.
            let batch =
                RecordBatch::try_new(schema.clone(), batch.columns().to_vec()).map_err(|e| {
                    Error::Schema(format!("batch {i} does not fit the table schema: {e}"))
                })?;
            checked.push(batch);
        }
        let rows = checked.iter().map(|b| b.num_rows()).sum();
        Ok(Self {
            schema,
            batches: checked.into(),
            rows,
        })
    }

    /// The stored batches.
    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// The number of rows.
    pub fn num_rows(&self) -> usize {
        self.rows
    }
}

impl TableSource for MemoryTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        format!(
            "memory ({} rows, {} batches)",
            self.rows,
            self.batches.len()
        )
    }

    fn estimated_rows(&self) -> Option<usize> {
        Some(self.rows)
    }

    fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>> {
        let ncols = self.schema.fields().len();
        let projection: Vec<usize> = match &request.projection {
            Some(p) => {
                if let Some(bad) = p.iter().find(|i| **i >= ncols) {
                    return Err(crate::internal_err!(
                        "scan projection index {bad} is out of range for a table with {ncols} columns"
                    ));
                }
                p.clone()
            }
            None => (0..ncols).collect(),
        };
        let projection: Arc<[usize]> = projection.into();
        let batch_size = request.batch_size.max(1);
        let morsel_rows = batch_size.max(MEMORY_MORSEL_ROWS);
        let limit = request.limit.unwrap_or(usize::MAX);

        let mut morsels: Vec<Box<dyn Morsel>> = Vec::new();
        let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
        let mut in_morsel = 0usize;
        let mut covered = 0usize;
        let flush = |pieces: &mut Vec<(usize, usize, usize)>,
                     morsels: &mut Vec<Box<dyn Morsel>>| {
            if !pieces.is_empty() {
                morsels.push(Box::new(MemoryMorsel {
                    batches: self.batches.clone(),
                    pieces: std::mem::take(pieces),
                    projection: projection.clone(),
                    batch_size,
                }));
            }
        };
        'outer: for (b, batch) in self.batches.iter().enumerate() {
            let mut offset = 0;
            while offset < batch.num_rows() {
                if covered >= limit {
                    break 'outer;
                }
                let n = (batch.num_rows() - offset)
                    .min(morsel_rows - in_morsel)
                    .min(limit - covered);
                pieces.push((b, offset, n));
                offset += n;
                in_morsel += n;
                covered += n;
                if in_morsel >= morsel_rows {
                    flush(&mut pieces, &mut morsels);
                    in_morsel = 0;
                }
            }
        }
        flush(&mut pieces, &mut morsels);
        Ok(morsels)
    }
}

/// Slices `(batch, offset, len)` of the table's batches.
struct MemoryMorsel {
    batches: Arc<[RecordBatch]>,
    pieces: Vec<(usize, usize, usize)>,
    projection: Arc<[usize]>,
    batch_size: usize,
}

impl Morsel for MemoryMorsel {
    fn read(&self) -> Result<Vec<RecordBatch>> {
        let mut out = Vec::new();
        for &(b, offset, len) in &self.pieces {
            let batch = self.batches[b].project(&self.projection)?;
            let mut start = 0;
            while start < len {
                let n = self.batch_size.min(len - start);
                out.push(batch.slice(offset + start, n));
                start += n;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    fn table(batches: usize, rows: i64) -> MemoryTable {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, false),
            Field::new("b", DataType::Utf8, true),
        ]));
        let bs = (0..batches)
            .map(|i| {
                let start = i as i64 * rows;
                RecordBatch::try_new(
                    schema.clone(),
                    vec![
                        Arc::new(Int64Array::from_iter_values(start..start + rows)),
                        Arc::new(StringArray::from_iter_values(
                            (0..rows).map(|r| r.to_string()),
                        )),
                    ],
                )
                .unwrap()
            })
            .collect();
        MemoryTable::try_new(schema, bs).unwrap()
    }

    #[test]
    fn splits_into_morsels_in_order() {
        let t = table(3, 50_000);
        assert_eq!(t.estimated_rows(), Some(150_000));
        let request = ScanRequest {
            projection: Some(vec![0]),
            batch_size: 10_000,
            ..Default::default()
        };
        let morsels = t.morsels(&request).unwrap();
        assert_eq!(morsels.len(), 3);
        let mut next = 0;
        for m in morsels {
            for b in m.read().unwrap() {
                assert!(b.num_rows() <= 10_000);
                assert_eq!(b.num_columns(), 1);
                let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                for v in a.values() {
                    assert_eq!(*v, next);
                    next += 1;
                }
            }
        }
        assert_eq!(next, 150_000);
    }

    #[test]
    fn limit_and_empty_projection() {
        let t = table(4, 100);
        let request = ScanRequest {
            projection: Some(vec![]),
            limit: Some(250),
            batch_size: 64,
            ..Default::default()
        };
        let rows: usize = t
            .morsels(&request)
            .unwrap()
            .iter()
            .flat_map(|m| m.read().unwrap())
            .map(|b| b.num_rows())
            .sum();
        assert_eq!(rows, 250);
    }

    #[test]
    fn rejects_mismatched_batches() {
        let t = table(1, 3);
        let other = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, false)]));
        let err = MemoryTable::try_new(other, t.batches().to_vec()).unwrap_err();
        assert_eq!(err.category(), "Schema");
    }
}
