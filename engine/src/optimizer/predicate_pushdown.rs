//! Predicate pushdown: moves filters as close to the data as they can go.
//!
//! A filter's conjuncts travel down through projections (rewritten in terms of the
//! projection's input), aliases, sorts, unions and grouping keys of aggregations, and into
//! both sides of joins where the join type allows it. Conjuncts of the form
//! `left_expr = right_expr` over a cross or inner join become its hash keys (the "cross
//! join + equality filter into a hash join" rewrite); other conjuncts that need both sides
//! become the join's residual filter. At a table scan, the conjuncts are also recorded in
//! the scan for pruning (Parquet row-group statistics, hive partitions); the filter stays
//! above the scan to remove individual rows.
//!
//! A filter over an inner join that needs both sides but is an OR of ANDs also sends each
//! side what it implies there: `(n1.x = 'A' AND n2.x = 'B') OR (n1.x = 'B' AND n2.x = 'A')`
//! implies `n1.x = 'A' OR n1.x = 'B'` on n1's side (TPC-H Q7), when every branch has a
//! conjunct over that side alone. The OR itself stays as the join's filter.

use std::sync::Arc;

use super::utils::resolves_in;
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::{Column, Expr, Operator, Transformed};
use crate::logical::*;
use crate::types::QSchema;

/// The rule.
pub struct PredicatePushdown;

fn wrap_filter(plan: Arc<LogicalPlan>, preds: Vec<Expr>) -> Arc<LogicalPlan> {
    match Expr::conjunction(preds) {
        Some(p) => Arc::new(LogicalPlan::Filter(Filter {
            predicate: p,
            input: plan,
        })),
        None => plan,
    }
}

/// Rewrites column references through a projection: each output column becomes the
/// expression that computes it.
fn substitute(e: &Expr, proj: &Projection) -> Option<Expr> {
    let mut ok = true;
    let r: std::result::Result<Transformed<Expr>, std::convert::Infallible> =
        e.clone().transform_up(&mut |n| {
            if let Expr::Column(c) = &n {
                match proj.schema.find(c.relation.as_deref(), &c.name) {
                    Ok(Some(i)) => {
                        let inner = proj.exprs[i].unalias().clone();
                        if inner.contains_window()
                            || inner.contains_aggregate()
                            || !inner.columns().iter().all(|_| true)
                        {
                            ok = false;
                        }
                        return Ok(Transformed::yes(inner));
                    }
                    _ => ok = false,
                }
            }
            Ok(Transformed::no(n))
        });
    let Ok(t) = r;
    // Volatile functions must not be duplicated or moved.
    let volatile = !t.data.is_constant() && {
        let mut v = false;
        t.data.visit(&mut |n| {
            if let Expr::Function { name, .. } = n {
                v |= crate::functions::is_volatile(name);
            }
            crate::expr::TreeNodeRecursion::Continue
        });
        v
    };
    (ok && !volatile).then_some(t.data)
}

/// Re-qualifies column references from an alias to its input's qualifiers.
fn unalias_columns(e: &Expr, alias: &SubqueryAlias) -> Option<Expr> {
    let input = alias.input.schema();
    let mut ok = true;
    let r: std::result::Result<Transformed<Expr>, std::convert::Infallible> =
        e.clone().transform_up(&mut |n| {
            if let Expr::Column(c) = &n {
                match alias.schema.find(c.relation.as_deref(), &c.name) {
                    Ok(Some(i)) => {
                        let f = input.field(i);
                        return Ok(Transformed::yes(Expr::Column(Column {
                            relation: f.qualifier().map(str::to_string),
                            name: f.name().to_string(),
                        })));
                    }
                    _ => ok = false,
                }
            }
            Ok(Transformed::no(n))
        });
    let Ok(t) = r;
    ok.then_some(t.data)
}

fn only_in(e: &Expr, schema: &QSchema, other: &QSchema) -> bool {
    !e.columns().is_empty()
        && resolves_in(e, schema)
        && e.columns().iter().all(|c| {
            // Not resolvable on the other side, or resolvable on both but clearly qualified.
            !matches!(other.find(c.relation.as_deref(), &c.name), Ok(Some(_)))
                || c.relation.is_some()
        })
}

/// `a OR b OR c` as its terms.
fn disjuncts(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::BinaryOp {
            left,
            op: Operator::Or,
            right,
        } => {
            let mut v = disjuncts(left);
            v.extend(disjuncts(right));
            v
        }
        other => vec![other.clone()],
    }
}

