//! `WindowExec`: window functions (`rank() OVER (..)`, `sum(x) OVER (..)`), a pipeline
//! breaker that adds one column per window call to every input row.
//!
//! The operator collects its whole input, then lays out each distinct (PARTITION BY,
//! ORDER BY) pair once: rows get a partition id by hashing the partition keys (the same
//! interning as hash aggregation), a stable counting sort groups them by partition in
//! input order, and each partition is sorted by the ORDER BY keys (encoded in Arrow's row
//! format) in parallel on the pool. Peer groups (rows equal on the ORDER BY keys) and each
//! row's frame are computed in that "window order"; functions compute one value per row
//! in window order (see [`crate::functions::window`]) and the values are scattered back,
//! so the output keeps the input's row order (Polars' `.over()` semantics; DuckDB leaves
//! the order unspecified). An aggregate whose frame is the whole partition needs no sort
//! when there is no ORDER BY: one accumulator with a group per partition, its values
//! broadcast to the partition's rows.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{new_empty_array, Array, ArrayRef, AsArray, UInt32Array};
use arrow::compute::{concat_batches, take, SortOptions};
use arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use arrow::row::{RowConverter, Rows, SortField};
use rayon::prelude::*;

use super::group_keys::GroupKeys;
use super::hash_aggregate::split;
use super::sort::SortKey;
use crate::error::{Error, Result};
use crate::exec::{ExecContext, Tasks};
use crate::expr::{literal_args, Expr, FrameBound, FrameUnits, WindowCall, WindowFrame};
use crate::functions::window::framed::{evaluate_framed, evaluate_per_group, WindowAggregate};
use crate::functions::window::{FrameBounds, WindowInput};
use crate::functions::{registry, AggregateArgs, AggregateFunctionDef, WindowFunctionDef};
use crate::physical::expr::cast_array;
use crate::physical::planner::create_physical_expr;
use crate::physical::{ExecutionPlan, PhysicalExpr};
use crate::types::{QSchema, ScalarValue};

/// Computes window functions over its input, keeping the input's rows and order.
#[derive(Debug)]
pub struct WindowExec {
    input: Arc<dyn ExecutionPlan>,
    layouts: Vec<Layout>,
    exprs: Vec<WindowExpr>,
    schema: SchemaRef,
}

/// One (PARTITION BY, ORDER BY) pair, shared by the window calls that use it.
#[derive(Debug)]
struct Layout {
    partition_by: Vec<PhysicalExpr>,
    partition_types: Vec<DataType>,
    order_by: Vec<SortKey>,
    order_types: Vec<DataType>,
}

/// What a window call computes.
#[derive(Debug)]
enum WindowFunction {
    /// A ranking or navigation function.
    Builtin(Arc<WindowFunctionDef>),
    /// An aggregate over the frame.
    Aggregate {
        def: Arc<AggregateFunctionDef>,
        args: AggregateArgs,
        distinct: bool,
    },
}

/// One window call, resolved.
#[derive(Debug)]
struct WindowExpr {
    func: WindowFunction,
    args: Vec<PhysicalExpr>,
    /// The types the arguments are cast to (the signature's).
    arg_types: Vec<DataType>,
    literal_args: Vec<Option<ScalarValue>>,
    /// Index into [`WindowExec::layouts`].
    layout: usize,
    frame: WindowFrame,
    ignore_nulls: bool,
    /// The output column's type.
    return_type: DataType,
    display: String,
}

/// Builds the operator for a logical window node over its (already planned) input.
pub fn create_window_exec(
    w: &crate::logical::Window,
    input: Arc<dyn ExecutionPlan>,
) -> Result<Arc<dyn ExecutionPlan>> {
    let in_schema = w.input.schema();
    let out_schema = w.schema.to_arrow();
    let first_window_col = in_schema.len();
    let mut layouts: Vec<Layout> = Vec::new();
    let mut layout_ids: HashMap<String, usize> = HashMap::new();
    let mut exprs = Vec::with_capacity(w.window_exprs.len());
    for (k, e) in w.window_exprs.iter().enumerate() {
        let Expr::Window(call) = e.unalias() else {
            return Err(crate::internal_err!(
                "window node expression `{e}` is not a window call"
            ));
        };
        let key = format!("{:?} | {:?}", call.partition_by, call.order_by);
        let layout = match layout_ids.get(&key) {
            Some(&l) => l,
            None => {
                layouts.push(resolve_layout(call, in_schema)?);
                layout_ids.insert(key, layouts.len() - 1);
                layouts.len() - 1
            }
        };
        let return_type = out_schema
            .fields()
            .get(first_window_col + k)
            .map(|f| f.data_type().clone())
            .ok_or_else(|| crate::internal_err!("window node schema has no column for `{e}`"))?;
        exprs.push(resolve_window_expr(
            e,
            call,
            in_schema,
            layout,
            &layouts[layout],
            return_type,
        )?);
    }
    Ok(Arc::new(WindowExec {
        input,
        layouts,
        exprs,
        schema: out_schema,
    }))
}

