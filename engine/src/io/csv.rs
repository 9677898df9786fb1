//! The CSV table source: [`CsvOptions`], [`CsvSource`] and its morsels.
//!
//! The first file is sniffed once (see `csv_sniffer`) for its delimiter, header and column
//! types; every file of the scan is then read with that dialect and schema. A large file is
//! split into byte ranges of about [`CSV_MORSEL_BYTES`] at record boundaries, and each range
//! is parsed independently by arrow's CSV reader, so one big file uses every core.
//!
//! **Quoted newlines and parallel parsing.** A split point is placed after a newline from
//! which the next few records parse with the expected field count. A newline inside a quoted
//! field can in rare, adversarial layouts look like a record boundary; set
//! [`CsvOptions::parallel`] to `false` to read each file as one morsel when fields may
//! contain newlines in quotes.
//!
//! Errors name the file and the physical line: a row with the wrong field count, a value
//! that does not parse as its column's type (with a hint to override the sniffed type), or
//! invalid UTF-8.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Date32Array, StringArray, TimestampMicrosecondArray};
use arrow::csv::ReaderBuilder;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use regex::Regex;

use crate::error::{Error, Result};
use crate::io::csv_sniffer::{sniff, sql_type_name, Sniffed};
use crate::io::csv_split::{count_newlines, CsvDialect, RecordSplitter};
use crate::io::hive::{prune_files, ScanColumns};
use crate::io::listing::{FileListing, HivePartitioning};
use crate::logical::{Morsel, ScanRequest, TableSource};
use crate::types::ScalarValue;

/// Target size of one CSV morsel (a byte range of a file).
pub const CSV_MORSEL_BYTES: u64 = 32 * 1024 * 1024;

/// The most bytes read from the start of the first file for sniffing.
const MAX_SAMPLE_BYTES: usize = 32 * 1024 * 1024;

/// Days from 0001-01-01 (day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// File extensions read as CSV when a directory is scanned.
pub const CSV_EXTENSIONS: &[&str] = &["csv", "tsv"];

/// How to read CSV files. `Default` sniffs everything, like DuckDB's `read_csv`.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Whether the first row is a header; `None` sniffs it.
    pub has_header: Option<bool>,
    /// The field delimiter; `None` sniffs among `,` `|` `;` and tab.
    pub delimiter: Option<u8>,
    /// The quote character; `None` is `"`.
    pub quote: Option<u8>,
    /// The escape character inside quotes; `None` means quotes are escaped by doubling.
    pub escape: Option<u8>,
    /// The full schema (names and types), overriding sniffed names and types. It must have
    /// as many fields as the file has columns.
    pub schema: Option<SchemaRef>,
    /// Type overrides by column name (matched exactly, then case-insensitively).
    pub column_types: Vec<(String, DataType)>,
    /// Strings read as NULL (exact match). Default: the empty string.
    pub null_values: Vec<String>,
    /// Rows sampled for sniffing. Default 20480.
    pub sample_rows: usize,
    /// A chrono format for DATE values (e.g. `%d/%m/%Y`); `None` accepts ISO dates.
    pub date_format: Option<String>,
    /// A chrono format for TIMESTAMP values; `None` accepts RFC 3339 / ISO forms.
    pub timestamp_format: Option<String>,
    /// Split large files into byte ranges parsed in parallel (default `true`). Turn off
    /// for files whose quoted fields contain newlines.
    pub parallel: bool,
    /// Whether `key=value` folders become columns.
    pub hive_partitioning: HivePartitioning,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            has_header: None,
            delimiter: None,
            quote: None,
            escape: None,
            schema: None,
            column_types: vec![],
            null_values: vec![String::new()],
            sample_rows: 20480,
            date_format: None,
            timestamp_format: None,
            parallel: true,
            hive_partitioning: HivePartitioning::Auto,
        }
    }
}

/// A column read as text and converted with a user-given chrono format.
#[derive(Debug, Clone)]
struct CustomFormat {
    column: usize,
    format: String,
    to: DataType,
}

