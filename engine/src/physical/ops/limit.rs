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
pub fn slice_batches(
    batches: Vec<RecordBatch>,
    skip: usize,
    fetch: Option<usize>,
) -> Vec<RecordBatch> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::col;
    use crate::logical::LogicalPlanBuilder;
    use crate::physical::ops::values::tests::*;

    /// 0..20 in morsels of 3 rows.
    fn data() -> LogicalPlanBuilder {
        let b = batch(vec![("i", ints((0..20).map(Some).collect()))]);
        scan(chunks(&b, 3))
    }

    fn nums(r: std::ops::Range<i64>) -> Vec<String> {
        r.map(|i| i.to_string()).collect()
    }

    #[test]
    fn skip_and_fetch_across_batch_boundaries() {
        // DuckDB: SELECT i FROM range(20) t(i) LIMIT 7 OFFSET 4 -> 4..10
        assert_eq!(run_rows(&data().limit(4, Some(7)).build()), nums(4..11));
        assert_eq!(run_rows(&data().limit(0, Some(3)).build()), nums(0..3));
        assert_eq!(run_rows(&data().limit(2, Some(1)).build()), nums(2..3));
    }

    #[test]
    fn offset_only_and_past_the_end() {
        assert_eq!(run_rows(&data().limit(17, None).build()), nums(17..20));
        assert_eq!(
            run_rows(&data().limit(25, Some(5)).build()),
            Vec::<String>::new()
        );
        assert_eq!(run_rows(&data().limit(18, Some(5)).build()), nums(18..20));
        assert_eq!(
            run_rows(&data().limit(0, Some(0)).build()),
            Vec::<String>::new()
        );
        assert_eq!(run_rows(&data().limit(0, Some(100)).build()), nums(0..20));
    }

    #[test]
    fn limit_over_a_filter_keeps_input_order() {
        // DuckDB: SELECT i FROM range(20) t(i) WHERE i % 2 = 1 LIMIT 3 OFFSET 2 -> 5, 7, 9
        let plan = data()
            .filter((col("i") % crate::expr::lit(2i64)).eq(crate::expr::lit(1i64)))
            .unwrap()
            .limit(2, Some(3))
            .build();
        assert_eq!(run_rows(&plan), vec!["5", "7", "9"]);
        assert!(physical_text(&plan).starts_with("LimitExec: skip=2 fetch=3\n  FilterExec:"));
    }

    #[test]
    fn slice_batches_directly() {
        let b = batch(vec![("i", ints((0..10).map(Some).collect()))]);
        let parts = chunks(&b, 4);
        let out = slice_batches(parts.clone(), 3, Some(5));
        assert_eq!(
            out.iter().map(|b| b.num_rows()).collect::<Vec<_>>(),
            vec![1, 4]
        );
        assert_eq!(rows(&out), nums(3..8));
        let out = slice_batches(parts, 4, None);
        assert_eq!(rows(&out), nums(4..10));
    }
}
