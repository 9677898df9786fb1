//! `GROUP BY GROUPING SETS (...)`, `ROLLUP (...)`, `CUBE (...)` (and MySQL's `WITH ROLLUP`
//! / `WITH CUBE`), and the `GROUPING(...)` / `GROUPING_ID(...)` functions.
//!
//! The GROUP BY list is expanded into its grouping sets (the cross product of its
//! elements, as DuckDB does). Each set is one aggregation over the shared input; its
//! output is projected onto every key of every set (NULL for keys the set does not
//! group by) plus the aggregate calls and one constant column per `GROUPING()` call, and
//! the sets are concatenated with UNION ALL. The select list, HAVING and ORDER BY then
//! read that union through the usual replacement of keys and calls by columns.

use quiver_engine::expr::{col, lit, Column, Expr, TreeNodeRecursion};
use quiver_engine::logical::{builder_column_of, LogicalPlanBuilder};
use quiver_engine::types::{QSchema, ScalarValue};
use quiver_engine::{Error, Result};
use sqlparser::ast::{Expr as SqlExpr, GroupByWithModifier};

/// DuckDB's limit on the number of grouping sets of one GROUP BY.
const MAX_GROUPING_SETS: usize = 65_535;

/// Whether `name` is `grouping` or its alias `grouping_id`.
pub(super) fn is_grouping_function(name: &str) -> bool {
    name == "grouping" || name == "grouping_id"
}

/// The grouping sets of a GROUP BY list, or `None` for a plain list (one set of all keys).
pub(super) fn expand_grouping_sets(
    exprs: &[SqlExpr],
    modifiers: &[GroupByWithModifier],
) -> Result<Option<Vec<Vec<SqlExpr>>>> {
    let special = |e: &SqlExpr| {
        matches!(
            e,
            SqlExpr::Rollup(_) | SqlExpr::Cube(_) | SqlExpr::GroupingSets(_)
        )
    };
    if modifiers.is_empty() && !exprs.iter().any(special) {
        return Ok(None);
    }
    let mut sets: Vec<Vec<SqlExpr>> = vec![vec![]];
    for e in exprs {
        sets = cross(&sets, &element_sets(e)?)?;
    }
    for m in modifiers {
        sets = match m {
            // WITH ROLLUP / WITH CUBE apply to the whole list.
            GroupByWithModifier::Rollup => {
                let all = single_set(&sets)?;
                rollup(&all.into_iter().map(|e| vec![e]).collect::<Vec<_>>())
            }
            GroupByWithModifier::Cube => {
                let all = single_set(&sets)?;
                cube(&all.into_iter().map(|e| vec![e]).collect::<Vec<_>>())?
            }
            GroupByWithModifier::GroupingSets(e) => cross(&sets, &element_sets(e)?)?,
            GroupByWithModifier::Totals => {
                return Err(Error::NotSupported("GROUP BY ... WITH TOTALS".into()))
            }
        };
    }
    Ok(Some(sets))
}

fn single_set(sets: &[Vec<SqlExpr>]) -> Result<Vec<SqlExpr>> {
    match sets {
        [one] => Ok(one.clone()),
        _ => Err(Error::Plan(
            "WITH ROLLUP / WITH CUBE cannot be combined with GROUPING SETS, ROLLUP or CUBE".into(),
        )),
    }
}

/// The grouping sets one element of a GROUP BY list stands for.
fn element_sets(e: &SqlExpr) -> Result<Vec<Vec<SqlExpr>>> {
    Ok(match e {
        SqlExpr::Rollup(lists) => rollup(lists),
        SqlExpr::Cube(lists) => cube(lists)?,
        SqlExpr::GroupingSets(groups) => {
            let mut out = vec![];
            for group in groups {
                // `(a, ROLLUP (b))` inside GROUPING SETS: the cross product of its parts.
                let mut sets: Vec<Vec<SqlExpr>> = vec![vec![]];
                for part in group {
                    sets = cross(&sets, &element_sets(part)?)?;
                }
                out.extend(sets);
            }
            out
        }
        // `()` is the empty grouping set.
        SqlExpr::Tuple(v) if v.is_empty() => vec![vec![]],
        // Inside GROUPING SETS, `ROLLUP (..)` and `CUBE (..)` parse as function calls.
        SqlExpr::Function(f) if nested_set_function(f).is_some() => {
            let (name, lists) = nested_set_function(f).unwrap_or_default();
            if name == "rollup" {
                rollup(&lists)
            } else {
                cube(&lists)?
            }
        }
        other => vec![vec![other.clone()]],
    })
}

