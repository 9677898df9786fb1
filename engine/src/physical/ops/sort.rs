//! Sort, and top-k when only the first rows are needed (`ORDER BY .. LIMIT k`).
//!
//! Keys are encoded once in Arrow's row format, so comparing two rows is one `memcmp`
//! whatever the number and types of keys; large inputs sort in parallel on the pool.
//! With a fetch, every morsel is first cut to its own top-k, so the final sort sees at
//! most k rows per morsel.

use std::sync::Arc;

use arrow::array::{ArrayRef, UInt32Array};
use arrow::compute::{concat_batches, take_record_batch, SortOptions};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, SortField};
use rayon::prelude::*;

use super::hash_aggregate::split;
use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::physical::{ExecutionPlan, PhysicalExpr};

/// One sort key.
#[derive(Debug, Clone)]
pub struct SortKey {
    /// What to sort by.
    pub expr: PhysicalExpr,
    /// Direction and NULL placement.
    pub options: SortOptions,
}

/// Sorts rows.
#[derive(Debug)]
pub struct SortExec {
    keys: Vec<SortKey>,
    fetch: Option<usize>,
    display: String,
    input: Arc<dyn ExecutionPlan>,
}

impl SortExec {
    /// A sort of `input`, keeping the first `fetch` rows if given.
    pub fn new(
        keys: Vec<SortKey>,
        fetch: Option<usize>,
        display: String,
        input: Arc<dyn ExecutionPlan>,
    ) -> Self {
        Self {
            keys,
            fetch,
            display,
            input,
        }
    }
}

/// The permutation that sorts `batch` by `keys` (the first `fetch` positions if given).
pub fn sort_indices(
    batch: &RecordBatch,
    keys: &[SortKey],
    fetch: Option<usize>,
) -> Result<UInt32Array> {
    let n = batch.num_rows();
    let cols: Vec<ArrayRef> = keys
        .iter()
        .map(|k| k.expr.evaluate_to_array(batch))
        .collect::<Result<_>>()?;
    if cols.len() == 1 && !cols[0].data_type().is_nested() {
        return Ok(arrow::compute::sort_to_indices(
            &cols[0],
            Some(keys[0].options),
            fetch,
        )?);
    }
    let (fields, cols) = row_sort_columns(cols, keys)?;
    let converter = RowConverter::new(fields)?;
    let rows = converter.convert_columns(&cols)?;
    let mut idx: Vec<u32> = (0..n as u32).collect();
    let cmp = |a: &u32, b: &u32| rows.row(*a as usize).cmp(&rows.row(*b as usize));
    match fetch {
        Some(k) if k < n => {
            if k > 0 {
                idx.select_nth_unstable_by(k - 1, cmp);
            }
            idx.truncate(k);
            idx.sort_by(cmp);
        }
        _ => {
            if n > 100_000 {
                idx.par_sort_by(cmp);
            } else {
                idx.sort_by(cmp);
            }
        }
    }
    Ok(UInt32Array::from(idx))
}

/// The row-format sort fields and columns for `keys`. DuckDB orders NULLs *inside* a
/// nested value as greater than any value whatever the direction, while NULLS FIRST/LAST
/// places only whole NULL values; Arrow's row format applies one NULL order to both, so
/// a nested key becomes two: whether it is NULL (ordered as asked), then the value with
/// its inner NULLs as the greatest.
fn row_sort_columns(
    cols: Vec<ArrayRef>,
    keys: &[SortKey],
) -> Result<(Vec<SortField>, Vec<ArrayRef>)> {
    let mut fields = vec![];
    let mut out = vec![];
    for (c, k) in cols.into_iter().zip(keys) {
        if c.data_type().is_nested() {
            let is_null: ArrayRef = Arc::new(arrow::compute::is_null(&c)?);
            fields.push(SortField::new_with_options(
                DataType::Boolean,
                SortOptions {
                    descending: k.options.nulls_first,
                    nulls_first: false,
                },
            ));
            out.push(is_null);
            fields.push(SortField::new_with_options(
                c.data_type().clone(),
                SortOptions {
                    descending: k.options.descending,
                    nulls_first: k.options.descending,
                },
            ));
        } else {
            fields.push(SortField::new_with_options(
                c.data_type().clone(),
                k.options,
            ));
        }
        out.push(c);
    }
    Ok((fields, out))
}

