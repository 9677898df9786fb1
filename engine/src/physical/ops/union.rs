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
                            .map(|b| {
                                Ok(RecordBatch::try_new(schema.clone(), b.columns().to_vec())?)
                            })
                            .collect()
                    })
                    .tasks,
            );
        }
        Ok(Tasks { tasks })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit};
    use crate::physical::ops::values::tests::*;
    use arrow::datatypes::DataType;

    #[test]
    fn union_all_keeps_duplicates_and_input_order() {
        let a = batch(vec![
            ("x", ints(vec![Some(1), Some(2), Some(3)])),
            ("s", strs(vec![Some("a"), None, Some("c")])),
        ]);
        let b = batch(vec![
            ("y", ints(vec![Some(2), None])),
            ("t", strs(vec![Some("b"), Some("b")])),
        ]);
        let plan = scan(chunks(&a, 2))
            .union(scan(vec![b]).build())
            .unwrap()
            .build();
        // DuckDB: SELECT * FROM a UNION ALL SELECT * FROM b -> names from the first input.
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        assert_eq!(rows(&out), vec!["1|a", "2|NULL", "3|c", "2|b", "NULL|b"]);
        assert!(out
            .iter()
            .all(|b| b.schema().field(0).name() == "x" && b.schema().field(1).name() == "s"));
        assert!(physical_text(&plan).starts_with("UnionExec\n"));
    }

    #[test]
    fn union_casts_to_the_common_type() {
        // DuckDB: SELECT 1::INTEGER UNION ALL SELECT 2.5::DOUBLE -> DOUBLE 1.0, 2.5
        let a = batch(vec![("x", ints(vec![Some(1)]))]);
        let plan = scan(vec![a.clone()])
            .union(
                scan(vec![a])
                    .project(vec![
                        (col("x").cast(DataType::Float64) + lit(1.5f64)).alias("x")
                    ])
                    .unwrap()
                    .build(),
            )
            .unwrap()
            .build();
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        assert_eq!(out[0].schema().field(0).data_type(), &DataType::Float64);
        assert_eq!(rows(&out), vec!["1.0", "2.5"]);
    }

    #[test]
    fn union_of_three_flattens_and_rejects_mismatched_widths() {
        let a = batch(vec![("x", ints(vec![Some(1)]))]);
        let plan = scan(vec![a.clone()])
            .union(scan(vec![a.clone()]).build())
            .unwrap()
            .union(scan(vec![a.clone()]).build())
            .unwrap()
            .build();
        assert_eq!(plan.inputs().len(), 3);
        assert_eq!(run_rows(&plan), vec!["1", "1", "1"]);
        let wide = batch(vec![("x", ints(vec![Some(1)])), ("y", ints(vec![Some(1)]))]);
        let err = scan(vec![a])
            .union(scan(vec![wide]).build())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "UNION inputs must have the same number of columns: the first has 1, input 2 has 2"
        );
    }

    #[test]
    fn union_exec_relabels_batches_with_its_schema() {
        let a = batch(vec![("x", ints(vec![Some(1)]))]);
        let b = batch(vec![("other", ints(vec![Some(2), Some(3)]))]);
        let inputs: Vec<Arc<dyn ExecutionPlan>> = vec![
            Arc::new(crate::physical::ops::ValuesExec::new(
                a.schema(),
                vec![a.clone()],
            )),
            Arc::new(crate::physical::ops::ValuesExec::new(b.schema(), vec![b])),
        ];
        let union: Arc<dyn ExecutionPlan> = Arc::new(UnionExec::new(inputs, a.schema()));
        let out = crate::physical::collect(&union, &session(2, 1024).exec_context()).unwrap();
        assert_eq!(rows(&out), vec!["1", "2", "3"]);
        assert!(out.iter().all(|b| b.schema() == a.schema()));
    }
}
