//! Physical expressions: expressions resolved against a concrete input schema (columns by
//! index, functions by definition) and evaluated on whole record batches with arrow-rs
//! kernels.

use std::sync::Arc;

use arrow::array::*;
use arrow::compute::kernels::{boolean, cmp, numeric};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::*;
use arrow::record_batch::RecordBatch;
use arrow::util::display::FormatOptions;

use crate::error::Result;
use crate::expr::Operator;
use crate::functions::{ColumnarValue, ScalarFunctionDef};
use crate::types::ScalarValue;

use super::nested_compare::{compare_nested, is_nested};

/// An expression ready to evaluate.
#[derive(Debug, Clone)]
pub enum PhysicalExpr {
    /// The input column at this index.
    Column(usize, String),
    /// A constant.
    Literal(ScalarValue),
    /// A binary operation; operands already have the operator's input types.
    Binary {
        /// Left operand.
        left: Box<PhysicalExpr>,
        /// Operator.
        op: Operator,
        /// Right operand.
        right: Box<PhysicalExpr>,
        /// The declared result type.
        result_type: DataType,
    },
    /// Three-valued NOT.
    Not(Box<PhysicalExpr>),
    /// Arithmetic negation.
    Negative(Box<PhysicalExpr>),
    /// IS NULL.
    IsNull(Box<PhysicalExpr>),
    /// IS NOT NULL.
    IsNotNull(Box<PhysicalExpr>),
    /// `e [NOT] IN (list)`.
    InList {
        /// Tested value.
        expr: Box<PhysicalExpr>,
        /// Candidates.
        list: Vec<PhysicalExpr>,
        /// NOT IN.
        negated: bool,
    },
    /// LIKE / ILIKE.
    Like {
        /// Tested string.
        expr: Box<PhysicalExpr>,
        /// Pattern.
        pattern: Box<PhysicalExpr>,
        /// NOT LIKE.
        negated: bool,
        /// ILIKE.
        case_insensitive: bool,
    },
    /// Searched CASE (simple CASE is rewritten to searched CASE by the planner).
    Case {
        /// WHEN / THEN pairs.
        when_then: Vec<(PhysicalExpr, PhysicalExpr)>,
        /// ELSE.
        otherwise: Option<Box<PhysicalExpr>>,
        /// Result type.
        result_type: DataType,
    },
    /// CAST / TRY_CAST.
    Cast {
        /// The value.
        expr: Box<PhysicalExpr>,
        /// Target type.
        to: DataType,
        /// NULL instead of an error.
        try_cast: bool,
    },
    /// A scalar function call.
    Function {
        /// The definition.
        def: Arc<ScalarFunctionDef>,
        /// Arguments.
        args: Vec<PhysicalExpr>,
        /// Declared result type.
        result_type: DataType,
    },
}

fn as_bool(v: &ColumnarValue, rows: usize) -> Result<BooleanArray> {
    let a = v.to_array(rows)?;
    match a.data_type() {
        DataType::Boolean => Ok(a.as_boolean().clone()),
        DataType::Null => Ok(BooleanArray::new_null(rows)),
        other => Err(crate::internal_err!("expected a boolean, found {other}")),
    }
}

fn datum(v: &ColumnarValue) -> Box<dyn Datum + '_> {
    match v {
        ColumnarValue::Array(a) => Box::new(a.clone()),
        ColumnarValue::Scalar(s) => Box::new(s.to_scalar()),
    }
}

/// Wraps a one-row kernel result back into a scalar when both inputs were scalars.
fn wrap(result: ArrayRef, scalar: bool) -> Result<ColumnarValue> {
    if scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(result)?))
    } else {
        Ok(ColumnarValue::Array(result))
    }
}

fn is_zero(v: &ColumnarValue, rows: usize) -> Result<BooleanArray> {
    let a = v.to_array(rows)?;
    let zero = ScalarValue::from(0i8).cast_to(a.data_type())?;
    Ok(cmp::eq(&a, &zero.to_scalar())?)
}