/// `rollup(..)` / `cube(..)` as a function call: its name and argument lists (a tuple
/// argument `(a, b)` is one list).
fn nested_set_function(f: &sqlparser::ast::Function) -> Option<(String, Vec<Vec<SqlExpr>>)> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments};
    let name = f.name.to_string().to_lowercase();
    if name != "rollup" && name != "cube" {
        return None;
    }
    let FunctionArguments::List(l) = &f.args else {
        return None;
    };
    let mut lists = vec![];
    for a in &l.args {
        match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => lists.push(match e {
                SqlExpr::Tuple(v) => v.clone(),
                SqlExpr::Nested(x) => vec![x.as_ref().clone()],
                other => vec![other.clone()],
            }),
            _ => return None,
        }
    }
    Some((name, lists))
}

/// `ROLLUP (l1, .., ln)`: the prefixes (l1..ln), (l1..ln-1), .., ().
fn rollup(lists: &[Vec<SqlExpr>]) -> Vec<Vec<SqlExpr>> {
    (0..=lists.len())
        .rev()
        .map(|k| lists[..k].iter().flatten().cloned().collect())
        .collect()
}

/// `CUBE (l1, .., ln)`: every subset, largest first.
fn cube(lists: &[Vec<SqlExpr>]) -> Result<Vec<Vec<SqlExpr>>> {
    if lists.len() > 16 {
        return Err(Error::Plan(format!(
            "CUBE of {} elements has too many grouping sets (at most 16 elements)",
            lists.len()
        )));
    }
    let n = lists.len();
    let mut masks: Vec<u32> = (0..(1u32 << n)).collect();
    masks.sort_by_key(|m| std::cmp::Reverse(m.count_ones()));
    Ok(masks
        .into_iter()
        .map(|m| {
            lists
                .iter()
                .enumerate()
                .filter(|(i, _)| m & (1 << (n - 1 - i)) != 0)
                .flat_map(|(_, l)| l.iter().cloned())
                .collect()
        })
        .collect())
}

/// Every set of `a` joined with every set of `b`.
fn cross(a: &[Vec<SqlExpr>], b: &[Vec<SqlExpr>]) -> Result<Vec<Vec<SqlExpr>>> {
    if a.len().saturating_mul(b.len()) > MAX_GROUPING_SETS {
        return Err(Error::Plan(format!(
            "too many grouping sets (more than {MAX_GROUPING_SETS})"
        )));
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut set = x.clone();
            for e in y {
                if !set.contains(e) {
                    set.push(e.clone());
                }
            }
            out.push(set);
        }
    }
    Ok(out)
}

/// Collects the distinct `GROUPING(..)` calls of `e` (outside aggregate calls).
pub(super) fn grouping_calls_in(e: &Expr, out: &mut Vec<Expr>) {
    e.visit(&mut |n| match n {
        Expr::Function { name, .. } if is_grouping_function(name) => {
            if !out.contains(n) {
                out.push(n.clone());
            }
            TreeNodeRecursion::Skip
        }
        Expr::Aggregate(_) => TreeNodeRecursion::Skip,
        _ => TreeNodeRecursion::Continue,
    });
}

/// Whether `a` and `b` name the same input column (one may be qualified, one not).
fn same_key(a: &Expr, b: &Expr, schema: &QSchema) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Expr::Column(x), Expr::Column(y)) => {
            let at = |c: &Column| schema.find(c.relation.as_deref(), &c.name).ok().flatten();
            matches!((at(x), at(y)), (Some(i), Some(j)) if i == j)
        }
        _ => false,
    }
}

