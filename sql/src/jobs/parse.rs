//! Reads a job file's TOML into a [`JobSpec`], checking each field's presence, type and
//! range as it goes. Every problem is collected with its line (the TOML parser keeps byte
//! spans of every key and value), so a user fixes them all in one pass; unknown keys are
//! reported too, with the closest known key when it looks like a typo.

use std::time::Duration;

use quiver_engine::error::did_you_mean;
use quiver_engine::io::FileFormat;
use quiver_engine::pipeline::{parse_duration, RetryOn, RetryPolicy};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::jobs::problems::Problems;
use crate::jobs::spec::{
    JobSpec, Located, ParamSpec, SinkMode, SinkOptions, SinkSpec, SourceOptions, SourceSpec,
    StepSpec,
};

type Value<'i> = Spanned<DeValue<'i>>;

/// Reads `text` (a job file) into a spec; problems go to `problems`.
pub fn parse_job(text: &str, problems: &mut Problems) -> JobSpec {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let message = format!("not valid TOML: {}", e.message());
            match e.span() {
                Some(span) => problems.at(span.start, message),
                None => problems.at_line(None, message),
            }
            return JobSpec::default();
        }
    };
    let root_table = Fields::new(root.get_ref(), 0, "the job file".into());
    let mut spec = JobSpec::default();
    let mut reader = Reader { problems };

    match root_table.value("job") {
        None => reader.problems.at_line(
            Some(1),
            "no `[job]` table: add `[job]` with `name = \"...\"`",
        ),
        Some(job) => match job.get_ref() {
            DeValue::Table(t) => reader.job(t, job.span().start, &mut spec),
            _ => reader
                .problems
                .at(job.span().start, "`job` must be a table (`[job]`)"),
        },
    }
    for (key, field, read) in [
        ("sources", "[[sources]]", 0),
        ("steps", "[[steps]]", 1),
        ("sinks", "[[sinks]]", 2),
    ] {
        let Some(list) = root_table.value(key) else {
            continue;
        };
        let DeValue::Array(items) = list.get_ref() else {
            reader.problems.at(
                list.span().start,
                format!("`{key}` must be a list of tables, written `{field}`"),
            );
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let DeValue::Table(t) = item.get_ref() else {
                reader.problems.at(
                    item.span().start,
                    format!(
                        "entry {} of `{key}` must be a table, written `{field}`",
                        i + 1
                    ),
                );
                continue;
            };
            let at = item.span().start;
            match read {
                0 => {
                    if let Some(s) = reader.source(t, at, i) {
                        spec.sources.push(s);
                    }
                }
                1 => {
                    if let Some(s) = reader.step(t, at, i) {
                        spec.steps.push(s);
                    }
                }
                _ => {
                    if let Some(s) = reader.sink(t, at, i) {
                        spec.sinks.push(s);
                    }
                }
            }
        }
    }
    root_table.finish(&["job", "sources", "steps", "sinks"], reader.problems);
    spec
}

/// The keys of one TOML table, for typed look-ups.
struct Fields<'a, 'i> {
    table: &'a DeTable<'i>,
    /// Where the table starts (for "missing key" problems).
    at: usize,
    /// What the table is, for messages: "step `daily`", "the `[job]` table".
    what: String,
}

impl<'a, 'i> Fields<'a, 'i> {
    fn new(table: &'a DeTable<'i>, at: usize, what: String) -> Self {
        Self { table, at, what }
    }

    fn value(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.get(key)
    }

    /// Reports keys that are not in `known`.
    fn finish(&self, known: &[&str], problems: &mut Problems) {
        for (key, _) in self.table.iter() {
            let name: &str = key.get_ref();
            if !known.contains(&name) {
                problems.at(
                    key.span().start,
                    format!(
                        "{}: unknown key `{name}`{}",
                        self.what,
                        match did_you_mean(name, known.iter().copied()) {
                            s if s.is_empty() => format!(
                                " (known keys: {})",
                                quiver_engine::error::list_names(known.iter().copied())
                            ),
                            s => s,
                        }
                    ),
                );
            }
        }
    }

    fn line_of(&self, problems: &Problems, key: &str) -> usize {
        problems.line_of(self.value(key).map_or(self.at, |v| v.span().start))
    }
}

struct Reader<'p> {
    problems: &'p mut Problems,
}