/// Everything a CSV morsel needs that is the same for the whole table.
#[derive(Debug)]
struct CsvShared {
    dialect: CsvDialect,
    has_header: bool,
    /// The file schema as parsed by arrow (custom-format columns as Utf8).
    read_schema: SchemaRef,
    /// The file schema as output.
    file_schema: SchemaRef,
    custom: Vec<CustomFormat>,
    null_regex: Option<Regex>,
    /// Whether each column's type came from the sniffer (rather than the user).
    sniffed_types: Vec<bool>,
    sample_rows: usize,
}

/// A table over one or more CSV files with one dialect and schema.
#[derive(Debug)]
pub struct CsvSource {
    listing: FileListing,
    shared: Arc<CsvShared>,
    schema: SchemaRef,
    parallel: bool,
    avg_record_bytes: f64,
    morsel_bytes: u64,
}

impl CsvSource {
    /// Lists the files, sniffs the first one and builds the source.
    pub fn try_new<I, P>(paths: I, options: CsvOptions) -> Result<Self>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let mut listing = FileListing::try_new(paths, CSV_EXTENSIONS, options.hive_partitioning)?;
        let first = listing
            .files()
            .first()
            .ok_or_else(|| crate::internal_err!("a file listing with no files"))?;
        let display = first.display();
        let (sample, at_eof) = read_sample(first.path(), &display, options.sample_rows)?;
        let Sniffed {
            dialect,
            has_header,
            schema: file_schema,
            avg_record_bytes,
        } = sniff(&display, &sample, at_eof, &options)?;

        let sniffed_types = file_schema
            .fields()
            .iter()
            .map(|f| {
                options.schema.is_none()
                    && !options
                        .column_types
                        .iter()
                        .any(|(n, _)| n.eq_ignore_ascii_case(f.name()))
            })
            .collect();
        let mut custom = Vec::new();
        let mut read_fields = Vec::with_capacity(file_schema.fields().len());
        for (i, f) in file_schema.fields().iter().enumerate() {
            let format = match f.data_type() {
                DataType::Date32 => options.date_format.clone(),
                DataType::Timestamp(TimeUnit::Microsecond, None) => {
                    options.timestamp_format.clone()
                }
                _ => None,
            };
            match format {
                Some(format) => {
                    custom.push(CustomFormat {
                        column: i,
                        format,
                        to: f.data_type().clone(),
                    });
                    read_fields.push(Arc::new(Field::new(f.name(), DataType::Utf8, true)));
                }
                None => read_fields.push(f.clone()),
            }
        }
        let null_regex = null_regex(&options.null_values)?;
        let file_schema = Arc::new(file_schema);
        listing.drop_partition_columns_in(&file_schema);
        let schema = Arc::new(listing.table_schema(&file_schema));
        Ok(Self {
            shared: Arc::new(CsvShared {
                dialect,
                has_header,
                read_schema: Arc::new(Schema::new(read_fields)),
                file_schema,
                custom,
                null_regex,
                sniffed_types,
                sample_rows: options.sample_rows,
            }),
            listing,
            schema,
            parallel: options.parallel,
            avg_record_bytes,
            morsel_bytes: CSV_MORSEL_BYTES,
        })
    }

    /// The detected (or given) delimiter.
    pub fn delimiter(&self) -> u8 {
        self.shared.dialect.delimiter
    }

    /// Whether the files are read as having a header row.
    pub fn has_header(&self) -> bool {
        self.shared.has_header
    }

    /// The files read.
    pub fn listing(&self) -> &FileListing {
        &self.listing
    }

    /// Sets the target morsel size in bytes (default [`CSV_MORSEL_BYTES`]).
    pub fn with_morsel_bytes(mut self, bytes: u64) -> Self {
        self.morsel_bytes = bytes.max(1);
        self
    }
}

/// Builds the regex arrow uses for NULL strings; `None` for arrow's default (empty string).
fn null_regex(values: &[String]) -> Result<Option<Regex>> {
    if values.len() == 1 && values[0].is_empty() {
        return Ok(None);
    }
    let pattern = if values.is_empty() {
        // Matches nothing.
        r"[^\s\S]".to_string()
    } else {
        let alts: Vec<String> = values.iter().map(|v| regex::escape(v)).collect();
        format!("^(?:{})$", alts.join("|"))
    };
    Regex::new(&pattern)
        .map(Some)
        .map_err(|e| crate::internal_err!("building the NULL pattern {pattern}: {e}"))
}