/// What the OR `p` implies over `side` alone: the OR of each branch's conjuncts over that
/// side, if every branch has some.
fn implied_on(p: &Expr, side: &QSchema, other: &QSchema) -> Option<Expr> {
    let branches = disjuncts(p);
    if branches.len() < 2 {
        return None;
    }
    let mut parts = Vec::with_capacity(branches.len());
    for b in branches {
        let own: Vec<Expr> = b
            .split_conjunction()
            .into_iter()
            .filter(|c| only_in(c, side, other))
            .collect();
        parts.push(Expr::conjunction(own)?);
    }
    parts.into_iter().reduce(|a, b| a.or(b))
}

fn push(plan: Arc<LogicalPlan>, preds: Vec<Expr>) -> Result<Arc<LogicalPlan>> {
    match plan.as_ref() {
        LogicalPlan::Filter(f) => {
            let mut all = f.predicate.clone().split_conjunction();
            for p in preds {
                if !all.contains(&p) {
                    all.push(p);
                }
            }
            push(f.input.clone(), all)
        }
        LogicalPlan::Projection(p) => {
            let (mut down, mut keep) = (vec![], vec![]);
            for e in preds {
                match substitute(&e, p) {
                    Some(s) => down.push(s),
                    None => keep.push(e),
                }
            }
            let input = push(p.input.clone(), down)?;
            Ok(wrap_filter(
                Arc::new(LogicalPlan::Projection(Projection { input, ..p.clone() })),
                keep,
            ))
        }
        LogicalPlan::SubqueryAlias(a) => {
            let (mut down, mut keep) = (vec![], vec![]);
            for e in preds {
                match unalias_columns(&e, a) {
                    Some(s) => down.push(s),
                    None => keep.push(e),
                }
            }
            let input = push(a.input.clone(), down)?;
            Ok(wrap_filter(
                Arc::new(LogicalPlan::SubqueryAlias(SubqueryAlias {
                    input,
                    ..a.clone()
                })),
                keep,
            ))
        }
        LogicalPlan::Sort(s) if s.fetch.is_none() => {
            let input = push(s.input.clone(), preds)?;
            Ok(Arc::new(LogicalPlan::Sort(Sort { input, ..s.clone() })))
        }
        LogicalPlan::Distinct(d) => {
            let input = push(d.input.clone(), preds)?;
            Ok(Arc::new(LogicalPlan::Distinct(Distinct { input })))
        }
        LogicalPlan::Aggregate(a) => {
            // Conjuncts over grouping keys only can run before the aggregation.
            let (mut down, mut keep) = (vec![], vec![]);
            for e in preds {
                let mut ok = true;
                let r: std::result::Result<Transformed<Expr>, std::convert::Infallible> =
                    e.clone().transform_up(&mut |n| {
                        if let Expr::Column(c) = &n {
                            match a.schema.find(c.relation.as_deref(), &c.name) {
                                Ok(Some(i)) if i < a.group_by.len() => {
                                    return Ok(Transformed::yes(a.group_by[i].unalias().clone()))
                                }
                                _ => ok = false,
                            }
                        }
                        Ok(Transformed::no(n))
                    });
                let Ok(t) = r;
                if ok && !a.group_by.is_empty() {
                    down.push(t.data);
                } else {
                    keep.push(e);
                }
            }
            let input = push(a.input.clone(), down)?;
            Ok(wrap_filter(
                Arc::new(LogicalPlan::Aggregate(Aggregate { input, ..a.clone() })),
                keep,
            ))
        }
        LogicalPlan::Union(u) => {
            // Each input sees the predicate over its own column names.
            let mut inputs = vec![];
            for inp in &u.inputs {
                let mut mapped = vec![];
                for e in &preds {
                    let r: std::result::Result<Transformed<Expr>, std::convert::Infallible> =
                        e.clone().transform_up(&mut |n| {
                            if let Expr::Column(c) = &n {
                                if let Ok(Some(i)) = u.schema.find(c.relation.as_deref(), &c.name) {
                                    return Ok(Transformed::yes(super::utils::column_at(
                                        inp.schema(),
                                        i,
                                    )));
                                }
                            }
                            Ok(Transformed::no(n))
                        });
                    let Ok(t) = r;
                    mapped.push(t.data);
                }
                inputs.push(push(inp.clone(), mapped)?);
            }
            Ok(Arc::new(LogicalPlan::Union(Union {
                inputs,
                schema: u.schema.clone(),
            })))
        }
        LogicalPlan::Join(j) => push_join(j, preds),
        LogicalPlan::TableScan(s) => {
            let mut scan = s.clone();
            for p in &preds {
                if !scan.filters.contains(p) && !p.columns().is_empty() {
                    scan.filters.push(p.clone());
                }
            }
            Ok(wrap_filter(Arc::new(LogicalPlan::TableScan(scan)), preds))
        }
        _ => {
            // Stop here; optimize below independently.
            let inputs = plan
                .inputs()
                .into_iter()
                .map(|i| push(i.clone(), vec![]))
                .collect::<Result<Vec<_>>>()?;
            let node = if inputs.is_empty() {
                plan.clone()
            } else {
                Arc::new(plan.with_new_inputs(inputs))
            };
            Ok(wrap_filter(node, preds))
        }
    }
}

