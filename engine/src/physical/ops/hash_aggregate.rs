//! Parallel hash aggregation.
//!
//! Each worker thread pre-aggregates the morsels it runs into its own group table and
//! accumulators; the per-thread states are then merged in input order (so `first` and
//! `list` see rows in scan order) and the result is handed out in batches.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BinaryArray};
use arrow::compute::SortOptions;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use arrow::row::{RowConverter, SortField};

use super::group_keys::GroupKeys;
use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::functions::aggregate::distinct_accumulator;
use crate::functions::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::physical::{ExecutionPlan, PhysicalExpr};

/// One aggregate to compute.
#[derive(Debug, Clone)]
pub struct AggregateSpec {
    /// The function.
    pub def: Arc<AggregateFunctionDef>,
    /// Argument expressions.
    pub args: Vec<PhysicalExpr>,
    /// Creation arguments (types, literal arguments, return type).
    pub agg_args: AggregateArgs,
    /// Aggregate distinct values only.
    pub distinct: bool,
    /// Only rows where this holds.
    pub filter: Option<PhysicalExpr>,
    /// ORDER BY keys inside the aggregate, with their types.
    pub order_by: Vec<(PhysicalExpr, SortOptions, DataType)>,
    /// EXPLAIN text.
    pub display: String,
}

impl AggregateSpec {
    fn create(&self) -> Result<Box<dyn GroupsAccumulator>> {
        let acc = (self.def.create)(&self.agg_args)?;
        if self.distinct {
            distinct_accumulator(acc, &self.agg_args.arg_types)
        } else {
            Ok(acc)
        }
    }
}

/// Groups rows by key and computes aggregates.
#[derive(Debug)]
pub struct HashAggregateExec {
    group_exprs: Vec<PhysicalExpr>,
    group_display: Vec<String>,
    aggregates: Vec<AggregateSpec>,
    /// A filter fused into the aggregation (`WHERE` right below it), with its EXPLAIN text.
    predicate: Option<(PhysicalExpr, String)>,
    schema: SchemaRef,
    input: Arc<dyn ExecutionPlan>,
}

struct LocalState {
    keys: GroupKeys,
    accs: Vec<Box<dyn GroupsAccumulator>>,
    order_converters: Vec<Option<RowConverter>>,
    ids: Vec<u32>,
}

impl HashAggregateExec {
    /// An aggregation; `schema` is keys then aggregates.
    pub fn new(
        group_exprs: Vec<PhysicalExpr>,
        group_display: Vec<String>,
        aggregates: Vec<AggregateSpec>,
        schema: SchemaRef,
        input: Arc<dyn ExecutionPlan>,
    ) -> Self {
        Self {
            group_exprs,
            group_display,
            aggregates,
            predicate: None,
            schema,
            input,
        }
    }

    /// Fuses a filter into the aggregation. Where most rows of a morsel pass, the rows
    /// that do not are sent to a reserved group 0, which is dropped at the end, instead of
    /// copying every column through a filter; where few pass, the morsel is filtered.
    pub fn with_predicate(mut self, predicate: PhysicalExpr, display: String) -> Self {
        self.predicate = Some((predicate, display));
        self
    }

    /// 1 when group 0 is reserved for filtered-out rows.
    fn offset(&self) -> u32 {
        u32::from(self.predicate.is_some())
    }

    fn key_types(&self) -> Vec<DataType> {
        self.schema
            .fields()
            .iter()
            .take(self.group_exprs.len())
            .map(|f| f.data_type().clone())
            .collect()
    }

