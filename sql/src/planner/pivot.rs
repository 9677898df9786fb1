//! Planning PIVOT and UNPIVOT (parsed by [`super::pivot_syntax`]) with DuckDB's semantics.
//!
//! PIVOT is one aggregation: grouped by the GROUP BY columns (or, without them, by every
//! column the ON expressions and aggregates do not use), with one aggregate per pivot
//! value and aggregate, restricted by `FILTER (WHERE on IS NOT DISTINCT FROM value)`.
//! The pivot values come from the IN lists, the IN subqueries, or, for the statement
//! form without IN, from a query for the distinct values run while planning (as DuckDB
//! does); several ON entries pivot on every combination of their values.
//!
//! UNPIVOT turns each row into one row per unpivoted column (or tuple of columns): the
//! kept columns plus a list of `{name, values..}` structs, unnested, then the struct
//! fields as the name and value columns; rows whose values are NULL are dropped unless
//! INCLUDE NULLS.

use std::collections::HashMap;

use quiver_engine::expr::{builders::call, col, lit, AggregateCall, Expr, Operator};
use quiver_engine::logical::{builder_column_of, LogicalPlanBuilder};
use quiver_engine::types::{is_string, union_type, ScalarValue};
use quiver_engine::{Error, Result};
use sqlparser::ast::{self, Expr as SqlExpr, FunctionArg, FunctionArgExpr, SelectItem};

use super::pivot_syntax::{
    carried_text, parse_pivot_body, parse_pivot_statement, parse_unpivot_body,
    parse_unpivot_statement, PivotSpec, PivotValues, UnpivotSpec, PIVOT_CARRIER, UNPIVOT_CARRIER,
};
use super::query::aggregates_in;
use super::relation::resolves;
use super::SqlPlanner;

/// Whether the SQL text of `e` contains a subquery.
pub(super) fn has_subquery(e: &SqlExpr) -> bool {
    let s = e.to_string().to_ascii_lowercase();
    s.contains("(select ") || s.contains("(from ") || s.contains("(with ")
}

/// A pivot value as a column name part: strings unquoted, NULL as `NULL`.
fn value_name(v: &ScalarValue) -> String {
    v.to_display_string()
}

/// An aggregate expression's text as DuckDB shows it: keywords and unusual names among
/// its columns are double-quoted (`sum("range")`).
fn display_name(x: &Expr) -> String {
    let quoted = x.clone().transform_up(&mut |e| {
        Ok::<_, std::convert::Infallible>(match e {
            Expr::Column(c) if needs_quotes(&c.name) => {
                quiver_engine::expr::Transformed::yes(Expr::Column(quiver_engine::expr::Column {
                    name: format!("\"{}\"", c.name.replace('"', "\"\"")),
                    ..c
                }))
            }
            other => quiver_engine::expr::Transformed::no(other),
        })
    });
    match quoted {
        Ok(t) => t.data.to_string(),
        Err(never) => match never {},
    }
}

/// Whether an identifier must be quoted to read back as itself.
fn needs_quotes(name: &str) -> bool {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    !plain
        || sqlparser::keywords::ALL_KEYWORDS
            .binary_search(&name.to_ascii_uppercase().as_str())
            .is_ok()
}

/// One pivot value of an ON entry: the condition selecting its rows and its name.
struct PivotValue {
    condition: Expr,
    name: String,
}

/// Makes `name` unique among `seen` by appending `_1`, `_2`, .. as DuckDB does.
fn unique_name(name: String, seen: &mut HashMap<String, usize>) -> String {
    let mut candidate = name.clone();
    while let Some(n) = seen.get_mut(&candidate.to_lowercase()) {
        *n += 1;
        candidate = format!("{name}_{}", *n - 1);
    }
    seen.insert(candidate.to_lowercase(), 1);
    candidate
}

