//! Statements other than queries: CREATE TABLE [AS], INSERT, CREATE VIEW, DROP, DESCRIBE,
//! SHOW TABLES, EXPLAIN, COPY .. TO and SET.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringArray};
use arrow::datatypes::{Field, Schema, SchemaRef};
use quiver_engine::io::{self, CsvWriteOptions, MemoryTable, ParquetWriteOptions, WriteOptions};
use quiver_engine::logical::{builder_column_of, LogicalPlanBuilder, TableSourceRef};
use quiver_engine::{Error, Result};
use sqlparser::ast::{self, ObjectType, Statement};

use super::SqlPlanner;
use crate::context::QueryResult;
use crate::types::{arrow_type, duckdb_type_name};

pub(super) fn table_name(name: &ast::ObjectName) -> String {
    name.0
        .iter()
        .rev()
        .find_map(|p| p.as_ident())
        .map(|i| i.value.clone())
        .unwrap_or_default()
}

fn empty_result() -> QueryResult {
    QueryResult {
        schema: Arc::new(Schema::empty()),
        batches: vec![],
        is_query: false,
    }
}

fn text_result(columns: Vec<(&str, Vec<String>)>) -> Result<QueryResult> {
    let schema: SchemaRef = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, _)| Field::new(*n, arrow::datatypes::DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let arrays: Vec<ArrayRef> = columns
        .into_iter()
        .map(|(_, v)| Arc::new(StringArray::from(v)) as ArrayRef)
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays)?;
    Ok(QueryResult {
        schema,
        batches: vec![batch],
        is_query: true,
    })
}