impl PhysicalExpr {
    /// Evaluates the expression over a batch.
    pub fn evaluate(&self, batch: &RecordBatch) -> Result<ColumnarValue> {
        let rows = batch.num_rows();
        match self {
            PhysicalExpr::Column(i, _) => Ok(ColumnarValue::Array(batch.column(*i).clone())),
            PhysicalExpr::Literal(v) => Ok(ColumnarValue::Scalar(v.clone())),
            PhysicalExpr::Binary {
                left,
                op,
                right,
                result_type,
            } => {
                let l = left.evaluate(batch)?;
                let r = right.evaluate(batch)?;
                evaluate_binary(&l, *op, &r, result_type, rows)
            }
            PhysicalExpr::Not(e) => {
                let v = e.evaluate(batch)?;
                let scalar = v.as_scalar().is_some();
                let n = if scalar { 1 } else { rows };
                wrap(Arc::new(boolean::not(&as_bool(&v, n)?)?), scalar)
            }
            PhysicalExpr::Negative(e) => {
                let v = e.evaluate(batch)?;
                let scalar = v.as_scalar().is_some();
                let a = v.to_array(if scalar { 1 } else { rows })?;
                if a.data_type() == &DataType::Null {
                    return Ok(v);
                }
                let out = if a.data_type().is_temporal()
                    || matches!(a.data_type(), DataType::Interval(_))
                {
                    numeric::neg_wrapping(&a)?
                } else {
                    numeric::neg(&a)?
                };
                wrap(out, scalar)
            }
            PhysicalExpr::IsNull(e) | PhysicalExpr::IsNotNull(e) => {
                let v = e.evaluate(batch)?;
                let scalar = v.as_scalar().is_some();
                let a = v.to_array(if scalar { 1 } else { rows })?;
                let out = if matches!(self, PhysicalExpr::IsNull(_)) {
                    arrow::compute::is_null(&a)?
                } else {
                    arrow::compute::is_not_null(&a)?
                };
                wrap(Arc::new(out), scalar)
            }
            PhysicalExpr::InList {
                expr,
                list,
                negated,
            } => {
                let v = expr.evaluate(batch)?;
                let mut acc: Option<BooleanArray> = None;
                for item in list {
                    let iv = item.evaluate(batch)?;
                    let l = v.to_array(rows)?;
                    let eq = match &iv {
                        _ if is_nested(l.data_type()) => {
                            let lv = ColumnarValue::Array(l.clone());
                            compare_nested(&lv, Operator::Eq, &iv, rows)?
                                .as_boolean()
                                .clone()
                        }
                        ColumnarValue::Scalar(s) => cmp::eq(&l, &s.to_scalar())?,
                        ColumnarValue::Array(a) => cmp::eq(&l, a)?,
                    };
                    acc = Some(match acc {
                        None => eq,
                        Some(a) => boolean::or_kleene(&a, &eq)?,
                    });
                }
                let out = acc.unwrap_or_else(|| BooleanArray::from(vec![false; rows]));
                let out = if *negated { boolean::not(&out)? } else { out };
                Ok(ColumnarValue::Array(Arc::new(out)))
            }
            PhysicalExpr::Like {
                expr,
                pattern,
                negated,
                case_insensitive,
            } => {
                let v = expr.evaluate(batch)?;
                let p = pattern.evaluate(batch)?;
                let scalar = v.as_scalar().is_some() && p.as_scalar().is_some();
                let (vd, pd) = (datum(&v), datum(&p));
                use arrow::compute::kernels::comparison as c;
                let out = match (negated, case_insensitive) {
                    (false, false) => c::like(vd.as_ref(), pd.as_ref())?,
                    (true, false) => c::nlike(vd.as_ref(), pd.as_ref())?,
                    (false, true) => c::ilike(vd.as_ref(), pd.as_ref())?,
                    (true, true) => c::nilike(vd.as_ref(), pd.as_ref())?,
                };
                wrap(Arc::new(out), scalar)
            }
            PhysicalExpr::Case {
                when_then,
                otherwise,
                result_type,
            } => evaluate_case(batch, when_then, otherwise.as_deref(), result_type),
            PhysicalExpr::Cast { expr, to, try_cast } => {
                let v = expr.evaluate(batch)?;
                let scalar = v.as_scalar().is_some();
                let a = v.to_array(if scalar { 1 } else { rows })?;
                wrap(cast_array(&a, to, *try_cast)?, scalar)
            }
            PhysicalExpr::Function {
                def,
                args,
                result_type,
            } => {
                let values = args
                    .iter()
                    .map(|a| a.evaluate(batch))
                    .collect::<Result<Vec<_>>>()?;
                let out = (def.invoke)(&values, rows)?;
                let t = out.data_type();
                if &t != result_type {
                    return Err(crate::internal_err!(
                        "function `{}` returned {t}, but its signature promised {result_type}",
                        def.name
                    ));
                }
                Ok(out)
            }
        }
    }