fn push_join(j: &Join, preds: Vec<Expr>) -> Result<Arc<LogicalPlan>> {
    let (ls, rs) = (j.left.schema().clone(), j.right.schema().clone());
    let mut on = j.on.clone();
    let mut join_filter: Vec<Expr> = j
        .filter
        .clone()
        .map(|f| f.split_conjunction())
        .unwrap_or_default();
    let (mut left, mut right, mut keep) = (vec![], vec![], vec![]);
    let inner_like = matches!(j.join_type, JoinType::Inner | JoinType::Cross);
    // For inner joins, the join's own residual conjuncts can move down too.
    let mut candidates: Vec<(Expr, bool)> = preds.into_iter().map(|p| (p, false)).collect();
    if inner_like || j.join_type == JoinType::LeftSemi {
        candidates.extend(
            std::mem::take(&mut join_filter)
                .into_iter()
                .map(|p| (p, true)),
        );
    }
    for (p, from_join) in candidates {
        // Above a semi or anti join only the left side's columns exist.
        if !from_join && j.join_type.left_only() {
            left.push(p);
            continue;
        }
        let left_ok = only_in(&p, &ls, &rs);
        let right_ok = only_in(&p, &rs, &ls);
        let can_left = matches!(
            j.join_type,
            JoinType::Inner
                | JoinType::Cross
                | JoinType::Left
                | JoinType::LeftSemi
                | JoinType::LeftAnti
        );
        let can_right = matches!(
            j.join_type,
            JoinType::Inner | JoinType::Cross | JoinType::Right | JoinType::LeftSemi
        );
        if left_ok && (can_left && (!from_join || j.join_type != JoinType::LeftAnti)) {
            left.push(p);
        } else if right_ok
            && (can_right
                || (from_join
                    && matches!(
                        j.join_type,
                        JoinType::LeftSemi | JoinType::LeftAnti | JoinType::Left
                    )))
        {
            right.push(p);
        } else if inner_like || (from_join && j.join_type == JoinType::LeftSemi) {
            // An OR over both sides sends what it implies to each side, once: when it
            // first arrives from a filter above (it then stays in the join's filter).
            if inner_like && !from_join {
                if let Some(l) = implied_on(&p, &ls, &rs) {
                    left.push(l);
                }
                if let Some(r) = implied_on(&p, &rs, &ls) {
                    right.push(r);
                }
            }
            // Equality between the sides becomes a hash key.
            if let Expr::BinaryOp {
                left: a,
                op: Operator::Eq,
                right: b,
            } = &p
            {
                if only_in(a, &ls, &rs) && only_in(b, &rs, &ls) {
                    on.push((a.as_ref().clone(), b.as_ref().clone()));
                    continue;
                }
                if only_in(b, &ls, &rs) && only_in(a, &rs, &ls) {
                    on.push((b.as_ref().clone(), a.as_ref().clone()));
                    continue;
                }
            }
            if from_join || inner_like {
                join_filter.push(p);
            } else {
                keep.push(p);
            }
        } else if from_join {
            join_filter.push(p);
        } else {
            keep.push(p);
        }
    }
    // A join filter over one side of an outer join's preserved side stays in the join.
    let new_left = push(j.left.clone(), left)?;
    let new_right = push(j.right.clone(), right)?;
    let join_type = if j.join_type == JoinType::Cross && (!on.is_empty() || !join_filter.is_empty())
    {
        JoinType::Inner
    } else {
        j.join_type
    };
    let node = Arc::new(LogicalPlan::Join(Join {
        left: new_left,
        right: new_right,
        on,
        filter: Expr::conjunction(join_filter),
        join_type,
        null_equals_null: j.null_equals_null,
        schema: j.schema.clone(),
    }));
    Ok(wrap_filter(node, keep))
}

fn fingerprint(plan: &LogicalPlan) -> String {
    plan.display_indent()
}

