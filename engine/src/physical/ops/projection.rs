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
    pub fn new(
        exprs: Vec<PhysicalExpr>,
        display: String,
        schema: SchemaRef,
        input: Arc<dyn ExecutionPlan>,
    ) -> Self {
        Self {
            exprs,
            display,
            schema,
            input,
        }
    }
}

/// Evaluates `exprs` over one batch into a batch of `schema`.
pub fn project_batch(
    exprs: &[PhysicalExpr],
    schema: &SchemaRef,
    batch: &RecordBatch,
) -> Result<RecordBatch> {
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
        Ok(self.input.execute(ctx)?.map(move |batches| {
            batches
                .iter()
                .map(|b| project_batch(&exprs, &schema, b))
                .collect()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit, when};
    use crate::physical::ops::values::tests::*;
    use arrow::datatypes::DataType;

    fn data() -> Vec<RecordBatch> {
        let b = batch(vec![
            ("a", ints(vec![Some(1), Some(2), None, Some(4), Some(5)])),
            ("b", ints(vec![Some(10), Some(0), Some(30), Some(0), None])),
        ]);
        chunks(&b, 2)
    }

    #[test]
    fn computes_expressions_per_row() {
        // DuckDB 1.x: SELECT a + b AS s, a * 2 AS d, b, a / b AS q FROM t
        // -> 11|2|10|0.1, 2|4|0|NULL, NULL|NULL|30|NULL, 4|8|0|NULL, NULL|10|NULL|NULL
        // (division by zero is NULL, as in DuckDB 1.x and Polars' integer division; DuckDB
        // 2.0 returns inf for `/`).
        let plan = scan(data())
            .project(vec![
                (col("a") + col("b")).alias("s"),
                (col("a") * lit(2i64)).alias("d"),
                col("b"),
                (col("a") / col("b")).alias("q"),
            ])
            .unwrap()
            .build();
        assert_eq!(
            run_rows(&plan),
            vec![
                "11|2|10|0.1",
                "2|4|0|NULL",
                "NULL|NULL|30|NULL",
                "4|8|0|NULL",
                "NULL|10|NULL|NULL"
            ]
        );
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        let schema = out[0].schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, vec!["s", "d", "b", "q"]);
        assert_eq!(schema.field(3).data_type(), &DataType::Float64);
    }

    #[test]
    fn literal_only_and_case_columns_have_the_batch_length() {
        let plan = scan(data())
            .project(vec![
                lit("k").alias("k"),
                when(col("a").gt(lit(2i64)))
                    .then(lit("big"))
                    .otherwise(lit("small"))
                    .alias("size"),
            ])
            .unwrap()
            .build();
        // DuckDB: CASE WHEN NULL > 2 ... takes the ELSE branch.
        assert_eq!(
            run_rows(&plan),
            vec!["k|small", "k|small", "k|small", "k|big", "k|big"]
        );
    }

    #[test]
    fn no_columns_keeps_the_row_count() {
        let plan = scan(data()).project(vec![]).unwrap().build();
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        assert_eq!(out.iter().map(|b| b.num_rows()).sum::<usize>(), 5);
        assert!(out.iter().all(|b| b.num_columns() == 0));
    }

    #[test]
    fn casts_to_the_declared_type() {
        let plan = scan(data())
            .project(vec![col("a").cast(DataType::Utf8).alias("t")])
            .unwrap()
            .build();
        let out = run_unoptimized(&session(1, 1024), &plan).unwrap();
        assert_eq!(out[0].schema().field(0).data_type(), &DataType::Utf8);
        assert_eq!(rows(&out), vec!["1", "2", "NULL", "4", "5"]);
    }
}
