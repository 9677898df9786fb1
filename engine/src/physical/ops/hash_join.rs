//! Hash join (and nested-loop join when there are no equality keys).
//!
//! The right input is the build side: it runs first, is concatenated and indexed by key
//! ([`JoinTable`]). Left morsels then probe in parallel. Inner, left, semi and anti joins
//! stream; right and full joins also need the build rows no probe matched, so they
//! finish all probes before emitting those.
//!
//! A semi or anti join whose left input is the smaller one builds on the left instead
//! (`build_left`): right morsels probe and mark the left rows they match, and the marked
//! (semi) or unmarked (anti) left rows come out at the end. `EXISTS` over a big table
//! (TPC-H Q4, Q21, Q22) then hashes the few outer rows, not the big table.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arrow::array::*;
use arrow::compute::take;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

use super::join_table::JoinTable;
use crate::error::Result;
use crate::exec::{ExecContext, Tasks};
use crate::logical::JoinType;
use crate::physical::{ExecutionPlan, PhysicalExpr};

/// Joins left (probe) and right (build) inputs.
#[derive(Debug)]
pub struct HashJoinExec {
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    left_keys: Vec<PhysicalExpr>,
    right_keys: Vec<PhysicalExpr>,
    /// Residual condition over `left ++ right` columns.
    filter: Option<PhysicalExpr>,
    join_type: JoinType,
    null_equals_null: bool,
    /// Semi / anti joins only: build on the left input and probe with the right.
    build_left: bool,
    display: String,
    schema: SchemaRef,
    /// Schema of `left ++ right` (for the residual filter).
    joined_schema: SchemaRef,
}

struct Build {
    batch: RecordBatch,
    table: Option<JoinTable>,
    matched: Vec<AtomicBool>,
}

impl HashJoinExec {
    /// A join; `schema` is the output schema and `joined_schema` the full `left ++ right`.
    pub fn new(
        left: Arc<dyn ExecutionPlan>,
        right: Arc<dyn ExecutionPlan>,
        left_keys: Vec<PhysicalExpr>,
        right_keys: Vec<PhysicalExpr>,
        filter: Option<PhysicalExpr>,
        join_type: JoinType,
        null_equals_null: bool,
        display: String,
        schema: SchemaRef,
        joined_schema: SchemaRef,
    ) -> Self {
        Self {
            left,
            right,
            left_keys,
            right_keys,
            filter,
            join_type,
            null_equals_null,
            build_left: false,
            display,
            schema,
            joined_schema,
        }
    }

    /// For a semi or anti join: builds on the left input (the smaller one) instead.
    pub fn with_build_left(mut self) -> Self {
        if matches!(self.join_type, JoinType::LeftSemi | JoinType::LeftAnti) {
            self.build_left = true;
            self.display.push_str(" build=left");
        }
        self
    }
}

fn joined_batch(
    schema: &SchemaRef,
    left: &RecordBatch,
    li: &dyn Array,
    right: &RecordBatch,
    ri: &dyn Array,
) -> Result<RecordBatch> {
    let mut cols = Vec::with_capacity(schema.fields().len());
    for c in left.columns() {
        cols.push(take(c.as_ref(), li, None)?);
    }
    for c in right.columns() {
        cols.push(take(c.as_ref(), ri, None)?);
    }
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(li.len())),
    )?)
}

struct Prober {
    build: Arc<Build>,
    /// The probe side's keys (the left's, or the right's when building on the left).
    left_keys: Vec<PhysicalExpr>,
    /// Whether the probe batches are the right input's (`build_left`).
    probe_is_right: bool,
    filter: Option<PhysicalExpr>,
    join_type: JoinType,
    schema: SchemaRef,
    joined_schema: SchemaRef,
    batch_size: usize,
    /// For cancellation checks inside long cross-join probes.
    ctx: ExecContext,
}

