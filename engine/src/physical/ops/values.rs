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
        format!(
            "{} rows",
            self.batches.iter().map(|b| b.num_rows()).sum::<usize>()
        )
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

#[cfg(test)]
pub(crate) mod tests {
    //! Operator tests, plus fixtures the other operators' tests share: a table source that
    //! hands out one morsel per batch (so several worker threads see several morsels), and
    //! helpers that run a logical plan without the optimizer and render rows as text.

    use super::*;
    use crate::exec::SessionConfig;
    use crate::expr::{lit, Expr};
    use crate::logical::{LogicalPlan, LogicalPlanBuilder, Morsel, ScanRequest, TableSource};
    use crate::physical::{collect, create_physical_plan, display_physical};
    use crate::session::Session;
    use arrow::array::{ArrayRef, Int64Array, StringArray};
    use arrow::util::display::{ArrayFormatter, FormatOptions};

    /// A table whose scan yields one morsel per stored batch.
    #[derive(Debug)]
    pub(crate) struct MorselTable {
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    }

    struct OneBatch(RecordBatch);

    impl Morsel for OneBatch {
        fn read(&self) -> Result<Vec<RecordBatch>> {
            Ok(vec![self.0.clone()])
        }
    }

    impl TableSource for MorselTable {
        fn schema(&self) -> SchemaRef {
            self.schema.clone()
        }

        fn describe(&self) -> String {
            format!("morsels ({} batches)", self.batches.len())
        }

        fn estimated_rows(&self) -> Option<usize> {
            Some(self.batches.iter().map(|b| b.num_rows()).sum())
        }

        fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>> {
            self.batches
                .iter()
                .map(|b| {
                    let b = match &request.projection {
                        Some(p) => b.project(p)?,
                        None => b.clone(),
                    };
                    Ok(Box::new(OneBatch(b)) as Box<dyn Morsel>)
                })
                .collect()
        }
    }

    /// A batch of named, nullable columns.
    pub(crate) fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    /// An Int64 column.
    pub(crate) fn ints(v: Vec<Option<i64>>) -> ArrayRef {
        Arc::new(Int64Array::from(v))
    }

    /// A Utf8 column.
    pub(crate) fn strs(v: Vec<Option<&str>>) -> ArrayRef {
        Arc::new(StringArray::from(v))
    }

    /// `batch` cut into slices of `rows` rows.
    pub(crate) fn chunks(batch: &RecordBatch, rows: usize) -> Vec<RecordBatch> {
        (0..batch.num_rows())
            .step_by(rows)
            .map(|o| batch.slice(o, rows.min(batch.num_rows() - o)))
            .collect()
    }

    /// A scan of `batches` (one morsel each), unqualified columns.
    pub(crate) fn scan(batches: Vec<RecordBatch>) -> LogicalPlanBuilder {
        let schema = batches[0].schema();
        scan_named("t", None, schema, batches)
    }

    /// A scan with a table name and optional qualifier; `batches` may be empty.
    pub(crate) fn scan_named(
        name: &str,
        qualifier: Option<&str>,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    ) -> LogicalPlanBuilder {
        LogicalPlanBuilder::scan(name, qualifier, Arc::new(MorselTable { schema, batches }))
            .unwrap()
    }

    /// A session with `threads` workers and `batch_size` rows per batch.
    pub(crate) fn session(threads: usize, batch_size: usize) -> Session {
        Session::try_new(SessionConfig {
            threads,
            batch_size,
            memory_limit: None,
        })
        .unwrap()
    }

    /// Plans `plan` physically as it is (no optimizer) and runs it.
    pub(crate) fn run_unoptimized(
        session: &Session,
        plan: &LogicalPlan,
    ) -> Result<Vec<RecordBatch>> {
        let physical = create_physical_plan(plan)?;
        collect(&physical, &session.exec_context())
    }

    /// [`run_unoptimized`] on two threads, as rows of text.
    pub(crate) fn run_rows(plan: &LogicalPlan) -> Vec<String> {
        rows(&run_unoptimized(&session(2, 1024), plan).unwrap())
    }

