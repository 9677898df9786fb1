//! Sort, and top-k when only the first rows are needed (`ORDER BY .. LIMIT k`).
//!
//! Keys are encoded once in Arrow's row format, so comparing two rows is one `memcmp`
//! whatever the number and types of keys; large inputs sort in parallel on the pool.
//! With a fetch, every morsel is first cut to its own top-k, so the final sort sees at
//! most k rows per morsel.

use std::sync::Arc;

use arrow::array::{ArrayRef, UInt32Array};
use arrow::compute::{concat_batches, take_record_batch, SortOptions};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, SortField};
use rayon::prelude::*;

use super::hash_aggregate::split;
use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::physical::{ExecutionPlan, PhysicalExpr};

/// One sort key.
#[derive(Debug, Clone)]
pub struct SortKey {
    /// What to sort by.
    pub expr: PhysicalExpr,
    /// Direction and NULL placement.
    pub options: SortOptions,
}

/// Sorts rows.
#[derive(Debug)]
pub struct SortExec {
    keys: Vec<SortKey>,
    fetch: Option<usize>,
    display: String,
    input: Arc<dyn ExecutionPlan>,
}

impl SortExec {
    /// A sort of `input`, keeping the first `fetch` rows if given.
    pub fn new(keys: Vec<SortKey>, fetch: Option<usize>, display: String, input: Arc<dyn ExecutionPlan>) -> Self {
        Self { keys, fetch, display, input }
    }
}

/// The permutation that sorts `batch` by `keys` (the first `fetch` positions if given).
pub fn sort_indices(batch: &RecordBatch, keys: &[SortKey], fetch: Option<usize>) -> Result<UInt32Array> {
    let n = batch.num_rows();
    let cols: Vec<ArrayRef> = keys.iter().map(|k| k.expr.evaluate_to_array(batch)).collect::<Result<_>>()?;
    if cols.len() == 1 && !cols[0].data_type().is_nested() {
        return Ok(arrow::compute::sort_to_indices(&cols[0], Some(keys[0].options), fetch)?);
    }
    let fields = cols
        .iter()
        .zip(keys)
        .map(|(c, k)| SortField::new_with_options(c.data_type().clone(), k.options))
        .collect();
    let converter = RowConverter::new(fields)?;
    let rows = converter.convert_columns(&cols)?;
    let mut idx: Vec<u32> = (0..n as u32).collect();
    let cmp = |a: &u32, b: &u32| rows.row(*a as usize).cmp(&rows.row(*b as usize));
    match fetch {
        Some(k) if k < n => {
            if k > 0 {
                idx.select_nth_unstable_by(k - 1, cmp);
            }
            idx.truncate(k);
            idx.sort_by(cmp);
        }
        _ => {
            if n > 100_000 {
                idx.par_sort_by(cmp);
            } else {
                idx.sort_by(cmp);
            }
        }
    }
    Ok(UInt32Array::from(idx))
}

/// Sorts batches into one batch (the first `fetch` rows if given).
pub fn sort_batches(schema: &SchemaRef, batches: &[RecordBatch], keys: &[SortKey], fetch: Option<usize>) -> Result<RecordBatch> {
    let batch = concat_batches(schema, batches)?;
    if batch.num_rows() <= 1 {
        return Ok(batch);
    }
    let idx = sort_indices(&batch, keys, fetch)?;
    Ok(take_record_batch(&batch, &idx)?)
}

impl ExecutionPlan for SortExec {
    fn name(&self) -> &'static str {
        if self.fetch.is_some() {
            "TopKExec"
        } else {
            "SortExec"
        }
    }

    fn describe(&self) -> String {
        match self.fetch {
            Some(f) => format!("{} fetch={f}", self.display),
            None => self.display.clone(),
        }
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let schema = self.input.schema();
        let mut tasks = self.input.execute(ctx)?;
        if let Some(k) = self.fetch {
            let (keys, schema) = (Arc::new(self.keys.clone()), schema.clone());
            tasks = tasks.map(move |bs| {
                if bs.is_empty() {
                    return Ok(bs);
                }
                Ok(vec![sort_batches(&schema, &bs, &keys, Some(k))?])
            });
        }
        let batches = tasks.collect(ctx)?;
        let sorted = ctx.pool().install(|| sort_batches(&schema, &batches, &self.keys, self.fetch))?;
        Ok(Tasks::ready(split(sorted, ctx.batch_size())))
    }
}
