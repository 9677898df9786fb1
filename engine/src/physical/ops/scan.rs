//! Table scans: one task per source morsel.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;

use crate::error::Result;
use crate::exec::{ExecContext, Task, Tasks};
use crate::logical::{ScanRequest, TableSourceRef};
use crate::physical::ExecutionPlan;

/// Reads a table source.
#[derive(Debug)]
pub struct ScanExec {
    /// The name the table is known by (for error messages and metrics).
    #[allow(dead_code)]
    name: String,
    source: TableSourceRef,
    request: ScanRequest,
    schema: SchemaRef,
}

impl ScanExec {
    /// A scan of `source` as `request` says; `schema` is the projected output schema.
    pub fn new(
        name: String,
        source: TableSourceRef,
        request: ScanRequest,
        schema: SchemaRef,
    ) -> Self {
        Self {
            name,
            source,
            request,
            schema,
        }
    }
}

impl ExecutionPlan for ScanExec {
    fn name(&self) -> &'static str {
        "ScanExec"
    }

    fn describe(&self) -> String {
        let mut s = self.source.describe();
        if let Some(p) = &self.request.projection {
            let full = self.source.schema();
            let names: Vec<&str> = p.iter().map(|i| full.field(*i).name().as_str()).collect();
            s.push_str(&format!(" projection=[{}]", names.join(", ")));
        }
        if !self.request.filters.is_empty() {
            let f: Vec<String> = self.request.filters.iter().map(|e| e.to_string()).collect();
            s.push_str(&format!(" pruning=[{}]", f.join(", ")));
        }
        if let Some(l) = self.request.limit {
            s.push_str(&format!(" limit={l}"));
        }
        s
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let mut request = self.request.clone();
        request.batch_size = ctx.batch_size();
        let morsels = self.source.morsels(&request)?;
        let schema = self.schema.clone();
        let tasks = morsels
            .into_iter()
            .map(|m| {
                let schema = schema.clone();
                Box::new(move || {
                    let batches = m.read()?;
                    // Sources may report looser field metadata; present the plan's schema.
                    batches
                        .into_iter()
                        .map(|b| {
                            if b.schema() == schema {
                                Ok(b)
                            } else {
                                arrow::record_batch::RecordBatch::try_new_with_options(
                                    schema.clone(),
                                    b.columns().to_vec(),
                                    &arrow::record_batch::RecordBatchOptions::new()
                                        .with_row_count(Some(b.num_rows())),
                                )
                                .map_err(Into::into)
                            }
                        })
                        .collect()
                }) as Task
            })
            .collect();
        Ok(Tasks { tasks })
    }
}
