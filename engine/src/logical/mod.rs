//! Logical plans: the relational algebra both front ends lower to.
//!
//! A [`LogicalPlan`] is an immutable tree; every node knows its output [`QSchema`]. Plans
//! are built with [`LogicalPlanBuilder`] (which resolves names, coerces types and computes
//! schemas), rewritten by the optimizer, and rendered as stable one-line-per-node text by
//! [`LogicalPlan::display_indent`] for EXPLAIN.

mod builder;
mod explain;
mod table_source;

use std::sync::Arc;

use crate::expr::{Expr, SortExpr};
use crate::types::QSchemaRef;

pub use builder::{column_of as builder_column_of, LogicalPlanBuilder};
pub use table_source::{Morsel, ScanRequest, TableSource, TableSourceRef};

/// Join types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinType {
    /// Matching pairs.
    Inner,
    /// Every left row, with NULLs where nothing matches.
    Left,
    /// Every right row, with NULLs where nothing matches.
    Right,
    /// Every row of both sides.
    Full,
    /// Left rows with at least one match (left columns only).
    LeftSemi,
    /// Left rows with no match (left columns only).
    LeftAnti,
    /// Every pair.
    Cross,
}

impl JoinType {
    /// Whether the output has only the left side's columns.
    pub fn left_only(self) -> bool {
        matches!(self, JoinType::LeftSemi | JoinType::LeftAnti)
    }
}

/// Reads a table.
#[derive(Debug, Clone)]
pub struct TableScan {
    /// The name it is known by (a table name or a file path).
    pub table_name: String,
    /// Where the rows come from.
    pub source: TableSourceRef,
    /// Columns read, as indices into the source schema.
    pub projection: Option<Vec<usize>>,
    /// Predicates pushed into the scan for pruning (the plan re-applies them).
    pub filters: Vec<Expr>,
    /// Rows needed at most.
    pub fetch: Option<usize>,
    /// Output schema (the projected columns, qualified by the table name).
    pub schema: QSchemaRef,
}

/// Computes new columns from each row.
#[derive(Debug, Clone)]
pub struct Projection {
    /// One expression per output column.
    pub exprs: Vec<Expr>,
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// Output schema.
    pub schema: QSchemaRef,
}

/// Keeps rows where a predicate is true.
#[derive(Debug, Clone)]
pub struct Filter {
    /// A boolean expression.
    pub predicate: Expr,
    /// The input.
    pub input: Arc<LogicalPlan>,
}

/// Groups rows and computes aggregates per group.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// Grouping keys (none: one output row for the whole input).
    pub group_by: Vec<Expr>,
    /// Aggregate calls, each possibly aliased.
    pub aggregates: Vec<Expr>,
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// Output schema: keys, then aggregates.
    pub schema: QSchemaRef,
}

/// Adds window function columns to every row.
#[derive(Debug, Clone)]
pub struct Window {
    /// Window calls, each possibly aliased.
    pub window_exprs: Vec<Expr>,
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// Output schema: the input's columns, then one per window call.
    pub schema: QSchemaRef,
}

/// Joins two inputs.
#[derive(Debug, Clone)]
pub struct Join {
    /// Left input (the probe side).
    pub left: Arc<LogicalPlan>,
    /// Right input (the build side).
    pub right: Arc<LogicalPlan>,
    /// Equi-join key pairs: left expression, right expression.
    pub on: Vec<(Expr, Expr)>,
    /// Extra (non-equi) condition over both sides.
    pub filter: Option<Expr>,
    /// The join type.
    pub join_type: JoinType,
    /// Whether NULL keys match each other (`IS NOT DISTINCT FROM` keys).
    pub null_equals_null: bool,
    /// Output schema.
    pub schema: QSchemaRef,
}

/// Orders rows.
#[derive(Debug, Clone)]
pub struct Sort {
    /// Sort keys, most significant first.
    pub exprs: Vec<SortExpr>,
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// Only the first `fetch` rows are needed (top-k).
    pub fetch: Option<usize>,
}

/// Skips and limits rows.
#[derive(Debug, Clone)]
pub struct Limit {
    /// Rows skipped.
    pub skip: usize,
    /// Rows returned at most after skipping.
    pub fetch: Option<usize>,
    /// The input.
    pub input: Arc<LogicalPlan>,
}

