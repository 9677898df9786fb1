//! Statistics-based pruning: decides, from per-container minimums, maximums and null
//! information, which containers (Parquet row groups, hive-partitioned files) cannot hold a
//! row that satisfies the scan's filters, so they need not be read.
//!
//! Understood predicate shapes: `col op literal` and `literal op col` (`=`, `<>`, `<`, `<=`,
//! `>`, `>=`), `col [NOT] BETWEEN lit AND lit`, `col [NOT] IN (lits)`, `col IS [NOT] NULL`, a
//! bare boolean column, `NOT`, and `AND` / `OR` combinations of these. Anything else keeps
//! every container: pruning is an optimisation, and the plan applies the filters again
//! above the scan. Unknown statistics always mean "keep".

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::compute::kernels::cmp;
use arrow::datatypes::DataType;

use crate::expr::{Expr, Operator};
use crate::types::ScalarValue;

/// Statistics over a set of containers (row groups, files), one entry per container.
///
/// Every method may return `None` for "unknown"; arrays must have
/// [`num_containers`](PruningStatistics::num_containers) entries, where a NULL entry is
/// also unknown.
pub(crate) trait PruningStatistics {
    /// How many containers there are.
    fn num_containers(&self) -> usize;
    /// The minimum (non-null) value of `column` in each container (a lower bound).
    fn min_values(&self, column: &str) -> Option<ArrayRef>;
    /// The maximum (non-null) value of `column` in each container (an upper bound).
    fn max_values(&self, column: &str) -> Option<ArrayRef>;
    /// Whether the min and max are exact values of the column (not truncated bounds).
    fn bounds_exact(&self, column: &str) -> Option<BooleanArray>;
    /// True where the container is known to hold no NULL in `column`.
    fn null_free(&self, column: &str) -> Option<BooleanArray>;
    /// True where the container is known to hold only NULLs in `column`.
    fn all_null(&self, column: &str) -> Option<BooleanArray>;
    /// True where a floating-point column is known to hold no NaN.
    fn nan_free(&self, column: &str) -> Option<BooleanArray>;
}

/// Which containers may hold a row matching every filter (`true` = must be read).
pub(crate) fn prune(filters: &[Expr], stats: &dyn PruningStatistics) -> Vec<bool> {
    let n = stats.num_containers();
    let mut keep = vec![true; n];
    for f in filters {
        let k = eval(f, stats);
        for (a, b) in keep.iter_mut().zip(k) {
            *a &= b;
        }
    }
    keep
}

fn all(stats: &dyn PruningStatistics, v: bool) -> Vec<bool> {
    vec![v; stats.num_containers()]
}

fn and(a: Vec<bool>, b: Vec<bool>) -> Vec<bool> {
    a.into_iter().zip(b).map(|(x, y)| x && y).collect()
}

fn or(a: Vec<bool>, b: Vec<bool>) -> Vec<bool> {
    a.into_iter().zip(b).map(|(x, y)| x || y).collect()
}

/// A column name, looking through aliases.
fn column_name(e: &Expr) -> Option<&str> {
    match e.unalias() {
        Expr::Column(c) => Some(c.name.as_str()),
        _ => None,
    }
}

fn literal(e: &Expr) -> Option<&ScalarValue> {
    match e.unalias() {
        Expr::Literal(v) => Some(v),
        _ => None,
    }
}

