//! The newline-delimited JSON table source: [`JsonOptions`] and [`JsonSource`].
//!
//! The schema is inferred from the first `sample_rows` lines of the first file (arrow's
//! `infer_json_schema`: integers are `Int64`, other numbers `Float64`, objects structs,
//! arrays lists) unless one is given; fields that appear only in later lines or files are
//! ignored and missing fields read as NULL. A large file is split into byte ranges at line
//! boundaries (a JSON string cannot hold a raw newline, so every newline ends a record) and
//! the ranges are parsed in parallel. Errors name the file and line.
//!
//! A file holding one JSON array (`[{...}, {...}]`) is not supported yet.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use arrow::json::reader::infer_json_schema;
use arrow::json::ReaderBuilder;
use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};
use crate::io::csv_split::count_newlines;
use crate::io::hive::{prune_files, ScanColumns};
use crate::io::listing::{FileListing, HivePartitioning};
use crate::logical::{Morsel, ScanRequest, TableSource};
use crate::types::ScalarValue;

/// Target size of one NDJSON morsel (a byte range of a file).
pub const JSON_MORSEL_BYTES: u64 = 32 * 1024 * 1024;

/// File extensions read as NDJSON when a directory is scanned.
pub const JSON_EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson"];

/// How to read newline-delimited JSON files.
#[derive(Debug, Clone)]
pub struct JsonOptions {
    /// The schema; `None` infers it from the first file.
    pub schema: Option<SchemaRef>,
    /// Lines sampled for schema inference. Default 20480.
    pub sample_rows: usize,
    /// Whether `key=value` folders become columns.
    pub hive_partitioning: HivePartitioning,
}

impl Default for JsonOptions {
    fn default() -> Self {
        Self {
            schema: None,
            sample_rows: 20480,
            hive_partitioning: HivePartitioning::Auto,
        }
    }
}

/// A table over one or more NDJSON files.
#[derive(Debug)]
pub struct JsonSource {
    listing: FileListing,
    file_schema: SchemaRef,
    schema: SchemaRef,
    inferred: bool,
    sample_rows: usize,
    avg_line_bytes: f64,
    morsel_bytes: u64,
}

fn open(path: &Path, display: &str) -> Result<File> {
    File::open(path).map_err(|e| Error::io(format!("opening {display}"), e))
}

/// The first `lines` lines of a file (at most 32 MB), and whether that is the whole file.
fn read_head(path: &Path, display: &str, lines: usize) -> Result<(Vec<u8>, bool)> {
    let mut file = open(path, display)?;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 1 << 20];
    let mut at_eof = false;
    let mut seen = 0;
    while seen < lines && buf.len() < 32 << 20 {
        let n = file
            .read(&mut chunk)
            .map_err(|e| Error::io(format!("reading {display}"), e))?;
        if n == 0 {
            at_eof = true;
            break;
        }
        seen += count_newlines(&chunk[..n]);
        buf.extend_from_slice(&chunk[..n]);
    }
    if !at_eof {
        // Keep whole lines only.
        if let Some(p) = buf.iter().rposition(|b| *b == b'\n') {
            buf.truncate(p + 1);
        }
    }
    Ok((buf, at_eof))
}

/// The line numbers (1-based) and text of the non-blank lines of `bytes`.
fn lines_of(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| l.iter().any(|b| !b.is_ascii_whitespace()))
}

