//! Helpers shared by optimizer rules: plan traversal and column bookkeeping.

use std::sync::Arc;

use crate::error::Result;
use crate::expr::{Column, Expr, Transformed};
use crate::logical::LogicalPlan;
use crate::types::QSchema;

/// Applies `f` to every node bottom-up, rebuilding parents whose inputs changed.
pub fn transform_up(
    plan: Arc<LogicalPlan>,
    f: &mut impl FnMut(Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>>,
) -> Result<Transformed<Arc<LogicalPlan>>> {
    let inputs = plan.inputs();
    let mut changed = false;
    let mut new_inputs = Vec::with_capacity(inputs.len());
    for i in inputs {
        let t = transform_up(i.clone(), f)?;
        changed |= t.changed;
        new_inputs.push(t.data);
    }
    let node = if changed { Arc::new(plan.with_new_inputs(new_inputs)) } else { plan };
    let mut t = f(node)?;
    t.changed |= changed;
    Ok(t)
}

/// Whether every column `e` references resolves in `schema`.
pub fn resolves_in(e: &Expr, schema: &QSchema) -> bool {
    e.columns().iter().all(|c| matches!(schema.find(c.relation.as_deref(), &c.name), Ok(Some(_))))
}

/// The schema indices `e` references (columns that do not resolve are ignored).
pub fn referenced_indices(e: &Expr, schema: &QSchema, out: &mut [bool]) {
    for c in e.columns() {
        if let Ok(Some(i)) = schema.find(c.relation.as_deref(), &c.name) {
            out[i] = true;
        }
    }
}

/// A column expression naming field `i` of `schema` exactly.
pub fn column_at(schema: &QSchema, i: usize) -> Expr {
    let f = schema.field(i);
    Expr::Column(Column {
        relation: f.qualifier().map(str::to_string),
        name: f.name().to_string(),
    })
}
