//! The SQL planner: binds a parsed statement against the catalog and lowers it to the
//! engine's logical plan (queries) or carries it out (DDL, INSERT, SET, ...).
//!
//! One file per concern: [`query`] (SELECT, set operations, ORDER BY / LIMIT, CTEs),
//! [`relation`] (FROM items: tables, files, table functions, joins, subqueries in FROM),
//! [`expr`] (SQL expressions to engine expressions), [`subquery`] (decorrelation of
//! EXISTS / IN / scalar subqueries into joins), [`grouping_sets`] (GROUPING SETS, ROLLUP,
//! CUBE), [`pivot_syntax`] and [`pivot`] (DuckDB's PIVOT / UNPIVOT), [`within_group`]
//! (ordered-set aggregates), [`sequences`], [`prepared`] and [`statements`] (everything
//! but queries).

mod expr;
mod grouping_sets;
mod join_order;
mod pivot;
pub(crate) mod pivot_syntax;
mod prepared;
mod query;
mod relation;
mod sequences;
mod statements;
mod subquery;
mod within_group;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

use quiver_engine::logical::LogicalPlan;
use quiver_engine::Result;
use sqlparser::ast::Statement;

use crate::context::{QueryResult, SqlContext};

/// Plans and runs statements for one SQL text.
pub struct SqlPlanner<'a> {
    ctx: &'a SqlContext,
    /// The SQL text being planned.
    sql: &'a str,
    /// CTEs in scope, innermost last.
    ctes: RefCell<Vec<HashMap<String, Arc<LogicalPlan>>>>,
    /// Named windows (`WINDOW w AS (...)`) in scope, innermost last.
    windows: RefCell<Vec<HashMap<String, sqlparser::ast::WindowSpec>>>,
    /// The arguments of the prepared statement being executed (`EXECUTE p(args)`).
    params: RefCell<Vec<sqlparser::ast::Expr>>,
    /// Counter for generated names (subquery aliases).
    next_id: RefCell<usize>,
    /// Planning a view's query (PIVOT must then list its values).
    in_view: Cell<bool>,
}

impl<'a> SqlPlanner<'a> {
    /// A planner for statements of `sql` against `ctx`.
    pub fn new(ctx: &'a SqlContext, sql: &'a str) -> Self {
        Self {
            ctx,
            sql,
            ctes: RefCell::new(vec![]),
            windows: RefCell::new(vec![]),
            params: RefCell::new(vec![]),
            next_id: RefCell::new(0),
            in_view: Cell::new(false),
        }
    }

    fn fresh_name(&self, prefix: &str) -> String {
        let mut n = self.next_id.borrow_mut();
        *n += 1;
        format!("__{prefix}{}", *n)
    }

    /// Plans a query statement without running it.
    pub fn plan_query_statement(&self, stmt: &Statement) -> Result<Arc<LogicalPlan>> {
        match stmt {
            Statement::Query(q) => Ok(self.plan_query(q, None)?.build()),
            other => Err(quiver_engine::Error::Plan(format!("not a query: {other}"))),
        }
    }

    /// Plans and runs one statement.
    pub fn execute(&self, stmt: &Statement) -> Result<QueryResult> {
        match stmt {
            Statement::Query(q) => {
                let plan = self.plan_query(q, None)?.build();
                self.run(plan)
            }
            other => self.execute_other(other),
        }
    }

    fn run(&self, plan: Arc<LogicalPlan>) -> Result<QueryResult> {
        let schema = plan.schema().to_arrow();
        let batches = self.ctx.session().execute(plan)?;
        Ok(QueryResult {
            schema,
            batches,
            is_query: true,
        })
    }
}
