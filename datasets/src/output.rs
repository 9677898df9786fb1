//! Writing generated tables to Parquet or CSV files.

use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::io::{
    write_csv, write_parquet, CsvWriteOptions, FileFormat, ParquetWriteOptions,
};
use quiver_engine::{Error, Result};

/// A file a generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    /// Where.
    pub path: PathBuf,
    /// How many rows.
    pub rows: u64,
}

/// Writes `batches` as `<dir>/<stem>.parquet` or `<dir>/<stem>.csv`, replacing an
/// existing file atomically. Other formats are refused.
pub fn write_table(
    dir: &Path,
    stem: &str,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: FileFormat,
) -> Result<WrittenFile> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating `{}`", dir.display()), e))?;
    let path = dir.join(format!("{stem}.{}", format.name()));
    match format {
        FileFormat::Parquet => {
            let opts = ParquetWriteOptions {
                overwrite: true,
                ..Default::default()
            };
            write_parquet(&path, schema, batches, &opts)?;
        }
        FileFormat::Csv => {
            let opts = CsvWriteOptions {
                overwrite: true,
                ..Default::default()
            };
            write_csv(&path, schema, batches, &opts)?;
        }
        other => {
            return Err(Error::NotSupported(format!(
                "writing generated data as {}; use parquet or csv",
                other.name()
            )))
        }
    }
    let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
    Ok(WrittenFile { path, rows })
}