impl Prober {
    /// Candidate pairs (probe row, build row) for one probe batch, after the residual filter.
    fn pairs(&self, batch: &RecordBatch) -> Result<(UInt32Array, UInt32Array)> {
        let n = batch.num_rows();
        let (mut p, mut b) = (Vec::new(), Vec::new());
        match &self.build.table {
            Some(t) => {
                let keys = self
                    .left_keys
                    .iter()
                    .map(|k| k.evaluate_to_array(batch))
                    .collect::<Result<Vec<_>>>()?;
                t.probe(&keys, n, &mut p, &mut b)?;
            }
            None => {
                let m = self.build.batch.num_rows() as u32;
                p.reserve(n * m as usize);
                b.reserve(n * m as usize);
                for i in 0..n as u32 {
                    for j in 0..m {
                        p.push(i);
                        b.push(j);
                    }
                }
            }
        }
        let (p, b) = (UInt32Array::from(p), UInt32Array::from(b));
        match &self.filter {
            None => Ok((p, b)),
            Some(f) => {
                let joined = if self.probe_is_right {
                    joined_batch(&self.joined_schema, &self.build.batch, &b, batch, &p)?
                } else {
                    joined_batch(&self.joined_schema, batch, &p, &self.build.batch, &b)?
                };
                let mask = f.evaluate_to_array(&joined)?;
                let mask = crate::physical::expr::predicate_mask(&mask)?;
                let p = arrow::compute::filter(&p, &mask)?;
                let b = arrow::compute::filter(&b, &mask)?;
                Ok((p.as_primitive().clone(), b.as_primitive().clone()))
            }
        }
    }

    fn probe_batch(&self, batch: &RecordBatch) -> Result<Vec<RecordBatch>> {
        let n = batch.num_rows();
        // Cross joins of big inputs: bound the pairs per step.
        if self.build.table.is_none() && n > 1 {
            let m = self.build.batch.num_rows().max(1);
            let chunk = (self.batch_size / m).clamp(1, n);
            if chunk < n {
                let mut out = Vec::new();
                for o in (0..n).step_by(chunk) {
                    self.ctx.check_cancelled()?;
                    out.extend(self.probe_batch(&batch.slice(o, chunk.min(n - o)))?);
                }
                return Ok(out);
            }
        }
        let (p, b) = self.pairs(batch)?;
        if self.probe_is_right {
            // Building on the left: only mark; the left rows come out at the end.
            for j in b.values() {
                self.build.matched[*j as usize].store(true, Ordering::Relaxed);
            }
            return Ok(vec![]);
        }
        if matches!(self.join_type, JoinType::Right | JoinType::Full) {
            for j in b.values() {
                self.build.matched[*j as usize].store(true, Ordering::Relaxed);
            }
        }
        let out = match self.join_type {
            JoinType::Inner | JoinType::Cross | JoinType::Right => {
                joined_batch(&self.schema, batch, &p, &self.build.batch, &b)?
            }
            JoinType::Left | JoinType::Full => {
                let mut hit = vec![false; n];
                for i in p.values() {
                    hit[*i as usize] = true;
                }
                let (mut pi, mut bi): (Vec<u32>, Vec<Option<u32>>) =
                    (Vec::with_capacity(p.len()), Vec::with_capacity(p.len()));
                // Keep probe order: each probe row's matches, or one NULL-extended row.
                let mut k = 0;
                let pv = p.values();
                let bv = b.values();
                for (i, h) in hit.iter().enumerate() {
                    if *h {
                        while k < pv.len() && pv[k] as usize == i {
                            pi.push(i as u32);
                            bi.push(Some(bv[k]));
                            k += 1;
                        }
                    } else {
                        pi.push(i as u32);
                        bi.push(None);
                    }
                }
                joined_batch(
                    &self.schema,
                    batch,
                    &UInt32Array::from(pi),
                    &self.build.batch,
                    &UInt32Array::from(bi),
                )?
            }
            JoinType::LeftSemi | JoinType::LeftAnti => {
                let mut hit = vec![false; n];
                for i in p.values() {
                    hit[*i as usize] = true;
                }
                let keep = self.join_type == JoinType::LeftSemi;
                let mask =
                    BooleanArray::from(hit.into_iter().map(|h| h == keep).collect::<Vec<_>>());
                arrow::compute::filter_record_batch(batch, &mask)?
            }
        };
        Ok(if out.num_rows() > 0 {
            vec![out]
        } else {
            vec![]
        })
    }

