//! Type coercion: makes every operator see operands of the types it expects.
//!
//! Run by the plan builder on every expression it accepts, so that plans are always well
//! typed and later rules and the physical planner never meet an implicit conversion. It
//! inserts explicit `CAST`s following DuckDB's rules (see [`crate::types`]).

use arrow::datatypes::{DataType, TimeUnit};

use crate::error::{Error, Result};
use crate::expr::{literal_args, Expr, Operator, Transformed};
use crate::functions::registry;
use crate::types::{
    arithmetic_result_type, comparison_type, is_string, union_type, QSchema, ScalarValue,
};

fn cast_to(e: Expr, from: &DataType, to: &DataType) -> Expr {
    if from == to || matches!(to, DataType::Null) {
        return e;
    }
    // A literal is cast right away so plans show the value, not a CAST around it.
    if let Expr::Literal(v) = &e {
        if let Ok(c) = v.cast_to(to) {
            if c.is_null() == v.is_null() {
                return Expr::Literal(c);
            }
        }
    }
    Expr::Cast {
        expr: Box::new(e),
        to: to.clone(),
        try_cast: false,
    }
}

/// A timestamp literal at midnight compared with a date column is compared as a date,
/// which keeps the column uncast (faster, and usable for statistics pruning).
fn midnight_timestamp_as_date(e: &Expr) -> Option<Expr> {
    if let Expr::Literal(v) = e {
        if let DataType::Timestamp(unit, None) = v.data_type() {
            let raw = v.cast_to(&DataType::Int64).ok()?.as_i64()?;
            let per_day: i64 = match unit {
                TimeUnit::Second => 86_400,
                TimeUnit::Millisecond => 86_400_000,
                TimeUnit::Microsecond => 86_400_000_000,
                TimeUnit::Nanosecond => 86_400_000_000_000,
            };
            if raw % per_day == 0 {
                let days = i32::try_from(raw / per_day).ok()?;
                return Some(Expr::Literal(ScalarValue::date32(days)));
            }
        }
    }
    None
}

/// `e` as a literal of the column type `target`, when `e` is a float literal whose value
/// that type holds exactly (0.05 as DECIMAL(15,2), 24.0 as BIGINT).
fn exact_literal_for(e: &Expr, target: &DataType) -> Option<Expr> {
    let Expr::Literal(v) = e else { return None };
    if !v.data_type().is_floating() || v.is_null() {
        return None;
    }
    let f = v.as_f64()?;
    match target {
        DataType::Decimal128(p, s) => {
            let scaled = f * 10f64.powi(i32::from(*s));
            if (scaled - scaled.round()).abs() > 1e-9 * scaled.abs().max(1.0)
                || scaled.abs() >= 1e18
            {
                return None;
            }
            ScalarValue::decimal128(scaled.round() as i128, *p, *s)
                .ok()
                .map(Expr::Literal)
        }
        t if t.is_integer() => {
            if f.fract() != 0.0 {
                return None;
            }
            let c = v.cast_to(t).ok()?;
            (c.as_f64() == Some(f)).then_some(Expr::Literal(c))
        }
        _ => None,
    }
}

