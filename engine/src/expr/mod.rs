//! Logical expressions: what a query computes, independent of how.
//!
//! An [`Expr`] names columns by (optionally qualified) name and functions by name; the
//! physical planner resolves both against the input schema and the function registry.
//! Builders in [`builders`] give the Polars-style surface (`col("a").sum().alias("s")`),
//! [`type_of`] infers types and nullability, and [`rewrite`] walks and transforms trees.

pub mod builders;
mod display;
mod rewrite;
mod type_of;

pub use type_of::literal_args;

use arrow::datatypes::DataType;

use crate::types::ScalarValue;

pub use builders::{col, cols, len, lit, lit_null, when, When};
pub use rewrite::{Transformed, TreeNodeRecursion};

/// A reference to a column: an optional relation (table alias) and a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Column {
    /// The table or alias the column belongs to, if given.
    pub relation: Option<String>,
    /// The column's name.
    pub name: String,
}

impl Column {
    /// An unqualified column.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            relation: None,
            name: name.into(),
        }
    }

    /// A qualified column `relation.name`.
    pub fn qualified(relation: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            relation: Some(relation.into()),
            name: name.into(),
        }
    }

    /// `relation.name` or `name`.
    pub fn flat_name(&self) -> String {
        match &self.relation {
            Some(r) => format!("{r}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`
    Eq,
    /// `<>`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `IS DISTINCT FROM` (NULL-safe inequality)
    IsDistinctFrom,
    /// `IS NOT DISTINCT FROM` (NULL-safe equality)
    IsNotDistinctFrom,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Multiply,
    /// `/` (floating point division)
    Divide,
    /// `//` (integer division)
    IntegerDivide,
    /// `%`
    Modulo,
    /// `AND`
    And,
    /// `OR`
    Or,
    /// `||` string concatenation
    StringConcat,
}

impl Operator {
    /// Whether the operator compares its operands and yields a boolean.
    pub fn is_comparison(self) -> bool {
        use Operator::*;
        matches!(
            self,
            Eq | NotEq | Lt | LtEq | Gt | GtEq | IsDistinctFrom | IsNotDistinctFrom
        )
    }

    /// Whether the operator is arithmetic.
    pub fn is_arithmetic(self) -> bool {
        use Operator::*;
        matches!(
            self,
            Plus | Minus | Multiply | Divide | IntegerDivide | Modulo
        )
    }

    /// The operator with its operands swapped (`a < b` is `b > a`), for comparisons.
    pub fn swap(self) -> Option<Operator> {
        use Operator::*;
        Some(match self {
            Eq => Eq,
            NotEq => NotEq,
            Lt => Gt,
            LtEq => GtEq,
            Gt => Lt,
            GtEq => LtEq,
            IsDistinctFrom => IsDistinctFrom,
            IsNotDistinctFrom => IsNotDistinctFrom,
            _ => return None,
        })
    }

    /// The negated comparison (`a < b` is `NOT a >= b`).
    pub fn negate(self) -> Option<Operator> {
        use Operator::*;
        Some(match self {
            Eq => NotEq,
            NotEq => Eq,
            Lt => GtEq,
            LtEq => Gt,
            Gt => LtEq,
            GtEq => Lt,
            IsDistinctFrom => IsNotDistinctFrom,
            IsNotDistinctFrom => IsDistinctFrom,
            _ => return None,
        })
    }

    /// The SQL spelling.
    pub fn symbol(self) -> &'static str {
        use Operator::*;
        match self {
            Eq => "=",
            NotEq => "<>",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            IsDistinctFrom => "IS DISTINCT FROM",
            IsNotDistinctFrom => "IS NOT DISTINCT FROM",
            Plus => "+",
            Minus => "-",
            Multiply => "*",
            Divide => "/",
            IntegerDivide => "//",
            Modulo => "%",
            And => "AND",
            Or => "OR",
            StringConcat => "||",
        }
    }
}

/// A sort key: an expression, its direction and where NULLs go.
#[derive(Debug, Clone, PartialEq)]
pub struct SortExpr {
    /// What to sort by.
    pub expr: Expr,
    /// Descending order.
    pub descending: bool,
    /// NULLs before non-NULL values. DuckDB's default is NULLS LAST for both directions.
    pub nulls_first: bool,
}

impl SortExpr {
    /// Ascending, NULLs last (DuckDB's default).
    pub fn asc(expr: Expr) -> Self {
        Self {
            expr,
            descending: false,
            nulls_first: false,
        }
    }

    /// Descending, NULLs last (DuckDB's default).
    pub fn desc(expr: Expr) -> Self {
        Self {
            expr,
            descending: true,
            nulls_first: false,
        }
    }
}

/// An aggregate call: `sum(DISTINCT x) FILTER (WHERE y)`.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateCall {
    /// The function name, lower case (`sum`, `count`, `quantile_cont`, ...).
    pub func: String,
    /// Arguments; `count(*)` has none.
    pub args: Vec<Expr>,
    /// Aggregate only distinct values.
    pub distinct: bool,
    /// Only rows where this is true are aggregated.
    pub filter: Option<Box<Expr>>,
    /// Order of values for order-sensitive aggregates (string_agg, list, first, last).
    pub order_by: Vec<SortExpr>,
}

