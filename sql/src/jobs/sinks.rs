//! Writing a step's result for a sink: into a [`StagedOutput`] beside the destination
//! (with the engine's atomic writers, hive-partitioned when asked), to be moved into place
//! when the whole job has succeeded. `append` reads the existing output, matches its
//! columns to the new rows by name (casting to the step's types) and stages the whole,
//! so the destination changes in one rename like every other mode.

use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::io::{
    write_csv, write_ipc, write_ndjson, write_parquet, CsvSource, CsvWriteOptions, FileFormat,
    HivePartitioning, IpcOptions, IpcSource, JsonOptions, JsonSource, ParquetOptions,
    ParquetSource, ParquetWriteOptions, StagedOutput, WriteOptions, WriteSummary,
};
use quiver_engine::logical::{ScanRequest, TableSourceRef};
use quiver_engine::{Error, Result};

use crate::jobs::parse::parse_compression;
use crate::jobs::spec::{SinkMode, SinkSpec};

/// A sink's output, written and waiting for the job to commit it.
#[derive(Debug)]
pub struct StagedSink {
    /// The staged output (moved into place by `commit`).
    pub output: StagedOutput,
    /// The files as they will be named once committed.
    pub files: Vec<PathBuf>,
    /// Rows written.
    pub rows: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Whether something is at `dest` already.
pub fn destination_exists(dest: &Path) -> bool {
    std::fs::symlink_metadata(dest).is_ok()
}

/// Writes `batches` (the result of `sink.from`) for `sink` into a staged output beside
/// `dest`.
pub fn stage_sink(
    sink: &SinkSpec,
    dest: &Path,
    format: FileFormat,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<StagedSink> {
    let mut all: Vec<RecordBatch>;
    let batches = if sink.mode == SinkMode::Append && destination_exists(dest) {
        all = read_existing(sink, dest, format, schema)?;
        all.extend(batches.iter().cloned());
        all.as_slice()
    } else {
        batches
    };
    let output = StagedOutput::new(dest)?;
    let summary = write(sink, output.path(), format, schema, batches)?;
    let files = summary
        .files
        .iter()
        .map(|f| match f.strip_prefix(output.path()) {
            Ok(rel) if !rel.as_os_str().is_empty() => dest.join(rel),
            _ => dest.to_path_buf(),
        })
        .collect();
    let bytes = output.size();
    Ok(StagedSink {
        output,
        files,
        rows: summary.rows,
        bytes,
    })
}

fn write(
    sink: &SinkSpec,
    path: &Path,
    format: FileFormat,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<WriteSummary> {
    let partition_by = sink.partition_by.clone();
    match format {
        FileFormat::Parquet => {
            let compression = match &sink.options.compression {
                Some(c) => parse_compression(c).map_err(Error::InvalidData)?,
                None => Default::default(),
            };
            let options = ParquetWriteOptions {
                compression,
                partition_by,
                ..Default::default()
            };
            write_parquet(path, schema, batches, &options)
        }
        FileFormat::Csv => {
            let options = CsvWriteOptions {
                has_header: sink.options.header.unwrap_or(true),
                delimiter: sink.options.delimiter.unwrap_or(b','),
                partition_by,
                overwrite: false,
            };
            write_csv(path, schema, batches, &options)
        }
        FileFormat::Json => write_ndjson(
            path,
            schema,
            batches,
            &WriteOptions {
                partition_by,
                overwrite: false,
            },
        ),
        FileFormat::Ipc => write_ipc(
            path,
            schema,
            batches,
            &WriteOptions {
                partition_by,
                overwrite: false,
            },
        ),
    }
}

/// The rows already at `dest`, with the columns of `schema` (matched by name, cast to
/// its types).
fn read_existing(
    sink: &SinkSpec,
    dest: &Path,
    format: FileFormat,
    schema: &SchemaRef,
) -> Result<Vec<RecordBatch>> {
    let hive = if sink.partition_by.is_empty() {
        HivePartitioning::Disabled
    } else {
        HivePartitioning::Enabled
    };
    let source: TableSourceRef = match format {
        FileFormat::Parquet => std::sync::Arc::new(ParquetSource::try_new(
            [dest],
            ParquetOptions {
                hive_partitioning: hive,
            },
        )?),
        FileFormat::Csv => std::sync::Arc::new(CsvSource::try_new(
            [dest],
            quiver_engine::io::CsvOptions {
                has_header: Some(sink.options.header.unwrap_or(true)),
                delimiter: Some(sink.options.delimiter.unwrap_or(b',')),
                // Read every column as text; the cast below gives the step's types.
                column_types: schema
                    .fields()
                    .iter()
                    .map(|f| (f.name().clone(), arrow::datatypes::DataType::Utf8))
                    .collect(),
                hive_partitioning: hive,
                ..Default::default()
            },
        )?),
        FileFormat::Json => std::sync::Arc::new(JsonSource::try_new(
            [dest],
            JsonOptions {
                hive_partitioning: hive,
                ..Default::default()
            },
        )?),
        FileFormat::Ipc => std::sync::Arc::new(IpcSource::try_new(
            [dest],
            IpcOptions {
                hive_partitioning: hive,
            },
        )?),
    };
    let existing = source.schema();
    let mut positions = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        match existing.index_of(field.name()) {
            Ok(i) => positions.push(i),
            Err(_) => {
                return Err(columns_differ(sink, dest, &existing, schema));
            }
        }
    }
    if existing.fields().len() != schema.fields().len() {
        return Err(columns_differ(sink, dest, &existing, schema));
    }
    let request = ScanRequest {
        batch_size: 64 * 1024,
        ..Default::default()
    };
    let mut out = vec![];
    for morsel in source.morsels(&request)? {
        for batch in morsel.read()? {
            let columns = positions
                .iter()
                .zip(schema.fields())
                .map(|(&i, field)| {
                    arrow::compute::cast(batch.column(i), field.data_type()).map_err(|e| {
                        Error::Schema(format!(
                            "sink `{}`: the existing column `{}` of {} does not convert to {}: {e}",
                            sink.name,
                            field.name(),
                            dest.display(),
                            field.data_type()
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.push(RecordBatch::try_new(schema.clone(), columns)?);
        }
    }
    Ok(out)
}

fn columns_differ(sink: &SinkSpec, dest: &Path, existing: &SchemaRef, schema: &SchemaRef) -> Error {
    let names = |s: &SchemaRef| {
        s.fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Error::Schema(format!(
        "sink `{}` appends to {}, whose columns ({}) differ from those of step `{}` ({}); \
         use mode = \"overwrite\" to replace it",
        sink.name,
        dest.display(),
        names(existing),
        sink.from,
        names(schema)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::spec::Located;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    fn batch(keys: &[&str], values: &[i64]) -> (SchemaRef, RecordBatch) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Utf8, true),
            Field::new("v", DataType::Int64, true),
        ]));
        let b = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(keys.to_vec())),
                Arc::new(Int64Array::from(values.to_vec())),
            ],
        )
        .unwrap();
        (schema, b)
    }

    fn sink(mode: SinkMode, partition_by: &[&str]) -> SinkSpec {
        SinkSpec {
            name: "out".into(),
            from: "step".into(),
            from_line: 1,
            path: Located::default(),
            format: None,
            mode,
            partition_by: partition_by.iter().map(|s| s.to_string()).collect(),
            options: Default::default(),
            retry: None,
            line: 1,
        }
    }

    fn count(dest: &Path, format: FileFormat, hive: bool) -> usize {
        let source: TableSourceRef = match format {
            FileFormat::Csv => Arc::new(CsvSource::try_new([dest], Default::default()).unwrap()),
            _ => Arc::new(
                ParquetSource::try_new(
                    [dest],
                    ParquetOptions {
                        hive_partitioning: if hive {
                            HivePartitioning::Enabled
                        } else {
                            HivePartitioning::Disabled
                        },
                    },
                )
                .unwrap(),
            ),
        };
        let request = ScanRequest {
            batch_size: 1024,
            ..Default::default()
        };
        source
            .morsels(&request)
            .unwrap()
            .iter()
            .map(|m| {
                m.read()
                    .unwrap()
                    .iter()
                    .map(|b| b.num_rows())
                    .sum::<usize>()
            })
            .sum()
    }

    #[test]
    fn append_rewrites_the_whole_output() {
        let dir = tempfile::tempdir().unwrap();
        for (format, name, partition_by) in [
            (FileFormat::Csv, "out.csv", vec![]),
            (FileFormat::Parquet, "out.parquet", vec![]),
            (FileFormat::Parquet, "parts", vec!["k"]),
        ] {
            let dest = dir.path().join(name);
            let s = sink(SinkMode::Append, &partition_by);
            let (schema, b) = batch(&["a", "b"], &[1, 2]);
            let staged = stage_sink(&s, &dest, format, &schema, std::slice::from_ref(&b)).unwrap();
            assert!(!dest.exists());
            staged.output.commit().unwrap();
            let staged = stage_sink(&s, &dest, format, &schema, &[b]).unwrap();
            assert_eq!(staged.rows, 4);
            if partition_by.is_empty() {
                assert_eq!(staged.files, vec![dest.clone()]);
            } else {
                assert_eq!(staged.files[0], dest.join("k=a/data_0.parquet"));
            }
            staged.output.commit().unwrap();
            assert_eq!(count(&dest, format, !partition_by.is_empty()), 4, "{name}");
        }
    }

    #[test]
    fn append_needs_the_same_columns() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.parquet");
        let (schema, b) = batch(&["a"], &[1]);
        let s = sink(SinkMode::Append, &[]);
        stage_sink(&s, &dest, FileFormat::Parquet, &schema, &[b])
            .unwrap()
            .output
            .commit()
            .unwrap();
        let other = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
        let b =
            RecordBatch::try_new(other.clone(), vec![Arc::new(Int64Array::from(vec![1]))]).unwrap();
        let err = stage_sink(&s, &dest, FileFormat::Parquet, &other, &[b]).unwrap_err();
        assert!(
            err.to_string().contains("whose columns (k, v) differ"),
            "{err}"
        );
        assert_eq!(err.category(), "Schema");
    }
}
