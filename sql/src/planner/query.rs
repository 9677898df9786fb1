//! Queries: WITH, SELECT (with GROUP BY, HAVING, windows, QUALIFY, DISTINCT), set
//! operations, VALUES, ORDER BY and LIMIT / OFFSET.

use std::collections::HashMap;
use std::sync::Arc;

use quiver_engine::expr::{col, Expr, SortExpr, TreeNodeRecursion};
use quiver_engine::logical::{builder_column_of, JoinType, LogicalPlanBuilder};
use quiver_engine::types::QSchema;
use quiver_engine::{Error, Result};
use sqlparser::ast::{
    self, Expr as SqlExpr, GroupByExpr, LimitClause, OrderByKind, Select, SelectItem, SetExpr,
    SetOperator, SetQuantifier,
};

use super::grouping_sets::{aggregate_grouping_sets, expand_grouping_sets, grouping_calls_in};
use super::relation::resolves;
use super::SqlPlanner;

/// Collects the distinct aggregate calls of `e` (outside window calls).
pub(super) fn aggregates_in(e: &Expr, out: &mut Vec<Expr>) {
    e.visit(&mut |n| match n {
        Expr::Aggregate(_) => {
            if !out.contains(n) {
                out.push(n.clone());
            }
            TreeNodeRecursion::Skip
        }
        Expr::Window(w) => {
            // Aggregates inside a window's arguments are computed by the aggregation.
            for a in w
                .args
                .iter()
                .chain(w.partition_by.iter())
                .chain(w.order_by.iter().map(|s| &s.expr))
            {
                aggregates_in(a, out);
            }
            TreeNodeRecursion::Skip
        }
        _ => TreeNodeRecursion::Continue,
    });
}