/// Window frame units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameUnits {
    /// Physical rows.
    Rows,
    /// Peer groups by value of the ORDER BY key.
    Range,
}

/// One end of a window frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameBound {
    /// `UNBOUNDED PRECEDING`
    UnboundedPreceding,
    /// `n PRECEDING`
    Preceding(u64),
    /// `CURRENT ROW`
    CurrentRow,
    /// `n FOLLOWING`
    Following(u64),
    /// `UNBOUNDED FOLLOWING`
    UnboundedFollowing,
}

/// A window frame: `ROWS BETWEEN 2 PRECEDING AND CURRENT ROW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowFrame {
    /// ROWS or RANGE.
    pub units: FrameUnits,
    /// The frame's start.
    pub start: FrameBound,
    /// The frame's end.
    pub end: FrameBound,
}

impl WindowFrame {
    /// The SQL default with ORDER BY: `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`.
    pub const DEFAULT_ORDERED: WindowFrame = WindowFrame {
        units: FrameUnits::Range,
        start: FrameBound::UnboundedPreceding,
        end: FrameBound::CurrentRow,
    };
    /// The SQL default without ORDER BY: the whole partition.
    pub const WHOLE_PARTITION: WindowFrame = WindowFrame {
        units: FrameUnits::Rows,
        start: FrameBound::UnboundedPreceding,
        end: FrameBound::UnboundedFollowing,
    };
}

/// A window function call: `rank() OVER (PARTITION BY a ORDER BY b)`.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowCall {
    /// The function name (a ranking or navigation function, or any aggregate).
    pub func: String,
    /// Arguments.
    pub args: Vec<Expr>,
    /// PARTITION BY keys.
    pub partition_by: Vec<Expr>,
    /// ORDER BY keys.
    pub order_by: Vec<SortExpr>,
    /// The frame; `None` means the SQL default for the presence of ORDER BY.
    pub frame: Option<WindowFrame>,
    /// For aggregates: aggregate distinct values.
    pub distinct: bool,
    /// `IGNORE NULLS` for navigation functions.
    pub ignore_nulls: bool,
}

impl WindowCall {
    /// The frame in effect, with SQL's defaults applied.
    pub fn effective_frame(&self) -> WindowFrame {
        self.frame.unwrap_or(if self.order_by.is_empty() {
            WindowFrame::WHOLE_PARTITION
        } else {
            WindowFrame::DEFAULT_ORDERED
        })
    }
}