impl SqlPlanner<'_> {
    /// `__quiver_pivot('..')` / `__quiver_unpivot('..')` in FROM: a PIVOT or UNPIVOT
    /// statement, or `None` if `name` is not a carrier.
    pub(super) fn pivot_statement(
        &self,
        name: &str,
        args: &[FunctionArg],
    ) -> Option<Result<LogicalPlanBuilder>> {
        let is_pivot = name.eq_ignore_ascii_case(PIVOT_CARRIER);
        if !is_pivot && !name.eq_ignore_ascii_case(UNPIVOT_CARRIER) {
            return None;
        }
        let text = match args {
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(SqlExpr::Value(v)))] => match &v.value {
                ast::Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(text) = text else {
            return Some(Err(Error::Plan(format!(
                "`{name}` takes the text of a PIVOT or UNPIVOT statement"
            ))));
        };
        Some(if is_pivot {
            parse_pivot_statement(&text).and_then(|spec| {
                let source = spec
                    .source
                    .clone()
                    .ok_or_else(|| Error::Internal("a PIVOT statement without a source".into()))?;
                let input = self.plan_table_factor(&source)?;
                self.plan_pivot(input, &spec)
            })
        } else {
            parse_unpivot_statement(&text).and_then(|spec| {
                let source = spec.source.clone().ok_or_else(|| {
                    Error::Internal("an UNPIVOT statement without a source".into())
                })?;
                let input = self.plan_table_factor(&source)?;
                self.plan_unpivot(input, &spec)
            })
        })
    }

    /// `src PIVOT (..)` in FROM.
    pub(super) fn pivot_from_item(
        &self,
        table: &ast::TableFactor,
        aggregate_functions: &[ast::ExprWithAlias],
        alias: Option<&ast::TableAlias>,
    ) -> Result<LogicalPlanBuilder> {
        let text = match aggregate_functions {
            [a] => carried_text(&a.expr, PIVOT_CARRIER),
            _ => None,
        }
        .ok_or_else(|| Error::NotSupported("this form of PIVOT".into()))?;
        let spec = parse_pivot_body(&text)?;
        let input = self.plan_table_factor(table)?;
        let plan = self.plan_pivot(input, &spec)?;
        self.apply_alias(plan, alias, None)
    }

    /// `src UNPIVOT [INCLUDE | EXCLUDE NULLS] (..)` in FROM.
    pub(super) fn unpivot_from_item(
        &self,
        table: &ast::TableFactor,
        value: &SqlExpr,
        include_nulls: bool,
        alias: Option<&ast::TableAlias>,
    ) -> Result<LogicalPlanBuilder> {
        let text = carried_text(value, UNPIVOT_CARRIER)
            .ok_or_else(|| Error::NotSupported("this form of UNPIVOT".into()))?;
        let spec = parse_unpivot_body(&text, include_nulls)?;
        let input = self.plan_table_factor(table)?;
        let plan = self.plan_unpivot(input, &spec)?;
        self.apply_alias(plan, alias, None)
    }

    /// The aggregation that pivots `input`.
    fn plan_pivot(
        &self,
        input: LogicalPlanBuilder,
        spec: &PivotSpec,
    ) -> Result<LogicalPlanBuilder> {
        let schema = input.schema().clone();
        // The aggregates: (expression, its one aggregate call, name part).
        let mut aggregates: Vec<(Expr, Expr, Option<String>)> = vec![];
        for (e, alias) in &spec.aggregates {
            if has_subquery(e) {
                return Err(Error::Plan(
                    "PIVOT expression cannot contain subqueries".into(),
                ));
            }
            let mut scratch = input.clone();
            let x = self.sql_expr(e, &mut scratch)?;
            if x.contains_window() {
                return Err(Error::Plan(
                    "PIVOT expression cannot contain window functions".into(),
                ));
            }
            let mut calls = vec![];
            aggregates_in(&x, &mut calls);
            if calls.len() != 1 {
                return Err(Error::Plan(format!(
                    "Pivot expression must contain exactly one aggregate, `{e}` has {}",
                    calls.len()
                )));
            }
            let outside = x.clone().replace_exprs(&[(calls[0].clone(), lit(0i64))]);
            if !outside.columns().is_empty() {
                return Err(Error::Plan(format!(
                    "Columns can only be referenced within the aggregate of a PIVOT expression (`{e}`)"
                )));
            }
            aggregates.push((x, calls[0].clone(), alias.as_ref().map(|a| a.value.clone())));
        }
        if aggregates.is_empty() && !spec.on.is_empty() {
            // Without USING, DuckDB counts the rows: count(*).
            let count = Expr::Aggregate(AggregateCall {
                func: "count_star".into(),
                args: vec![],
                distinct: false,
                filter: None,
                order_by: vec![],
            });
            aggregates.push((count.clone(), count, None));
        }
        // The ON entries and their values.
        let mut entries: Vec<(Expr, Vec<PivotValue>)> = vec![];
        for on in &spec.on {
            entries.push(self.pivot_entry(&input, on)?);
        }
        // GROUP BY columns: given, or every column nothing else uses.
        let group_by: Vec<Expr> = match &spec.group_by {
            Some(g) => {
                let mut scratch = input.clone();
                g.iter()
                    .map(|e| self.sql_expr(e, &mut scratch))
                    .collect::<Result<_>>()?
            }
            None => {
                let mut used = vec![];
                for x in entries
                    .iter()
                    .map(|(e, _)| e)
                    .chain(aggregates.iter().map(|(x, _, _)| x))
                {
                    for c in x.columns() {
                        if let Ok(Some(i)) = schema.find(c.relation.as_deref(), &c.name) {
                            used.push(i);
                        }
                    }
                }
                schema
                    .fields()
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| !used.contains(i) && !f.name().starts_with("__"))
                    .map(|(_, f)| builder_column_of(f))
                    .collect()
            }
        };
        for g in &group_by {
            if !resolves(g, &schema) {
                // Let the schema report the unknown column.
                for c in g.columns() {
                    schema.index_of(c.relation.as_deref(), &c.name)?;
                }
            }
        }
        // Every combination of the entries' values, the first entry varying slowest.
        let mut combos: Vec<(Option<Expr>, Vec<String>)> = vec![(None, vec![])];
        for (_, values) in &entries {
            let mut next = Vec::with_capacity(combos.len() * values.len());
            for (cond, names) in &combos {
                for v in values {
                    let c = match cond {
                        None => v.condition.clone(),
                        Some(c) => c.clone().and(v.condition.clone()),
                    };
                    let mut n = names.clone();
                    n.push(v.name.clone());
                    next.push((Some(c), n));
                }
            }
            combos = next;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for g in &group_by {
            seen.insert(g.output_name().to_lowercase(), 1);
        }
        let mut outputs = vec![];
        for (cond, names) in &combos {
            let prefix = names.join("_");
            for (x, call, alias) in &aggregates {
                let name = match (cond, alias) {
                    (None, Some(a)) => a.clone(),
                    (None, None) => display_name(x),
                    (Some(_), Some(a)) => format!("{prefix}_{a}"),
                    (Some(_), None) if aggregates.len() == 1 => prefix.clone(),
                    (Some(_), None) => format!("{prefix}_{}", display_name(x)),
                };
                let e = match cond {
                    None => x.clone(),
                    Some(c) => x
                        .clone()
                        .replace_exprs(&[(call.clone(), with_filter(call, c.clone()))]),
                };
                outputs.push(e.alias(unique_name(name, &mut seen)));
            }
        }
        input
            .aggregate(group_by, outputs)?
            .alias(&self.fresh_name("pivot"))
    }

    /// One ON entry: its expression (for finding used columns) and its values.
    fn pivot_entry(
        &self,
        input: &LogicalPlanBuilder,
        on: &super::pivot_syntax::PivotOn,
    ) -> Result<(Expr, Vec<PivotValue>)> {
        let schema = input.schema().clone();
        if has_subquery(&on.expr) {
            return Err(Error::Plan("Cannot pivot on subquery".into()));
        }
        let parts: Vec<&SqlExpr> = match &on.expr {
            SqlExpr::Tuple(v) => v.iter().collect(),
            e => vec![e],
        };
        if let PivotValues::List(items) = &on.values {
            for (item, _) in items {
                if let SqlExpr::Tuple(v) = item {
                    if v.len() != parts.len() {
                        return Err(Error::Plan(format!(
                            "PIVOT IN list has an inconsistent amount of rows: `{item}` has {} values, but the FOR clause names {}",
                            v.len(),
                            parts.len()
                        )));
                    }
                }
            }
        }
        let mut scratch = input.clone();
        let mut components = vec![];
        for p in &parts {
            let x = self.sql_expr(p, &mut scratch)?;
            if x.contains_window() {
                return Err(Error::Plan(
                    "PIVOT expression cannot contain window functions".into(),
                ));
            }
            if x.contains_aggregate() {
                return Err(Error::Plan(
                    "PIVOT expression cannot contain aggregates".into(),
                ));
            }
            if x.is_constant() {
                return Err(Error::Plan(format!("Cannot pivot on constant value `{p}`")));
            }
            for c in x.columns() {
                schema.index_of(c.relation.as_deref(), &c.name)?;
            }
            components.push(x);
        }
        // A tuple compared with single values: as text, `(a, b)`, as DuckDB shows rows.
        let as_text = |components: &[Expr]| -> Expr {
            let mut e = lit("(");
            for (i, c) in components.iter().enumerate() {
                if i > 0 {
                    e = call("concat", vec![e, lit(", ")]);
                }
                e = call(
                    "concat",
                    vec![e, c.clone().cast(arrow::datatypes::DataType::Utf8)],
                );
            }
            call("concat", vec![e, lit(")")])
        };
        let whole = if components.len() == 1 {
            components[0].clone()
        } else {
            as_text(&components)
        };
        let types = components
            .iter()
            .map(|c| c.data_type(&schema))
            .collect::<Result<Vec<_>>>()?;
        let whole_type = whole.data_type(&schema)?;
        // (value per component, name); a single value for a tuple compares its text.
        let mut raw: Vec<(Vec<ScalarValue>, String)> = vec![];
        match &on.values {
            PivotValues::List(items) => {
                for (item, alias) in items {
                    let values: Vec<ScalarValue> = match item {
                        SqlExpr::Tuple(v) => v
                            .iter()
                            .map(|x| self.pivot_constant(x))
                            .collect::<Result<_>>()?,
                        other => vec![self.pivot_constant(other)?],
                    };
                    let name = match alias {
                        Some(a) => a.value.clone(),
                        None => values.iter().map(value_name).collect::<Vec<_>>().join("_"),
                    };
                    raw.push((values, name));
                }
            }
            PivotValues::Query(q) => {
                let plan = self.plan_query(q, None)?;
                if plan.schema().len() != 1 {
                    return Err(Error::Plan("The query must return a single column".into()));
                }
                for v in self.column_values(plan)? {
                    if !v.is_null() && !raw.iter().any(|(x, _)| x[0] == v) {
                        let name = value_name(&v);
                        raw.push((vec![v], name));
                    }
                }
            }
            PivotValues::FromData => {
                if self.in_view.get() {
                    let shown = match &on.expr {
                        SqlExpr::Identifier(i) => format!("\"{}\"", i.value),
                        e => e.to_string(),
                    };
                    return Err(Error::Syntax(format!(
                        "PIVOT statements with pivot elements extracted from the data cannot be used in views.\nIn order to use PIVOT in a view the PIVOT values must be manually specified, e.g.:\nPIVOT ... ON {shown} IN (val1, val2, ...)"
                    )));
                }
                let query = input
                    .clone()
                    .project(vec![whole.clone().alias("__pivot_value")])?
                    .filter(col("__pivot_value").is_not_null())?
                    .distinct()
                    .sort(vec![quiver_engine::expr::SortExpr {
                        expr: col("__pivot_value"),
                        descending: false,
                        nulls_first: false,
                    }])?;
                for v in self.column_values(query)? {
                    let name = value_name(&v);
                    raw.push((vec![v], name));
                }
            }
            PivotValues::Enum(name) => {
                return Err(Error::TableNotFound(format!(
                    "Type with name {} does not exist!",
                    name.value
                )))
            }
        }
        let mut values: Vec<PivotValue> = vec![];
        let mut seen: Vec<&Vec<ScalarValue>> = vec![];
        for (vals, name) in &raw {
            if seen.contains(&vals) {
                return Err(Error::Plan(format!(
                    "The value \"{name}\" was specified multiple times in the IN clause"
                )));
            }
            seen.push(vals);
            let targets: Vec<(&Expr, &arrow::datatypes::DataType)> = if vals.len() == 1 {
                vec![(&whole, &whole_type)]
            } else {
                components.iter().zip(types.iter()).collect()
            };
            let mut condition: Option<Expr> = None;
            for ((target, t), v) in targets.into_iter().zip(vals) {
                // A value that does not convert to the column's type matches nothing.
                let c = match v.cast_to(t) {
                    Ok(v) => Expr::BinaryOp {
                        left: Box::new(target.clone()),
                        op: Operator::IsNotDistinctFrom,
                        right: Box::new(Expr::Literal(v)),
                    },
                    Err(_) => lit(false),
                };
                condition = Some(match condition {
                    None => c,
                    Some(x) => x.and(c),
                });
            }
            values.push(PivotValue {
                condition: condition.unwrap_or_else(|| lit(true)),
                name: name.clone(),
            });
        }
        Ok((whole, values))
    }

    /// A constant of a pivot IN list; a bare name stands for its text.
    fn pivot_constant(&self, e: &SqlExpr) -> Result<ScalarValue> {
        match e {
            SqlExpr::Wildcard(_) | SqlExpr::QualifiedWildcard(..) => {
                return Err(Error::Plan("STAR expression is not supported here".into()))
            }
            SqlExpr::Identifier(i) => return Ok(ScalarValue::utf8(&i.value)),
            _ => {}
        }
        let mut scratch = LogicalPlanBuilder::empty(true);
        let x = self.sql_expr(e, &mut scratch)?;
        match quiver_engine::optimizer::simplify_expr(x).data.unalias() {
            Expr::Literal(v) => Ok(v.clone()),
            other => Err(Error::Plan(format!(
                "PIVOT IN list values must be constants, got `{other}`"
            ))),
        }
    }

    /// Runs a one-column plan and returns its values in order.
    fn column_values(&self, plan: LogicalPlanBuilder) -> Result<Vec<ScalarValue>> {
        let batches = self.ctx.session().execute(plan.build())?;
        let mut out = vec![];
        for b in &batches {
            let a = b.column(0);
            for i in 0..b.num_rows() {
                out.push(ScalarValue::from_array_at(a.as_ref(), i));
            }
        }
        Ok(out)
    }

    /// The rows of `input`, one per unpivoted column (or tuple) and input row.
    fn plan_unpivot(
        &self,
        input: LogicalPlanBuilder,
        spec: &UnpivotSpec,
    ) -> Result<LogicalPlanBuilder> {
        let schema = input.schema().clone();
        // Each entry: its expressions (one per value column) and its name.
        let mut entries: Vec<(Vec<Expr>, String)> = vec![];
        let mut used: Vec<usize> = vec![];
        for item in &spec.entries {
            for (parts, alias) in self.unpivot_item(&schema, item)? {
                let mut exprs = vec![];
                let mut names = vec![];
                for p in &parts {
                    let (x, column) = self.unpivot_expr(&input, p)?;
                    used.push(column);
                    names.push(schema.field(column).name().to_string());
                    exprs.push(x);
                }
                entries.push((exprs, alias.unwrap_or_else(|| names.join("_"))));
            }
        }
        let Some(width) = entries.first().map(|(e, _)| e.len()) else {
            return Err(Error::Plan("UNPIVOT needs at least one column".into()));
        };
        for (e, _) in &entries {
            if e.len() != width {
                return Err(Error::Plan(format!(
                    "UNPIVOT value count mismatch - entry has {} values, but expected all entries to have {width} values",
                    e.len()
                )));
            }
        }
        if spec.values.len() != width {
            return Err(Error::Plan(format!(
                "UNPIVOT name count mismatch - got {} names but {width} expressions",
                spec.values.len()
            )));
        }
        // One type per value column; numbers and strings do not mix silently.
        let mut types = vec![];
        for k in 0..width {
            let mut t = arrow::datatypes::DataType::Null;
            for (e, _) in &entries {
                let u = e[k].data_type(&schema)?;
                let mixed = t != arrow::datatypes::DataType::Null
                    && u != arrow::datatypes::DataType::Null
                    && is_string(&t) != is_string(&u);
                t = match union_type(&t, &u) {
                    Some(x) if !mixed => x,
                    _ => {
                        return Err(Error::Plan(format!(
                        "Cannot unpivot columns of types {} and {} - an explicit cast is required",
                        crate::types::duckdb_type_name(&t),
                        crate::types::duckdb_type_name(&u)
                    )))
                    }
                };
            }
            types.push(t);
        }
        let mut kept: Vec<Expr> = schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(i, f)| !used.contains(i) && !f.name().starts_with("__"))
            .map(|(_, f)| builder_column_of(f))
            .collect();
        let structs = entries
            .iter()
            .map(|(exprs, name)| {
                let mut args = vec![lit("n"), lit(name.as_str())];
                for (k, (x, t)) in exprs.iter().zip(&types).enumerate() {
                    args.push(lit(format!("v{k}")));
                    let x = if x.data_type(&schema)? == *t {
                        x.clone()
                    } else {
                        x.clone().cast(t.clone())
                    };
                    args.push(x);
                }
                Ok(call("struct_pack", args))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut exprs = kept.clone();
        exprs.push(call("list_value", structs).alias("__unpivot"));
        let mut plan = input.project(exprs)?.unnest("__unpivot")?;
        let field = |f: &str| call("struct_extract", vec![col("__unpivot"), lit(f)]);
        if !spec.include_nulls {
            let keep = (0..width)
                .map(|k| field(&format!("v{k}")).is_not_null())
                .reduce(Expr::and)
                .unwrap_or_else(|| lit(true));
            plan = plan.filter(keep)?;
        }
        kept.push(field("n").alias(spec.name.value.clone()));
        for (k, v) in spec.values.iter().enumerate() {
            kept.push(field(&format!("v{k}")).alias(v.value.clone()));
        }
        plan.project(kept)?.alias(&self.fresh_name("unpivot"))
    }

    /// The entries an UNPIVOT item stands for: `*`, `COLUMNS(..)` and `COLUMNS(..)::T`
    /// expand to one entry per column; a tuple is one entry of several values.
    fn unpivot_item(
        &self,
        schema: &quiver_engine::types::QSchema,
        item: &SelectItem,
    ) -> Result<Vec<(Vec<SqlExpr>, Option<String>)>> {
        let visible = || {
            schema
                .fields()
                .iter()
                .filter(|f| !f.name().starts_with("__"))
                .map(|f| f.name().to_string())
        };
        let (e, alias) = match item {
            SelectItem::Wildcard(opts) | SelectItem::QualifiedWildcard(_, opts) => {
                let excluded: Vec<String> = match &opts.opt_exclude {
                    Some(ast::ExcludeSelectItem::Single(i)) => vec![i.to_string()],
                    Some(ast::ExcludeSelectItem::Multiple(v)) => {
                        v.iter().map(|i| i.to_string()).collect()
                    }
                    None => vec![],
                };
                let excluded: Vec<String> = excluded
                    .iter()
                    .map(|s| s.trim_matches('"').to_lowercase())
                    .collect();
                return Ok(visible()
                    .filter(|n| !excluded.contains(&n.to_lowercase()))
                    .map(|n| {
                        (
                            vec![SqlExpr::Identifier(ast::Ident::with_quote('"', n))],
                            None,
                        )
                    })
                    .collect());
            }
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            other => return Err(Error::NotSupported(format!("`{other}` in UNPIVOT"))),
        };
        // COLUMNS('regex') / COLUMNS(*), possibly cast.
        let (inner, cast) = match e {
            SqlExpr::Cast { expr, .. } => (expr.as_ref(), Some(e)),
            other => (other, None),
        };
        if let Some(pattern) = columns_pattern(inner)? {
            let names: Vec<String> = match pattern {
                None => visible().collect(),
                Some(re) => {
                    let re = regex::Regex::new(&re)
                        .map_err(|e| Error::Plan(format!("invalid COLUMNS pattern: {e}")))?;
                    visible().filter(|n| re.is_match(n)).collect()
                }
            };
            return Ok(names
                .into_iter()
                .map(|n| {
                    let c = SqlExpr::Identifier(ast::Ident::with_quote('"', n));
                    let c = match cast {
                        Some(cast) => {
                            let mut cast = cast.clone();
                            if let SqlExpr::Cast { expr, .. } = &mut cast {
                                **expr = c;
                            }
                            cast
                        }
                        None => c,
                    };
                    (vec![c], None)
                })
                .collect());
        }
        Ok(vec![match e {
            SqlExpr::Tuple(parts) => (parts.clone(), alias),
            other => (vec![other.clone()], alias),
        }])
    }

    /// One unpivoted value: its expression and the one input column it reads.
    fn unpivot_expr(&self, input: &LogicalPlanBuilder, e: &SqlExpr) -> Result<(Expr, usize)> {
        let schema = input.schema().clone();
        if has_subquery(e) {
            return Err(Error::Plan("UNPIVOT list cannot contain subqueries".into()));
        }
        // A number or string names a column (`UNPIVOT t ON 2000, 2010`).
        let named = match e {
            SqlExpr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => Some(n.to_string()),
                ast::Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        };
        let x = match named {
            Some(n) if n.is_empty() => {
                return Err(Error::Plan(
                    "UNPIVOT: an empty column name is not allowed".into(),
                ))
            }
            Some(n) => col(&n),
            None => {
                let mut scratch = input.clone();
                self.sql_expr(e, &mut scratch)?
            }
        };
        let columns = x.columns();
        if columns.len() != 1 {
            return Err(Error::Plan(format!(
                "UNPIVOT clause must contain exactly one column - expression \"{e}\" contains {}",
                columns.len()
            )));
        }
        let c = &columns[0];
        match schema.find(c.relation.as_deref(), &c.name) {
            Ok(Some(i)) => Ok((x, i)),
            _ if c.relation.is_some() => Err(Error::ColumnNotFound(format!(
                "column `{}` not found",
                c.flat_name()
            ))),
            _ => Err(Error::Plan(format!(
                "Column \"{}\" referenced in UNPIVOT but no matching entry was found in the table",
                c.name
            ))),
        }
    }
}

