//! Builds logical plans one node at a time, resolving names, coercing types and computing
//! each node's schema. Both the frame API and the SQL planner build plans through it.
//!
//! Aggregates and window calls may sit inside larger expressions
//! (`sum(a) / count(*)`, `x - avg(x) OVER (..)`): the builder computes the calls in an
//! Aggregate or Window node and finishes the expression in a Projection above it.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};

use super::*;
use crate::error::{Error, Result};
use crate::expr::{col, Column, Expr, TreeNodeRecursion};
use crate::optimizer::type_coercion::coerce_expr;
use crate::types::{union_type, QField, QSchema};

/// Builds a [`LogicalPlan`] step by step.
#[derive(Debug, Clone)]
pub struct LogicalPlanBuilder {
    plan: Arc<LogicalPlan>,
}

fn qschema(fields: Vec<QField>) -> Result<QSchemaRef> {
    Ok(Arc::new(QSchema::try_new(fields)?))
}

/// A column expression that refers to field `f` (qualified if it is).
pub fn column_of(f: &QField) -> Expr {
    Expr::Column(Column {
        relation: f.qualifier().map(str::to_string),
        name: f.name().to_string(),
    })
}

/// Collects the distinct aggregate calls inside `e` (not those inside window calls).
fn find_aggregates(e: &Expr, out: &mut Vec<Expr>) {
    e.visit(&mut |n| match n {
        Expr::Aggregate(_) => {
            if !out.contains(n) {
                out.push(n.clone());
            }
            TreeNodeRecursion::Skip
        }
        Expr::Window(_) => TreeNodeRecursion::Skip,
        _ => TreeNodeRecursion::Continue,
    });
}

/// Collects the distinct window calls inside `e`.
fn find_windows(e: &Expr, out: &mut Vec<Expr>) {
    e.visit(&mut |n| match n {
        Expr::Window(_) => {
            if !out.contains(n) {
                out.push(n.clone());
            }
            TreeNodeRecursion::Skip
        }
        _ => TreeNodeRecursion::Continue,
    });
}

impl LogicalPlanBuilder {
    /// Continues from an existing plan.
    pub fn from(plan: Arc<LogicalPlan>) -> Self {
        Self { plan }
    }

    /// Scans a source. Columns are qualified by `qualifier` (a table name or alias) if given.
    pub fn scan(
        table_name: impl Into<String>,
        qualifier: Option<&str>,
        source: TableSourceRef,
    ) -> Result<Self> {
        let arrow_schema = source.schema();
        let schema = match qualifier {
            Some(q) => QSchema::from_arrow_qualified(&arrow_schema, q),
            None => QSchema::from_arrow(&arrow_schema),
        };
        Ok(Self::from(Arc::new(LogicalPlan::TableScan(TableScan {
            table_name: table_name.into(),
            source,
            projection: None,
            filters: vec![],
            fetch: None,
            schema: Arc::new(schema),
        }))))
    }

    /// No input: one row with no columns (`SELECT 1` selects from this) or no rows.
    pub fn empty(produce_one_row: bool) -> Self {
        Self::from(Arc::new(LogicalPlan::EmptyRelation(EmptyRelation {
            produce_one_row,
            schema: Arc::new(QSchema::empty()),
        })))
    }

