//! `CREATE SEQUENCE`, `DROP SEQUENCE` and the `nextval('name')` / `currval('name')` calls.
//!
//! The counters themselves live in the engine ([`quiver_engine::functions::scalar::sequence`]);
//! the SQL context keeps the name-to-sequence catalog, and a call is lowered to the engine
//! function with the sequence's id, so each context has its own sequences.

use std::sync::Arc;

use quiver_engine::expr::builders::call;
use quiver_engine::expr::{lit, Expr};
use quiver_engine::functions::scalar::sequence::{Sequence, SequenceOptions, CURRVAL, NEXTVAL};
use quiver_engine::{Error, Result};
use sqlparser::ast::{self, Expr as SqlExpr, ObjectName};

use super::SqlPlanner;

impl SqlPlanner<'_> {
    /// Runs `CREATE SEQUENCE name [options]`.
    pub(super) fn create_sequence(
        &self,
        name: &ObjectName,
        if_not_exists: bool,
        options: &[ast::SequenceOptions],
    ) -> Result<()> {
        let name = super::statements::table_name(name).to_lowercase();
        let mut sequences = self
            .ctx
            .sequences()
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if sequences.contains_key(&name) {
            if if_not_exists {
                return Ok(());
            }
            return Err(Error::TableNotFound(format!(
                "Sequence with name \"{name}\" already exists!"
            )));
        }
        let (mut start, mut increment, mut min, mut max, mut cycle) =
            (None, None, None, None, false);
        for o in options {
            match o {
                ast::SequenceOptions::StartWith(e, _) => start = Some(integer(e)?),
                ast::SequenceOptions::IncrementBy(e, _) => increment = Some(integer(e)?),
                ast::SequenceOptions::MinValue(e) => min = e.as_ref().map(integer).transpose()?,
                ast::SequenceOptions::MaxValue(e) => max = e.as_ref().map(integer).transpose()?,
                ast::SequenceOptions::Cycle(no) => cycle = !no,
                ast::SequenceOptions::Cache(_) | ast::SequenceOptions::OwnedBy(_) => {}
                ast::SequenceOptions::DataType(_) => {}
            }
        }
        let options = SequenceOptions::new(start, increment, min, max, cycle)?;
        sequences.insert(name.clone(), Sequence::create(&name, options));
        Ok(())
    }

    /// Runs `DROP SEQUENCE name`; returns whether it existed.
    pub(super) fn drop_sequence(&self, name: &str) -> bool {
        let mut sequences = self
            .ctx
            .sequences()
            .write()
            .unwrap_or_else(|e| e.into_inner());
        sequences.remove(&name.to_lowercase()).is_some()
    }

    /// Lowers `nextval('name')` or `currval('name')`.
    pub(super) fn sequence_call(&self, func: &str, args: &[Expr]) -> Result<Expr> {
        let name = match args {
            [Expr::Literal(v)] => v.as_str().map(str::to_lowercase),
            _ => None,
        }
        .ok_or_else(|| {
            Error::Plan(format!(
                "{func} takes the sequence's name as a constant string"
            ))
        })?;
        let name = name.rsplit('.').next().unwrap_or(&name).to_string();
        let sequence: Arc<Sequence> = self
            .ctx
            .sequences()
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&name)
            .cloned()
            .ok_or_else(|| {
                Error::TableNotFound(format!("Sequence with name {name} does not exist!"))
            })?;
        let engine_fn = if func == "nextval" { NEXTVAL } else { CURRVAL };
        Ok(call(engine_fn, vec![lit(sequence.id())]))
    }
}

/// A sequence option's value: an integer, possibly negative.
fn integer(e: &SqlExpr) -> Result<i64> {
    let text = e.to_string().replace(' ', "");
    text.parse()
        .map_err(|_| Error::Syntax(format!("a sequence option takes an integer, found `{e}`")))
}
