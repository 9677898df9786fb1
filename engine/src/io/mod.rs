//! File IO: table sources that read CSV, Parquet, newline-delimited JSON and Arrow IPC files
//! (plus in-memory tables) as parallel morsels, and atomic writers for the same formats.
//!
//! - [`listing`] resolves what the user wrote (a file, a glob, a list, a directory) into
//!   files and detects hive partitioning (`key=value` folders become columns);
//! - [`csv`], [`parquet`], [`json`], [`ipc`] and [`memory`] implement
//!   [`TableSource`](crate::logical::TableSource);
//! - [`writer`] writes batches atomically, optionally hive-partitioned;
//! - [`staging`] holds outputs beside their destinations until a whole job commits them.
//!
//! [`source_for_path`] picks the reader from the file extension, as `FROM 'file.parquet'`
//! does in SQL:
//!
//! ```
//! use std::sync::Arc;
//! use arrow::array::Int64Array;
//! use arrow::datatypes::{DataType, Field, Schema};
//! use arrow::record_batch::RecordBatch;
//! use quiver_engine::io::{source_for_path, write_parquet, ParquetWriteOptions};
//! use quiver_engine::logical::ScanRequest;
//!
//! let dir = std::env::temp_dir().join(format!("quiver-io-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let path = dir.join("numbers.parquet");
//! let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![1, 2, 3]))])?;
//! write_parquet(&path, &schema, &[batch], &ParquetWriteOptions::default())?;
//!
//! let source = source_for_path(&path)?;
//! let request = ScanRequest { batch_size: 1024, ..Default::default() };
//! let mut rows = 0;
//! for morsel in source.morsels(&request)? {
//!     rows += morsel.read()?.iter().map(|b| b.num_rows()).sum::<usize>();
//! }
//! assert_eq!(rows, 3);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod atomic;
pub mod csv;
mod csv_sniffer;
mod csv_split;
mod hive;
pub mod ipc;
pub mod json;
pub mod listing;
pub mod memory;
pub mod parquet;
mod pruning;
pub mod staging;
pub mod writer;

use std::path::Path;
use std::sync::Arc;

pub use self::csv::{CsvOptions, CsvSource};
pub use self::ipc::{IpcOptions, IpcSource};
pub use self::json::{JsonOptions, JsonSource};
pub use self::listing::{FileListing, HivePartitioning, ListedFile};
pub use self::memory::MemoryTable;
pub use self::parquet::{ParquetOptions, ParquetSource};
pub use self::staging::StagedOutput;
pub use self::writer::{
    write_csv, write_ipc, write_ndjson, write_parquet, CsvWriteOptions, ParquetCompression,
    ParquetWriteOptions, WriteOptions, WriteSummary,
};

use crate::error::{Error, Result};
use crate::logical::TableSourceRef;

/// The file formats Quiver reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Comma- (or otherwise) separated values: `.csv`, `.tsv`.
    Csv,
    /// Apache Parquet: `.parquet`, `.pq`.
    Parquet,
    /// Newline-delimited JSON: `.json`, `.jsonl`, `.ndjson`.
    Json,
    /// Arrow IPC files: `.arrow`, `.ipc`, `.feather`, `.arrows` (stream).
    Ipc,
}

impl FileFormat {
    /// Every format, in detection order.
    pub const ALL: [FileFormat; 4] = [
        FileFormat::Parquet,
        FileFormat::Csv,
        FileFormat::Json,
        FileFormat::Ipc,
    ];

