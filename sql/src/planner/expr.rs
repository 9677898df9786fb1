//! SQL expressions to engine expressions.
//!
//! Column names are not resolved here (the plan builder resolves them against the input
//! and suggests close names); this file maps syntax to `Expr`, types literals as DuckDB
//! does, and hands subqueries to [`super::subquery`], which joins them onto the plan.

use arrow::datatypes::DataType;
use quiver_engine::expr::builders::{aggregate as agg_call, call};
use quiver_engine::expr::{
    lit, AggregateCall, Column, Expr, FrameBound, FrameUnits, Operator, SortExpr, WindowCall,
    WindowFrame,
};
use quiver_engine::functions::registry;
use quiver_engine::logical::LogicalPlanBuilder;
use quiver_engine::types::ScalarValue;
use quiver_engine::{Error, Result};
use sqlparser::ast::{
    self, BinaryOperator, CastKind, DateTimeField, Expr as SqlExpr, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, UnaryOperator, Value, WindowFrameBound, WindowType,
};

use super::SqlPlanner;
use crate::types::arrow_type;

/// The literal of a SQL number, typed as DuckDB types it: INTEGER, BIGINT, HUGEINT-sized
/// DECIMAL for integers, DECIMAL(p,s) for decimal notation, DOUBLE for exponents.
pub(super) fn number_literal(text: &str) -> Result<ScalarValue> {
    if text.contains(['e', 'E']) {
        return text
            .parse::<f64>()
            .map(ScalarValue::from)
            .map_err(|_| bad_number(text));
    }
    match text.split_once('.') {
        None => {
            if let Ok(v) = text.parse::<i64>() {
                return Ok(match i32::try_from(v) {
                    Ok(v) => ScalarValue::from(v),
                    Err(_) => ScalarValue::from(v),
                });
            }
            match text.parse::<i128>() {
                Ok(v) if text.len() <= 38 => ScalarValue::decimal128(v, 38, 0),
                _ => text
                    .parse::<f64>()
                    .map(ScalarValue::from)
                    .map_err(|_| bad_number(text)),
            }
        }
        Some((int, frac)) => {
            let int = int.trim_start_matches('0');
            let scale = frac.len();
            let precision = (int.len() + scale).max(scale + 1).max(1);
            if precision > 38 {
                return text
                    .parse::<f64>()
                    .map(ScalarValue::from)
                    .map_err(|_| bad_number(text));
            }
            let digits: i128 = format!("{int}{frac}").parse::<i128>().unwrap_or(0);
            ScalarValue::decimal128(digits, precision as u8, scale as i8)
        }
    }
}

fn bad_number(text: &str) -> Error {
    Error::Syntax(format!("`{text}` is not a valid number"))
}

/// The interval of `INTERVAL '90' DAY`, `INTERVAL 3 MONTH`, `INTERVAL '1 year 2 days'`.
fn interval_literal(
    i: &ast::Interval,
    mut lower: impl FnMut(&SqlExpr) -> Result<Expr>,
) -> Result<Expr> {
    let text = match i.value.as_ref() {
        SqlExpr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => s.clone(),
            Value::Number(n, _) => n.to_string(),
            other => other.to_string(),
        },
        SqlExpr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => format!("-{expr}"),
        other => {
            let unit = i.leading_field.as_ref().map(|f| f.to_string());
            let constructor = unit
                .as_deref()
                .and_then(quiver_engine::functions::scalar::interval_ctor::constructor_for_unit)
                .ok_or_else(|| {
                    Error::NotSupported(format!(
                        "an INTERVAL of a non-constant (`{other}`) without a unit such as DAY"
                    ))
                })?;
            return Ok(call(constructor, vec![lower(other)?]));
        }
    };
    let unit = i
        .leading_field
        .as_ref()
        .map(|f| f.to_string().to_lowercase());
    let spelled = match &unit {
        Some(u) => format!("{} {u}", text.trim()),
        None => text.clone(),
    };
    let v = quiver_engine::types::parse_interval(&spelled).ok_or_else(|| {
        Error::Conversion(format!("Could not convert string '{text}' to INTERVAL"))
    })?;
    Ok(Expr::Literal(ScalarValue::interval(
        v.months,
        v.days,
        v.nanoseconds,
    )))
}