    fn new_state(&self, key_types: &[DataType]) -> Result<LocalState> {
        let order_converters = self
            .aggregates
            .iter()
            .map(|a| {
                if a.order_by.is_empty() {
                    return Ok(None);
                }
                let fields = a
                    .order_by
                    .iter()
                    .map(|(_, o, t)| SortField::new_with_options(t.clone(), *o))
                    .collect();
                Ok(Some(RowConverter::new(fields)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(LocalState {
            keys: GroupKeys::try_new(key_types)?,
            accs: self
                .aggregates
                .iter()
                .map(|a| a.create())
                .collect::<Result<_>>()?,
            order_converters,
            ids: Vec::new(),
        })
    }

    fn update(
        &self,
        state: &mut LocalState,
        batch: &RecordBatch,
        key_types: &[DataType],
    ) -> Result<()> {
        let mut rows = batch.num_rows();
        if rows == 0 {
            return Ok(());
        }
        let offset = self.offset();
        // With a fused filter: either filter the morsel (few rows pass), or keep it whole
        // and remember which rows pass (most do).
        let mut keep: Option<arrow::array::BooleanArray> = None;
        let filtered;
        let batch = match &self.predicate {
            None => batch,
            Some((p, _)) => {
                let mask = crate::physical::expr::predicate_mask(&p.evaluate_to_array(batch)?)?;
                let pass = mask.true_count();
                if pass == 0 {
                    return Ok(());
                }
                if pass * 2 < rows {
                    filtered = arrow::compute::filter_record_batch(batch, &mask)?;
                    rows = filtered.num_rows();
                    &filtered
                } else {
                    if pass < rows {
                        keep = Some(mask);
                    }
                    batch
                }
            }
        };
        let mut keys = self
            .group_exprs
            .iter()
            .zip(key_types)
            .map(|(e, t)| crate::physical::expr::cast_array(&e.evaluate_to_array(batch)?, t, false))
            .collect::<Result<Vec<_>>>()?;
        if let Some(mask) = &keep {
            keys = keys
                .iter()
                .map(|k| Ok(arrow::compute::filter(k, mask)?))
                .collect::<Result<_>>()?;
        }
        let mut ids = std::mem::take(&mut state.ids);
        state.keys.intern(
            &keys,
            keep.as_ref().map_or(rows, |m| m.true_count()),
            &mut ids,
        )?;
        if offset > 0 {
            match &keep {
                None => ids.iter_mut().for_each(|g| *g += offset),
                Some(mask) => {
                    let mut passing = ids.iter();
                    ids = mask
                        .values()
                        .iter()
                        .map(|p| {
                            if p {
                                passing.next().map_or(0, |g| g + offset)
                            } else {
                                0
                            }
                        })
                        .collect();
                }
            }
        }
        let num_groups = state.keys.num_groups() + offset as usize;
        for (i, spec) in self.aggregates.iter().enumerate() {
            let mut values = spec
                .args
                .iter()
                .map(|e| e.evaluate_to_array(batch))
                .collect::<Result<Vec<_>>>()?;
            if let Some(conv) = &mut state.order_converters[i] {
                let cols = spec
                    .order_by
                    .iter()
                    .map(|(e, _, _)| e.evaluate_to_array(batch))
                    .collect::<Result<Vec<_>>>()?;
                let r = conv.convert_columns(&cols)?;
                let keys: BinaryArray = r.iter().map(|row| Some(row.as_ref().to_vec())).collect();
                values.push(Arc::new(keys));
            }
            match &spec.filter {
                None => state.accs[i].update(&values, &ids, num_groups)?,
                Some(f) => {
                    let mask = f.evaluate_to_array(batch)?;
                    let mask = crate::physical::expr::predicate_mask(&mask)?;
                    let values = values
                        .iter()
                        .map(|v| Ok(arrow::compute::filter(v, &mask)?))
                        .collect::<Result<Vec<ArrayRef>>>()?;
                    let sel: Vec<u32> = mask.values().set_indices().map(|r| ids[r]).collect();
                    state.accs[i].update(&values, &sel, num_groups)?;
                }
            }
        }
        state.ids = ids;
        Ok(())
    }
}

impl ExecutionPlan for HashAggregateExec {
    fn name(&self) -> &'static str {
        "HashAggregateExec"
    }

    fn describe(&self) -> String {
        let aggs: Vec<&str> = self.aggregates.iter().map(|a| a.display.as_str()).collect();
        let mut s = format!(
            "groupBy=[{}], aggr=[{}]",
            self.group_display.join(", "),
            aggs.join(", ")
        );
        if let Some((_, p)) = &self.predicate {
            s.push_str(&format!(" where={p}"));
        }
        s
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let key_types = self.key_types();
        let input = self.input.execute(ctx)?;
        let states = input.fold(
            ctx,
            || self.new_state(&key_types),
            |state, batches| {
                let state = match state {
                    Ok(s) => s,
                    Err(e) => return Err(crate::internal_err!("creating aggregate state: {e}")),
                };
                for b in &batches {
                    self.update(state, b, &key_types)?;
                }
                Ok(())
            },
        )?;
        let mut states = states.into_iter().collect::<Result<Vec<_>>>()?;
        let mut merged = if states.is_empty() {
            self.new_state(&key_types)?
        } else {
            states.remove(0)
        };
        let offset = self.offset();
        for other in states {
            let mut map = merged.keys.merge(&other.keys)?;
            if offset > 0 {
                map = std::iter::once(0)
                    .chain(map.into_iter().map(|g| g + offset))
                    .collect();
            }
            let n = merged.keys.num_groups() + offset as usize;
            for (acc, o) in merged.accs.iter_mut().zip(other.accs) {
                acc.merge(o, &map, n)?;
            }
        }
        // Keyed aggregation over no rows gives no rows; a global one gives one row.
        let n = if self.group_exprs.is_empty() {
            1
        } else {
            merged.keys.num_groups()
        };
        let mut columns = merged.keys.finish(&key_types)?;
        for acc in merged.accs.iter_mut() {
            let values = acc.finish(n + offset as usize)?;
            // Drop the reserved group of filtered-out rows.
            columns.push(values.slice(offset as usize, n));
        }
        for (c, f) in columns.iter_mut().zip(self.schema.fields()) {
            if c.data_type() != f.data_type() {
                *c = crate::physical::expr::cast_array(c, f.data_type(), false)?;
            }
        }
        let batch = RecordBatch::try_new_with_options(
            self.schema.clone(),
            columns,
            &RecordBatchOptions::new().with_row_count(Some(n)),
        )?;
        Ok(Tasks::ready(split(batch, ctx.batch_size())))
    }
}

/// Splits a batch into slices of at most `size` rows.
pub(crate) fn split(batch: RecordBatch, size: usize) -> Vec<RecordBatch> {
    let n = batch.num_rows();
    if n <= size {
        return vec![batch];
    }
    (0..n)
        .step_by(size.max(1))
        .map(|o| batch.slice(o, size.min(n - o)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, len, lit, AggregateCall, Expr};
    use crate::physical::ops::values::tests::*;
    use arrow::datatypes::{Field, Schema};

    /// 1000 rows in 28 morsels of 37 rows. DuckDB:
    /// `SELECT i, CASE WHEN i%11=0 THEN NULL ELSE i%7 END k,
    ///  (['apple','banana','cherry',NULL])[i%4+1] s, CASE WHEN i%13=0 THEN NULL ELSE i END v
    ///  FROM range(1000) r(i)`
    fn data() -> Vec<RecordBatch> {
        let names = [Some("apple"), Some("banana"), Some("cherry"), None];
        let b = batch(vec![
            ("i", ints((0..1000).map(Some).collect())),
            (
                "k",
                ints(
                    (0..1000)
                        .map(|i| if i % 11 == 0 { None } else { Some(i % 7) })
                        .collect(),
                ),
            ),
            (
                "s",
                strs((0..1000).map(|i| names[(i % 4) as usize]).collect()),
            ),
            (
                "v",
                ints(
                    (0..1000)
                        .map(|i| if i % 13 == 0 { None } else { Some(i) })
                        .collect(),
                ),
            ),
        ]);
        chunks(&b, 37)
    }

    fn agg(keys: Vec<Expr>, aggs: Vec<Expr>) -> Arc<crate::logical::LogicalPlan> {
        scan(data()).aggregate(keys, aggs).unwrap().build()
    }

    /// Runs on 1 and on 2 threads; both must agree (the 2-thread run merges states).
    fn run_both(plan: &crate::logical::LogicalPlan) -> Vec<String> {
        let one = sorted(rows(&run_unoptimized(&session(1, 1024), plan).unwrap()));
        let two = sorted(rows(&run_unoptimized(&session(2, 1024), plan).unwrap()));
        assert_eq!(one, two, "1-thread and 2-thread results differ");
        two
    }

    #[test]
    fn no_keys_one_row() {
        let plan = agg(
            vec![],
            vec![
                len(),
                col("v").count(),
                col("v").sum(),
                col("v").min(),
                col("v").max(),
                col("v").mean(),
            ],
        );
        assert!(physical_text(&plan).starts_with(
            "HashAggregateExec: groupBy=[], aggr=[count_star() AS len, count(v) AS count(v)"
        ));
        assert_eq!(
            run_both(&plan),
            vec!["1000|923|461462|1|999|499.95882990249186"]
        );
    }

    #[test]
    fn one_integer_key_with_nulls() {
        let plan = agg(
            vec![col("k")],
            vec![len(), col("v").sum(), col("v").min(), col("v").max()],
        );
        let want = [
            "NULL|91|42042|11|990",
            "0|130|60060|7|994",
            "1|130|59774|1|995",
            "2|130|59488|2|996",
            "3|130|59202|3|997",
            "4|130|60918|4|998",
            "5|130|60632|5|999",
            "6|129|59346|6|993",
        ];
        assert_eq!(
            run_both(&plan),
            sorted(want.iter().map(|s| s.to_string()).collect())
        );
    }

    #[test]
    fn one_string_key_with_nulls() {
        let plan = agg(
            vec![col("s")],
            vec![len(), col("v").sum(), col("k").count_distinct()],
        );
        let want = [
            "NULL|250|115617|7",
            "apple|250|114620|7",
            "banana|250|115611|7",
            "cherry|250|115614|7",
        ];
        assert_eq!(
            run_both(&plan),
            sorted(want.iter().map(|s| s.to_string()).collect())
        );
    }

    #[test]
    fn several_keys() {
        let plan = agg(vec![col("k"), col("s")], vec![len(), col("v").sum()]);
        let want = [
            "0|apple|32|14700",
            "0|banana|32|15330",
            "0|cherry|33|15120",
            "0|NULL|33|14910",
            "1|apple|33|14604",
            "1|banana|33|14394",
            "1|cherry|31|14168",
            "1|NULL|33|16608",
            "2|apple|32|14632",
            "2|banana|33|15819",
            "2|cherry|33|15154",
            "2|NULL|32|13883",
            "3|apple|32|14668",
            "3|banana|33|15423",
            "3|cherry|32|14094",
            "3|NULL|33|15017",
            "4|apple|33|15608",
            "4|banana|32|14361",
            "4|cherry|33|16014",
            "4|NULL|32|14935",
            "5|apple|33|15212",
            "5|banana|32|14397",
            "5|cherry|32|15146",
            "5|NULL|33|15877",
            "6|apple|32|14636",
            "6|banana|33|15426",
            "6|cherry|33|15424",
            "6|NULL|31|13860",
            "NULL|apple|23|10560",
            "NULL|banana|22|10461",
            "NULL|cherry|23|10494",
            "NULL|NULL|23|10527",
        ];
        assert_eq!(
            run_both(&plan),
            sorted(want.iter().map(|s| s.to_string()).collect())
        );
    }

    #[test]
    fn aggregate_filter_clause() {
        // DuckDB: SELECT count(*), sum(v) FILTER (WHERE k = 3), sum(v) FROM t -> 1000|59202|461462
        let filtered = Expr::Aggregate(AggregateCall {
            func: "sum".into(),
            args: vec![col("v")],
            distinct: false,
            filter: Some(Box::new(col("k").eq(lit(3i64)))),
            order_by: vec![],
        });
        let plan = agg(vec![], vec![len(), filtered.alias("s3"), col("v").sum()]);
        assert_eq!(run_both(&plan), vec!["1000|59202|461462"]);
    }

    #[test]
    fn distinct_rows_across_morsels() {
        // DuckDB: SELECT count(*) FROM (SELECT DISTINCT k, s FROM t) -> 32
        let plan = scan(data())
            .project(vec![col("k"), col("s")])
            .unwrap()
            .distinct()
            .build();
        let out = run_both(&plan);
        assert_eq!(out.len(), 32);
        let mut dedup = out.clone();
        dedup.dedup();
        assert_eq!(dedup, out);
    }

    #[test]
    fn empty_input_global_gives_one_row_keyed_gives_none() {
        // DuckDB: SELECT count(*), sum(v), min(v) FROM empty -> 0|NULL|NULL; with GROUP BY: no rows.
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int64, true),
            Field::new("v", DataType::Int64, true),
        ]));
        let global = scan_named("e", None, schema.clone(), vec![])
            .aggregate(vec![], vec![len(), col("v").sum(), col("v").min()])
            .unwrap()
            .build();
        assert_eq!(run_both(&global), vec!["0|NULL|NULL"]);
        let keyed = scan_named("e", None, schema, vec![])
            .aggregate(vec![col("k")], vec![len()])
            .unwrap()
            .build();
        assert_eq!(run_both(&keyed), Vec::<String>::new());
    }