    /// Evaluates to an array of the batch's length.
    pub fn evaluate_to_array(&self, batch: &RecordBatch) -> Result<ArrayRef> {
        self.evaluate(batch)?.into_array(batch.num_rows())
    }
}

/// A predicate's result as a filter mask, with NULL (and a NULL-typed result) as false.
pub fn predicate_mask(a: &ArrayRef) -> Result<BooleanArray> {
    match a.data_type() {
        DataType::Null => Ok(BooleanArray::from(vec![false; a.len()])),
        DataType::Boolean => {
            let b = a.as_boolean();
            // Arrow's prep_null_mask_filter expects a null buffer.
            Ok(if b.null_count() == 0 {
                b.clone()
            } else {
                arrow::compute::prep_null_mask_filter(b)
            })
        }
        other => Err(crate::internal_err!(
            "a predicate evaluated to {other}, not a boolean"
        )),
    }
}

/// Casts with DuckDB-like error messages; `try_cast` turns failures into NULLs.
pub fn cast_array(a: &ArrayRef, to: &DataType, try_cast: bool) -> Result<ArrayRef> {
    if a.data_type() == to {
        return Ok(a.clone());
    }
    // Only NULLs (an untyped NULL defaulted to INTEGER, say) convert to NULLs of any
    // type, even where Arrow has no cast (INTEGER to a list of structs) or would wrap each
    // value (INTEGER to INTEGER[] gives `[NULL]`, not NULL).
    if a.logical_null_count() == a.len() {
        return Ok(new_null_array(to, a.len()));
    }
    if crate::types::is_string(a.data_type()) && super::nested_parse::is_parsed_from_string(to) {
        return super::nested_parse::string_to_nested(a, to, try_cast);
    }
    if super::nested_cast::needs_nested_cast(a.data_type(), to) {
        return super::nested_cast::cast_nested(a, to, try_cast);
    }
    if crate::types::is_string(to) && super::nested_cast::is_castable_to_string(a.data_type()) {
        let text = super::nested_cast::nested_to_string(a)?;
        return cast_array(&text, to, try_cast);
    }
    // DuckDB rounds (half away from zero) when a float becomes an integer.
    if a.data_type().is_floating() && to.is_integer() {
        let f = arrow::compute::cast(a, &DataType::Float64)?;
        let rounded: ArrayRef = Arc::new(
            f.as_primitive::<Float64Type>()
                .unary::<_, Float64Type>(f64::round),
        );
        return cast_array_plain(&rounded, to, try_cast);
    }
    cast_array_plain(a, to, try_cast)
}

fn cast_array_plain(a: &ArrayRef, to: &DataType, try_cast: bool) -> Result<ArrayRef> {
    // Dates, times and timestamps are read and written in DuckDB's text forms (BC years,
    // `infinity`, `24:00:00`, ...), and keep their infinities across DATE <-> TIMESTAMP.
    if let Some(out) = crate::types::blob_text::cast_blob_text(a, to, try_cast)? {
        return Ok(out);
    }
    if crate::types::is_string(a.data_type()) {
        if let Some(out) = crate::types::datetime_parse::cast_strings(a, to, try_cast)? {
            return Ok(out);
        }
    } else if matches!(
        to,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    ) {
        if let Some(s) = crate::types::datetime_format::temporal_to_strings(a)? {
            return Ok(arrow::compute::cast(&s, to)?);
        }
    } else if let Some(out) = crate::types::calendar::cast_date_timestamp(a, to)? {
        return Ok(out);
    }
    // DuckDB ignores surrounding whitespace when it parses a string as a number, date or
    // boolean (`' 1 '::INTEGER` is 1).
    if crate::types::is_string(a.data_type())
        && !crate::types::is_string(to)
        && !matches!(to, DataType::Binary | DataType::LargeBinary)
    {
        let s = arrow::compute::cast(a, &DataType::Utf8)?;
        let s = s.as_string::<i32>();
        if s.iter().flatten().any(|v| v.len() != v.trim().len()) {
            let trimmed: ArrayRef =
                Arc::new(s.iter().map(|v| v.map(str::trim)).collect::<StringArray>());
            return cast_array_checked(&trimmed, to, try_cast);
        }
    }
    cast_array_checked(a, to, try_cast)
}