/// Removes duplicate rows.
#[derive(Debug, Clone)]
pub struct Distinct {
    /// The input.
    pub input: Arc<LogicalPlan>,
}

/// Concatenates inputs with the same column types (UNION ALL).
#[derive(Debug, Clone)]
pub struct Union {
    /// Inputs, each with the output's column count.
    pub inputs: Vec<Arc<LogicalPlan>>,
    /// Output schema (the first input's names, the common types).
    pub schema: QSchemaRef,
}

/// Renames a relation (`(subquery) AS t`).
#[derive(Debug, Clone)]
pub struct SubqueryAlias {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// The new relation name.
    pub alias: String,
    /// The input's schema re-qualified by `alias`.
    pub schema: QSchemaRef,
}

/// Literal rows (`VALUES (1, 'a'), (2, 'b')`).
#[derive(Debug, Clone)]
pub struct Values {
    /// Each row's values: constant expressions.
    pub rows: Vec<Vec<Expr>>,
    /// Output schema.
    pub schema: QSchemaRef,
}

/// One output row per element of a list column (`unnest`, Polars' `explode`); rows whose
/// list is NULL or empty produce none.
#[derive(Debug, Clone)]
pub struct Unnest {
    /// The input.
    pub input: Arc<LogicalPlan>,
    /// Index of the list column in the input schema.
    pub column: usize,
    /// Output schema: the input's, with the list column replaced by its element type.
    pub schema: QSchemaRef,
}

/// No input: zero rows, or one row with no columns (`SELECT 1`).
#[derive(Debug, Clone)]
pub struct EmptyRelation {
    /// One row with no columns instead of none.
    pub produce_one_row: bool,
    /// Output schema (empty).
    pub schema: QSchemaRef,
}

/// A logical plan node.
#[derive(Debug, Clone)]
pub enum LogicalPlan {
    /// See [`TableScan`].
    TableScan(TableScan),
    /// See [`Projection`].
    Projection(Projection),
    /// See [`Filter`].
    Filter(Filter),
    /// See [`Aggregate`].
    Aggregate(Aggregate),
    /// See [`Window`].
    Window(Window),
    /// See [`Join`].
    Join(Join),
    /// See [`Sort`].
    Sort(Sort),
    /// See [`Limit`].
    Limit(Limit),
    /// See [`Distinct`].
    Distinct(Distinct),
    /// See [`Union`].
    Union(Union),
    /// See [`SubqueryAlias`].
    SubqueryAlias(SubqueryAlias),
    /// See [`Values`].
    Values(Values),
    /// See [`EmptyRelation`].
    EmptyRelation(EmptyRelation),
    /// See [`Unnest`].
    Unnest(Unnest),
}

impl LogicalPlan {
    /// The node's output schema.
    pub fn schema(&self) -> &QSchemaRef {
        match self {
            LogicalPlan::TableScan(n) => &n.schema,
            LogicalPlan::Projection(n) => &n.schema,
            LogicalPlan::Filter(n) => n.input.schema(),
            LogicalPlan::Aggregate(n) => &n.schema,
            LogicalPlan::Window(n) => &n.schema,
            LogicalPlan::Join(n) => &n.schema,
            LogicalPlan::Sort(n) => n.input.schema(),
            LogicalPlan::Limit(n) => n.input.schema(),
            LogicalPlan::Distinct(n) => n.input.schema(),
            LogicalPlan::Union(n) => &n.schema,
            LogicalPlan::SubqueryAlias(n) => &n.schema,
            LogicalPlan::Values(n) => &n.schema,
            LogicalPlan::EmptyRelation(n) => &n.schema,
            LogicalPlan::Unnest(n) => &n.schema,
        }
    }

    /// The node's inputs.
    pub fn inputs(&self) -> Vec<&Arc<LogicalPlan>> {
        match self {
            LogicalPlan::TableScan(_) | LogicalPlan::Values(_) | LogicalPlan::EmptyRelation(_) => {
                vec![]
            }
            LogicalPlan::Projection(n) => vec![&n.input],
            LogicalPlan::Filter(n) => vec![&n.input],
            LogicalPlan::Aggregate(n) => vec![&n.input],
            LogicalPlan::Window(n) => vec![&n.input],
            LogicalPlan::Join(n) => vec![&n.left, &n.right],
            LogicalPlan::Sort(n) => vec![&n.input],
            LogicalPlan::Limit(n) => vec![&n.input],
            LogicalPlan::Distinct(n) => vec![&n.input],
            LogicalPlan::Union(n) => n.inputs.iter().collect(),
            LogicalPlan::SubqueryAlias(n) => vec![&n.input],
            LogicalPlan::Unnest(n) => vec![&n.input],
        }
    }