fn open(path: &Path, display: &str) -> Result<File> {
    File::open(path).map_err(|e| Error::io(format!("opening {display}"), e))
}

/// Reads the start of a file for sniffing: about `sample_rows` lines (at most 32 MB),
/// without a UTF-8 byte order mark. Also says whether the whole file was read.
fn read_sample(path: &Path, display: &str, sample_rows: usize) -> Result<(Vec<u8>, bool)> {
    let mut file = open(path, display)?;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 1 << 20];
    let mut lines = 0usize;
    let mut at_eof = false;
    while lines <= sample_rows.saturating_add(1) && buf.len() < MAX_SAMPLE_BYTES {
        let n = file
            .read(&mut chunk)
            .map_err(|e| Error::io(format!("reading {display}"), e))?;
        if n == 0 {
            at_eof = true;
            break;
        }
        lines += count_newlines(&chunk[..n]);
        buf.extend_from_slice(&chunk[..n]);
    }
    if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        buf.drain(..3);
    }
    Ok((buf, at_eof))
}

/// The start of the first record at or after `target` (a position right after a newline
/// from which the next records have `ncols` fields), or `None` when there is none before the
/// end of the file (or within 16 MB).
fn find_split(
    file: &mut File,
    display: &str,
    target: u64,
    size: u64,
    ncols: usize,
    dialect: CsvDialect,
) -> Result<Option<u64>> {
    let mut window: u64 = 1 << 20;
    loop {
        let len = window.min(size.saturating_sub(target));
        let at_eof = target + len >= size;
        let mut bytes = vec![0u8; len as usize];
        file.seek(SeekFrom::Start(target))
            .and_then(|_| file.read_exact(&mut bytes))
            .map_err(|e| Error::io(format!("reading {display}"), e))?;
        for (i, b) in bytes.iter().enumerate() {
            if *b != b'\n' {
                continue;
            }
            let p = i + 1;
            if target + p as u64 >= size {
                return Ok(None);
            }
            let mut complete = 0;
            let mut ok = true;
            for rec in RecordSplitter::new(&bytes[p..], dialect, at_eof).take(8) {
                if !rec.complete {
                    break;
                }
                if rec.fields.len() != ncols {
                    ok = false;
                    break;
                }
                complete += 1;
            }
            if ok && complete > 0 {
                return Ok(Some(target + p as u64));
            }
        }
        if at_eof || window >= 16 << 20 {
            return Ok(None);
        }
        window *= 4;
    }
}

impl TableSource for CsvSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        let files = self.listing.files().len();
        let d = self.shared.dialect.delimiter;
        let delim = if d == b'\t' {
            "\\t".to_string()
        } else {
            (d as char).to_string()
        };
        format!(
            "csv {}{} (delimiter '{delim}', {})",
            self.listing.spec(),
            if files > 1 {
                format!(" ({files} files)")
            } else {
                String::new()
            },
            if self.shared.has_header {
                "header"
            } else {
                "no header"
            }
        )
    }

    fn estimated_rows(&self) -> Option<usize> {
        if self.avg_record_bytes <= 0.0 {
            return Some(0);
        }
        let bytes: u64 = self.listing.files().iter().map(|f| f.size()).sum();
        Some((bytes as f64 / self.avg_record_bytes) as usize)
    }

    fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>> {
        let scan = Arc::new(ScanColumns::try_new(
            &self.schema,
            self.shared.file_schema.fields().len(),
            request.projection.as_deref(),
        )?);
        let batch_size = request.batch_size.max(1);
        let ncols = self.shared.file_schema.fields().len();
        let mut morsels: Vec<Box<dyn Morsel>> = Vec::new();
        for index in prune_files(&self.listing, &request.filters) {
            let file = &self.listing.files()[index];
            let display = file.display();
            let size = file.size();
            let mut bounds = vec![0u64];
            if self.parallel && size > self.morsel_bytes && ncols > 0 {
                let mut f = open(file.path(), &display)?;
                let mut target = self.morsel_bytes;
                while target < size {
                    match find_split(&mut f, &display, target, size, ncols, self.shared.dialect)? {
                        Some(b) if b > *bounds.last().unwrap_or(&0) => bounds.push(b),
                        _ => {}
                    }
                    target += self.morsel_bytes;
                }
            }
            bounds.push(size);
            let partition_values: Arc<[ScalarValue]> = file.partition_values().into();
            for (i, w) in bounds.windows(2).enumerate() {
                morsels.push(Box::new(CsvMorsel {
                    shared: self.shared.clone(),
                    scan: scan.clone(),
                    path: file.path().to_path_buf(),
                    display: display.clone(),
                    partition_values: partition_values.clone(),
                    start: w[0],
                    end: w[1],
                    first: i == 0,
                    batch_size,
                }));
            }
        }
        Ok(morsels)
    }
}

