//! Unnest: one output row per element of a list column, streaming per morsel.

use std::sync::Arc;

use arrow::array::{Array, AsArray, UInt32Array};
use arrow::compute::take;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::physical::ExecutionPlan;

/// Expands a list column.
#[derive(Debug)]
pub struct UnnestExec {
    column: usize,
    schema: SchemaRef,
    input: Arc<dyn ExecutionPlan>,
}

impl UnnestExec {
    /// Unnests input column `column`; `schema` has the element type in its place.
    pub fn new(column: usize, schema: SchemaRef, input: Arc<dyn ExecutionPlan>) -> Self {
        Self {
            column,
            schema,
            input,
        }
    }
}

/// Unnests one batch.
pub fn unnest_batch(batch: &RecordBatch, column: usize, schema: &SchemaRef) -> Result<RecordBatch> {
    let list = batch.column(column);
    let (rows, values): (Vec<u32>, Vec<u32>) = match list.data_type() {
        arrow::datatypes::DataType::LargeList(_) => {
            let l = list.as_list::<i64>();
            (0..l.len())
                .filter(|r| l.is_valid(*r))
                .flat_map(|r| {
                    (l.value_offsets()[r]..l.value_offsets()[r + 1])
                        .map(move |i| (r as u32, i as u32))
                })
                .unzip()
        }
        _ => {
            let l = list.as_list::<i32>();
            (0..l.len())
                .filter(|r| l.is_valid(*r))
                .flat_map(|r| {
                    (l.value_offsets()[r]..l.value_offsets()[r + 1])
                        .map(move |i| (r as u32, i as u32))
                })
                .unzip()
        }
    };
    let rows = UInt32Array::from(rows);
    let values = UInt32Array::from(values);
    let child = match list.data_type() {
        arrow::datatypes::DataType::LargeList(_) => list.as_list::<i64>().values().clone(),
        _ => list.as_list::<i32>().values().clone(),
    };
    let columns = batch
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == column {
                take(child.as_ref(), &values, None)
            } else {
                take(c.as_ref(), &rows, None)
            }
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

impl ExecutionPlan for UnnestExec {
    fn name(&self) -> &'static str {
        "UnnestExec"
    }

    fn describe(&self) -> String {
        self.schema.field(self.column).name().clone()
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let (column, schema) = (self.column, self.schema.clone());
        Ok(self.input.execute(ctx)?.map(move |batches| {
            batches
                .iter()
                .map(|b| unnest_batch(b, column, &schema))
                .collect()
        }))
    }
}
