//! What a scan reads from: the interface every table (in memory, CSV, Parquet, ...) offers.
//!
//! A source describes itself and splits a scan into independent [`Morsel`]s (a Parquet
//! row group, a byte range of a CSV file, a slice of an in-memory table). Worker threads
//! read morsels in parallel and push the batches through the rest of the pipeline.

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::expr::Expr;

/// What a scan asks of a source.
#[derive(Debug, Clone, Default)]
pub struct ScanRequest {
    /// The columns to read, as indices into [`TableSource::schema`]; `None` reads all.
    /// Output batches have exactly these columns, in this order.
    pub projection: Option<Vec<usize>>,
    /// Predicates over the table's columns (unqualified names) that the source may use to
    /// skip data (Parquet row-group statistics, hive partition values). The plan applies
    /// them again above the scan, so a source may ignore them.
    pub filters: Vec<Expr>,
    /// At most this many rows are needed (there is no filter above the scan).
    pub limit: Option<usize>,
    /// Preferred rows per batch.
    pub batch_size: usize,
}

/// A unit of scan work: read independently, in any order, by any thread.
pub trait Morsel: Send + Sync {
    /// Reads the morsel's rows, with the request's projection applied.
    fn read(&self) -> Result<Vec<RecordBatch>>;
}

/// A table that can be scanned.
pub trait TableSource: Send + Sync + fmt::Debug {
    /// The table's full schema.
    fn schema(&self) -> SchemaRef;

    /// A short description for EXPLAIN, e.g. `parquet 'lineitem.parquet' (4 row groups)`.
    fn describe(&self) -> String;

    /// The number of rows, if known cheaply (for join ordering and build-side choice).
    fn estimated_rows(&self) -> Option<usize> {
        None
    }

    /// Splits a scan into morsels, applying what it can of the request.
    fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>>;
}

/// A shared table source.
pub type TableSourceRef = Arc<dyn TableSource>;