fn literal_usize(e: &SqlExpr) -> Option<usize> {
    match e {
        SqlExpr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => n.to_string().parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

impl SqlPlanner<'_> {
    /// Plans a query. `outer` is unused here (correlated subqueries go through
    /// [`super::subquery`]), kept for symmetry with nested planning.
    pub(super) fn plan_query(
        &self,
        q: &ast::Query,
        _outer: Option<&QSchema>,
    ) -> Result<LogicalPlanBuilder> {
        let pushed = if let Some(with) = &q.with {
            self.ctes.borrow_mut().push(HashMap::new());
            for cte in &with.cte_tables {
                let name = cte.alias.name.value.to_lowercase();
                if with.recursive && self.references_self(&cte.query, &name) {
                    let plan = self.recursive_cte(cte)?;
                    self.ctes
                        .borrow_mut()
                        .last_mut()
                        .map(|m| m.insert(name, plan));
                    continue;
                }
                let plan = self.plan_query(&cte.query, None)?;
                let plan = self
                    .rename_columns(plan, &cte.alias)?
                    .alias(&cte.alias.name.value)?
                    .build();
                self.ctes
                    .borrow_mut()
                    .last_mut()
                    .map(|m| m.insert(name, plan));
            }
            true
        } else {
            false
        };
        let result = self.plan_query_body(q);
        if pushed {
            self.ctes.borrow_mut().pop();
        }
        result
    }

    fn plan_query_body(&self, q: &ast::Query) -> Result<LogicalPlanBuilder> {
        let order_by = q.order_by.as_ref();
        let mut plan = match q.body.as_ref() {
            SetExpr::Select(s) => self.plan_select(s, order_by)?,
            other => {
                let plan = self.plan_set_expr(other)?;
                match order_by {
                    Some(o) => self.order_by_output(plan, o)?,
                    None => plan,
                }
            }
        };
        if let Some(limit) = &q.limit_clause {
            let (limit, offset) = match limit {
                LimitClause::LimitOffset { limit, offset, .. } => {
                    (limit.clone(), offset.as_ref().map(|o| o.value.clone()))
                }
                LimitClause::OffsetCommaLimit { offset, limit } => {
                    (Some(limit.clone()), Some(offset.clone()))
                }
            };
            let num = |e: &SqlExpr, what: &str| -> Result<Option<usize>> {
                let mut scratch = LogicalPlanBuilder::empty(true);
                let x = self.sql_expr(e, &mut scratch)?;
                match quiver_engine::optimizer::simplify_expr(x).data.unalias() {
                    Expr::Literal(v) if v.is_null() => Ok(None),
                    Expr::Literal(v) => match v.as_i64() {
                        Some(n) if n >= 0 => Ok(Some(n as usize)),
                        _ => Err(Error::Plan(format!(
                            "{what} must be a non-negative integer, got {v}"
                        ))),
                    },
                    other => Err(Error::Plan(format!(
                        "{what} must be a constant, got `{other}`"
                    ))),
                }
            };
            let fetch = match &limit {
                Some(l) => num(l, "LIMIT")?,
                None => None,
            };
            let skip = match &offset {
                Some(o) => num(o, "OFFSET")?.unwrap_or(0),
                None => 0,
            };
            plan = plan.limit(skip, fetch);
        }
        Ok(plan)
    }

    fn rename_columns(
        &self,
        plan: LogicalPlanBuilder,
        alias: &ast::TableAlias,
    ) -> Result<LogicalPlanBuilder> {
        if alias.columns.is_empty() {
            return Ok(plan);
        }
        let schema = plan.schema().clone();
        let exprs = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| match alias.columns.get(i) {
                Some(c) => builder_column_of(f).alias(c.name.value.clone()),
                None => builder_column_of(f),
            })
            .collect();
        plan.project(exprs)
    }

    fn plan_set_expr(&self, body: &SetExpr) -> Result<LogicalPlanBuilder> {
        match body {
            SetExpr::Select(s) => self.plan_select(s, None),
            SetExpr::Query(q) => self.plan_query(q, None),
            SetExpr::Values(v) => {
                let mut scratch = LogicalPlanBuilder::empty(true);
                let rows = v
                    .rows
                    .iter()
                    .map(|r| {
                        r.content
                            .iter()
                            .map(|e| self.sql_expr(e, &mut scratch))
                            .collect::<Result<Vec<_>>>()
                    })
                    .collect::<Result<Vec<_>>>()?;
                LogicalPlanBuilder::values(rows, None)
            }
            SetExpr::SetOperation {
                op,
                set_quantifier,
                left,
                right,
            } => {
                let l = self.plan_set_expr(left)?;
                let mut r = self.plan_set_expr(right)?;
                let by_name = matches!(
                    set_quantifier,
                    SetQuantifier::ByName
                        | SetQuantifier::AllByName
                        | SetQuantifier::DistinctByName
                );
                let all = matches!(
                    set_quantifier,
                    SetQuantifier::All | SetQuantifier::AllByName
                );
                if by_name {
                    r = self.align_by_name(&l, r)?;
                }
                match op {
                    SetOperator::Union => {
                        let u = l.union(r.build())?;
                        Ok(if all { u } else { u.distinct() })
                    }
                    SetOperator::Intersect | SetOperator::Except | SetOperator::Minus => {
                        if all {
                            return Err(Error::NotSupported(format!("{op} ALL")));
                        }
                        let (ls, rs) = (l.schema().clone(), r.schema().clone());
                        if ls.len() != rs.len() {
                            return Err(Error::Plan(format!(
                                "{op} inputs must have the same number of columns: {} and {}",
                                ls.len(),
                                rs.len()
                            )));
                        }
                        let right = r.alias(&self.fresh_name("setop"))?;
                        let rs = right.schema().clone();
                        let on = (0..ls.len())
                            .map(|i| {
                                (
                                    builder_column_of(ls.field(i)),
                                    builder_column_of(rs.field(i)),
                                )
                            })
                            .collect();
                        let jt = if *op == SetOperator::Intersect {
                            JoinType::LeftSemi
                        } else {
                            JoinType::LeftAnti
                        };
                        Ok(l.distinct()
                            .join_detailed(right.build(), jt, on, None, true)?)
                    }
                }
            }
            SetExpr::Table(t) => {
                let name = t
                    .table_name
                    .clone()
                    .ok_or_else(|| Error::Plan("TABLE needs a table name".into()))?;
                Ok(self.named_relation(&ast::ObjectName::from(vec![name]))?.0)
            }
            other => Err(Error::NotSupported(format!("the query form `{other}`"))),
        }
    }

    fn align_by_name(
        &self,
        l: &LogicalPlanBuilder,
        r: LogicalPlanBuilder,
    ) -> Result<LogicalPlanBuilder> {
        let rs = r.schema().clone();
        let mut exprs = vec![];
        for f in l.schema().fields() {
            match rs
                .fields()
                .iter()
                .find(|x| x.name().eq_ignore_ascii_case(f.name()))
            {
                Some(x) => exprs.push(builder_column_of(x).alias(f.name())),
                None => exprs.push(
                    Expr::Literal(quiver_engine::types::ScalarValue::null(f.data_type()))
                        .alias(f.name()),
                ),
            }
        }
        r.project(exprs)
    }

    /// ORDER BY over a set operation's output: names and ordinals only.
    fn order_by_output(
        &self,
        plan: LogicalPlanBuilder,
        o: &ast::OrderBy,
    ) -> Result<LogicalPlanBuilder> {
        let schema = plan.schema().clone();
        let keys = match &o.kind {
            OrderByKind::All(opts) => (0..schema.len())
                .map(|i| SortExpr {
                    expr: builder_column_of(schema.field(i)),
                    descending: matches!(opts.sort, Some(ast::OrderBySort::Desc)),
                    nulls_first: opts.nulls_first.unwrap_or(false),
                })
                .collect(),
            OrderByKind::Expressions(items) => {
                let mut keys = vec![];
                for k in items {
                    let expr = match literal_usize(&k.expr) {
                        Some(n) if n >= 1 && n <= schema.len() => {
                            builder_column_of(schema.field(n - 1))
                        }
                        Some(n) => {
                            return Err(Error::Plan(format!(
                                "ORDER BY position {n} is not in the select list (1 to {})",
                                schema.len()
                            )))
                        }
                        None => {
                            let mut scratch = LogicalPlanBuilder::empty(true);
                            self.sql_expr(&k.expr, &mut scratch)?
                        }
                    };
                    keys.push(SortExpr {
                        expr,
                        descending: matches!(k.options.sort, Some(ast::OrderBySort::Desc)),
                        nulls_first: k.options.nulls_first.unwrap_or(false),
                    });
                }
                keys
            }
        };
        plan.sort(keys)
    }

    /// SELECT with its ORDER BY (which may use input columns not selected).
    pub(super) fn plan_select(
        &self,
        select: &Select,
        order_by: Option<&ast::OrderBy>,
    ) -> Result<LogicalPlanBuilder> {
        // DuckDB's `FROM t` without SELECT is `SELECT * FROM t`.
        let star;
        let select = if select.flavor == ast::SelectFlavor::FromFirstNoSelect
            && select.projection.is_empty()
        {
            star = Select {
                projection: vec![SelectItem::Wildcard(Default::default())],
                ..select.clone()
            };
            &star
        } else {
            select
        };
        let input = self.plan_from_ordered(&select.from, select.selection.as_ref())?;
        let input = match &select.selection {
            Some(w) => self.plan_where(input, w)?,
            None => input,
        };
        self.plan_select_body(select, input, order_by, &[])
    }

    /// The select list items, as expressions with their output names.
    fn select_items(
        &self,
        select: &Select,
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Vec<(Expr, String)>> {
        let mut out = vec![];
        let input_schema = plan.schema().clone();
        for item in &select.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let x = self.sql_expr(e, plan)?;
                    let name = match e {
                        SqlExpr::Identifier(i) => i.value.clone(),
                        SqlExpr::CompoundIdentifier(p) => {
                            p.last().map(|i| i.value.clone()).unwrap_or_default()
                        }
                        _ => x.output_name(),
                    };
                    out.push((x, name));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    out.push((self.sql_expr(expr, plan)?, alias.value.clone()))
                }
                SelectItem::Wildcard(opts) | SelectItem::QualifiedWildcard(_, opts) => {
                    let qualifier = match item {
                        SelectItem::QualifiedWildcard(
                            ast::SelectItemQualifiedWildcardKind::ObjectName(n),
                            _,
                        ) => {
                            n.0.last()
                                .and_then(|p| p.as_ident())
                                .map(|i| i.value.clone())
                        }
                        _ => None,
                    };
                    let excluded: Vec<String> = match &opts.opt_exclude {
                        Some(ast::ExcludeSelectItem::Single(i)) => {
                            vec![i.to_string().to_lowercase()]
                        }
                        Some(ast::ExcludeSelectItem::Multiple(v)) => {
                            v.iter().map(|i| i.to_string().to_lowercase()).collect()
                        }
                        None => vec![],
                    };
                    let mut replaced: Vec<(String, Expr)> = vec![];
                    if let Some(r) = &opts.opt_replace {
                        for el in &r.items {
                            replaced.push((
                                el.column_name.value.to_lowercase(),
                                self.sql_expr(&el.expr, plan)?,
                            ));
                        }
                    }
                    let mut any = false;
                    for f in input_schema.fields() {
                        if qualifier.as_deref().is_some_and(|q| {
                            !f.qualifier().is_some_and(|fq| fq.eq_ignore_ascii_case(q))
                        }) {
                            continue;
                        }
                        if f.name().starts_with("__") {
                            continue;
                        }
                        any = true;
                        let lower = f.name().to_lowercase();
                        if excluded.contains(&lower) {
                            continue;
                        }
                        match replaced.iter().find(|(n, _)| *n == lower) {
                            Some((_, e)) => out.push((e.clone(), f.name().to_string())),
                            None => out.push((builder_column_of(f), f.name().to_string())),
                        }
                    }
                    if !any {
                        if let Some(q) = qualifier {
                            return Err(Error::TableNotFound(format!(
                                "`{q}.*`: no table `{q}` in the FROM clause"
                            )));
                        }
                    }
                }
                other => return Err(Error::NotSupported(format!("the select item `{other}`"))),
            }
        }
        Ok(out)
    }

    /// SELECT over an input that already has FROM and WHERE applied. `extra_keys` are
    /// correlation keys of a decorrelated subquery: grouped by and output under the given
    /// names.
    pub(super) fn plan_select_body(
        &self,
        select: &Select,
        input: LogicalPlanBuilder,
        order_by: Option<&ast::OrderBy>,
        extra_keys: &[(Expr, String)],
    ) -> Result<LogicalPlanBuilder> {
        let mut windows = HashMap::new();
        for w in &select.named_window {
            if let ast::NamedWindowExpr::WindowSpec(spec) = &w.1 {
                windows.insert(w.0.value.to_lowercase(), spec.clone());
            }
        }
        self.windows.borrow_mut().push(windows);
        let r = self.plan_select_inner(select, input, order_by, extra_keys);
        self.windows.borrow_mut().pop();
        r
    }

    /// `SELECT unnest(list) ...`: the list is computed below, expanded by an Unnest node,
    /// and the select item reads the element column.
    fn unnest_items(
        &self,
        select: &Select,
        input: LogicalPlanBuilder,
    ) -> Result<(Select, LogicalPlanBuilder)> {
        let is_unnest = |e: &SqlExpr| matches!(e, SqlExpr::Function(f) if f.name.to_string().eq_ignore_ascii_case("unnest"));
        let found: Vec<usize> = select
            .projection
            .iter()
            .enumerate()
            .filter(|(_, item)| match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    is_unnest(e)
                }
                _ => false,
            })
            .map(|(i, _)| i)
            .collect();
        if found.is_empty() {
            return Ok((select.clone(), input));
        }
        if found.len() > 1 {
            return Err(Error::NotSupported(
                "more than one unnest in a select list".into(),
            ));
        }
        let mut select = select.clone();
        let i = found[0];
        let (call, alias) = match &select.projection[i] {
            SelectItem::UnnamedExpr(e) => (e.clone(), e.to_string()),
            SelectItem::ExprWithAlias { expr, alias } => (expr.clone(), alias.value.clone()),
            _ => unreachable!("found only matches expressions"),
        };
        let SqlExpr::Function(f) = &call else {
            unreachable!("is_unnest matched a function")
        };
        let arg = match &f.args {
            ast::FunctionArguments::List(l) if l.args.len() == 1 => match &l.args[0] {
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => e.clone(),
                other => return Err(Error::NotSupported(format!("unnest({other})"))),
            },
            _ => return Err(Error::Plan("unnest takes one list argument".into())),
        };
        let mut plan = input;
        let list = self.sql_expr(&arg, &mut plan)?;
        let schema = plan.schema().clone();
        let mut exprs: Vec<Expr> = schema.fields().iter().map(builder_column_of).collect();
        exprs.push(list.alias("__unnest"));
        let plan = plan.project(exprs)?.unnest("__unnest")?;
        select.projection[i] = SelectItem::ExprWithAlias {
            expr: SqlExpr::Identifier(ast::Ident::new("__unnest")),
            alias: ast::Ident::new(alias),
        };
        Ok((select, plan))
    }

    /// One GROUP BY key: a select-list position, a select alias, or an expression.
    fn group_key(
        &self,
        g: &SqlExpr,
        items: &[(Expr, String)],
        input_schema: &QSchema,
        scratch: &mut LogicalPlanBuilder,
    ) -> Result<Expr> {
        Ok(match literal_usize(g) {
            Some(n) if n >= 1 && n <= items.len() => items[n - 1].0.clone(),
            Some(n) => {
                return Err(Error::Plan(format!(
                    "GROUP BY position {n} is not in the select list (1 to {})",
                    items.len()
                )))
            }
            None => {
                let e = self.sql_expr(g, scratch)?;
                // A bare name that is a select alias and not an input column.
                match (&e, g) {
                    (Expr::Column(c), SqlExpr::Identifier(_)) if !resolves(&e, input_schema) => {
                        match items.iter().find(|(_, n)| n.eq_ignore_ascii_case(&c.name)) {
                            Some((x, _)) => x.clone(),
                            None => e,
                        }
                    }
                    _ => e,
                }
            }
        })
    }

    fn plan_select_inner(
        &self,
        select: &Select,
        input: LogicalPlanBuilder,
        order_by: Option<&ast::OrderBy>,
        extra_keys: &[(Expr, String)],
    ) -> Result<LogicalPlanBuilder> {
        let (select, input) = self.unnest_items(select, input)?;
        let select = &select;
        let input_schema = input.schema().clone();
        // Pass 1 (on a scratch copy): what the query aggregates.
        let mut scratch = input.clone();
        let items = self.select_items(select, &mut scratch)?;
        let having = select
            .having
            .as_ref()
            .map(|h| self.sql_expr(h, &mut scratch))
            .transpose()?;
        let order_items: Vec<ast::OrderByExpr> = match order_by.map(|o| &o.kind) {
            Some(OrderByKind::Expressions(v)) => v.clone(),
            _ => vec![],
        };
        let mut order_exprs = vec![];
        for k in &order_items {
            if literal_usize(&k.expr).is_none() {
                if let Ok(e) = self.sql_expr(&k.expr, &mut scratch) {
                    order_exprs.push(e);
                }
            }
        }
        let mut calls = vec![];
        for (e, _) in &items {
            aggregates_in(e, &mut calls);
        }
        if let Some(h) = &having {
            aggregates_in(h, &mut calls);
        }
        for e in &order_exprs {
            // ORDER BY may name a select alias that the input does not have; only
            // aggregates it spells out count here.
            aggregates_in(e, &mut calls);
        }
        // GROUPING() calls: constants per grouping set.
        let mut grouping_calls = vec![];
        for e in items
            .iter()
            .map(|(e, _)| e)
            .chain(&having)
            .chain(&order_exprs)
        {
            grouping_calls_in(e, &mut grouping_calls);
        }
        // GROUP BY keys, and the grouping sets as positions among them.
        let mut group_exprs: Vec<Expr> = vec![];
        let mut sets: Option<Vec<Vec<usize>>> = None;
        match &select.group_by {
            GroupByExpr::All(_) => {
                for (e, _) in &items {
                    if !e.contains_aggregate() && !e.contains_window() && !e.is_constant() {
                        group_exprs.push(e.clone());
                    }
                }
            }
            GroupByExpr::Expressions(exprs, modifiers) => {
                let mut key_of = |g: &SqlExpr| -> Result<usize> {
                    let e = self.group_key(g, &items, &input_schema, &mut scratch)?;
                    Ok(match group_exprs.iter().position(|x| *x == e) {
                        Some(i) => i,
                        None => {
                            group_exprs.push(e);
                            group_exprs.len() - 1
                        }
                    })
                };
                match expand_grouping_sets(exprs, modifiers)? {
                    None => {
                        for g in exprs {
                            // `GROUP BY ()` is a global aggregate.
                            if !matches!(g, SqlExpr::Tuple(v) if v.is_empty()) {
                                key_of(g)?;
                            }
                        }
                    }
                    Some(expanded) => {
                        let mut positions = vec![];
                        for set in &expanded {
                            let mut p = vec![];
                            for g in set {
                                let i = key_of(g)?;
                                if !p.contains(&i) {
                                    p.push(i);
                                }
                            }
                            positions.push(p);
                        }
                        sets = Some(positions);
                    }
                }
            }
        }
        if !grouping_calls.is_empty() && sets.is_none() {
            if group_exprs.is_empty() {
                return Err(Error::Plan(
                    "GROUPING statement cannot be used without groups".into(),
                ));
            }
            // A plain GROUP BY is the one grouping set of all its keys.
            sets = Some(vec![(0..group_exprs.len()).collect()]);
        }
        let aggregating = !calls.is_empty() || !group_exprs.is_empty() || !extra_keys.is_empty();
        let mut plan = input;
        let mut replacements: Vec<(Expr, Expr)> = vec![];
        if let (true, Some(sets)) = (aggregating, &sets) {
            // Correlation keys are grouped by in every set.
            let mut keys = group_exprs.clone();
            keys.extend(extra_keys.iter().map(|(e, _)| e.clone()));
            let sets: Vec<Vec<usize>> = sets
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    s.extend(group_exprs.len()..keys.len());
                    s
                })
                .collect();
            let (p, r) = aggregate_grouping_sets(plan, &keys, &sets, &calls, &grouping_calls)?;
            plan = p;
            replacements = r;
        } else if aggregating {
            let mut keys = group_exprs.clone();
            keys.extend(extra_keys.iter().map(|(e, _)| e.clone()));
            let named: Vec<Expr> = calls
                .iter()
                .map(|c| c.clone().alias(c.to_string()))
                .collect();
            plan = plan.aggregate(keys.clone(), named)?;
            let out = plan.schema().clone();
            for (i, g) in keys.iter().enumerate() {
                if !matches!(g, Expr::Column(_)) {
                    replacements.push((g.clone(), builder_column_of(out.field(i))));
                }
            }
            for c in &calls {
                replacements.push((c.clone(), col(&c.to_string())));
            }
        }
        // Pass 2: the select list, HAVING and ORDER BY over the (aggregated) plan.
        let rewrite = |e: Expr| -> Expr {
            if replacements.is_empty() {
                e
            } else {
                e.replace_exprs(&replacements)
            }
        };
        let check_grouped = |e: &Expr, schema: &QSchema| -> Result<()> {
            if !aggregating {
                return Ok(());
            }
            for c in e.columns() {
                if !matches!(schema.find(c.relation.as_deref(), &c.name), Ok(Some(_)))
                    && matches!(
                        input_schema.find(c.relation.as_deref(), &c.name),
                        Ok(Some(_))
                    )
                {
                    return Err(Error::Plan(format!(
                        "column `{}` must appear in the GROUP BY clause or be used in an aggregate function",
                        c.flat_name()
                    )));
                }
            }
            Ok(())
        };
        let mut items2 = self.select_items_over(select, &mut plan, &items, aggregating)?;
        for (e, _) in items2.iter_mut() {
            *e = rewrite(e.clone());
        }
        if let Some(h) = &select.having {
            let mut h = self.sql_expr(h, &mut plan)?;
            h = rewrite(h);
            check_grouped(&h, plan.schema())?;
            plan = plan.filter(h)?;
        }
        let agg_schema = plan.schema().clone();
        for (e, _) in &items2 {
            check_grouped(e, &agg_schema)?;
        }
        // Output columns, plus hidden ones for ORDER BY and QUALIFY.
        // A plain column keeps its qualifier (no alias), so `x.id, y.id` stay apart.
        let mut exprs: Vec<Expr> = items2
            .iter()
            .map(|(e, n)| match e {
                Expr::Column(c) if c.name == *n => e.clone(),
                _ => e.clone().alias(n.clone()),
            })
            .collect();
        for (k, n) in extra_keys.iter().map(|(e, n)| (rewrite(e.clone()), n)) {
            exprs.push(k.alias(n.clone()));
        }
        let visible = exprs.len();
        let qualify = match &select.qualify {
            Some(q) => {
                let e = rewrite(self.sql_expr(q, &mut plan)?);
                exprs.push(e.alias("__qualify"));
                true
            }
            None => false,
        };
        // Sort keys by position in the projection (names may repeat: `x.id, y.id`).
        let mut sort_positions: Vec<(usize, bool, bool)> = vec![];
        if let Some(o) = order_by {
            match &o.kind {
                OrderByKind::All(opts) => {
                    for i in 0..items2.len() {
                        sort_positions.push((
                            i,
                            matches!(opts.sort, Some(ast::OrderBySort::Desc)),
                            opts.nulls_first.unwrap_or(false),
                        ));
                    }
                }
                OrderByKind::Expressions(keys) => {
                    for k in keys {
                        let descending = matches!(k.options.sort, Some(ast::OrderBySort::Desc));
                        let nulls_first = k.options.nulls_first.unwrap_or(false);
                        let target = match literal_usize(&k.expr) {
                            Some(n) if n >= 1 && n <= items2.len() => n - 1,
                            Some(n) => {
                                return Err(Error::Plan(format!(
                                    "ORDER BY position {n} is not in the select list (1 to {})",
                                    items2.len()
                                )))
                            }
                            None => {
                                let alias_hit = match &k.expr {
                                    SqlExpr::Identifier(i) => items2
                                        .iter()
                                        .position(|(_, n)| n.eq_ignore_ascii_case(&i.value)),
                                    _ => None,
                                };
                                match alias_hit {
                                    Some(c) => c,
                                    None => {
                                        let e = rewrite(self.sql_expr(&k.expr, &mut plan)?);
                                        match items2.iter().position(|(x, _)| *x == e) {
                                            Some(i) => i,
                                            None => {
                                                if select.distinct.is_some() {
                                                    return Err(Error::Plan(format!(
                                                        "for SELECT DISTINCT, ORDER BY expressions must appear in the select list (`{}`)",
                                                        k.expr
                                                    )));
                                                }
                                                check_grouped(&e, &agg_schema)?;
                                                let name = format!("__order{}", exprs.len());
                                                exprs.push(e.alias(name));
                                                exprs.len() - 1
                                            }
                                        }
                                    }
                                }
                            }
                        };
                        sort_positions.push((target, descending, nulls_first));
                    }
                }
            }
        }
        let mut plan = plan.project(exprs)?;
        let projected = plan.schema().clone();
        let sort_keys: Vec<SortExpr> = sort_positions
            .into_iter()
            .map(|(i, descending, nulls_first)| SortExpr {
                expr: builder_column_of(projected.field(i)),
                descending,
                nulls_first,
            })
            .collect();
        if qualify {
            plan = plan.filter(col("__qualify"))?;
        }
        if let Some(d) = &select.distinct {
            match d {
                ast::Distinct::Distinct => {
                    if plan.schema().len() != visible {
                        let s = plan.schema().clone();
                        plan = plan.project(
                            (0..visible)
                                .map(|i| builder_column_of(s.field(i)))
                                .collect(),
                        )?;
                    }
                    plan = plan.distinct();
                }
                ast::Distinct::On(on) => {
                    let mut scratch2 = plan.clone();
                    let keys = on
                        .iter()
                        .map(|e| self.sql_expr(e, &mut scratch2))
                        .collect::<Result<Vec<_>>>()?;
                    plan = self.distinct_on(plan, keys, &sort_keys)?;
                }
                ast::Distinct::All => {}
            }
        }
        if !sort_keys.is_empty() {
            plan = plan.sort(sort_keys)?;
        }
        if plan.schema().len() != visible {
            let s = plan.schema().clone();
            plan = plan.project(
                (0..visible)
                    .map(|i| builder_column_of(s.field(i)))
                    .collect(),
            )?;
        }
        Ok(plan)
    }

    /// The select list converted over the plan that will compute it (after aggregation,
    /// subqueries in the list join onto that plan).
    fn select_items_over(
        &self,
        select: &Select,
        plan: &mut LogicalPlanBuilder,
        pass1: &[(Expr, String)],
        aggregating: bool,
    ) -> Result<Vec<(Expr, String)>> {
        if !aggregating {
            // Without aggregation the input is unchanged; convert again so subqueries join
            // onto the real plan.
            return self.select_items(select, plan);
        }
        // Wildcards over an aggregation expand to the input columns (DuckDB errors unless
        // they are grouped); keep pass 1's expansion and convert the rest again.
        let has_subquery = select
            .projection
            .iter()
            .any(|i| i.to_string().to_lowercase().contains("select"));
        if has_subquery {
            return self.select_items(select, plan);
        }
        Ok(pass1.to_vec())
    }

    /// `SELECT DISTINCT ON (keys) ...`: the first row of each key group in ORDER BY order.
    fn distinct_on(
        &self,
        plan: LogicalPlanBuilder,
        keys: Vec<Expr>,
        order: &[SortExpr],
    ) -> Result<LogicalPlanBuilder> {
        let schema = plan.schema().clone();
        let rn = quiver_engine::expr::Expr::Window(Box::new(quiver_engine::expr::WindowCall {
            func: "row_number".into(),
            args: vec![],
            partition_by: keys,
            order_by: order.to_vec(),
            frame: None,
            distinct: false,
            ignore_nulls: false,
        }));
        let mut exprs: Vec<Expr> = schema.fields().iter().map(builder_column_of).collect();
        exprs.push(rn.alias("__rn"));
        let plan = plan
            .project(exprs)?
            .filter(col("__rn").eq(quiver_engine::expr::lit(1i64)))?;
        let s = plan.schema().clone();
        plan.project(
            (0..schema.len())
                .map(|i| builder_column_of(s.field(i)))
                .collect(),
        )
    }

    fn references_self(&self, q: &ast::Query, name: &str) -> bool {
        q.to_string()
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == name)
    }

    /// `WITH RECURSIVE t AS (base UNION [ALL] step)`: iterate the step over the rows the
    /// previous iteration produced until it produces none.
    fn recursive_cte(&self, cte: &ast::Cte) -> Result<Arc<quiver_engine::logical::LogicalPlan>> {
        let name = cte.alias.name.value.clone();
        let SetExpr::SetOperation {
            op: SetOperator::Union,
            set_quantifier,
            left,
            right,
        } = cte.query.body.as_ref()
        else {
            return Err(Error::Plan(format!(
                "recursive CTE `{name}` must be `base UNION [ALL] step`"
            )));
        };
        let all = matches!(set_quantifier, SetQuantifier::All);
        let base = self.rename_columns(self.plan_set_expr(left)?, &cte.alias)?;
        let schema = base.schema().to_arrow();
        let session = self.ctx.session();
        let mut all_rows = session.execute(base.build())?;
        let mut frontier = all_rows.clone();
        for _ in 0..10_000 {
            if frontier.iter().all(|b| b.num_rows() == 0) {
                break;
            }
            let source = Arc::new(quiver_engine::io::MemoryTable::try_new(
                schema.clone(),
                frontier.clone(),
            )?);
            let frontier_plan =
                LogicalPlanBuilder::scan(name.clone(), Some(&name), source)?.build();
            self.ctes
                .borrow_mut()
                .push(HashMap::from([(name.to_lowercase(), frontier_plan)]));
            let step = self.plan_set_expr(right);
            self.ctes.borrow_mut().pop();
            let step = step?;
            let s = step.schema().clone();
            let step = step.project(
                (0..s.len())
                    .map(|i| {
                        builder_column_of(s.field(i))
                            .cast(schema.field(i).data_type().clone())
                            .alias(schema.field(i).name())
                    })
                    .collect(),
            )?;
            let mut new_rows = session.execute(step.build())?;
            new_rows.retain(|b| b.num_rows() > 0);
            if !all {
                // UNION: keep only rows not seen before.
                let seen = Arc::new(quiver_engine::io::MemoryTable::try_new(
                    schema.clone(),
                    all_rows.clone(),
                )?);
                let fresh = Arc::new(quiver_engine::io::MemoryTable::try_new(
                    schema.clone(),
                    new_rows,
                )?);
                let l = LogicalPlanBuilder::scan("__new", Some("__new"), fresh)?.distinct();
                let r = LogicalPlanBuilder::scan("__seen", Some("__seen"), seen)?.build();
                let ls = l.schema().clone();
                let rs = r.schema().clone();
                let on = (0..ls.len())
                    .map(|i| {
                        (
                            builder_column_of(ls.field(i)),
                            builder_column_of(rs.field(i)),
                        )
                    })
                    .collect();
                let anti = l
                    .join_detailed(r, JoinType::LeftAnti, on, None, true)?
                    .build();
                new_rows = session.execute(anti)?;
                new_rows = new_rows
                    .into_iter()
                    .map(|b| {
                        arrow::record_batch::RecordBatch::try_new(
                            schema.clone(),
                            b.columns().to_vec(),
                        )
                        .map_err(Into::into)
                    })
                    .collect::<Result<_>>()?;
            }
            new_rows.retain(|b| b.num_rows() > 0);
            all_rows.extend(new_rows.iter().cloned());
            frontier = new_rows;
        }
        let source = Arc::new(quiver_engine::io::MemoryTable::try_new(schema, all_rows)?);
        Ok(LogicalPlanBuilder::scan(name.clone(), Some(&name), source)?.build())
    }
}
