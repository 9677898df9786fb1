//! Turns an optimized logical plan into physical operators.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions};
use arrow::compute::SortOptions;
use arrow::datatypes::Schema;

use super::ops::*;
use super::{ExecutionPlan, PhysicalExpr};
use crate::error::{Error, Result};
use crate::expr::{literal_args, Column, Expr, SortExpr, Transformed};
use crate::functions::{registry, AggregateArgs};
use crate::logical::{JoinType, LogicalPlan, ScanRequest};
use crate::types::{QSchema, ScalarValue};

/// Resolves a logical expression against its input schema.
pub fn create_physical_expr(e: &Expr, schema: &QSchema) -> Result<PhysicalExpr> {
    let go = |e: &Expr| create_physical_expr(e, schema);
    let boxed =
        |e: &Expr| -> Result<Box<PhysicalExpr>> { Ok(Box::new(create_physical_expr(e, schema)?)) };
    Ok(match e {
        Expr::Column(c) => PhysicalExpr::Column(schema.index_of(c.relation.as_deref(), &c.name)?, c.name.clone()),
        Expr::Literal(v) => PhysicalExpr::Literal(v.clone()),
        Expr::Alias(inner, _) => go(inner)?,
        Expr::BinaryOp { left, op, right } => PhysicalExpr::Binary {
            left: boxed(left)?,
            op: *op,
            right: boxed(right)?,
            result_type: e.data_type(schema)?,
        },
        Expr::Not(x) => PhysicalExpr::Not(boxed(x)?),
        Expr::Negative(x) => PhysicalExpr::Negative(boxed(x)?),
        Expr::IsNull(x) => PhysicalExpr::IsNull(boxed(x)?),
        Expr::IsNotNull(x) => PhysicalExpr::IsNotNull(boxed(x)?),
        Expr::Between { expr, negated, low, high } => {
            let ge = expr.as_ref().clone().gt_eq(low.as_ref().clone());
            let le = expr.as_ref().clone().lt_eq(high.as_ref().clone());
            let both = ge.and(le);
            go(&if *negated { both.not() } else { both })?
        }
        Expr::InList { expr, list, negated } => PhysicalExpr::InList {
            expr: boxed(expr)?,
            list: list.iter().map(go).collect::<Result<_>>()?,
            negated: *negated,
        },
        Expr::Like { expr, pattern, negated, case_insensitive, escape } => {
            let pattern = match (escape, pattern.as_ref()) {
                (Some(c), Expr::Literal(v)) if *c != '\\' => match v.as_str() {
                    Some(p) => Expr::Literal(ScalarValue::utf8(translate_escape(p, *c))),
                    None => pattern.as_ref().clone(),
                },
                _ => pattern.as_ref().clone(),
            };
            PhysicalExpr::Like {
                expr: boxed(expr)?,
                pattern: Box::new(go(&pattern)?),
                negated: *negated,
                case_insensitive: *case_insensitive,
            }
        }
        Expr::Case { operand, when_then, otherwise } => {
            let when_then = when_then
                .iter()
                .map(|(w, t)| {
                    let w = match operand {
                        Some(o) => o.as_ref().clone().eq(w.clone()),
                        None => w.clone(),
                    };
                    Ok((go(&w)?, go(t)?))
                })
                .collect::<Result<Vec<_>>>()?;
            PhysicalExpr::Case {
                when_then,
                otherwise: otherwise.as_ref().map(|o| boxed(o)).transpose()?,
                result_type: e.data_type(schema)?,
            }
        }
        Expr::Cast { expr, to, try_cast } => PhysicalExpr::Cast {
            expr: boxed(expr)?,
            to: to.clone(),
            try_cast: *try_cast,
        },
        Expr::Function { name, args } => PhysicalExpr::Function {
            def: registry().scalar(name)?.clone(),
            args: args.iter().map(go).collect::<Result<_>>()?,
            result_type: e.data_type(schema)?,
        },
        Expr::Aggregate(_) | Expr::Window(_) => {
            return Err(Error::Plan(format!(
                "`{e}` cannot be used here: aggregates belong in an aggregation and window functions in a projection"
            )))
        }
        Expr::Wildcard { .. } => return Err(Error::Plan("`*` can only be used in a projection".into())),
    })
}

/// Rewrites a LIKE pattern with a custom escape character to use `\`.
fn translate_escape(p: &str, esc: char) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == esc {
            if let Some(n) = chars.next() {
                out.push('\\');
                out.push(n);
            }
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    out
}

fn sort_key(s: &SortExpr, schema: &QSchema) -> Result<SortKey> {
    Ok(SortKey {
        expr: create_physical_expr(&s.expr, schema)?,
        options: SortOptions {
            descending: s.descending,
            nulls_first: s.nulls_first,
        },
    })
}