/// `COLUMNS(*)` → `Some(None)`, `COLUMNS('re')` → `Some(Some(re))`, else `None`.
fn columns_pattern(e: &SqlExpr) -> Result<Option<Option<String>>> {
    let SqlExpr::Function(f) = e else {
        return Ok(None);
    };
    if !f.name.to_string().eq_ignore_ascii_case("columns") {
        return Ok(None);
    }
    let ast::FunctionArguments::List(l) = &f.args else {
        return Ok(None);
    };
    match l.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)] => Ok(Some(None)),
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(SqlExpr::Value(v)))] => match &v.value {
            ast::Value::SingleQuotedString(s) => Ok(Some(Some(s.clone()))),
            other => Err(Error::Plan(format!(
                "COLUMNS takes * or a regular expression, got {other}"
            ))),
        },
        _ => Err(Error::NotSupported(format!("`{e}` in UNPIVOT"))),
    }
}

/// The aggregate call `call` restricted to rows where `condition` holds.
fn with_filter(call: &Expr, condition: Expr) -> Expr {
    match call {
        Expr::Aggregate(a) => Expr::Aggregate(AggregateCall {
            filter: Some(Box::new(match &a.filter {
                Some(f) => f.as_ref().clone().and(condition),
                None => condition,
            })),
            ..a.clone()
        }),
        other => other.clone(),
    }
}