    /// The same node over new inputs (same count and order as [`inputs`](Self::inputs)).
    /// Schemas that derive from inputs are recomputed by the caller's builder when needed;
    /// this keeps stored schemas, which stay valid as long as the inputs' schemas do.
    pub fn with_new_inputs(&self, mut inputs: Vec<Arc<LogicalPlan>>) -> LogicalPlan {
        let mut next = || inputs.remove(0);
        match self {
            LogicalPlan::TableScan(_) | LogicalPlan::Values(_) | LogicalPlan::EmptyRelation(_) => {
                self.clone()
            }
            LogicalPlan::Projection(n) => LogicalPlan::Projection(Projection {
                input: next(),
                ..n.clone()
            }),
            LogicalPlan::Filter(n) => LogicalPlan::Filter(Filter {
                input: next(),
                ..n.clone()
            }),
            LogicalPlan::Aggregate(n) => LogicalPlan::Aggregate(Aggregate {
                input: next(),
                ..n.clone()
            }),
            LogicalPlan::Window(n) => LogicalPlan::Window(Window {
                input: next(),
                ..n.clone()
            }),
            LogicalPlan::Join(n) => {
                let left = next();
                let right = next();
                LogicalPlan::Join(Join {
                    left,
                    right,
                    ..n.clone()
                })
            }
            LogicalPlan::Sort(n) => LogicalPlan::Sort(Sort {
                input: next(),
                ..n.clone()
            }),
            LogicalPlan::Limit(n) => LogicalPlan::Limit(Limit {
                input: next(),
                ..n.clone()
            }),
            LogicalPlan::Distinct(_) => LogicalPlan::Distinct(Distinct { input: next() }),
            LogicalPlan::Union(n) => LogicalPlan::Union(Union {
                inputs: std::mem::take(&mut inputs),
                schema: n.schema.clone(),
            }),
            LogicalPlan::SubqueryAlias(n) => LogicalPlan::SubqueryAlias(SubqueryAlias {
                input: next(),
                ..n.clone()
            }),
            LogicalPlan::Unnest(n) => LogicalPlan::Unnest(Unnest {
                input: next(),
                ..n.clone()
            }),
        }
    }

    /// A short estimate of the output row count, for choosing join build sides.
    pub fn estimated_rows(&self) -> Option<usize> {
        match self {
            LogicalPlan::TableScan(s) => {
                let n = s.source.estimated_rows()?;
                let n = if s.filters.is_empty() { n } else { n / 4 };
                Some(s.fetch.map_or(n, |f| f.min(n)))
            }
            LogicalPlan::Filter(f) => f.input.estimated_rows().map(|n| n / 4),
            LogicalPlan::Aggregate(a) => {
                if a.group_by.is_empty() {
                    Some(1)
                } else {
                    a.input.estimated_rows().map(|n| n / 8)
                }
            }
            LogicalPlan::Limit(l) => {
                let n = l.input.estimated_rows();
                match (n, l.fetch) {
                    (Some(n), Some(f)) => Some(n.min(f)),
                    (None, Some(f)) => Some(f),
                    (n, None) => n,
                }
            }
            LogicalPlan::Join(j) => {
                let l = j.left.estimated_rows()?;
                let r = j.right.estimated_rows()?;
                Some(match j.join_type {
                    JoinType::Cross => l.saturating_mul(r),
                    JoinType::LeftSemi | JoinType::LeftAnti => l,
                    _ => l.max(r),
                })
            }
            LogicalPlan::Values(v) => Some(v.rows.len()),
            LogicalPlan::EmptyRelation(e) => Some(usize::from(e.produce_one_row)),
            LogicalPlan::Union(u) => u.inputs.iter().map(|i| i.estimated_rows()).sum(),
            other => other.inputs().first().and_then(|i| i.estimated_rows()),
        }
    }
}