fn cast_array_checked(a: &ArrayRef, to: &DataType, try_cast: bool) -> Result<ArrayRef> {
    if super::interval_cast::handles(a.data_type(), to) {
        return super::interval_cast::cast(a, try_cast);
    }
    let opts = CastOptions {
        safe: try_cast,
        format_options: FormatOptions::default(),
    };
    cast_with_options(a, to, &opts)
        .map_err(|e| super::cast_error::describe_cast_failure(a, to, &e.to_string()))
}

fn evaluate_binary(
    l: &ColumnarValue,
    op: Operator,
    r: &ColumnarValue,
    result_type: &DataType,
    rows: usize,
) -> Result<ColumnarValue> {
    let scalar = l.as_scalar().is_some() && r.as_scalar().is_some();
    let n = if scalar { 1 } else { rows };
    if super::interval_arith::handles(&l.data_type(), op, &r.data_type()) {
        let out = super::interval_arith::evaluate(l, op, r, n)?;
        return Ok(if scalar {
            ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
        } else {
            ColumnarValue::Array(out)
        });
    }
    if let Some(out) = super::decimal_kernels::try_fast_decimal(l, op, r, result_type)? {
        return Ok(ColumnarValue::Array(out));
    }
    if op.is_comparison() && (is_nested(&l.data_type()) || is_nested(&r.data_type())) {
        return wrap(compare_nested(l, op, r, rows)?, scalar);
    }
    let (ld, rd) = (datum(l), datum(r));
    let (ld, rd) = (ld.as_ref(), rd.as_ref());
    let out: ArrayRef = match op {
        Operator::Eq => Arc::new(cmp::eq(ld, rd)?),
        Operator::NotEq => Arc::new(cmp::neq(ld, rd)?),
        Operator::Lt => Arc::new(cmp::lt(ld, rd)?),
        Operator::LtEq => Arc::new(cmp::lt_eq(ld, rd)?),
        Operator::Gt => Arc::new(cmp::gt(ld, rd)?),
        Operator::GtEq => Arc::new(cmp::gt_eq(ld, rd)?),
        Operator::IsDistinctFrom => Arc::new(cmp::distinct(ld, rd)?),
        Operator::IsNotDistinctFrom => Arc::new(cmp::not_distinct(ld, rd)?),
        Operator::And => Arc::new(boolean::and_kleene(&as_bool(l, n)?, &as_bool(r, n)?)?),
        Operator::Or => Arc::new(boolean::or_kleene(&as_bool(l, n)?, &as_bool(r, n)?)?),
        Operator::StringConcat => {
            let la = l.to_array(n)?;
            let ra = r.to_array(n)?;
            let la = cast_array(&la, &DataType::Utf8, false)?;
            let ra = cast_array(&ra, &DataType::Utf8, false)?;
            Arc::new(
                arrow::compute::kernels::concat_elements::concat_elements_utf8(
                    la.as_string::<i32>(),
                    ra.as_string::<i32>(),
                )?,
            )
        }
        Operator::Plus | Operator::Minus => {
            let lt = l.data_type();
            let rt = r.data_type();
            if matches!((&lt, &rt), (DataType::Date32, t) | (t, DataType::Date32) if t.is_integer())
            {
                date_plus_days(l, r, op, n)?
            } else if lt == DataType::Date32 && rt == DataType::Date32 {
                let la = cast_array(&l.to_array(n)?, &DataType::Int32, false)?;
                let ra = cast_array(&r.to_array(n)?, &DataType::Int32, false)?;
                cast_array(&numeric::sub(&la, &ra)?, &DataType::Int64, false)?
            } else if op == Operator::Plus {
                numeric::add(ld, rd)?
            } else {
                numeric::sub(ld, rd)?
            }
        }
        Operator::Multiply => numeric::mul(ld, rd)?,
        Operator::Divide | Operator::IntegerDivide | Operator::Modulo => {
            // DuckDB: division by zero gives NULL.
            let ra = r.to_array(n)?;
            let zero = is_zero(r, n)?;
            let safe_r: ArrayRef = if zero.true_count() > 0 {
                arrow::compute::nullif(&ra, &zero)?
            } else {
                ra
            };
            let la = l.to_array(n)?;
            match op {
                Operator::Divide => numeric::div(&la, &safe_r)?,
                Operator::Modulo => numeric::rem(&la, &safe_r)?,
                _ => {
                    if la.data_type().is_floating() {
                        let q = numeric::div(&la, &safe_r)?;
                        let q = q
                            .as_primitive::<Float64Type>()
                            .unary::<_, Float64Type>(|v| v.floor());
                        Arc::new(q)
                    } else {
                        numeric::div(&la, &safe_r)?
                    }
                }
            }
        }
    };
    let out = if out.data_type() != result_type && !matches!(result_type, DataType::Null) {
        cast_array(&out, result_type, false)?
    } else {
        out
    };
    wrap(out, scalar)
}

