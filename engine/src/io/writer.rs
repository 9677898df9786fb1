//! Writers: record batches to Parquet, CSV, NDJSON and Arrow IPC files.
//!
//! Every write is atomic (see `atomic`): the output appears complete or not at all, and a
//! failed write leaves an existing destination untouched. With `partition_by`, the
//! destination is a directory of hive-style folders (`key=value/data_0.parquet`, the key
//! columns left out of the files), written in a temporary directory and renamed into place
//! as a whole; an existing non-empty destination directory is replaced only with
//! `overwrite`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, UInt32Array};
use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::error::{did_you_mean, list_names, Error, Result};
use crate::io::atomic::{AtomicDir, AtomicFile};
use crate::io::listing::{percent_encode, quote_path, HIVE_NULL};

/// Parquet page compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParquetCompression {
    /// No compression.
    Uncompressed,
    /// Snappy (DuckDB's default): fast, moderate ratio.
    #[default]
    Snappy,
    /// Zstandard at a level from 1 to 22.
    Zstd(i32),
    /// LZ4 (raw).
    Lz4,
    /// Gzip at a level from 0 to 9.
    Gzip(u32),
}

/// Options for [`write_parquet`].
#[derive(Debug, Clone)]
pub struct ParquetWriteOptions {
    /// Page compression (default Snappy).
    pub compression: ParquetCompression,
    /// Rows per row group (default 122,880, as DuckDB).
    pub row_group_size: usize,
    /// Write a hive-partitioned directory by these columns.
    pub partition_by: Vec<String>,
    /// With `partition_by`: replace an existing non-empty directory.
    pub overwrite: bool,
}

impl Default for ParquetWriteOptions {
    fn default() -> Self {
        Self {
            compression: ParquetCompression::default(),
            row_group_size: 122_880,
            partition_by: vec![],
            overwrite: false,
        }
    }
}

/// Options for [`write_csv`].
#[derive(Debug, Clone)]
pub struct CsvWriteOptions {
    /// Write a header row (default true).
    pub has_header: bool,
    /// Field delimiter (default `,`).
    pub delimiter: u8,
    /// Write a hive-partitioned directory by these columns.
    pub partition_by: Vec<String>,
    /// With `partition_by`: replace an existing non-empty directory.
    pub overwrite: bool,
}

impl Default for CsvWriteOptions {
    fn default() -> Self {
        Self {
            has_header: true,
            delimiter: b',',
            partition_by: vec![],
            overwrite: false,
        }
    }
}

/// Options for [`write_ndjson`] and [`write_ipc`].
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Write a hive-partitioned directory by these columns.
    pub partition_by: Vec<String>,
    /// With `partition_by`: replace an existing non-empty directory.
    pub overwrite: bool,
}

/// What a write produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// The files written (one unless partitioned).
    pub files: Vec<PathBuf>,
    /// Rows written.
    pub rows: u64,
}

/// Writes `batches` to a Parquet file (or a partitioned directory) at `path`, atomically.
pub fn write_parquet(
    path: impl AsRef<Path>,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    options: &ParquetWriteOptions,
) -> Result<WriteSummary> {
    let compression = match options.compression {
        ParquetCompression::Uncompressed => Compression::UNCOMPRESSED,
        ParquetCompression::Snappy => Compression::SNAPPY,
        ParquetCompression::Lz4 => Compression::LZ4_RAW,
        ParquetCompression::Zstd(level) => {
            Compression::ZSTD(ZstdLevel::try_new(level).map_err(|e| {
                Error::InvalidData(format!("invalid zstd compression level {level}: {e}"))
            })?)
        }
        ParquetCompression::Gzip(level) => {
            Compression::GZIP(GzipLevel::try_new(level).map_err(|e| {
                Error::InvalidData(format!("invalid gzip compression level {level}: {e}"))
            })?)
        }
    };
    let props = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_row_count(Some(options.row_group_size.max(1)))
        .build();
    let encode = |file: &mut File,
                  display: &str,
                  schema: &SchemaRef,
                  batches: &[RecordBatch]|
     -> Result<()> {
        let fail = |e: parquet::errors::ParquetError| {
            Error::InvalidData(format!("writing {display}: {e}"))
        };
        let mut w =
            ArrowWriter::try_new(file, schema.clone(), Some(props.clone())).map_err(fail)?;
        for (i, b) in batches.iter().enumerate() {
            check_batch(display, schema, i, b)?;
            w.write(b).map_err(fail)?;
        }
        w.close().map_err(fail)?;
        Ok(())
    };
    write_with(
        path.as_ref(),
        schema,
        batches,
        &options.partition_by,
        options.overwrite,
        "parquet",
        &encode,
    )
}