fn json_message(e: &ArrowError) -> String {
    match e {
        ArrowError::JsonError(m) | ArrowError::ParseError(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Arrow's inference lists fields alphabetically; reorder them as they first appear in the
/// sample, as DuckDB does (fields not found by the scan keep their relative order, last).
fn in_first_appearance_order(
    schema: arrow::datatypes::Schema,
    head: &[u8],
) -> arrow::datatypes::Schema {
    let mut order: Vec<String> = Vec::new();
    for (_, line) in lines_of(head) {
        for key in top_level_keys(line) {
            if !order.contains(&key) {
                order.push(key);
            }
        }
        if order.len() >= schema.fields().len() {
            break;
        }
    }
    let rank = |name: &str| order.iter().position(|k| k == name).unwrap_or(usize::MAX);
    let mut fields: Vec<_> = schema.fields().iter().cloned().enumerate().collect();
    fields.sort_by_key(|(i, f)| (rank(f.name()), *i));
    arrow::datatypes::Schema::new_with_metadata(
        fields.into_iter().map(|(_, f)| f).collect::<Vec<_>>(),
        schema.metadata().clone(),
    )
}

/// The keys of the top-level object on one line, in order (a best-effort scan: simple
/// escapes are decoded, malformed input ends the scan).
fn top_level_keys(line: &[u8]) -> Vec<String> {
    let mut keys = Vec::new();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < line.len() && line[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    // Reads a string starting at the opening quote; returns it and moves past the close.
    let read_string = |i: &mut usize| -> Option<String> {
        *i += 1;
        let mut out = Vec::new();
        while *i < line.len() {
            match line[*i] {
                b'"' => {
                    *i += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' if *i + 1 < line.len() => {
                    let c = line[*i + 1];
                    out.push(match c {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                    *i += 2;
                }
                c => {
                    out.push(c);
                    *i += 1;
                }
            }
        }
        None
    };
    skip_ws(&mut i);
    if line.get(i) != Some(&b'{') {
        return keys;
    }
    i += 1;
    loop {
        skip_ws(&mut i);
        if line.get(i) != Some(&b'"') {
            return keys;
        }
        let Some(key) = read_string(&mut i) else {
            return keys;
        };
        keys.push(key);
        skip_ws(&mut i);
        if line.get(i) != Some(&b':') {
            return keys;
        }
        i += 1;
        // Skip the value: track nesting, skip strings.
        let mut depth = 0usize;
        loop {
            skip_ws(&mut i);
            let Some(&c) = line.get(i) else {
                return keys;
            };
            match c {
                b'"' => {
                    if read_string(&mut i).is_none() {
                        return keys;
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    i += 1;
                }
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    i += 1;
                }
                b',' if depth == 0 => {
                    i += 1;
                    break;
                }
                b'}' if depth == 0 => return keys,
                _ => i += 1,
            }
        }
    }
}

impl JsonSource {
    /// Lists the files and infers (or takes) the schema.
    pub fn try_new<I, P>(paths: I, options: JsonOptions) -> Result<Self>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let mut listing = FileListing::try_new(paths, JSON_EXTENSIONS, options.hive_partitioning)?;
        let first = listing
            .files()
            .first()
            .ok_or_else(|| crate::internal_err!("a file listing with no files"))?;
        let display = first.display();
        let sample_rows = options.sample_rows.max(1);
        let (head, _) = read_head(first.path(), &display, sample_rows)?;
        if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            return Err(Error::NotSupported(format!(
                "{display} holds a JSON array; only newline-delimited JSON (one object per line) \
                 can be read so far"
            )));
        }
        let line_count = lines_of(&head).count();
        let avg_line_bytes = if line_count == 0 {
            0.0
        } else {
            head.len() as f64 / line_count as f64
        };
        let (file_schema, inferred) = match &options.schema {
            Some(s) => (s.clone(), false),
            None => {
                let schema = match infer_json_schema(&head[..], Some(sample_rows)) {
                    Ok((s, _)) => s,
                    Err(e) => {
                        // Find the offending line for the message.
                        let line = lines_of(&head)
                            .find(|(_, l)| infer_json_schema(*l, Some(1)).is_err())
                            .map(|(n, _)| format!(" line {n}"))
                            .unwrap_or_default();
                        return Err(Error::InvalidData(format!(
                            "invalid JSON in {display}{line}: {}",
                            json_message(&e)
                        )));
                    }
                };
                (Arc::new(in_first_appearance_order(schema, &head)), true)
            }
        };
        listing.drop_partition_columns_in(&file_schema);
        let schema = Arc::new(listing.table_schema(&file_schema));
        Ok(Self {
            listing,
            file_schema,
            schema,
            inferred,
            sample_rows,
            avg_line_bytes,
            morsel_bytes: JSON_MORSEL_BYTES,
        })
    }

    /// Sets the target morsel size in bytes (default [`JSON_MORSEL_BYTES`]).
    pub fn with_morsel_bytes(mut self, bytes: u64) -> Self {
        self.morsel_bytes = bytes.max(1);
        self
    }

    /// The files read.
    pub fn listing(&self) -> &FileListing {
        &self.listing
    }
}

/// The position right after the first newline at or after `target`, if before the end.
fn next_line_start(file: &mut File, display: &str, target: u64, size: u64) -> Result<Option<u64>> {
    let mut pos = target;
    let mut buf = vec![0u8; 64 * 1024];
    file.seek(SeekFrom::Start(pos))
        .map_err(|e| Error::io(format!("reading {display}"), e))?;
    while pos < size {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io(format!("reading {display}"), e))?;
        if n == 0 {
            break;
        }
        if let Some(i) = buf[..n].iter().position(|b| *b == b'\n') {
            let start = pos + i as u64 + 1;
            return Ok((start < size).then_some(start));
        }
        pos += n as u64;
    }
    Ok(None)
}

impl TableSource for JsonSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        let files = self.listing.files().len();
        if files == 1 {
            format!("json {}", self.listing.spec())
        } else {
            format!("json {} ({files} files)", self.listing.spec())
        }
    }

    fn estimated_rows(&self) -> Option<usize> {
        if self.avg_line_bytes <= 0.0 {
            return Some(0);
        }
        let bytes: u64 = self.listing.files().iter().map(|f| f.size()).sum();
        Some((bytes as f64 / self.avg_line_bytes) as usize)
    }

    fn morsels(&self, request: &ScanRequest) -> Result<Vec<Box<dyn Morsel>>> {
        let scan = Arc::new(ScanColumns::try_new(
            &self.schema,
            self.file_schema.fields().len(),
            request.projection.as_deref(),
        )?);
        let read_columns: Vec<usize> = if scan.file_columns().is_empty() {
            vec![]
        } else {
            scan.file_columns().to_vec()
        };
        let read_schema = Arc::new(self.file_schema.project(&read_columns)?);
        let shared = Arc::new(JsonShared {
            read_schema,
            scan,
            batch_size: request.batch_size.max(1),
            inferred: self.inferred,
            sample_rows: self.sample_rows,
        });
        let mut morsels: Vec<Box<dyn Morsel>> = Vec::new();
        for index in prune_files(&self.listing, &request.filters) {
            let file = &self.listing.files()[index];
            let display = file.display();
            let size = file.size();
            let mut bounds = vec![0u64];
            if size > self.morsel_bytes {
                let mut f = open(file.path(), &display)?;
                let mut target = self.morsel_bytes;
                while target < size {
                    if let Some(b) = next_line_start(&mut f, &display, target, size)? {
                        if b > *bounds.last().unwrap_or(&0) {
                            bounds.push(b);
                        }
                    }
                    target += self.morsel_bytes;
                }
            }
            bounds.push(size);
            let partition_values: Arc<[ScalarValue]> = file.partition_values().into();
            for w in bounds.windows(2) {
                morsels.push(Box::new(JsonMorsel {
                    shared: shared.clone(),
                    path: file.path().to_path_buf(),
                    display: display.clone(),
                    partition_values: partition_values.clone(),
                    start: w[0],
                    end: w[1],
                }));
            }
        }
        Ok(morsels)
    }
}

#[derive(Debug)]
struct JsonShared {
    /// The projected file columns (all the decoder looks for).
    read_schema: SchemaRef,
    scan: Arc<ScanColumns>,
    batch_size: usize,
    inferred: bool,
    sample_rows: usize,
}

/// A line-aligned byte range of one NDJSON file.
struct JsonMorsel {
    shared: Arc<JsonShared>,
    path: PathBuf,
    display: String,
    partition_values: Arc<[ScalarValue]>,
    start: u64,
    end: u64,
}

impl Morsel for JsonMorsel {
    fn read(&self) -> Result<Vec<RecordBatch>> {
        let mut file = open(&self.path, &self.display)?;
        file.seek(SeekFrom::Start(self.start))
            .map_err(|e| Error::io(format!("reading {}", self.display), e))?;
        let reader = BufReader::with_capacity(1 << 20, file.take(self.end - self.start));
        let s = &self.shared;
        let json = ReaderBuilder::new(s.read_schema.clone())
            .with_batch_size(s.batch_size)
            .build(reader)
            .map_err(|e| self.locate_error(e, 0))?;
        let mut out = Vec::new();
        let mut rows_done = 0;
        for batch in json {
            let batch = batch.map_err(|e| self.locate_error(e, rows_done))?;
            rows_done += batch.num_rows();
            out.push(if s.scan.file_columns().is_empty() {
                s.scan
                    .assemble_count(batch.num_rows(), &self.partition_values)?
            } else {
                s.scan.assemble(&batch, &self.partition_values)?
            });
        }
        Ok(out)
    }
}

impl JsonMorsel {
    /// Re-reads the range line by line from row `rows_done` to find the line that fails.
    fn locate_error(&self, e: ArrowError, rows_done: usize) -> Error {
        if let ArrowError::IoError(context, source) = e {
            return Error::io(format!("reading {}: {context}", self.display), source);
        }
        let hint = if self.shared.inferred {
            format!(
                " (the schema was inferred from the first {} lines; pass a schema to read other types)",
                self.shared.sample_rows
            )
        } else {
            String::new()
        };
        let generic = || {
            Error::InvalidData(format!(
                "invalid JSON in {}: {}{hint}",
                self.display,
                json_message(&e)
            ))
        };
        let Ok(mut file) = File::open(&self.path) else {
            return generic();
        };
        let mut prefix = Vec::new();
        if (&mut file)
            .take(self.start)
            .read_to_end(&mut prefix)
            .is_err()
        {
            return generic();
        }
        let lines_before = count_newlines(&prefix);
        let mut bytes = Vec::new();
        if file
            .take(self.end - self.start)
            .read_to_end(&mut bytes)
            .is_err()
        {
            return generic();
        }
        for (n, line) in lines_of(&bytes).skip(rows_done) {
            let failed = ReaderBuilder::new(self.shared.read_schema.clone())
                .build_decoder()
                .and_then(|mut d| {
                    d.decode(line)?;
                    d.flush()
                })
                .err();
            if let Some(err) = failed {
                return Error::InvalidData(format!(
                    "invalid JSON in {} line {}: {}{hint}",
                    self.display,
                    lines_before + n,
                    json_message(&err)
                ));
            }
        }
        generic()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{AsArray, Int64Array};
    use arrow::datatypes::{DataType, Int64Type, Schema};

    fn read_all(s: &JsonSource, projection: Option<Vec<usize>>) -> Result<Vec<RecordBatch>> {
        let request = ScanRequest {
            projection,
            batch_size: 2,
            ..Default::default()
        };
        let mut out = Vec::new();
        for m in s.morsels(&request)? {
            out.extend(m.read()?);
        }
        Ok(out)
    }

    #[test]
    fn infers_and_reads_in_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.jsonl");
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&format!(
                "{{\"a\": {i}, \"b\": \"v{i}\", \"c\": {}.5}}\n",
                i
            ));
        }
        std::fs::write(&p, &text).unwrap();
        let s = JsonSource::try_new([&p], JsonOptions::default())
            .unwrap()
            .with_morsel_bytes(500);
        let fields: Vec<_> = s
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        assert_eq!(
            fields,
            vec![DataType::Int64, DataType::Utf8, DataType::Float64]
        );
        let request = ScanRequest {
            projection: Some(vec![0]),
            batch_size: 7,
            ..Default::default()
        };
        let morsels = s.morsels(&request).unwrap();
        assert!(morsels.len() > 3);
        let mut next = 0;
        for m in morsels {
            for b in m.read().unwrap() {
                let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                for v in a.values() {
                    assert_eq!(*v, next);
                    next += 1;
                }
            }
        }
        assert_eq!(next, 100);
        let strings = read_all(&s, Some(vec![1])).unwrap();
        let rows: usize = strings.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, 100);
        assert_eq!(strings[0].schema().field(0).name(), "b");
    }

    #[test]
    fn errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.json");
        std::fs::write(&p, "{\"a\": 1}\n\n{\"a\": 2}\n{\"a\": \"x\"}\n").unwrap();
        let schema = Arc::new(Schema::new(vec![arrow::datatypes::Field::new(
            "a",
            DataType::Int64,
            true,
        )]));
        let s = JsonSource::try_new(
            [&p],
            JsonOptions {
                schema: Some(schema),
                ..Default::default()
            },
        )
        .unwrap();
        let err = read_all(&s, None).unwrap_err().to_string();
        assert!(err.contains("bad.json' line 4"), "{err}");

        std::fs::write(&p, "{\"a\": 1}\n{\"a\": 2,,}\n").unwrap();
        let err = JsonSource::try_new([&p], JsonOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        std::fs::write(&p, "[{\"a\": 1}]").unwrap();
        assert!(JsonSource::try_new([&p], JsonOptions::default()).is_err());
    }

    #[test]
    fn keeps_the_key_order_of_the_file() {
        assert_eq!(
            top_level_keys(br#"{"z": {"a": [1, {"q": 2}]}, "y\"": "x,}", "b": null}"#),
            vec!["z", "y\"", "b"]
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.json");
        std::fs::write(&p, "{\"z\": 1, \"a\": \"x\"}\n{\"m\": true, \"z\": 2}\n").unwrap();
        let s = JsonSource::try_new([&p], JsonOptions::default()).unwrap();
        let names: Vec<String> = s
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, vec!["z", "a", "m"]);
    }

    #[test]
    fn counts_rows_without_columns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.ndjson");
        std::fs::write(&p, "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n").unwrap();
        let s = JsonSource::try_new([&p], JsonOptions::default()).unwrap();
        let rows: usize = read_all(&s, Some(vec![]))
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .sum();
        assert_eq!(rows, 3);
        let b = &read_all(&s, None).unwrap()[0];
        assert_eq!(b.column(0).as_primitive::<Int64Type>().value(0), 1);
    }
}
