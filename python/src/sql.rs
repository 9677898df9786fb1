//! `SQLContext` for Python: frames registered by name, queries planned into LazyFrames.

use std::sync::Arc;

use pyo3::prelude::*;
use quiver_engine::io::MemoryTable;
use quiver_engine::{LazyFrame, Session};
use quiver_sql::planner::SqlPlanner;
use quiver_sql::SqlContext;

use crate::error::{to_py, IntoPy};
use crate::frame::{PyDataFrame, PyLazyFrame};

/// A SQL context with its own table names (sharing the default worker pool).
#[pyclass(name = "SQLContext", module = "quiver._quiver", frozen)]
pub struct PySqlContext {
    ctx: SqlContext,
}

#[pymethods]
impl PySqlContext {
    #[new]
    fn new() -> Self {
        Self {
            ctx: SqlContext::new(Session::default_session().with_empty_catalog()),
        }
    }

    /// Registers a frame's data under `name`, replacing an earlier table of that name.
    fn register(&self, name: &str, frame: PyDataFrame) -> PyResult<()> {
        let df = frame.inner;
        let table = MemoryTable::try_new(df.schema().clone(), df.batches().to_vec()).py_err()?;
        self.ctx.session().catalog().register(name, Arc::new(table));
        Ok(())
    }

    fn unregister(&self, name: &str) -> bool {
        self.ctx.session().catalog().deregister(name)
    }

    fn tables(&self) -> Vec<String> {
        let mut names = self.ctx.session().catalog().names();
        names.sort();
        names
    }

    /// Plans the last statement of `query` (earlier ones, such as `CREATE VIEW`, run first)
    /// into a LazyFrame; statements that are not queries run now and give their result.
    fn execute(&self, py: Python<'_>, query: &str) -> PyResult<PyLazyFrame> {
        let statements = self.ctx.parse(query).py_err()?;
        let Some((last, earlier)) = statements.split_last() else {
            return Err(to_py(quiver_engine::Error::Plan(
                "no SQL statement to run".into(),
            )));
        };
        for stmt in earlier {
            let ctx = self.ctx.clone();
            let stmt = stmt.clone();
            let text = query.to_string();
            crate::run::run(py, self.ctx.session(), move || {
                ctx.execute_statement(&stmt, &text).map(|_| ())
            })?;
        }
        let session = self.ctx.session();
        if let sqlparser::ast::Statement::Query(_) = last {
            let plan = SqlPlanner::new(&self.ctx, query)
                .plan_query_statement(last)
                .py_err()?;
            return Ok(LazyFrame::from_plan(plan, session).into());
        }
        let ctx = self.ctx.clone();
        let stmt = last.clone();
        let text = query.to_string();
        let result = crate::run::run(py, session, move || ctx.execute_statement(&stmt, &text))?;
        let df = quiver_engine::DataFrame::try_new(result.schema, result.batches).py_err()?;
        Ok(df.lazy_in(session).into())
    }
}