fn resolve_layout(call: &WindowCall, schema: &QSchema) -> Result<Layout> {
    let partition_by = call
        .partition_by
        .iter()
        .map(|p| create_physical_expr(p, schema))
        .collect::<Result<_>>()?;
    let partition_types = call
        .partition_by
        .iter()
        .map(|p| p.data_type(schema))
        .collect::<Result<_>>()?;
    let order_by = call
        .order_by
        .iter()
        .map(|s| {
            Ok(SortKey {
                expr: create_physical_expr(&s.expr, schema)?,
                options: SortOptions {
                    descending: s.descending,
                    nulls_first: s.nulls_first,
                },
            })
        })
        .collect::<Result<_>>()?;
    let order_types = call
        .order_by
        .iter()
        .map(|s| s.expr.data_type(schema))
        .collect::<Result<_>>()?;
    Ok(Layout {
        partition_by,
        partition_types,
        order_by,
        order_types,
    })
}

/// Position of a bound kind in frame order, for checking that the start precedes the end.
fn bound_rank(b: FrameBound) -> u8 {
    match b {
        FrameBound::UnboundedPreceding => 0,
        FrameBound::Preceding(_) => 1,
        FrameBound::CurrentRow => 2,
        FrameBound::Following(_) => 3,
        FrameBound::UnboundedFollowing => 4,
    }
}

fn has_offset(b: FrameBound) -> bool {
    matches!(b, FrameBound::Preceding(_) | FrameBound::Following(_))
}

/// Checks a frame the way DuckDB's binder does.
fn check_frame(e: &Expr, frame: &WindowFrame, layout: &Layout) -> Result<()> {
    if frame.start == FrameBound::UnboundedFollowing {
        return Err(crate::plan_err!(
            "the window frame of `{e}` starts at UNBOUNDED FOLLOWING; a frame can only end there"
        ));
    }
    if frame.end == FrameBound::UnboundedPreceding {
        return Err(crate::plan_err!(
            "the window frame of `{e}` ends at UNBOUNDED PRECEDING; a frame can only start there"
        ));
    }
    if bound_rank(frame.start) > bound_rank(frame.end) {
        return Err(crate::plan_err!(
            "the window frame of `{e}` starts at {} but ends before it at {}; swap the bounds",
            frame.start,
            frame.end
        ));
    }
    if frame.units == FrameUnits::Range && (has_offset(frame.start) || has_offset(frame.end)) {
        match layout.order_types.as_slice() {
            [t] if range_key_kind(t).is_some() => {}
            [t] => {
                return Err(crate::plan_err!(
                    "the RANGE frame of `{e}` has a value offset, which needs a numeric or DATE ORDER BY key, but the key has type {t}; use a ROWS frame or order by a number or date"
                ))
            }
            keys => {
                return Err(crate::plan_err!(
                    "the RANGE frame of `{e}` has a value offset, which needs exactly one ORDER BY key, but {} were given; use a ROWS frame instead",
                    keys.len()
                ))
            }
        }
    }
    Ok(())
}

fn resolve_window_expr(
    e: &Expr,
    call: &WindowCall,
    schema: &QSchema,
    layout: usize,
    layout_spec: &Layout,
    return_type: DataType,
) -> Result<WindowExpr> {
    let types = call
        .args
        .iter()
        .map(|a| a.data_type(schema))
        .collect::<Result<Vec<_>>>()?;
    let lits = literal_args(&call.args);
    let (func, arg_types) = if let Some(def) = registry().window(&call.func) {
        if call.distinct {
            return Err(crate::plan_err!(
                "DISTINCT is not supported for the window function `{}` in `{e}`",
                call.func
            ));
        }
        if call.ignore_nulls && !def.supports_ignore_nulls {
            return Err(crate::plan_err!(
                "IGNORE NULLS does not apply to `{}` in `{e}`; it applies to lag, lead, first_value, last_value and nth_value",
                call.func
            ));
        }
        let sig = (def.signature)(&types, &lits)?;
        (WindowFunction::Builtin(def.clone()), sig.args)
    } else {
        let def = registry().aggregate(&call.func).map_err(|err| match err {
            Error::FunctionNotFound(m) => Error::FunctionNotFound(format!(
                "{m}; window functions are aggregates or one of row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value, last_value, nth_value"
            )),
            other => other,
        })?;
        if call.ignore_nulls {
            return Err(crate::plan_err!(
                "IGNORE NULLS is not supported for aggregates over windows (`{e}`); aggregates already skip NULLs"
            ));
        }
        let sig = (def.signature)(&types, &lits)?;
        let args = AggregateArgs {
            arg_types: sig.args.clone(),
            literal_args: lits.clone(),
            return_type: sig.ret,
            ordered: false,
        };
        (
            WindowFunction::Aggregate {
                def: def.clone(),
                args,
                distinct: call.distinct,
            },
            sig.args,
        )
    };
    let frame = call.effective_frame();
    check_frame(e, &frame, layout_spec)?;
    Ok(WindowExpr {
        func,
        args: call
            .args
            .iter()
            .map(|a| create_physical_expr(a, schema))
            .collect::<Result<_>>()?,
        arg_types,
        literal_args: lits,
        layout,
        frame,
        ignore_nulls: call.ignore_nulls,
        return_type,
        display: e.to_string(),
    })
}

