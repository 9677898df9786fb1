//! The eager DataFrame: a schema and record batches, with conversions and pretty printing.

use std::fmt;
use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;

use super::LazyFrame;
use crate::error::{did_you_mean, list_names, Error, Result};
use crate::io::MemoryTable;
use crate::session::Session;

/// An in-memory table: a schema and record batches.
#[derive(Clone, Debug)]
pub struct DataFrame {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

/// Converts Rust vectors into Arrow columns for [`DataFrame::from_columns`].
pub trait IntoColumn {
    /// The Arrow array.
    fn into_column(self) -> ArrayRef;
}

macro_rules! into_column {
    ($t:ty, $a:ty) => {
        impl IntoColumn for Vec<$t> {
            fn into_column(self) -> ArrayRef {
                Arc::new(<$a>::from(self))
            }
        }
        impl IntoColumn for Vec<Option<$t>> {
            fn into_column(self) -> ArrayRef {
                Arc::new(<$a>::from(self))
            }
        }
    };
}

into_column!(bool, BooleanArray);
into_column!(i32, Int32Array);
into_column!(i64, Int64Array);
into_column!(u32, UInt32Array);
into_column!(u64, UInt64Array);
into_column!(f32, Float32Array);
into_column!(f64, Float64Array);
into_column!(&str, StringArray);
into_column!(String, StringArray);

impl DataFrame {
    /// A frame from batches that share `schema`.
    pub fn try_new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Result<Self> {
        for b in &batches {
            if b.schema().fields() != schema.fields() {
                return Err(Error::Schema(format!(
                    "a batch with schema {} does not match the frame's schema {}",
                    b.schema(),
                    schema
                )));
            }
        }
        Ok(Self { schema, batches })
    }

    /// A frame from named columns of equal length.
    pub fn from_columns(columns: Vec<(&str, ArrayRef)>) -> Result<Self> {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let arrays: Vec<ArrayRef> = columns.into_iter().map(|(_, a)| a).collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays)?;
        Ok(Self {
            schema,
            batches: vec![batch],
        })
    }

    /// An empty frame with a schema.
    pub fn empty(schema: SchemaRef) -> Self {
        Self {
            schema,
            batches: vec![],
        }
    }

    /// The schema.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The batches.
    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// Takes the batches out.
    pub fn into_batches(self) -> Vec<RecordBatch> {
        self.batches
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.schema.fields().len()
    }

    /// Column names.
    pub fn columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// All batches as one.
    pub fn to_batch(&self) -> Result<RecordBatch> {
        Ok(arrow::compute::concat_batches(&self.schema, &self.batches)?)
    }

    /// One column, all rows, by name.
    pub fn column(&self, name: &str) -> Result<ArrayRef> {
        let i = self.schema.index_of(name).map_err(|_| {
            let names = self.columns();
            Error::ColumnNotFound(format!(
                "column `{name}` not found; the frame has {}{}",
                list_names(names.iter().map(String::as_str)),
                did_you_mean(name, names.iter().map(String::as_str))
            ))
        })?;
        let parts: Vec<&dyn Array> = self.batches.iter().map(|b| b.column(i).as_ref()).collect();
        if parts.is_empty() {
            return Ok(new_empty_array(self.schema.field(i).data_type()));
        }
        Ok(arrow::compute::concat(&parts)?)
    }

    /// A lazy frame over this data, on the default session.
    pub fn lazy(&self) -> LazyFrame {
        self.lazy_in(&Session::default_session())
    }

    /// A lazy frame over this data, on `session`.
    pub fn lazy_in(&self, session: &Session) -> LazyFrame {
        match MemoryTable::try_new(self.schema.clone(), self.batches.clone()) {
            Ok(source) => LazyFrame::from_source("df", None, Arc::new(source), session),
            Err(e) => LazyFrame::from_error(e, session),
        }
    }

    /// The aligned text table (all rows).
    pub fn to_pretty_string(&self) -> Result<String> {
        Ok(arrow::util::pretty::pretty_format_batches(&self.batches)?.to_string())
    }
}

impl fmt::Display for DataFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_pretty_string() {
            Ok(s) => f.write_str(&s),
            Err(e) => write!(f, "<cannot display: {e}>"),
        }
    }
}
