//! FROM items: tables, CTEs, views, files, table functions, derived tables and joins.

use std::sync::Arc;

use arrow::array::{Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use quiver_engine::expr::{lit, Expr, WindowCall};
use quiver_engine::io::{self, CsvOptions};
use quiver_engine::logical::{builder_column_of, JoinType, LogicalPlanBuilder, TableSourceRef};
use quiver_engine::types::QSchema;
use quiver_engine::{Error, Result};
use sqlparser::ast::{
    self, FunctionArg, FunctionArgExpr, JoinConstraint, JoinOperator, TableFactor, TableWithJoins,
};

use super::SqlPlanner;

/// The hidden name of the `rowid` pseudo-column.
pub(super) const ROWID: &str = "__rowid";

/// Whether every column of `e` resolves in `schema`.
pub(super) fn resolves(e: &Expr, schema: &QSchema) -> bool {
    e.columns()
        .iter()
        .all(|c| matches!(schema.find(c.relation.as_deref(), &c.name), Ok(Some(_))))
}

/// Splits a join condition into equi-key pairs (left expr, right expr) and the rest.
pub(super) fn split_join_condition(
    cond: Expr,
    left: &QSchema,
    right: &QSchema,
) -> (Vec<(Expr, Expr)>, Option<Expr>) {
    let mut on = vec![];
    let mut rest = vec![];
    for c in cond.split_conjunction() {
        if let Expr::BinaryOp {
            left: a,
            op: quiver_engine::expr::Operator::Eq,
            right: b,
        } = &c
        {
            let only = |e: &Expr, s: &QSchema, o: &QSchema| {
                !e.columns().is_empty() && resolves(e, s) && !resolves(e, o)
            };
            if only(a, left, right) && only(b, right, left) {
                on.push((a.as_ref().clone(), b.as_ref().clone()));
                continue;
            }
            if only(b, left, right) && only(a, right, left) {
                on.push((b.as_ref().clone(), a.as_ref().clone()));
                continue;
            }
        }
        rest.push(c);
    }
    (on, Expr::conjunction(rest))
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.split('.').next().unwrap_or(name).to_string()
}

fn looks_like_path(name: &str) -> bool {
    name.contains(['.', '/', '*', '\\'])
}

impl SqlPlanner<'_> {
    /// The FROM clause: items are cross joined (the optimizer turns equality filters
    /// into hash joins). No FROM is one row with no columns.
    pub(super) fn plan_from(&self, from: &[TableWithJoins]) -> Result<LogicalPlanBuilder> {
        let mut plan: Option<LogicalPlanBuilder> = None;
        for twj in from {
            let item = self.plan_table_with_joins(twj)?;
            plan = Some(match plan {
                None => item,
                Some(p) => p.cross_join(item.build())?,
            });
        }
        Ok(plan.unwrap_or_else(|| LogicalPlanBuilder::empty(true)))
    }

    pub(super) fn plan_table_with_joins(&self, twj: &TableWithJoins) -> Result<LogicalPlanBuilder> {
        let mut plan = self.plan_table_factor(&twj.relation)?;
        for j in &twj.joins {
            plan = self.plan_join(plan, j)?;
        }
        Ok(plan)
    }

    fn plan_join(&self, left: LogicalPlanBuilder, j: &ast::Join) -> Result<LogicalPlanBuilder> {
        let right = self.plan_table_factor(&j.relation)?;
        use JoinOperator as J;
        let (join_type, constraint) = match &j.join_operator {
            J::Join(c) | J::Inner(c) | J::StraightJoin(c) => (JoinType::Inner, Some(c)),
            J::Left(c) | J::LeftOuter(c) => (JoinType::Left, Some(c)),
            J::Right(c) | J::RightOuter(c) => (JoinType::Right, Some(c)),
            J::FullOuter(c) => (JoinType::Full, Some(c)),
            J::CrossJoin(_) => (JoinType::Cross, None),
            J::Semi(c) | J::LeftSemi(c) => (JoinType::LeftSemi, Some(c)),
            J::Anti(c) | J::LeftAnti(c) => (JoinType::LeftAnti, Some(c)),
            other => return Err(Error::NotSupported(format!("the join `{other:?}`"))),
        };
        let (ls, rs) = (left.schema().clone(), right.schema().clone());
        match constraint {
            None | Some(JoinConstraint::None) => {
                let jt = if join_type == JoinType::Inner {
                    JoinType::Cross
                } else {
                    join_type
                };
                left.join(right.build(), jt, vec![], None)
            }
            Some(JoinConstraint::On(e)) => {
                let joined = ls.join(&rs)?;
                let mut scratch = LogicalPlanBuilder::empty(true);
                let cond = self.sql_expr(e, &mut scratch)?;
                if !resolves(&cond, &joined) {
                    // Let the builder report the unknown column.
                    joined.index_of(
                        None,
                        &cond
                            .columns()
                            .iter()
                            .find(|c| !resolves(&Expr::Column((*c).clone()), &joined))
                            .map(|c| c.flat_name())
                            .unwrap_or_default(),
                    )?;
                }
                let (on, filter) = split_join_condition(cond, &ls, &rs);
                left.join(right.build(), join_type, on, filter)
            }
            Some(JoinConstraint::Using(cols)) => {
                let names: Vec<String> = cols
                    .iter()
                    .map(|c| c.to_string().trim_matches('"').to_string())
                    .collect();
                self.join_using(left, right, join_type, &names)
            }
            Some(JoinConstraint::Natural) => {
                let names: Vec<String> = ls
                    .fields()
                    .iter()
                    .filter(|f| {
                        rs.fields()
                            .iter()
                            .any(|r| r.name().eq_ignore_ascii_case(f.name()))
                    })
                    .map(|f| f.name().to_string())
                    .collect();
                if names.is_empty() {
                    return left.join(right.build(), JoinType::Cross, vec![], None);
                }
                self.join_using(left, right, join_type, &names)
            }
            Some(other) => Err(Error::NotSupported(format!(
                "the join constraint `{other:?}`"
            ))),
        }
    }

    /// `JOIN .. USING (c)`: equal keys, and each key column once in the output (the
    /// non-NULL side's value for outer joins).
    fn join_using(
        &self,
        left: LogicalPlanBuilder,
        right: LogicalPlanBuilder,
        join_type: JoinType,
        names: &[String],
    ) -> Result<LogicalPlanBuilder> {
        let (ls, rs) = (left.schema().clone(), right.schema().clone());
        let mut on = vec![];
        let mut pairs = vec![];
        for n in names {
            let li = ls.index_of(None, n)?;
            let ri = rs.index_of(None, n)?;
            on.push((
                builder_column_of(ls.field(li)),
                builder_column_of(rs.field(ri)),
            ));
            pairs.push((li, ri));
        }
        let joined = left.join(right.build(), join_type, on, None)?;
        if join_type.left_only() {
            return Ok(joined);
        }
        let out = joined.schema().clone();
        let nl = ls.len();
        let mut exprs = vec![];
        for i in 0..nl {
            let f = out.field(i);
            match pairs.iter().find(|(li, _)| *li == i) {
                Some((_, ri)) if matches!(join_type, JoinType::Right | JoinType::Full) => {
                    let r = builder_column_of(out.field(nl + ri));
                    let l = builder_column_of(f);
                    let e = if join_type == JoinType::Right {
                        r
                    } else {
                        quiver_engine::expr::builders::call("coalesce", vec![l, r])
                    };
                    exprs.push(e.alias(f.name()));
                }
                _ => exprs.push(builder_column_of(f)),
            }
        }
        for (j, f) in out.fields().iter().enumerate().skip(nl) {
            if !pairs.iter().any(|(_, ri)| *ri == j - nl) {
                exprs.push(builder_column_of(f));
            }
        }
        joined.project(exprs)
    }

    pub(super) fn plan_table_factor(&self, tf: &TableFactor) -> Result<LogicalPlanBuilder> {
        match tf {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                let plan = match args {
                    Some(a) => {
                        let fname = name.to_string().to_lowercase();
                        if let Some(plan) = self.pivot_statement(&fname, &a.args) {
                            return self.apply_alias(plan?, alias.as_ref(), None);
                        }
                        let (plan, default_alias) = self.table_function(&fname, &a.args)?;
                        return self.apply_alias(plan, alias.as_ref(), Some(&default_alias));
                    }
                    None => self.named_relation(name)?,
                };
                let (plan, default) = plan;
                self.apply_alias(plan, alias.as_ref(), Some(&default))
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let plan = self.plan_query(subquery, None)?;
                self.apply_alias(plan, alias.as_ref(), None)
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let plan = self.plan_table_with_joins(table_with_joins)?;
                self.apply_alias(plan, alias.as_ref(), None)
            }
            TableFactor::Function {
                name, args, alias, ..
            } => {
                let (plan, default) =
                    self.table_function(&name.to_string().to_lowercase(), args)?;
                self.apply_alias(plan, alias.as_ref(), Some(&default))
            }
            TableFactor::Pivot {
                table,
                aggregate_functions,
                alias,
                ..
            } => self.pivot_from_item(table, aggregate_functions, alias.as_ref()),
            TableFactor::Unpivot {
                table,
                value,
                null_inclusion,
                alias,
                ..
            } => self.unpivot_from_item(
                table,
                value,
                matches!(null_inclusion, Some(ast::NullInclusion::IncludeNulls)),
                alias.as_ref(),
            ),
            other => Err(Error::NotSupported(format!("the FROM item `{other}`"))),
        }
    }

    pub(super) fn apply_alias(
        &self,
        plan: LogicalPlanBuilder,
        alias: Option<&ast::TableAlias>,
        default: Option<&str>,
    ) -> Result<LogicalPlanBuilder> {
        let Some(alias) = alias else {
            return match default {
                Some(d) => plan.alias(d),
                None => Ok(plan),
            };
        };
        let mut plan = plan;
        if !alias.columns.is_empty() {
            let schema = plan.schema().clone();
            if alias.columns.len() > schema.len() {
                return Err(Error::Plan(format!(
                    "table `{}` has {} columns, but {} column names were given",
                    alias.name.value,
                    schema.len(),
                    alias.columns.len()
                )));
            }
            let exprs = schema
                .fields()
                .iter()
                .enumerate()
                .map(|(i, f)| match alias.columns.get(i) {
                    Some(c) => builder_column_of(f).alias(c.name.value.clone()),
                    None => builder_column_of(f),
                })
                .collect();
            plan = plan.project(exprs)?;
        }
        plan.alias(&alias.name.value)
    }

    /// A table by name: a CTE, a view, a catalog table, or a file path.
    pub(super) fn named_relation(
        &self,
        name: &ast::ObjectName,
    ) -> Result<(LogicalPlanBuilder, String)> {
        let parts: Vec<String> = name
            .0
            .iter()
            .filter_map(|p| p.as_ident())
            .map(|i| i.value.clone())
            .collect();
        let table = parts.last().cloned().unwrap_or_default();
        let lower = table.to_lowercase();
        if parts.len() == 1 {
            let ctes = self.ctes.borrow();
            if let Some(plan) = ctes.iter().rev().find_map(|m| m.get(&lower)) {
                return Ok((LogicalPlanBuilder::from(plan.clone()), table));
            }
        }
        let view = self
            .ctx
            .views()
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&lower)
            .cloned();
        if let Some(sql) = view {
            let stmts = self.ctx.parse(&sql)?;
            let planner = SqlPlanner::new(self.ctx, &sql);
            let plan = match stmts.first() {
                Some(s) => planner.plan_query_statement(s)?,
                None => return Err(Error::Internal(format!("view `{table}` has no query"))),
            };
            return Ok((LogicalPlanBuilder::from(plan), table));
        }
        let catalog = self.ctx.session().catalog();
        if catalog.contains(&table) {
            let source = catalog.get(&table)?;
            let scan = LogicalPlanBuilder::scan(table.clone(), None, source)?;
            return Ok((self.with_rowid(scan, &table)?, table));
        }
        if looks_like_path(&table) {
            let source = io::source_for_path(&table)?;
            return Ok((
                LogicalPlanBuilder::scan(table.clone(), None, source)?,
                file_stem(&table),
            ));
        }
        // Reports the unknown table with a suggestion.
        catalog.get(&table)?;
        Err(Error::TableNotFound(format!(
            "table `{table}` does not exist"
        )))
    }

    /// Adds DuckDB's `rowid` pseudo-column (the row's position in the table, from 0) as
    /// `__rowid`, hidden from `*`, when the statement mentions `rowid` and the table has
    /// no column of that name.
    fn with_rowid(&self, scan: LogicalPlanBuilder, table: &str) -> Result<LogicalPlanBuilder> {
        let mentions = self.sql.to_ascii_lowercase().contains("rowid");
        let has_own = scan
            .schema()
            .fields()
            .iter()
            .any(|f| f.name().eq_ignore_ascii_case("rowid"));
        if !mentions || has_own {
            return Ok(scan);
        }
        let mut exprs: Vec<Expr> = scan
            .schema()
            .fields()
            .iter()
            .map(builder_column_of)
            .collect();
        let row_number = Expr::Window(Box::new(WindowCall {
            func: "row_number".into(),
            args: vec![],
            partition_by: vec![],
            order_by: vec![],
            frame: None,
            distinct: false,
            ignore_nulls: false,
        }));
        exprs.push((row_number - lit(1i64)).alias(ROWID));
        scan.project(exprs)?.alias(table)
    }

    fn literal_args(&self, args: &[FunctionArg]) -> Result<(Vec<Expr>, Vec<(String, Expr)>)> {
        let mut positional = vec![];
        let mut named = vec![];
        let mut scratch = LogicalPlanBuilder::empty(true);
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                    positional.push(self.sql_expr(e, &mut scratch)?)
                }
                FunctionArg::Named {
                    name,
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => named.push((name.value.to_lowercase(), self.sql_expr(e, &mut scratch)?)),
                FunctionArg::ExprNamed {
                    name,
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => named.push((
                    name.to_string().to_lowercase(),
                    self.sql_expr(e, &mut scratch)?,
                )),
                other => {
                    return Err(Error::NotSupported(format!(
                        "the table function argument `{other}`"
                    )))
                }
            }
        }
        Ok((positional, named))
    }

    /// `read_parquet(..)`, `read_csv(..)`, `read_json(..)`, `range(..)`, ...
    fn table_function(
        &self,
        name: &str,
        args: &[FunctionArg],
    ) -> Result<(LogicalPlanBuilder, String)> {
        let (pos, named) = self.literal_args(args)?;
        let folded = |e: &Expr| -> Option<quiver_engine::types::ScalarValue> {
            match quiver_engine::optimizer::simplify_expr(e.clone())
                .data
                .unalias()
            {
                Expr::Literal(v) => Some(v.clone()),
                _ => None,
            }
        };
        let paths = || -> Result<Vec<String>> {
            let first = pos
                .first()
                .ok_or_else(|| Error::Plan(format!("`{name}` needs a file path")))?;
            let v = folded(first)
                .ok_or_else(|| Error::Plan(format!("`{name}` needs a constant file path")))?;
            if let Some(s) = v.as_str() {
                return Ok(vec![s.to_string()]);
            }
            // A list of paths.
            let arr = v.as_array().clone();
            if let Some(list) = arr.as_any().downcast_ref::<arrow::array::ListArray>() {
                let values = list.value(0);
                let values = arrow::compute::cast(&values, &DataType::Utf8)?;
                let s = values
                    .as_any()
                    .downcast_ref::<arrow::array::StringArray>()
                    .ok_or_else(|| Error::Plan("file paths must be strings".into()))?;
                return Ok(s.iter().flatten().map(str::to_string).collect());
            }
            Err(Error::Plan(format!(
                "`{name}` takes a file path or a list of paths"
            )))
        };
        let source: TableSourceRef = match name {
            "read_parquet" | "parquet_scan" => io::parquet_source(paths()?)?,
            "read_json" | "read_json_auto" | "read_ndjson" | "read_ndjson_auto" => io::json_source(paths()?)?,
            "read_csv" | "read_csv_auto" => {
                let mut opts = CsvOptions::default();
                for (k, v) in &named {
                    let v = folded(v);
                    match k.as_str() {
                        "header" => opts.has_header = v.and_then(|v| v.as_bool()),
                        "delim" | "sep" | "delimiter" => opts.delimiter = v.and_then(|v| v.as_str().and_then(|s| s.bytes().next())),
                        "quote" => opts.quote = v.and_then(|v| v.as_str().and_then(|s| s.bytes().next())),
                        "escape" => opts.escape = v.and_then(|v| v.as_str().and_then(|s| s.bytes().next())),
                        "auto_detect" | "all_varchar" | "sample_size" | "parallel" => {}
                        other => return Err(Error::NotSupported(format!("the read_csv option `{other}`"))),
                    }
                }
                io::csv_source(paths()?, opts)?
            }
            "range" | "generate_series" => return self.range(name, &pos),
            // `FROM VALUES (a, b) t(x, y)` parses as a call: one row, one column per argument.
            "values" => return Ok((LogicalPlanBuilder::values(vec![pos], None)?, "values".into())),
            other => {
                return Err(Error::FunctionNotFound(format!(
                    "table function `{other}` does not exist; try read_parquet, read_csv, read_json, range or generate_series"
                )))
            }
        };
        let p = paths()?.first().cloned().unwrap_or_default();
        Ok((
            LogicalPlanBuilder::scan(p.clone(), None, source)?,
            file_stem(&p),
        ))
    }

    /// `range(stop)`, `range(start, stop[, step])` (stop exclusive) and `generate_series`
    /// (stop inclusive), as a column named after the function, as DuckDB does.
    fn range(&self, name: &str, args: &[Expr]) -> Result<(LogicalPlanBuilder, String)> {
        let ints = args
            .iter()
            .map(|a| {
                match quiver_engine::optimizer::simplify_expr(a.clone())
                    .data
                    .unalias()
                {
                    Expr::Literal(v) => v
                        .as_i64()
                        .ok_or_else(|| Error::Plan(format!("`{name}` takes integer arguments"))),
                    _ => Err(Error::Plan(format!("`{name}` takes constant arguments"))),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let (start, stop, step) = match ints.as_slice() {
            [stop] => (0, *stop, 1),
            [start, stop] => (*start, *stop, 1),
            [start, stop, step] => (*start, *stop, *step),
            _ => return Err(Error::Plan(format!("`{name}` takes 1 to 3 arguments"))),
        };
        if step == 0 {
            return Err(Error::Plan(format!("`{name}`'s step cannot be 0")));
        }
        let inclusive = name == "generate_series";
        let mut values = vec![];
        let mut v = start;
        while (step > 0 && (v < stop || (inclusive && v == stop)))
            || (step < 0 && (v > stop || (inclusive && v == stop)))
        {
            values.push(v);
            v += step;
            if values.len() > 100_000_000 {
                return Err(Error::Plan(format!(
                    "`{name}` would produce more than 100 million rows"
                )));
            }
        }
        let schema = Arc::new(Schema::new(vec![Field::new(name, DataType::Int64, false)]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(values))])?;
        let source = Arc::new(io::MemoryTable::try_new(schema, vec![batch])?);
        Ok((
            LogicalPlanBuilder::scan(name, None, source)?,
            name.to_string(),
        ))
    }
}