fn coerce_node(e: Expr, schema: &QSchema) -> Result<Expr> {
    Ok(match e {
        Expr::BinaryOp { left, op, right } => {
            let lt = left.data_type(schema)?;
            let rt = right.data_type(schema)?;
            if let Some(aop) = op.arithmetic() {
                let (lc, rc, _) = arithmetic_result_type(aop, &lt, &rt)?;
                Expr::BinaryOp {
                    left: Box::new(cast_to(*left, &lt, &lc)),
                    op,
                    right: Box::new(cast_to(*right, &rt, &rc)),
                }
            } else if op.is_comparison() {
                // date column vs midnight timestamp literal: compare as dates.
                if lt == DataType::Date32 {
                    if let Some(d) = midnight_timestamp_as_date(&right) {
                        return Ok(Expr::BinaryOp {
                            left,
                            op,
                            right: Box::new(d),
                        });
                    }
                }
                if rt == DataType::Date32 {
                    if let Some(d) = midnight_timestamp_as_date(&left) {
                        return Ok(Expr::BinaryOp {
                            left: Box::new(d),
                            op,
                            right,
                        });
                    }
                }
                // A float literal compared with a decimal or integer column: keep the
                // column's type when the literal converts exactly (`l_discount >= 0.05`).
                if let Some(lit) = exact_literal_for(&right, &lt) {
                    return Ok(Expr::BinaryOp {
                        left,
                        op,
                        right: Box::new(lit),
                    });
                }
                if let Some(lit) = exact_literal_for(&left, &rt) {
                    return Ok(Expr::BinaryOp {
                        left: Box::new(lit),
                        op,
                        right,
                    });
                }
                let t = comparison_type(&lt, &rt).ok_or_else(|| {
                    Error::Schema(format!(
                        "cannot compare {lt} with {rt} in `{} {} {}`; add a CAST so both sides have one type",
                        left,
                        op.symbol(),
                        right
                    ))
                })?;
                Expr::BinaryOp {
                    left: Box::new(cast_to(*left, &lt, &t)),
                    op,
                    right: Box::new(cast_to(*right, &rt, &t)),
                }
            } else if matches!(op, Operator::And | Operator::Or) {
                for (side, t) in [(&left, &lt), (&right, &rt)] {
                    if !matches!(t, DataType::Boolean | DataType::Null) {
                        return Err(Error::Schema(format!(
                            "`{}` needs boolean operands, but `{side}` is {t}",
                            op.symbol()
                        )));
                    }
                }
                Expr::BinaryOp {
                    left: Box::new(cast_to(*left, &lt, &DataType::Boolean)),
                    op,
                    right: Box::new(cast_to(*right, &rt, &DataType::Boolean)),
                }
            } else if matches!(lt, DataType::List(_)) || matches!(rt, DataType::List(_)) {
                // `||` between lists concatenates them; unlike `list_concat`, a NULL
                // operand gives NULL.
                let either_null = Expr::IsNull(left.clone()).or(Expr::IsNull(right.clone()));
                let concat = Expr::Function {
                    name: "list_concat".into(),
                    args: vec![*left, *right],
                };
                return coerce_node(
                    Expr::Case {
                        operand: None,
                        when_then: vec![(
                            either_null,
                            Expr::Literal(ScalarValue::null(&DataType::Null)),
                        )],
                        otherwise: Some(Box::new(coerce_node(concat, schema)?)),
                    },
                    schema,
                );
            } else {
                // `||`: both sides as strings.
                Expr::BinaryOp {
                    left: Box::new(cast_to(*left, &lt, &DataType::Utf8)),
                    op,
                    right: Box::new(cast_to(*right, &rt, &DataType::Utf8)),
                }
            }
        }
        Expr::Not(inner) => {
            let t = inner.data_type(schema)?;
            if !matches!(t, DataType::Boolean | DataType::Null) {
                return Err(Error::Schema(format!(
                    "NOT needs a boolean, but `{inner}` is {t}"
                )));
            }
            Expr::Not(Box::new(cast_to(*inner, &t, &DataType::Boolean)))
        }
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let et = expr.data_type(schema)?;
            let low = Box::new(exact_literal_for(&low, &et).unwrap_or(*low));
            let high = Box::new(exact_literal_for(&high, &et).unwrap_or(*high));
            let (lt, ht) = (low.data_type(schema)?, high.data_type(schema)?);
            let t = comparison_type(&et, &lt)
                .and_then(|t| comparison_type(&t, &ht))
                .ok_or_else(|| {
                    Error::Schema(format!("cannot compare {et} with {lt} and {ht} in BETWEEN"))
                })?;
            Expr::Between {
                expr: Box::new(cast_to(*expr, &et, &t)),
                negated,
                low: Box::new(cast_to(*low, &lt, &t)),
                high: Box::new(cast_to(*high, &ht, &t)),
            }
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let et = expr.data_type(schema)?;
            let mut t = et.clone();
            let types = list
                .iter()
                .map(|e| e.data_type(schema))
                .collect::<Result<Vec<_>>>()?;
            for lt in &types {
                t = comparison_type(&t, lt).ok_or_else(|| {
                    Error::Schema(format!("cannot compare {et} with {lt} in IN list"))
                })?;
            }
            Expr::InList {
                expr: Box::new(cast_to(*expr, &et, &t)),
                list: list
                    .into_iter()
                    .zip(&types)
                    .map(|(e, lt)| cast_to(e, lt, &t))
                    .collect(),
                negated,
            }
        }
        Expr::Like {
            expr,
            pattern,
            negated,
            case_insensitive,
            escape,
        } => {
            let et = expr.data_type(schema)?;
            let pt = pattern.data_type(schema)?;
            // Both sides of one string type (Arrow's kernels need that).
            let t = if is_string(&et) {
                et.clone()
            } else {
                DataType::Utf8
            };
            Expr::Like {
                expr: Box::new(cast_to(*expr, &et, &t)),
                pattern: Box::new(cast_to(*pattern, &pt, &t)),
                negated,
                case_insensitive,
                escape,
            }
        }
        Expr::Case {
            operand,
            when_then,
            otherwise,
        } => {
            let mut rt = DataType::Null;
            for (_, t) in &when_then {
                let tt = t.data_type(schema)?;
                rt = union_type(&rt, &tt).ok_or_else(|| {
                    Error::Schema(format!(
                        "CASE branches have incompatible types {rt} and {tt}"
                    ))
                })?;
            }
            if let Some(o) = &otherwise {
                let ot = o.data_type(schema)?;
                rt = union_type(&rt, &ot).ok_or_else(|| {
                    Error::Schema(format!(
                        "CASE branches have incompatible types {rt} and {ot}"
                    ))
                })?;
            }
            let mut operand = operand;
            let mut op_type = None;
            if let Some(o) = &operand {
                let mut t = o.data_type(schema)?;
                for (w, _) in &when_then {
                    let wt = w.data_type(schema)?;
                    t = comparison_type(&t, &wt).ok_or_else(|| {
                        Error::Schema(format!("cannot compare CASE operand of type {t} with {wt}"))
                    })?;
                }
                op_type = Some(t);
            }
            if let (Some(o), Some(t)) = (operand.take(), &op_type) {
                let ot = o.data_type(schema)?;
                operand = Some(Box::new(cast_to(*o, &ot, t)));
            }
            let when_then = when_then
                .into_iter()
                .map(|(w, t)| {
                    let wt = w.data_type(schema)?;
                    let w = match &op_type {
                        Some(ot) => cast_to(w, &wt, ot),
                        None => cast_to(w, &wt, &DataType::Boolean),
                    };
                    let tt = t.data_type(schema)?;
                    Ok((w, cast_to(t, &tt, &rt)))
                })
                .collect::<Result<Vec<_>>>()?;
            let otherwise = match otherwise {
                Some(o) => {
                    let ot = o.data_type(schema)?;
                    Some(Box::new(cast_to(*o, &ot, &rt)))
                }
                None => None,
            };
            Expr::Case {
                operand,
                when_then,
                otherwise,
            }
        }
        Expr::Function { name, args } => {
            let def = registry().scalar(&name)?;
            let types = args
                .iter()
                .map(|a| a.data_type(schema))
                .collect::<Result<Vec<_>>>()?;
            let sig = (def.signature)(&types, &literal_args(&args))?;
            Expr::Function {
                name,
                args: cast_args(args, &types, &sig.args),
            }
        }
        Expr::Aggregate(mut a) => {
            if a.func != "count_star" {
                let def = registry().aggregate(&a.func)?;
                let types = a
                    .args
                    .iter()
                    .map(|e| e.data_type(schema))
                    .collect::<Result<Vec<_>>>()?;
                let sig = (def.signature)(&types, &literal_args(&a.args))?;
                a.args = cast_args(a.args, &types, &sig.args);
            }
            if let Some(f) = a.filter.take() {
                let ft = f.data_type(schema)?;
                a.filter = Some(Box::new(cast_to(*f, &ft, &DataType::Boolean)));
            }
            Expr::Aggregate(a)
        }
        Expr::Window(mut w) => {
            let types = w
                .args
                .iter()
                .map(|e| e.data_type(schema))
                .collect::<Result<Vec<_>>>()?;
            let lits = literal_args(&w.args);
            let sig = if let Some(def) = registry().window(&w.func) {
                Some((def.signature)(&types, &lits)?)
            } else if w.func == "count_star" {
                None
            } else {
                Some((registry().aggregate(&w.func)?.signature)(&types, &lits)?)
            };
            if let Some(sig) = sig {
                w.args = cast_args(std::mem::take(&mut w.args), &types, &sig.args);
            }
            Expr::Window(w)
        }
        other => other,
    })
}

