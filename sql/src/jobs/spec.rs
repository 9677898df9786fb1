//! The shape of a job file, as read from TOML (see [`parse`](super::parse)): the job's name,
//! parameters and defaults, its sources, SQL steps and sinks. Text fields keep their
//! `${param}` placeholders and their line until [`params`](super::params) fills them in.
//!
//! ```toml
//! [job]
//! name = "nightly_revenue"
//! retry = { attempts = 3, backoff = "1s", max_backoff = "1m" }
//! [job.params]
//! since = "1995-01-01"
//!
//! [[sources]]
//! name = "orders"
//! path = "data/orders/*.parquet"
//!
//! [[steps]]
//! name = "recent"
//! sql = "SELECT * FROM orders WHERE o_orderdate >= DATE '${since}'"
//!
//! [[sinks]]
//! name = "recent_parquet"
//! from = "recent"
//! path = "out/recent.parquet"
//! mode = "overwrite"
//! ```

use std::time::Duration;

use quiver_engine::io::FileFormat;
use quiver_engine::pipeline::RetryPolicy;

/// A text value from the file with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Located {
    /// The text (placeholders filled in once parameters are resolved).
    pub text: String,
    /// Its 1-based line.
    pub line: usize,
}

/// A whole job.
#[derive(Debug, Clone, Default)]
pub struct JobSpec {
    /// `[job] name`: names the run report; letters, digits, `_`, `-` and `.`.
    pub name: String,
    /// `[job] description`.
    pub description: Option<String>,
    /// `[job.params]`, in file order.
    pub params: Vec<ParamSpec>,
    /// `[job] retry`: the policy of steps and sinks that set none.
    pub retry: Option<RetryPolicy>,
    /// `[job] timeout`: the time limit of each step that sets none.
    pub timeout: Option<Duration>,
    /// `[job] report`: where the run report goes.
    pub report: Option<Located>,
    /// `[[sources]]`.
    pub sources: Vec<SourceSpec>,
    /// `[[steps]]`.
    pub steps: Vec<StepSpec>,
    /// `[[sinks]]`.
    pub sinks: Vec<SinkSpec>,
    /// The line of `[job]`.
    pub line: usize,
}

/// A declared parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpec {
    /// Its name, as written in `${name}`.
    pub name: String,
    /// The default; `None` makes `--param name=...` required.
    pub default: Option<String>,
    /// What it means (shown by `--dry-run`).
    pub description: Option<String>,
    /// Its line.
    pub line: usize,
}

/// A table read from files.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// The name steps use for it.
    pub name: String,
    /// A file, a glob or a folder (hive partitions become columns).
    pub path: Located,
    /// The format; `None` goes by the file extension.
    pub format: Option<FileFormat>,
    /// Reader options.
    pub options: SourceOptions,
    /// The line of its `[[sources]]`.
    pub line: usize,
}

/// Reader options of a source (each applies to the formats noted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceOptions {
    /// CSV: the field delimiter (sniffed when absent).
    pub delimiter: Option<u8>,
    /// CSV: whether the first row names the columns (sniffed when absent).
    pub header: Option<bool>,
    /// CSV: the quote character.
    pub quote: Option<u8>,
    /// CSV: the escape character inside quotes.
    pub escape: Option<u8>,
    /// CSV: strings read as NULL.
    pub null_values: Option<Vec<String>>,
    /// CSV, JSON: every column with its SQL type, in file order.
    pub schema: Option<Vec<(String, String)>>,
    /// CSV: SQL types of some columns, by name.
    pub types: Vec<(String, String)>,
    /// CSV: a chrono format for DATE columns.
    pub date_format: Option<String>,
    /// CSV: a chrono format for TIMESTAMP columns.
    pub timestamp_format: Option<String>,
    /// All: whether `key=value` folders become columns (auto-detected when absent).
    pub hive_partitioning: Option<bool>,
}

/// A SQL step.
#[derive(Debug, Clone)]
pub struct StepSpec {
    /// The name later steps and sinks use for its result.
    pub name: String,
    /// The query: from `sql`, or the contents of `sql_file`.
    pub sql: Located,
    /// `sql_file`, when the query came from a file.
    pub sql_file: Option<Located>,
    /// Its own retry policy (else the job's).
    pub retry: Option<RetryPolicy>,
    /// Its own time limit (else the job's).
    pub timeout: Option<Duration>,
    /// `materialize = true/false` overrides the runner's choice.
    pub materialize: Option<bool>,
    /// The line of its `[[steps]]`.
    pub line: usize,
}

/// How a sink treats an existing destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SinkMode {
    /// Replace it (the default).
    #[default]
    Overwrite,
    /// Add the new rows to it (the result is rewritten whole, atomically).
    Append,
    /// Fail the job before any step runs.
    ErrorIfExists,
    /// Leave it and skip the sink (and steps needed only by skipped sinks).
    Ignore,
}

impl SinkMode {
    /// Every mode, by its name in the file.
    pub const ALL: [(&'static str, SinkMode); 4] = [
        ("overwrite", SinkMode::Overwrite),
        ("append", SinkMode::Append),
        ("error_if_exists", SinkMode::ErrorIfExists),
        ("ignore", SinkMode::Ignore),
    ];

    /// The name used in the file and the report.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("overwrite", |(n, _)| n)
    }
}

/// Writer options of a sink.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SinkOptions {
    /// CSV: the field delimiter (default `,`).
    pub delimiter: Option<u8>,
    /// CSV: whether to write a header row (default true).
    pub header: Option<bool>,
    /// Parquet: `snappy` (default), `zstd`, `zstd:<level>`, `lz4`, `gzip`, `uncompressed`.
    pub compression: Option<String>,
}

/// An output written from a step.
#[derive(Debug, Clone)]
pub struct SinkSpec {
    /// Its name in logs and the report.
    pub name: String,
    /// The step it writes.
    pub from: String,
    /// The line of `from`.
    pub from_line: usize,
    /// The destination file (or folder, with `partition_by`).
    pub path: Located,
    /// The format (from the extension when not given).
    pub format: Option<FileFormat>,
    /// What to do with an existing destination.
    pub mode: SinkMode,
    /// Write a folder of hive partitions by these columns.
    pub partition_by: Vec<String>,
    /// Writer options.
    pub options: SinkOptions,
    /// Its own retry policy (else the job's).
    pub retry: Option<RetryPolicy>,
    /// The line of its `[[sinks]]`.
    pub line: usize,
}
