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
        Self {
            predicate,
            display,
            input,
        }
    }
}

/// Applies a predicate to one batch.
pub fn filter_batch(predicate: &PhysicalExpr, batch: &RecordBatch) -> Result<RecordBatch> {
    let mask = predicate.evaluate(batch)?;
    let mask = match mask {
        crate::functions::ColumnarValue::Scalar(s) => {
            return Ok(if s.as_bool() == Some(true) {
                batch.clone()
            } else {
                batch.slice(0, 0)
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit, lit_null};
    use crate::physical::ops::values::tests::*;
    use arrow::datatypes::DataType;

    fn data() -> Vec<RecordBatch> {
        let b = batch(vec![
            (
                "a",
                ints(
                    (0..10)
                        .map(|i| if i % 4 == 3 { None } else { Some(i) })
                        .collect(),
                ),
            ),
            (
                "s",
                strs(vec![
                    Some("x"),
                    Some("y"),
                    None,
                    Some("x"),
                    Some("y"),
                    Some("x"),
                    None,
                    Some("y"),
                    Some("x"),
                    Some("z"),
                ]),
            ),
        ]);
        chunks(&b, 3)
    }

    #[test]
    fn keeps_true_rows_in_order_across_morsels() {
        // DuckDB: SELECT a, s FROM t WHERE a > 3 -> 4|y, 5|x, 6|NULL, 8|x, 9|z (NULL a dropped).
        let plan = scan(data()).filter(col("a").gt(lit(3i64))).unwrap().build();
        assert_eq!(run_rows(&plan), vec!["4|y", "5|x", "6|NULL", "8|x", "9|z"]);
    }

    #[test]
    fn null_predicate_counts_as_false() {
        // DuckDB: WHERE s = 'x' OR a > 100 keeps the rows with s = 'x' only; NULL s rows go.
        let plan = scan(data())
            .filter(col("s").eq(lit("x")).or(col("a").gt(lit(100i64))))
            .unwrap()
            .build();
        assert_eq!(run_rows(&plan), vec!["0|x", "NULL|x", "5|x", "8|x"]);
        // NOT (s = 'x') drops the NULL rows too.
        let plan = scan(data())
            .filter(col("s").eq(lit("x")).not())
            .unwrap()
            .build();
        assert_eq!(run_rows(&plan), vec!["1|y", "4|y", "NULL|y", "9|z"]);
    }

    #[test]
    fn constant_predicates() {
        let all = scan(data()).filter(lit(true)).unwrap().build();
        assert_eq!(run_rows(&all).len(), 10);
        let none = scan(data()).filter(lit(false)).unwrap().build();
        assert_eq!(run_rows(&none), Vec::<String>::new());
        let null = scan(data())
            .filter(lit_null(&DataType::Boolean))
            .unwrap()
            .build();
        assert_eq!(run_rows(&null), Vec::<String>::new());
    }

    #[test]
    fn drops_morsels_that_lose_every_row() {
        // Only the last morsel (rows 9) survives; no empty batches are handed on.
        let plan = scan(data()).filter(col("a").eq(lit(9i64))).unwrap().build();
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(rows(&out), vec!["9|z"]);
    }

    #[test]
    fn filter_batch_keeps_the_batch_when_all_rows_pass() {
        let b = batch(vec![("a", ints(vec![Some(1), Some(2)]))]);
        let schema = crate::types::QSchema::from_arrow(&b.schema());
        let p = crate::physical::planner::create_physical_expr(&col("a").gt(lit(0i64)), &schema)
            .unwrap();
        let out = filter_batch(&p, &b).unwrap();
        assert_eq!(out.num_rows(), 2);
        assert!(
            Arc::ptr_eq(out.column(0), b.column(0)),
            "an all-true mask should not copy"
        );
    }

    #[test]
    fn explain_shows_the_predicate() {
        let plan = scan(data()).filter(col("a").is_not_null()).unwrap().build();
        assert_eq!(
            physical_text(&plan),
            "FilterExec: a IS NOT NULL\n  ScanExec: morsels (4 batches)\n"
        );
    }
}