impl Reader<'_> {
    fn wrong_type(&mut self, f: &Fields<'_, '_>, key: &str, v: &Value<'_>, expected: &str) {
        self.problems.at(
            v.span().start,
            format!(
                "{}: `{key}` must be {expected}, found {}",
                f.what,
                v.get_ref().type_str()
            ),
        );
    }

    fn string(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Located> {
        let v = f.value(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Located {
                text: s.to_string(),
                line: self.problems.line_of(v.span().start),
            }),
            _ => {
                self.wrong_type(f, key, v, "a string");
                None
            }
        }
    }

    fn required_string(&mut self, f: &Fields<'_, '_>, key: &str, hint: &str) -> Option<Located> {
        if f.value(key).is_none() {
            self.problems
                .at(f.at, format!("{}: `{key}` is missing ({hint})", f.what));
            return None;
        }
        let s = self.string(f, key)?;
        if s.text.trim().is_empty() {
            self.problems
                .at_line(Some(s.line), format!("{}: `{key}` is empty", f.what));
            return None;
        }
        Some(s)
    }

    fn bool(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<bool> {
        let v = f.value(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(f, key, v, "true or false");
                None
            }
        }
    }

    fn duration(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Duration> {
        let v = f.value(key)?;
        let parsed = match v.get_ref() {
            DeValue::String(s) => parse_duration(s),
            DeValue::Integer(i) => parse_duration(i.as_str()),
            DeValue::Float(x) => parse_duration(x.as_str()),
            _ => {
                self.wrong_type(f, key, v, "a duration such as \"500ms\", \"2s\" or \"5m\"");
                return None;
            }
        };
        match parsed {
            Ok(d) => Some(d),
            Err(e) => {
                self.problems
                    .at(v.span().start, format!("{}: `{key}`: {e}", f.what));
                None
            }
        }
    }

    /// A single character such as a delimiter (`"\t"` and `"tab"` are tabs).
    fn byte(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<u8> {
        let s = self.string(f, key)?;
        let text = if s.text.eq_ignore_ascii_case("tab") {
            "\t"
        } else {
            s.text.as_str()
        };
        match text.as_bytes() {
            [b] if b.is_ascii() => Some(*b),
            _ => {
                self.problems.at_line(
                    Some(s.line),
                    format!(
                        "{}: `{key}` must be one ASCII character, found \"{}\"",
                        f.what, s.text
                    ),
                );
                None
            }
        }
    }

    fn strings(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Vec<String>> {
        let v = f.value(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(vec![s.to_string()]),
            DeValue::Array(items) => {
                let mut out = vec![];
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => out.push(s.to_string()),
                        _ => {
                            self.wrong_type(f, key, item, "a string or a list of strings");
                            return None;
                        }
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong_type(f, key, v, "a string or a list of strings");
                None
            }
        }
    }

    /// A nested table, e.g. `options = { ... }` or `[job.params]`.
    fn table<'a, 'i>(
        &mut self,
        f: &Fields<'a, 'i>,
        key: &str,
        what: String,
    ) -> Option<Fields<'a, 'i>> {
        let v = f.value(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Fields::new(t, v.span().start, what)),
            _ => {
                self.wrong_type(f, key, v, "a table");
                None
            }
        }
    }

    /// Columns and SQL types: `{ a = "INTEGER", b = "VARCHAR" }`, in file order.
    fn column_types(&mut self, f: &Fields<'_, '_>, key: &str) -> Option<Vec<(String, String)>> {
        let t = self.table(f, key, format!("{}: `{key}`", f.what))?;
        let mut out = vec![];
        for (name, v) in t.table.iter() {
            let column: &str = name.get_ref();
            match v.get_ref() {
                DeValue::String(ty) => match parse_sql_type(ty) {
                    Ok(()) => out.push((column.to_string(), ty.to_string())),
                    Err(e) => self.problems.at(
                        v.span().start,
                        format!("{}: `{key}`: column `{column}`: {e}", f.what),
                    ),
                },
                _ => self.wrong_type(&t, column, v, "a SQL type name such as \"INTEGER\""),
            }
        }
        Some(out)
    }

    fn retry(&mut self, f: &Fields<'_, '_>) -> Option<RetryPolicy> {
        let t = self.table(f, "retry", format!("{}: `retry`", f.what))?;
        let mut policy = RetryPolicy::default();
        if let Some(v) = t.value("attempts") {
            match v
                .get_ref()
                .as_integer()
                .and_then(|i| i.as_str().parse::<i64>().ok())
            {
                Some(n) if (1..=1000).contains(&n) => policy.attempts = n as u32,
                Some(n) => self.problems.at(
                    v.span().start,
                    format!(
                        "{}: `attempts` must be from 1 (no retries) to 1000, found {n}",
                        t.what
                    ),
                ),
                None => self.wrong_type(&t, "attempts", v, "a whole number"),
            }
        }
        if let Some(d) = self.duration(&t, "backoff") {
            policy.backoff = d;
            policy.max_backoff = policy.max_backoff.max(d);
        }
        if let Some(d) = self.duration(&t, "max_backoff") {
            policy.max_backoff = d;
        }
        if let Some(v) = t.value("jitter") {
            let x = match v.get_ref() {
                DeValue::Float(x) => x.as_str().parse::<f64>().ok(),
                DeValue::Integer(i) => i.as_str().parse::<f64>().ok(),
                _ => None,
            };
            match x {
                Some(x) => policy.jitter = x,
                None => self.wrong_type(&t, "jitter", v, "a number from 0 to 1"),
            }
        }
        if let Some(on) = self.strings(&t, "retry_on") {
            policy.retry_on = match on.as_slice() {
                [one] if one == "transient" => RetryOn::Transient,
                _ => RetryOn::Categories(on),
            };
        }
        if let Err(e) = policy.validate() {
            self.problems.at(t.at, format!("{}: {e}", t.what));
        }
        t.finish(
            &["attempts", "backoff", "max_backoff", "jitter", "retry_on"],
            self.problems,
        );
        Some(policy)
    }

    fn format(&mut self, f: &Fields<'_, '_>) -> Option<FileFormat> {
        let s = self.string(f, "format")?;
        match format_by_name(&s.text) {
            Some(format) => Some(format),
            None => {
                let names = ["parquet", "csv", "tsv", "json", "ndjson", "arrow"];
                self.problems.at_line(
                    Some(s.line),
                    format!(
                        "{}: unknown format `{}`; expected one of {}{}",
                        f.what,
                        s.text,
                        quiver_engine::error::list_names(names),
                        did_you_mean(&s.text, names)
                    ),
                );
                None
            }
        }
    }

    fn job(&mut self, table: &DeTable<'_>, at: usize, spec: &mut JobSpec) {
        let f = Fields::new(table, at, "[job]".into());
        spec.line = self.problems.line_of(at);
        if let Some(name) = self.required_string(&f, "name", "it names the run report") {
            if name
                .text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            {
                spec.name = name.text;
            } else {
                self.problems.at_line(
                    Some(name.line),
                    format!(
                        "[job]: `name` may use letters, digits, `_`, `-` and `.` only (it names \
                         the report file), found \"{}\"",
                        name.text
                    ),
                );
            }
        }
        spec.description = self.string(&f, "description").map(|s| s.text);
        spec.retry = self.retry(&f);
        spec.timeout = self.duration(&f, "timeout");
        spec.report = self.string(&f, "report");
        if let Some(params) = self.table(&f, "params", "[job.params]".into()) {
            for (key, v) in params.table.iter() {
                let name: &str = key.get_ref();
                let line = self.problems.line_of(key.span().start);
                if !is_identifier(name) {
                    self.problems.at_line(
                        Some(line),
                        format!(
                            "[job.params]: `{name}` is not a usable parameter name (letters, \
                             digits and `_`, not starting with a digit)"
                        ),
                    );
                    continue;
                }
                let (default, description) = match v.get_ref() {
                    DeValue::Table(t) => {
                        let pf = Fields::new(t, v.span().start, format!("parameter `{name}`"));
                        let default = pf.value("default").and_then(|d| self.scalar(&pf, d));
                        let description = self.string(&pf, "description").map(|s| s.text);
                        pf.finish(&["default", "description"], self.problems);
                        (default, description)
                    }
                    _ => (self.scalar(&params, v), None),
                };
                spec.params.push(ParamSpec {
                    name: name.to_string(),
                    default,
                    description,
                    line,
                });
            }
        }
        f.finish(
            &[
                "name",
                "description",
                "params",
                "retry",
                "timeout",
                "report",
            ],
            self.problems,
        );
    }

    /// A parameter value as text: strings, numbers, booleans and dates.
    fn scalar(&mut self, f: &Fields<'_, '_>, v: &Value<'_>) -> Option<String> {
        Some(match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .map(|n| n.to_string())
                .unwrap_or_else(|_| i.as_str().to_string()),
            DeValue::Float(x) => x.as_str().to_string(),
            DeValue::Boolean(b) => b.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            _ => {
                self.problems.at(
                    v.span().start,
                    format!(
                        "{}: a parameter value must be a string, number, boolean or date, found {}",
                        f.what,
                        v.get_ref().type_str()
                    ),
                );
                return None;
            }
        })
    }

    /// The entry's name, or a stand-in for messages when it has none.
    fn entry_name(&mut self, f: &mut Fields<'_, '_>, kind: &str, index: usize) -> Option<String> {
        let name = f
            .value("name")
            .and_then(|v| v.get_ref().as_str())
            .map(str::to_string);
        f.what = match &name {
            Some(n) => format!("{kind} `{n}`"),
            None => format!("{kind} #{}", index + 1),
        };
        let name = self.required_string(f, "name", "later steps and sinks refer to it")?;
        if !is_identifier(&name.text) {
            self.problems.at_line(
                Some(name.line),
                format!(
                    "{}: `name` must be a SQL identifier (letters, digits and `_`, not starting \
                     with a digit) so that SQL can refer to it",
                    f.what
                ),
            );
            return None;
        }
        Some(name.text)
    }

    fn source(&mut self, table: &DeTable<'_>, at: usize, index: usize) -> Option<SourceSpec> {
        let mut f = Fields::new(table, at, String::new());
        let name = self.entry_name(&mut f, "source", index);
        let path = self.required_string(
            &f,
            "path",
            "a file, a glob such as `data/*.csv`, or a folder",
        );
        let format = self.format(&f);
        let mut options = SourceOptions::default();
        if let Some(o) = self.table(&f, "options", format!("{}: `options`", f.what)) {
            options.delimiter = self.byte(&o, "delimiter");
            options.header = self.bool(&o, "header");
            options.quote = self.byte(&o, "quote");
            options.escape = self.byte(&o, "escape");
            options.null_values = self.strings(&o, "null");
            options.schema = self.column_types(&o, "schema");
            options.types = self.column_types(&o, "types").unwrap_or_default();
            options.date_format = self.string(&o, "date_format").map(|s| s.text);
            options.timestamp_format = self.string(&o, "timestamp_format").map(|s| s.text);
            options.hive_partitioning = self.bool(&o, "hive_partitioning");
            o.finish(SOURCE_OPTIONS, self.problems);
        }
        f.finish(&["name", "path", "format", "options"], self.problems);
        Some(SourceSpec {
            name: name?,
            path: path?,
            format,
            options,
            line: self.problems.line_of(at),
        })
    }

    fn step(&mut self, table: &DeTable<'_>, at: usize, index: usize) -> Option<StepSpec> {
        let mut f = Fields::new(table, at, String::new());
        let name = self.entry_name(&mut f, "step", index);
        let sql = self.string(&f, "sql");
        let sql_file = self.string(&f, "sql_file");
        match (&sql, &sql_file, f.value("sql"), f.value("sql_file")) {
            (None, None, None, None) => self.problems.at(
                at,
                format!(
                    "{}: give the query as `sql = \"SELECT ...\"` or `sql_file = \"query.sql\"`",
                    f.what
                ),
            ),
            (Some(_), Some(s), _, _) => self.problems.at_line(
                Some(s.line),
                format!("{}: give `sql` or `sql_file`, not both", f.what),
            ),
            _ => {}
        }
        let retry = self.retry(&f);
        let timeout = self.duration(&f, "timeout");
        let materialize = self.bool(&f, "materialize");
        f.finish(
            &[
                "name",
                "description",
                "sql",
                "sql_file",
                "retry",
                "timeout",
                "materialize",
            ],
            self.problems,
        );
        let line = self.problems.line_of(at);
        let (sql, sql_file) = match (sql, sql_file) {
            (Some(sql), None) => (sql, None),
            // The file is read once parameters are known (its path may use them).
            (None, Some(file)) => (
                Located {
                    text: String::new(),
                    line: file.line,
                },
                Some(file),
            ),
            _ => return None,
        };
        Some(StepSpec {
            name: name?,
            sql,
            sql_file,
            retry,
            timeout,
            materialize,
            line,
        })
    }

    fn sink(&mut self, table: &DeTable<'_>, at: usize, index: usize) -> Option<SinkSpec> {
        let mut f = Fields::new(table, at, String::new());
        let name = self.entry_name(&mut f, "sink", index);
        let from = self.required_string(&f, "from", "the step whose result it writes");
        let from_line = f.line_of(self.problems, "from");
        let path = self.required_string(&f, "path", "the file or folder to write");
        let format = self.format(&f);
        let mode = match self.string(&f, "mode") {
            None => SinkMode::default(),
            Some(m) => match SinkMode::ALL.iter().find(|(n, _)| *n == m.text) {
                Some((_, mode)) => *mode,
                None => {
                    let names = SinkMode::ALL.map(|(n, _)| n);
                    self.problems.at_line(
                        Some(m.line),
                        format!(
                            "{}: unknown mode `{}`; expected one of {}{}",
                            f.what,
                            m.text,
                            quiver_engine::error::list_names(names),
                            did_you_mean(&m.text, names)
                        ),
                    );
                    SinkMode::default()
                }
            },
        };
        let partition_by = self.strings(&f, "partition_by").unwrap_or_default();
        let mut options = SinkOptions::default();
        if let Some(o) = self.table(&f, "options", format!("{}: `options`", f.what)) {
            options.delimiter = self.byte(&o, "delimiter");
            options.header = self.bool(&o, "header");
            if let Some(c) = self.string(&o, "compression") {
                match parse_compression(&c.text) {
                    Ok(_) => options.compression = Some(c.text),
                    Err(e) => self
                        .problems
                        .at_line(Some(c.line), format!("{}: {e}", o.what)),
                }
            }
            o.finish(&["delimiter", "header", "compression"], self.problems);
        }
        let retry = self.retry(&f);
        f.finish(
            &[
                "name",
                "from",
                "path",
                "format",
                "mode",
                "partition_by",
                "options",
                "retry",
            ],
            self.problems,
        );
        Some(SinkSpec {
            name: name?,
            from: from?.text,
            from_line,
            path: path?,
            format,
            mode,
            partition_by,
            options,
            retry,
            line: self.problems.line_of(at),
        })
    }
}