fn cast_args(args: Vec<Expr>, from: &[DataType], to: &[DataType]) -> Vec<Expr> {
    args.into_iter()
        .enumerate()
        .map(|(i, a)| match (from.get(i), to.get(i)) {
            (Some(f), Some(t)) => cast_to(a, f, t),
            _ => a,
        })
        .collect()
}

/// Inserts the casts an expression needs over `schema`, bottom-up.
pub fn coerce_expr(expr: Expr, schema: &QSchema) -> Result<Expr> {
    let t: Transformed<Expr> =
        expr.transform_up(&mut |e| coerce_node(e, schema).map(Transformed::yes))?;
    Ok(t.data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit};
    use arrow::datatypes::{Field, Schema};

    fn schema() -> QSchema {
        QSchema::from_arrow(&Schema::new(vec![
            Field::new("i", DataType::Int32, true),
            Field::new("d", DataType::Decimal128(15, 2), true),
            Field::new("day", DataType::Date32, true),
        ]))
    }

    #[test]
    fn integer_meets_decimal() {
        let e = coerce_expr(col("i") + col("d"), &schema()).unwrap();
        assert_eq!(e.to_string(), "CAST(i AS Decimal128(15, 2)) + d");
        assert_eq!(e.data_type(&schema()).unwrap(), DataType::Decimal128(16, 2));
    }

    #[test]
    fn literals_are_cast_in_place() {
        let e = coerce_expr(col("d").gt(lit(1)), &schema()).unwrap();
        assert_eq!(e.to_string(), "d > 1.00");
    }

    #[test]
    fn exact_float_literals_keep_the_column_type() {
        let e = coerce_expr(col("d").gt_eq(lit(0.05)), &schema()).unwrap();
        assert_eq!(e.to_string(), "d >= 0.05");
        assert_eq!(
            e.children()[1].data_type(&schema()).unwrap(),
            DataType::Decimal128(15, 2)
        );
        // 0.125 does not fit scale 2: compare as doubles.
        let e = coerce_expr(col("d").gt_eq(lit(0.125)), &schema()).unwrap();
        assert_eq!(e.to_string(), "CAST(d AS Float64) >= 0.125");
    }

    #[test]
    fn date_against_midnight_timestamp_stays_a_date() {
        let ts = Expr::Literal(
            ScalarValue::date32(10)
                .cast_to(&DataType::Timestamp(TimeUnit::Microsecond, None))
                .unwrap(),
        );
        let e = coerce_expr(col("day").lt_eq(ts), &schema()).unwrap();
        assert_eq!(e.to_string(), "day <= DATE '1970-01-11'");
    }

    #[test]
    fn bad_comparison_names_both_types() {
        let err = coerce_expr(col("day").eq(lit(true)), &schema())
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot compare Date32 with Boolean"), "{err}");
    }
}