    #[test]
    fn date_and_boolean_keys_keep_their_types() {
        let b = RecordBatch::try_from_iter(vec![
            (
                "d",
                Arc::new(arrow::array::Date32Array::from(vec![
                    Some(19723),
                    None,
                    Some(19723),
                    Some(19724),
                ])) as ArrayRef,
            ),
            (
                "f",
                Arc::new(arrow::array::BooleanArray::from(vec![
                    Some(true),
                    Some(false),
                    None,
                    Some(true),
                ])) as ArrayRef,
            ),
            ("v", ints(vec![Some(1), Some(2), Some(3), Some(4)])),
        ])
        .unwrap();
        let by_date = scan(chunks(&b, 1))
            .aggregate(vec![col("d")], vec![col("v").sum()])
            .unwrap()
            .build();
        let out = run_unoptimized(&session(2, 1024), &by_date).unwrap();
        assert_eq!(out[0].schema().field(0).data_type(), &DataType::Date32);
        assert_eq!(
            sorted(rows(&out)),
            vec!["2024-01-01|4", "2024-01-02|4", "NULL|2"]
        );
        let by_flag = scan(chunks(&b, 1))
            .aggregate(vec![col("f")], vec![col("v").sum()])
            .unwrap()
            .build();
        assert_eq!(run_both(&by_flag), vec!["NULL|3", "false|2", "true|5"]);
    }

