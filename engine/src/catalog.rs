//! The catalog: named tables shared by the frame API and SQL.

use std::collections::BTreeMap;
use std::sync::RwLock;

use crate::error::{did_you_mean, Error, Result};
use crate::logical::TableSourceRef;

/// A registry of tables by name (case-insensitive, as DuckDB's).
#[derive(Debug, Default)]
pub struct Catalog {
    tables: RwLock<BTreeMap<String, TableSourceRef>>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) a table.
    pub fn register(&self, name: &str, source: TableSourceRef) {
        self.tables
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_lowercase(), source);
    }

    /// Removes a table; returns whether it existed.
    pub fn deregister(&self, name: &str) -> bool {
        self.tables
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&name.to_lowercase())
            .is_some()
    }

    /// A table by name, with a "did you mean" error.
    pub fn get(&self, name: &str) -> Result<TableSourceRef> {
        let tables = self.tables.read().unwrap_or_else(|e| e.into_inner());
        tables.get(&name.to_lowercase()).cloned().ok_or_else(|| {
            let hint = did_you_mean(name, tables.keys().map(String::as_str));
            Error::TableNotFound(format!("table `{name}` does not exist{hint}"))
        })
    }

    /// Whether a table exists.
    pub fn contains(&self, name: &str) -> bool {
        self.tables
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&name.to_lowercase())
    }

    /// Table names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.tables
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect()
    }
}