impl SqlPlanner<'_> {
    pub(super) fn execute_other(&self, stmt: &Statement) -> Result<QueryResult> {
        let catalog = self.ctx.session().catalog();
        match stmt {
            Statement::CreateTable(ct) => {
                let name = table_name(&ct.name);
                if catalog.contains(&name) && !ct.or_replace {
                    if ct.if_not_exists {
                        return Ok(empty_result());
                    }
                    return Err(Error::Plan(format!(
                        "table `{name}` already exists; use CREATE OR REPLACE TABLE to replace it"
                    )));
                }
                let (schema, batches) = match &ct.query {
                    Some(q) => {
                        let plan = self.plan_query(q, None)?.build();
                        let schema = plan.schema().to_arrow();
                        let batches = self.ctx.session().execute(plan)?;
                        (schema, batches)
                    }
                    None => {
                        let fields = ct
                            .columns
                            .iter()
                            .map(|c| {
                                Ok(Field::new(
                                    c.name.value.clone(),
                                    arrow_type(&c.data_type)?,
                                    true,
                                ))
                            })
                            .collect::<Result<Vec<_>>>()?;
                        (Arc::new(Schema::new(fields)) as SchemaRef, vec![])
                    }
                };
                let schema = nullable(&schema);
                let batches = relabel(&schema, batches)?;
                catalog.register(&name, Arc::new(MemoryTable::try_new(schema, batches)?));
                Ok(empty_result())
            }
            Statement::Insert(ins) => {
                let name = match &ins.table {
                    ast::TableObject::TableName(n) => table_name(n),
                    other => return Err(Error::NotSupported(format!("INSERT INTO {other}"))),
                };
                let target: TableSourceRef = catalog.get(&name)?;
                let schema = target.schema();
                let Some(source) = &ins.source else {
                    return Err(Error::NotSupported(
                        "INSERT without VALUES or a query".into(),
                    ));
                };
                let plan = self.plan_query(source, None)?;
                let given = plan.schema().clone();
                // Map the given columns onto the table's, NULL for the rest.
                let columns: Vec<String> = if ins.columns.is_empty() {
                    schema.fields().iter().map(|f| f.name().clone()).collect()
                } else {
                    ins.columns.iter().map(table_name).collect()
                };
                if columns.len() != given.len() {
                    return Err(Error::Plan(format!(
                        "INSERT into `{name}` names {} columns but the query gives {}",
                        columns.len(),
                        given.len()
                    )));
                }
                let mut exprs = vec![];
                for f in schema.fields() {
                    match columns
                        .iter()
                        .position(|c| c.eq_ignore_ascii_case(f.name()))
                    {
                        Some(i) => exprs.push(
                            builder_column_of(given.field(i))
                                .cast(f.data_type().clone())
                                .alias(f.name()),
                        ),
                        None => {
                            exprs.push(quiver_engine::expr::lit_null(f.data_type()).alias(f.name()))
                        }
                    }
                }
                let plan = plan.project(exprs)?.build();
                let new_rows = self.ctx.session().execute(plan)?;
                let existing = self
                    .ctx
                    .session()
                    .execute(LogicalPlanBuilder::scan(name.clone(), None, target)?.build())?;
                let mut all = relabel(&schema, existing)?;
                let count: usize = new_rows.iter().map(|b| b.num_rows()).sum();
                all.extend(relabel(&schema, new_rows)?);
                catalog.register(&name, Arc::new(MemoryTable::try_new(schema, all)?));
                let s: SchemaRef = Arc::new(Schema::new(vec![Field::new(
                    "Count",
                    arrow::datatypes::DataType::Int64,
                    false,
                )]));
                let b = RecordBatch::try_new(
                    s.clone(),
                    vec![Arc::new(arrow::array::Int64Array::from(vec![count as i64]))],
                )?;
                Ok(QueryResult {
                    schema: s,
                    batches: vec![b],
                    is_query: false,
                })
            }
            Statement::CreateView(v) => {
                let name = table_name(&v.name);
                let mut views = self.ctx.views().write().unwrap_or_else(|e| e.into_inner());
                if views.contains_key(&name.to_lowercase()) && !v.or_replace {
                    return Err(Error::Plan(format!(
                        "view `{name}` already exists; use CREATE OR REPLACE VIEW"
                    )));
                }
                // Check the query plans now, so mistakes show at CREATE VIEW.
                drop(views);
                self.in_view.set(true);
                let planned = self.plan_query(&v.query, None);
                self.in_view.set(false);
                planned?;
                views = self.ctx.views().write().unwrap_or_else(|e| e.into_inner());
                // `CREATE VIEW v(a, b) AS ..` names the query's columns.
                let text = if v.columns.is_empty() {
                    v.query.to_string()
                } else {
                    let names: Vec<String> = v.columns.iter().map(|c| c.name.to_string()).collect();
                    format!(
                        "SELECT * FROM ({}) AS __view({})",
                        v.query,
                        names.join(", ")
                    )
                };
                views.insert(name.to_lowercase(), text);
                Ok(empty_result())
            }
            Statement::Drop {
                object_type,
                if_exists,
                names,
                ..
            } => {
                for n in names {
                    let name = table_name(n);
                    let gone = match object_type {
                        ObjectType::Table => catalog.deregister(&name),
                        ObjectType::View => self
                            .ctx
                            .views()
                            .write()
                            .unwrap_or_else(|e| e.into_inner())
                            .remove(&name.to_lowercase())
                            .is_some(),
                        ObjectType::Sequence => self.drop_sequence(&name),
                        other => return Err(Error::NotSupported(format!("DROP {other}"))),
                    };
                    if !gone && !*if_exists {
                        return Err(Error::TableNotFound(format!(
                            "{object_type} `{name}` does not exist"
                        )));
                    }
                }
                Ok(empty_result())
            }
            Statement::ExplainTable { table_name: t, .. } => {
                self.describe(self.named_relation(t)?.0)
            }
            Statement::Explain {
                statement, analyze, ..
            } => {
                let Statement::Query(q) = statement.as_ref() else {
                    return Err(Error::NotSupported(
                        "EXPLAIN of a statement that is not a query".into(),
                    ));
                };
                let plan = self.plan_query(q, None)?.build();
                if *analyze {
                    let start = std::time::Instant::now();
                    let rows: usize = self
                        .ctx
                        .session()
                        .execute(plan.clone())?
                        .iter()
                        .map(|b| b.num_rows())
                        .sum();
                    let text = format!(
                        "{}\nrows: {rows}, time: {:.3}s",
                        self.ctx.session().explain(plan)?,
                        start.elapsed().as_secs_f64()
                    );
                    return text_result(vec![("explain_value", vec![text])]);
                }
                text_result(vec![
                    ("explain_key", vec!["physical_plan".into()]),
                    ("explain_value", vec![self.ctx.session().explain(plan)?]),
                ])
            }
            Statement::ShowTables { .. } => text_result(vec![("name", catalog.names())]),
            Statement::Copy {
                source,
                to,
                target,
                options,
                ..
            } => {
                if !to {
                    return Err(Error::NotSupported(
                        "COPY .. FROM; use CREATE TABLE t AS FROM 'file'".into(),
                    ));
                }
                let plan = match source {
                    ast::CopySource::Query(q) => self.plan_query(q, None)?,
                    ast::CopySource::Table { table_name: t, .. } => self.named_relation(t)?.0,
                };
                let path = match target {
                    ast::CopyTarget::File { filename } => filename.clone(),
                    other => return Err(Error::NotSupported(format!("COPY TO {other}"))),
                };
                let mut format = io::FileFormat::from_path(&path).ok();
                let mut header = true;
                let mut delimiter = b',';
                for o in options {
                    match o {
                        ast::CopyOption::Format(f) => {
                            format = Some(match f.value.to_lowercase().as_str() {
                                "parquet" => io::FileFormat::Parquet,
                                "csv" => io::FileFormat::Csv,
                                "json" | "ndjson" => io::FileFormat::Json,
                                "arrow" | "ipc" => io::FileFormat::Ipc,
                                other => {
                                    return Err(Error::NotSupported(format!(
                                        "COPY format `{other}`"
                                    )))
                                }
                            })
                        }
                        ast::CopyOption::Header(h) => header = *h,
                        ast::CopyOption::Delimiter(d) => delimiter = *d as u8,
                        _ => {}
                    }
                }
                let plan = plan.build();
                let schema = plan.schema().to_arrow();
                let batches = self.ctx.session().execute(plan)?;
                let summary = match format.unwrap_or(io::FileFormat::Csv) {
                    io::FileFormat::Parquet => io::write_parquet(
                        &path,
                        &schema,
                        &batches,
                        &ParquetWriteOptions {
                            overwrite: true,
                            ..Default::default()
                        },
                    )?,
                    io::FileFormat::Csv => io::write_csv(
                        &path,
                        &schema,
                        &batches,
                        &CsvWriteOptions {
                            has_header: header,
                            delimiter,
                            overwrite: true,
                            ..Default::default()
                        },
                    )?,
                    io::FileFormat::Json => io::write_ndjson(
                        &path,
                        &schema,
                        &batches,
                        &WriteOptions {
                            overwrite: true,
                            ..Default::default()
                        },
                    )?,
                    io::FileFormat::Ipc => io::write_ipc(
                        &path,
                        &schema,
                        &batches,
                        &WriteOptions {
                            overwrite: true,
                            ..Default::default()
                        },
                    )?,
                };
                let s: SchemaRef = Arc::new(Schema::new(vec![Field::new(
                    "Count",
                    arrow::datatypes::DataType::Int64,
                    false,
                )]));
                let b = RecordBatch::try_new(
                    s.clone(),
                    vec![Arc::new(arrow::array::Int64Array::from(vec![
                        summary.rows as i64,
                    ]))],
                )?;
                Ok(QueryResult {
                    schema: s,
                    batches: vec![b],
                    is_query: false,
                })
            }
            // One writer at a time and no rollback log: transactions are accepted and
            // every statement takes effect at once.
            Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. } => Ok(empty_result()),
            // One namespace: schemas are accepted and table names use their last part.
            Statement::CreateSchema { .. } => Ok(empty_result()),
            Statement::Delete(d) => {
                let name = match (&d.from, d.tables.first()) {
                    (_, Some(t)) => table_name(t),
                    (
                        ast::FromTable::WithFromKeyword(f) | ast::FromTable::WithoutKeyword(f),
                        None,
                    ) => match f.first().map(|t| &t.relation) {
                        Some(ast::TableFactor::Table { name, .. }) => table_name(name),
                        _ => {
                            return Err(Error::NotSupported(
                                "DELETE from something other than a table".into(),
                            ))
                        }
                    },
                };
                let keep = d
                    .selection
                    .as_ref()
                    .map(|w| format!("WHERE ({w}) IS NOT TRUE"))
                    .unwrap_or_else(|| "WHERE false".into());
                self.rewrite_table(&name, &format!("SELECT * FROM \"{name}\" {keep}"), true)
            }
            Statement::Update(u) => {
                let name = match &u.table.relation {
                    ast::TableFactor::Table { name, .. } => table_name(name),
                    _ => {
                        return Err(Error::NotSupported(
                            "UPDATE of something other than a table".into(),
                        ))
                    }
                };
                if u.from.is_some() {
                    return Err(Error::NotSupported("UPDATE .. FROM".into()));
                }
                let schema = catalog.get(&name)?.schema();
                let cond = u.selection.as_ref().map(|w| w.to_string());
                let mut cols = vec![];
                for f in schema.fields() {
                    let set = u.assignments.iter().find(|a| match &a.target {
                        ast::AssignmentTarget::ColumnName(c) => {
                            table_name(c).eq_ignore_ascii_case(f.name())
                        }
                        _ => false,
                    });
                    let t = crate::types::duckdb_type_name(f.data_type());
                    cols.push(match (set, &cond) {
                        (Some(a), Some(c)) => format!(
                            "CASE WHEN {c} THEN CAST({} AS {t}) ELSE \"{}\" END AS \"{}\"",
                            a.value,
                            f.name(),
                            f.name()
                        ),
                        (Some(a), None) => format!("CAST({} AS {t}) AS \"{}\"", a.value, f.name()),
                        (None, _) => format!("\"{}\"", f.name()),
                    });
                }
                // DuckDB reports the rows the condition selects.
                let where_sql = cond
                    .as_ref()
                    .map(|c| format!(" WHERE {c}"))
                    .unwrap_or_default();
                let counted = self
                    .ctx
                    .sql(&format!("SELECT count(*) FROM \"{name}\"{where_sql}"))?;
                let updated = counted
                    .batches
                    .first()
                    .and_then(|b| {
                        b.column(0)
                            .as_any()
                            .downcast_ref::<arrow::array::Int64Array>()
                            .map(|a| a.value(0))
                    })
                    .unwrap_or(0);
                let mut result = self.rewrite_table(
                    &name,
                    &format!("SELECT {} FROM \"{name}\"", cols.join(", ")),
                    false,
                )?;
                let s = result.schema.clone();
                result.batches = vec![RecordBatch::try_new(
                    s,
                    vec![Arc::new(arrow::array::Int64Array::from(vec![updated]))],
                )?];
                Ok(result)
            }
            Statement::CreateSequence {
                if_not_exists,
                name,
                sequence_options,
                ..
            } => {
                self.create_sequence(name, *if_not_exists, sequence_options)?;
                Ok(empty_result())
            }
            Statement::Prepare {
                name, statement, ..
            } => {
                self.prepare(&name.value, statement)?;
                Ok(empty_result())
            }
            Statement::Execute {
                name: Some(name),
                parameters,
                ..
            } => self.execute_prepared(&table_name(name), parameters),
            Statement::Deallocate { name, .. } => {
                self.deallocate(&name.value);
                Ok(empty_result())
            }
            Statement::Set(ast::Set::SingleAssignment {
                variable, values, ..
            }) if matches!(
                table_name(variable).to_lowercase().as_str(),
                "threads" | "worker_threads"
            ) =>
            {
                let n = values
                    .first()
                    .and_then(|v| v.to_string().trim_matches('\'').parse::<usize>().ok())
                    .ok_or_else(|| {
                        Error::Plan(format!(
                            "SET threads takes a number of threads, found `{}`",
                            values.first().map(|v| v.to_string()).unwrap_or_default()
                        ))
                    })?;
                self.ctx.session().set_threads(n)?;
                Ok(empty_result())
            }
            Statement::Set(_) => {
                // Other settings only tune DuckDB's behaviour or performance; they are
                // accepted and have no effect.
                Ok(empty_result())
            }
            other => Err(Error::NotSupported(format!(
                "the statement `{}`",
                first_words(&other.to_string())
            ))),
        }
    }

    /// Replaces a table's rows with the result of `sql` (DELETE and UPDATE); returns the
    /// number of rows deleted (or, for UPDATE, the table's rows).
    fn rewrite_table(&self, name: &str, sql: &str, deleting: bool) -> Result<QueryResult> {
        let catalog = self.ctx.session().catalog();
        let source = catalog.get(name)?;
        let schema = source.schema();
        let n_before = source.estimated_rows().unwrap_or(0);
        let stmts = self.ctx.parse(sql)?;
        let stmt = stmts
            .first()
            .ok_or_else(|| Error::Internal(format!("no statement in `{sql}`")))?;
        let plan = SqlPlanner::new(self.ctx, sql).plan_query_statement(stmt)?;
        let rows = relabel(&schema, self.ctx.session().execute(plan)?)?;
        let n_after: usize = rows.iter().map(|b| b.num_rows()).sum();
        catalog.register(name, Arc::new(MemoryTable::try_new(schema, rows)?));
        let changed = if deleting {
            n_before.saturating_sub(n_after)
        } else {
            n_after
        };
        let s: SchemaRef = Arc::new(Schema::new(vec![Field::new(
            "Count",
            arrow::datatypes::DataType::Int64,
            false,
        )]));
        let b = RecordBatch::try_new(
            s.clone(),
            vec![Arc::new(arrow::array::Int64Array::from(vec![
                changed as i64,
            ]))],
        )?;
        Ok(QueryResult {
            schema: s,
            batches: vec![b],
            is_query: false,
        })
    }

    fn describe(&self, plan: LogicalPlanBuilder) -> Result<QueryResult> {
        let s = plan.schema().clone();
        let names = s.fields().iter().map(|f| f.name().to_string()).collect();
        let types = s
            .fields()
            .iter()
            .map(|f| duckdb_type_name(f.data_type()))
            .collect();
        let nulls = s
            .fields()
            .iter()
            .map(|f| {
                if f.field().is_nullable() {
                    "YES".to_string()
                } else {
                    "NO".to_string()
                }
            })
            .collect();
        text_result(vec![
            ("column_name", names),
            ("column_type", types),
            ("null", nulls),
        ])
    }
}

fn first_words(s: &str) -> String {
    s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn nullable(schema: &SchemaRef) -> SchemaRef {
    Arc::new(Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| f.as_ref().clone().with_nullable(true))
            .collect::<Vec<_>>(),
    ))
}

fn relabel(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    batches
        .into_iter()
        .map(|b| Ok(RecordBatch::try_new(schema.clone(), b.columns().to_vec())?))
        .collect()
}
