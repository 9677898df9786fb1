//! Polars-style expression builders: `col("a").gt(lit(1)).and(col("b").is_not_null())`.
//!
//! Arithmetic uses Rust's operators (`col("a") * lit(2)`); comparisons and logic are methods
//! because Rust's comparison traits must return `bool`.

use std::ops;

use arrow::datatypes::DataType;

use super::*;

/// A column by name. `"t.c"` is not split: use [`Column::qualified`] for qualified names.
/// `col("*")` selects every column.
pub fn col(name: &str) -> Expr {
    if name == "*" {
        return Expr::Wildcard { qualifier: None };
    }
    Expr::Column(Column::new(name))
}

/// Several columns by name.
pub fn cols<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<Expr> {
    names.into_iter().map(col).collect()
}

/// A literal value.
pub fn lit(value: impl Into<ScalarValue>) -> Expr {
    Expr::Literal(value.into())
}

/// A typed NULL literal.
pub fn lit_null(data_type: &DataType) -> Expr {
    Expr::Literal(ScalarValue::null(data_type))
}

/// The number of rows (`count(*)`), as Polars' `pl.len()`.
pub fn len() -> Expr {
    Expr::Aggregate(AggregateCall {
        func: "count_star".into(),
        args: vec![],
        distinct: false,
        filter: None,
        order_by: vec![],
    })
    .alias("len")
}

/// Starts a `when(cond).then(v).otherwise(w)` chain.
pub fn when(condition: Expr) -> When {
    When {
        done: vec![],
        condition,
    }
}

/// A `when` waiting for its `then`.
#[derive(Debug, Clone)]
pub struct When {
    done: Vec<(Expr, Expr)>,
    condition: Expr,
}

impl When {
    /// The value where the condition holds.
    pub fn then(self, value: Expr) -> Then {
        let mut done = self.done;
        done.push((self.condition, value));
        Then { when_then: done }
    }
}

/// A `when .. then` chain that may continue with `when` or end with `otherwise`.
#[derive(Debug, Clone)]
pub struct Then {
    when_then: Vec<(Expr, Expr)>,
}

impl Then {
    /// Another condition, tried when the earlier ones did not hold.
    pub fn when(self, condition: Expr) -> When {
        When {
            done: self.when_then,
            condition,
        }
    }

    /// The value where no condition held.
    pub fn otherwise(self, value: Expr) -> Expr {
        Expr::Case {
            operand: None,
            when_then: self.when_then,
            otherwise: Some(value.boxed()),
        }
    }

    /// Ends the chain with NULL where no condition held.
    pub fn end(self) -> Expr {
        Expr::Case {
            operand: None,
            when_then: self.when_then,
            otherwise: None,
        }
    }
}

fn binary(l: Expr, op: Operator, r: Expr) -> Expr {
    Expr::BinaryOp {
        left: l.boxed(),
        op,
        right: r.boxed(),
    }
}

impl Expr {
    /// Names the expression's output.
    pub fn alias(self, name: impl Into<String>) -> Expr {
        Expr::Alias(self.unalias().clone().boxed(), name.into())
    }