    /// Build rows no probe matched, NULL-extended on the left (right and full joins).
    fn unmatched(&self, left_schema: &SchemaRef) -> Result<Option<RecordBatch>> {
        let idx: Vec<u32> = self
            .build
            .matched
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.load(Ordering::Relaxed))
            .map(|(i, _)| i as u32)
            .collect();
        if idx.is_empty() {
            return Ok(None);
        }
        let mut cols: Vec<ArrayRef> = left_schema
            .fields()
            .iter()
            .map(|f| new_null_array(f.data_type(), idx.len()))
            .collect();
        let ri = UInt32Array::from(idx);
        for c in self.build.batch.columns() {
            cols.push(take(c.as_ref(), &ri, None)?);
        }
        Ok(Some(RecordBatch::try_new(self.schema.clone(), cols)?))
    }
}

impl Prober {
    /// Left rows (the build side) that some probe matched (semi) or none did (anti).
    fn marked_build_rows(&self, keep_matched: bool) -> Result<Option<RecordBatch>> {
        let mask: BooleanArray = self
            .build
            .matched
            .iter()
            .map(|m| Some(m.load(Ordering::Relaxed) == keep_matched))
            .collect();
        let out = arrow::compute::filter_record_batch(&self.build.batch, &mask)?;
        Ok((out.num_rows() > 0).then_some(out))
    }
}

