//! `Expr` for Python: a wrapper over the engine's [`Expr`] with the building blocks the
//! Python layer (`quiver/expr.py`) composes into Polars' method names.

use arrow::datatypes::{DataType, TimeUnit};
use pyo3::prelude::*;
use quiver_engine::expr::builders::{aggregate, call};
use quiver_engine::expr::{
    AggregateCall, FrameBound, FrameUnits, Operator, SortExpr, WindowCall, WindowFrame,
};
use quiver_engine::prelude::*;
use quiver_engine::types::ScalarValue;

use crate::convert::build_column;
use crate::error::{conversion, IntoPy};

/// An expression over the columns of a frame.
#[pyclass(name = "Expr", module = "quiver._quiver", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyExpr {
    pub inner: Expr,
}

impl From<Expr> for PyExpr {
    fn from(inner: Expr) -> Self {
        Self { inner }
    }
}

/// The engine type for a Polars-style type name (`Int64`, `Float64`, `String`, `Date`, ...).
pub fn parse_dtype(name: &str) -> PyResult<DataType> {
    Ok(match name {
        "Boolean" => DataType::Boolean,
        "Int8" => DataType::Int8,
        "Int16" => DataType::Int16,
        "Int32" => DataType::Int32,
        "Int64" => DataType::Int64,
        "UInt8" => DataType::UInt8,
        "UInt16" => DataType::UInt16,
        "UInt32" => DataType::UInt32,
        "UInt64" => DataType::UInt64,
        "Float32" => DataType::Float32,
        "Float64" => DataType::Float64,
        "String" | "Utf8" => DataType::Utf8,
        "Date" => DataType::Date32,
        "Datetime" => DataType::Timestamp(TimeUnit::Microsecond, None),
        "Null" => DataType::Null,
        other => return Err(conversion(format!("unknown data type `{other}`"))),
    })
}

fn exprs(list: Vec<PyExpr>) -> Vec<Expr> {
    list.into_iter().map(|e| e.inner).collect()
}

fn sort_keys(by: Vec<PyExpr>, descending: Vec<bool>, nulls_last: bool) -> Vec<SortExpr> {
    by.into_iter()
        .enumerate()
        .map(|(i, e)| SortExpr {
            expr: e.inner,
            descending: descending.get(i).copied().unwrap_or(false),
            nulls_first: !nulls_last,
        })
        .collect()
}

fn window(
    func: Expr,
    partition_by: Vec<Expr>,
    order_by: Vec<SortExpr>,
    cumulative: bool,
) -> PyResult<Expr> {
    // Cumulative: the partition's start to the current row. Otherwise an aggregate sees
    // its whole partition (Polars' `sum().over(g, order_by=t)` is the group's sum; the
    // order only decides which value is first or last).
    let frame = Some(WindowFrame {
        units: FrameUnits::Rows,
        start: FrameBound::UnboundedPreceding,
        end: if cumulative {
            FrameBound::CurrentRow
        } else {
            FrameBound::UnboundedFollowing
        },
    })
    .filter(|_| cumulative || !order_by.is_empty());
    Ok(match func {
        Expr::Alias(inner, name) => window(*inner, partition_by, order_by, cumulative)?.alias(name),
        Expr::Aggregate(AggregateCall {
            func,
            args,
            distinct,
            ..
        }) => Expr::Window(Box::new(WindowCall {
            func,
            args,
            partition_by,
            order_by,
            frame,
            distinct,
            ignore_nulls: false,
        })),
        Expr::Function { name, args } if quiver_engine::functions::is_window_function(&name) => {
            Expr::Window(Box::new(WindowCall {
                func: name,
                args,
                partition_by,
                order_by,
                frame,
                distinct: false,
                ignore_nulls: false,
            }))
        }
        other => other,
    })
}

#[pymethods]
impl PyExpr {
    /// A column by name.
    #[staticmethod]
    fn col(name: &str) -> Self {
        col(name).into()
    }

    /// A literal of a kind the Python side inferred (see `convert::build_column`).
    #[staticmethod]
    #[pyo3(signature = (kind, value, dtype=None))]
    fn lit(kind: &str, value: &Bound<'_, PyAny>, dtype: Option<&str>) -> PyResult<Self> {
        let list = pyo3::types::PyList::new(value.py(), [value])?;
        let array = build_column(kind, list.as_any())?;
        let mut scalar = ScalarValue::try_from_array(array).py_err()?;
        if let Some(t) = dtype {
            scalar = scalar.cast_to(&parse_dtype(t)?).py_err()?;
        }
        Ok(Expr::Literal(scalar).into())
    }

    /// `pl.len()`: the number of rows.
    #[staticmethod]
    fn len() -> Self {
        len().into()
    }