    /// `self = other`
    pub fn eq(self, other: Expr) -> Expr {
        binary(self, Operator::Eq, other)
    }
    /// `self <> other`
    pub fn not_eq(self, other: Expr) -> Expr {
        binary(self, Operator::NotEq, other)
    }
    /// `self < other`
    pub fn lt(self, other: Expr) -> Expr {
        binary(self, Operator::Lt, other)
    }
    /// `self <= other`
    pub fn lt_eq(self, other: Expr) -> Expr {
        binary(self, Operator::LtEq, other)
    }
    /// `self > other`
    pub fn gt(self, other: Expr) -> Expr {
        binary(self, Operator::Gt, other)
    }
    /// `self >= other`
    pub fn gt_eq(self, other: Expr) -> Expr {
        binary(self, Operator::GtEq, other)
    }
    /// `self AND other`
    pub fn and(self, other: Expr) -> Expr {
        binary(self, Operator::And, other)
    }
    /// `self OR other`
    pub fn or(self, other: Expr) -> Expr {
        binary(self, Operator::Or, other)
    }
    /// `NOT self` (also available as the `!` operator).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Expr {
        Expr::Not(self.boxed())
    }
    /// Integer division `self // other`.
    pub fn floor_div(self, other: Expr) -> Expr {
        binary(self, Operator::IntegerDivide, other)
    }
    /// `self IS NULL`
    pub fn is_null(self) -> Expr {
        Expr::IsNull(self.boxed())
    }
    /// `self IS NOT NULL`
    pub fn is_not_null(self) -> Expr {
        Expr::IsNotNull(self.boxed())
    }
    /// `self IN (values)`
    pub fn is_in(self, values: impl IntoIterator<Item = Expr>) -> Expr {
        Expr::InList {
            expr: self.boxed(),
            list: values.into_iter().collect(),
            negated: false,
        }
    }
    /// `self BETWEEN low AND high` (inclusive).
    pub fn is_between(self, low: Expr, high: Expr) -> Expr {
        Expr::Between {
            expr: self.boxed(),
            negated: false,
            low: low.boxed(),
            high: high.boxed(),
        }
    }
    /// `self LIKE pattern`
    pub fn like(self, pattern: impl Into<String>) -> Expr {
        Expr::Like {
            expr: self.boxed(),
            pattern: lit(pattern.into()).boxed(),
            negated: false,
            case_insensitive: false,
            escape: None,
        }
    }
    /// `self NOT LIKE pattern`
    pub fn not_like(self, pattern: impl Into<String>) -> Expr {
        Expr::Like {
            expr: self.boxed(),
            pattern: lit(pattern.into()).boxed(),
            negated: true,
            case_insensitive: false,
            escape: None,
        }
    }
    /// `self ILIKE pattern`
    pub fn ilike(self, pattern: impl Into<String>) -> Expr {
        Expr::Like {
            expr: self.boxed(),
            pattern: lit(pattern.into()).boxed(),
            negated: false,
            case_insensitive: true,
            escape: None,
        }
    }
    /// `CAST(self AS to)`
    pub fn cast(self, to: DataType) -> Expr {
        Expr::Cast {
            expr: self.boxed(),
            to,
            try_cast: false,
        }
    }
    /// `TRY_CAST(self AS to)`: NULL where the cast fails.
    pub fn try_cast(self, to: DataType) -> Expr {
        Expr::Cast {
            expr: self.boxed(),
            to,
            try_cast: true,
        }
    }
    /// `coalesce(self, other)`
    pub fn fill_null(self, other: Expr) -> Expr {
        call("coalesce", vec![self, other])
    }

    fn agg(self, func: &str) -> Expr {
        Expr::Aggregate(AggregateCall {
            func: func.into(),
            args: vec![self],
            distinct: false,
            filter: None,
            order_by: vec![],
        })
    }

    /// `sum(self)`
    pub fn sum(self) -> Expr {
        self.agg("sum")
    }
    /// `avg(self)` (Polars' `mean`)
    pub fn mean(self) -> Expr {
        self.agg("avg")
    }
    /// `min(self)`
    pub fn min(self) -> Expr {
        self.agg("min")
    }
    /// `max(self)`
    pub fn max(self) -> Expr {
        self.agg("max")
    }
    /// `count(self)`: non-NULL values.
    pub fn count(self) -> Expr {
        self.agg("count")
    }
    /// `count(DISTINCT self)` (Polars' `n_unique` counts NULL too; this does not).
    pub fn count_distinct(self) -> Expr {
        match self.agg("count") {
            Expr::Aggregate(mut a) => {
                a.distinct = true;
                Expr::Aggregate(a)
            }
            _ => unreachable!("agg builds an aggregate"),
        }
    }
    /// `first(self)`
    pub fn first(self) -> Expr {
        self.agg("first")
    }
    /// `last(self)`
    pub fn last(self) -> Expr {
        self.agg("last")
    }
    /// `median(self)`
    pub fn median(self) -> Expr {
        self.agg("median")
    }
    /// `quantile_cont(self, q)`
    pub fn quantile(self, q: f64) -> Expr {
        Expr::Aggregate(AggregateCall {
            func: "quantile_cont".into(),
            args: vec![self, lit(q)],
            distinct: false,
            filter: None,
            order_by: vec![],
        })
    }
    /// `stddev_samp(self)`
    pub fn std(self) -> Expr {
        self.agg("stddev_samp")
    }
    /// `var_samp(self)`
    pub fn var(self) -> Expr {
        self.agg("var_samp")
    }
    /// `list(self)`: the values gathered into a list.
    pub fn implode(self) -> Expr {
        self.agg("list")
    }
    /// `string_agg(self, sep)`
    pub fn str_join(self, separator: &str) -> Expr {
        Expr::Aggregate(AggregateCall {
            func: "string_agg".into(),
            args: vec![self, lit(separator)],
            distinct: false,
            filter: None,
            order_by: vec![],
        })
    }

    /// Evaluates an aggregate or ranking expression per partition, keeping every row
    /// (a window function), as Polars' `.over()`.
    pub fn over(self, partition_by: impl IntoIterator<Item = Expr>) -> Expr {
        self.over_ordered(partition_by, vec![])
    }

    /// A window over partitions with an order, as SQL's
    /// `OVER (PARTITION BY .. ORDER BY ..)`.
    pub fn over_ordered(
        self,
        partition_by: impl IntoIterator<Item = Expr>,
        order_by: Vec<SortExpr>,
    ) -> Expr {
        let partition_by: Vec<Expr> = partition_by.into_iter().collect();
        match self {
            Expr::Alias(inner, name) => inner.over_ordered(partition_by, order_by).alias(name),
            Expr::Aggregate(a) => Expr::Window(Box::new(WindowCall {
                func: a.func,
                args: a.args,
                partition_by,
                order_by,
                frame: None,
                distinct: a.distinct,
                ignore_nulls: false,
            })),
            Expr::Function { name, args } if crate::functions::is_window_function(&name) => {
                Expr::Window(Box::new(WindowCall {
                    func: name,
                    args,
                    partition_by,
                    order_by,
                    frame: None,
                    distinct: false,
                    ignore_nulls: false,
                }))
            }
            // A plain expression over a window is the expression itself (Polars semantics
            // for element-wise expressions).
            other => other,
        }
    }

    /// Sort key ascending.
    pub fn sort_asc(self) -> SortExpr {
        SortExpr::asc(self)
    }

    /// Sort key descending.
    pub fn sort_desc(self) -> SortExpr {
        SortExpr::desc(self)
    }
}

