//! File listing: turns what a user wrote (`'data.csv'`, `'logs/*.parquet'`, `'dir/**/x.json'`,
//! a list of paths, or a directory) into the ordered list of files a scan reads, and detects
//! hive-style partitioning (`year=2024/month=05/part-0.parquet`).
//!
//! Files come out in a stable order (each spec in the order given, each glob or directory
//! sorted by path), so morsel order — and therefore output order — is deterministic.
//! Hidden files and folders (names starting with `.` or `_`, such as the writers' temporary
//! files or `_SUCCESS` markers) are skipped when a directory is expanded; a glob's wildcards
//! do not match a leading `.`.
//!
//! Hive partitioning is detected when every file sits below the same sequence of
//! `key=value` folders (relative to the glob's literal prefix or the listed directory; for a
//! literal file path, all of its folders count). Each key becomes an extra column appended
//! after the file's own columns: `Int64` when every value parses as an integer, `Utf8`
//! otherwise; `__HIVE_DEFAULT_PARTITION__` is NULL and values are percent-decoded.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, FieldRef, Schema};

use crate::error::{Error, Result};
use crate::types::ScalarValue;

/// The folder value hive uses for a NULL partition key.
pub const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// One file to scan.
#[derive(Debug, Clone)]
pub struct ListedFile {
    path: PathBuf,
    size: u64,
    partition_values: Vec<ScalarValue>,
}

impl ListedFile {
    /// The file's path, as listed (relative paths stay relative).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's size in bytes when it was listed.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The file's hive partition values, one per [`FileListing::partition_fields`] entry.
    pub fn partition_values(&self) -> &[ScalarValue] {
        &self.partition_values
    }

    /// The path quoted for messages: `'data/x.csv'`.
    pub fn display(&self) -> String {
        quote_path(&self.path)
    }
}

/// Whether to read `key=value` folders as partition columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HivePartitioning {
    /// Detect: on when every file has the same `key=value` folder structure.
    #[default]
    Auto,
    /// Always (an error if some file has no or different `key=value` folders).
    Enabled,
    /// Never.
    Disabled,
}

/// The resolved files of a scan and their partition columns.
#[derive(Debug, Clone)]
pub struct FileListing {
    spec: String,
    files: Vec<ListedFile>,
    partition_fields: Vec<FieldRef>,
}

impl FileListing {
    /// Resolves path specs into files. `extensions` (lower case, without the dot) filter the
    /// files found when a spec is a directory; globs and literal paths are taken as given.
    ///
    /// A literal path that does not exist, or a glob or directory with no matching file,
    /// gives [`Error::Io`] with [`std::io::ErrorKind::NotFound`] naming the spec.
    pub fn try_new<I, P>(paths: I, extensions: &[&str], hive: HivePartitioning) -> Result<Self>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let mut found: Vec<(PathBuf, u64, Vec<(String, String)>)> = Vec::new();
        let mut specs = Vec::new();
        for p in paths {
            let p = p.as_ref();
            specs.push(p.to_string_lossy().into_owned());
            for (path, size, base) in expand_spec(p, extensions)? {
                let segments = hive_segments(&path, base.as_deref());
                found.push((path, size, segments));
            }
        }
        let spec = match specs.as_slice() {
            [] => {
                return Err(Error::io(
                    "no files to read: the path list is empty",
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no paths given"),
                ))
            }
            [one] => quote_str(one),
            many => format!("{} (and {} more)", quote_str(&many[0]), many.len() - 1),
        };

        let keys: Vec<Vec<&str>> = found
            .iter()
            .map(|(_, _, segs)| segs.iter().map(|(k, _)| k.as_str()).collect())
            .collect();
        let consistent =
            !keys.is_empty() && !keys[0].is_empty() && keys.iter().all(|k| *k == keys[0]);
        let use_hive = match hive {
            HivePartitioning::Disabled => false,
            HivePartitioning::Auto => consistent && has_unique_keys(&keys[0]),
            HivePartitioning::Enabled => {
                if !consistent {
                    let bad = found
                        .iter()
                        .zip(&keys)
                        .find(|(_, k)| k.is_empty() || **k != keys[0])
                        .map(|((p, _, _), _)| quote_path(p))
                        .unwrap_or_default();
                    return Err(Error::InvalidData(format!(
                        "hive partitioning was requested for {spec}, but {bad} is not below the same \
                         `key=value` folders as the other files (expected keys {:?})",
                        keys.first().cloned().unwrap_or_default()
                    )));
                }
                if !has_unique_keys(&keys[0]) {
                    return Err(Error::InvalidData(format!(
                        "hive partitioning was requested for {spec}, but the partition keys {:?} repeat",
                        keys[0]
                    )));
                }
                true
            }
        };

