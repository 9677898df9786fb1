//! LIMIT / OFFSET: runs input morsels in order, in waves, until enough rows arrived.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::exec::{run_in_order, ExecContext, Tasks};
use crate::physical::ExecutionPlan;

/// Skips `skip` rows and keeps at most `fetch`.
#[derive(Debug)]
pub struct LimitExec {
    skip: usize,
    fetch: Option<usize>,
    input: Arc<dyn ExecutionPlan>,
}

impl LimitExec {
    /// A limit over `input`.
    pub fn new(skip: usize, fetch: Option<usize>, input: Arc<dyn ExecutionPlan>) -> Self {
        Self { skip, fetch, input }
    }
}

/// Slices a sequence of batches to rows `skip .. skip + fetch`.
pub fn slice_batches(batches: Vec<RecordBatch>, skip: usize, fetch: Option<usize>) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    let mut to_skip = skip;
    let mut left = fetch.unwrap_or(usize::MAX);
    for b in batches {
        if left == 0 {
            break;
        }
        let n = b.num_rows();
        if to_skip >= n {
            to_skip -= n;
            continue;
        }
        let take = (n - to_skip).min(left);
        out.push(b.slice(to_skip, take));
        left -= take;
        to_skip = 0;
    }
    out
}

impl ExecutionPlan for LimitExec {
    fn name(&self) -> &'static str {
        "LimitExec"
    }

    fn describe(&self) -> String {
        match self.fetch {
            Some(f) => format!("skip={} fetch={f}", self.skip),
            None => format!("skip={}", self.skip),
        }
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let need = self.fetch.map(|f| f.saturating_add(self.skip));
        let batches = run_in_order(self.input.execute(ctx)?, ctx, |got| {
            need.is_some_and(|n| got.iter().map(|b| b.num_rows()).sum::<usize>() >= n)
        })?;
        Ok(Tasks::ready(slice_batches(batches, self.skip, self.fetch)))
    }
}