impl WindowExpr {
    /// Whether the frame is the whole partition for every row.
    fn whole_partition(&self, layout: &Layout) -> bool {
        let f = &self.frame;
        let unordered = layout.order_by.is_empty();
        let start_whole = match f.start {
            FrameBound::UnboundedPreceding => true,
            FrameBound::CurrentRow => unordered && f.units == FrameUnits::Range,
            _ => false,
        };
        let end_whole = match f.end {
            FrameBound::UnboundedFollowing => true,
            FrameBound::CurrentRow => unordered && f.units == FrameUnits::Range,
            _ => false,
        };
        start_whole && end_whole
    }

    /// Whether the expression needs rows sorted into window order.
    fn needs_sort(&self, layout: &Layout) -> bool {
        !(matches!(self.func, WindowFunction::Aggregate { .. })
            && layout.order_by.is_empty()
            && self.whole_partition(layout))
    }

    /// The expression's values, one per input row in input order.
    fn evaluate(
        &self,
        batch: &RecordBatch,
        layout: &Layout,
        state: &LayoutState,
    ) -> Result<ArrayRef> {
        let args = self
            .args
            .iter()
            .zip(&self.arg_types)
            .map(|(e, t)| cast_array(&e.evaluate_to_array(batch)?, t, false))
            .collect::<Result<Vec<_>>>()?;
        let out = match &self.func {
            WindowFunction::Aggregate {
                def,
                args: agg_args,
                distinct,
            } => {
                let agg = WindowAggregate {
                    def,
                    args: agg_args,
                    distinct: *distinct,
                };
                if self.whole_partition(layout) {
                    let per_partition = match &state.sorted {
                        // Feed rows in window order, for order-sensitive aggregates.
                        Some(sorted) if !layout.order_by.is_empty() => {
                            let values = take_all(&args, &sorted.perm)?;
                            let groups = sorted.partition_of_position();
                            evaluate_per_group(&agg, &values, &groups, state.num_partitions)?
                        }
                        _ => evaluate_per_group(&agg, &args, &state.pids, state.num_partitions)?,
                    };
                    take(
                        per_partition.as_ref(),
                        &UInt32Array::from(state.pids.clone()),
                        None,
                    )?
                } else {
                    let sorted = state.sorted_or_err()?;
                    let values = take_all(&args, &sorted.perm)?;
                    let (start, end) = self.frame_bounds(layout, batch, sorted)?;
                    let frame = FrameBounds {
                        start: &start,
                        end: &end,
                    };
                    let out = evaluate_framed(&agg, &values, &sorted.partitions, frame)?;
                    take(out.as_ref(), &sorted.inverse, None)?
                }
            }
            WindowFunction::Builtin(def) => {
                let sorted = state.sorted_or_err()?;
                let values = take_all(&args, &sorted.perm)?;
                let bounds = if def.uses_frame {
                    Some(self.frame_bounds(layout, batch, sorted)?)
                } else {
                    None
                };
                let input = WindowInput {
                    args: &values,
                    literal_args: &self.literal_args,
                    partitions: &sorted.partitions,
                    peer_start: &sorted.peer_start,
                    peer_end: &sorted.peer_end,
                    frame: bounds
                        .as_ref()
                        .map(|(s, e)| FrameBounds { start: s, end: e }),
                    ignore_nulls: self.ignore_nulls,
                };
                let out = (def.evaluate)(&input, &self.return_type)?;
                if out.len() != input.num_rows() {
                    return Err(crate::internal_err!(
                        "window function `{}` returned {} values for {} rows",
                        def.name,
                        out.len(),
                        input.num_rows()
                    ));
                }
                take(out.as_ref(), &sorted.inverse, None)?
            }
        };
        cast_array(&out, &self.return_type, false)
    }