fn date_part_name(f: &DateTimeField) -> String {
    match f {
        DateTimeField::Custom(i) => i.value.to_lowercase(),
        other => other.to_string().to_lowercase(),
    }
}

/// A column reference from identifier parts (`c`, `t.c`, `schema.t.c`).
pub(super) fn column_from_idents(parts: &[ast::Ident]) -> Expr {
    match parts {
        [c] => Expr::Column(Column::new(c.value.clone())),
        [.., t, c] => Expr::Column(Column::qualified(t.value.clone(), c.value.clone())),
        [] => Expr::Wildcard { qualifier: None },
    }
}

fn binary(l: Expr, op: Operator, r: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(l),
        op,
        right: Box::new(r),
    }
}

impl SqlPlanner<'_> {
    /// Converts an expression; subqueries in it are joined onto `plan`.
    pub(super) fn sql_expr(&self, e: &SqlExpr, plan: &mut LogicalPlanBuilder) -> Result<Expr> {
        let mut go = |x: &SqlExpr| self.sql_expr(x, plan);
        Ok(match e {
            SqlExpr::Identifier(i) => {
                rowid_column(Expr::Column(Column::new(i.value.clone())), plan.schema())
            }
            SqlExpr::CompoundIdentifier(parts) => {
                let c = rowid_column(column_from_idents(parts), plan.schema());
                // `s.f` where `s` is a struct column, not a table: a field access.
                let schema = plan.schema();
                let resolves = |e: &Expr| c_resolves(e, schema);
                if parts.len() >= 2 && !resolves(&c) {
                    let head = Expr::Column(Column::new(parts[0].value.clone()));
                    if resolves(&head) {
                        return Ok(parts[1..].iter().fold(head, |e, f| {
                            call("struct_extract", vec![e, lit(f.value.clone())])
                        }));
                    }
                }
                c
            }
            SqlExpr::Value(v) => match &v.value {
                Value::Placeholder(p) => self.parameter(p, plan)?,
                other => Expr::Literal(self.value(other)?),
            },
            SqlExpr::Nested(inner) => go(inner)?,
            SqlExpr::TypedString(ts) => {
                let t = arrow_type(&ts.data_type)?;
                let s = match &ts.value.value {
                    Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
                    other => other.to_string(),
                };
                // Through the engine's cast, so DATE/TIME/TIMESTAMP literals parse as
                // DuckDB parses them (and fail with its messages).
                let text = ScalarValue::utf8(&s);
                let value = quiver_engine::physical::expr::cast_array(text.as_array(), &t, false)
                    .and_then(ScalarValue::try_from_array)
                    .map_err(|e| match e {
                        Error::Compute(m) if m.contains("field") => Error::Compute(m),
                        _ => Error::Compute(format!(
                            "`{s}` is not a valid {}",
                            crate::types::duckdb_type_name(&t)
                        )),
                    })?;
                Expr::Literal(value)
            }
            SqlExpr::Interval(i) => interval_literal(i, |e| self.sql_expr(e, plan))?,
            SqlExpr::BinaryOp { left, op, right } => {
                let (l, r) = (go(left)?, go(right)?);
                let op = match op {
                    BinaryOperator::Plus => Operator::Plus,
                    BinaryOperator::Minus => Operator::Minus,
                    BinaryOperator::Multiply => Operator::Multiply,
                    BinaryOperator::Divide => Operator::Divide,
                    BinaryOperator::Modulo => Operator::Modulo,
                    BinaryOperator::DuckIntegerDivide | BinaryOperator::MyIntegerDivide => {
                        Operator::IntegerDivide
                    }
                    BinaryOperator::StringConcat => Operator::StringConcat,
                    BinaryOperator::Gt => Operator::Gt,
                    BinaryOperator::Lt => Operator::Lt,
                    BinaryOperator::GtEq => Operator::GtEq,
                    BinaryOperator::LtEq => Operator::LtEq,
                    BinaryOperator::Eq => Operator::Eq,
                    BinaryOperator::NotEq => Operator::NotEq,
                    BinaryOperator::And => Operator::And,
                    BinaryOperator::Or => Operator::Or,
                    BinaryOperator::PGExp => return Ok(call("pow", vec![l, r])),
                    // List containment: `&&` overlaps, `@>` contains, `<@` is contained in.
                    BinaryOperator::PGOverlap => return Ok(call("list_has_any", vec![l, r])),
                    BinaryOperator::AtArrow => return Ok(call("list_has_all", vec![l, r])),
                    BinaryOperator::ArrowAt => return Ok(call("list_has_all", vec![r, l])),
                    other => return Err(Error::NotSupported(format!("the operator `{other}`"))),
                };
                binary(l, op, r)
            }
            SqlExpr::UnaryOp { op, expr } => match op {
                UnaryOperator::Not => Expr::Not(Box::new(go(expr)?)),
                UnaryOperator::Plus => go(expr)?,
                UnaryOperator::Minus => match go(expr)? {
                    Expr::Literal(v) if !v.is_null() => {
                        let neg = quiver_engine::optimizer::simplify_expr(Expr::Negative(
                            Box::new(Expr::Literal(v)),
                        ));
                        neg.data.unalias().clone()
                    }
                    other => Expr::Negative(Box::new(other)),
                },
                other => return Err(Error::NotSupported(format!("the operator `{other}`"))),
            },
            SqlExpr::IsNull(x) => Expr::IsNull(Box::new(go(x)?)),
            SqlExpr::IsNotNull(x) => Expr::IsNotNull(Box::new(go(x)?)),
            SqlExpr::IsTrue(x) => go(x)?.not_distinct_from(lit(true)),
            SqlExpr::IsNotTrue(x) => go(x)?.distinct_from(lit(true)),
            SqlExpr::IsFalse(x) => go(x)?.not_distinct_from(lit(false)),
            SqlExpr::IsNotFalse(x) => go(x)?.distinct_from(lit(false)),
            SqlExpr::IsUnknown(x) => Expr::IsNull(Box::new(go(x)?)),
            SqlExpr::IsNotUnknown(x) => Expr::IsNotNull(Box::new(go(x)?)),
            SqlExpr::IsDistinctFrom(a, b) => binary(go(a)?, Operator::IsDistinctFrom, go(b)?),
            SqlExpr::IsNotDistinctFrom(a, b) => binary(go(a)?, Operator::IsNotDistinctFrom, go(b)?),
            SqlExpr::Between {
                expr,
                negated,
                low,
                high,
            } => Expr::Between {
                expr: Box::new(go(expr)?),
                negated: *negated,
                low: Box::new(go(low)?),
                high: Box::new(go(high)?),
            },
            SqlExpr::In {
                expr,
                target,
                negated,
                ..
            } => match target {
                ast::InTarget::List(list) => Expr::InList {
                    expr: Box::new(go(expr)?),
                    list: list.iter().map(&mut go).collect::<Result<_>>()?,
                    negated: *negated,
                },
                ast::InTarget::Subquery(q) => {
                    let left = self.sql_expr(expr, plan)?;
                    return self.in_subquery_mark(left, q, *negated, plan);
                }
                other => return Err(Error::NotSupported(format!("IN {other}"))),
            },
            SqlExpr::Like {
                negated,
                expr,
                pattern,
                escape_char,
                any,
                ..
            } => {
                if *any {
                    return Err(Error::NotSupported("LIKE ANY".into()));
                }
                Expr::Like {
                    expr: Box::new(go(expr)?),
                    pattern: Box::new(go(pattern)?),
                    negated: *negated,
                    case_insensitive: false,
                    escape: escape_char
                        .as_ref()
                        .and_then(|c| c.to_string().trim_matches('\'').chars().next()),
                }
            }
            SqlExpr::ILike {
                negated,
                expr,
                pattern,
                escape_char,
                ..
            } => Expr::Like {
                expr: Box::new(go(expr)?),
                pattern: Box::new(go(pattern)?),
                negated: *negated,
                case_insensitive: true,
                escape: escape_char
                    .as_ref()
                    .and_then(|c| c.to_string().trim_matches('\'').chars().next()),
            },
            SqlExpr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => Expr::Case {
                operand: operand.as_ref().map(|o| go(o)).transpose()?.map(Box::new),
                when_then: conditions
                    .iter()
                    .map(|w| {
                        Ok((
                            self.sql_expr(&w.condition, plan)?,
                            self.sql_expr(&w.result, plan)?,
                        ))
                    })
                    .collect::<Result<_>>()?,
                otherwise: else_result
                    .as_ref()
                    .map(|o| self.sql_expr(o, plan))
                    .transpose()?
                    .map(Box::new),
            },
            SqlExpr::Cast {
                kind,
                expr,
                data_type,
                ..
            } => {
                let to = arrow_type(data_type)?;
                let inner = go(expr)?;
                match kind {
                    CastKind::TryCast | CastKind::SafeCast => inner.try_cast(to),
                    _ => inner.cast(to),
                }
            }
            SqlExpr::Extract { field, expr, .. } => {
                call("date_part", vec![lit(date_part_name(field)), go(expr)?])
            }
            SqlExpr::Ceil { expr, .. } => call("ceil", vec![go(expr)?]),
            SqlExpr::Floor { expr, .. } => call("floor", vec![go(expr)?]),
            SqlExpr::Position { expr, r#in } => call("strpos", vec![go(r#in)?, go(expr)?]),
            SqlExpr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![go(expr)?];
                args.push(match substring_from {
                    Some(f) => go(f)?,
                    None => lit(1),
                });
                if let Some(f) = substring_for {
                    args.push(go(f)?);
                }
                call("substring", args)
            }
            SqlExpr::Trim {
                expr,
                trim_where,
                trim_what,
                ..
            } => {
                let name = match trim_where {
                    Some(ast::TrimWhereField::Leading) => "ltrim",
                    Some(ast::TrimWhereField::Trailing) => "rtrim",
                    _ => "trim",
                };
                let mut args = vec![go(expr)?];
                if let Some(w) = trim_what {
                    args.push(go(w)?);
                }
                call(name, args)
            }
            SqlExpr::Function(f) => self.function(f, plan)?,
            SqlExpr::Subquery(q) => return self.scalar_subquery(q, plan),
            // `x op ANY (q)` / `x op ALL (q)` (subquery.rs).
            SqlExpr::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | SqlExpr::AllOp {
                left,
                compare_op,
                right,
            } => {
                let all = matches!(e, SqlExpr::AllOp { .. });
                let SqlExpr::Subquery(q) = right.as_ref() else {
                    return Err(Error::NotSupported(format!(
                        "ANY / ALL over a non-subquery `{right}`"
                    )));
                };
                let op = match compare_op {
                    BinaryOperator::Gt => Operator::Gt,
                    BinaryOperator::Lt => Operator::Lt,
                    BinaryOperator::GtEq => Operator::GtEq,
                    BinaryOperator::LtEq => Operator::LtEq,
                    BinaryOperator::Eq => Operator::Eq,
                    BinaryOperator::NotEq => Operator::NotEq,
                    other => {
                        return Err(Error::Syntax(format!(
                            "Unsupported comparison \"{other}\" for ANY/ALL subquery"
                        )))
                    }
                };
                let l = self.sql_expr(left, plan)?;
                return self.quantified_subquery(l, op, q, all, plan);
            }
            SqlExpr::Exists { subquery, negated } => {
                return self.exists_mark(subquery, *negated, plan)
            }
            SqlExpr::Wildcard(_) => Expr::Wildcard { qualifier: None },
            SqlExpr::QualifiedWildcard(name, _) => Expr::Wildcard {
                qualifier: name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| i.value.clone()),
            },
            SqlExpr::Tuple(items) if items.len() == 1 => go(&items[0])?,
            // `(a, b)`: an unnamed struct, like `row(a, b)`.
            SqlExpr::Tuple(items) => unnamed_struct(items.iter().map(go).collect::<Result<_>>()?),
            SqlExpr::Array(a) => call(
                "list_value",
                a.elem.iter().map(&mut go).collect::<Result<_>>()?,
            ),
            SqlExpr::Dictionary(fields) => {
                let mut args = vec![];
                for f in fields {
                    args.push(lit(f.key.value.clone()));
                    args.push(self.sql_expr(&f.value, plan)?);
                }
                call("struct_pack", args)
            }
            // `MAP {k1: v1, k2: v2}` is `map([k1, k2], [v1, v2])`.
            SqlExpr::Map(m) if m.entries.is_empty() => call("map", vec![]),
            SqlExpr::Map(m) => {
                let (mut keys, mut values) = (vec![], vec![]);
                for entry in &m.entries {
                    keys.push(self.sql_expr(&entry.key, plan)?);
                    values.push(self.sql_expr(&entry.value, plan)?);
                }
                call(
                    "map",
                    vec![call("list_value", keys), call("list_value", values)],
                )
            }
            SqlExpr::CompoundFieldAccess { root, access_chain } => {
                let mut e = self.sql_expr(root, plan)?;
                for a in access_chain {
                    match a {
                        ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => {
                            let i = self.sql_expr(index, plan)?;
                            // `m[k]` reads a map's value; `s['field']` a struct field; `l[1]`
                            // a list element.
                            let is_map =
                                matches!(e.data_type(plan.schema()), Ok(DataType::Map(_, _)));
                            let is_name = matches!(&i, Expr::Literal(v) if v.as_str().is_some());
                            e = call(
                                if is_map {
                                    "map_extract_value"
                                } else if is_name {
                                    "struct_extract"
                                } else {
                                    "list_extract"
                                },
                                vec![e, i],
                            );
                        }
                        ast::AccessExpr::Subscript(ast::Subscript::Slice {
                            lower_bound,
                            upper_bound,
                            stride,
                        }) => {
                            let mut opt = |b: &Option<SqlExpr>| match b {
                                Some(SqlExpr::Value(v))
                                    if matches!(&v.value,
                                    Value::Placeholder(p) if p == crate::duckdb_tokens::SLICE_END) =>
                                {
                                    Ok(None)
                                }
                                _ => b.as_ref().map(|x| self.sql_expr(x, plan)).transpose(),
                            };
                            let (lo, hi, step) =
                                (opt(lower_bound)?, opt(upper_bound)?, opt(stride)?);
                            e = slice_call(e, lo, hi, step);
                        }
                        ast::AccessExpr::Dot(SqlExpr::Identifier(field)) => {
                            e = call("struct_extract", vec![e, lit(field.value.clone())]);
                        }
                        other => return Err(Error::NotSupported(format!("the access `{other}`"))),
                    }
                }
                e
            }
            other => return Err(Error::NotSupported(format!("the SQL expression `{other}`"))),
        })
    }

    /// A literal value.
    pub(super) fn value(&self, v: &Value) -> Result<ScalarValue> {
        Ok(match v {
            Value::Number(n, _) => number_literal(&n.to_string())?,
            Value::SingleQuotedString(s)
            | Value::DoubleQuotedString(s)
            | Value::EscapedStringLiteral(s) => ScalarValue::utf8(s),
            Value::Boolean(b) => ScalarValue::from(*b),
            Value::Null => ScalarValue::null(&DataType::Null),
            other => return Err(Error::NotSupported(format!("the literal `{other}`"))),
        })
    }

    fn function(&self, f: &ast::Function, plan: &mut LogicalPlanBuilder) -> Result<Expr> {
        let name = f.name.to_string().to_lowercase();
        let name = name.rsplit('.').next().unwrap_or(&name).to_string();
        let mut distinct = false;
        let mut order_by: Vec<SortExpr> = vec![];
        let mut ignore_nulls = false;
        let mut args: Vec<Expr> = vec![];
        let mut star = false;
        let mut arg_names: Vec<Option<String>> = vec![];
        match &f.args {
            FunctionArguments::None => {}
            FunctionArguments::Subquery(_) => {
                return Err(Error::NotSupported(format!(
                    "a subquery as the argument of `{name}`"
                )))
            }
            FunctionArguments::List(list) => {
                distinct = matches!(
                    list.duplicate_treatment,
                    Some(ast::DuplicateTreatment::Distinct)
                );
                for a in &list.args {
                    let ae = match a {
                        FunctionArg::Named { arg, name, .. } => {
                            if name_is_struct_pack(&name_of(&f.name)) {
                                args.push(lit(name.value.clone()));
                            }
                            arg_names.push(Some(name.value.to_lowercase()));
                            arg
                        }
                        FunctionArg::ExprNamed { arg, .. } | FunctionArg::Unnamed(arg) => {
                            arg_names.push(None);
                            arg
                        }
                    };
                    match ae {
                        FunctionArgExpr::Expr(x) => args.push(self.sql_expr(x, plan)?),
                        FunctionArgExpr::Wildcard => star = true,
                        FunctionArgExpr::QualifiedWildcard(_) => star = true,
                        FunctionArgExpr::WildcardWithOptions(_) => star = true,
                    }
                }
                for c in &list.clauses {
                    match c {
                        FunctionArgumentClause::OrderBy(keys) => {
                            order_by = self.sort_exprs(keys, plan)?
                        }
                        FunctionArgumentClause::IgnoreOrRespectNulls(n) => {
                            ignore_nulls = matches!(n, ast::NullTreatment::IgnoreNulls)
                        }
                        other => {
                            return Err(Error::NotSupported(format!(
                                "`{other}` in a function call"
                            )))
                        }
                    }
                }
            }
        }
        if let Some(n) = &f.null_treatment {
            ignore_nulls = matches!(n, ast::NullTreatment::IgnoreNulls);
        }
        if !f.within_group.is_empty() {
            let order = self.sort_exprs(&f.within_group, plan)?;
            let filter = f
                .filter
                .as_ref()
                .map(|x| self.sql_expr(x, plan))
                .transpose()?
                .map(Box::new);
            return super::within_group::rewrite(&name, args, &arg_names, order, filter);
        }
        if star && distinct {
            return Err(Error::Plan(
                "STAR expression is only allowed as the root element of an expression. Use \
                 COLUMNS(*) instead."
                    .into(),
            ));
        }
        let func = if name == "count" && (star || args.is_empty()) {
            "count_star".to_string()
        } else {
            name.clone()
        };
        let is_agg = func == "count_star" || registry().is_aggregate(&func);
        if let Some(over) = &f.over {
            let spec = match over {
                WindowType::WindowSpec(s) => s.clone(),
                WindowType::NamedWindow(n) => self.named_window(&n.value)?,
            };
            let partition_by = spec
                .partition_by
                .iter()
                .map(|p| self.sql_expr(p, plan))
                .collect::<Result<_>>()?;
            let order = self.sort_exprs(&spec.order_by, plan)?;
            let frame = spec
                .window_frame
                .as_ref()
                .map(|fr| self.window_frame(fr))
                .transpose()?;
            return Ok(Expr::Window(Box::new(WindowCall {
                func,
                args,
                partition_by,
                order_by: order,
                frame,
                distinct,
                ignore_nulls,
            })));
        }
        if is_agg {
            let filter = f
                .filter
                .as_ref()
                .map(|x| self.sql_expr(x, plan))
                .transpose()?
                .map(Box::new);
            return Ok(Expr::Aggregate(AggregateCall {
                func,
                args,
                distinct,
                filter,
                order_by,
            }));
        }
        if distinct {
            return Err(Error::Plan(format!(
                "DISTINCT is only allowed in aggregate functions, and `{name}` is not one"
            )));
        }
        // Aliases DuckDB spells differently from the engine's registry.
        let func = match func.as_str() {
            "datepart" => "date_part".to_string(),
            "nextval" | "currval" => return self.sequence_call(&func, &args),
            "array_agg" => return Ok(agg_call("list", args)),
            "row" => return Ok(unnamed_struct(args)),
            // Constants per grouping set, replaced by the aggregation (grouping_sets.rs).
            f if super::grouping_sets::is_grouping_function(f) => return Ok(call(f, args)),
            _ => func,
        };
        registry().scalar(&func)?;
        Ok(call(&func, args))
    }

    fn named_window(&self, name: &str) -> Result<ast::WindowSpec> {
        self.windows
            .borrow()
            .iter()
            .rev()
            .find_map(|m| m.get(&name.to_lowercase()).cloned())
            .ok_or_else(|| {
                Error::Plan(format!("window `{name}` is not defined in a WINDOW clause"))
            })
    }

    fn window_frame(&self, fr: &ast::WindowFrame) -> Result<WindowFrame> {
        let bound = |b: &WindowFrameBound, start: bool| -> Result<FrameBound> {
            let n = |x: &Option<Box<SqlExpr>>| -> Result<Option<u64>> {
                match x {
                    None => Ok(None),
                    Some(e) => match e.as_ref() {
                        SqlExpr::Value(v) => match &v.value {
                            Value::Number(n, _) => Ok(Some(n.to_string().parse::<u64>().map_err(|_| {
                                Error::Plan(format!("a window frame offset must be a non-negative integer, got {n}"))
                            })?)),
                            other => Err(Error::NotSupported(format!("the frame offset `{other}`"))),
                        },
                        other => Err(Error::NotSupported(format!("the frame offset `{other}`"))),
                    },
                }
            };
            Ok(match b {
                WindowFrameBound::CurrentRow => FrameBound::CurrentRow,
                WindowFrameBound::Preceding(x) => match n(x)? {
                    None => FrameBound::UnboundedPreceding,
                    Some(v) => FrameBound::Preceding(v),
                },
                WindowFrameBound::Following(x) => match n(x)? {
                    None => FrameBound::UnboundedFollowing,
                    Some(v) => FrameBound::Following(v),
                },
            })
            .map(|b| {
                if !start && b == FrameBound::UnboundedPreceding {
                    FrameBound::UnboundedPreceding
                } else {
                    b
                }
            })
        };
        let units = match fr.units {
            ast::WindowFrameUnits::Rows => FrameUnits::Rows,
            ast::WindowFrameUnits::Range => FrameUnits::Range,
            ast::WindowFrameUnits::Groups => {
                return Err(Error::NotSupported("GROUPS window frames".into()))
            }
        };
        let start = bound(&fr.start_bound, true)?;
        let end = match &fr.end_bound {
            Some(e) => bound(e, false)?,
            None => FrameBound::CurrentRow,
        };
        Ok(WindowFrame { units, start, end })
    }

    /// ORDER BY keys (DuckDB's default: ascending, NULLs last).
    pub(super) fn sort_exprs(
        &self,
        keys: &[ast::OrderByExpr],
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Vec<SortExpr>> {
        keys.iter()
            .map(|k| {
                let descending = matches!(k.options.sort, Some(ast::OrderBySort::Desc));
                Ok(SortExpr {
                    expr: self.sql_expr(&k.expr, plan)?,
                    descending,
                    nulls_first: k.options.nulls_first.unwrap_or(false),
                })
            })
            .collect()
    }
}

