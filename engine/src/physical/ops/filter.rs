//! Filter: keeps the rows where the predicate is true (NULL counts as false).

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::physical::{ExecutionPlan, PhysicalExpr};

/// Filters each morsel.
#[derive(Debug)]
pub struct FilterExec {
    predicate: PhysicalExpr,
    display: String,
    input: Arc<dyn ExecutionPlan>,
}

impl FilterExec {
    /// A filter over `input`.
    pub fn new(predicate: PhysicalExpr, display: String, input: Arc<dyn ExecutionPlan>) -> Self {
        Self { predicate, display, input }
    }
}

/// Applies a predicate to one batch.
pub fn filter_batch(predicate: &PhysicalExpr, batch: &RecordBatch) -> Result<RecordBatch> {
    let mask = predicate.evaluate(batch)?;
    let mask = match mask {
        crate::functions::ColumnarValue::Scalar(s) => {
            return Ok(if s.as_bool() == Some(true) { batch.clone() } else { batch.slice(0, 0) });
        }
        crate::functions::ColumnarValue::Array(a) => a,
    };
    if mask.data_type() == &DataType::Null {
        return Ok(batch.slice(0, 0));
    }
    let mask = mask.as_boolean();
    if mask.null_count() == 0 && mask.true_count() == batch.num_rows() {
        return Ok(batch.clone());
    }
    Ok(arrow::compute::filter_record_batch(batch, mask)?)
}

impl ExecutionPlan for FilterExec {
    fn name(&self) -> &'static str {
        "FilterExec"
    }

    fn describe(&self) -> String {
        self.display.clone()
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let predicate = Arc::new(self.predicate.clone());
        Ok(self.input.execute(ctx)?.map(move |batches| {
            batches
                .iter()
                .map(|b| filter_batch(&predicate, b))
                .filter(|r| r.as_ref().map_or(true, |b| b.num_rows() > 0))
                .collect()
        }))
    }
}
