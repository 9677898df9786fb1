//! Ordered-set aggregates, `agg(args) WITHIN GROUP (ORDER BY x)`, rewritten as DuckDB's
//! transformer does: `percentile_cont(f)` / `percentile_disc(f)` become
//! `quantile_cont(x, f)` / `quantile_disc(x, f)`, and `mode()` becomes
//! `mode(x ORDER BY x)` (ties go to the first value in that order).
//!
//! The fraction must be a constant number or list of numbers in [0, 1]; a descending
//! order negates it, which the quantiles read as counting from the top. Other aggregates,
//! several ORDER BY keys or a wrong argument count are errors with DuckDB's texts.

use quiver_engine::expr::{AggregateCall, Expr, SortExpr};
use quiver_engine::optimizer::simplify_expr;
use quiver_engine::optimizer::type_coercion::coerce_expr;
use quiver_engine::types::{QSchema, ScalarValue};
use quiver_engine::{Error, Result};

/// Rewrites an ordered-set aggregate call. `arg_names` holds the name of each named
/// argument (`quantile := 0.5`), `None` for positional ones.
pub(super) fn rewrite(
    name: &str,
    args: Vec<Expr>,
    arg_names: &[Option<String>],
    mut order: Vec<SortExpr>,
    filter: Option<Box<Expr>>,
) -> Result<Expr> {
    let (func, wants_fraction) = match name {
        "percentile_cont" => ("quantile_cont", true),
        "percentile_disc" => ("quantile_disc", true),
        "mode" => ("mode", false),
        _ => {
            return Err(Error::Syntax(format!(
                "Unknown ordered aggregate \"{name}\"."
            )))
        }
    };
    if order.len() != 1 {
        return Err(Error::Syntax(
            "Cannot use multiple ORDER BY clauses with WITHIN GROUP".into(),
        ));
    }
    if args.len() != usize::from(wants_fraction) {
        return Err(Error::Syntax(format!(
            "Wrong number of arguments for {}",
            name.to_uppercase()
        )));
    }
    if let Some(bad) = arg_names
        .iter()
        .flatten()
        .find(|n| n.as_str() != "quantile")
    {
        return Err(Error::Plan(format!(
            "No function matches the given name and argument types '{func}' (no parameter \
             named \"{bad}\")"
        )));
    }
    let key = order.remove(0);
    if !wants_fraction {
        return Ok(Expr::Aggregate(AggregateCall {
            func: func.into(),
            args: vec![key.expr.clone()],
            distinct: false,
            filter,
            order_by: vec![key],
        }));
    }
    let fraction = args
        .into_iter()
        .next()
        .unwrap_or(Expr::Literal(ScalarValue::null(
            &arrow::datatypes::DataType::Float64,
        )));
    // Coerce first (a list of mixed DECIMALs needs casts) so the constant folds.
    let coerced =
        coerce_expr(fraction.clone(), &QSchema::empty()).unwrap_or_else(|_| fraction.clone());
    let fraction = match simplify_expr(coerced).data.unalias() {
        Expr::Literal(v) if !v.is_null() => Expr::Literal(checked_fraction(v, key.descending)?),
        _ => fraction,
    };
    Ok(Expr::Aggregate(AggregateCall {
        func: func.into(),
        args: vec![key.expr, fraction],
        distinct: false,
        filter,
        order_by: vec![],
    }))
}

/// Checks a constant fraction (or list of fractions) and negates it for a descending order.
fn checked_fraction(v: &ScalarValue, descending: bool) -> Result<ScalarValue> {
    let out_of_range =
        || Error::Plan("PERCENTILEs can only take parameters in the range [0, 1]".into());
    let flip = |q: f64| -> Result<f64> {
        if q.is_nan() {
            return Err(Error::Plan("QUANTILE parameter cannot be NaN".into()));
        }
        if !(0.0..=1.0).contains(&q) {
            return Err(out_of_range());
        }
        Ok(if descending { -q } else { q })
    };
    if let Some(q) = v.as_f64() {
        return Ok(ScalarValue::from(flip(q)?));
    }
    let array = v.as_array();
    if let Some(list) = arrow::array::AsArray::as_list_opt::<i32>(array.as_ref()) {
        let items = list.value(0);
        if items.is_empty() {
            return Err(Error::Plan("Empty list in percentile not allowed".into()));
        }
        let items = arrow::compute::cast(&items, &arrow::datatypes::DataType::Float64)
            .map_err(|_| out_of_range())?;
        let items =
            arrow::array::AsArray::as_primitive::<arrow::datatypes::Float64Type>(items.as_ref());
        let flipped = items
            .iter()
            .map(|q| q.map(flip).transpose())
            .collect::<Result<Vec<_>>>()?;
        let list =
            arrow::array::ListArray::from_iter_primitive::<arrow::datatypes::Float64Type, _, _>(
                std::iter::once(Some(flipped)),
            );
        return ScalarValue::try_from_array(std::sync::Arc::new(list));
    }
    // Not a number: left for the quantile's signature to reject.
    Ok(v.clone())
}