/// `rowid` names a table's pseudo-column (`__rowid`, added by the FROM planning) unless
/// the table has a real column of that name.
fn rowid_column(c: Expr, schema: &quiver_engine::types::QSchema) -> Expr {
    match &c {
        Expr::Column(col) if col.name.eq_ignore_ascii_case("rowid") && !c_resolves(&c, schema) => {
            let pseudo = Expr::Column(Column {
                relation: col.relation.clone(),
                name: super::relation::ROWID.to_string(),
            });
            if c_resolves(&pseudo, schema) {
                pseudo
            } else {
                c
            }
        }
        _ => c,
    }
}

fn c_resolves(e: &Expr, schema: &quiver_engine::types::QSchema) -> bool {
    e.columns()
        .iter()
        .all(|c| matches!(schema.find(c.relation.as_deref(), &c.name), Ok(Some(_))))
}

fn name_of(n: &ast::ObjectName) -> String {
    n.to_string().to_lowercase()
}

/// `x[lo:hi:step]` as `list_slice`: an omitted bound runs to the end the step walks
/// from or towards (the first element, or the last for a negative step).
fn slice_call(x: Expr, lo: Option<Expr>, hi: Option<Expr>, step: Option<Expr>) -> Expr {
    let backwards = matches!(&step, Some(Expr::Literal(v)) if v.as_f64().is_some_and(|s| s < 0.0));
    let (first, last) = if backwards { (-1, 1) } else { (1, -1) };
    let mut args = vec![
        x,
        lo.unwrap_or_else(|| lit(first)),
        hi.unwrap_or_else(|| lit(last)),
    ];
    args.extend(step);
    call("list_slice", args)
}

/// An unnamed struct (`row(a, b)`, `(a, b)`): its fields have empty names, so it meets
/// any struct of its width position by position.
pub(super) fn unnamed_struct(values: Vec<Expr>) -> Expr {
    let packed = values.into_iter().flat_map(|v| [lit(""), v]).collect();
    call("struct_pack", packed)
}

/// Functions whose named arguments (`f(name := value)`) are passed as a constant name
/// before each value.
fn name_is_struct_pack(n: &str) -> bool {
    matches!(n, "struct_pack" | "struct_insert" | "struct_update")
}

/// Helpers on engine expressions used by the planner.
pub(super) trait ExprExt {
    fn not_distinct_from(self, other: Expr) -> Expr;
    fn distinct_from(self, other: Expr) -> Expr;
}

impl ExprExt for Expr {
    fn not_distinct_from(self, other: Expr) -> Expr {
        binary(self, Operator::IsNotDistinctFrom, other)
    }
    fn distinct_from(self, other: Expr) -> Expr {
        binary(self, Operator::IsDistinctFrom, other)
    }
}