        let (partition_fields, files) = if use_hive {
            let names: Vec<String> = keys[0].iter().map(|k| k.to_string()).collect();
            let mut types = vec![DataType::Int64; names.len()];
            for (_, _, segs) in &found {
                for (i, (_, v)) in segs.iter().enumerate() {
                    if v != HIVE_NULL && v.parse::<i64>().is_err() {
                        types[i] = DataType::Utf8;
                    }
                }
            }
            // A key whose values are all NULL has no evidence for a number: VARCHAR, like DuckDB.
            for (i, t) in types.iter_mut().enumerate() {
                if found.iter().all(|(_, _, segs)| segs[i].1 == HIVE_NULL) {
                    *t = DataType::Utf8;
                }
            }
            let fields: Vec<FieldRef> = names
                .iter()
                .zip(&types)
                .map(|(n, t)| Arc::new(Field::new(n, t.clone(), true)))
                .collect();
            let files = found
                .into_iter()
                .map(|(path, size, segs)| {
                    let values = segs
                        .iter()
                        .zip(&types)
                        .map(|((_, v), t)| partition_value(v, t))
                        .collect();
                    ListedFile {
                        path,
                        size,
                        partition_values: values,
                    }
                })
                .collect();
            (fields, files)
        } else {
            let files = found
                .into_iter()
                .map(|(path, size, _)| ListedFile {
                    path,
                    size,
                    partition_values: vec![],
                })
                .collect();
            (vec![], files)
        };
        Ok(Self {
            spec,
            files,
            partition_fields,
        })
    }

    /// What was asked for, quoted, for EXPLAIN and messages: `'data/*.csv'`.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// The files, in scan order.
    pub fn files(&self) -> &[ListedFile] {
        &self.files
    }

    /// The hive partition columns (empty when the files are not partitioned).
    pub fn partition_fields(&self) -> &[FieldRef] {
        &self.partition_fields
    }

    /// Drops partition columns whose name the files already have as a column (the file's
    /// own column wins).
    pub fn drop_partition_columns_in(&mut self, file_schema: &Schema) {
        let keep: Vec<bool> = self
            .partition_fields
            .iter()
            .map(|f| file_schema.field_with_name(f.name()).is_err())
            .collect();
        if keep.iter().all(|k| *k) {
            return;
        }
        let mut it = keep.iter();
        self.partition_fields
            .retain(|_| *it.next().unwrap_or(&true));
        for file in &mut self.files {
            let mut it = keep.iter();
            file.partition_values
                .retain(|_| *it.next().unwrap_or(&true));
        }
    }

    /// The table schema: the file columns followed by the partition columns.
    pub fn table_schema(&self, file_schema: &Schema) -> Schema {
        let mut fields: Vec<FieldRef> = file_schema.fields().iter().cloned().collect();
        fields.extend(self.partition_fields.iter().cloned());
        Schema::new_with_metadata(fields, file_schema.metadata().clone())
    }
}

/// Quotes a path for an error message: `'dir/x.csv'`.
pub fn quote_path(path: &Path) -> String {
    quote_str(&path.to_string_lossy())
}

fn quote_str(s: &str) -> String {
    format!("'{s}'")
}

fn has_unique_keys(keys: &[&str]) -> bool {
    keys.iter().enumerate().all(|(i, k)| !keys[..i].contains(k))
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    n.starts_with('.') || n.starts_with('_')
}

fn not_found(what: String, detail: &str) -> Error {
    Error::io(
        what,
        std::io::Error::new(std::io::ErrorKind::NotFound, detail.to_string()),
    )
}

