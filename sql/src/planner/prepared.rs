//! Prepared statements: `PREPARE name AS statement`, `EXECUTE name(args)`, `DEALLOCATE`.
//!
//! A prepared statement is kept as its parsed AST with its `?` placeholders renumbered
//! `$1, $2, ...` in order of appearance. `EXECUTE` plans it afresh with the arguments
//! bound: a placeholder lowers to its argument expression, so types are those of the
//! arguments, as in DuckDB.

use quiver_engine::expr::Expr;
use quiver_engine::logical::LogicalPlanBuilder;
use quiver_engine::{Error, Result};
use sqlparser::ast::{Expr as SqlExpr, Statement};
use sqlparser::dialect::DuckDbDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::SqlPlanner;
use crate::context::QueryResult;

impl SqlPlanner<'_> {
    /// Runs `PREPARE name AS statement`.
    pub(super) fn prepare(&self, name: &str, statement: &Statement) -> Result<()> {
        let numbered = number_placeholders(&statement.to_string())?;
        self.ctx
            .prepared()
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_lowercase(), numbered);
        Ok(())
    }

    /// Runs `EXECUTE name(args)`.
    pub(super) fn execute_prepared(&self, name: &str, args: &[SqlExpr]) -> Result<QueryResult> {
        let statement = self
            .ctx
            .prepared()
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&name.to_lowercase())
            .cloned()
            .ok_or_else(|| {
                Error::TableNotFound(format!("Prepared statement \"{name}\" does not exist"))
            })?;
        *self.params.borrow_mut() = args.to_vec();
        let result = self.execute(&statement);
        self.params.borrow_mut().clear();
        result
    }

    /// Runs `DEALLOCATE [PREPARE] name`.
    pub(super) fn deallocate(&self, name: &str) {
        self.ctx
            .prepared()
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&name.to_lowercase());
    }

    /// Lowers the placeholder `$n` (or `?`, numbered on PREPARE) to its bound argument.
    pub(super) fn parameter(
        &self,
        placeholder: &str,
        plan: &mut LogicalPlanBuilder,
    ) -> Result<Expr> {
        let params = self.params.borrow().clone();
        let index: usize = placeholder
            .trim_start_matches('$')
            .parse()
            .map_err(|_| Error::NotSupported(format!("the parameter `{placeholder}`")))?;
        if params.is_empty() {
            return Err(Error::Plan(format!(
                "the parameter `{placeholder}` has no value: PREPARE the statement and run it with EXECUTE"
            )));
        }
        let arg = index
            .checked_sub(1)
            .and_then(|i| params.get(i))
            .ok_or_else(|| {
                Error::Plan(format!(
                "Values were not provided for the following prepared statement parameters: {index} \
                 (EXECUTE gave {} values)",
                params.len()
            ))
            })?;
        self.sql_expr(arg, plan)
    }
}

/// Re-parses `sql` with each `?` placeholder replaced by `$1`, `$2`, ... in order.
fn number_placeholders(sql: &str) -> Result<Statement> {
    let dialect = DuckDbDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize()
        .map_err(|e| Error::Syntax(e.to_string()))?;
    let mut n = 0;
    let text: String = tokens
        .into_iter()
        .map(|t| match t {
            Token::Placeholder(p) if p == "?" => {
                n += 1;
                format!("${n}")
            }
            other => other.to_string(),
        })
        .collect();
    let mut statements =
        Parser::parse_sql(&dialect, &text).map_err(|e| Error::Syntax(e.to_string()))?;
    match statements.len() {
        1 => Ok(statements.remove(0)),
        _ => Err(Error::Plan("PREPARE takes exactly one statement".into())),
    }
}
