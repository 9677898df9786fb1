//! UNION ALL: the inputs' morsels one after another.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::physical::ExecutionPlan;

/// Concatenates inputs.
#[derive(Debug)]
pub struct UnionExec {
    inputs: Vec<Arc<dyn ExecutionPlan>>,
    schema: SchemaRef,
}

impl UnionExec {
    /// A union of inputs whose columns already have the output's types.
    pub fn new(inputs: Vec<Arc<dyn ExecutionPlan>>, schema: SchemaRef) -> Self {
        Self { inputs, schema }
    }
}

impl ExecutionPlan for UnionExec {
    fn name(&self) -> &'static str {
        "UnionExec"
    }

    fn describe(&self) -> String {
        String::new()
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        self.inputs.iter().collect()
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let mut tasks = Vec::new();
        for input in &self.inputs {
            let schema = self.schema.clone();
            // Re-label batches with the union's schema (names come from the first input).
            tasks.extend(
                input
                    .execute(ctx)?
                    .map(move |bs| {
                        bs.into_iter()
                            .map(|b| Ok(RecordBatch::try_new(schema.clone(), b.columns().to_vec())?))
                            .collect()
                    })
                    .tasks,
            );
        }
        Ok(Tasks { tasks })
    }
}