    /// `when/then` chains: pairs of conditions and values, and the fallback.
    #[staticmethod]
    #[pyo3(signature = (conditions, values, otherwise=None))]
    fn case(conditions: Vec<PyExpr>, values: Vec<PyExpr>, otherwise: Option<PyExpr>) -> Self {
        Expr::Case {
            operand: None,
            when_then: exprs(conditions).into_iter().zip(exprs(values)).collect(),
            otherwise: otherwise.map(|e| Box::new(e.inner)),
        }
        .into()
    }

    /// A scalar function by its registry name, e.g. `call("upper", [col("a")])`.
    #[staticmethod]
    fn function(name: &str, args: Vec<PyExpr>) -> Self {
        call(name, exprs(args)).into()
    }

    /// An aggregate by its registry name.
    #[staticmethod]
    #[pyo3(signature = (name, args, distinct=false))]
    fn aggregate(name: &str, args: Vec<PyExpr>, distinct: bool) -> Self {
        match aggregate(name, exprs(args)) {
            Expr::Aggregate(mut a) => {
                a.distinct = distinct;
                Expr::Aggregate(a).into()
            }
            other => other.into(),
        }
    }

    /// A binary operator by its SQL symbol.
    fn binary(&self, op: &str, other: PyExpr) -> PyResult<Self> {
        let op = match op {
            "+" => Operator::Plus,
            "-" => Operator::Minus,
            "*" => Operator::Multiply,
            "/" => Operator::Divide,
            "//" => Operator::IntegerDivide,
            "%" => Operator::Modulo,
            "=" => Operator::Eq,
            "!=" => Operator::NotEq,
            "<" => Operator::Lt,
            "<=" => Operator::LtEq,
            ">" => Operator::Gt,
            ">=" => Operator::GtEq,
            "and" => Operator::And,
            "or" => Operator::Or,
            "||" => Operator::StringConcat,
            "eq_missing" => Operator::IsNotDistinctFrom,
            "ne_missing" => Operator::IsDistinctFrom,
            other => return Err(conversion(format!("unknown operator `{other}`"))),
        };
        Ok(Expr::BinaryOp {
            left: Box::new(self.inner.clone()),
            op,
            right: Box::new(other.inner),
        }
        .into())
    }

    fn not_(&self) -> Self {
        self.inner.clone().not().into()
    }

    fn neg(&self) -> Self {
        (-self.inner.clone()).into()
    }

    fn alias(&self, name: &str) -> Self {
        self.inner.clone().alias(name).into()
    }

    #[pyo3(signature = (dtype, strict=true))]
    fn cast(&self, dtype: &str, strict: bool) -> PyResult<Self> {
        let to = parse_dtype(dtype)?;
        Ok(if strict {
            self.inner.clone().cast(to)
        } else {
            self.inner.clone().try_cast(to)
        }
        .into())
    }

    fn is_null(&self) -> Self {
        self.inner.clone().is_null().into()
    }

    fn is_not_null(&self) -> Self {
        self.inner.clone().is_not_null().into()
    }

    fn is_in(&self, values: Vec<PyExpr>) -> Self {
        self.inner.clone().is_in(exprs(values)).into()
    }

    fn is_between(&self, low: PyExpr, high: PyExpr) -> Self {
        self.inner.clone().is_between(low.inner, high.inner).into()
    }

    /// `LIKE` / `ILIKE` with a SQL pattern.
    #[pyo3(signature = (pattern, case_insensitive=false))]
    fn like(&self, pattern: &str, case_insensitive: bool) -> Self {
        if case_insensitive {
            self.inner.clone().ilike(pattern).into()
        } else {
            self.inner.clone().like(pattern).into()
        }
    }

    /// This expression evaluated per window: `partition_by` groups, `order_by` keys.
    /// `cumulative` frames from the partition's start to the current row.
    #[pyo3(signature = (partition_by, order_by, descending, nulls_last=false, cumulative=false))]
    fn over(
        &self,
        partition_by: Vec<PyExpr>,
        order_by: Vec<PyExpr>,
        descending: Vec<bool>,
        nulls_last: bool,
        cumulative: bool,
    ) -> PyResult<Self> {
        window(
            self.inner.clone(),
            exprs(partition_by),
            sort_keys(order_by, descending, nulls_last),
            cumulative,
        )
        .map(Into::into)
    }

    /// The name this expression's column gets.
    fn output_name(&self) -> String {
        self.inner.output_name()
    }

    /// Whether the expression is a bare column reference.
    fn is_column(&self) -> bool {
        matches!(self.inner.unalias(), Expr::Column(_))
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }
}

/// Sort keys for frames.
pub fn frame_sort_keys(by: Vec<PyExpr>, descending: Vec<bool>, nulls_last: bool) -> Vec<SortExpr> {
    sort_keys(by, descending, nulls_last)
}
