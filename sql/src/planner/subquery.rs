//! Subqueries, decorrelated into joins.
//!
//! - `[NOT] EXISTS (q)` and `x IN (q)` as WHERE conjuncts become semi / anti joins;
//!   the subquery's WHERE conjuncts that mention outer columns become the join's keys
//!   (equalities) and residual condition.
//! - A scalar subquery becomes a left join with the subquery's one row, or, when
//!   correlated by equalities, with the subquery grouped by its correlation keys.
//! - EXISTS / IN inside a larger expression become a left join with a marker column
//!   (uncorrelated subqueries only).
//! - `x op ANY (q)` / `x op ALL (q)` (uncorrelated) join the subquery's row count,
//!   non-NULL count, minimum and maximum (and, for `= ANY` / `<> ALL`, a membership
//!   marker) onto the query; a CASE over them gives SQL's three-valued answer.
//!
//! Correlation is found by planning the subquery on its own first: a column that does
//! not resolve there, but does in the outer query, makes the subquery correlated.

use quiver_engine::expr::{col, lit, Column, Expr, Operator};
use quiver_engine::logical::{builder_column_of, JoinType, LogicalPlanBuilder};
use quiver_engine::types::QSchema;
use quiver_engine::{Error, Result};
use sqlparser::ast::{self, BinaryOperator, Expr as SqlExpr, SetExpr};

use super::relation::resolves;
use super::SqlPlanner;

/// Splits `a AND b AND c` into its terms.
pub(super) fn conjuncts(e: &SqlExpr) -> Vec<&SqlExpr> {
    match e {
        SqlExpr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            let mut v = conjuncts(left);
            v.extend(conjuncts(right));
            v
        }
        SqlExpr::Nested(inner)
            if matches!(
                inner.as_ref(),
                SqlExpr::BinaryOp {
                    op: BinaryOperator::And,
                    ..
                }
            ) =>
        {
            conjuncts(inner)
        }
        other => vec![other],
    }
}

/// A subquery split for decorrelation.
struct Correlated {
    /// The subquery's plan (FROM and its own WHERE conjuncts, maybe aggregated).
    plan: LogicalPlanBuilder,
    /// Equalities between an outer expression and an inner expression.
    keys: Vec<(Expr, Expr)>,
    /// Other conditions that mention outer columns.
    residual: Vec<Expr>,
}

/// Qualifies every column of `e` by where it resolves: the inner schema first, then the
/// outer one. Fails on a column that resolves in neither.
fn qualify(e: Expr, inner: &QSchema, outer: &QSchema) -> Result<(Expr, bool)> {
    let mut uses_outer = false;
    let mut err = None;
    let r: std::result::Result<quiver_engine::expr::Transformed<Expr>, std::convert::Infallible> =
        e.transform_up(&mut |n| {
            if let Expr::Column(c) = &n {
                let hit = |s: &QSchema| match s.find(c.relation.as_deref(), &c.name) {
                    Ok(Some(i)) => Some(builder_column_of(s.field(i))),
                    _ => None,
                };
                if let Some(x) = hit(inner) {
                    return Ok(quiver_engine::expr::Transformed::yes(x));
                }
                if let Some(x) = hit(outer) {
                    uses_outer = true;
                    return Ok(quiver_engine::expr::Transformed::yes(x));
                }
                if err.is_none() {
                    err = Some(inner.index_of(c.relation.as_deref(), &c.name).err());
                }
            }
            Ok(quiver_engine::expr::Transformed::no(n))
        });
    let Ok(t) = r;
    if let Some(Some(e)) = err {
        return Err(e);
    }
    Ok((t.data, uses_outer))
}