/// Expands one spec into `(path, size, hive base)`; the base is the folder below which
/// `key=value` segments count (`None`: every folder of the path counts).
fn expand_spec(spec: &Path, extensions: &[&str]) -> Result<Vec<(PathBuf, u64, Option<PathBuf>)>> {
    let text = spec.to_string_lossy();
    if is_glob(&text) {
        let base = glob_base(spec);
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: true,
        };
        let paths = glob::glob_with(&text, options)
            .map_err(|e| Error::InvalidData(format!("invalid glob pattern '{text}': {e}")))?;
        let mut out = Vec::new();
        for entry in paths {
            let path = entry.map_err(|e| {
                let ctx = format!("listing {} for pattern '{text}'", quote_path(e.path()));
                Error::io(ctx, e.into())
            })?;
            let meta = std::fs::metadata(&path)
                .map_err(|e| Error::io(format!("reading {}", quote_path(&path)), e))?;
            if meta.is_file() {
                out.push((path, meta.len(), base.clone()));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        if out.is_empty() {
            return Err(not_found(
                format!("no files match the pattern '{text}'"),
                "no such file or directory",
            ));
        }
        return Ok(out);
    }
    let meta =
        std::fs::metadata(spec).map_err(|e| Error::io(format!("cannot read '{text}'"), e))?;
    if meta.is_dir() {
        let mut out = Vec::new();
        walk_dir(spec, extensions, &mut out)?;
        if out.is_empty() {
            let exts: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
            return Err(not_found(
                format!("no {} files found in directory '{text}'", exts.join(" / ")),
                "no matching files",
            ));
        }
        Ok(out
            .into_iter()
            .map(|(p, s)| (p, s, Some(spec.to_path_buf())))
            .collect())
    } else {
        Ok(vec![(spec.to_path_buf(), meta.len(), None)])
    }
}

/// The literal folder prefix of a glob: `data/year=*/x.parquet` gives `data`.
fn glob_base(pattern: &Path) -> Option<PathBuf> {
    let mut base = PathBuf::new();
    for c in pattern.components() {
        if is_glob(&c.as_os_str().to_string_lossy()) {
            return Some(base);
        }
        base.push(c.as_os_str());
    }
    Some(base)
}

fn walk_dir(dir: &Path, extensions: &[&str], out: &mut Vec<(PathBuf, u64)>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("listing directory {}", quote_path(dir)), e))?;
    let mut children = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| Error::io(format!("listing directory {}", quote_path(dir)), e))?;
        if is_hidden(&entry.file_name()) {
            continue;
        }
        children.push(entry.path());
    }
    children.sort();
    for path in children {
        let meta = std::fs::metadata(&path)
            .map_err(|e| Error::io(format!("reading {}", quote_path(&path)), e))?;
        if meta.is_dir() {
            walk_dir(&path, extensions, out)?;
        } else if meta.is_file() && has_extension(&path, extensions) {
            out.push((path, meta.len()));
        }
    }
    Ok(())
}

/// Whether the file name ends in `.ext` for one of `extensions` (case-insensitive).
pub(crate) fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    extensions.iter().any(|e| name.ends_with(&format!(".{e}")))
}

/// The `key=value` folders of `path` below `base`, outermost first.
fn hive_segments(path: &Path, base: Option<&Path>) -> Vec<(String, String)> {
    let rel = match base {
        Some(b) if !b.as_os_str().is_empty() => path.strip_prefix(b).unwrap_or(path),
        _ => path,
    };
    let Some(parent) = rel.parent() else {
        return vec![];
    };
    parent
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => {
                let s = n.to_string_lossy();
                let (k, v) = s.split_once('=')?;
                (!k.is_empty()).then(|| (percent_decode(k), percent_decode(v)))
            }
            _ => None,
        })
        .collect()
}

fn partition_value(raw: &str, data_type: &DataType) -> ScalarValue {
    if raw == HIVE_NULL {
        return ScalarValue::null(data_type);
    }
    let array: ArrayRef = match data_type {
        DataType::Int64 => Arc::new(Int64Array::from(vec![raw.parse::<i64>().ok()])),
        _ => Arc::new(StringArray::from(vec![raw])),
    };
    ScalarValue::from_array_at(array.as_ref(), 0)
}