/// A logical expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A column reference.
    Column(Column),
    /// A constant.
    Literal(ScalarValue),
    /// An expression with an output name.
    Alias(Box<Expr>, String),
    /// `left op right`
    BinaryOp {
        /// Left operand.
        left: Box<Expr>,
        /// The operator.
        op: Operator,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `NOT e` (three-valued)
    Not(Box<Expr>),
    /// `-e`
    Negative(Box<Expr>),
    /// `e IS NULL`
    IsNull(Box<Expr>),
    /// `e IS NOT NULL`
    IsNotNull(Box<Expr>),
    /// `e [NOT] BETWEEN low AND high`
    Between {
        /// The tested value.
        expr: Box<Expr>,
        /// NOT BETWEEN.
        negated: bool,
        /// Lower bound (inclusive).
        low: Box<Expr>,
        /// Upper bound (inclusive).
        high: Box<Expr>,
    },
    /// `e [NOT] IN (list)`
    InList {
        /// The tested value.
        expr: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
        /// NOT IN.
        negated: bool,
    },
    /// `e [NOT] LIKE | ILIKE pattern [ESCAPE c]`
    Like {
        /// The tested string.
        expr: Box<Expr>,
        /// The pattern (`%` and `_` wildcards).
        pattern: Box<Expr>,
        /// NOT LIKE.
        negated: bool,
        /// ILIKE.
        case_insensitive: bool,
        /// The escape character.
        escape: Option<char>,
    },
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`
    Case {
        /// The value compared with each WHEN (simple CASE), if any.
        operand: Option<Box<Expr>>,
        /// WHEN / THEN pairs.
        when_then: Vec<(Expr, Expr)>,
        /// ELSE; NULL when absent.
        otherwise: Option<Box<Expr>>,
    },
    /// `CAST(e AS type)` or `TRY_CAST` (NULL instead of an error).
    Cast {
        /// The value.
        expr: Box<Expr>,
        /// The target type.
        to: DataType,
        /// TRY_CAST semantics.
        try_cast: bool,
    },
    /// A scalar function call by name.
    Function {
        /// The function name, lower case.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// An aggregate call (only valid in an aggregation).
    Aggregate(AggregateCall),
    /// A window function call.
    Window(Box<WindowCall>),
    /// `*` or `t.*` in a projection, expanded by the plan builder.
    Wildcard {
        /// Only this relation's columns.
        qualifier: Option<String>,
    },
}

impl Expr {
    /// A boxed clone helper for builders.
    pub(crate) fn boxed(self) -> Box<Expr> {
        Box::new(self)
    }

    /// The expression's output name: the alias, the column name, or its SQL text.
    pub fn output_name(&self) -> String {
        match self {
            Expr::Alias(_, name) => name.clone(),
            Expr::Column(c) => c.name.clone(),
            Expr::Cast { expr, .. } if matches!(**expr, Expr::Column(_)) => expr.output_name(),
            other => other.to_string(),
        }
    }

    /// Strips top-level aliases.
    pub fn unalias(&self) -> &Expr {
        match self {
            Expr::Alias(e, _) => e.unalias(),
            e => e,
        }
    }

    /// Whether the expression contains an aggregate call (outside window calls).
    pub fn contains_aggregate(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| {
            if matches!(e, Expr::Aggregate(_)) {
                found = true;
                return TreeNodeRecursion::Stop;
            }
            if matches!(e, Expr::Window(_)) {
                return TreeNodeRecursion::Skip;
            }
            TreeNodeRecursion::Continue
        });
        found
    }

    /// Whether the expression contains a window call.
    pub fn contains_window(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| {
            if matches!(e, Expr::Window(_)) {
                found = true;
                return TreeNodeRecursion::Stop;
            }
            TreeNodeRecursion::Continue
        });
        found
    }

    /// Every column the expression references.
    pub fn columns(&self) -> Vec<Column> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Column(c) = e {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
            TreeNodeRecursion::Continue
        });
        out
    }

    /// Whether the expression is a constant (no columns, aggregates, windows).
    pub fn is_constant(&self) -> bool {
        let mut constant = true;
        self.visit(&mut |e| {
            if matches!(
                e,
                Expr::Column(_) | Expr::Aggregate(_) | Expr::Window(_) | Expr::Wildcard { .. }
            ) || matches!(e, Expr::Function { name, .. } if crate::functions::is_volatile(name))
            {
                constant = false;
                return TreeNodeRecursion::Stop;
            }
            TreeNodeRecursion::Continue
        });
        constant
    }

    /// Splits a conjunction into its terms: `a AND (b AND c)` gives `[a, b, c]`.
    pub fn split_conjunction(self) -> Vec<Expr> {
        match self {
            Expr::BinaryOp {
                left,
                op: Operator::And,
                right,
            } => {
                let mut v = left.split_conjunction();
                v.extend(right.split_conjunction());
                v
            }
            Expr::Alias(e, _) => e.split_conjunction(),
            e => vec![e],
        }
    }

    /// Joins terms with AND; `None` for no terms.
    pub fn conjunction(terms: impl IntoIterator<Item = Expr>) -> Option<Expr> {
        terms.into_iter().reduce(|a, b| a.and(b))
    }
}