impl SqlPlanner<'_> {
    /// Applies a WHERE clause, turning subquery conjuncts into joins.
    pub(super) fn plan_where(
        &self,
        mut plan: LogicalPlanBuilder,
        cond: &SqlExpr,
    ) -> Result<LogicalPlanBuilder> {
        let mut filters = vec![];
        let terms = conjuncts(cond);
        // With subqueries among the conjuncts, the plain ones filter first: a correlated
        // subquery then sees the outer rows as filtered (and joined: the optimizer turns
        // the filtered cross joins into hash joins) when it narrows its own rows to the
        // outer keys. AND does not depend on the order its terms are applied in.
        let (plain, with_subqueries): (Vec<&SqlExpr>, Vec<&SqlExpr>) = terms
            .into_iter()
            .partition(|c| !super::pivot::has_subquery(c));
        let terms = if with_subqueries.is_empty() || plain.is_empty() {
            plain.into_iter().chain(with_subqueries).collect::<Vec<_>>()
        } else {
            let mut first = vec![];
            for c in plain {
                first.push(self.sql_expr(c, &mut plan)?);
            }
            if let Some(f) = Expr::conjunction(first) {
                plan = plan.filter(f)?;
            }
            with_subqueries
        };
        for c in terms {
            match c {
                SqlExpr::Exists { subquery, negated } => {
                    plan = self.exists_join(plan, subquery, *negated)?;
                }
                SqlExpr::UnaryOp {
                    op: ast::UnaryOperator::Not,
                    expr,
                } if matches!(expr.as_ref(), SqlExpr::Exists { .. }) => {
                    if let SqlExpr::Exists { subquery, negated } = expr.as_ref() {
                        plan = self.exists_join(plan, subquery, !*negated)?;
                    }
                }
                SqlExpr::In {
                    expr,
                    target: ast::InTarget::Subquery(q),
                    negated,
                    ..
                } => {
                    let left = self.sql_expr(expr, &mut plan)?;
                    if *negated {
                        // NOT IN is not an anti join: NULLs make it NULL, not true.
                        filters.push(self.in_subquery_mark(left, q, true, &mut plan)?);
                    } else {
                        plan = self.in_join(plan, left, q)?;
                    }
                }
                other => filters.push(self.sql_expr(other, &mut plan)?),
            }
        }
        match Expr::conjunction(filters) {
            Some(f) => plan.filter(f),
            None => Ok(plan),
        }
    }

    /// Plans a subquery that may use columns of `outer`. Uncorrelated subqueries come
    /// back with no keys. `aggregate_keys`: group a correlated aggregate by its keys.
    fn plan_correlated(
        &self,
        q: &ast::Query,
        outer: &QSchema,
        for_scalar: bool,
    ) -> Result<Correlated> {
        self.plan_correlated_reduced(q, outer, for_scalar, None)
    }

    /// [`Self::plan_correlated`]; for a scalar subquery, `outer_plan` (the query it is
    /// correlated with) also narrows the subquery's rows to the key values the outer rows
    /// have before it is grouped (a semi join with the distinct outer keys), so TPC-H Q17
    /// averages the lineitems of a few hundred parts instead of all 200,000. Every outer
    /// row only looks up its own key's group, so the narrowing changes no answer.
    fn plan_correlated_reduced(
        &self,
        q: &ast::Query,
        outer: &QSchema,
        for_scalar: bool,
        outer_plan: Option<&LogicalPlanBuilder>,
    ) -> Result<Correlated> {
        match self.plan_query(q, None) {
            Ok(plan) => Ok(Correlated {
                plan,
                keys: vec![],
                residual: vec![],
            }),
            Err(Error::ColumnNotFound(msg)) => {
                let select = match q.body.as_ref() {
                    SetExpr::Select(s) if q.with.is_none() => s,
                    _ => return Err(Error::ColumnNotFound(msg)),
                };
                let mut inner = self.plan_from(&select.from)?;
                let mut keys = vec![];
                let mut residual = vec![];
                if let Some(w) = &select.selection {
                    let mut local: Vec<&SqlExpr> = vec![];
                    for c in conjuncts(w) {
                        let mut scratch = inner.clone();
                        let converted = self.sql_expr(c, &mut scratch);
                        let e = match converted {
                            Ok(e) => e,
                            Err(_) => {
                                local.push(c);
                                continue;
                            }
                        };
                        let (e, uses_outer) = qualify(e, inner.schema(), outer)?;
                        if !uses_outer {
                            local.push(c);
                            continue;
                        }
                        match &e {
                            Expr::BinaryOp {
                                left,
                                op: Operator::Eq,
                                right,
                            } => {
                                let l_in =
                                    resolves(left, inner.schema()) && !left.columns().is_empty();
                                let r_in =
                                    resolves(right, inner.schema()) && !right.columns().is_empty();
                                let l_out = resolves(left, outer) && !l_in;
                                let r_out = resolves(right, outer) && !r_in;
                                if l_in && r_out {
                                    keys.push((right.as_ref().clone(), left.as_ref().clone()));
                                } else if r_in && l_out {
                                    keys.push((left.as_ref().clone(), right.as_ref().clone()));
                                } else {
                                    residual.push(e);
                                }
                            }
                            _ => residual.push(e),
                        }
                    }
                    for c in local {
                        inner = self.plan_where(inner, c)?;
                    }
                }
                if keys.is_empty() && residual.is_empty() {
                    return Err(Error::ColumnNotFound(msg));
                }
                if for_scalar {
                    if !residual.is_empty() {
                        return Err(Error::NotSupported(
                            "a correlated scalar subquery whose correlation is not an equality"
                                .into(),
                        ));
                    }
                    if let Some(outer_plan) = outer_plan {
                        inner = self.narrow_to_outer_keys(inner, outer_plan, &keys)?;
                    }
                    let named: Vec<(Expr, String)> = keys
                        .iter()
                        .enumerate()
                        .map(|(i, (_, k))| (k.clone(), format!("__k{i}")))
                        .collect();
                    let plan = self.plan_select_body(select, inner, None, &named)?;
                    let keys = keys
                        .into_iter()
                        .enumerate()
                        .map(|(i, (o, _))| (o, col(&format!("__k{i}"))))
                        .collect();
                    return Ok(Correlated {
                        plan,
                        keys,
                        residual: vec![],
                    });
                }
                Ok(Correlated {
                    plan: inner,
                    keys,
                    residual,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// `inner` semi-joined with the distinct values of the outer side of `keys` (see
    /// [`Self::plan_correlated_reduced`]); left as it is when an outer key is volatile.
    fn narrow_to_outer_keys(
        &self,
        inner: LogicalPlanBuilder,
        outer_plan: &LogicalPlanBuilder,
        keys: &[(Expr, Expr)],
    ) -> Result<LogicalPlanBuilder> {
        if keys.is_empty() || keys.iter().any(|(o, _)| o.columns().is_empty()) {
            return Ok(inner);
        }
        let outer_keys = outer_plan
            .clone()
            .project(
                keys.iter()
                    .enumerate()
                    .map(|(i, (o, _))| o.clone().alias(format!("__ok{i}")))
                    .collect(),
            )?
            .distinct();
        let (outer_keys, _, _, alias) = self.isolate(Correlated {
            plan: outer_keys,
            keys: vec![],
            residual: vec![],
        })?;
        let on = keys
            .iter()
            .enumerate()
            .map(|(i, (_, k))| {
                (
                    k.clone(),
                    Expr::Column(Column::qualified(alias.clone(), format!("__ok{i}"))),
                )
            })
            .collect();
        inner.join(outer_keys.build(), JoinType::LeftSemi, on, None)
    }

    /// Wraps a subquery plan in a fresh alias, rewriting references to its columns.
    fn isolate(
        &self,
        c: Correlated,
    ) -> Result<(LogicalPlanBuilder, Vec<(Expr, Expr)>, Option<Expr>, String)> {
        let alias = self.fresh_name("sq");
        let inner_schema = c.plan.schema().clone();
        let plan = c.plan.alias(&alias)?;
        // Key sides may be the generated, unqualified `__k{i}` outputs.
        let keys = c
            .keys
            .into_iter()
            .map(|(o, i)| (o, retarget(i, &inner_schema, &alias, true)))
            .collect();
        let residual = Expr::conjunction(
            c.residual
                .into_iter()
                .map(|r| retarget(r, &inner_schema, &alias, false)),
        );
        Ok((plan, keys, residual, alias))
    }

    fn exists_join(
        &self,
        plan: LogicalPlanBuilder,
        q: &ast::Query,
        negated: bool,
    ) -> Result<LogicalPlanBuilder> {
        let c = self.plan_correlated(q, plan.schema(), false)?;
        let (sub, keys, residual, _) = self.isolate(c)?;
        let jt = if negated {
            JoinType::LeftAnti
        } else {
            JoinType::LeftSemi
        };
        plan.join(sub.build(), jt, keys, residual)
    }

    /// `x IN (q)` as a WHERE conjunct: a semi join (a NULL or unmatched `x` drops the
    /// row either way).
    fn in_join(
        &self,
        plan: LogicalPlanBuilder,
        left: Expr,
        q: &ast::Query,
    ) -> Result<LogicalPlanBuilder> {
        let c = self.plan_correlated(q, plan.schema(), false)?;
        if !c.keys.is_empty() || !c.residual.is_empty() {
            return Err(Error::NotSupported("a correlated subquery in IN".into()));
        }
        if c.plan.schema().len() > 1 {
            let mut plan = plan;
            let found = self.row_membership(left, c.plan, false, &mut plan)?;
            return plan.filter(found);
        }
        if c.plan.schema().len() != 1 {
            return Err(Error::Plan(format!(
                "the subquery of IN must return one column, it returns {}",
                c.plan.schema().len()
            )));
        }
        let (sub, _, _, _) = self.isolate(c)?;
        let value = builder_column_of(sub.schema().field(0));
        plan.join(sub.build(), JoinType::LeftSemi, vec![(left, value)], None)
    }

    /// A scalar subquery joined onto `plan`; returns the expression for its value.
    pub(super) fn scalar_subquery(
        &self,
        q: &ast::Query,
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Expr> {
        let c = self.plan_correlated_reduced(q, plan.schema(), true, Some(plan))?;
        let correlated = !c.keys.is_empty();
        let width = c.plan.schema().len() - c.keys.len();
        if width != 1 {
            return Err(Error::Plan(format!(
                "a scalar subquery must return one column, it returns {width}"
            )));
        }
        let (sub, keys, _, _) = self.isolate(c)?;
        let value = builder_column_of(sub.schema().field(0));
        let sub = if correlated {
            sub
        } else {
            // At most one row, as DuckDB checks at run time: take the first.
            sub.limit(0, Some(1))
        };
        *plan = plan.clone().join(sub.build(), JoinType::Left, keys, None)?;
        Ok(value)
    }

    /// `EXISTS (q)` inside a larger expression (uncorrelated).
    pub(super) fn exists_mark(
        &self,
        q: &ast::Query,
        negated: bool,
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Expr> {
        let sub = self.plan_query(q, None)?;
        let counted = sub.aggregate(vec![], vec![quiver_engine::expr::len().alias("__n")])?;
        let s = counted.schema().clone();
        let marked = counted.project(vec![builder_column_of(s.field(0))
            .gt(lit(0i64))
            .alias("__mark")])?;
        let (marked, _, _, alias) = self.isolate(Correlated {
            plan: marked,
            keys: vec![],
            residual: vec![],
        })?;
        *plan = plan
            .clone()
            .join(marked.build(), JoinType::Left, vec![], None)?;
        let m = Expr::Column(Column::qualified(alias, "__mark"));
        Ok(if negated { m.not() } else { m })
    }

    /// `left op ANY (q)` (or `ALL` when `all`), uncorrelated, with SQL's NULL semantics:
    /// ANY is true if some comparison is true, else NULL if some is NULL, else false (and
    /// false for no rows); ALL is false if some comparison is false, else NULL if some is
    /// NULL, else true.
    pub(super) fn quantified_subquery(
        &self,
        left: Expr,
        op: Operator,
        q: &ast::Query,
        all: bool,
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Expr> {
        let quantifier = if all { "ALL" } else { "ANY" };
        let c = self.plan_correlated(q, plan.schema(), false)?;
        if !c.keys.is_empty() || !c.residual.is_empty() {
            return Err(Error::NotSupported(format!(
                "a correlated subquery in {quantifier}"
            )));
        }
        let sub = c.plan;
        let membership = matches!((op, all), (Operator::Eq, false) | (Operator::NotEq, true));
        if sub.schema().len() > 1 && membership {
            return self.row_membership(left, sub, all, plan);
        }
        if sub.schema().len() != 1 {
            return Err(Error::Plan(format!(
                "the subquery of {quantifier} must return one column, it returns {}",
                sub.schema().len()
            )));
        }
        let v = builder_column_of(sub.schema().field(0));
        let agg = |func: &str, args: Vec<Expr>, name: &str| {
            Expr::Aggregate(quiver_engine::expr::AggregateCall {
                func: func.into(),
                args,
                distinct: false,
                filter: None,
                order_by: vec![],
            })
            .alias(name)
        };
        let stats = sub.clone().aggregate(
            vec![],
            vec![
                agg("count_star", vec![], "__n"),
                agg("count", vec![v.clone()], "__nn"),
                agg("min", vec![v.clone()], "__min"),
                agg("max", vec![v.clone()], "__max"),
            ],
        )?;
        let (stats, _, _, alias) = self.isolate(Correlated {
            plan: stats,
            keys: vec![],
            residual: vec![],
        })?;
        *plan = plan
            .clone()
            .join(stats.build(), JoinType::Left, vec![], None)?;
        let stat = |name: &str| Expr::Column(Column::qualified(alias.clone(), name));
        let (n, nn, min, max) = (stat("__n"), stat("__nn"), stat("__min"), stat("__max"));
        let cmp = |l: Expr, o: Operator, r: Expr| Expr::BinaryOp {
            left: Box::new(l),
            op: o,
            right: Box::new(r),
        };
        // Whether some value makes the comparison true (ANY) or false (ALL).
        let x = left.clone();
        let decisive = match (op, all) {
            (Operator::Gt, false) => cmp(x, Operator::Gt, min),
            (Operator::GtEq, false) => cmp(x, Operator::GtEq, min),
            (Operator::Lt, false) => cmp(x, Operator::Lt, max),
            (Operator::LtEq, false) => cmp(x, Operator::LtEq, max),
            (Operator::NotEq, false) | (Operator::Eq, true) => {
                cmp(x.clone(), Operator::NotEq, min).or(cmp(x, Operator::NotEq, max))
            }
            (Operator::Gt, true) => cmp(x, Operator::LtEq, max),
            (Operator::GtEq, true) => cmp(x, Operator::Lt, max),
            (Operator::Lt, true) => cmp(x, Operator::GtEq, min),
            (Operator::LtEq, true) => cmp(x, Operator::Gt, min),
            (Operator::Eq, false) | (Operator::NotEq, true) => {
                // Membership: a left join with the distinct values.
                let marked = sub
                    .project(vec![v.alias("__v"), lit(true).alias("__mark")])?
                    .distinct();
                let (marked, _, _, m) = self.isolate(Correlated {
                    plan: marked,
                    keys: vec![],
                    residual: vec![],
                })?;
                let value = Expr::Column(Column::qualified(m.clone(), "__v"));
                *plan = plan.clone().join(
                    marked.build(),
                    JoinType::Left,
                    vec![(left.clone(), value)],
                    None,
                )?;
                Expr::Column(Column::qualified(m, "__mark")).is_not_null()
            }
            (other, _) => {
                return Err(Error::Plan(format!(
                    "ANY and ALL operators require one of =,<>,>,<,>=,<= comparisons, got {other:?}"
                )))
            }
        };
        let (empty, decided) = (lit(all), lit(!all));
        Ok(Expr::Case {
            operand: None,
            when_then: vec![
                (n.clone().eq(lit(0i64)), empty.clone()),
                (
                    left.is_null(),
                    Expr::Literal(quiver_engine::types::ScalarValue::null(
                        &arrow::datatypes::DataType::Boolean,
                    )),
                ),
                (decisive, decided),
                (
                    cmp(n, Operator::Gt, nn),
                    Expr::Literal(quiver_engine::types::ScalarValue::null(
                        &arrow::datatypes::DataType::Boolean,
                    )),
                ),
            ],
            otherwise: Some(Box::new(empty)),
        })
    }

    /// `(a, b) IN (q)` / `= ANY` (or `<> ALL` / `NOT IN` when `negated`) for a subquery of
    /// several columns: its rows, packed into one list of row values, are joined onto the
    /// query and searched with `__row_in` (three-valued, field by field).
    fn row_membership(
        &self,
        left: Expr,
        sub: LogicalPlanBuilder,
        negated: bool,
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Expr> {
        let row = super::expr::unnamed_struct(
            sub.schema()
                .fields()
                .iter()
                .map(builder_column_of)
                .collect(),
        );
        let rows = sub.aggregate(
            vec![],
            vec![quiver_engine::expr::builders::aggregate("list", vec![row]).alias("__rows")],
        )?;
        let (rows, _, _, alias) = self.isolate(Correlated {
            plan: rows,
            keys: vec![],
            residual: vec![],
        })?;
        *plan = plan
            .clone()
            .join(rows.build(), JoinType::Left, vec![], None)?;
        let found = quiver_engine::expr::builders::call(
            quiver_engine::functions::scalar::row_in::ROW_IN,
            vec![left, Expr::Column(Column::qualified(alias, "__rows"))],
        );
        Ok(if negated { found.not() } else { found })
    }

    /// `x [NOT] IN (q)` inside a larger expression (uncorrelated): `x = ANY (q)`, so a
    /// NULL `x`, or no match among values with a NULL, gives NULL.
    pub(super) fn in_subquery_mark(
        &self,
        left: Expr,
        q: &ast::Query,
        negated: bool,
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Expr> {
        let any = self.quantified_subquery(left, Operator::Eq, q, false, plan)?;
        Ok(if negated { any.not() } else { any })
    }
}

/// Points references to the subquery's columns at its alias: columns naming an inner
/// field exactly, and, with `unqualified_too`, bare names that resolve in the subquery.
fn retarget(e: Expr, inner: &QSchema, alias: &str, unqualified_too: bool) -> Expr {
    let r: std::result::Result<quiver_engine::expr::Transformed<Expr>, std::convert::Infallible> =
        e.transform_up(&mut |n| {
            if let Expr::Column(c) = &n {
                let exact = inner
                    .fields()
                    .iter()
                    .any(|f| f.qualifier() == c.relation.as_deref() && f.name() == c.name);
                let bare = unqualified_too
                    && c.relation.is_none()
                    && matches!(inner.find(None, &c.name), Ok(Some(_)));
                if exact || bare {
                    return Ok(quiver_engine::expr::Transformed::yes(Expr::Column(
                        Column::qualified(alias, c.name.clone()),
                    )));
                }
            }
            Ok(quiver_engine::expr::Transformed::no(n))
        });
    let Ok(t) = r;
    t.data
}
