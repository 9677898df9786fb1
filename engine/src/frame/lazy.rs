//! LazyFrame: a Polars-style builder of logical plans, run by `collect()`.
//!
//! Methods never fail on their own: a mistake (an unknown column, a type mismatch) is kept
//! and reported by `collect()` or `explain()`, as Polars does.

use std::sync::Arc;

use super::{DataFrame, JoinArgs, JoinHow};
use crate::error::{Error, Result};
use crate::expr::{col, Expr, SortExpr};
use crate::logical::{LogicalPlan, LogicalPlanBuilder, TableSourceRef};
use crate::session::Session;

/// Sort options, with Polars' defaults (ascending, NULLs first).
#[derive(Debug, Clone, Default)]
pub struct SortOptions {
    /// Descending order for every key (or per key with [`SortOptions::descending_per_key`]).
    pub descending: Vec<bool>,
    /// NULLs after values.
    pub nulls_last: bool,
}

impl SortOptions {
    /// All keys descending.
    pub fn descending() -> Self {
        Self {
            descending: vec![true],
            nulls_last: false,
        }
    }

    /// One direction per key.
    pub fn descending_per_key(descending: Vec<bool>) -> Self {
        Self {
            descending,
            nulls_last: false,
        }
    }

    /// NULLs after values.
    pub fn with_nulls_last(mut self, nulls_last: bool) -> Self {
        self.nulls_last = nulls_last;
        self
    }

    fn is_descending(&self, i: usize) -> bool {
        match self.descending.len() {
            0 => false,
            1 => self.descending[0],
            _ => self.descending.get(i).copied().unwrap_or(false),
        }
    }
}

/// A lazy query over one or more tables.
#[derive(Clone)]
pub struct LazyFrame {
    plan: std::result::Result<Arc<LogicalPlan>, Arc<Error>>,
    session: Session,
}

impl std::fmt::Debug for LazyFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.plan {
            Ok(p) => write!(f, "LazyFrame\n{}", p.display_indent()),
            Err(e) => write!(f, "LazyFrame (invalid: {e})"),
        }
    }
}

fn duplicate(e: &Error) -> Error {
    match e {
        Error::ColumnNotFound(m) => Error::ColumnNotFound(m.clone()),
        Error::Syntax(m) => Error::Syntax(m.clone()),
        Error::TableNotFound(m) => Error::TableNotFound(m.clone()),
        Error::FunctionNotFound(m) => Error::FunctionNotFound(m.clone()),
        Error::Schema(m) => Error::Schema(m.clone()),
        Error::Compute(m) => Error::Compute(m.clone()),
        Error::Conversion(m) => Error::Conversion(m.clone()),
        Error::Plan(m) => Error::Plan(m.clone()),
        Error::InvalidData(m) => Error::InvalidData(m.clone()),
        Error::Io { context, source } => Error::io(
            context.clone(),
            std::io::Error::new(source.kind(), source.to_string()),
        ),
        Error::NotSupported(m) => Error::NotSupported(m.clone()),
        Error::Cancelled => Error::Cancelled,
        Error::Internal(m) => Error::Internal(m.clone()),
    }
}

impl LazyFrame {
    /// A frame over a plan.
    pub fn from_plan(plan: Arc<LogicalPlan>, session: &Session) -> Self {
        Self {
            plan: Ok(plan),
            session: session.clone(),
        }
    }

    /// A frame scanning a table source. `qualifier` names the relation (for SQL-style
    /// qualified column references); the frame API does not need one.
    pub fn from_source(
        name: &str,
        qualifier: Option<&str>,
        source: TableSourceRef,
        session: &Session,
    ) -> Self {
        let plan = LogicalPlanBuilder::scan(name, qualifier, source)
            .map(|b| b.build())
            .map_err(Arc::new);
        Self {
            plan,
            session: session.clone(),
        }
    }

    fn scan(path: &str, source: Result<TableSourceRef>, session: &Session) -> Self {
        match source {
            Ok(s) => Self::from_source(path, None, s, session),
            Err(e) => Self::from_error(e, session),
        }
    }

