//! Scanning files with hive partition columns: splitting a requested projection into the
//! columns read from the file and the constant partition columns, assembling output batches,
//! and pruning whole files by filters on partition columns.
//!
//! Every file-based source (CSV, Parquet, NDJSON, IPC) uses [`ScanColumns`], so the table
//! schema is always "file columns, then partition columns" and projections may mix both.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::io::listing::FileListing;
use crate::io::pruning::{prune, PruningStatistics};
use crate::types::ScalarValue;

#[derive(Debug, Clone, Copy)]
enum OutputColumn {
    /// The n-th column of the batch read from the file.
    File(usize),
    /// The n-th partition value.
    Partition(usize),
}

/// How one scan maps file columns and partition values to output columns.
#[derive(Debug)]
pub(crate) struct ScanColumns {
    /// File column indices to read, ascending and without duplicates. Empty when only
    /// row counts (or partition columns) are needed.
    file_columns: Vec<usize>,
    outputs: Vec<OutputColumn>,
    output_schema: SchemaRef,
}

impl ScanColumns {
    /// Plans a projection over `table_schema`, whose first `num_file_columns` columns come
    /// from the files and the rest from partition values.
    pub(crate) fn try_new(
        table_schema: &SchemaRef,
        num_file_columns: usize,
        projection: Option<&[usize]>,
    ) -> Result<Self> {
        let all: Vec<usize> = (0..table_schema.fields().len()).collect();
        let projection = projection.unwrap_or(&all);
        if let Some(bad) = projection
            .iter()
            .find(|i| **i >= table_schema.fields().len())
        {
            return Err(crate::internal_err!(
                "scan projection index {bad} is out of range for a table with {} columns",
                table_schema.fields().len()
            ));
        }
        let mut file_columns: Vec<usize> = projection
            .iter()
            .copied()
            .filter(|i| *i < num_file_columns)
            .collect();
        file_columns.sort_unstable();
        file_columns.dedup();
        let outputs = projection
            .iter()
            .map(|&i| {
                if i < num_file_columns {
                    // `file_columns` holds `i`, so the search succeeds.
                    OutputColumn::File(file_columns.binary_search(&i).unwrap_or(0))
                } else {
                    OutputColumn::Partition(i - num_file_columns)
                }
            })
            .collect();
        let output_schema = Arc::new(table_schema.project(projection)?);
        Ok(Self {
            file_columns,
            outputs,
            output_schema,
        })
    }

    /// The file columns to read, ascending.
    pub(crate) fn file_columns(&self) -> &[usize] {
        &self.file_columns
    }

    /// Builds an output batch from a batch holding [`file_columns`](Self::file_columns) (in
    /// that order; when none are needed, any batch with the right row count).
    pub(crate) fn assemble(
        &self,
        batch: &RecordBatch,
        partition_values: &[ScalarValue],
    ) -> Result<RecordBatch> {
        let rows = batch.num_rows();
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.outputs.len());
        for out in &self.outputs {
            columns.push(match *out {
                OutputColumn::File(i) => batch
                    .columns()
                    .get(i)
                    .cloned()
                    .ok_or_else(|| crate::internal_err!("file batch lacks column {i}"))?,
                OutputColumn::Partition(i) => partition_values
                    .get(i)
                    .ok_or_else(|| crate::internal_err!("missing partition value {i}"))?
                    .to_array(rows)?,
            });
        }
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        RecordBatch::try_new_with_options(self.output_schema.clone(), columns, &options).map_err(
            |e| {
                Error::Schema(format!(
                    "a batch read does not match the table schema {}: {e}",
                    self.output_schema
                ))
            },
        )
    }

    /// An output batch of `rows` rows for a scan that reads no file column.
    pub(crate) fn assemble_count(
        &self,
        rows: usize,
        partition_values: &[ScalarValue],
    ) -> Result<RecordBatch> {
        let empty = RecordBatch::try_new_with_options(
            Arc::new(Schema::empty()),
            vec![],
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )?;
        self.assemble(&empty, partition_values)
    }
}

/// Indices of the files of a listing whose partition values may satisfy `filters` (all
/// files when the listing has no partition columns).
pub(crate) fn prune_files(listing: &FileListing, filters: &[Expr]) -> Vec<usize> {
    if listing.partition_fields().is_empty() || filters.is_empty() {
        return (0..listing.files().len()).collect();
    }
    let keep = prune(filters, &PartitionStats { listing });
    keep.into_iter()
        .enumerate()
        .filter_map(|(i, k)| k.then_some(i))
        .collect()
}

/// Partition values seen as statistics: min = max = the value of each file.
struct PartitionStats<'a> {
    listing: &'a FileListing,
}

impl PartitionStats<'_> {
    fn index(&self, column: &str) -> Option<usize> {
        self.listing
            .partition_fields()
            .iter()
            .position(|f| f.name() == column)
    }

    fn values(&self, column: &str) -> Option<ArrayRef> {
        let i = self.index(column)?;
        let arrays: Vec<&dyn Array> = self
            .listing
            .files()
            .iter()
            .map(|f| f.partition_values()[i].as_array().as_ref())
            .collect();
        arrow::compute::concat(&arrays).ok()
    }
}

impl PruningStatistics for PartitionStats<'_> {
    fn num_containers(&self) -> usize {
        self.listing.files().len()
    }
    fn min_values(&self, column: &str) -> Option<ArrayRef> {
        self.values(column)
    }
    fn max_values(&self, column: &str) -> Option<ArrayRef> {
        self.values(column)
    }
    fn bounds_exact(&self, column: &str) -> Option<BooleanArray> {
        self.index(column)
            .map(|_| BooleanArray::from(vec![true; self.num_containers()]))
    }
    fn null_free(&self, column: &str) -> Option<BooleanArray> {
        let v = self.values(column)?;
        Some((0..v.len()).map(|i| Some(v.is_valid(i))).collect())
    }
    fn all_null(&self, column: &str) -> Option<BooleanArray> {
        let v = self.values(column)?;
        Some((0..v.len()).map(|i| Some(v.is_null(i))).collect())
    }
    fn nan_free(&self, column: &str) -> Option<BooleanArray> {
        // Partition values are integers or strings.
        self.index(column)
            .map(|_| BooleanArray::from(vec![true; self.num_containers()]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};

    #[test]
    fn projection_mixes_file_and_partition_columns() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Utf8, true),
            Field::new("year", DataType::Int64, true),
        ]));
        let scan = ScanColumns::try_new(&schema, 2, Some(&[2, 1, 1])).unwrap();
        assert_eq!(scan.file_columns(), &[1]);
        let file_batch = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("b", DataType::Utf8, true)])),
            vec![Arc::new(StringArray::from(vec!["x", "y"]))],
        )
        .unwrap();
        let out = scan
            .assemble(&file_batch, &[ScalarValue::from(2024i64)])
            .unwrap();
        assert_eq!(out.num_columns(), 3);
        assert_eq!(out.schema().field(0).name(), "year");
        let years = out.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(years.values(), &[2024, 2024]);

        let count = ScanColumns::try_new(&schema, 2, Some(&[])).unwrap();
        assert!(count.file_columns().is_empty());
        assert_eq!(count.assemble_count(7, &[]).unwrap().num_rows(), 7);
        assert!(ScanColumns::try_new(&schema, 2, Some(&[9])).is_err());
    }
}