/// The option keys of `[[sources]] options`.
pub const SOURCE_OPTIONS: &[&str] = &[
    "delimiter",
    "header",
    "quote",
    "escape",
    "null",
    "schema",
    "types",
    "date_format",
    "timestamp_format",
    "hive_partitioning",
];

/// A format by the name a job file uses (`tsv` is CSV with tabs).
pub fn format_by_name(name: &str) -> Option<FileFormat> {
    Some(match name.to_ascii_lowercase().as_str() {
        "csv" | "tsv" => FileFormat::Csv,
        "parquet" | "pq" => FileFormat::Parquet,
        "json" | "ndjson" | "jsonl" => FileFormat::Json,
        "arrow" | "ipc" | "feather" => FileFormat::Ipc,
        _ => return None,
    })
}

/// A Parquet compression setting: `snappy`, `zstd`, `zstd:<1-22>`, `lz4`, `gzip`,
/// `gzip:<0-9>` or `uncompressed`.
pub fn parse_compression(text: &str) -> Result<quiver_engine::io::ParquetCompression, String> {
    use quiver_engine::io::ParquetCompression as C;
    let lower = text.to_ascii_lowercase();
    let (name, level) = match lower.split_once(':') {
        Some((n, l)) => (n, Some(l)),
        None => (lower.as_str(), None),
    };
    let given = level;
    let level = |default: i64, range: std::ops::RangeInclusive<i64>| -> Result<i64, String> {
        match given {
            None => Ok(default),
            Some(l) => l
                .parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    format!(
                        "compression level `{l}` of `{name}` must be from {} to {}",
                        range.start(),
                        range.end()
                    )
                }),
        }
    };
    Ok(match name {
        "snappy" if given.is_none() => C::Snappy,
        "lz4" if given.is_none() => C::Lz4,
        "uncompressed" | "none" if given.is_none() => C::Uncompressed,
        "zstd" => C::Zstd(level(3, 1..=22)? as i32),
        "gzip" => C::Gzip(level(6, 0..=9)? as u32),
        _ => {
            return Err(format!(
                "unknown compression `{text}`; expected snappy, zstd, zstd:<level>, lz4, gzip, \
                 gzip:<level> or uncompressed"
            ))
        }
    })
}