    /// The physical EXPLAIN text of an unoptimized plan.
    pub(crate) fn physical_text(plan: &LogicalPlan) -> String {
        display_physical(create_physical_plan(plan).unwrap().as_ref())
    }

    /// Rows as `a|b|c` text, NULL as `NULL`.
    pub(crate) fn rows(batches: &[RecordBatch]) -> Vec<String> {
        let opts = FormatOptions::default().with_null("NULL");
        let mut out = vec![];
        for b in batches {
            let fmts: Vec<ArrayFormatter> = b
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts).unwrap())
                .collect();
            for r in 0..b.num_rows() {
                out.push(
                    fmts.iter()
                        .map(|f| f.value(r).to_string())
                        .collect::<Vec<_>>()
                        .join("|"),
                );
            }
        }
        out
    }

    /// `rows`, sorted (for operators whose output order is unspecified).
    pub(crate) fn sorted(mut rows: Vec<String>) -> Vec<String> {
        rows.sort();
        rows
    }

    #[test]
    fn values_rows_unify_types_and_keep_nulls() {
        // DuckDB: SELECT * FROM (VALUES (1, 'a'), (NULL, 'b'), (3, NULL)) -> 3 rows.
        let plan = LogicalPlanBuilder::values(
            vec![
                vec![lit(1i64), lit("a")],
                vec![
                    Expr::Literal(crate::types::ScalarValue::null(
                        &arrow::datatypes::DataType::Int64,
                    )),
                    lit("b"),
                ],
                vec![
                    lit(3i32),
                    Expr::Literal(crate::types::ScalarValue::null(
                        &arrow::datatypes::DataType::Utf8,
                    )),
                ],
            ],
            Some(vec!["n".into(), "s".into()]),
        )
        .unwrap()
        .build();
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        assert_eq!(
            out[0].schema().field(0).data_type(),
            &arrow::datatypes::DataType::Int64
        );
        assert_eq!(rows(&out), vec!["1|a", "NULL|b", "3|NULL"]);
        assert_eq!(physical_text(&plan), "ValuesExec: 3 rows\n");
    }

    #[test]
    fn values_exec_can_run_twice() {
        let b = batch(vec![("x", ints(vec![Some(1), Some(2)]))]);
        let plan: Arc<dyn ExecutionPlan> =
            Arc::new(ValuesExec::new(b.schema(), vec![b.clone(), b]));
        let s = session(2, 1024);
        for _ in 0..2 {
            let out = collect(&plan, &s.exec_context()).unwrap();
            assert_eq!(rows(&out), vec!["1", "2", "1", "2"]);
        }
    }

    #[test]
    fn empty_relation_gives_one_row_or_none() {
        let one = LogicalPlanBuilder::empty(true).build();
        let out = run_unoptimized(&session(1, 1024), &one).unwrap();
        assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
        let none = LogicalPlanBuilder::empty(false).build();
        let out = run_unoptimized(&session(1, 1024), &none).unwrap();
        assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
    }

    #[test]
    fn values_with_a_mixed_integer_and_float_column_widen_to_float() {
        // DuckDB: SELECT typeof(col0) FROM (VALUES (1), (2.5)) -> DECIMAL(11,1); for
        // doubles: (VALUES (1), (2.5::DOUBLE)) -> DOUBLE with values 1.0, 2.5.
        let plan = LogicalPlanBuilder::values(vec![vec![lit(1i64)], vec![lit(2.5f64)]], None)
            .unwrap()
            .build();
        let out = run_unoptimized(&session(1, 1024), &plan).unwrap();
        assert_eq!(out[0].schema().field(0).name(), "column0");
        assert_eq!(
            out[0].schema().field(0).data_type(),
            &arrow::datatypes::DataType::Float64
        );
        assert_eq!(rows(&out), vec!["1.0", "2.5"]);
    }
}