    /// Scans Parquet files: a file, a glob (`dir/*.parquet`), a folder, or a
    /// hive-partitioned folder (`key=value` folders become columns).
    pub fn scan_parquet(path: &str) -> Self {
        Self::scan(
            path,
            crate::io::parquet_source([path]),
            &Session::default_session(),
        )
    }

    /// Scans CSV files, sniffing the header, delimiter and types unless `options` say.
    pub fn scan_csv(path: &str, options: crate::io::CsvOptions) -> Self {
        Self::scan(
            path,
            crate::io::csv_source([path], options),
            &Session::default_session(),
        )
    }

    /// Scans newline-delimited JSON files.
    pub fn scan_ndjson(path: &str) -> Self {
        Self::scan(
            path,
            crate::io::json_source([path]),
            &Session::default_session(),
        )
    }

    /// Scans Arrow IPC files.
    pub fn scan_ipc(path: &str) -> Self {
        Self::scan(
            path,
            crate::io::ipc_source([path]),
            &Session::default_session(),
        )
    }

    /// Scans any supported file, choosing the format from its extension.
    pub fn scan_file(path: &str) -> Self {
        Self::scan(
            path,
            crate::io::source_for_path(path),
            &Session::default_session(),
        )
    }

    /// A frame that fails with `e` when run.
    pub fn from_error(e: Error, session: &Session) -> Self {
        Self {
            plan: Err(Arc::new(e)),
            session: session.clone(),
        }
    }

    /// The session the frame runs on.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Runs on another session.
    pub fn with_session(mut self, session: &Session) -> Self {
        self.session = session.clone();
        self
    }

    /// The logical plan built so far (or the first error).
    pub fn logical_plan(&self) -> Result<Arc<LogicalPlan>> {
        self.plan.clone().map_err(|e| duplicate(&e))
    }

    fn then(self, f: impl FnOnce(LogicalPlanBuilder) -> Result<LogicalPlanBuilder>) -> Self {
        let plan = match self.plan {
            Ok(p) => f(LogicalPlanBuilder::from(p))
                .map(|b| b.build())
                .map_err(Arc::new),
            Err(e) => Err(e),
        };
        Self {
            plan,
            session: self.session,
        }
    }

    /// The output schema.
    pub fn schema(&self) -> Result<arrow::datatypes::SchemaRef> {
        Ok(self.logical_plan()?.schema().to_arrow())
    }

    /// Keeps rows where `predicate` is true.
    pub fn filter(self, predicate: Expr) -> Self {
        self.then(|b| b.filter(predicate))
    }

    /// Computes exactly these columns.
    pub fn select(self, exprs: impl IntoIterator<Item = Expr>) -> Self {
        let exprs: Vec<Expr> = exprs.into_iter().collect();
        self.then(|b| b.project(exprs))
    }

    /// Adds columns, replacing existing ones of the same name in place.
    pub fn with_columns(self, exprs: impl IntoIterator<Item = Expr>) -> Self {
        let exprs: Vec<Expr> = exprs.into_iter().collect();
        self.then(|b| {
            let schema = b.schema().clone();
            let mut out: Vec<Expr> = schema
                .fields()
                .iter()
                .map(crate::logical::builder_column_of)
                .collect();
            for e in exprs {
                let name = e.output_name();
                match schema.fields().iter().position(|f| f.name() == name) {
                    Some(i) => out[i] = e.alias(name),
                    None => out.push(e),
                }
            }
            b.project(out)
        })
    }

    /// Adds or replaces one column.
    pub fn with_column(self, expr: Expr) -> Self {
        self.with_columns([expr])
    }