impl ExecutionPlan for HashJoinExec {
    fn name(&self) -> &'static str {
        if self.left_keys.is_empty() {
            "NestedLoopJoinExec"
        } else {
            "HashJoinExec"
        }
    }

    fn describe(&self) -> String {
        self.display.clone()
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.left, &self.right]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let (build_input, build_keys, probe_input, probe_keys) = if self.build_left {
            (&self.left, &self.left_keys, &self.right, &self.right_keys)
        } else {
            (&self.right, &self.right_keys, &self.left, &self.left_keys)
        };
        let build_schema = build_input.schema();
        let batches = build_input.execute(ctx)?.collect(ctx)?;
        let batch = arrow::compute::concat_batches(&build_schema, &batches)?;
        let table = if build_keys.is_empty() {
            None
        } else {
            let keys = build_keys
                .iter()
                .map(|k| k.evaluate_to_array(&batch))
                .collect::<Result<Vec<_>>>()?;
            Some(JoinTable::try_new(
                &keys,
                batch.num_rows(),
                self.null_equals_null,
            )?)
        };
        let matched =
            if self.build_left || matches!(self.join_type, JoinType::Right | JoinType::Full) {
                (0..batch.num_rows())
                    .map(|_| AtomicBool::new(false))
                    .collect()
            } else {
                vec![]
            };
        let build = Arc::new(Build {
            batch,
            table,
            matched,
        });
        // An empty build side: inner and semi joins produce nothing, so skip the probe side
        // (also when building on the left: no left rows, nothing to output).
        if build.batch.num_rows() == 0
            && (self.build_left
                || matches!(
                    self.join_type,
                    JoinType::Inner | JoinType::Cross | JoinType::LeftSemi | JoinType::Right
                ))
        {
            return Ok(Tasks { tasks: vec![] });
        }
        let prober = Arc::new(Prober {
            build,
            left_keys: probe_keys.clone(),
            probe_is_right: self.build_left,
            filter: self.filter.clone(),
            join_type: self.join_type,
            schema: self.schema.clone(),
            joined_schema: self.joined_schema.clone(),
            batch_size: ctx.batch_size(),
            ctx: ctx.clone(),
        });
        let p = prober.clone();
        let tasks = probe_input.execute(ctx)?.map(move |bs| {
            let mut out = Vec::new();
            for b in &bs {
                out.extend(p.probe_batch(b)?);
            }
            Ok(out)
        });
        if self.build_left {
            tasks.collect(ctx)?;
            let keep_matched = self.join_type == JoinType::LeftSemi;
            return Ok(Tasks::ready(
                prober
                    .marked_build_rows(keep_matched)?
                    .into_iter()
                    .collect(),
            ));
        }
        if matches!(self.join_type, JoinType::Right | JoinType::Full) {
            let mut out = tasks.collect(ctx)?;
            if let Some(u) = prober.unmatched(&self.left.schema())? {
                out.push(u);
            }
            return Ok(Tasks::ready(out));
        }
        Ok(tasks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{lit, Column, Expr};
    use crate::logical::{LogicalPlan, LogicalPlanBuilder};
    use crate::physical::ops::values::tests::*;
    use arrow::datatypes::{DataType, Field, Schema};

    fn q(relation: &str, name: &str) -> Expr {
        Expr::Column(Column::qualified(relation, name))
    }

    /// DuckDB: `l(k, a) = VALUES (1,10),(2,20),(2,30),(NULL,40),(4,50),(5,60)`, three morsels.
    fn left() -> LogicalPlanBuilder {
        let b = batch(vec![
            (
                "k",
                ints(vec![Some(1), Some(2), Some(2), None, Some(4), Some(5)]),
            ),
            (
                "a",
                ints(vec![
                    Some(10),
                    Some(20),
                    Some(30),
                    Some(40),
                    Some(50),
                    Some(60),
                ]),
            ),
        ]);
        scan_named("l", Some("l"), b.schema(), chunks(&b, 2))
    }

    /// DuckDB: `r(k, v) = VALUES (2,'x'),(2,'y'),(3,'z'),(NULL,'n'),(4,'w'),(0,'o')`.
    fn right_batches() -> RecordBatch {
        batch(vec![
            (
                "k",
                ints(vec![Some(2), Some(2), Some(3), None, Some(4), Some(0)]),
            ),
            (
                "v",
                strs(vec![
                    Some("x"),
                    Some("y"),
                    Some("z"),
                    Some("n"),
                    Some("w"),
                    Some("o"),
                ]),
            ),
        ])
    }

    fn right() -> Arc<LogicalPlan> {
        let b = right_batches();
        scan_named("r", Some("r"), b.schema(), chunks(&b, 2)).build()
    }

    fn empty_right() -> Arc<LogicalPlan> {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int64, true),
            Field::new("v", DataType::Utf8, true),
        ]));
        scan_named("r", Some("r"), schema, vec![]).build()
    }

    fn join(join_type: JoinType, filter: Option<Expr>) -> Arc<LogicalPlan> {
        left()
            .join(right(), join_type, vec![(q("l", "k"), q("r", "k"))], filter)
            .unwrap()
            .build()
    }

    fn got(plan: &LogicalPlan) -> Vec<String> {
        sorted(run_rows(plan))
    }

    fn want(rows: &[&str]) -> Vec<String> {
        sorted(rows.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn inner_join_with_duplicate_keys_and_nulls_never_matching() {
        let plan = join(JoinType::Inner, None);
        assert_eq!(
            got(&plan),
            want(&["2|20|2|x", "2|20|2|y", "2|30|2|x", "2|30|2|y", "4|50|4|w"])
        );
        assert_eq!(
            physical_text(&plan),
            "HashJoinExec: Inner on=[l.k = r.k]\n  ScanExec: morsels (3 batches)\n  ScanExec: morsels (3 batches)\n"
        );
    }

    #[test]
    fn left_join_null_extends_unmatched_left_rows() {
        let plan = join(JoinType::Left, None);
        let expected = [
            "1|10|NULL|NULL",
            "2|20|2|x",
            "2|20|2|y",
            "2|30|2|x",
            "2|30|2|y",
            "4|50|4|w",
            "5|60|NULL|NULL",
            "NULL|40|NULL|NULL",
        ];
        assert_eq!(got(&plan), want(&expected));
    }

    #[test]
    fn left_join_keeps_probe_order() {
        let plan = join(JoinType::Left, None);
        let out = run_rows(&plan);
        let a: Vec<&str> = out.iter().map(|r| r.split('|').nth(1).unwrap()).collect();
        assert_eq!(a, vec!["10", "20", "20", "30", "30", "40", "50", "60"]);
    }

    #[test]
    fn right_join_adds_unmatched_build_rows() {
        let plan = join(JoinType::Right, None);
        let expected = [
            "2|20|2|x",
            "2|20|2|y",
            "2|30|2|x",
            "2|30|2|y",
            "4|50|4|w",
            "NULL|NULL|0|o",
            "NULL|NULL|3|z",
            "NULL|NULL|NULL|n",
        ];
        assert_eq!(got(&plan), want(&expected));
    }

    #[test]
    fn full_join_has_both_unmatched_sides() {
        let plan = join(JoinType::Full, None);
        let expected = [
            "1|10|NULL|NULL",
            "2|20|2|x",
            "2|20|2|y",
            "2|30|2|x",
            "2|30|2|y",
            "4|50|4|w",
            "5|60|NULL|NULL",
            "NULL|40|NULL|NULL",
            "NULL|NULL|0|o",
            "NULL|NULL|3|z",
            "NULL|NULL|NULL|n",
        ];
        assert_eq!(got(&plan), want(&expected));
    }

    #[test]
    fn semi_and_anti_joins() {
        assert_eq!(
            got(&join(JoinType::LeftSemi, None)),
            want(&["2|20", "2|30", "4|50"])
        );
        // A NULL key has no match, so the anti join keeps it (DuckDB ANTI JOIN, Polars anti).
        assert_eq!(
            got(&join(JoinType::LeftAnti, None)),
            want(&["1|10", "5|60", "NULL|40"])
        );
    }

    /// `r` three times over: bigger than `l`, so semi and anti joins build on `l`.
    fn join_big_right(join_type: JoinType, filter: Option<Expr>) -> Arc<LogicalPlan> {
        let b = right_batches();
        let big = arrow::compute::concat_batches(&b.schema(), &[b.clone(), b.clone(), b]).unwrap();
        let right = scan_named("r", Some("r"), big.schema(), chunks(&big, 4)).build();
        left()
            .join(right, join_type, vec![(q("l", "k"), q("r", "k"))], filter)
            .unwrap()
            .build()
    }

    #[test]
    fn semi_and_anti_joins_building_on_the_smaller_left_side() {
        let semi = join_big_right(JoinType::LeftSemi, None);
        assert!(create_physical_plan_for(&semi)
            .describe()
            .contains("build=left"));
        assert_eq!(got(&semi), want(&["2|20", "2|30", "4|50"]));
        assert_eq!(
            got(&join_big_right(JoinType::LeftAnti, None)),
            want(&["1|10", "5|60", "NULL|40"])
        );
        let is_y = Some(q("r", "v").eq(lit("y")));
        assert_eq!(
            got(&join_big_right(JoinType::LeftSemi, is_y.clone())),
            want(&["2|20", "2|30"])
        );
        assert_eq!(
            got(&join_big_right(JoinType::LeftAnti, is_y)),
            want(&["1|10", "4|50", "5|60", "NULL|40"])
        );
    }

    #[test]
    fn cross_join_pairs_everything_even_in_small_batches() {
        let plan = left().cross_join(right()).unwrap().build();
        assert!(physical_text(&plan).starts_with("NestedLoopJoinExec: Cross\n"));
        // batch_size 4 < 6 build rows: the probe is cut into one-row steps.
        let out = run_unoptimized(&session(2, 4), &plan).unwrap();
        let rows = rows(&out);
        assert_eq!(rows.len(), 36);
        assert_eq!(rows.iter().filter(|r| r.starts_with("NULL|40|")).count(), 6);
    }

    #[test]
    fn residual_filter_on_inner_and_left_joins() {
        let not_x = Some(q("r", "v").not_eq(lit("x")));
        assert_eq!(
            got(&join(JoinType::Inner, not_x.clone())),
            want(&["2|20|2|y", "2|30|2|y", "4|50|4|w"])
        );
        let expected = [
            "1|10|NULL|NULL",
            "2|20|2|y",
            "2|30|2|y",
            "4|50|4|w",
            "5|60|NULL|NULL",
            "NULL|40|NULL|NULL",
        ];
        assert_eq!(got(&join(JoinType::Left, not_x)), want(&expected));
    }

    #[test]
    fn residual_filter_on_right_and_full_joins() {
        let a_gt_20 = Some(q("l", "a").gt(lit(20i64)));
        let right = [
            "2|30|2|x",
            "2|30|2|y",
            "4|50|4|w",
            "NULL|NULL|0|o",
            "NULL|NULL|3|z",
            "NULL|NULL|NULL|n",
        ];
        assert_eq!(got(&join(JoinType::Right, a_gt_20.clone())), want(&right));
        let full = [
            "1|10|NULL|NULL",
            "2|20|NULL|NULL",
            "2|30|2|x",
            "2|30|2|y",
            "4|50|4|w",
            "5|60|NULL|NULL",
            "NULL|40|NULL|NULL",
            "NULL|NULL|0|o",
            "NULL|NULL|3|z",
            "NULL|NULL|NULL|n",
        ];
        assert_eq!(got(&join(JoinType::Full, a_gt_20)), want(&full));
    }

    #[test]
    fn residual_filter_on_semi_and_anti_joins() {
        let is_y = Some(q("r", "v").eq(lit("y")));
        assert_eq!(
            got(&join(JoinType::LeftSemi, is_y.clone())),
            want(&["2|20", "2|30"])
        );
        assert_eq!(
            got(&join(JoinType::LeftAnti, is_y)),
            want(&["1|10", "4|50", "5|60", "NULL|40"])
        );
    }

    #[test]
    fn non_equi_join_without_keys() {
        // DuckDB: l JOIN r ON l.a < r.k * 10 + 5 (and the LEFT JOIN variant).
        let cond = q("l", "a").lt(q("r", "k") * lit(10i64) + lit(5i64));
        let inner = left()
            .join(right(), JoinType::Inner, vec![], Some(cond.clone()))
            .unwrap()
            .build();
        let expected = [
            "1|10|2|x",
            "1|10|2|y",
            "1|10|3|z",
            "1|10|4|w",
            "2|20|2|x",
            "2|20|2|y",
            "2|20|3|z",
            "2|20|4|w",
            "2|30|3|z",
            "2|30|4|w",
            "NULL|40|4|w",
        ];
        assert_eq!(got(&inner), want(&expected));
        let left_join = left()
            .join(right(), JoinType::Left, vec![], Some(cond))
            .unwrap()
            .build();
        let mut expected = expected.to_vec();
        expected.extend(["4|50|NULL|NULL", "5|60|NULL|NULL"]);
        assert_eq!(got(&left_join), want(&expected));
    }

    #[test]
    fn empty_build_side() {
        let on = || vec![(q("l", "k"), q("r", "k"))];
        let run = |t: JoinType| got(&left().join(empty_right(), t, on(), None).unwrap().build());
        assert_eq!(run(JoinType::Inner), Vec::<String>::new());
        assert_eq!(run(JoinType::LeftSemi), Vec::<String>::new());
        assert_eq!(run(JoinType::Right), Vec::<String>::new());
        let all_left = [
            "1|10|NULL|NULL",
            "2|20|NULL|NULL",
            "2|30|NULL|NULL",
            "NULL|40|NULL|NULL",
            "4|50|NULL|NULL",
            "5|60|NULL|NULL",
        ];
        assert_eq!(run(JoinType::Left), want(&all_left));
        assert_eq!(run(JoinType::Full), want(&all_left));
        assert_eq!(
            run(JoinType::LeftAnti),
            want(&["1|10", "2|20", "2|30", "NULL|40", "4|50", "5|60"])
        );
        let cross = left().cross_join(empty_right()).unwrap().build();
        assert_eq!(got(&cross), Vec::<String>::new());
    }

    #[test]
    fn string_and_multi_column_keys() {
        // Join on (v) and on (k, v) against a copy of r: the row-format key path.
        let r2 = || {
            let b = right_batches();
            scan_named("r2", Some("r2"), b.schema(), chunks(&b, 4)).build()
        };
        let rb = right_batches();
        let r1 = || scan_named("r", Some("r"), rb.schema(), chunks(&rb, 3));
        let by_string = r1()
            .join(
                r2(),
                JoinType::Inner,
                vec![(q("r", "v"), q("r2", "v"))],
                None,
            )
            .unwrap()
            .build();
        assert_eq!(got(&by_string).len(), 6);
        let by_both = r1()
            .join(
                r2(),
                JoinType::Inner,
                vec![(q("r", "k"), q("r2", "k")), (q("r", "v"), q("r2", "v"))],
                None,
            )
            .unwrap()
            .build();
        // The row with a NULL k does not match itself.
        assert_eq!(
            got(&by_both),
            want(&["0|o|0|o", "2|x|2|x", "2|y|2|y", "3|z|3|z", "4|w|4|w"])
        );
    }

    #[test]
    fn null_equals_null_matches_null_keys() {
        // DuckDB: l JOIN r ON l.k IS NOT DISTINCT FROM r.k
        let plan = left()
            .join_detailed(
                right(),
                JoinType::Inner,
                vec![(q("l", "k"), q("r", "k"))],
                None,
                true,
            )
            .unwrap()
            .build();
        assert_eq!(
            got(&plan),
            want(&[
                "2|20|2|x",
                "2|20|2|y",
                "2|30|2|x",
                "2|30|2|y",
                "4|50|4|w",
                "NULL|40|NULL|n"
            ])
        );
    }

    #[test]
    fn null_equals_null_probe_null_does_not_match_a_zero_key() {
        // The build side has no NULL key (so the integer index is used) but a key 0; a NULL
        // probe key must match nothing. DuckDB:
        // SELECT * FROM (VALUES (NULL), (1)) l(k) JOIN (VALUES (0), (1)) r(k)
        //   ON l.k IS NOT DISTINCT FROM r.k  -> 1|1
        let lb = batch(vec![("k", ints(vec![None, Some(1)]))]);
        let rb = batch(vec![("k", ints(vec![Some(0), Some(1)]))]);
        let plan = scan_named("l", Some("l"), lb.schema(), vec![lb])
            .join_detailed(
                scan_named("r", Some("r"), rb.schema(), vec![rb]).build(),
                JoinType::Inner,
                vec![(q("l", "k"), q("r", "k"))],
                None,
                true,
            )
            .unwrap()
            .build();
        assert_eq!(got(&plan), want(&["1|1"]));
    }

    #[test]
    fn join_runs_twice() {
        let plan = create_physical_plan_for(&join(JoinType::Full, None));
        let s = session(2, 1024);
        let first = sorted(rows(
            &crate::physical::collect(&plan, &s.exec_context()).unwrap(),
        ));
        let second = sorted(rows(
            &crate::physical::collect(&plan, &s.exec_context()).unwrap(),
        ));
        assert_eq!(first, second);
        assert_eq!(first.len(), 11);
    }

    fn create_physical_plan_for(plan: &LogicalPlan) -> Arc<dyn ExecutionPlan> {
        crate::physical::create_physical_plan(plan).unwrap()
    }

    #[test]
    fn null_typed_residual_filter_matches_nothing() {
        // A bare NULL condition (a NULL literal of type Null, as `ON l.k = r.k AND NULL` or a
        // frame's `.filter(lit_null(&DataType::Null))` pushed into a join) is never true.
        // DuckDB: l JOIN r ON l.k = r.k AND NULL -> no rows; LEFT JOIN -> every l row, NULLs.
        let null = || {
            Some(Expr::Literal(crate::types::ScalarValue::null(
                &DataType::Null,
            )))
        };
        assert_eq!(got(&join(JoinType::Inner, null())), Vec::<String>::new());
        let all_left = [
            "1|10|NULL|NULL",
            "2|20|NULL|NULL",
            "2|30|NULL|NULL",
            "NULL|40|NULL|NULL",
            "4|50|NULL|NULL",
            "5|60|NULL|NULL",
        ];
        assert_eq!(got(&join(JoinType::Left, null())), want(&all_left));
    }
}
