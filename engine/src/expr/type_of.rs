//! Type and nullability inference for expressions against an input schema.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};

use super::*;
use crate::error::{Error, Result};
use crate::functions::registry;
use crate::types::{arithmetic_result_type, union_type, ArithmeticOp, QSchema};

impl Operator {
    /// The arithmetic operator for type rules, if this is one.
    pub fn arithmetic(self) -> Option<ArithmeticOp> {
        Some(match self {
            Operator::Plus => ArithmeticOp::Plus,
            Operator::Minus => ArithmeticOp::Minus,
            Operator::Multiply => ArithmeticOp::Multiply,
            Operator::Divide => ArithmeticOp::Divide,
            Operator::IntegerDivide => ArithmeticOp::IntegerDivide,
            Operator::Modulo => ArithmeticOp::Modulo,
            _ => return None,
        })
    }
}

/// The literal values among `args` (`None` for non-literals), for signatures. A constant
/// function call (`[0.25, 0.5]`, `1 / 4`) is folded to its value.
pub fn literal_args(args: &[Expr]) -> Vec<Option<ScalarValue>> {
    args.iter()
        .map(|a| match a.unalias() {
            Expr::Literal(v) => Some(v.clone()),
            Expr::Cast { expr, to, .. } => match &**expr {
                Expr::Literal(v) => v.cast_to(to).ok(),
                _ => None,
            },
            e @ (Expr::Function { .. } | Expr::BinaryOp { .. } | Expr::Negative(_))
                if e.is_constant() =>
            {
                match crate::optimizer::simplify_expr(e.clone()).data.unalias() {
                    Expr::Literal(v) => Some(v.clone()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

impl Expr {
    /// The type the expression evaluates to over `schema`.
    pub fn data_type(&self, schema: &QSchema) -> Result<DataType> {
        Ok(match self {
            Expr::Column(c) => {
                let i = schema.index_of(c.relation.as_deref(), &c.name)?;
                schema.field(i).data_type().clone()
            }
            Expr::Literal(v) => v.data_type().clone(),
            Expr::Alias(e, _) => e.data_type(schema)?,
            Expr::BinaryOp { left, op, right } => {
                if let Some(aop) = op.arithmetic() {
                    arithmetic_result_type(
                        aop,
                        &left.data_type(schema)?,
                        &right.data_type(schema)?,
                    )?
                    .2
                } else if *op == Operator::StringConcat {
                    DataType::Utf8
                } else {
                    DataType::Boolean
                }
            }
            Expr::Not(_)
            | Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::Between { .. }
            | Expr::InList { .. }
            | Expr::Like { .. } => DataType::Boolean,
            Expr::Negative(e) => e.data_type(schema)?,
            Expr::Case {
                when_then,
                otherwise,
                ..
            } => {
                let mut t = DataType::Null;
                for (_, then) in when_then {
                    let tt = then.data_type(schema)?;
                    t = union_type(&t, &tt).ok_or_else(|| {
                        Error::Schema(format!(
                            "CASE branches have incompatible types {t} and {tt}; CAST them to one type"
                        ))
                    })?;
                }
                if let Some(o) = otherwise {
                    let ot = o.data_type(schema)?;
                    t = union_type(&t, &ot).ok_or_else(|| {
                        Error::Schema(format!(
                            "CASE branches have incompatible types {t} and {ot}; CAST them to one type"
                        ))
                    })?;
                }
                t
            }
            Expr::Cast { to, .. } => to.clone(),
            Expr::Function { name, args } => {
                let def = registry().scalar(name)?;
                let types = args
                    .iter()
                    .map(|a| a.data_type(schema))
                    .collect::<Result<Vec<_>>>()?;
                (def.signature)(&types, &literal_args(args))?.ret
            }
            Expr::Aggregate(a) => {
                if a.func == "count_star" {
                    return Ok(DataType::Int64);
                }
                let def = registry().aggregate(&a.func)?;
                let types = a
                    .args
                    .iter()
                    .map(|e| e.data_type(schema))
                    .collect::<Result<Vec<_>>>()?;
                (def.signature)(&types, &literal_args(&a.args))?.ret
            }
            Expr::Window(w) => {
                let types = w
                    .args
                    .iter()
                    .map(|e| e.data_type(schema))
                    .collect::<Result<Vec<_>>>()?;
                let lits = literal_args(&w.args);
                if let Some(def) = registry().window(&w.func) {
                    (def.signature)(&types, &lits)?.ret
                } else if w.func == "count_star" {
                    DataType::Int64
                } else {
                    let def = registry().aggregate(&w.func)?;
                    (def.signature)(&types, &lits)?.ret
                }
            }
            Expr::Wildcard { .. } => {
                return Err(Error::Plan("`*` can only be used in a projection".into()));
            }
        })
    }

    /// Whether the expression may be NULL over `schema` (conservative: `true` when unsure).
    pub fn nullable(&self, schema: &QSchema) -> Result<bool> {
        Ok(match self {
            Expr::Column(c) => {
                let i = schema.index_of(c.relation.as_deref(), &c.name)?;
                schema.field(i).field().is_nullable()
            }
            Expr::Literal(v) => v.is_null(),
            Expr::Alias(e, _) | Expr::Negative(e) | Expr::Not(e) => e.nullable(schema)?,
            Expr::IsNull(_) | Expr::IsNotNull(_) => false,
            Expr::BinaryOp { left, op, right } => match op {
                Operator::Divide | Operator::IntegerDivide | Operator::Modulo => true,
                Operator::IsDistinctFrom | Operator::IsNotDistinctFrom => false,
                _ => left.nullable(schema)? || right.nullable(schema)?,
            },
            Expr::Between {
                expr, low, high, ..
            } => expr.nullable(schema)? || low.nullable(schema)? || high.nullable(schema)?,
            Expr::Like { expr, pattern, .. } => {
                expr.nullable(schema)? || pattern.nullable(schema)?
            }
            Expr::Cast { expr, try_cast, .. } => *try_cast || expr.nullable(schema)?,
            Expr::Aggregate(a) => !(a.func == "count" || a.func == "count_star"),
            Expr::Window(w) => !matches!(
                w.func.as_str(),
                "count"
                    | "count_star"
                    | "row_number"
                    | "rank"
                    | "dense_rank"
                    | "percent_rank"
                    | "cume_dist"
            ),
            _ => true,
        })
    }

    /// The expression's output field (name, type, nullability) over `schema`, with the
    /// qualifier it keeps (a plain column keeps its relation).
    pub fn to_qfield(&self, schema: &QSchema) -> Result<crate::types::QField> {
        let field = Field::new(
            self.output_name(),
            self.data_type(schema)?,
            self.nullable(schema)?,
        );
        let qualifier = match self {
            Expr::Column(c) => {
                let i = schema.index_of(c.relation.as_deref(), &c.name)?;
                schema.field(i).qualifier().map(Arc::from)
            }
            _ => None,
        };
        Ok(crate::types::QField::new(qualifier, Arc::new(field)))
    }
}