/// Sorts batches into one batch (the first `fetch` rows if given).
pub fn sort_batches(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    keys: &[SortKey],
    fetch: Option<usize>,
) -> Result<RecordBatch> {
    let batch = concat_batches(schema, batches)?;
    if batch.num_rows() <= 1 {
        return Ok(batch);
    }
    let idx = sort_indices(&batch, keys, fetch)?;
    Ok(take_record_batch(&batch, &idx)?)
}

impl ExecutionPlan for SortExec {
    fn name(&self) -> &'static str {
        if self.fetch.is_some() {
            "TopKExec"
        } else {
            "SortExec"
        }
    }

    fn describe(&self) -> String {
        match self.fetch {
            Some(f) => format!("{} fetch={f}", self.display),
            None => self.display.clone(),
        }
    }

    fn schema(&self) -> SchemaRef {
        self.input.schema()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let schema = self.input.schema();
        let mut tasks = self.input.execute(ctx)?;
        if let Some(k) = self.fetch {
            let (keys, schema) = (Arc::new(self.keys.clone()), schema.clone());
            tasks = tasks.map(move |bs| {
                if bs.is_empty() {
                    return Ok(bs);
                }
                Ok(vec![sort_batches(&schema, &bs, &keys, Some(k))?])
            });
        }
        let batches = tasks.collect(ctx)?;
        let sorted = ctx
            .pool()
            .install(|| sort_batches(&schema, &batches, &self.keys, self.fetch))?;
        Ok(Tasks::ready(split(sorted, ctx.batch_size())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, SortExpr};
    use crate::logical::{LogicalPlan, LogicalPlanBuilder, Sort};
    use crate::physical::ops::values::tests::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::Int64Type;

    /// DuckDB: `t(id, k, s) = VALUES (0,3,'b'),(1,1,'a'),(2,NULL,'c'),(3,2,NULL),(4,1,'b'),
    /// (5,3,'a'),(6,NULL,'a'),(7,2,'c')`, in morsels of 3 rows.
    fn data() -> LogicalPlanBuilder {
        let b = batch(vec![
            ("id", ints((0..8).map(Some).collect())),
            (
                "k",
                ints(vec![
                    Some(3),
                    Some(1),
                    None,
                    Some(2),
                    Some(1),
                    Some(3),
                    None,
                    Some(2),
                ]),
            ),
            (
                "s",
                strs(vec![
                    Some("b"),
                    Some("a"),
                    Some("c"),
                    None,
                    Some("b"),
                    Some("a"),
                    Some("a"),
                    Some("c"),
                ]),
            ),
        ]);
        scan(chunks(&b, 3))
    }

    fn key(name: &str, descending: bool, nulls_first: bool) -> SortExpr {
        SortExpr {
            expr: col(name),
            descending,
            nulls_first,
        }
    }

    fn with_fetch(plan: Arc<LogicalPlan>, fetch: usize) -> Arc<LogicalPlan> {
        match plan.as_ref() {
            LogicalPlan::Sort(s) => Arc::new(LogicalPlan::Sort(Sort {
                fetch: Some(fetch),
                ..s.clone()
            })),
            _ => unreachable!("a sort plan"),
        }
    }

    fn first_column(plan: &LogicalPlan) -> Vec<String> {
        run_rows(plan)
            .into_iter()
            .map(|r| r.split('|').next().unwrap().to_string())
            .collect()
    }

    fn ids(v: &[i64]) -> Vec<String> {
        v.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn multi_key_mixed_directions_and_null_placement() {
        // DuckDB: ORDER BY k ASC NULLS FIRST, s DESC NULLS LAST -> 2, 6, 4, 1, 7, 3, 0, 5
        let plan = data()
            .sort(vec![key("k", false, true), key("s", true, false)])
            .unwrap()
            .build();
        assert_eq!(first_column(&plan), ids(&[2, 6, 4, 1, 7, 3, 0, 5]));
        // DuckDB: ORDER BY k DESC NULLS LAST, s ASC NULLS FIRST -> 5, 0, 3, 7, 1, 4, 6, 2
        let plan = data()
            .sort(vec![key("k", true, false), key("s", false, true)])
            .unwrap()
            .build();
        assert_eq!(first_column(&plan), ids(&[5, 0, 3, 7, 1, 4, 6, 2]));
        assert_eq!(
            physical_text(&plan),
            "SortExec: k DESC, s NULLS FIRST\n  ScanExec: morsels (3 batches)\n"
        );
    }

    #[test]
    fn single_string_key_nulls_last_and_first() {
        let last = data()
            .project(vec![col("s")])
            .unwrap()
            .sort(vec![key("s", false, false)])
            .unwrap()
            .build();
        assert_eq!(
            run_rows(&last),
            vec!["a", "a", "a", "b", "b", "c", "c", "NULL"]
        );
        let first = data()
            .project(vec![col("s")])
            .unwrap()
            .sort(vec![key("s", true, true)])
            .unwrap()
            .build();
        assert_eq!(
            run_rows(&first),
            vec!["NULL", "c", "c", "b", "b", "a", "a", "a"]
        );
    }

    #[test]
    fn top_k_across_morsels() {
        // DuckDB: ORDER BY k DESC NULLS LAST, id LIMIT 3 -> 0, 5, 3
        let plan = with_fetch(
            data()
                .sort(vec![key("k", true, false), key("id", false, false)])
                .unwrap()
                .build(),
            3,
        );
        assert_eq!(first_column(&plan), ids(&[0, 5, 3]));
        assert!(physical_text(&plan).starts_with("TopKExec: k DESC, id fetch=3\n"));
        // DuckDB: ORDER BY k NULLS FIRST, id DESC LIMIT 4 -> 6, 2, 4, 1
        let plan = with_fetch(
            data()
                .sort(vec![key("k", false, true), key("id", true, false)])
                .unwrap()
                .build(),
            4,
        );
        assert_eq!(first_column(&plan), ids(&[6, 2, 4, 1]));
    }

    #[test]
    fn top_k_edge_sizes() {
        let sorted_by_id = |fetch| {
            with_fetch(
                data().sort(vec![key("id", true, false)]).unwrap().build(),
                fetch,
            )
        };
        assert_eq!(first_column(&sorted_by_id(0)), Vec::<String>::new());
        assert_eq!(first_column(&sorted_by_id(1)), ids(&[7]));
        assert_eq!(
            first_column(&sorted_by_id(100)),
            ids(&[7, 6, 5, 4, 3, 2, 1, 0])
        );
    }

    #[test]
    fn large_input_sorts_in_parallel_and_splits_output() {
        // 120,000 rows (> the parallel threshold), keys (i * 7919 % 1000, i) descending.
        let n = 120_000i64;
        let b = batch(vec![
            ("g", ints((0..n).map(|i| Some(i * 7919 % 1000)).collect())),
            ("i", ints((0..n).map(Some).collect())),
        ]);
        let plan = scan(chunks(&b, 10_000))
            .sort(vec![key("g", true, false), key("i", true, false)])
            .unwrap()
            .build();
        let out = run_unoptimized(&session(2, 50_000), &plan).unwrap();
        assert_eq!(
            out.iter().map(|b| b.num_rows()).collect::<Vec<_>>(),
            vec![50_000, 50_000, 20_000]
        );
        let mut prev: Option<(i64, i64)> = None;
        for b in &out {
            let g = b.column(0).as_primitive::<Int64Type>();
            let i = b.column(1).as_primitive::<Int64Type>();
            for r in 0..b.num_rows() {
                let cur = (g.value(r), i.value(r));
                if let Some(p) = prev {
                    assert!(p > cur, "{p:?} should come before {cur:?}");
                }
                prev = Some(cur);
            }
        }
        assert_eq!(prev, Some((0, 0)));
    }

    #[test]
    fn sort_indices_with_expressions() {
        let b = batch(vec![("x", ints(vec![Some(3), None, Some(-5), Some(1)]))]);
        let schema = crate::types::QSchema::from_arrow(&b.schema());
        let keys = vec![SortKey {
            expr: crate::physical::planner::create_physical_expr(&(col("x") * col("x")), &schema)
                .unwrap(),
            options: SortOptions {
                descending: false,
                nulls_first: false,
            },
        }];
        let idx = sort_indices(&b, &keys, None).unwrap();
        assert_eq!(idx.values().to_vec(), vec![3, 0, 2, 1]);
        assert_eq!(idx.null_count(), 0);
    }
}