/// Evaluates one predicate to "may match" per container.
fn eval(expr: &Expr, stats: &dyn PruningStatistics) -> Vec<bool> {
    match expr.unalias() {
        Expr::BinaryOp {
            left,
            op: Operator::And,
            right,
        } => and(eval(left, stats), eval(right, stats)),
        Expr::BinaryOp {
            left,
            op: Operator::Or,
            right,
        } => or(eval(left, stats), eval(right, stats)),
        Expr::BinaryOp { left, op, right } => {
            if let (Some(c), Some(v)) = (column_name(left), literal(right)) {
                compare(stats, c, *op, v)
            } else if let (Some(v), Some(c)) = (literal(left), column_name(right)) {
                match op.swap() {
                    Some(op) => compare(stats, c, op, v),
                    None => all(stats, true),
                }
            } else {
                all(stats, true)
            }
        }
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let (Some(c), Some(lo), Some(hi)) = (column_name(expr), literal(low), literal(high))
            else {
                return all(stats, true);
            };
            if *negated {
                or(
                    compare(stats, c, Operator::Lt, lo),
                    compare(stats, c, Operator::Gt, hi),
                )
            } else {
                and(
                    compare(stats, c, Operator::GtEq, lo),
                    compare(stats, c, Operator::LtEq, hi),
                )
            }
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let Some(c) = column_name(expr) else {
                return all(stats, true);
            };
            let mut values = Vec::with_capacity(list.len());
            for item in list {
                match literal(item) {
                    Some(v) => values.push(v),
                    None => return all(stats, true),
                }
            }
            if *negated {
                values.into_iter().fold(all(stats, true), |acc, v| {
                    and(acc, compare(stats, c, Operator::NotEq, v))
                })
            } else {
                values.into_iter().fold(all(stats, false), |acc, v| {
                    or(acc, compare(stats, c, Operator::Eq, v))
                })
            }
        }
        Expr::IsNull(e) => match column_name(e).and_then(|c| stats.null_free(c)) {
            Some(free) => flags(&free).map(|f| f != Some(true)).collect(),
            None => all(stats, true),
        },
        Expr::IsNotNull(e) => match column_name(e).and_then(|c| stats.all_null(c)) {
            Some(nulls) => flags(&nulls).map(|f| f != Some(true)).collect(),
            None => all(stats, true),
        },
        Expr::Column(c) => compare(stats, &c.name, Operator::Eq, &ScalarValue::from(true)),
        Expr::Literal(v) => match v.as_bool() {
            Some(true) => all(stats, true),
            // FALSE or NULL: no row passes.
            _ if v.is_null() || v.as_bool() == Some(false) => all(stats, false),
            _ => all(stats, true),
        },
        Expr::Not(inner) => match negate(inner) {
            Some(e) => eval(&e, stats),
            None => all(stats, true),
        },
        _ => all(stats, true),
    }
}

/// `NOT e` rewritten without the NOT, where that is exact under three-valued logic for the
/// purpose of filtering (a row passes only where the predicate is TRUE).
fn negate(e: &Expr) -> Option<Expr> {
    Some(match e.unalias() {
        Expr::BinaryOp {
            left,
            op: Operator::And,
            right,
        } => Expr::BinaryOp {
            left: Box::new(Expr::Not(left.clone())),
            op: Operator::Or,
            right: Box::new(Expr::Not(right.clone())),
        },
        Expr::BinaryOp {
            left,
            op: Operator::Or,
            right,
        } => Expr::BinaryOp {
            left: Box::new(Expr::Not(left.clone())),
            op: Operator::And,
            right: Box::new(Expr::Not(right.clone())),
        },
        Expr::BinaryOp { left, op, right } if op.is_comparison() => Expr::BinaryOp {
            left: left.clone(),
            op: op.negate()?,
            right: right.clone(),
        },
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between {
            expr: expr.clone(),
            negated: !negated,
            low: low.clone(),
            high: high.clone(),
        },
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: expr.clone(),
            list: list.clone(),
            negated: !negated,
        },
        Expr::IsNull(x) => Expr::IsNotNull(x.clone()),
        Expr::IsNotNull(x) => Expr::IsNull(x.clone()),
        Expr::Not(x) => (**x).clone(),
        Expr::Column(c) => Expr::BinaryOp {
            left: Box::new(Expr::Column(c.clone())),
            op: Operator::Eq,
            right: Box::new(Expr::Literal(ScalarValue::from(false))),
        },
        _ => return None,
    })
}

fn flags(a: &BooleanArray) -> impl Iterator<Item = Option<bool>> + '_ {
    a.iter()
}

/// The literal in the statistics' type, if it converts without loss.
fn literal_as(value: &ScalarValue, to: &DataType) -> Option<ArrayRef> {
    if value.data_type() == to {
        return Some(value.as_array().clone());
    }
    let cast = value.cast_to(to).ok()?;
    if cast.is_null() {
        return None;
    }
    // Reject lossy conversions (100.5 -> 100): casting back must give the same value.
    let back = cast.cast_to(value.data_type()).ok()?;
    (back == *value).then(|| cast.as_array().clone())
}

