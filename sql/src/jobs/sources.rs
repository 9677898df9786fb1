//! Opening a job's sources: the files a path names (a file, a glob, a folder of hive
//! partitions), in the format given or the one their extension says, with the reader
//! options of the job file. A path that matches nothing yet fails with a transient IO error
//! (`NotFound`), so the runner's retry policy can wait for a late file.

use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::{Field, Schema};
use quiver_engine::io::{
    CsvOptions, CsvSource, FileFormat, FileListing, HivePartitioning, IpcOptions, IpcSource,
    JsonOptions, JsonSource, ParquetOptions, ParquetSource,
};
use quiver_engine::logical::TableSourceRef;
use quiver_engine::{Error, Result};

use crate::jobs::parse::sql_type;
use crate::jobs::spec::{SourceOptions, SourceSpec};

/// What was found for a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The format read.
    pub format: FileFormat,
    /// Files matched.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Opens `spec`'s files at `path` (already resolved against the job's folder).
pub fn open_source(spec: &SourceSpec, path: &Path) -> Result<(TableSourceRef, SourceInfo)> {
    let format = match spec.format {
        Some(f) => f,
        None => FileFormat::from_path(path)?,
    };
    let o = &spec.options;
    let hive = match o.hive_partitioning {
        None => HivePartitioning::Auto,
        Some(true) => HivePartitioning::Enabled,
        Some(false) => HivePartitioning::Disabled,
    };
    let listing = FileListing::try_new([path], format.extensions(), hive)?;
    let info = SourceInfo {
        format,
        files: listing.files().len(),
        bytes: listing.files().iter().map(|f| f.size()).sum(),
    };
    let source: TableSourceRef = match format {
        FileFormat::Csv => Arc::new(CsvSource::try_new([path], csv_options(spec, path, hive)?)?),
        FileFormat::Parquet => Arc::new(ParquetSource::try_new(
            [path],
            ParquetOptions {
                hive_partitioning: hive,
            },
        )?),
        FileFormat::Json => Arc::new(JsonSource::try_new(
            [path],
            JsonOptions {
                schema: schema_of(spec, o)?,
                hive_partitioning: hive,
                ..JsonOptions::default()
            },
        )?),
        FileFormat::Ipc => Arc::new(IpcSource::try_new(
            [path],
            IpcOptions {
                hive_partitioning: hive,
            },
        )?),
    };
    Ok((source, info))
}

fn csv_options(spec: &SourceSpec, path: &Path, hive: HivePartitioning) -> Result<CsvOptions> {
    let o = &spec.options;
    let tsv = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().to_lowercase().ends_with(".tsv"));
    let mut options = CsvOptions {
        has_header: o.header,
        delimiter: o.delimiter.or(tsv.then_some(b'\t')),
        quote: o.quote,
        escape: o.escape,
        schema: schema_of(spec, o)?,
        date_format: o.date_format.clone(),
        timestamp_format: o.timestamp_format.clone(),
        hive_partitioning: hive,
        ..CsvOptions::default()
    };
    if let Some(nulls) = &o.null_values {
        options.null_values = nulls.clone();
    }
    for (column, ty) in &o.types {
        options
            .column_types
            .push((column.clone(), sql_type(ty).map_err(Error::Schema)?));
    }
    Ok(options)
}

fn schema_of(spec: &SourceSpec, o: &SourceOptions) -> Result<Option<Arc<Schema>>> {
    let Some(columns) = &o.schema else {
        return Ok(None);
    };
    let fields = columns
        .iter()
        .map(|(name, ty)| {
            sql_type(ty)
                .map(|t| Field::new(name, t, true))
                .map_err(|e| Error::Schema(format!("source `{}`: {e}", spec.name)))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Arc::new(Schema::new(fields))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::spec::Located;

    #[test]
    fn opens_csv_with_options_and_reports_missing_files_as_transient() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "1;x\n2;y\n").unwrap();
        let spec = SourceSpec {
            name: "t".into(),
            path: Located::default(),
            format: None,
            options: SourceOptions {
                delimiter: Some(b';'),
                header: Some(false),
                schema: Some(vec![
                    ("id".into(), "BIGINT".into()),
                    ("name".into(), "VARCHAR".into()),
                ]),
                ..Default::default()
            },
            line: 1,
        };
        let (source, info) = open_source(&spec, &path).unwrap();
        assert_eq!(info.format, FileFormat::Csv);
        assert_eq!((info.files, info.bytes), (1, 8));
        let names: Vec<String> = source
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, ["id", "name"]);

        let err = open_source(&spec, &dir.path().join("late.csv")).unwrap_err();
        assert!(err.is_transient(), "{err}");
    }
}
