//! Common subexpression elimination for aggregations.
//!
//! TPC-H Q1 computes `l_extendedprice * (1 - l_discount)` in two aggregates; a projection
//! below the aggregation now computes it once per morsel (`__common_expr_0`) and both
//! aggregates read the column.

use std::sync::Arc;

use super::utils::{column_at, transform_up};
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::{col, Expr, Transformed, TreeNodeRecursion};
use crate::logical::*;

/// The rule.
pub struct CommonSubexprEliminate;

fn is_computation(e: &Expr) -> bool {
    !matches!(
        e,
        Expr::Column(_)
            | Expr::Literal(_)
            | Expr::Alias(_, _)
            | Expr::Aggregate(_)
            | Expr::Window(_)
    ) && !e.is_constant()
        && !matches!(e, Expr::Function { name, .. } if crate::functions::is_volatile(name))
}

fn size(e: &Expr) -> usize {
    let mut n = 0;
    e.visit(&mut |_| {
        n += 1;
        TreeNodeRecursion::Continue
    });
    n
}

/// The largest computation that occurs at least twice among `exprs`.
fn repeated(exprs: &[Expr]) -> Option<Expr> {
    let mut seen: Vec<(Expr, usize)> = vec![];
    for e in exprs {
        e.visit(&mut |n| {
            if is_computation(n) {
                match seen.iter_mut().find(|(x, _)| x == n) {
                    Some((_, c)) => *c += 1,
                    None => seen.push((n.clone(), 1)),
                }
            }
            TreeNodeRecursion::Continue
        });
    }
    seen.into_iter()
        .filter(|(_, c)| *c >= 2)
        .max_by_key(|(e, _)| size(e))
        .map(|(e, _)| e)
}

fn agg_args(a: &Aggregate) -> Vec<Expr> {
    let mut out = vec![];
    for e in &a.aggregates {
        if let Expr::Aggregate(call) = e.unalias() {
            out.extend(call.args.iter().cloned());
            out.extend(call.filter.iter().map(|f| (**f).clone()));
        }
    }
    out
}

fn rewrite(a: &Aggregate) -> Result<Option<Aggregate>> {
    let mut aggregates = a.aggregates.clone();
    let mut common: Vec<Expr> = vec![];
    while let Some(e) = repeated(&agg_args(&Aggregate {
        aggregates: aggregates.clone(),
        ..a.clone()
    })) {
        let name = format!("__common_expr_{}", common.len());
        let replacement = [(e.clone(), col(&name))];
        aggregates = aggregates
            .into_iter()
            .map(|x| match x {
                Expr::Alias(inner, n) => {
                    Expr::Alias(Box::new(replace_in_args(*inner, &replacement)), n)
                }
                other => replace_in_args(other, &replacement),
            })
            .collect();
        common.push(e.alias(name));
        if common.len() > 16 {
            break;
        }
    }
    if common.is_empty() {
        return Ok(None);
    }
    let input_schema = a.input.schema().clone();
    let mut exprs: Vec<Expr> = (0..input_schema.len())
        .map(|i| column_at(&input_schema, i))
        .collect();
    exprs.extend(common);
    // Under a filter right below the aggregation, compute the common expressions below
    // the filter, so the physical plan can still fuse the filter into the aggregation.
    let input = match a.input.as_ref() {
        LogicalPlan::Filter(f) => {
            let below = LogicalPlanBuilder::from(f.input.clone())
                .project(exprs)?
                .build();
            Arc::new(LogicalPlan::Filter(Filter {
                predicate: f.predicate.clone(),
                input: below,
            }))
        }
        _ => LogicalPlanBuilder::from(a.input.clone())
            .project(exprs)?
            .build(),
    };
    Ok(Some(Aggregate {
        aggregates,
        input,
        group_by: a.group_by.clone(),
        schema: a.schema.clone(),
    }))
}

fn replace_in_args(e: Expr, replacement: &[(Expr, Expr)]) -> Expr {
    match e {
        Expr::Aggregate(mut call) => {
            call.args = call
                .args
                .into_iter()
                .map(|x| x.replace_exprs(replacement))
                .collect();
            call.filter = call.filter.map(|f| Box::new(f.replace_exprs(replacement)));
            Expr::Aggregate(call)
        }
        other => other,
    }
}

impl OptimizerRule for CommonSubexprEliminate {
    fn name(&self) -> &'static str {
        "common_subexpr_eliminate"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        transform_up(plan, &mut |node| {
            if let LogicalPlan::Aggregate(a) = node.as_ref() {
                if let Some(new) = rewrite(a)? {
                    return Ok(Transformed::yes(Arc::new(LogicalPlan::Aggregate(new))));
                }
            }
            Ok(Transformed::no(node))
        })
    }
}
