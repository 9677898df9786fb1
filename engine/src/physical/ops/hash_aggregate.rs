//! Parallel hash aggregation.
//!
//! Each worker thread pre-aggregates the morsels it runs into its own group table and
//! accumulators; the per-thread states are then merged in input order (so `first` and
//! `list` see rows in scan order) and the result is handed out in batches.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BinaryArray};
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
        Self { group_exprs, group_display, aggregates, schema, input }
    }

    fn key_types(&self) -> Vec<DataType> {
        self.schema.fields().iter().take(self.group_exprs.len()).map(|f| f.data_type().clone()).collect()
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
            accs: self.aggregates.iter().map(|a| a.create()).collect::<Result<_>>()?,
            order_converters,
            ids: Vec::new(),
        })
    }

    fn update(&self, state: &mut LocalState, batch: &RecordBatch, key_types: &[DataType]) -> Result<()> {
        let rows = batch.num_rows();
        if rows == 0 {
            return Ok(());
        }
        let keys = self
            .group_exprs
            .iter()
            .zip(key_types)
            .map(|(e, t)| crate::physical::expr::cast_array(&e.evaluate_to_array(batch)?, t, false))
            .collect::<Result<Vec<_>>>()?;
        let mut ids = std::mem::take(&mut state.ids);
        state.keys.intern(&keys, rows, &mut ids)?;
        let num_groups = state.keys.num_groups();
        for (i, spec) in self.aggregates.iter().enumerate() {
            let mut values = spec.args.iter().map(|e| e.evaluate_to_array(batch)).collect::<Result<Vec<_>>>()?;
            if let Some(conv) = &mut state.order_converters[i] {
                let cols = spec.order_by.iter().map(|(e, _, _)| e.evaluate_to_array(batch)).collect::<Result<Vec<_>>>()?;
                let r = conv.convert_columns(&cols)?;
                let keys: BinaryArray = r.iter().map(|row| Some(row.as_ref().to_vec())).collect();
                values.push(Arc::new(keys));
            }
            match &spec.filter {
                None => state.accs[i].update(&values, &ids, num_groups)?,
                Some(f) => {
                    let mask = f.evaluate_to_array(batch)?;
                    let mask = arrow::compute::prep_null_mask_filter(mask.as_boolean());
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
        format!("groupBy=[{}], aggr=[{}]", self.group_display.join(", "), aggs.join(", "))
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
        let mut merged = if states.is_empty() { self.new_state(&key_types)? } else { states.remove(0) };
        for other in states {
            let map = merged.keys.merge(&other.keys)?;
            let n = merged.keys.num_groups();
            for (acc, o) in merged.accs.iter_mut().zip(other.accs) {
                acc.merge(o, &map, n)?;
            }
        }
        // Keyed aggregation over no rows gives no rows; a global one gives one row.
        let n = if self.group_exprs.is_empty() { 1 } else { merged.keys.num_groups() };
        let mut columns = merged.keys.finish(&key_types)?;
        for acc in merged.accs.iter_mut() {
            columns.push(acc.finish(n)?);
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
    (0..n).step_by(size.max(1)).map(|o| batch.slice(o, size.min(n - o))).collect()
}
