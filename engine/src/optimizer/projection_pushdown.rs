//! Projection pushdown: scans read only the columns some operator above uses.
//!
//! Walks the plan top-down with the set of output columns each node must produce, drops
//! projection expressions nobody reads, and narrows every table scan's projection.
//! Nodes whose schema derives from their inputs (joins, aliases, windows) are rebuilt.

use std::sync::Arc;

use super::utils::referenced_indices;
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::{Expr, Transformed};
use crate::logical::*;
use crate::types::{QField, QSchema};

/// The rule.
pub struct ProjectionPushdown;

fn needs(exprs: &[&Expr], schema: &QSchema) -> Vec<bool> {
    let mut req = vec![false; schema.len()];
    for e in exprs {
        referenced_indices(e, schema, &mut req);
    }
    req
}

fn or(a: &mut [bool], b: &[bool]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x |= *y;
    }
}

fn prune(plan: &Arc<LogicalPlan>, required: &[bool]) -> Result<Arc<LogicalPlan>> {
    Ok(match plan.as_ref() {
        LogicalPlan::TableScan(s) => {
            let current: Vec<usize> = match &s.projection {
                Some(p) => p.clone(),
                None => (0..s.source.schema().fields().len()).collect(),
            };
            let mut keep: Vec<usize> = current
                .iter()
                .enumerate()
                .filter(|(i, _)| required[*i])
                .map(|(_, c)| *c)
                .collect();
            if keep.is_empty() && !current.is_empty() {
                // Something must be read to know the row count: take the first column.
                keep.push(current[0]);
            }
            if keep == current {
                return Ok(plan.clone());
            }
            let fields: Vec<QField> = current
                .iter()
                .enumerate()
                .filter(|(_, c)| keep.contains(c))
                .map(|(i, _)| s.schema.field(i).clone())
                .collect();
            Arc::new(LogicalPlan::TableScan(TableScan {
                projection: Some(keep),
                schema: Arc::new(QSchema::try_new(fields)?),
                ..s.clone()
            }))
        }
        LogicalPlan::Projection(p) => {
            let keep: Vec<usize> = (0..p.exprs.len()).filter(|i| required[*i]).collect();
            let exprs: Vec<Expr> = keep.iter().map(|i| p.exprs[*i].clone()).collect();
            let refs: Vec<&Expr> = exprs.iter().collect();
            let input = prune(&p.input, &needs(&refs, p.input.schema()))?;
            let fields = keep.iter().map(|i| p.schema.field(*i).clone()).collect();
            Arc::new(LogicalPlan::Projection(Projection {
                exprs,
                input,
                schema: Arc::new(QSchema::try_new(fields)?),
            }))
        }
        LogicalPlan::Filter(f) => {
            let mut req = required.to_vec();
            or(&mut req, &needs(&[&f.predicate], f.input.schema()));
            let input = prune(&f.input, &req)?;
            Arc::new(LogicalPlan::Filter(Filter {
                predicate: f.predicate.clone(),
                input,
            }))
        }
        LogicalPlan::Sort(s) => {
            let mut req = required.to_vec();
            let keys: Vec<&Expr> = s.exprs.iter().map(|k| &k.expr).collect();
            or(&mut req, &needs(&keys, s.input.schema()));
            Arc::new(LogicalPlan::Sort(Sort {
                input: prune(&s.input, &req)?,
                ..s.clone()
            }))
        }
        LogicalPlan::Limit(l) => Arc::new(LogicalPlan::Limit(Limit {
            input: prune(&l.input, required)?,
            ..l.clone()
        })),
        LogicalPlan::Aggregate(a) => {
            let refs: Vec<&Expr> = a.group_by.iter().chain(a.aggregates.iter()).collect();
            let input = prune(&a.input, &needs(&refs, a.input.schema()))?;
            Arc::new(LogicalPlan::Aggregate(Aggregate { input, ..a.clone() }))
        }
        LogicalPlan::Window(w) => {
            let n_in = w.input.schema().len();
            let mut req: Vec<bool> = required[..n_in].to_vec();
            let refs: Vec<&Expr> = w.window_exprs.iter().collect();
            or(&mut req, &needs(&refs, w.input.schema()));
            let input = prune(&w.input, &req)?;
            let mut fields = input.schema().fields().to_vec();
            fields.extend(w.schema.fields()[n_in..].iter().cloned());
            Arc::new(LogicalPlan::Window(Window {
                window_exprs: w.window_exprs.clone(),
                input,
                schema: Arc::new(QSchema::try_new(fields)?),
            }))
        }
        LogicalPlan::Join(j) => {
            let (ls, rs) = (j.left.schema(), j.right.schema());
            let joined = ls.join(rs)?;
            let mut req = vec![false; joined.len()];
            if j.join_type.left_only() {
                req[..ls.len()].copy_from_slice(required);
            } else {
                req.copy_from_slice(required);
            }
            let mut refs: Vec<&Expr> = j.on.iter().flat_map(|(l, r)| [l, r]).collect();
            if let Some(f) = &j.filter {
                refs.push(f);
            }
            // Resolve each key on its own side so equal names on both sides stay apart.
            let mut lreq = req[..ls.len()].to_vec();
            let mut rreq = req[ls.len()..].to_vec();
            for (l, r) in &j.on {
                referenced_indices(l, ls, &mut lreq);
                referenced_indices(r, rs, &mut rreq);
            }
            if let Some(f) = &j.filter {
                let mut both = vec![false; joined.len()];
                referenced_indices(f, &joined, &mut both);
                or(&mut lreq, &both[..ls.len()]);
                or(&mut rreq, &both[ls.len()..]);
            }
            let left = prune(&j.left, &lreq)?;
            let right = prune(&j.right, &rreq)?;
            let nullable = |s: &QSchema, yes: bool| -> Vec<QField> {
                s.fields()
                    .iter()
                    .map(|f| {
                        if yes {
                            QField::new(
                                f.qualifier().map(Arc::from),
                                Arc::new(f.field().as_ref().clone().with_nullable(true)),
                            )
                        } else {
                            f.clone()
                        }
                    })
                    .collect()
            };
            let (l_null, r_null) = match j.join_type {
                JoinType::Left => (false, true),
                JoinType::Right => (true, false),
                JoinType::Full => (true, true),
                _ => (false, false),
            };
            let mut fields = nullable(left.schema(), l_null);
            if !j.join_type.left_only() {
                fields.extend(nullable(right.schema(), r_null));
            }
            Arc::new(LogicalPlan::Join(Join {
                left,
                right,
                schema: Arc::new(QSchema::try_new(fields)?),
                ..j.clone()
            }))
        }
        LogicalPlan::SubqueryAlias(a) => {
            let input = prune(&a.input, required)?;
            let schema = Arc::new(input.schema().with_qualifier(&a.alias));
            Arc::new(LogicalPlan::SubqueryAlias(SubqueryAlias {
                input,
                alias: a.alias.clone(),
                schema,
            }))
        }
        // Distinct and union depend on every column; values have nothing to prune.
        _ => {
            let inputs: Vec<Arc<LogicalPlan>> = plan
                .inputs()
                .into_iter()
                .map(|i| prune(i, &vec![true; i.schema().len()]))
                .collect::<Result<_>>()?;
            if inputs.is_empty() {
                plan.clone()
            } else {
                Arc::new(plan.with_new_inputs(inputs))
            }
        }
    })
}

