//! Hash join (and nested-loop join when there are no equality keys).
//!
//! The right input is the build side: it runs first, is concatenated and indexed by key
//! ([`JoinTable`]). Left morsels then probe in parallel. Inner, left, semi and anti joins
//! stream; right and full joins also need the build rows no probe matched, so they
//! finish all probes before emitting those.

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
        Self { left, right, left_keys, right_keys, filter, join_type, null_equals_null, display, schema, joined_schema }
    }
}

fn joined_batch(schema: &SchemaRef, left: &RecordBatch, li: &dyn Array, right: &RecordBatch, ri: &dyn Array) -> Result<RecordBatch> {
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
    left_keys: Vec<PhysicalExpr>,
    filter: Option<PhysicalExpr>,
    join_type: JoinType,
    schema: SchemaRef,
    joined_schema: SchemaRef,
    batch_size: usize,
}

impl Prober {
    /// Candidate pairs (probe row, build row) for one probe batch, after the residual filter.
    fn pairs(&self, batch: &RecordBatch) -> Result<(UInt32Array, UInt32Array)> {
        let n = batch.num_rows();
        let (mut p, mut b) = (Vec::new(), Vec::new());
        match &self.build.table {
            Some(t) => {
                let keys = self.left_keys.iter().map(|k| k.evaluate_to_array(batch)).collect::<Result<Vec<_>>>()?;
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
                let joined = joined_batch(&self.joined_schema, batch, &p, &self.build.batch, &b)?;
                let mask = f.evaluate_to_array(&joined)?;
                let mask = arrow::compute::prep_null_mask_filter(mask.as_boolean());
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
                    out.extend(self.probe_batch(&batch.slice(o, chunk.min(n - o)))?);
                }
                return Ok(out);
            }
        }
        let (p, b) = self.pairs(batch)?;
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
                let (mut pi, mut bi): (Vec<u32>, Vec<Option<u32>>) = (Vec::with_capacity(p.len()), Vec::with_capacity(p.len()));
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
                joined_batch(&self.schema, batch, &UInt32Array::from(pi), &self.build.batch, &UInt32Array::from(bi))?
            }
            JoinType::LeftSemi | JoinType::LeftAnti => {
                let mut hit = vec![false; n];
                for i in p.values() {
                    hit[*i as usize] = true;
                }
                let keep = self.join_type == JoinType::LeftSemi;
                let mask = BooleanArray::from(hit.into_iter().map(|h| h == keep).collect::<Vec<_>>());
                arrow::compute::filter_record_batch(batch, &mask)?
            }
        };
        Ok(if out.num_rows() > 0 { vec![out] } else { vec![] })
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
        let mut cols: Vec<ArrayRef> =
            left_schema.fields().iter().map(|f| new_null_array(f.data_type(), idx.len())).collect();
        let ri = UInt32Array::from(idx);
        for c in self.build.batch.columns() {
            cols.push(take(c.as_ref(), &ri, None)?);
        }
        Ok(Some(RecordBatch::try_new(self.schema.clone(), cols)?))
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
        let right_schema = self.right.schema();
        let batches = self.right.execute(ctx)?.collect(ctx)?;
        let batch = arrow::compute::concat_batches(&right_schema, &batches)?;
        let table = if self.right_keys.is_empty() {
            None
        } else {
            let keys = self.right_keys.iter().map(|k| k.evaluate_to_array(&batch)).collect::<Result<Vec<_>>>()?;
            Some(JoinTable::try_new(&keys, batch.num_rows(), self.null_equals_null)?)
        };
        let matched = if matches!(self.join_type, JoinType::Right | JoinType::Full) {
            (0..batch.num_rows()).map(|_| AtomicBool::new(false)).collect()
        } else {
            vec![]
        };
        let build = Arc::new(Build { batch, table, matched });
        // An empty build side: inner and semi joins produce nothing, so skip the probe side.
        if build.batch.num_rows() == 0 && matches!(self.join_type, JoinType::Inner | JoinType::Cross | JoinType::LeftSemi | JoinType::Right) {
            return Ok(Tasks { tasks: vec![] });
        }
        let prober = Arc::new(Prober {
            build,
            left_keys: self.left_keys.clone(),
            filter: self.filter.clone(),
            join_type: self.join_type,
            schema: self.schema.clone(),
            joined_schema: self.joined_schema.clone(),
            batch_size: ctx.batch_size(),
        });
        let p = prober.clone();
        let tasks = self.left.execute(ctx)?.map(move |bs| {
            let mut out = Vec::new();
            for b in &bs {
                out.extend(p.probe_batch(b)?);
            }
            Ok(out)
        });
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
