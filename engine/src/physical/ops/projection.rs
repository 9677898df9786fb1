//! Projection: computes output columns from each row.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::physical::{ExecutionPlan, PhysicalExpr};

/// Evaluates expressions per morsel.
#[derive(Debug)]
pub struct ProjectionExec {
    exprs: Vec<PhysicalExpr>,
    display: String,
    schema: SchemaRef,
    input: Arc<dyn ExecutionPlan>,
}

impl ProjectionExec {
    /// A projection with the given output schema.
    pub fn new(exprs: Vec<PhysicalExpr>, display: String, schema: SchemaRef, input: Arc<dyn ExecutionPlan>) -> Self {
        Self { exprs, display, schema, input }
    }
}

/// Evaluates `exprs` over one batch into a batch of `schema`.
pub fn project_batch(exprs: &[PhysicalExpr], schema: &SchemaRef, batch: &RecordBatch) -> Result<RecordBatch> {
    let columns = exprs
        .iter()
        .zip(schema.fields())
        .map(|(e, f)| {
            let a = e.evaluate_to_array(batch)?;
            if a.data_type() != f.data_type() {
                return crate::physical::expr::cast_array(&a, f.data_type(), false);
            }
            Ok(a)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        columns,
        &RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
    )?)
}

impl ExecutionPlan for ProjectionExec {
    fn name(&self) -> &'static str {
        "ProjectionExec"
    }

    fn describe(&self) -> String {
        self.display.clone()
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let exprs = Arc::new(self.exprs.clone());
        let schema = self.schema.clone();
        Ok(self
            .input
            .execute(ctx)?
            .map(move |batches| batches.iter().map(|b| project_batch(&exprs, &schema, b)).collect()))
    }
}