impl OptimizerRule for ProjectionPushdown {
    fn name(&self) -> &'static str {
        "projection_pushdown"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        let all = vec![true; plan.schema().len()];
        Ok(Transformed::yes(prune(&plan, &all)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{len, lit};
    use crate::optimizer::utils::tests::*;

    fn check(plan: Arc<LogicalPlan>, want: &str) {
        let t = ProjectionPushdown.rewrite(plan.clone()).unwrap();
        assert_eq!(t.data.display_indent(), want);
        assert_same_results(&plan, &t.data, false);
    }

    #[test]
    fn scan_reads_only_the_selected_columns() {
        check(
            abc(10).project(vec![c("c"), c("a")]).unwrap().build(),
            "Projection: c, a\n  TableScan: t projection=[a, c]\n",
        );
    }

    #[test]
    fn filter_columns_are_read_too() {
        let plan = abc(10)
            .filter(c("b").eq(lit(1i64)))
            .unwrap()
            .project(vec![c("c")])
            .unwrap()
            .build();
        check(
            plan,
            "Projection: c\n  Filter: b = 1\n    TableScan: t projection=[b, c]\n",
        );
    }

    #[test]
    fn unused_projection_expressions_are_dropped() {
        let plan = abc(10)
            .project(vec![c("a"), (c("b") * lit(2i64)).alias("d"), c("c")])
            .unwrap()
            .project(vec![c("d")])
            .unwrap()
            .build();
        check(
            plan,
            "Projection: d\n  Projection: b * 2 AS d\n    TableScan: t projection=[b]\n",
        );
    }

    #[test]
    fn a_count_star_reads_one_column() {
        let plan = abc(10).aggregate(vec![], vec![len()]).unwrap().build();
        check(
            plan,
            "Aggregate: groupBy=[], aggr=[count_star() AS len]\n  TableScan: t projection=[a]\n",
        );
    }

    #[test]
    fn join_sides_read_keys_and_used_columns() {
        let (l, r) = lr();
        let plan = l
            .join(r, JoinType::Inner, vec![(q("l", "k"), q("r", "k"))], None)
            .unwrap()
            .project(vec![q("r", "y")])
            .unwrap()
            .build();
        check(
            plan,
            "Projection: r.y\n  Join(Inner): on=[l.k = r.k]\n    TableScan: l projection=[k]\n    TableScan: r\n",
        );
    }

    #[test]
    fn sort_keys_are_read() {
        let plan = abc(10)
            .sort(vec![
                crate::expr::SortExpr::desc(c("b")),
                crate::expr::SortExpr::asc(c("a")),
            ])
            .unwrap()
            .project(vec![c("c")])
            .unwrap()
            .build();
        let t = ProjectionPushdown.rewrite(plan.clone()).unwrap();
        assert_eq!(
            t.data.display_indent(),
            "Projection: c\n  Sort: b DESC, a\n    TableScan: t\n"
        );
        assert_same_results(&plan, &t.data, true);
    }

    #[test]
    fn distinct_needs_every_column_below_it() {
        let plan = abc(10)
            .project(vec![c("b"), c("c")])
            .unwrap()
            .distinct()
            .project(vec![c("b")])
            .unwrap()
            .build();
        check(plan, "Projection: b\n  Distinct\n    Projection: b, c\n      TableScan: t projection=[b, c]\n");
    }
}