impl OptimizerRule for PredicatePushdown {
    fn name(&self) -> &'static str {
        "predicate_pushdown"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        let before = fingerprint(&plan);
        let after = push(plan, vec![])?;
        let changed = fingerprint(&after) != before;
        Ok(Transformed {
            data: after,
            changed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{len, lit};
    use crate::optimizer::utils::tests::*;

    fn rewrite(plan: &Arc<LogicalPlan>) -> Transformed<Arc<LogicalPlan>> {
        PredicatePushdown.rewrite(plan.clone()).unwrap()
    }

    fn check(plan: Arc<LogicalPlan>, want: &str) {
        let t = rewrite(&plan);
        assert_eq!(t.data.display_indent(), want);
        assert_same_results(&plan, &t.data, false);
        assert!(
            !rewrite(&t.data).changed,
            "not idempotent:\n{}",
            t.data.display_indent()
        );
    }

    #[test]
    fn through_a_projection_into_the_scan() {
        let plan = abc(20)
            .project(vec![c("a"), (c("b") * lit(2i64)).alias("d")])
            .unwrap()
            .filter(c("d").gt(lit(2i64)))
            .unwrap()
            .build();
        check(plan, "Projection: a, b * 2 AS d\n  Filter: (b * 2) > 2\n    TableScan: t filters=[(b * 2) > 2]\n");
    }

    #[test]
    fn stacked_filters_merge_into_one_conjunction() {
        let plan = abc(20)
            .filter(c("a").gt(lit(3i64)))
            .unwrap()
            .filter(c("b").eq(lit(1i64)))
            .unwrap()
            .build();
        check(
            plan,
            "Filter: (a > 3) AND (b = 1)\n  TableScan: t filters=[a > 3, b = 1]\n",
        );
    }

    #[test]
    fn into_both_sides_of_an_inner_join() {
        let (l, r) = lr();
        let plan = l
            .join(r, JoinType::Inner, vec![(q("l", "k"), q("r", "k"))], None)
            .unwrap()
            .filter(q("l", "x").gt(lit(4i64)).and(q("r", "y").eq(lit("p"))))
            .unwrap()
            .build();
        check(
            plan,
            "Join(Inner): on=[l.k = r.k]\n  Filter: l.x > 4\n    TableScan: l filters=[l.x > 4]\n  Filter: r.y = 'p'\n    TableScan: r filters=[r.y = 'p']\n",
        );
    }

    #[test]
    fn an_or_over_both_sides_sends_each_side_what_it_implies() {
        let (l, r) = lr();
        let either = q("l", "x")
            .eq(lit(4i64))
            .and(q("r", "y").eq(lit("p")))
            .or(q("l", "x").eq(lit(6i64)).and(q("r", "y").eq(lit("q"))));
        let plan = l
            .join(r, JoinType::Inner, vec![(q("l", "k"), q("r", "k"))], None)
            .unwrap()
            .filter(either)
            .unwrap()
            .build();
        let out = PredicatePushdown.rewrite(plan.clone()).unwrap().data;
        let text = out.display_indent();
        assert!(
            text.contains("TableScan: l filters=[(l.x = 4) OR (l.x = 6)]"),
            "{text}"
        );
        assert!(
            text.contains("TableScan: r filters=[(r.y = 'p') OR (r.y = 'q')]"),
            "{text}"
        );
        assert!(
            text.contains("filter=((l.x = 4) AND (r.y = 'p')) OR"),
            "{text}"
        );
        crate::optimizer::utils::tests::assert_same_results(&plan, &out, false);
        // A second pass adds nothing.
        let again = PredicatePushdown.rewrite(out.clone()).unwrap().data;
        assert_eq!(again.display_indent(), text);
    }

    #[test]
    fn not_below_the_right_side_of_a_left_join() {
        let (l, r) = lr();
        let plan = l
            .join(r, JoinType::Left, vec![(q("l", "k"), q("r", "k"))], None)
            .unwrap()
            .filter(q("l", "x").gt(lit(4i64)).and(q("r", "y").eq(lit("p"))))
            .unwrap()
            .build();
        check(
            plan,
            "Filter: r.y = 'p'\n  Join(Left): on=[l.k = r.k]\n    Filter: l.x > 4\n      TableScan: l filters=[l.x > 4]\n    TableScan: r\n",
        );
    }

    #[test]
    fn a_left_joins_on_condition_over_the_left_side_stays_in_the_join() {
        // l LEFT JOIN r ON l.k = r.k AND l.x > 4 keeps every l row.
        let (l, r) = lr();
        let plan = l
            .join(
                r,
                JoinType::Left,
                vec![(q("l", "k"), q("r", "k"))],
                Some(q("l", "x").gt(lit(4i64))),
            )
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert!(!t.changed, "{}", t.data.display_indent());
        assert_same_results(&plan, &t.data, false);
    }

    #[test]
    fn right_and_full_joins() {
        let (l, r) = lr();
        let on = vec![(q("l", "k"), q("r", "k"))];
        let both = || q("l", "x").gt(lit(4i64)).and(q("r", "y").eq(lit("p")));
        let right = l
            .clone()
            .join(r.clone(), JoinType::Right, on.clone(), None)
            .unwrap()
            .filter(both())
            .unwrap()
            .build();
        check(
            right,
            "Filter: l.x > 4\n  Join(Right): on=[l.k = r.k]\n    TableScan: l\n    Filter: r.y = 'p'\n      TableScan: r filters=[r.y = 'p']\n",
        );
        let full = l
            .join(r, JoinType::Full, on, None)
            .unwrap()
            .filter(both())
            .unwrap()
            .build();
        check(
            full,
            "Filter: (l.x > 4) AND (r.y = 'p')\n  Join(Full): on=[l.k = r.k]\n    TableScan: l\n    TableScan: r\n",
        );
    }

    #[test]
    fn cross_join_with_an_equality_filter_becomes_a_hash_join() {
        let (l, r) = lr();
        let plan = l
            .cross_join(r)
            .unwrap()
            .filter(
                q("l", "k")
                    .eq(q("r", "k"))
                    .and(q("l", "x").lt(q("r", "k") + lit(5i64))),
            )
            .unwrap()
            .build();
        check(
            plan,
            "Join(Inner): on=[l.k = r.k] filter=l.x < (r.k + 5)\n  TableScan: l\n  TableScan: r\n",
        );
    }

    #[test]
    fn equality_written_right_to_left_is_turned_around() {
        let (l, r) = lr();
        let plan = l
            .cross_join(r)
            .unwrap()
            .filter(q("r", "k").eq(q("l", "k")))
            .unwrap()
            .build();
        check(
            plan,
            "Join(Inner): on=[l.k = r.k]\n  TableScan: l\n  TableScan: r\n",
        );
    }

    #[test]
    fn semi_join_conditions_move_to_their_side() {
        let (l, r) = lr();
        let plan = l
            .join(
                r,
                JoinType::LeftSemi,
                vec![(q("l", "k"), q("r", "k"))],
                Some(q("r", "y").eq(lit("q")).and(q("l", "x").gt(lit(2i64)))),
            )
            .unwrap()
            .build();
        check(
            plan,
            "Join(LeftSemi): on=[l.k = r.k]\n  Filter: l.x > 2\n    TableScan: l filters=[l.x > 2]\n  Filter: r.y = 'q'\n    TableScan: r filters=[r.y = 'q']\n",
        );
    }

    #[test]
    fn through_an_aggregate_on_grouping_keys_only() {
        let plan = abc(30)
            .aggregate(vec![c("b")], vec![c("a").sum().alias("s"), len()])
            .unwrap()
            .filter(c("b").eq(lit(1i64)).and(c("s").gt(lit(10i64))))
            .unwrap()
            .build();
        let t = rewrite(&plan);
        let text = t.data.display_indent();
        assert!(
            text.starts_with("Filter: s > 10\n  Aggregate: groupBy=[b]"),
            "{text}"
        );
        assert!(
            text.ends_with("    Filter: b = 1\n      TableScan: t filters=[b = 1]\n"),
            "{text}"
        );
        assert_same_results(&plan, &t.data, false);
    }

    #[test]
    fn not_through_a_limit_or_a_top_k() {
        let plan = abc(20)
            .limit(0, Some(5))
            .filter(c("a").gt(lit(2i64)))
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert!(!t.changed);
        assert_eq!(
            t.data.display_indent(),
            "Filter: a > 2\n  Limit: skip=0 fetch=5\n    TableScan: t\n"
        );
        assert_same_results(&plan, &t.data, true);
        let topk = Arc::new(LogicalPlan::Sort(Sort {
            exprs: vec![crate::expr::SortExpr::desc(c("a"))],
            input: abc(20).build(),
            fetch: Some(3),
        }));
        let plan = LogicalPlanBuilder::from(topk)
            .filter(c("a").lt(lit(18i64)))
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert!(!t.changed, "{}", t.data.display_indent());
        assert_same_results(&plan, &t.data, true);
    }

    #[test]
    fn into_every_union_input() {
        let plan = abc(10)
            .union(abc(5).build())
            .unwrap()
            .filter(c("a").gt(lit(2i64)))
            .unwrap()
            .build();
        check(plan, "Union\n  Filter: a > 2\n    TableScan: t filters=[a > 2]\n  Filter: a > 2\n    TableScan: t filters=[a > 2]\n");
    }
}