    /// Each row's frame in window order: `(start, end)` position vectors.
    fn frame_bounds(
        &self,
        layout: &Layout,
        batch: &RecordBatch,
        sorted: &Sorted,
    ) -> Result<(Vec<u32>, Vec<u32>)> {
        let f = self.frame;
        let range_offsets =
            f.units == FrameUnits::Range && (has_offset(f.start) || has_offset(f.end));
        let keys = if range_offsets {
            let [key] = layout.order_by.as_slice() else {
                return Err(crate::internal_err!(
                    "RANGE offsets without exactly one ORDER BY key reached execution"
                ));
            };
            let values = key.expr.evaluate_to_array(batch)?;
            let values = take(values.as_ref(), &sorted.perm, None)?;
            Some(RangeKeys::try_new(
                &values,
                key.options.descending,
                &self.display,
            )?)
        } else {
            None
        };
        let n = sorted.peer_start.len();
        let mut start = Vec::with_capacity(n);
        let mut end = Vec::with_capacity(n);
        for w in sorted.partitions.windows(2) {
            let (ps, pe) = (w[0] as usize, w[1] as usize);
            let valid = keys.as_ref().map(|k| k.valid_range(ps, pe));
            for i in ps..pe {
                let ctx = BoundContext {
                    i,
                    ps,
                    pe,
                    peer_start: sorted.peer_start[i] as usize,
                    peer_end: sorted.peer_end[i] as usize,
                    units: f.units,
                    keys: keys.as_ref().zip(valid),
                };
                let s = ctx.position(f.start, true);
                let e = ctx.position(f.end, false).max(s);
                start.push(s as u32);
                end.push(e as u32);
            }
        }
        Ok((start, end))
    }
}

/// Everything needed to place one row's frame bound.
struct BoundContext<'a> {
    i: usize,
    ps: usize,
    pe: usize,
    peer_start: usize,
    peer_end: usize,
    units: FrameUnits,
    /// RANGE keys with the partition's non-NULL key range.
    keys: Option<(&'a RangeKeys, (usize, usize))>,
}

impl BoundContext<'_> {
    /// The position a bound stands for: the frame's first row (`is_start`) or one past
    /// its last row.
    fn position(&self, b: FrameBound, is_start: bool) -> usize {
        let (i, ps, pe) = (self.i, self.ps, self.pe);
        let clamp = |p: i128| p.clamp(ps as i128, pe as i128) as usize;
        match b {
            FrameBound::UnboundedPreceding => ps,
            FrameBound::UnboundedFollowing => pe,
            FrameBound::CurrentRow => match (self.units, is_start) {
                (FrameUnits::Rows, true) => i,
                (FrameUnits::Rows, false) => i + 1,
                (FrameUnits::Range, true) => self.peer_start,
                (FrameUnits::Range, false) => self.peer_end,
            },
            FrameBound::Preceding(k) | FrameBound::Following(k) => {
                let back = matches!(b, FrameBound::Preceding(_));
                match (self.units, self.keys) {
                    (FrameUnits::Range, Some((keys, (ns, ne)))) => {
                        if keys.is_null(i) {
                            // A NULL key's offsets reach only its peers (as DuckDB).
                            return if is_start {
                                self.peer_start
                            } else {
                                self.peer_end
                            };
                        }
                        ns + keys.search(i, ns, ne, k, back, is_start)
                    }
                    _ => {
                        let k = i128::from(k);
                        let at = if back { i as i128 - k } else { i as i128 + k };
                        clamp(if is_start { at } else { at + 1 })
                    }
                }
            }
        }
    }
}

/// The single ORDER BY key of a RANGE frame with offsets, in window order, as numbers
/// that ascend within each partition (descending keys are negated).
enum RangeKeys {
    /// Integers, dates and decimals, with the multiplier turning an offset into key units.
    Int {
        values: Vec<i128>,
        unit: i128,
        nulls: Option<arrow::buffer::NullBuffer>,
    },
    /// Floating point keys.
    Float {
        values: Vec<f64>,
        nulls: Option<arrow::buffer::NullBuffer>,
    },
}