/// The aggregation of `input` by each grouping set, concatenated.
///
/// `keys` are every key of every set, `sets` index into them, `calls` are the aggregate
/// calls (output under their text, as for a plain GROUP BY) and `grouping` the
/// `GROUPING()` calls. Returns the plan and the replacements that point expressions over
/// the input at its columns.
pub(super) fn aggregate_grouping_sets(
    input: LogicalPlanBuilder,
    keys: &[Expr],
    sets: &[Vec<usize>],
    calls: &[Expr],
    grouping: &[Expr],
) -> Result<(LogicalPlanBuilder, Vec<(Expr, Expr)>)> {
    let schema = input.schema().clone();
    let key_types = keys
        .iter()
        .map(|k| k.data_type(&schema))
        .collect::<Result<Vec<_>>>()?;
    // Each GROUPING() argument must be a key: its position among the keys.
    let grouping_args: Vec<Vec<usize>> = grouping
        .iter()
        .map(|g| {
            let Expr::Function { args, .. } = g else {
                unreachable!("grouping_calls_in collects function calls")
            };
            if args.is_empty() {
                return Err(Error::Plan("GROUPING needs at least one argument".into()));
            }
            if args.len() > 63 {
                return Err(Error::Plan("GROUPING takes at most 63 arguments".into()));
            }
            args.iter()
                .map(|a| {
                    keys.iter()
                        .position(|k| same_key(k, a, &schema))
                        .ok_or_else(|| {
                            Error::Plan(format!("GROUPING child \"{a}\" must be a grouping column"))
                        })
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    let key_name = |i: usize| format!("__grouping_key{i}");
    let grouping_name = |i: usize| format!("__grouping{i}");
    let named_calls: Vec<Expr> = calls
        .iter()
        .map(|c| c.clone().alias(c.to_string()))
        .collect();
    let mut plan: Option<LogicalPlanBuilder> = None;
    for set in sets {
        let set_keys: Vec<Expr> = set.iter().map(|&i| keys[i].clone()).collect();
        let agg = input.clone().aggregate(set_keys, named_calls.clone())?;
        let out = agg.schema().clone();
        let mut exprs = vec![];
        for (i, t) in key_types.iter().enumerate() {
            let e = match set.iter().position(|&k| k == i) {
                Some(p) => builder_column_of(out.field(p)),
                None => Expr::Literal(ScalarValue::null(t)),
            };
            exprs.push(e.alias(key_name(i)));
        }
        for (j, _) in calls.iter().enumerate() {
            exprs.push(builder_column_of(out.field(set.len() + j)));
        }
        for (g, args) in grouping_args.iter().enumerate() {
            // A 1 bit for each argument the set does not group by, the first the highest.
            let bits = args
                .iter()
                .fold(0i64, |acc, k| (acc << 1) | i64::from(!set.contains(k)));
            exprs.push(lit(bits).alias(grouping_name(g)));
        }
        let branch = agg.project(exprs)?;
        plan = Some(match plan {
            None => branch,
            Some(p) => p.union(branch.build())?,
        });
    }
    let plan = plan.ok_or_else(|| Error::Internal("GROUP BY without grouping sets".into()))?;
    let mut replacements = vec![];
    for (g, call) in grouping.iter().enumerate() {
        replacements.push((call.clone(), col(&grouping_name(g))));
    }
    for c in calls {
        replacements.push((c.clone(), col(&c.to_string())));
    }
    for (i, k) in keys.iter().enumerate() {
        let to = col(&key_name(i));
        // A key column is found qualified or not: `t.a` and `a` both read the key.
        if let Expr::Column(c) = k {
            if let Ok(Some(at)) = schema.find(c.relation.as_deref(), &c.name) {
                let f = schema.field(at);
                replacements.push((Expr::Column(Column::new(f.name())), to.clone()));
                if let Some(q) = f.qualifier() {
                    replacements.push((Expr::Column(Column::qualified(q, f.name())), to.clone()));
                }
            }
        }
        replacements.push((k.clone(), to));
    }
    Ok((plan, replacements))
}