/// Decodes `%XX` escapes (as hive and DuckDB write them); invalid escapes stay as they are.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes the characters that cannot appear in a hive folder value (`/`, `=`, `%`, control
/// and a few shell-hostile characters) as `%XX`.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_control()
            || matches!(
                ch,
                '/' | '\\' | '=' | '%' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#'
            )
        {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    #[test]
    fn lists_directories_globs_and_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(&d.join("b.csv"));
        touch(&d.join("a.csv"));
        touch(&d.join("sub/c.csv"));
        touch(&d.join("sub/ignored.txt"));
        touch(&d.join(".hidden.csv"));
        touch(&d.join("_SUCCESS.csv"));

        let l = FileListing::try_new([d], &["csv"], HivePartitioning::Auto).unwrap();
        let names: Vec<_> = l
            .files()
            .iter()
            .map(|f| f.path().strip_prefix(d).unwrap().to_owned())
            .collect();
        assert_eq!(
            names,
            vec![PathBuf::from("a.csv"), "b.csv".into(), "sub/c.csv".into()]
        );
        assert!(l.partition_fields().is_empty());

        // Globs skip dot files only (`_SUCCESS.csv` matches `*.csv`).
        let l = FileListing::try_new([d.join("*.csv")], &[], HivePartitioning::Auto).unwrap();
        assert_eq!(l.files().len(), 3);
        let l = FileListing::try_new([d.join("**/*.csv")], &[], HivePartitioning::Auto).unwrap();
        assert_eq!(l.files().len(), 4);
        let l = FileListing::try_new([d.join("[ab].csv")], &[], HivePartitioning::Auto).unwrap();
        assert_eq!(l.files().len(), 2);
        let l = FileListing::try_new(
            [d.join("b.csv"), d.join("a.csv")],
            &[],
            HivePartitioning::Auto,
        )
        .unwrap();
        assert!(l.files()[0].path().ends_with("b.csv"));
    }

    #[test]
    fn missing_files_are_not_found_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = FileListing::try_new([dir.path().join("nope.csv")], &[], HivePartitioning::Auto)
            .unwrap_err();
        match &err {
            Error::Io { source, .. } => assert_eq!(source.kind(), std::io::ErrorKind::NotFound),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("nope.csv"), "{err}");
        assert!(err.is_transient());
        let err = FileListing::try_new([dir.path().join("*.parquet")], &[], HivePartitioning::Auto)
            .unwrap_err();
        assert!(
            err.to_string().contains("no files match the pattern"),
            "{err}"
        );
        assert!(err.to_string().contains("*.parquet"), "{err}");
    }

    #[test]
    fn detects_hive_partitions() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(&d.join("year=2023/region=eu/0.parquet"));
        touch(&d.join("year=2024/region=us%2Fwest/0.parquet"));
        touch(&d.join(format!("year={HIVE_NULL}/region=eu/0.parquet")));
        let l = FileListing::try_new([d], &["parquet"], HivePartitioning::Auto).unwrap();
        let fields: Vec<_> = l
            .partition_fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("year".into(), DataType::Int64),
                ("region".into(), DataType::Utf8)
            ]
        );
        let vals: Vec<String> = l
            .files()
            .iter()
            .map(|f| format!("{}/{}", f.partition_values()[0], f.partition_values()[1]))
            .collect();
        assert_eq!(vals, vec!["2023/'eu'", "2024/'us/west'", "NULL/'eu'"]);

        // Mixed structure: no partitions in auto mode, an error when forced.
        touch(&d.join("loose.parquet"));
        let l = FileListing::try_new([d], &["parquet"], HivePartitioning::Auto).unwrap();
        assert!(l.partition_fields().is_empty());
        assert!(FileListing::try_new([d], &["parquet"], HivePartitioning::Enabled).is_err());
    }

    #[test]
    fn percent_coding_round_trips() {
        for s in ["plain", "a/b", "50%", "x=y", "ü"] {
            assert_eq!(percent_decode(&percent_encode(s)), s);
        }
    }
}
