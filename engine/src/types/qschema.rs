//! The schema of a logical plan node: Arrow fields, each with an optional table qualifier.
//!
//! SQL needs qualifiers to tell `l1.l_orderkey` from `l2.l_orderkey` after a self join; the
//! frame API never sets them. Lookups by bare name succeed when exactly one field has that
//! name and fail with a "did you mean" otherwise.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};

use crate::error::{did_you_mean, list_names, Error, Result};

/// A field with the relation (table alias) it belongs to, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct QField {
    qualifier: Option<Arc<str>>,
    field: FieldRef,
}

impl QField {
    /// A field, optionally qualified.
    pub fn new(qualifier: Option<Arc<str>>, field: FieldRef) -> Self {
        Self { qualifier, field }
    }

    /// The relation the field belongs to.
    pub fn qualifier(&self) -> Option<&str> {
        self.qualifier.as_deref()
    }

    /// The Arrow field.
    pub fn field(&self) -> &FieldRef {
        &self.field
    }

    /// The field's (unqualified) name.
    pub fn name(&self) -> &str {
        self.field.name()
    }

    /// The field's type.
    pub fn data_type(&self) -> &DataType {
        self.field.data_type()
    }

    /// `qualifier.name`, or the bare name.
    pub fn qualified_name(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{q}.{}", self.field.name()),
            None => self.field.name().clone(),
        }
    }
}

/// A shared [`QSchema`].
pub type QSchemaRef = Arc<QSchema>;

/// An ordered list of qualified fields: the output schema of a logical plan node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QSchema {
    fields: Vec<QField>,
}

impl QSchema {
    /// A schema from qualified fields. Duplicate names are allowed (they are resolved by
    /// qualifier); exact duplicates of qualifier and name are rejected.
    pub fn try_new(fields: Vec<QField>) -> Result<Self> {
        for (i, a) in fields.iter().enumerate() {
            if let Some(q) = a.qualifier() {
                if fields[..i]
                    .iter()
                    .any(|b| b.qualifier() == Some(q) && b.name() == a.name())
                {
                    return Err(Error::Schema(format!(
                        "duplicate column `{}` in the output; give one of them a different name with an alias",
                        a.qualified_name()
                    )));
                }
            }
        }
        Ok(Self { fields })
    }

    /// An empty schema.
    pub fn empty() -> Self {
        Self::default()
    }

    /// An unqualified schema from an Arrow schema.
    pub fn from_arrow(schema: &Schema) -> Self {
        Self {
            fields: schema
                .fields()
                .iter()
                .map(|f| QField::new(None, f.clone()))
                .collect(),
        }
    }

    /// An Arrow schema with every field qualified by `qualifier`.
    pub fn from_arrow_qualified(schema: &Schema, qualifier: &str) -> Self {
        let q: Arc<str> = Arc::from(qualifier);
        Self {
            fields: schema
                .fields()
                .iter()
                .map(|f| QField::new(Some(q.clone()), f.clone()))
                .collect(),
        }
    }

    /// The same fields, all re-qualified by `qualifier` (a subquery alias).
    pub fn with_qualifier(&self, qualifier: &str) -> Self {
        let q: Arc<str> = Arc::from(qualifier);
        Self {
            fields: self
                .fields
                .iter()
                .map(|f| QField::new(Some(q.clone()), f.field.clone()))
                .collect(),
        }
    }

    /// The fields.
    pub fn fields(&self) -> &[QField] {
        &self.fields
    }