    /// Literal rows. Column names are `column0`, `column1`, ... unless given.
    pub fn values(rows: Vec<Vec<Expr>>, names: Option<Vec<String>>) -> Result<Self> {
        let width = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != width) {
            return Err(Error::Plan(format!(
                "VALUES rows must all have {width} values, as the first row does"
            )));
        }
        let empty = QSchema::empty();
        let mut types = vec![DataType::Null; width];
        for row in &rows {
            for (i, e) in row.iter().enumerate() {
                let t = e.data_type(&empty)?;
                types[i] = union_type(&types[i], &t).ok_or_else(|| {
                    Error::Schema(format!(
                        "VALUES column {} mixes types {} and {t}",
                        i + 1,
                        types[i]
                    ))
                })?;
            }
        }
        let names = names.unwrap_or_else(|| (0..width).map(|i| format!("column{i}")).collect());
        let fields = types
            .iter()
            .zip(&names)
            .map(|(t, n)| {
                let t = if *t == DataType::Null {
                    DataType::Int32
                } else {
                    t.clone()
                };
                QField::new(None, Arc::new(Field::new(n, t, true)))
            })
            .collect::<Vec<_>>();
        let rows = rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let e = coerce_expr(e, &empty)?;
                        Ok(e.cast(fields[i].data_type().clone()))
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::from(Arc::new(LogicalPlan::Values(Values {
            rows,
            schema: qschema(fields)?,
        }))))
    }

    /// The plan built so far.
    pub fn build(self) -> Arc<LogicalPlan> {
        self.plan
    }

    /// The current output schema.
    pub fn schema(&self) -> &QSchemaRef {
        self.plan.schema()
    }

    /// Expands `*` and `t.*` into columns.
    pub fn expand_wildcards(&self, exprs: Vec<Expr>) -> Result<Vec<Expr>> {
        let mut out = Vec::with_capacity(exprs.len());
        for e in exprs {
            match e {
                Expr::Wildcard { qualifier } => {
                    let mut any = false;
                    for f in self.schema().fields() {
                        if qualifier
                            .as_deref()
                            .is_none_or(|q| f.qualifier() == Some(q))
                        {
                            out.push(column_of(f));
                            any = true;
                        }
                    }
                    if !any {
                        if let Some(q) = qualifier {
                            return Err(Error::TableNotFound(format!(
                                "`{q}.*` names no table in the FROM clause"
                            )));
                        }
                    }
                }
                other => out.push(other),
            }
        }
        Ok(out)
    }

    /// Computes one output column per expression. Window calls are computed in a Window
    /// node below; a projection of only aggregates becomes a global aggregation.
    pub fn project(self, exprs: Vec<Expr>) -> Result<Self> {
        let exprs = self.expand_wildcards(exprs)?;
        if exprs.iter().any(Expr::contains_aggregate) {
            if exprs
                .iter()
                .all(|e| e.contains_aggregate() || e.is_constant())
            {
                return self.aggregate(vec![], exprs);
            }
            let bad = exprs
                .iter()
                .find(|e| !e.contains_aggregate())
                .map(|e| e.to_string())
                .unwrap_or_default();
            return Err(Error::Plan(format!(
                "`{bad}` is neither aggregated nor grouped; add it to GROUP BY (group_by) or wrap it in an aggregate such as first()"
            )));
        }
        let mut windows = vec![];
        for e in &exprs {
            find_windows(e, &mut windows);
        }
        let (input, exprs) = if windows.is_empty() {
            (self, exprs)
        } else {
            let with_windows = self.window(windows.clone())?;
            let replacements: Vec<(Expr, Expr)> = windows
                .iter()
                .map(|w| (w.clone(), col(&w.to_string())))
                .collect();
            let exprs = exprs
                .into_iter()
                .map(|e| {
                    let name = e.output_name();
                    let r = e.replace_exprs(&replacements);
                    if r.output_name() != name {
                        r.alias(name)
                    } else {
                        r
                    }
                })
                .collect();
            (with_windows, exprs)
        };
        input.project_plain(exprs)
    }

    fn project_plain(self, exprs: Vec<Expr>) -> Result<Self> {
        let input_schema = self.schema().clone();
        let exprs = exprs
            .into_iter()
            .map(|e| coerce_expr(e, &input_schema))
            .collect::<Result<Vec<_>>>()?;
        let fields = exprs
            .iter()
            .map(|e| e.to_qfield(&input_schema))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::from(Arc::new(LogicalPlan::Projection(Projection {
            exprs,
            input: self.plan,
            schema: qschema(fields)?,
        }))))
    }

    /// Adds window columns (each expression is a window call, possibly aliased).
    pub fn window(self, window_exprs: Vec<Expr>) -> Result<Self> {
        let input_schema = self.schema().clone();
        let window_exprs = window_exprs
            .into_iter()
            .map(|e| {
                let name = e.output_name();
                let e = coerce_expr(e, &input_schema)?;
                Ok(if e.output_name() != name {
                    e.alias(name)
                } else {
                    e
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut fields = input_schema.fields().to_vec();
        for e in &window_exprs {
            let mut f = e.to_qfield(&input_schema)?;
            f = QField::new(None, f.field().clone());
            fields.push(f);
        }
        Ok(Self::from(Arc::new(LogicalPlan::Window(Window {
            window_exprs,
            input: self.plan,
            schema: qschema(fields)?,
        }))))
    }

    /// Keeps rows where `predicate` is true.
    pub fn filter(self, predicate: Expr) -> Result<Self> {
        if predicate.contains_aggregate() {
            return Err(Error::Plan(format!(
                "aggregates are not allowed in a filter (`{predicate}`); filter after the aggregation (HAVING) instead"
            )));
        }
        let predicate = coerce_expr(predicate, self.schema())?;
        let t = predicate.data_type(self.schema())?;
        if !matches!(t, DataType::Boolean | DataType::Null) {
            return Err(Error::Schema(format!(
                "a filter must be a boolean expression, but `{predicate}` is {t}"
            )));
        }
        Ok(Self::from(Arc::new(LogicalPlan::Filter(Filter {
            predicate,
            input: self.plan,
        }))))
    }

    /// Groups by `group_by` and computes `aggregates` (expressions containing aggregate
    /// calls). Output: the keys, then one column per aggregate expression.
    pub fn aggregate(self, group_by: Vec<Expr>, aggregates: Vec<Expr>) -> Result<Self> {
        let input_schema = self.schema().clone();
        let group_by = self.expand_wildcards(group_by)?;
        let group_by = group_by
            .into_iter()
            .map(|e| {
                if e.contains_aggregate() {
                    return Err(Error::Plan(format!("cannot group by an aggregate (`{e}`)")));
                }
                coerce_expr(e, &input_schema)
            })
            .collect::<Result<Vec<_>>>()?;
        // Aggregate calls computed by the node, named by their text unless the whole
        // expression is one aliased call.
        let mut calls: Vec<Expr> = vec![];
        let mut direct = true;
        for e in &aggregates {
            match e.unalias() {
                Expr::Aggregate(_) => {}
                _ => direct = false,
            }
            find_aggregates(e, &mut calls);
        }
        if direct && calls.len() == aggregates.len() {
            let aggs = aggregates
                .into_iter()
                .map(|e| {
                    let name = e.output_name();
                    let c = coerce_expr(e.unalias().clone(), &input_schema)?;
                    Ok(c.alias(name))
                })
                .collect::<Result<Vec<_>>>()?;
            return self.aggregate_node(group_by, aggs);
        }
        let named_calls = calls
            .iter()
            .map(|c| Ok(coerce_expr(c.clone(), &input_schema)?.alias(c.to_string())))
            .collect::<Result<Vec<_>>>()?;
        let group_fields: Vec<QField> = group_by
            .iter()
            .map(|g| g.to_qfield(&input_schema))
            .collect::<Result<Vec<_>>>()?;
        let agg = self.aggregate_node(group_by.clone(), named_calls)?;
        // Above: the keys, then each requested expression over the computed calls.
        let mut replacements: Vec<(Expr, Expr)> = calls
            .iter()
            .map(|c| (c.clone(), col(&c.to_string())))
            .collect();
        for (g, f) in group_by.iter().zip(&group_fields) {
            replacements.push((g.clone(), column_of(f)));
        }
        let mut out: Vec<Expr> = group_fields.iter().map(column_of).collect();
        for e in aggregates {
            let name = e.output_name();
            out.push(e.replace_exprs(&replacements).alias(name));
        }
        agg.project_plain(out)
    }

    fn aggregate_node(self, group_by: Vec<Expr>, aggregates: Vec<Expr>) -> Result<Self> {
        let input_schema = self.schema().clone();
        let mut fields = vec![];
        for g in &group_by {
            fields.push(g.to_qfield(&input_schema)?);
        }
        for a in &aggregates {
            let f = a.to_qfield(&input_schema)?;
            fields.push(QField::new(None, f.field().clone()));
        }
        Ok(Self::from(Arc::new(LogicalPlan::Aggregate(Aggregate {
            group_by,
            aggregates,
            input: self.plan,
            schema: qschema(fields)?,
        }))))
    }

    /// Joins with `right` on equal key pairs, plus an optional extra condition.
    pub fn join(
        self,
        right: Arc<LogicalPlan>,
        join_type: JoinType,
        on: Vec<(Expr, Expr)>,
        filter: Option<Expr>,
    ) -> Result<Self> {
        self.join_detailed(right, join_type, on, filter, false)
    }

    /// [`join`](Self::join) with a choice of whether NULL keys match each other.
    pub fn join_detailed(
        self,
        right: Arc<LogicalPlan>,
        join_type: JoinType,
        on: Vec<(Expr, Expr)>,
        filter: Option<Expr>,
        null_equals_null: bool,
    ) -> Result<Self> {
        let ls = self.schema().clone();
        let rs = right.schema().clone();
        let on = on
            .into_iter()
            .map(|(l, r)| {
                let l = coerce_expr(l, &ls)?;
                let r = coerce_expr(r, &rs)?;
                let (lt, rt) = (l.data_type(&ls)?, r.data_type(&rs)?);
                let t = crate::types::comparison_type(&lt, &rt).ok_or_else(|| {
                    Error::Schema(format!("cannot join `{l}` ({lt}) with `{r}` ({rt}); CAST one key to the other's type"))
                })?;
                let l = if lt == t { l } else { l.cast(t.clone()) };
                let r = if rt == t { r } else { r.cast(t) };
                Ok((l, r))
            })
            .collect::<Result<Vec<_>>>()?;
        let nullable = |s: &QSchema| -> Vec<QField> {
            s.fields()
                .iter()
                .map(|f| {
                    QField::new(
                        f.qualifier().map(Arc::from),
                        Arc::new(f.field().as_ref().clone().with_nullable(true)),
                    )
                })
                .collect()
        };
        let fields = match join_type {
            JoinType::LeftSemi | JoinType::LeftAnti => ls.fields().to_vec(),
            JoinType::Inner | JoinType::Cross => [ls.fields(), rs.fields()].concat(),
            JoinType::Left => [ls.fields().to_vec(), nullable(&rs)].concat(),
            JoinType::Right => [nullable(&ls), rs.fields().to_vec()].concat(),
            JoinType::Full => [nullable(&ls), nullable(&rs)].concat(),
        };
        let joined = ls.join(&rs)?;
        let filter = filter
            .map(|f| {
                let f = coerce_expr(f, &joined)?;
                match f.data_type(&joined)? {
                    DataType::Boolean => Ok(f),
                    DataType::Null => Ok(f.cast(DataType::Boolean)),
                    other => Err(Error::Schema(format!(
                        "a join condition must be boolean, but `{f}` is {other}"
                    ))),
                }
            })
            .transpose()?;
        let join_type = if on.is_empty() && filter.is_none() && join_type == JoinType::Inner {
            JoinType::Cross
        } else {
            join_type
        };
        Ok(Self::from(Arc::new(LogicalPlan::Join(Join {
            left: self.plan,
            right,
            on,
            filter,
            join_type,
            null_equals_null,
            schema: qschema(fields)?,
        }))))
    }

    /// Every pair of rows.
    pub fn cross_join(self, right: Arc<LogicalPlan>) -> Result<Self> {
        self.join(right, JoinType::Cross, vec![], None)
    }

    /// Orders rows.
    pub fn sort(self, exprs: Vec<SortExpr>) -> Result<Self> {
        let schema = self.schema().clone();
        let exprs = exprs
            .into_iter()
            .map(|s| {
                Ok(SortExpr {
                    expr: coerce_expr(s.expr, &schema)?,
                    ..s
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::from(Arc::new(LogicalPlan::Sort(Sort {
            exprs,
            input: self.plan,
            fetch: None,
        }))))
    }

    /// Skips `skip` rows and returns at most `fetch`.
    pub fn limit(self, skip: usize, fetch: Option<usize>) -> Self {
        Self::from(Arc::new(LogicalPlan::Limit(Limit {
            skip,
            fetch,
            input: self.plan,
        })))
    }

    /// Removes duplicate rows.
    pub fn distinct(self) -> Self {
        Self::from(Arc::new(LogicalPlan::Distinct(Distinct {
            input: self.plan,
        })))
    }

    /// Appends the rows of `other` (UNION ALL), matching columns by position and
    /// casting to common types.
    pub fn union(self, other: Arc<LogicalPlan>) -> Result<Self> {
        let mut inputs = match &*self.plan {
            LogicalPlan::Union(u) => u.inputs.clone(),
            _ => vec![self.plan.clone()],
        };
        inputs.push(other);
        let first = inputs[0].schema().clone();
        for (i, inp) in inputs.iter().enumerate().skip(1) {
            if inp.schema().len() != first.len() {
                return Err(Error::Plan(format!(
                    "UNION inputs must have the same number of columns: the first has {}, input {} has {}",
                    first.len(),
                    i + 1,
                    inp.schema().len()
                )));
            }
        }
        let mut fields = Vec::with_capacity(first.len());
        for c in 0..first.len() {
            let mut t = DataType::Null;
            let mut nullable = false;
            for inp in &inputs {
                let f = inp.schema().field(c);
                t = union_type(&t, f.data_type()).ok_or_else(|| {
                    Error::Schema(format!(
                        "UNION column {} (`{}`) mixes types {t} and {}; CAST them to one type",
                        c + 1,
                        first.field(c).name(),
                        f.data_type()
                    ))
                })?;
                nullable |= f.field().is_nullable();
            }
            if t == DataType::Null {
                t = DataType::Int32;
                nullable = true;
            }
            fields.push(QField::new(
                None,
                Arc::new(Field::new(first.field(c).name(), t, nullable)),
            ));
        }
        let inputs = inputs
            .into_iter()
            .map(|inp| {
                let needs_cast = inp
                    .schema()
                    .fields()
                    .iter()
                    .zip(&fields)
                    .any(|(a, b)| a.data_type() != b.data_type() || a.name() != b.name());
                if !needs_cast {
                    return Ok(inp);
                }
                let exprs = inp
                    .schema()
                    .fields()
                    .iter()
                    .zip(&fields)
                    .map(|(a, b)| {
                        let c = column_of(a);
                        let c = if a.data_type() == b.data_type() {
                            c
                        } else {
                            c.cast(b.data_type().clone())
                        };
                        c.alias(b.name())
                    })
                    .collect();
                Ok(LogicalPlanBuilder::from(inp).project_plain(exprs)?.build())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::from(Arc::new(LogicalPlan::Union(Union {
            inputs,
            schema: qschema(fields)?,
        }))))
    }

    /// One row per element of the list column `name` (rows with a NULL or empty list
    /// produce none); the column takes the list's element type.
    pub fn unnest(self, name: &str) -> Result<Self> {
        let schema = self.schema().clone();
        let column = schema.index_of(None, name)?;
        let f = schema.field(column);
        let element = match f.data_type() {
            DataType::List(e) | DataType::LargeList(e) => e.data_type().clone(),
            other => {
                return Err(Error::Schema(format!(
                    "unnest needs a list, but `{}` is {other}",
                    f.name()
                )))
            }
        };
        let mut fields = schema.fields().to_vec();
        fields[column] = QField::new(
            f.qualifier().map(Arc::from),
            Arc::new(Field::new(f.name(), element, true)),
        );
        Ok(Self::from(Arc::new(LogicalPlan::Unnest(Unnest {
            input: self.plan,
            column,
            schema: qschema(fields)?,
        }))))
    }

    /// Names the relation (`(..) AS alias`): columns become `alias.name`.
    pub fn alias(self, alias: &str) -> Result<Self> {
        let schema = Arc::new(self.schema().with_qualifier(alias));
        Ok(Self::from(Arc::new(LogicalPlan::SubqueryAlias(
            SubqueryAlias {
                input: self.plan,
                alias: alias.to_string(),
                schema,
            },
        ))))
    }
}