/// Writes `batches` to a CSV file (or a partitioned directory) at `path`, atomically.
pub fn write_csv(
    path: impl AsRef<Path>,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    options: &CsvWriteOptions,
) -> Result<WriteSummary> {
    let encode = |file: &mut File,
                  display: &str,
                  schema: &SchemaRef,
                  batches: &[RecordBatch]|
     -> Result<()> {
        let fail =
            |e: arrow::error::ArrowError| Error::InvalidData(format!("writing {display}: {e}"));
        let mut w = arrow::csv::WriterBuilder::new()
            .with_header(options.has_header)
            .with_delimiter(options.delimiter)
            .build(BufWriter::new(file));
        if batches.is_empty() {
            // The header is written with the first batch.
            w.write(&RecordBatch::new_empty(schema.clone()))
                .map_err(fail)?;
        }
        for (i, b) in batches.iter().enumerate() {
            check_batch(display, schema, i, b)?;
            w.write(b).map_err(fail)?;
        }
        w.into_inner()
            .flush()
            .map_err(|e| Error::io(format!("writing {display}"), e))
    };
    write_with(
        path.as_ref(),
        schema,
        batches,
        &options.partition_by,
        options.overwrite,
        "csv",
        &encode,
    )
}

/// Writes `batches` as newline-delimited JSON (one object per row) at `path`, atomically.
pub fn write_ndjson(
    path: impl AsRef<Path>,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    options: &WriteOptions,
) -> Result<WriteSummary> {
    let encode = |file: &mut File,
                  display: &str,
                  schema: &SchemaRef,
                  batches: &[RecordBatch]|
     -> Result<()> {
        let fail =
            |e: arrow::error::ArrowError| Error::InvalidData(format!("writing {display}: {e}"));
        let mut w = arrow::json::LineDelimitedWriter::new(BufWriter::new(file));
        for (i, b) in batches.iter().enumerate() {
            check_batch(display, schema, i, b)?;
            w.write(b).map_err(fail)?;
        }
        w.finish().map_err(fail)?;
        w.into_inner()
            .flush()
            .map_err(|e| Error::io(format!("writing {display}"), e))
    };
    write_with(
        path.as_ref(),
        schema,
        batches,
        &options.partition_by,
        options.overwrite,
        "json",
        &encode,
    )
}

/// Writes `batches` to an Arrow IPC file at `path`, atomically.
pub fn write_ipc(
    path: impl AsRef<Path>,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    options: &WriteOptions,
) -> Result<WriteSummary> {
    let encode = |file: &mut File,
                  display: &str,
                  schema: &SchemaRef,
                  batches: &[RecordBatch]|
     -> Result<()> {
        let fail =
            |e: arrow::error::ArrowError| Error::InvalidData(format!("writing {display}: {e}"));
        let mut w =
            arrow::ipc::writer::FileWriter::try_new(BufWriter::new(file), schema).map_err(fail)?;
        for (i, b) in batches.iter().enumerate() {
            check_batch(display, schema, i, b)?;
            w.write(b).map_err(fail)?;
        }
        w.finish().map_err(fail)?;
        w.into_inner()
            .map_err(fail)?
            .flush()
            .map_err(|e| Error::io(format!("writing {display}"), e))
    };
    write_with(
        path.as_ref(),
        schema,
        batches,
        &options.partition_by,
        options.overwrite,
        "arrow",
        &encode,
    )
}

/// A batch must have the schema's column names and types.
fn check_batch(display: &str, schema: &Schema, index: usize, batch: &RecordBatch) -> Result<()> {
    let found = batch.schema();
    let same = found.fields().len() == schema.fields().len()
        && found
            .fields()
            .iter()
            .zip(schema.fields().iter())
            .all(|(f, e)| f.name() == e.name() && f.data_type() == e.data_type());
    if same {
        Ok(())
    } else {
        Err(Error::Schema(format!(
            "cannot write batch {index} to {display}: expected the schema {schema}, found {found}"
        )))
    }
}

type Encoder<'a> = dyn Fn(&mut File, &str, &SchemaRef, &[RecordBatch]) -> Result<()> + 'a;

fn write_with(
    path: &Path,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    partition_by: &[String],
    overwrite: bool,
    extension: &str,
    encode: &Encoder<'_>,
) -> Result<WriteSummary> {
    let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
    if partition_by.is_empty() {
        let display = quote_path(path);
        let mut out = AtomicFile::create(path)?;
        encode(out.file()?, &display, schema, batches)?;
        out.commit()?;
        return Ok(WriteSummary {
            files: vec![path.to_path_buf()],
            rows,
        });
    }
    write_partitioned(
        path,
        schema,
        batches,
        partition_by,
        overwrite,
        extension,
        encode,
    )
}