/// A scalar function call by name: `call("upper", vec![col("a")])`.
pub fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function {
        name: name.to_lowercase(),
        args,
    }
}

/// An aggregate call by name: `aggregate("quantile_cont", vec![col("a"), lit(0.9)])`.
pub fn aggregate(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Aggregate(AggregateCall {
        func: name.to_lowercase(),
        args,
        distinct: false,
        filter: None,
        order_by: vec![],
    })
}

/// A ranking / navigation window function (`row_number`, `rank`, `lag`, ...) by name, to
/// be completed with `.over_ordered(..)`.
pub fn window_fn(name: &str, args: Vec<Expr>) -> Expr {
    call(name, args)
}

macro_rules! arith_op {
    ($trait:ident, $method:ident, $op:expr) => {
        impl ops::$trait for Expr {
            type Output = Expr;
            fn $method(self, rhs: Expr) -> Expr {
                binary(self, $op, rhs)
            }
        }
    };
}

arith_op!(Add, add, Operator::Plus);
arith_op!(Sub, sub, Operator::Minus);
arith_op!(Mul, mul, Operator::Multiply);
arith_op!(Div, div, Operator::Divide);
arith_op!(Rem, rem, Operator::Modulo);

impl ops::Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        Expr::Negative(self.boxed())
    }
}

impl ops::Not for Expr {
    type Output = Expr;
    fn not(self) -> Expr {
        Expr::Not(self.boxed())
    }
}

/// A `DATE` literal from year, month and day (like Polars' `pl.date(y, m, d)`).
///
/// # Panics
/// Panics if the date does not exist (a programming error in a literal).
pub fn date(year: i32, month: u32, day: u32) -> Expr {
    let d = chrono::NaiveDate::from_ymd_opt(year, month, day)
        .unwrap_or_else(|| panic!("{year}-{month:02}-{day:02} is not a valid date"));
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch is a valid date");
    Expr::Literal(ScalarValue::date32((d - epoch).num_days() as i32))
}