/// How a RANGE key type is compared: `Some(unit)` for exact keys (the offset multiplier),
/// `Some(0)` for floats, `None` when offsets are not supported.
fn range_key_kind(t: &DataType) -> Option<i128> {
    Some(match t {
        t if t.is_integer() => 1,
        DataType::Date32 => 1,
        DataType::Date64 => 86_400_000,
        DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => {
            10i128.checked_pow(u32::try_from(*s).ok()?)?
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => 0,
        _ => return None,
    })
}

impl RangeKeys {
    fn try_new(values: &ArrayRef, descending: bool, display: &str) -> Result<Self> {
        let t = values.data_type();
        let unit = range_key_kind(t).ok_or_else(|| {
            crate::not_supported!(
                "RANGE frame offsets over a key of type {t} in `{display}`; use a ROWS frame"
            )
        })?;
        let nulls = values.logical_nulls().filter(|n| n.null_count() > 0);
        let sign: i128 = if descending { -1 } else { 1 };
        if unit == 0 {
            let f = cast_array(values, &DataType::Float64, false)?;
            let f = f.as_primitive::<Float64Type>();
            let values = f
                .values()
                .iter()
                .map(|&v| if descending { -v } else { v })
                .collect();
            return Ok(RangeKeys::Float { values, nulls });
        }
        let values: Vec<i128> = match t {
            DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => {
                let d = cast_array(values, &DataType::Decimal128(38, *s), false)?;
                d.as_primitive::<Decimal128Type>()
                    .values()
                    .iter()
                    .map(|v| v * sign)
                    .collect()
            }
            DataType::UInt64 => {
                let d = cast_array(values, &DataType::Decimal128(38, 0), false)?;
                d.as_primitive::<Decimal128Type>()
                    .values()
                    .iter()
                    .map(|v| v * sign)
                    .collect()
            }
            _ => {
                let target = if matches!(t, DataType::Date32) {
                    DataType::Int32
                } else {
                    DataType::Int64
                };
                let i = cast_array(values, &target, false)?;
                let i = cast_array(&i, &DataType::Int64, false)?;
                i.as_primitive::<Int64Type>()
                    .values()
                    .iter()
                    .map(|&v| i128::from(v) * sign)
                    .collect()
            }
        };
        Ok(RangeKeys::Int {
            values,
            unit,
            nulls,
        })
    }

    fn nulls(&self) -> Option<&arrow::buffer::NullBuffer> {
        match self {
            RangeKeys::Int { nulls, .. } | RangeKeys::Float { nulls, .. } => nulls.as_ref(),
        }
    }

    fn is_null(&self, i: usize) -> bool {
        self.nulls().is_some_and(|n| n.is_null(i))
    }

    /// The partition's non-NULL keys `(ns, ne)` (NULLs sort to one end of a partition).
    fn valid_range(&self, ps: usize, pe: usize) -> (usize, usize) {
        match self.nulls() {
            None => (ps, pe),
            Some(n) => {
                let first = (ps..pe).find(|&i| n.is_valid(i));
                match first {
                    None => (pe, pe),
                    Some(ns) => {
                        let ne = (ns..pe)
                            .rev()
                            .find(|&i| n.is_valid(i))
                            .map_or(ns, |i| i + 1);
                        (ns, ne)
                    }
                }
            }
        }
    }

    /// Offset of a RANGE bound within the non-NULL keys `ns..ne` for row `i` (whose key
    /// is not NULL): `k` PRECEDING (`back`) or FOLLOWING, as a frame start or end.
    fn search(&self, i: usize, ns: usize, ne: usize, k: u64, back: bool, is_start: bool) -> usize {
        match self {
            RangeKeys::Int { values, unit, .. } => {
                let delta = i128::from(k).saturating_mul(*unit);
                let v = values[i];
                let target = if back {
                    v.saturating_sub(delta)
                } else {
                    v.saturating_add(delta)
                };
                let slice = &values[ns..ne];
                if is_start {
                    slice.partition_point(|&w| w < target)
                } else {
                    slice.partition_point(|&w| w <= target)
                }
            }
            RangeKeys::Float { values, .. } => {
                let v = values[i];
                let target = if back { v - k as f64 } else { v + k as f64 };
                let slice = &values[ns..ne];
                if is_start {
                    slice.partition_point(|&w| w < target)
                } else {
                    slice.partition_point(|&w| w <= target)
                }
            }
        }
    }
}

fn take_all(arrays: &[ArrayRef], indices: &UInt32Array) -> Result<Vec<ArrayRef>> {
    arrays
        .iter()
        .map(|a| Ok(take(a.as_ref(), indices, None)?))
        .collect()
}

/// A layout evaluated over the input: partition ids and, when needed, window order.
struct LayoutState {
    /// Each input row's partition.
    pids: Vec<u32>,
    num_partitions: usize,
    sorted: Option<Sorted>,
}

/// Rows in window order.
struct Sorted {
    /// Window position -> input row.
    perm: UInt32Array,
    /// Input row -> window position.
    inverse: UInt32Array,
    /// Partition boundaries in window order; partition `p` holds the rows with id `p`.
    partitions: Vec<u32>,
    peer_start: Vec<u32>,
    peer_end: Vec<u32>,
}

impl Sorted {
    /// The partition of each window position.
    fn partition_of_position(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.peer_start.len());
        for (p, w) in self.partitions.windows(2).enumerate() {
            out.extend(std::iter::repeat_n(p as u32, (w[1] - w[0]) as usize));
        }
        out
    }
}

