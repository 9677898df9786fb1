//! The SQL entry point: a session plus the SQL-level state (settings, views).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::functions::scalar::sequence::Sequence;
use quiver_engine::{Result, Session};
use sqlparser::ast::Statement;
use sqlparser::dialect::DuckDbDialect;

use crate::errors::syntax_error;
use crate::planner::SqlPlanner;

/// The result of one statement: a table (possibly empty, e.g. for CREATE TABLE).
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// Column names and Arrow types.
    pub schema: SchemaRef,
    /// The rows.
    pub batches: Vec<RecordBatch>,
    /// Whether the statement is a query (SELECT, DESCRIBE, EXPLAIN, ...) whose result
    /// should be shown; DDL and INSERT return `false`.
    pub is_query: bool,
}

impl QueryResult {
    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// DuckDB's name for each column's type (`INTEGER`, `VARCHAR`, `DECIMAL(15,2)`).
    pub fn type_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| crate::types::duckdb_type_name(f.data_type()))
            .collect()
    }
}

/// Runs SQL against a session's catalog.
#[derive(Clone, Debug)]
pub struct SqlContext {
    session: Session,
    views: Arc<std::sync::RwLock<std::collections::HashMap<String, String>>>,
    sequences: Arc<RwLock<HashMap<String, Arc<Sequence>>>>,
    prepared: Arc<RwLock<HashMap<String, Statement>>>,
}

impl SqlContext {
    /// A context over a session.
    pub fn new(session: Session) -> Self {
        Self {
            session,
            views: Default::default(),
            sequences: Default::default(),
            prepared: Default::default(),
        }
    }

    /// The session (catalog, pool, cancellation).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Replaces the session (after `SET threads = N`).
    pub fn set_session(&mut self, session: Session) {
        self.session = session;
    }

    /// View definitions by lower-case name (SQL text of the query).
    pub(crate) fn views(
        &self,
    ) -> &Arc<std::sync::RwLock<std::collections::HashMap<String, String>>> {
        &self.views
    }

    /// Sequences by lower-case name (`CREATE SEQUENCE`).
    pub(crate) fn sequences(&self) -> &Arc<RwLock<HashMap<String, Arc<Sequence>>>> {
        &self.sequences
    }

    /// Prepared statements by lower-case name (`PREPARE`).
    pub(crate) fn prepared(&self) -> &Arc<RwLock<HashMap<String, Statement>>> {
        &self.prepared
    }

    /// Parses SQL text into statements. Errors show the line with a caret.
    pub fn parse(&self, sql: &str) -> Result<Vec<Statement>> {
        parse_sql(sql)
    }

    /// Runs one parsed statement.
    pub fn execute_statement(&self, stmt: &Statement, sql: &str) -> Result<QueryResult> {
        SqlPlanner::new(self, sql).execute(stmt)
    }

    /// Runs every statement of `sql` and returns the last result (an empty one for no
    /// statements). Stops at the first error.
    pub fn sql(&self, sql: &str) -> Result<QueryResult> {
        let mut last = QueryResult {
            schema: Arc::new(arrow::datatypes::Schema::empty()),
            batches: vec![],
            is_query: false,
        };
        for stmt in self.parse(sql)? {
            last = self.execute_statement(&stmt, sql)?;
        }
        Ok(last)
    }
}

/// Parses SQL text in DuckDB's dialect into statements; errors show the line with a caret.
/// DuckDB's PIVOT / UNPIVOT forms become carriers sqlparser parses; other DuckDB-only forms
/// are rewritten token by token (see `duckdb_tokens`).
pub fn parse_sql(sql: &str) -> Result<Vec<Statement>> {
    let sql = crate::planner::pivot_syntax::rewrite_pivot_syntax(sql);
    crate::duckdb_tokens::parse(&DuckDbDialect {}, &sql).map_err(|e| syntax_error(&sql, &e))
}