    #[test]
    fn expressions_over_aggregates_and_over_keys() {
        // DuckDB: SELECT k + 1, sum(v) / count(v) FROM t WHERE k < 2 GROUP BY k + 1
        // -> 1|500.5, 2|498.1166666666667
        let plan = scan(data())
            .filter(col("k").lt(lit(2i64)))
            .unwrap()
            .aggregate(
                vec![(col("k") + lit(1i64)).alias("k1")],
                vec![(col("v").sum() / col("v").count()).alias("m")],
            )
            .unwrap()
            .build();
        assert_eq!(run_both(&plan), vec!["1|500.5", "2|498.1166666666667"]);
        // The node computes the calls; a projection above finishes the expression.
        let text = plan.display_indent();
        assert_eq!(
            text,
            "Projection: k1, CAST(sum(v) AS Float64) / CAST(count(v) AS Float64) AS m\n  \
             Aggregate: groupBy=[k + 1 AS k1], aggr=[sum(v) AS sum(v), count(v) AS count(v)]\n    \
             Filter: k < 2\n      \
             TableScan: t\n"
        );
    }

    #[test]
    fn timestamp_keys_keep_unit_and_time_zone() {
        use arrow::array::TimestampMicrosecondArray;
        let ts = TimestampMicrosecondArray::from(vec![
            Some(1_000_000),
            Some(2_000_000),
            None,
            Some(1_000_000),
        ])
        .with_timezone("UTC");
        let b = RecordBatch::try_from_iter(vec![
            ("t", Arc::new(ts) as ArrayRef),
            ("v", ints(vec![Some(1), Some(2), Some(3), Some(4)])),
        ])
        .unwrap();
        let plan = scan(chunks(&b, 2))
            .aggregate(vec![col("t")], vec![col("v").sum()])
            .unwrap()
            .build();
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        assert_eq!(
            out[0].schema().field(0).data_type(),
            &DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert_eq!(
            sorted(rows(&out)),
            vec!["1970-01-01T00:00:01Z|5", "1970-01-01T00:00:02Z|2", "NULL|3"]
        );
    }

    #[test]
    fn many_groups_are_handed_out_in_batches() {
        // 5000 distinct keys, batch size 1024 -> 5 output batches, every key once.
        let b = batch(vec![(
            "k",
            ints((0..10_000).map(|i| Some(i % 5000)).collect()),
        )]);
        let plan = scan(chunks(&b, 700))
            .aggregate(vec![col("k")], vec![len()])
            .unwrap()
            .build();
        let out = run_unoptimized(&session(2, 1024), &plan).unwrap();
        assert_eq!(
            out.iter().map(|b| b.num_rows()).collect::<Vec<_>>(),
            vec![1024, 1024, 1024, 1024, 904]
        );
        let rows = sorted(rows(&out));
        let mut want: Vec<String> = (0..5000).map(|k| format!("{k}|2")).collect();
        want.sort();
        assert_eq!(rows, want);
    }

    #[test]
    fn split_cuts_batches() {
        let b = batch(vec![("x", ints((0..10).map(Some).collect()))]);
        let parts = split(b.clone(), 4);
        assert_eq!(
            parts.iter().map(|p| p.num_rows()).collect::<Vec<_>>(),
            vec![4, 4, 2]
        );
        assert_eq!(split(b, 10).len(), 1);
    }
}