    /// Drops columns by name.
    pub fn drop(self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        let names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_string()).collect();
        self.then(|b| {
            let schema = b.schema().clone();
            for n in &names {
                schema.index_of(None, n)?;
            }
            let keep = schema
                .fields()
                .iter()
                .filter(|f| !names.iter().any(|n| n == f.name()))
                .map(crate::logical::builder_column_of)
                .collect();
            b.project(keep)
        })
    }

    /// Renames columns.
    pub fn rename(self, existing: &[&str], new: &[&str]) -> Self {
        let pairs: Vec<(String, String)> = existing
            .iter()
            .zip(new)
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        self.then(|b| {
            let schema = b.schema().clone();
            for (a, _) in &pairs {
                schema.index_of(None, a)?;
            }
            let exprs = schema
                .fields()
                .iter()
                .map(|f| {
                    let c = crate::logical::builder_column_of(f);
                    match pairs.iter().find(|(a, _)| a == f.name()) {
                        Some((_, n)) => c.alias(n.clone()),
                        None => c,
                    }
                })
                .collect();
            b.project(exprs)
        })
    }

    /// Starts a grouped aggregation.
    pub fn group_by(self, keys: impl IntoIterator<Item = Expr>) -> GroupBy {
        GroupBy {
            frame: self,
            keys: keys.into_iter().collect(),
        }
    }

    /// Sorts by column names.
    pub fn sort<'a>(self, by: impl IntoIterator<Item = &'a str>, options: SortOptions) -> Self {
        let exprs: Vec<Expr> = by.into_iter().map(col).collect();
        self.sort_by_exprs(exprs, options)
    }

    /// Sorts by expressions.
    pub fn sort_by_exprs(self, by: impl IntoIterator<Item = Expr>, options: SortOptions) -> Self {
        let keys: Vec<SortExpr> = by
            .into_iter()
            .enumerate()
            .map(|(i, e)| SortExpr {
                expr: e,
                descending: options.is_descending(i),
                nulls_first: !options.nulls_last,
            })
            .collect();
        self.then(|b| b.sort(keys))
    }

    /// Sorts by SQL-style keys (each with its own direction and NULL placement).
    pub fn sort_by(self, keys: Vec<SortExpr>) -> Self {
        self.then(|b| b.sort(keys))
    }

    /// The first `n` rows.
    pub fn limit(self, n: usize) -> Self {
        self.then(|b| Ok(b.limit(0, Some(n))))
    }

    /// Rows `offset .. offset + len`.
    pub fn slice(self, offset: usize, len: usize) -> Self {
        self.then(|b| Ok(b.limit(offset, Some(len))))
    }

    /// One row per element of the list column `column` (Polars' `explode`; rows with an
    /// empty or NULL list are dropped, as DuckDB's `unnest` does).
    pub fn explode(self, column: &str) -> Self {
        let column = column.to_string();
        self.then(move |b| b.unnest(&column))
    }

    /// The rows of `self` followed by those of `other` (Polars' vertical `concat`, SQL's
    /// UNION ALL): columns match by position and widen to common types.
    pub fn union(self, other: LazyFrame) -> Self {
        match other.plan {
            Ok(other) => self.then(move |b| b.union(other)),
            Err(e) => Self {
                plan: Err(e),
                session: self.session,
            },
        }
    }

    /// Distinct rows.
    pub fn unique(self) -> Self {
        self.then(|b| Ok(b.distinct()))
    }

    /// Joins with `other` where `left_on` equals `right_on`, as Polars' `join`.
    pub fn join(
        self,
        other: LazyFrame,
        left_on: impl IntoIterator<Item = Expr>,
        right_on: impl IntoIterator<Item = Expr>,
        args: impl Into<JoinArgs>,
    ) -> Self {
        let args: JoinArgs = args.into();
        let left_on: Vec<Expr> = left_on.into_iter().collect();
        let right_on: Vec<Expr> = right_on.into_iter().collect();
        let right_plan = match other.plan {
            Ok(p) => p,
            Err(e) => {
                return Self {
                    plan: Err(e),
                    session: self.session,
                }
            }
        };
        self.then(move |b| {
            if left_on.len() != right_on.len() {
                return Err(Error::Plan(format!(
                    "join needs as many left keys as right keys, got {} and {}",
                    left_on.len(),
                    right_on.len()
                )));
            }
            let left_schema = b.schema().clone();
            let right_schema = right_plan.schema().clone();
            // Right columns whose names clash get the suffix, so the result has unique names.
            let right_key_names: Vec<String> = right_on
                .iter()
                .filter_map(|e| match e.unalias() {
                    Expr::Column(c) => Some(c.name.clone()),
                    _ => None,
                })
                .collect();
            let drop_right_key = |name: &str| {
                !args.keep_right_keys
                    && right_key_names.iter().any(|k| k == name)
                    && args.how != JoinHow::Cross
            };
            let mut renames = vec![];
            let mut any_rename = false;
            for f in right_schema.fields() {
                let clash = left_schema.fields().iter().any(|l| l.name() == f.name());
                let c = crate::logical::builder_column_of(f);
                if clash {
                    any_rename = true;
                    renames.push(c.alias(format!("{}{}", f.name(), args.suffix)));
                } else {
                    renames.push(c);
                }
            }
            let renamed_right = if any_rename {
                LogicalPlanBuilder::from(right_plan.clone())
                    .project(renames)?
                    .build()
            } else {
                right_plan.clone()
            };
            let rename_key = |e: Expr| -> Expr {
                match e.unalias() {
                    Expr::Column(c) if left_schema.fields().iter().any(|l| *l.name() == c.name) => {
                        col(&format!("{}{}", c.name, args.suffix))
                    }
                    other => other.clone(),
                }
            };
            let left_keys_named: Vec<String> = left_on
                .iter()
                .filter_map(|e| match e.unalias() {
                    Expr::Column(c) => Some(c.name.clone()),
                    _ => None,
                })
                .collect();
            let on: Vec<(Expr, Expr)> = left_on
                .into_iter()
                .zip(right_on.clone().into_iter().map(rename_key))
                .collect();
            let joined = b.join(renamed_right, args.how.join_type(), on, None)?;
            if args.how.join_type().left_only() {
                return Ok(joined);
            }
            // Drop the right key columns (Polars keeps one copy of each key).
            let out_schema = joined.schema().clone();
            let n_left = left_schema.len();
            let keep: Vec<Expr> = out_schema
                .fields()
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    *i < n_left || !drop_right_key(right_schema.field(i - n_left).name())
                })
                .map(|(_, f)| crate::logical::builder_column_of(f))
                .collect();
            if keep.len() == out_schema.len() {
                return Ok(joined);
            }
            // For right joins the key values come from the right side (the left key is NULL
            // for right rows without a match): the left key column shows the right key.
            if args.how == JoinHow::Right {
                let mut exprs: Vec<Expr> = out_schema.fields()[..n_left]
                    .iter()
                    .map(crate::logical::builder_column_of)
                    .collect();
                for (lk, rk) in left_keys_named.iter().zip(&right_key_names) {
                    let li = left_schema.fields().iter().position(|f| f.name() == lk);
                    let ri = right_schema.fields().iter().position(|f| f.name() == rk);
                    if let (Some(li), Some(ri)) = (li, ri) {
                        exprs[li] =
                            crate::logical::builder_column_of(out_schema.field(n_left + ri))
                                .alias(lk.clone());
                    }
                }
                for (i, f) in out_schema.fields().iter().enumerate().skip(n_left) {
                    if !drop_right_key(right_schema.field(i - n_left).name()) {
                        exprs.push(crate::logical::builder_column_of(f));
                    }
                }
                return joined.project(exprs);
            }
            joined.project(keep)
        })
    }

    /// Every pair of rows.
    pub fn cross_join(self, other: LazyFrame) -> Self {
        self.join(other, vec![], vec![], JoinHow::Cross)
    }

    /// The optimized logical plan and the physical plan, as text.
    pub fn explain(&self) -> Result<String> {
        self.session.explain(self.logical_plan()?)
    }

    /// The optimized logical plan, as text.
    pub fn explain_logical(&self) -> Result<String> {
        Ok(self
            .session
            .optimize(self.logical_plan()?)?
            .display_indent())
    }

    /// Runs the query.
    pub fn collect(&self) -> Result<DataFrame> {
        let plan = self.logical_plan()?;
        let schema = plan.schema().to_arrow();
        let batches = self.session.execute(plan)?;
        DataFrame::try_new(schema, batches)
    }
}

/// A grouped frame waiting for its aggregates.
#[derive(Clone, Debug)]
pub struct GroupBy {
    frame: LazyFrame,
    keys: Vec<Expr>,
}

impl GroupBy {
    /// Computes aggregates per group: keys first, then one column per expression.
    pub fn agg(self, aggs: impl IntoIterator<Item = Expr>) -> LazyFrame {
        let aggs: Vec<Expr> = aggs.into_iter().collect();
        let keys = self.keys;
        self.frame.then(|b| b.aggregate(keys, aggs))
    }
}