impl LayoutState {
    fn sorted_or_err(&self) -> Result<&Sorted> {
        self.sorted.as_ref().ok_or_else(|| {
            crate::internal_err!("window order was not computed for a function that needs it")
        })
    }

    fn build(layout: &Layout, batch: &RecordBatch, need_sort: bool) -> Result<Self> {
        let n = batch.num_rows();
        let keys = layout
            .partition_by
            .iter()
            .zip(&layout.partition_types)
            .map(|(e, t)| cast_array(&e.evaluate_to_array(batch)?, t, false))
            .collect::<Result<Vec<_>>>()?;
        let mut interner = GroupKeys::try_new(&layout.partition_types)?;
        let mut pids = Vec::with_capacity(n);
        interner.intern(&keys, n, &mut pids)?;
        let num_partitions = interner.num_groups();
        let sorted = if need_sort {
            Some(sort_rows(layout, batch, &pids, num_partitions)?)
        } else {
            None
        };
        Ok(Self {
            pids,
            num_partitions,
            sorted,
        })
    }
}

/// Sorts rows by partition (stable counting sort) then by the ORDER BY keys within each
/// partition (stable, in parallel), and finds peer groups.
fn sort_rows(
    layout: &Layout,
    batch: &RecordBatch,
    pids: &[u32],
    num_partitions: usize,
) -> Result<Sorted> {
    let n = pids.len();
    let mut partitions = vec![0u32; num_partitions + 1];
    for &p in pids {
        partitions[p as usize + 1] += 1;
    }
    for p in 0..num_partitions {
        partitions[p + 1] += partitions[p];
    }
    let mut next: Vec<u32> = partitions[..num_partitions].to_vec();
    let mut perm = vec![0u32; n];
    for (row, &p) in pids.iter().enumerate() {
        let slot = &mut next[p as usize];
        perm[*slot as usize] = row as u32;
        *slot += 1;
    }
    let rows: Option<Rows> = if layout.order_by.is_empty() {
        None
    } else {
        let cols = layout
            .order_by
            .iter()
            .zip(&layout.order_types)
            .map(|(k, t)| cast_array(&k.expr.evaluate_to_array(batch)?, t, false))
            .collect::<Result<Vec<_>>>()?;
        let fields = layout
            .order_by
            .iter()
            .zip(&layout.order_types)
            .map(|(k, t)| SortField::new_with_options(t.clone(), k.options))
            .collect();
        let converter = RowConverter::new(fields)?;
        Some(converter.convert_columns(&cols)?)
    };
    if let Some(rows) = &rows {
        let cmp = |a: &u32, b: &u32| rows.row(*a as usize).cmp(&rows.row(*b as usize));
        let mut slices: Vec<&mut [u32]> = Vec::with_capacity(num_partitions);
        let mut rest: &mut [u32] = &mut perm;
        for w in partitions.windows(2) {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut((w[1] - w[0]) as usize);
            slices.push(head);
            rest = tail;
        }
        slices.into_par_iter().for_each(|s| {
            if s.len() > 100_000 {
                s.par_sort_by(cmp);
            } else if s.len() > 1 {
                s.sort_by(cmp);
            }
        });
    }
    let mut peer_start = vec![0u32; n];
    let mut peer_end = vec![0u32; n];
    for w in partitions.windows(2) {
        let (ps, pe) = (w[0] as usize, w[1] as usize);
        match &rows {
            None => {
                peer_start[ps..pe].fill(ps as u32);
                peer_end[ps..pe].fill(pe as u32);
            }
            Some(rows) => {
                let same =
                    |a: usize, b: usize| rows.row(perm[a] as usize) == rows.row(perm[b] as usize);
                for i in ps..pe {
                    peer_start[i] = if i > ps && same(i, i - 1) {
                        peer_start[i - 1]
                    } else {
                        i as u32
                    };
                }
                for i in (ps..pe).rev() {
                    peer_end[i] = if i + 1 < pe && same(i, i + 1) {
                        peer_end[i + 1]
                    } else {
                        i as u32 + 1
                    };
                }
            }
        }
    }
    let mut inverse = vec![0u32; n];
    for (pos, &row) in perm.iter().enumerate() {
        inverse[row as usize] = pos as u32;
    }
    Ok(Sorted {
        perm: UInt32Array::from(perm),
        inverse: UInt32Array::from(inverse),
        partitions,
        peer_start,
        peer_end,
    })
}