    /// The field at `i`.
    pub fn field(&self, i: usize) -> &QField {
        &self.fields[i]
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The plain Arrow schema (names unqualified).
    pub fn to_arrow(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.fields
                .iter()
                .map(|f| f.field.clone())
                .collect::<Vec<_>>(),
        ))
    }

    /// Concatenates two schemas (a join's output).
    pub fn join(&self, right: &QSchema) -> Result<Self> {
        let mut fields = self.fields.clone();
        fields.extend(right.fields.iter().cloned());
        Self::try_new(fields)
    }

    /// Finds a field, or returns `None` without an error.
    pub fn find(&self, qualifier: Option<&str>, name: &str) -> Result<Option<usize>> {
        let matches: Vec<usize> = self
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name() == name && qualifier.is_none_or(|q| f.qualifier() == Some(q)))
            .map(|(i, _)| i)
            .collect();
        match matches.len() {
            0 => {
                // DuckDB resolves identifiers case-insensitively; fall back to that.
                let ci: Vec<usize> = self
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        f.name().eq_ignore_ascii_case(name)
                            && qualifier.is_none_or(|q| {
                                f.qualifier().is_some_and(|fq| fq.eq_ignore_ascii_case(q))
                            })
                    })
                    .map(|(i, _)| i)
                    .collect();
                match ci.len() {
                    0 => Ok(None),
                    1 => Ok(Some(ci[0])),
                    _ => Err(self.ambiguous(name, &ci)),
                }
            }
            1 => Ok(Some(matches[0])),
            _ => Err(self.ambiguous(name, &matches)),
        }
    }

    fn ambiguous(&self, name: &str, at: &[usize]) -> Error {
        let names: Vec<String> = at
            .iter()
            .map(|i| self.fields[*i].qualified_name())
            .collect();
        Error::Schema(format!(
            "column reference `{name}` is ambiguous: it could be any of {}; qualify it with the table name",
            list_names(names.iter().map(String::as_str))
        ))
    }

    /// Finds a field by optional qualifier and name, with a helpful error.
    pub fn index_of(&self, qualifier: Option<&str>, name: &str) -> Result<usize> {
        if let Some(i) = self.find(qualifier, name)? {
            return Ok(i);
        }
        let full = match qualifier {
            Some(q) => format!("{q}.{name}"),
            None => name.to_string(),
        };
        let names: Vec<String> = self.fields.iter().map(|f| f.name().to_string()).collect();
        let hint = did_you_mean(name, names.iter().map(String::as_str));
        if self.fields.is_empty() {
            return Err(Error::ColumnNotFound(format!(
                "column `{full}` not found; the input has no columns (is a FROM clause missing?)"
            )));
        }
        Err(Error::ColumnNotFound(format!(
            "column `{full}` not found; the input has {}{hint}",
            list_names(self.fields.iter().map(|f| f.name()))
        )))
    }

    /// Field names, unqualified.
    pub fn names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name().to_string()).collect()
    }

    /// A schema built from plain fields, unqualified.
    pub fn from_fields(fields: impl IntoIterator<Item = Field>) -> Self {
        Self {
            fields: fields
                .into_iter()
                .map(|f| QField::new(None, Arc::new(f)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> QSchema {
        let a = Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("name", DataType::Utf8, true),
        ]);
        QSchema::from_arrow_qualified(&a, "l")
            .join(&QSchema::from_arrow_qualified(&a, "r"))
            .unwrap()
    }

    #[test]
    fn resolves_qualified_and_reports_ambiguity() {
        let s = schema();
        assert_eq!(s.index_of(Some("r"), "id").unwrap(), 2);
        let err = s.index_of(None, "id").unwrap_err().to_string();
        assert!(err.contains("ambiguous"), "{err}");
        assert!(err.contains("`l.id`") && err.contains("`r.id`"), "{err}");
    }

    #[test]
    fn suggests_a_name() {
        let s = QSchema::from_arrow(&Schema::new(vec![Field::new(
            "l_orderkey",
            DataType::Int64,
            false,
        )]));
        let err = s.index_of(None, "l_orderky").unwrap_err().to_string();
        assert_eq!(
            err,
            "column `l_orderky` not found; the input has `l_orderkey`; did you mean `l_orderkey`?"
        );
        assert_eq!(s.index_of(None, "L_ORDERKEY").unwrap(), 0);
    }
}