/// A byte range of one CSV file.
struct CsvMorsel {
    shared: Arc<CsvShared>,
    scan: Arc<ScanColumns>,
    path: PathBuf,
    display: String,
    partition_values: Arc<[ScalarValue]>,
    start: u64,
    end: u64,
    /// The first range of the file (holds the header, if any).
    first: bool,
    batch_size: usize,
}

impl Morsel for CsvMorsel {
    fn read(&self) -> Result<Vec<RecordBatch>> {
        let shared = &self.shared;
        if shared.read_schema.fields().is_empty() {
            return Ok(vec![]);
        }
        let mut file = open(&self.path, &self.display)?;
        let mut start = self.start;
        if start == 0 {
            let mut bom = [0u8; 3];
            let n = file
                .read(&mut bom)
                .map_err(|e| Error::io(format!("reading {}", self.display), e))?;
            if n == 3 && bom == [0xEF, 0xBB, 0xBF] {
                start = 3;
            }
        }
        file.seek(SeekFrom::Start(start))
            .map_err(|e| Error::io(format!("reading {}", self.display), e))?;
        let reader = BufReader::with_capacity(1 << 20, file.take(self.end.saturating_sub(start)));

        let file_columns = self.scan.file_columns();
        let projection = if file_columns.is_empty() {
            vec![0]
        } else {
            file_columns.to_vec()
        };
        let mut builder = ReaderBuilder::new(shared.read_schema.clone())
            .with_header(self.first && shared.has_header)
            .with_delimiter(shared.dialect.delimiter)
            .with_quote(shared.dialect.quote)
            .with_batch_size(self.batch_size)
            .with_projection(projection.clone());
        if let Some(e) = shared.dialect.escape {
            builder = builder.with_escape(e);
        }
        if let Some(r) = &shared.null_regex {
            builder = builder.with_null_regex(r.clone());
        }
        let csv = builder
            .build_buffered(reader)
            .map_err(|e| self.translate(e, start, 0))?;

        let mut out = Vec::new();
        let mut rows_done = 0usize;
        for batch in csv {
            let batch = batch.map_err(|e| self.translate(e, start, rows_done))?;
            let rows = batch.num_rows();
            let batch = if file_columns.is_empty() {
                self.scan.assemble_count(rows, &self.partition_values)?
            } else {
                let batch = self.apply_custom_formats(batch, &projection, start, rows_done)?;
                self.scan.assemble(&batch, &self.partition_values)?
            };
            rows_done += rows;
            out.push(batch);
        }
        Ok(out)
    }
}

impl CsvMorsel {
    /// The record index within the morsel's input of the `row`-th data row.
    fn record_index(&self, row: usize) -> usize {
        row + usize::from(self.first && self.shared.has_header)
    }

    /// Finds the 1-based file line and the fields of the `record`-th record (0-based,
    /// counting a header) of this morsel. Only used on error paths.
    fn locate(&self, start: u64, record: usize) -> Option<(usize, Vec<String>)> {
        let mut file = File::open(&self.path).ok()?;
        let mut prefix_lines = 0usize;
        let mut buf = vec![0u8; 1 << 20];
        let mut left = start;
        while left > 0 {
            let n = file.read(&mut buf[..left.min(1 << 20) as usize]).ok()?;
            if n == 0 {
                break;
            }
            prefix_lines += count_newlines(&buf[..n]);
            left -= n as u64;
        }
        let mut bytes = Vec::new();
        file.take(self.end.saturating_sub(start))
            .read_to_end(&mut bytes)
            .ok()?;
        let rec = RecordSplitter::new(&bytes, self.shared.dialect, true).nth(record)?;
        Some((prefix_lines + rec.line + 1, rec.fields))
    }