/// Checks a SQL type name such as `DECIMAL(15,2)`.
pub fn parse_sql_type(text: &str) -> Result<(), String> {
    sql_type(text).map(|_| ())
}

/// The Arrow type of a SQL type name.
pub fn sql_type(text: &str) -> Result<arrow::datatypes::DataType, String> {
    let parsed = sqlparser::parser::Parser::new(&sqlparser::dialect::DuckDbDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_data_type())
        .map_err(|_| format!("unknown type `{text}`"))?;
    crate::types::arrow_type(&parsed).map_err(|e| format!("type `{text}`: {e}"))
}

/// Letters, digits and `_`, not starting with a digit.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (JobSpec, Vec<String>) {
        let mut problems = Problems::new(text);
        let spec = parse_job(text, &mut problems);
        let listed = problems
            .items()
            .iter()
            .map(|p| format!("{}: {}", p.line.unwrap_or(0), p.message))
            .collect();
        (spec, listed)
    }

    #[test]
    fn a_complete_job() {
        let (spec, problems) = parse(
            r#"
[job]
name = "nightly"
retry = { attempts = 3, backoff = "10ms", max_backoff = "1s" }
timeout = "5m"
[job.params]
since = "1995-01-01"
limit = 10
until = { description = "last day" }

[[sources]]
name = "orders"
path = "data/orders.csv"
options = { delimiter = "|", header = true, types = { o_totalprice = "DECIMAL(15,2)" } }

[[steps]]
name = "recent"
sql = "SELECT * FROM orders"
retry = { attempts = 2 }

[[sinks]]
name = "out"
from = "recent"
path = "out/recent"
format = "parquet"
mode = "append"
partition_by = "o_orderstatus"
options = { compression = "zstd:5" }
"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(spec.name, "nightly");
        assert_eq!(spec.retry.as_ref().unwrap().attempts, 3);
        assert_eq!(spec.timeout, Some(Duration::from_secs(300)));
        let params: Vec<_> = spec
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.default.as_deref()))
            .collect();
        assert_eq!(
            params,
            [
                ("since", Some("1995-01-01")),
                ("limit", Some("10")),
                ("until", None)
            ]
        );
        assert_eq!(spec.sources[0].options.delimiter, Some(b'|'));
        assert_eq!(spec.sources[0].line, 11);
        assert_eq!(spec.steps[0].sql.line, 18);
        assert_eq!(spec.sinks[0].mode, SinkMode::Append);
        assert_eq!(spec.sinks[0].partition_by, ["o_orderstatus"]);
    }

    #[test]
    fn every_problem_at_once() {
        let (_, problems) = parse(
            r#"[job]
nmae = "x"
[[sources]]
name = "orders"
format = "parket"
options = { delimiter = ";;", schema = { a = "INTEGR" } }
[[steps]]
name = "2bad"
sql = "SELECT 1"
sql_file = "q.sql"
retry = { attempts = 0 }
[[sinks]]
name = "s"
from = "x"
path = "o.csv"
mode = "replace"
"#,
        );
        let text = problems.join("\n");
        for needle in [
            "1: [job]: `name` is missing",
            "2: [job]: unknown key `nmae`; did you mean `name`?",
            "3: source `orders`: `path` is missing",
            "5: source `orders`: unknown format `parket`",
            "did you mean `parquet`?",
            "6: source `orders`: `options`: `delimiter` must be one ASCII character",
            "unknown type `INTEGR`",
            "8: step `2bad`: `name` must be a SQL identifier",
            "10: step `2bad`: give `sql` or `sql_file`, not both",
            "11: step `2bad`: `retry`: `attempts` must be from 1",
            "16: sink `s`: unknown mode `replace`",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn toml_syntax_errors_have_a_line() {
        let (_, problems) = parse("[job]\nname = \"x\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("2: not valid TOML"), "{problems:?}");
    }

    #[test]
    fn compressions() {
        use quiver_engine::io::ParquetCompression as C;
        assert_eq!(parse_compression("zstd"), Ok(C::Zstd(3)));
        assert_eq!(parse_compression("GZIP:9"), Ok(C::Gzip(9)));
        assert!(parse_compression("zstd:99").is_err());
        assert!(parse_compression("brotli").is_err());
    }
}