fn write_partitioned(
    path: &Path,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    partition_by: &[String],
    overwrite: bool,
    extension: &str,
    encode: &Encoder<'_>,
) -> Result<WriteSummary> {
    let display = quote_path(path);
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut keys = Vec::with_capacity(partition_by.len());
    for k in partition_by {
        let i = names.iter().position(|n| n == k).ok_or_else(|| {
            Error::ColumnNotFound(format!(
                "cannot partition {display} by `{k}`: there is no such column (columns: {}){}",
                list_names(names.iter().copied()),
                did_you_mean(k, names.iter().copied())
            ))
        })?;
        keys.push(i);
    }
    let data_columns: Vec<usize> = (0..names.len()).filter(|i| !keys.contains(i)).collect();
    if data_columns.is_empty() {
        return Err(Error::Plan(format!(
            "cannot partition {display} by every column: no columns would be left to write"
        )));
    }
    let data_schema = Arc::new(schema.project(&data_columns)?);

    // Group the rows of every batch by their partition folder, in folder order.
    let mut groups: BTreeMap<String, Vec<RecordBatch>> = BTreeMap::new();
    let format = FormatOptions::default();
    for (bi, batch) in batches.iter().enumerate() {
        check_batch(&display, schema, bi, batch)?;
        let formatters = keys
            .iter()
            .map(|&k| ArrayFormatter::try_new(batch.column(k).as_ref(), &format))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut rows_of: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for row in 0..batch.num_rows() {
            let mut folder = String::new();
            for (j, &k) in keys.iter().enumerate() {
                if j > 0 {
                    folder.push('/');
                }
                folder.push_str(&percent_encode(&schema.field(k).name().to_string()));
                folder.push('=');
                if batch.column(k).is_null(row) {
                    folder.push_str(HIVE_NULL);
                } else {
                    folder.push_str(&percent_encode(&formatters[j].value(row).to_string()));
                }
            }
            rows_of.entry(folder).or_default().push(row as u32);
        }
        let data = batch.project(&data_columns)?;
        for (folder, rows) in rows_of {
            let part = arrow::compute::take_record_batch(&data, &UInt32Array::from(rows))?;
            groups.entry(folder).or_default().push(part);
        }
    }

    let dir = AtomicDir::create(path)?;
    let mut files = Vec::with_capacity(groups.len());
    for (folder, parts) in &groups {
        let sub = dir.path().join(folder);
        std::fs::create_dir_all(&sub)
            .map_err(|e| Error::io(format!("creating {}", quote_path(&sub)), e))?;
        let file_path = sub.join(format!("data_0.{extension}"));
        let final_path = dir.final_path(&file_path);
        let shown = quote_path(&final_path);
        let mut file =
            File::create(&file_path).map_err(|e| Error::io(format!("creating {shown}"), e))?;
        encode(&mut file, &shown, &data_schema, parts)?;
        file.sync_all()
            .map_err(|e| Error::io(format!("flushing {shown} to disk"), e))?;
        files.push(final_path);
    }
    dir.commit(overwrite)?;
    Ok(WriteSummary {
        files,
        rows: batches.iter().map(|b| b.num_rows() as u64).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};

    fn sample() -> (SchemaRef, RecordBatch) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Utf8, true),
            Field::new("v", DataType::Int64, false),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec![
                    Some("a"),
                    Some("b/c"),
                    None,
                    Some("a"),
                ])),
                Arc::new(Int64Array::from(vec![1, 2, 3, 4])),
            ],
        )
        .unwrap();
        (schema, batch)
    }

    #[test]
    fn writes_hive_partitions() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        let (schema, batch) = sample();
        let options = ParquetWriteOptions {
            partition_by: vec!["k".into()],
            ..Default::default()
        };
        let summary =
            write_parquet(&dest, &schema, std::slice::from_ref(&batch), &options).unwrap();
        assert_eq!(summary.rows, 4);
        let rel: Vec<String> = summary
            .files
            .iter()
            .map(|f| {
                f.strip_prefix(&dest)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(
            rel,
            vec![
                format!("k={HIVE_NULL}/data_0.parquet"),
                "k=a/data_0.parquet".to_string(),
                "k=b%2Fc/data_0.parquet".to_string(),
            ]
        );
        assert!(summary.files.iter().all(|f| f.exists()));
        // A second write needs `overwrite`.
        assert!(write_parquet(&dest, &schema, std::slice::from_ref(&batch), &options).is_err());
        let options = ParquetWriteOptions {
            overwrite: true,
            ..options
        };
        write_parquet(&dest, &schema, &[batch], &options).unwrap();
        let bad = CsvWriteOptions {
            partition_by: vec!["kk".into()],
            ..Default::default()
        };
        let err = write_csv(dir.path().join("x"), &schema, &[], &bad).unwrap_err();
        assert!(err.to_string().contains("did you mean `k`"), "{err}");
    }

    #[test]
    fn empty_csv_still_has_a_header() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("e.csv");
        let (schema, _) = sample();
        write_csv(&dest, &schema, &[], &CsvWriteOptions::default()).unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "k,v\n");
    }

    #[test]
    fn compression_levels_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let (schema, batch) = sample();
        let options = ParquetWriteOptions {
            compression: ParquetCompression::Zstd(99),
            ..Default::default()
        };
        assert!(write_parquet(
            dir.path().join("z.parquet"),
            &schema,
            std::slice::from_ref(&batch),
            &options
        )
        .is_err());
        let options = ParquetWriteOptions {
            compression: ParquetCompression::Zstd(3),
            ..Default::default()
        };
        write_parquet(dir.path().join("z.parquet"), &schema, &[batch], &options).unwrap();
    }
}