    fn column_name(&self, i: usize) -> String {
        self.shared
            .file_schema
            .fields()
            .get(i)
            .map(|f| f.name().clone())
            .unwrap_or_else(|| format!("column{i}"))
    }

    /// A value that does not parse as its column's type.
    fn value_error(
        &self,
        start: u64,
        record: usize,
        column: usize,
        value: Option<String>,
        detail: &str,
    ) -> Error {
        let located = self.locate(start, record);
        let line = located
            .as_ref()
            .map(|(l, _)| format!(" line {l}"))
            .unwrap_or_default();
        let value = value
            .or_else(|| located.and_then(|(_, f)| f.get(column).cloned()))
            .map(|v| format!("'{v}'"))
            .unwrap_or_else(|| "the value".into());
        let name = self.column_name(column);
        let t = self
            .shared
            .file_schema
            .fields()
            .get(column)
            .map(|f| sql_type_name(f.data_type()))
            .unwrap_or_default();
        let hint = if self
            .shared
            .sniffed_types
            .get(column)
            .copied()
            .unwrap_or(false)
        {
            format!(
                "; the type {t} was sniffed from the first {} rows: override it with \
                 `column_types` (e.g. (\"{name}\", VARCHAR)) or sniff more rows with a larger `sample_rows`",
                self.shared.sample_rows
            )
        } else {
            String::new()
        };
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        };
        Error::InvalidData(format!(
            "could not convert {value} to {t} in {}{line}, column `{name}`{detail}{hint}",
            self.display
        ))
    }

    /// Rewrites an arrow CSV error to name the file, the line and (for bad values) the
    /// column and value.
    fn translate(&self, e: ArrowError, start: u64, rows_done: usize) -> Error {
        static FIELDS: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
        static VALUE: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
        static UTF8: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
        let fields_re = FIELDS.get_or_init(|| {
            Regex::new(r"incorrect number of fields for line (\d+), expected (\d+) got").ok()
        });
        let value_re = VALUE.get_or_init(|| {
            Regex::new(r"for column (\d+) at line (\d+)|column (\d+) at line (\d+)").ok()
        });
        let utf8_re = UTF8
            .get_or_init(|| Regex::new(r"invalid UTF-8 data for line (\d+) and field (\d+)").ok());
        let msg = e.to_string();
        let num = |c: Option<regex::Match<'_>>| c.and_then(|m| m.as_str().parse::<usize>().ok());

        if let Some(c) = fields_re.as_ref().and_then(|r| r.captures(&msg)) {
            if let (Some(k), Some(expected)) = (num(c.get(1)), num(c.get(2))) {
                let record = k.saturating_sub(1);
                if let Some((line, fields)) = self.locate(start, record) {
                    return Error::InvalidData(format!(
                        "incorrect number of fields in {} line {line}: expected {expected} fields, found {}",
                        self.display,
                        fields.len()
                    ));
                }
            }
        }
        if let Some(c) = utf8_re.as_ref().and_then(|r| r.captures(&msg)) {
            if let (Some(k), Some(field)) = (num(c.get(1)), num(c.get(2))) {
                let line = self
                    .locate(start, k.saturating_sub(1))
                    .map(|(l, _)| format!(" line {l}"))
                    .unwrap_or_default();
                return Error::InvalidData(format!(
                    "invalid UTF-8 in {}{line}, column `{}`: CSV files must be UTF-8 encoded",
                    self.display,
                    self.column_name(field.saturating_sub(1))
                ));
            }
        }
        if matches!(e, ArrowError::ParseError(_) | ArrowError::CastError(_)) {
            if let Some(c) = value_re.as_ref().and_then(|r| r.captures(&msg)) {
                let col = num(c.get(1)).or(num(c.get(3)));
                let rec = num(c.get(2)).or(num(c.get(4)));
                if let (Some(col), Some(rec)) = (col, rec) {
                    return self.value_error(start, rec, col, None, "");
                }
            }
        }
        let rows = if rows_done > 0 {
            format!(" after {rows_done} rows of this part")
        } else {
            String::new()
        };
        match Error::from(e) {
            Error::Io { context, source } => Error::Io {
                context: format!("reading {}: {context}", self.display),
                source,
            },
            other => Error::InvalidData(format!("error reading {}{rows}: {other}", self.display)),
        }
    }

    /// Converts the text columns that have a user-given date or timestamp format.
    fn apply_custom_formats(
        &self,
        batch: RecordBatch,
        projection: &[usize],
        start: u64,
        rows_done: usize,
    ) -> Result<RecordBatch> {
        if self.shared.custom.is_empty() {
            return Ok(batch);
        }
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        for c in &self.shared.custom {
            let Some(pos) = projection.iter().position(|p| *p == c.column) else {
                continue;
            };
            let Some(text) = columns[pos].as_any().downcast_ref::<StringArray>() else {
                continue;
            };
            let fail = |row: usize, v: &str| {
                self.value_error(
                    start,
                    self.record_index(rows_done + row),
                    c.column,
                    Some(v.to_string()),
                    &format!("expected the format '{}'", c.format),
                )
            };
            let array: ArrayRef = match c.to {
                DataType::Date32 => {
                    let mut out = Vec::with_capacity(text.len());
                    for (row, v) in text.iter().enumerate() {
                        out.push(match v {
                            None => None,
                            Some(v) => Some(
                                chrono::NaiveDate::parse_from_str(v, &c.format)
                                    .map(|d| {
                                        chrono::Datelike::num_days_from_ce(&d)
                                            - UNIX_EPOCH_DAYS_FROM_CE
                                    })
                                    .map_err(|_| fail(row, v))?,
                            ),
                        });
                    }
                    Arc::new(Date32Array::from(out))
                }
                _ => {
                    let mut out = Vec::with_capacity(text.len());
                    for (row, v) in text.iter().enumerate() {
                        out.push(match v {
                            None => None,
                            Some(v) => Some(
                                chrono::NaiveDateTime::parse_from_str(v, &c.format)
                                    .map(|t| t.and_utc().timestamp_micros())
                                    .map_err(|_| fail(row, v))?,
                            ),
                        });
                    }
                    Arc::new(TimestampMicrosecondArray::from(out))
                }
            };
            columns[pos] = array;
        }
        let schema = Arc::new(self.shared.file_schema.project(projection)?);
        Ok(RecordBatch::try_new(schema, columns)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{AsArray, Int64Array};
    use arrow::datatypes::Int64Type;

    fn read_all(source: &CsvSource, projection: Option<Vec<usize>>) -> Result<Vec<RecordBatch>> {
        let request = ScanRequest {
            projection,
            batch_size: 1024,
            ..Default::default()
        };
        let mut out = Vec::new();
        for m in source.morsels(&request)? {
            out.extend(m.read()?);
        }
        Ok(out)
    }

    #[test]
    fn reads_a_sniffed_file_with_projection() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, "\u{feff}a;b;c\n1;x;2024-01-01\n2;;2024-01-02\n").unwrap();
        let s = CsvSource::try_new([&p], CsvOptions::default()).unwrap();
        assert_eq!(s.delimiter(), b';');
        assert!(s.has_header());
        assert_eq!(s.schema().field(0).name(), "a");
        let batches = read_all(&s, Some(vec![2, 0])).unwrap();
        let b = &batches[0];
        assert_eq!(b.schema().field(0).data_type(), &DataType::Date32);
        assert_eq!(b.column(1).as_primitive::<Int64Type>().values(), &[1, 2]);
        let b = &read_all(&s, Some(vec![1])).unwrap()[0];
        assert!(b.column(0).is_null(1));
        let count: usize = read_all(&s, Some(vec![]))
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .sum();
        assert_eq!(count, 2);
        assert!(s.describe().contains("delimiter ';'"), "{}", s.describe());
    }

    #[test]
    fn errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(&p, "a,b,c,d\n1,2,3,4\n\n5,6,7,8,9\n").unwrap();
        let s = CsvSource::try_new([&p], CsvOptions::default()).unwrap();
        let err = read_all(&s, None).unwrap_err().to_string();
        assert!(
            err.contains("x.csv' line 4: expected 4 fields, found 5"),
            "{err}"
        );

        let mut text = String::from("id,v\n");
        for i in 0..50 {
            text.push_str(&format!("{i},{i}\n"));
        }
        text.push_str("oops,1\n");
        std::fs::write(&p, text).unwrap();
        let options = CsvOptions {
            sample_rows: 10,
            ..Default::default()
        };
        let s = CsvSource::try_new([&p], options).unwrap();
        let err = read_all(&s, None).unwrap_err();
        assert_eq!(err.category(), "InvalidData");
        let err = err.to_string();
        assert!(
            err.contains("'oops'") && err.contains("line 52") && err.contains("`id`"),
            "{err}"
        );
        assert!(
            err.contains("BIGINT") && err.contains("column_types"),
            "{err}"
        );
    }

    #[test]
    fn splits_large_files_into_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv");
        let mut text = String::from("k,s\n");
        let mut i = 0i64;
        while text.len() < 2 * 4096 + 100 {
            text.push_str(&format!("{i},\"v, {i}\"\n"));
            i += 1;
        }
        std::fs::write(&p, &text).unwrap();
        let s = CsvSource::try_new([&p], CsvOptions::default())
            .unwrap()
            .with_morsel_bytes(4096);
        let request = ScanRequest {
            projection: Some(vec![0]),
            batch_size: 100,
            ..Default::default()
        };
        let morsels = s.morsels(&request).unwrap();
        assert_eq!(morsels.len(), 3);
        let mut expected = 0i64;
        for m in morsels {
            for b in m.read().unwrap() {
                let k = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                for v in k.values() {
                    assert_eq!(*v, expected);
                    expected += 1;
                }
            }
        }
        assert_eq!(expected, i);
    }

    #[test]
    fn split_points_avoid_quoted_newlines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("q.csv");
        let mut text = String::from("k,note,z\n");
        let mut n = 0i64;
        while text.len() < 20_000 {
            text.push_str(&format!("{n},\"first line\nsecond, line\nthird\",{n}\n"));
            n += 1;
        }
        std::fs::write(&p, &text).unwrap();
        for bytes in [997, 1500, 4096] {
            let s = CsvSource::try_new([&p], CsvOptions::default())
                .unwrap()
                .with_morsel_bytes(bytes);
            let request = ScanRequest {
                projection: Some(vec![0, 1]),
                batch_size: 1000,
                ..Default::default()
            };
            let morsels = s.morsels(&request).unwrap();
            assert!(morsels.len() > 4);
            let mut next = 0i64;
            for m in morsels {
                for b in m.read().unwrap() {
                    let k = b.column(0).as_primitive::<Int64Type>();
                    for i in 0..b.num_rows() {
                        assert_eq!(k.value(i), next);
                        assert_eq!(
                            b.column(1).as_string::<i32>().value(i),
                            "first line\nsecond, line\nthird"
                        );
                        next += 1;
                    }
                }
            }
            assert_eq!(next, n);
        }
    }

    #[test]
    fn errors_in_later_ranges_report_file_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("deep.csv");
        let mut text = String::from("a,b\n");
        for i in 0..1000 {
            text.push_str(&format!("{i},{i}\n"));
        }
        text.push_str("1,2,3\n");
        std::fs::write(&p, &text).unwrap();
        let s = CsvSource::try_new([&p], CsvOptions::default())
            .unwrap()
            .with_morsel_bytes(1000);
        let request = ScanRequest {
            batch_size: 100,
            ..Default::default()
        };
        let morsels = s.morsels(&request).unwrap();
        assert!(morsels.len() > 3);
        let err = morsels
            .iter()
            .find_map(|m| m.read().err())
            .unwrap()
            .to_string();
        assert!(
            err.contains("deep.csv' line 1002: expected 2 fields, found 3"),
            "{err}"
        );
    }

    #[test]
    fn custom_formats_and_null_values() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.csv");
        std::fs::write(&p, "d,n\n31/12/2024,NA\n01/01/2025,3\n").unwrap();
        let options = CsvOptions {
            date_format: Some("%d/%m/%Y".into()),
            null_values: vec!["NA".into(), String::new()],
            ..Default::default()
        };
        let s = CsvSource::try_new([&p], options).unwrap();
        let b = &read_all(&s, None).unwrap()[0];
        let d = b.column(0).as_primitive::<arrow::datatypes::Date32Type>();
        assert_eq!(d.value(0), 20088);
        assert_eq!(b.column(1).data_type(), &DataType::Int64);
        assert!(b.column(1).is_null(0));
    }
}