fn join_display(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

/// Strips qualifiers so scan filters refer to the source's own column names.
fn unqualify(e: &Expr) -> Expr {
    let r: Result<Transformed<Expr>> = e.clone().transform_up(&mut |e| {
        Ok(match e {
            Expr::Column(c) if c.relation.is_some() => {
                Transformed::yes(Expr::Column(Column::new(c.name)))
            }
            e => Transformed::no(e),
        })
    });
    r.map(|t| t.data).unwrap_or_else(|_| e.clone())
}

/// Describes an aggregate call for the operator.
pub fn aggregate_spec(e: &Expr, input: &QSchema) -> Result<AggregateSpec> {
    let display = e.to_string();
    let Expr::Aggregate(a) = e.unalias() else {
        return Err(crate::internal_err!("`{e}` is not an aggregate call"));
    };
    let def = registry().aggregate(&a.func)?.clone();
    let arg_types = a
        .args
        .iter()
        .map(|x| x.data_type(input))
        .collect::<Result<Vec<_>>>()?;
    let return_type = e.data_type(input)?;
    Ok(AggregateSpec {
        def,
        args: a
            .args
            .iter()
            .map(|x| create_physical_expr(x, input))
            .collect::<Result<_>>()?,
        agg_args: AggregateArgs {
            arg_types,
            literal_args: literal_args(&a.args),
            return_type,
            ordered: !a.order_by.is_empty(),
        },
        distinct: a.distinct,
        filter: a
            .filter
            .as_ref()
            .map(|f| create_physical_expr(f, input))
            .transpose()?,
        order_by: a
            .order_by
            .iter()
            .map(|s| {
                let k = sort_key(s, input)?;
                Ok((k.expr, k.options, s.expr.data_type(input)?))
            })
            .collect::<Result<_>>()?,
        display,
    })
}

/// Builds the operator tree for an (optimized) logical plan.
pub fn create_physical_plan(plan: &LogicalPlan) -> Result<Arc<dyn ExecutionPlan>> {
    Ok(match plan {
        LogicalPlan::TableScan(s) => {
            let request = ScanRequest {
                projection: s.projection.clone(),
                filters: s.filters.iter().map(unqualify).collect(),
                limit: s.fetch,
                batch_size: 0,
            };
            Arc::new(ScanExec::new(
                s.table_name.clone(),
                s.source.clone(),
                request,
                s.schema.to_arrow(),
            ))
        }
        LogicalPlan::Projection(p) => {
            let input = create_physical_plan(&p.input)?;
            let exprs = p
                .exprs
                .iter()
                .map(|e| create_physical_expr(e, p.input.schema()))
                .collect::<Result<_>>()?;
            let display = join_display(p.exprs.iter().map(|e| e.to_string()));
            Arc::new(ProjectionExec::new(
                exprs,
                display,
                p.schema.to_arrow(),
                input,
            ))
        }
        LogicalPlan::Filter(f) => {
            let input = create_physical_plan(&f.input)?;
            let predicate = create_physical_expr(&f.predicate, f.input.schema())?;
            Arc::new(FilterExec::new(predicate, f.predicate.to_string(), input))
        }
        LogicalPlan::Aggregate(a) => {
            // A filter right below the aggregation runs inside it (no copy of the columns).
            let (input_plan, predicate) = match a.input.as_ref() {
                LogicalPlan::Filter(f) => (&f.input, Some(&f.predicate)),
                _ => (&a.input, None),
            };
            let input = create_physical_plan(input_plan)?;
            let s = a.input.schema();
            let groups = a
                .group_by
                .iter()
                .map(|g| create_physical_expr(g, s))
                .collect::<Result<_>>()?;
            let aggs = a
                .aggregates
                .iter()
                .map(|e| aggregate_spec(e, s))
                .collect::<Result<_>>()?;
            let display = a.group_by.iter().map(|g| g.to_string()).collect();
            let agg = HashAggregateExec::new(groups, display, aggs, a.schema.to_arrow(), input);
            match predicate {
                Some(p) => Arc::new(agg.with_predicate(create_physical_expr(p, s)?, p.to_string())),
                None => Arc::new(agg),
            }
        }
        LogicalPlan::Distinct(d) => {
            let input = create_physical_plan(&d.input)?;
            let s = d.input.schema();
            let groups = (0..s.len())
                .map(|i| PhysicalExpr::Column(i, s.field(i).name().to_string()))
                .collect();
            let display = s.fields().iter().map(|f| f.qualified_name()).collect();
            Arc::new(HashAggregateExec::new(
                groups,
                display,
                vec![],
                s.to_arrow(),
                input,
            ))
        }
        LogicalPlan::Join(j) => {
            let left = create_physical_plan(&j.left)?;
            let right = create_physical_plan(&j.right)?;
            let (ls, rs) = (j.left.schema(), j.right.schema());
            let left_keys =
                j.on.iter()
                    .map(|(l, _)| create_physical_expr(l, ls))
                    .collect::<Result<_>>()?;
            let right_keys =
                j.on.iter()
                    .map(|(_, r)| create_physical_expr(r, rs))
                    .collect::<Result<_>>()?;
            let joined = ls.join(rs)?;
            let filter = j
                .filter
                .as_ref()
                .map(|f| create_physical_expr(f, &joined))
                .transpose()?;
            let mut display = format!("{:?}", j.join_type);
            if !j.on.is_empty() {
                display.push_str(&format!(
                    " on=[{}]",
                    join_display(j.on.iter().map(|(l, r)| format!("{l} = {r}")))
                ));
            }
            if let Some(f) = &j.filter {
                display.push_str(&format!(" filter={f}"));
            }
            let join_type = if j.join_type == JoinType::Cross {
                JoinType::Inner
            } else {
                j.join_type
            };
            let exec = HashJoinExec::new(
                left,
                right,
                left_keys,
                right_keys,
                filter,
                join_type,
                j.null_equals_null,
                display,
                j.schema.to_arrow(),
                joined.to_arrow(),
            );
            // A semi / anti join hashes its smaller input: the left one when the right is
            // clearly bigger (by estimate).
            let smaller_left = matches!(
                (j.left.estimated_rows(), j.right.estimated_rows()),
                (Some(l), Some(r)) if r > l.saturating_mul(2)
            );
            if smaller_left && !j.on.is_empty() {
                Arc::new(exec.with_build_left())
            } else {
                Arc::new(exec)
            }
        }
        LogicalPlan::Sort(s) => {
            let input = create_physical_plan(&s.input)?;
            let keys = s
                .exprs
                .iter()
                .map(|k| sort_key(k, s.input.schema()))
                .collect::<Result<_>>()?;
            let display = join_display(s.exprs.iter().map(|e| e.to_string()));
            Arc::new(SortExec::new(keys, s.fetch, display, input))
        }
        LogicalPlan::Limit(l) => Arc::new(LimitExec::new(
            l.skip,
            l.fetch,
            create_physical_plan(&l.input)?,
        )),
        LogicalPlan::Union(u) => {
            let inputs = u
                .inputs
                .iter()
                .map(|i| create_physical_plan(i))
                .collect::<Result<_>>()?;
            Arc::new(UnionExec::new(inputs, u.schema.to_arrow()))
        }
        LogicalPlan::SubqueryAlias(a) => create_physical_plan(&a.input)?,
        LogicalPlan::Values(v) => {
            let schema = v.schema.to_arrow();
            let empty = QSchema::empty();
            let one = RecordBatch::try_new_with_options(
                Arc::new(Schema::empty()),
                vec![],
                &RecordBatchOptions::new().with_row_count(Some(1)),
            )?;
            let mut columns: Vec<Vec<ArrayRef>> =
                vec![Vec::with_capacity(v.rows.len()); schema.fields().len()];
            for row in &v.rows {
                for (i, e) in row.iter().enumerate() {
                    columns[i].push(create_physical_expr(e, &empty)?.evaluate_to_array(&one)?);
                }
            }
            let arrays = columns
                .iter()
                .map(|parts| {
                    let refs: Vec<&dyn arrow::array::Array> =
                        parts.iter().map(|a| a.as_ref()).collect();
                    Ok(arrow::compute::concat(&refs)?)
                })
                .collect::<Result<Vec<_>>>()?;
            let batch = RecordBatch::try_new_with_options(
                schema.clone(),
                arrays,
                &RecordBatchOptions::new().with_row_count(Some(v.rows.len())),
            )?;
            Arc::new(ValuesExec::new(schema, vec![batch]))
        }
        LogicalPlan::Unnest(u) => Arc::new(UnnestExec::new(
            u.column,
            u.schema.to_arrow(),
            create_physical_plan(&u.input)?,
        )),
        LogicalPlan::EmptyRelation(e) => {
            let schema = e.schema.to_arrow();
            let rows = usize::from(e.produce_one_row);
            let columns = schema
                .fields()
                .iter()
                .map(|f| arrow::array::new_null_array(f.data_type(), rows))
                .collect();
            let batch = RecordBatch::try_new_with_options(
                schema.clone(),
                columns,
                &RecordBatchOptions::new().with_row_count(Some(rows)),
            )?;
            Arc::new(ValuesExec::new(schema, vec![batch]))
        }
        LogicalPlan::Window(w) => create_window_exec(w, create_physical_plan(&w.input)?)?,
    })
}
