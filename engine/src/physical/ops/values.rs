//! Literal rows and the one-row, no-column input of `SELECT 1`.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::physical::ExecutionPlan;

/// Hands out batches computed at planning time.
#[derive(Debug)]
pub struct ValuesExec {
    batches: Vec<RecordBatch>,
    schema: SchemaRef,
}

impl ValuesExec {
    /// Batches with the given schema.
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        Self { batches, schema }
    }
}

impl ExecutionPlan for ValuesExec {
    fn name(&self) -> &'static str {
        "ValuesExec"
    }

    fn describe(&self) -> String {
        format!("{} rows", self.batches.iter().map(|b| b.num_rows()).sum::<usize>())
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn execute(&self, _ctx: &ExecContext) -> Result<Tasks> {
        let batches = self.batches.clone();
        Ok(Tasks {
            tasks: vec![Box::new(move || Ok(batches))],
        })
    }
}