impl WindowExec {
    /// The window columns for `batch` (all input rows), in input row order.
    fn compute(&self, batch: &RecordBatch, ctx: &ExecContext) -> Result<Vec<ArrayRef>> {
        let states = self
            .layouts
            .iter()
            .enumerate()
            .map(|(i, layout)| {
                ctx.check_cancelled()?;
                let need_sort = self
                    .exprs
                    .iter()
                    .any(|e| e.layout == i && e.needs_sort(layout));
                LayoutState::build(layout, batch, need_sort)
            })
            .collect::<Result<Vec<_>>>()?;
        self.exprs
            .par_iter()
            .map(|e| {
                ctx.check_cancelled()?;
                e.evaluate(batch, &self.layouts[e.layout], &states[e.layout])
            })
            .collect()
    }
}

impl ExecutionPlan for WindowExec {
    fn name(&self) -> &'static str {
        "WindowExec"
    }

    fn describe(&self) -> String {
        let exprs: Vec<&str> = self.exprs.iter().map(|e| e.display.as_str()).collect();
        format!("[{}]", exprs.join(", "))
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn execute(&self, ctx: &ExecContext) -> Result<Tasks> {
        let in_schema = self.input.schema();
        let batches = self.input.execute(ctx)?.collect(ctx)?;
        let batch = concat_batches(&in_schema, &batches)?;
        let n = batch.num_rows();
        if u32::try_from(n).is_err() {
            return Err(crate::not_supported!(
                "window functions over more than {} rows ({n} given); filter or aggregate the input first",
                u32::MAX
            ));
        }
        let window_columns = if n == 0 {
            self.exprs
                .iter()
                .map(|e| new_empty_array(&e.return_type))
                .collect()
        } else {
            ctx.pool().install(|| self.compute(&batch, ctx))?
        };
        let mut columns = batch.columns().to_vec();
        columns.extend(window_columns);
        let out = RecordBatch::try_new_with_options(
            self.schema.clone(),
            columns,
            &RecordBatchOptions::new().with_row_count(Some(n)),
        )?;
        Ok(Tasks::ready(split(out, ctx.batch_size())))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use arrow::array::{Date32Array, Float64Array, Int32Array, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;
    use crate::exec::SessionConfig;
    use crate::expr::{col, SortExpr};
    use crate::logical::{LogicalPlan, LogicalPlanBuilder};
    use crate::physical::ops::ValuesExec;

    fn ctx(batch_size: usize) -> ExecContext {
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap(),
        );
        let config = SessionConfig {
            threads: 2,
            batch_size,
            memory_limit: None,
        };
        ExecContext::new(pool, config, Arc::new(AtomicBool::new(false)))
    }

    /// DuckDB's test table: g, o, x with ties and NULLs; split into batches of 3 rows.
    fn input() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("g", DataType::Utf8, true),
            Field::new("o", DataType::Int32, true),
            Field::new("x", DataType::Float64, true),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(vec!["a", "a", "a", "a", "b", "b", "b"])),
                Arc::new(Int32Array::from(vec![
                    Some(1),
                    Some(2),
                    Some(2),
                    None,
                    Some(5),
                    Some(7),
                    None,
                ])),
                Arc::new(Float64Array::from(vec![
                    Some(10.0),
                    None,
                    Some(30.0),
                    Some(5.0),
                    Some(1.0),
                    Some(2.0),
                    None,
                ])),
            ],
        )
        .unwrap()
    }

    fn window_call(func: &str, args: Vec<Expr>, order: bool, frame: Option<WindowFrame>) -> Expr {
        Expr::Window(Box::new(WindowCall {
            func: func.into(),
            args,
            partition_by: vec![col("g")],
            order_by: if order {
                vec![SortExpr::asc(col("o"))]
            } else {
                vec![]
            },
            frame,
            distinct: false,
            ignore_nulls: false,
        }))
    }

    /// Runs window calls over [`input`] and returns the window columns.
    fn run(exprs: Vec<Expr>) -> Result<Vec<ArrayRef>> {
        let batch = input();
        let schema = batch.schema();
        let src: Arc<dyn ExecutionPlan> = Arc::new(ValuesExec::new(
            schema.clone(),
            vec![batch.slice(0, 3), batch.slice(3, 4)],
        ));
        let table = crate::io::MemoryTable::try_new(schema, vec![batch])?;
        let plan = LogicalPlanBuilder::scan("t", None, Arc::new(table))?
            .window(exprs)?
            .build();
        let LogicalPlan::Window(w) = plan.as_ref() else {
            panic!("expected a window node")
        };
        let exec = create_window_exec(w, src)?;
        let out = crate::physical::collect(&exec, &ctx(2))?;
        let out = concat_batches(&exec.schema(), &out)?;
        Ok(out.columns()[3..].to_vec())
    }

    fn i64s(a: &ArrayRef) -> Vec<Option<i64>> {
        a.as_primitive::<Int64Type>().iter().collect()
    }

    fn f64s(a: &ArrayRef) -> Vec<Option<f64>> {
        a.as_primitive::<Float64Type>().iter().collect()
    }

    #[test]
    fn ranking_keeps_input_order() {
        let out = run(vec![
            window_call("rank", vec![], true, None),
            window_call("row_number", vec![], true, None),
        ])
        .unwrap();
        assert_eq!(i64s(&out[0]), [1, 2, 2, 4, 1, 2, 3].map(Some).to_vec());
        assert_eq!(i64s(&out[1]), [1, 2, 3, 4, 1, 2, 3].map(Some).to_vec());
    }

    #[test]
    fn running_and_whole_partition_sums() {
        let out = run(vec![
            window_call("sum", vec![col("x")], true, None),
            window_call("sum", vec![col("x")], false, None),
        ])
        .unwrap();
        // DuckDB: RANGE UNBOUNDED PRECEDING .. CURRENT ROW includes the peers of o = 2.
        assert_eq!(
            f64s(&out[0]),
            vec![
                Some(10.0),
                Some(40.0),
                Some(40.0),
                Some(45.0),
                Some(1.0),
                Some(3.0),
                Some(3.0)
            ]
        );
        assert_eq!(
            f64s(&out[1]),
            vec![
                Some(45.0),
                Some(45.0),
                Some(45.0),
                Some(45.0),
                Some(3.0),
                Some(3.0),
                Some(3.0)
            ]
        );
    }

    #[test]
    fn range_offsets_and_null_keys() {
        let frame = WindowFrame {
            units: FrameUnits::Range,
            start: FrameBound::Preceding(1),
            end: FrameBound::Following(1),
        };
        let out = run(vec![window_call("count_star", vec![], true, Some(frame))]).unwrap();
        // DuckDB: NULL keys only see their peers; o = 1 sees 1, 2, 2.
        assert_eq!(i64s(&out[0]), [3, 3, 3, 1, 1, 1, 1].map(Some).to_vec());
    }

    #[test]
    fn rows_frame_and_min_max() {
        let frame = WindowFrame {
            units: FrameUnits::Rows,
            start: FrameBound::Preceding(1),
            end: FrameBound::CurrentRow,
        };
        let out = run(vec![
            window_call("max", vec![col("x")], true, Some(frame)),
            window_call("avg", vec![col("x")], true, Some(frame)),
        ])
        .unwrap();
        assert_eq!(
            f64s(&out[0]),
            vec![
                Some(10.0),
                Some(10.0),
                Some(30.0),
                Some(30.0),
                Some(1.0),
                Some(2.0),
                Some(2.0)
            ]
        );
        assert_eq!(
            f64s(&out[1]),
            vec![
                Some(10.0),
                Some(10.0),
                Some(30.0),
                Some(17.5),
                Some(1.0),
                Some(1.5),
                Some(2.0)
            ]
        );
    }

    #[test]
    fn bad_frames_are_plan_errors() {
        let bad = WindowFrame {
            units: FrameUnits::Rows,
            start: FrameBound::CurrentRow,
            end: FrameBound::Preceding(1),
        };
        let e = run(vec![window_call("sum", vec![col("x")], true, Some(bad))]).unwrap_err();
        assert!(matches!(e, Error::Plan(_)), "{e}");
        let range = WindowFrame {
            units: FrameUnits::Range,
            start: FrameBound::Preceding(1),
            end: FrameBound::CurrentRow,
        };
        let e = run(vec![window_call("sum", vec![col("x")], false, Some(range))]).unwrap_err();
        assert!(e.to_string().contains("exactly one ORDER BY key"), "{e}");
    }

    #[test]
    fn range_keys_for_dates_and_descending() {
        let d: ArrayRef = Arc::new(Date32Array::from(vec![Some(10), Some(11), Some(13), None]));
        let k = RangeKeys::try_new(&d, false, "t").unwrap();
        assert_eq!(k.valid_range(0, 4), (0, 3));
        // Row 2 (day 13): 2 PRECEDING starts at day 11.
        assert_eq!(k.search(2, 0, 3, 2, true, true), 1);
        // Row 0 (day 10): 1 FOLLOWING ends after day 11.
        assert_eq!(k.search(0, 0, 3, 1, false, false), 2);
        let desc: ArrayRef = Arc::new(Int64Array::from(vec![9, 7, 6, 1]));
        let k = RangeKeys::try_new(&desc, true, "t").unwrap();
        // Row 2 (6) in descending order: 1 PRECEDING means values up to 7.
        assert_eq!(k.search(2, 0, 4, 1, true, true), 1);
        let s: ArrayRef = Arc::new(StringArray::from(vec!["a"]));
        assert!(RangeKeys::try_new(&s, false, "t").is_err());
    }
}