fn date_plus_days(
    l: &ColumnarValue,
    r: &ColumnarValue,
    op: Operator,
    n: usize,
) -> Result<ArrayRef> {
    let (date, days, date_left) = if l.data_type() == DataType::Date32 {
        (l, r, true)
    } else {
        (r, l, false)
    };
    let d = cast_array(&date.to_array(n)?, &DataType::Int32, false)?;
    let k = cast_array(&days.to_array(n)?, &DataType::Int32, false)?;
    let sum = match (op, date_left) {
        (Operator::Plus, _) => numeric::add(&d, &k)?,
        (Operator::Minus, true) => numeric::sub(&d, &k)?,
        _ => return Err(crate::not_supported!("subtracting a date from a number")),
    };
    cast_array(&sum, &DataType::Date32, false)
}

/// Searched CASE: each THEN is evaluated only on the rows that take it, so a branch that
/// would fail on other rows (a cast, a division) does not.
fn evaluate_case(
    batch: &RecordBatch,
    when_then: &[(PhysicalExpr, PhysicalExpr)],
    otherwise: Option<&PhysicalExpr>,
    result_type: &DataType,
) -> Result<ColumnarValue> {
    let rows = batch.num_rows();
    let mut remaining = BooleanArray::from(vec![true; rows]);
    let mut parts: Vec<(BooleanArray, ArrayRef)> = vec![];
    for (w, t) in when_then {
        if remaining.true_count() == 0 {
            break;
        }
        // NULL conditions count as false.
        let cond = predicate_mask(&w.evaluate(batch)?.into_array(rows)?)?;
        let take = boolean::and(&remaining, &cond)?;
        if take.true_count() > 0 {
            let sub = arrow::compute::filter_record_batch(batch, &take)?;
            let v = t.evaluate(&sub)?.into_array(sub.num_rows())?;
            parts.push((take.clone(), cast_array(&v, result_type, false)?));
        }
        remaining = boolean::and_not(&remaining, &take)?;
    }
    if let Some(o) = otherwise {
        if remaining.true_count() > 0 {
            let sub = arrow::compute::filter_record_batch(batch, &remaining)?;
            let v = o.evaluate(&sub)?.into_array(sub.num_rows())?;
            parts.push((remaining.clone(), cast_array(&v, result_type, false)?));
        }
    }
    if parts.len() == 1 && parts[0].0.true_count() == rows {
        return Ok(ColumnarValue::Array(
            parts
                .pop()
                .map(|p| p.1)
                .unwrap_or_else(|| new_null_array(result_type, rows)),
        ));
    }
    // Scatter each part's values back to their rows; untaken rows are NULL.
    let nulls = new_null_array(result_type, 1);
    let mut sources: Vec<&dyn Array> = vec![nulls.as_ref()];
    sources.extend(parts.iter().map(|(_, a)| a.as_ref()));
    let mut indices = vec![(0usize, 0usize); rows];
    for (pi, (mask, _)) in parts.iter().enumerate() {
        for (k, row) in mask.values().set_indices().enumerate() {
            indices[row] = (pi + 1, k);
        }
    }
    Ok(ColumnarValue::Array(arrow::compute::interleave(
        &sources, &indices,
    )?))
}