    /// The format's name as used in SQL (`FORMAT parquet`).
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Parquet => "parquet",
            FileFormat::Json => "json",
            FileFormat::Ipc => "arrow",
        }
    }

    /// The file extensions of the format (lower case, without the dot).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileFormat::Csv => csv::CSV_EXTENSIONS,
            FileFormat::Parquet => parquet::PARQUET_EXTENSIONS,
            FileFormat::Json => json::JSON_EXTENSIONS,
            FileFormat::Ipc => ipc::IPC_EXTENSIONS,
        }
    }

    /// The format of a path by its extension. For a directory, or a glob whose pattern has
    /// no extension, the first file found decides.
    pub fn from_path(path: impl AsRef<Path>) -> Result<FileFormat> {
        let path = path.as_ref();
        if let Some(f) = Self::from_extension(path)? {
            return Ok(f);
        }
        let text = path.to_string_lossy();
        let probe = if text.contains(['*', '?', '[']) || path.is_dir() {
            let all: Vec<&str> = Self::ALL
                .iter()
                .flat_map(|f| f.extensions().iter().copied())
                .collect();
            let listing = FileListing::try_new([path], &all, HivePartitioning::Disabled)?;
            listing
                .files()
                .iter()
                .find_map(|f| Self::from_extension(f.path()).ok().flatten())
        } else {
            None
        };
        probe.ok_or_else(|| {
            Error::NotSupported(format!(
                "cannot tell the file format of {} from its extension; expected one of .parquet, \
                 .csv, .tsv, .json, .jsonl, .ndjson, .arrow, .ipc, .feather (or use read_csv / \
                 read_parquet / read_json explicitly)",
                listing::quote_path(path)
            ))
        })
    }

    fn from_extension(path: &Path) -> Result<Option<FileFormat>> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        for ext in ["gz", "gzip", "zst", "bz2", "xz", "lz4"] {
            if name.ends_with(&format!(".{ext}"))
                && Self::ALL.iter().any(|f| {
                    f.extensions()
                        .iter()
                        .any(|e| name.ends_with(&format!(".{e}.{ext}")))
                })
            {
                return Err(Error::NotSupported(format!(
                    "reading compressed files ({}) is not supported yet; decompress it first",
                    listing::quote_path(path)
                )));
            }
        }
        Ok(Self::ALL
            .into_iter()
            .find(|f| listing::has_extension(path, f.extensions())))
    }
}

/// A CSV source over `paths` (files, globs or directories).
pub fn csv_source<I, P>(paths: I, options: CsvOptions) -> Result<TableSourceRef>
where
    I: IntoIterator<Item = P>,
    P: AsRef<Path>,
{
    Ok(Arc::new(CsvSource::try_new(paths, options)?))
}

/// A Parquet source over `paths` (files, globs or directories).
pub fn parquet_source<I, P>(paths: I) -> Result<TableSourceRef>
where
    I: IntoIterator<Item = P>,
    P: AsRef<Path>,
{
    Ok(Arc::new(ParquetSource::try_new(
        paths,
        ParquetOptions::default(),
    )?))
}

/// A newline-delimited JSON source over `paths` (files, globs or directories).
pub fn json_source<I, P>(paths: I) -> Result<TableSourceRef>
where
    I: IntoIterator<Item = P>,
    P: AsRef<Path>,
{
    Ok(Arc::new(JsonSource::try_new(
        paths,
        JsonOptions::default(),
    )?))
}

/// An Arrow IPC source over `paths` (files, globs or directories).
pub fn ipc_source<I, P>(paths: I) -> Result<TableSourceRef>
where
    I: IntoIterator<Item = P>,
    P: AsRef<Path>,
{
    Ok(Arc::new(IpcSource::try_new(paths, IpcOptions::default())?))
}

/// A source for `path` in the format its extension names, with default options (`.tsv`
/// files are read with a tab delimiter).
pub fn source_for_path(path: impl AsRef<Path>) -> Result<TableSourceRef> {
    let path = path.as_ref();
    match FileFormat::from_path(path)? {
        FileFormat::Csv => {
            let tsv = listing::has_extension(path, &["tsv"]);
            let options = CsvOptions {
                delimiter: tsv.then_some(b'\t'),
                ..Default::default()
            };
            csv_source([path], options)
        }
        FileFormat::Parquet => parquet_source([path]),
        FileFormat::Json => json_source([path]),
        FileFormat::Ipc => ipc_source([path]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        assert_eq!(
            FileFormat::from_path("a/b.PARQUET").unwrap(),
            FileFormat::Parquet
        );
        assert_eq!(FileFormat::from_path("x.tsv").unwrap(), FileFormat::Csv);
        assert_eq!(
            FileFormat::from_path("data/*.ndjson").unwrap(),
            FileFormat::Json
        );
        assert_eq!(FileFormat::from_path("x.feather").unwrap(), FileFormat::Ipc);
        assert_eq!(
            FileFormat::from_path("x.txt").unwrap_err().category(),
            "NotSupported"
        );
        assert!(FileFormat::from_path("x.csv.gz")
            .unwrap_err()
            .to_string()
            .contains("compressed"));

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("p=1")).unwrap();
        std::fs::write(dir.path().join("p=1/a.jsonl"), "{\"a\": 1}\n").unwrap();
        assert_eq!(FileFormat::from_path(dir.path()).unwrap(), FileFormat::Json);
        let s = source_for_path(dir.path()).unwrap();
        assert_eq!(s.schema().fields().len(), 2);
    }
}