fn is_float(t: &DataType) -> bool {
    matches!(t, DataType::Float16 | DataType::Float32 | DataType::Float64)
}

/// `column op value` over the containers.
fn compare(
    stats: &dyn PruningStatistics,
    column: &str,
    op: Operator,
    value: &ScalarValue,
) -> Vec<bool> {
    let n = stats.num_containers();
    if value.is_null() {
        // A comparison with NULL is never TRUE (IS [NOT] DISTINCT FROM aside).
        return match op {
            Operator::IsDistinctFrom | Operator::IsNotDistinctFrom => vec![true; n],
            _ => vec![false; n],
        };
    }
    let keep = compare_bounds(stats, column, op, value).unwrap_or_else(|| vec![true; n]);
    // A container that holds only NULLs has no row where a comparison is TRUE.
    match (stats.all_null(column), op) {
        (Some(nulls), op)
            if op != Operator::IsDistinctFrom && op != Operator::IsNotDistinctFrom =>
        {
            keep.into_iter()
                .zip(flags(&nulls))
                .map(|(k, null)| k && null != Some(true))
                .collect()
        }
        _ => keep,
    }
}

fn compare_bounds(
    stats: &dyn PruningStatistics,
    column: &str,
    op: Operator,
    value: &ScalarValue,
) -> Option<Vec<bool>> {
    let n = stats.num_containers();
    let min = stats.min_values(column)?;
    let max = stats.max_values(column)?;
    if min.len() != n || max.len() != n || min.data_type() != max.data_type() {
        return None;
    }
    let data_type = min.data_type().clone();
    let v = literal_as(value, &data_type)?;
    let scalar = arrow::array::Scalar::new(v.clone());
    let float = is_float(&data_type);
    // NaN sorts above every number (as in DuckDB): only `>`, `>=`, `<>` (and `= NaN`) can be
    // satisfied by a NaN, and the min/max statistics do not cover NaNs.
    let v_is_nan = float && value.as_f64().is_some_and(f64::is_nan);
    let nan_free = if float { stats.nan_free(column) } else { None };
    let nan_may_match = |i: usize| -> bool {
        float
            && !nan_free
                .as_ref()
                .is_some_and(|a| a.is_valid(i) && a.value(i))
    };

    let to_vec = |a: Option<BooleanArray>| -> Option<Vec<bool>> {
        let a = a?;
        Some(a.iter().map(|x| x.unwrap_or(true)).collect())
    };
    let keep = match op {
        Operator::Lt => to_vec(cmp::lt(&min, &scalar).ok())?,
        Operator::LtEq => to_vec(cmp::lt_eq(&min, &scalar).ok())?,
        Operator::Gt => to_vec(cmp::gt(&max, &scalar).ok())?,
        Operator::GtEq => to_vec(cmp::gt_eq(&max, &scalar).ok())?,
        Operator::Eq | Operator::IsNotDistinctFrom => {
            let lo = to_vec(cmp::lt_eq(&min, &scalar).ok())?;
            let hi = to_vec(cmp::gt_eq(&max, &scalar).ok())?;
            and(lo, hi)
        }
        Operator::NotEq | Operator::IsDistinctFrom => {
            // Prune only when every value is exactly `v`.
            let exact = stats.bounds_exact(column)?;
            let lo = cmp::eq(&min, &scalar).ok()?;
            let hi = cmp::eq(&max, &scalar).ok()?;
            (0..n)
                .map(|i| {
                    let all_v = lo.is_valid(i)
                        && lo.value(i)
                        && hi.is_valid(i)
                        && hi.value(i)
                        && exact.is_valid(i)
                        && exact.value(i);
                    !all_v
                })
                .collect()
        }
        _ => return None,
    };
    let keep = if float {
        keep.into_iter()
            .enumerate()
            .map(|(i, k)| {
                let nan_could_pass = match op {
                    Operator::Gt | Operator::GtEq | Operator::NotEq | Operator::IsDistinctFrom => {
                        true
                    }
                    Operator::Eq | Operator::IsNotDistinctFrom | Operator::LtEq => v_is_nan,
                    _ => false,
                };
                k || (nan_could_pass && nan_may_match(i))
            })
            .collect()
    } else {
        keep
    };
    Some(keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{col, lit};
    use arrow::array::{Float64Array, Int64Array};
    use std::sync::Arc;

    /// Three containers of `x`: [0, 10], [11, 20], [21, 30] and an all-NULL one; `f` floats.
    struct Stats;
    impl PruningStatistics for Stats {
        fn num_containers(&self) -> usize {
            4
        }
        fn min_values(&self, column: &str) -> Option<ArrayRef> {
            match column {
                "x" => Some(Arc::new(Int64Array::from(vec![
                    Some(0),
                    Some(11),
                    Some(21),
                    None,
                ]))),
                "f" => Some(Arc::new(Float64Array::from(vec![
                    Some(0.0),
                    Some(1.0),
                    Some(2.0),
                    None,
                ]))),
                _ => None,
            }
        }
        fn max_values(&self, column: &str) -> Option<ArrayRef> {
            match column {
                "x" => Some(Arc::new(Int64Array::from(vec![
                    Some(10),
                    Some(20),
                    Some(30),
                    None,
                ]))),
                "f" => Some(Arc::new(Float64Array::from(vec![
                    Some(0.5),
                    Some(1.5),
                    Some(2.5),
                    None,
                ]))),
                _ => None,
            }
        }
        fn bounds_exact(&self, _: &str) -> Option<BooleanArray> {
            Some(BooleanArray::from(vec![true; 4]))
        }
        fn null_free(&self, column: &str) -> Option<BooleanArray> {
            (column == "x").then(|| BooleanArray::from(vec![true, false, true, false]))
        }
        fn all_null(&self, column: &str) -> Option<BooleanArray> {
            (column == "x").then(|| BooleanArray::from(vec![false, false, false, true]))
        }
        fn nan_free(&self, _: &str) -> Option<BooleanArray> {
            None
        }
    }

    fn p(e: Expr) -> Vec<bool> {
        prune(&[e], &Stats)
    }

    #[test]
    fn prunes_comparisons() {
        assert_eq!(p(col("x").gt(lit(15i64))), vec![false, true, true, false]);
        assert_eq!(p(lit(15i64).lt(col("x"))), vec![false, true, true, false]);
        assert_eq!(
            p(col("x").lt_eq(lit(10i64))),
            vec![true, false, false, false]
        );
        assert_eq!(p(col("x").eq(lit(20i64))), vec![false, true, false, false]);
        assert_eq!(
            p(col("x").not_eq(lit(20i64))),
            vec![true, true, true, false]
        );
        // Int32 literal against Int64 statistics converts losslessly.
        assert_eq!(
            p(col("x").gt_eq(lit(21i32))),
            vec![false, false, true, false]
        );
        // A lossy literal keeps everything.
        assert_eq!(p(col("x").gt(lit(20.5f64))), vec![true, true, true, false]);
        assert_eq!(p(col("unknown").gt(lit(1i64))), vec![true; 4]);
    }

    #[test]
    fn prunes_between_in_null_and_combinations() {
        assert_eq!(
            p(col("x").is_between(lit(12i64), lit(19i64))),
            vec![false, true, false, false]
        );
        assert_eq!(
            p(col("x").is_in([lit(5i64), lit(25i64)])),
            vec![true, false, true, false]
        );
        assert_eq!(p(col("x").is_null()), vec![false, true, false, true]);
        assert_eq!(p(col("x").is_not_null()), vec![true, true, true, false]);
        assert_eq!(
            p(col("x").lt(lit(5i64)).or(col("x").gt(lit(25i64)))),
            vec![true, false, true, false]
        );
        assert_eq!(
            p(col("x").gt(lit(5i64)).and(col("x").lt(lit(15i64)))),
            vec![true, true, false, false]
        );
        assert_eq!(
            p(col("x").gt(lit(15i64)).not()),
            vec![true, true, false, false]
        );
        assert_eq!(p(col("x").like("a%")), vec![true; 4]);
    }

    #[test]
    fn floats_keep_groups_that_may_hold_nan() {
        assert_eq!(p(col("f").lt(lit(1.0f64))), vec![true, false, false, true]);
        // NaN > 2.0 is true and NaNs are not in the statistics.
        assert_eq!(p(col("f").gt(lit(2.0f64))), vec![true; 4]);
    }
}
