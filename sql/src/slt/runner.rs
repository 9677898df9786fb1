//! Running test files: each file gets a fresh [`SqlContext`]; its records run in order,
//! each on its own thread under `catch_unwind` and a timeout, so a panicking or hanging
//! record is counted as errored and the run goes on.
//!
//! Directives: `require` of an extension skips the rest of the file (runner settings
//! such as `vector_size` or `skip_reload` are satisfied; `ram` is checked against the
//! machine), `mode skip` .. `mode unskip` skips records, `skipif` / `onlyif` compare with
//! the engine names `quiver` and `duckdb`, `load` skips the rest of the file and `halt`
//! ends it. A `statement ok` that is a `SET` / `PRAGMA` of a setting that only tunes
//! performance (`threads`, `verify_parallelism`, ...) is a no-op that passes; any other
//! setting changes what the records after it expect, so it and the rest of the file are
//! skipped (reason `setting <name>`). A
//! failing `statement ok` that changes state (DDL, DML, anything but a query) marks the
//! records after it that do not pass as blocked.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use arrow::datatypes::DataType;
use quiver_engine::Session;

use super::compare::{check, full_match, sort_rows};
use super::format::format_rows;
use super::parser::{
    substitute, Condition, Item, QueryRecord, Script, StatementExpect, StatementRecord,
};
use super::report::{cap, cause_of_message, Detail, FileReport, RecordOutcome, Status, Summary};
use crate::SqlContext;

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Worker threads of each file's session.
    pub threads: usize,
    /// How long one record may run before it counts as errored.
    pub timeout: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            timeout: Duration::from_secs(10),
        }
    }
}

/// A test file found on disk.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// Its path.
    pub path: PathBuf,
    /// Its folder for the per-folder table (first component below the searched root).
    pub folder: String,
}

/// Finds the `.test` files (and `.test_slow` with `include_slow`) of the given files and
/// folders, recursively, in sorted order. A path that does not exist is an error.
pub fn discover(paths: &[PathBuf], include_slow: bool) -> std::io::Result<Vec<TestFile>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>, include_slow: bool) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out, include_slow)?;
            } else if is_test_file(&p, include_slow) {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for root in paths {
        if root.is_dir() {
            let mut found = Vec::new();
            walk(root, &mut found, include_slow)?;
            for path in found {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let mut comps = rel.components();
                let first = comps
                    .next()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned());
                let folder = if comps.next().is_some() {
                    first.unwrap_or_default()
                } else {
                    ".".to_string()
                };
                files.push(TestFile { path, folder });
            }
        } else if root.is_file() {
            let folder = root
                .parent()
                .and_then(|p| p.file_name())
                .map_or_else(|| ".".to_string(), |n| n.to_string_lossy().into_owned());
            files.push(TestFile {
                path: root.clone(),
                folder,
            });
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no such file or folder: {}", root.display()),
            ));
        }
    }
    Ok(files)
}

fn is_test_file(path: &Path, include_slow: bool) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some("test") => true,
        Some("test_slow") => include_slow,
        _ => false,
    }
}

/// Runs test files.
#[derive(Debug, Clone, Default)]
pub struct Runner {
    config: RunnerConfig,
}

impl Runner {
    /// A runner with the given settings.
    pub fn new(config: RunnerConfig) -> Self {
        Self { config }
    }

    /// Runs every file, calling `on_file` after each, and returns the summary.
    pub fn run_files(&self, files: &[TestFile], mut on_file: impl FnMut(&FileReport)) -> Summary {
        let mut summary = Summary::default();
        for file in files {
            let report = self.run_file(&file.path, &file.folder);
            on_file(&report);
            summary.files.push(report);
        }
        summary
    }

    /// Runs one file. Never panics; an unreadable file counts as one errored record.
    pub fn run_file(&self, path: &Path, folder: &str) -> FileReport {
        let start = Instant::now();
        let mut report = FileReport {
            path: path.display().to_string(),
            folder: folder.to_string(),
            ..Default::default()
        };
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                report.records.push(errored(
                    0,
                    "",
                    &format!("cannot read the file: {e}"),
                    "cannot read the file".into(),
                ));
                return report;
            }
        };
        report.records = self.run_text(&text);
        report.elapsed = start.elapsed();
        report
    }

    /// Runs the text of a test file and returns one outcome per record, in file order.
    pub fn run_text(&self, text: &str) -> Vec<RecordOutcome> {
        let script = Script::parse(text);
        let record_lines = script.record_lines();
        let session = match Session::with_threads(self.config.threads) {
            Ok(s) => s,
            Err(e) => {
                let message = format!("cannot start a session: {e}");
                return record_lines
                    .iter()
                    .map(|&l| errored(l, "", &message, "cannot start a session".into()))
                    .collect();
            }
        };
        let mut run = FileRun {
            ctx: SqlContext::new(session),
            timeout: self.config.timeout,
            outcomes: BTreeMap::new(),
            skip_mode: false,
            stop: None,
            blocked_by: None,
            poisoned: None,
            labels: HashMap::new(),
            test_dir: test_dir(),
        };
        run.items(&script.items, &mut Vec::new());
        let reason = run
            .stop
            .clone()
            .unwrap_or_else(|| "not reached".to_string());
        record_lines
            .into_iter()
            .map(|line| {
                run.outcomes.remove(&line).unwrap_or(RecordOutcome {
                    line,
                    status: Status::Skipped(reason.clone()),
                    detail: None,
                })
            })
            .collect()
    }
}

/// The per-file state of a run.
struct FileRun {
    ctx: SqlContext,
    timeout: Duration,
    /// Outcomes by record line (loop iterations merged).
    outcomes: BTreeMap<usize, RecordOutcome>,
    /// Inside `mode skip`.
    skip_mode: bool,
    /// Why the rest of the file is not run (`require icu`, `halt`, ...).
    stop: Option<String>,
    /// The failed setup statement that blocks the records after it: where and why, and
    /// its cause (for grouping).
    blocked_by: Option<(String, String)>,
    /// A record whose thread is still running after its timeout: nothing more runs.
    poisoned: Option<String>,
    /// Results of labelled queries.
    labels: HashMap<String, Vec<Vec<String>>>,
    test_dir: PathBuf,
}

/// What running one record's SQL gave.
enum Exec {
    /// Success: the result's column types and formatted rows (rows only when asked).
    Ok {
        types: Vec<DataType>,
        rows: Vec<Vec<String>>,
    },
    /// The engine returned an error.
    Err(String),
    /// The statement panicked (a bug).
    Panic(String),
    /// The statement did not finish in time.
    Timeout,
}

impl FileRun {
    fn items(&mut self, items: &[Item], vars: &mut Vec<(String, String)>) {
        for item in items {
            if self.stop.is_some() {
                return;
            }
            match item {
                Item::Statement(s) => {
                    if let Some(outcome) = self.precheck(s.line, &s.conditions) {
                        self.record(outcome);
                    } else {
                        let outcome = self.statement(s, vars);
                        self.record(outcome);
                    }
                }
                Item::Query(q) => {
                    if let Some(outcome) = self.precheck(q.line, &q.conditions) {
                        self.record(outcome);
                    } else {
                        let outcome = self.query(q, vars);
                        self.record(outcome);
                    }
                }
                Item::Require { what, args, .. } => {
                    if !requirement_met(what, args) {
                        self.stop = Some(format!("require {what}"));
                    }
                }
                Item::Mode { skip, .. } => self.skip_mode = *skip,
                Item::Loop {
                    var, values, body, ..
                } => {
                    for value in values {
                        let value = self.apply(value, vars);
                        vars.push((var.clone(), value));
                        self.items(body, vars);
                        vars.pop();
                        if self.stop.is_some() {
                            return;
                        }
                    }
                }
                Item::Halt { .. } => self.stop = Some("halt".into()),
                Item::Load { .. } => self.stop = Some("load (needs a stored database)".into()),
                Item::Ignored { .. } => {}
                Item::Unknown { line, reason } => self.record(RecordOutcome {
                    line: *line,
                    status: Status::Skipped(reason.clone()),
                    detail: None,
                }),
            }
        }
    }

    fn record(&mut self, outcome: RecordOutcome) {
        match self.outcomes.get_mut(&outcome.line) {
            Some(existing) => existing.merge(outcome),
            None => {
                self.outcomes.insert(outcome.line, outcome);
            }
        }
    }

    /// The outcome of a record that is not run (skipped, or blocked after a timeout).
    fn precheck(&self, line: usize, conditions: &[Condition]) -> Option<RecordOutcome> {
        let skipped = |reason: String| {
            Some(RecordOutcome {
                line,
                status: Status::Skipped(reason),
                detail: None,
            })
        };
        if self.skip_mode {
            return skipped("mode skip".into());
        }
        for c in conditions {
            match c {
                Condition::SkipIf(engine) if is_us(engine) => {
                    return skipped(format!("skipif {engine}"))
                }
                Condition::OnlyIf(engine) if !is_us(engine) => {
                    return skipped(format!("onlyif {engine}"))
                }
                _ => {}
            }
        }
        if let Some(why) = &self.poisoned {
            let detail = Detail {
                message: why.clone(),
                cause: "an earlier record timed out".into(),
                ..Default::default()
            };
            return Some(RecordOutcome {
                line,
                status: Status::Blocked,
                detail: Some(detail),
            });
        }
        None
    }

    /// Substitutes loop variables (innermost first) and `__TEST_DIR__`.
    fn apply(&self, text: &str, vars: &[(String, String)]) -> String {
        let mut s = text.to_string();
        for (var, value) in vars.iter().rev() {
            s = substitute(&s, var, value);
        }
        if s.contains("__TEST_DIR__") {
            s = s.replace("__TEST_DIR__", &self.test_dir.to_string_lossy());
        }
        s
    }

    fn statement(&mut self, s: &StatementRecord, vars: &[(String, String)]) -> RecordOutcome {
        let sql = self.apply(&s.sql, vars);
        let expected_error = self.apply(&s.expected_error, vars);
        let setting = if s.expect == StatementExpect::Ok {
            setting_name(&sql)
        } else {
            None
        };
        if let Some(name) = setting {
            if PERFORMANCE_SETTINGS.contains(&name.as_str()) {
                return passed(s.line);
            }
            // A setting that changes results: the records after it expect its semantics.
            let reason = format!("setting {name}");
            self.stop = Some(reason.clone());
            return RecordOutcome {
                line: s.line,
                status: Status::Skipped(reason),
                detail: None,
            };
        }
        let outcome = match (self.execute(&sql, false), s.expect) {
            (Exec::Ok { .. }, StatementExpect::Ok | StatementExpect::Maybe) => passed(s.line),
            (Exec::Ok { .. }, StatementExpect::Error) => failed(
                s.line,
                &sql,
                "the statement succeeded, but an error was expected".into(),
                "expected an error, the statement succeeded".into(),
                vec![expected_error.clone()],
                vec![],
            ),
            (Exec::Err(message), StatementExpect::Ok) => {
                let outcome = errored(
                    s.line,
                    &sql,
                    &message,
                    format!("error: {}", cause_of_message(&message)),
                );
                if is_setup(&sql) && self.blocked_by.is_none() {
                    let cause = outcome
                        .detail
                        .as_ref()
                        .map(|d| d.cause.clone())
                        .unwrap_or_default();
                    self.blocked_by =
                        Some((format!("line {}: {}", s.line, cap(&message, 200)), cause));
                }
                outcome
            }
            (Exec::Err(message), _) => {
                if error_matches(&expected_error, &message) {
                    passed(s.line)
                } else {
                    failed(
                        s.line,
                        &sql,
                        format!(
                            "wrong error message: expected `{expected_error}`, got `{message}`"
                        ),
                        format!("wrong error message (got: {})", cause_of_message(&message)),
                        vec![expected_error.clone()],
                        vec![message.clone()],
                    )
                }
            }
            (Exec::Panic(message), _) => errored(
                s.line,
                &sql,
                &message,
                format!("panic: {}", cause_of_message(&message)),
            ),
            (Exec::Timeout, _) => errored(s.line, &sql, &self.timed_out(), "timeout".into()),
        };
        self.blocked(outcome)
    }

    fn query(&mut self, q: &QueryRecord, vars: &[(String, String)]) -> RecordOutcome {
        let sql = self.apply(&q.sql, vars);
        let expected: Vec<String> = q.expected.iter().map(|l| self.apply(l, vars)).collect();
        let outcome = match self.execute(&sql, true) {
            Exec::Ok { types, mut rows } => {
                let labelled = q.label.as_ref().filter(|_| expected.is_empty());
                if let Some(label) = labelled {
                    sort_rows(&mut rows, q.sort);
                    match self.labels.get(label) {
                        Some(stored) if *stored != rows => failed(
                            q.line,
                            &sql,
                            format!(
                                "the result differs from the earlier result of label `{label}`"
                            ),
                            "result differs from its label".into(),
                            stored.iter().map(|r| r.join("\t")).take(10).collect(),
                            rows.iter().map(|r| r.join("\t")).take(10).collect(),
                        ),
                        Some(_) => passed(q.line),
                        None => {
                            self.labels.insert(label.clone(), rows);
                            passed(q.line)
                        }
                    }
                } else if !q.has_results {
                    passed(q.line)
                } else {
                    match check(&expected, q.columns, q.sort, &types, &rows) {
                        Ok(()) => {
                            if let Some(label) = &q.label {
                                sort_rows(&mut rows, q.sort);
                                self.labels.insert(label.clone(), rows);
                            }
                            passed(q.line)
                        }
                        Err(mismatch) => {
                            sort_rows(&mut rows, q.sort);
                            failed(
                                q.line,
                                &sql,
                                mismatch.to_string(),
                                mismatch.kind().to_string(),
                                expected.iter().take(10).cloned().collect(),
                                rows.iter().take(10).map(|r| r.join("\t")).collect(),
                            )
                        }
                    }
                }
            }
            Exec::Err(message) => errored(
                q.line,
                &sql,
                &message,
                format!("error: {}", cause_of_message(&message)),
            ),
            Exec::Panic(message) => errored(
                q.line,
                &sql,
                &message,
                format!("panic: {}", cause_of_message(&message)),
            ),
            Exec::Timeout => errored(q.line, &sql, &self.timed_out(), "timeout".into()),
        };
        self.blocked(outcome)
    }

    fn timed_out(&self) -> String {
        format!("timed out after {:.1} s", self.timeout.as_secs_f64())
    }

    /// Turns a failure after a failed setup statement into `blocked`.
    fn blocked(&self, mut outcome: RecordOutcome) -> RecordOutcome {
        if let (Some((by, cause)), Status::Failed | Status::Errored) =
            (&self.blocked_by, &outcome.status)
        {
            outcome.status = Status::Blocked;
            if let Some(d) = outcome.detail.as_mut() {
                d.message = format!(
                    "blocked by the failed setup statement at {by}\n{}",
                    d.message
                );
                d.cause = format!("setup failed: {cause}");
            }
        }
        outcome
    }

    /// Runs `sql` on its own thread, catching panics and giving up after the timeout.
    fn execute(&mut self, sql: &str, format: bool) -> Exec {
        let ctx = self.ctx.clone();
        let sql_owned = sql.to_string();
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("slt-record".into())
            .stack_size(32 << 20)
            .spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(|| match ctx.sql(&sql_owned) {
                    Ok(result) => {
                        let types = result
                            .schema
                            .fields()
                            .iter()
                            .map(|f| f.data_type().clone())
                            .collect();
                        let rows = if format {
                            format_rows(&result.batches)
                        } else {
                            vec![]
                        };
                        Exec::Ok { types, rows }
                    }
                    Err(e) => Exec::Err(crate::errors::describe(&e)),
                }));
                let exec =
                    result.unwrap_or_else(|payload| Exec::Panic(panic_message(payload.as_ref())));
                let _ = tx.send(exec);
            });
        if let Err(e) = spawned {
            return Exec::Err(format!("cannot start a thread for the record: {e}"));
        }
        match rx.recv_timeout(self.timeout) {
            Ok(exec) => exec,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Exec::Panic("the record's thread ended without a result".into())
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.ctx.session().cancel();
                if rx.recv_timeout(Duration::from_secs(2)).is_err() {
                    self.poisoned = Some(format!(
                        "an earlier record timed out and still runs: {}",
                        cap(sql.lines().next().unwrap_or(""), 100)
                    ));
                }
                Exec::Timeout
            }
        }
    }
}

fn passed(line: usize) -> RecordOutcome {
    RecordOutcome {
        line,
        status: Status::Passed,
        detail: None,
    }
}

fn failed(
    line: usize,
    sql: &str,
    message: String,
    cause: String,
    expected: Vec<String>,
    got: Vec<String>,
) -> RecordOutcome {
    let detail = Detail {
        sql: sql.to_string(),
        message,
        cause,
        expected,
        got,
    };
    RecordOutcome {
        line,
        status: Status::Failed,
        detail: Some(detail),
    }
}

fn errored(line: usize, sql: &str, message: &str, cause: String) -> RecordOutcome {
    let detail = Detail {
        sql: sql.to_string(),
        message: message.to_string(),
        cause,
        expected: vec![],
        got: message.lines().take(10).map(str::to_string).collect(),
    };
    RecordOutcome {
        line,
        status: Status::Errored,
        detail: Some(detail),
    }
}

fn is_us(engine: &str) -> bool {
    matches!(engine, "quiver" | "duckdb")
}

/// Requirements that hold for this runner: runner settings, and `ram` when the machine
/// has that much memory. Everything else (extensions) does not.
fn requirement_met(what: &str, args: &[String]) -> bool {
    const SATISFIED: &[&str] = &[
        "vector_size",
        "exact_vector_size",
        "block_size",
        "skip_reload",
        "no_alternative_verify",
        "no_force_storage",
        "no_extension_autoloading",
        "no_block_verification",
        "no_vector_verification",
        "no_latest_storage",
        "64bit",
        "longdouble",
    ];
    if SATISFIED.contains(&what) {
        return true;
    }
    if what == "ram" {
        let needed = args.first().and_then(|a| parse_bytes(a));
        return match (needed, machine_memory()) {
            (Some(needed), Some(have)) => have >= needed,
            _ => true,
        };
    }
    false
}

fn parse_bytes(s: &str) -> Option<u64> {
    let s = s.trim().to_ascii_lowercase();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: f64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "" | "b" => 1.0,
        "kb" | "k" | "kib" => 1e3,
        "mb" | "m" | "mib" => 1e6,
        "gb" | "g" | "gib" => 1e9,
        "tb" | "t" | "tib" => 1e12,
        _ => return None,
    };
    Some((num * mult) as u64)
}

fn machine_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Settings that only tune performance or verification: `SET` / `PRAGMA` of them is a
/// no-op for the runner.
const PERFORMANCE_SETTINGS: &[&str] = &[
    "threads",
    "worker_threads",
    "external_threads",
    "debug_force_external",
    "debug_force_no_cross_product",
    "debug_asof_iejoin",
    "debug_window_mode",
    "debug_verify_vector",
    "verify_parallelism",
    "verify_external",
    "verify_serializer",
    "verify_fetch_row",
    "disable_verification",
    "enable_verification",
    "disable_verify_external",
    "memory_limit",
    "max_memory",
    "temp_directory",
    "max_temp_directory_size",
    "preserve_insertion_order",
    "disabled_optimizers",
    "enable_optimizer",
    "disable_optimizer",
    "enable_profiling",
    "disable_profiling",
    "profiling_mode",
    "profiling_output",
    "profile_output",
    "profiling_renderer_settings",
    "enable_progress_bar",
    "disable_progress_bar",
    "enable_object_cache",
    "force_parallelism",
    "disable_force_parallelism",
    "checkpoint_threshold",
    "wal_autocheckpoint",
    "force_compression",
    "force_checkpoint",
    "perfect_ht_threshold",
    "partitioned_write_flush_threshold",
    "merge_join_threshold",
    "nested_loop_join_threshold",
    "prefer_range_joins",
    "ordered_aggregate_threshold",
    "pivot_filter_threshold",
    "streaming_buffer_size",
    "late_materialization_max_rows",
    "storage_compatibility_version",
    "immediate_transaction_mode",
];

/// The setting named by a single `SET` / `RESET` / `PRAGMA` statement (`PRAGMA name(..)`
/// calls are not settings), lower-cased, without a `session.` / `global.` scope.
fn setting_name(sql: &str) -> Option<String> {
    let text = strip_comments(sql);
    let text = text.trim().trim_end_matches(';').trim();
    if text.contains(';') {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let mut words = lower.split_whitespace();
    let keyword = words.next()?;
    let rest = lower[keyword.len()..].trim_start();
    let rest = match keyword {
        "set" | "reset" => rest
            .strip_prefix("session ")
            .or_else(|| rest.strip_prefix("global "))
            .or_else(|| rest.strip_prefix("local "))
            .unwrap_or(rest),
        "pragma" => rest,
        _ => return None,
    };
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    // `PRAGMA f(..)` calls and the pragmas that only show something are statements.
    const SHOWING_PRAGMAS: &[&str] = &[
        "show_tables",
        "show_tables_expanded",
        "show_databases",
        "database_list",
        "database_size",
        "version",
        "platform",
        "functions",
        "collations",
        "storage_info",
        "metadata_info",
        "user_agent",
    ];
    if keyword == "pragma"
        && (rest[end..].trim_start().starts_with('(') || SHOWING_PRAGMAS.contains(&&rest[..end]))
    {
        return None;
    }
    let name = name.rsplit('.').next().unwrap_or(name);
    (!name.is_empty()).then(|| name.to_string())
}

fn strip_comments(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a statement changes state (anything but a query), so that its failure can
/// break the records after it.
fn is_setup(sql: &str) -> bool {
    let text = strip_comments(sql);
    let first = text
        .trim_start()
        .trim_start_matches('(')
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or("");
    !matches!(
        first.to_ascii_lowercase().as_str(),
        "select"
            | "with"
            | "from"
            | "values"
            | "table"
            | "explain"
            | "describe"
            | "desc"
            | "show"
            | "summarize"
            | "pivot"
            | "unpivot"
            | "call"
    )
}

/// Whether an error message is the expected one: a substring, `<REGEX>:re` (the whole
/// message matches) or `<!REGEX>:re` (it does not). An empty expectation takes any error.
fn error_matches(expected: &str, message: &str) -> bool {
    let expected = expected.trim();
    if expected.is_empty() {
        return true;
    }
    if let Some(re) = expected.strip_prefix("<REGEX>:") {
        return full_match(re, message);
    }
    if let Some(re) = expected.strip_prefix("<!REGEX>:") {
        return !full_match(re, message);
    }
    message.contains(expected)
}

fn test_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quiver-slt-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the panic hook with one that prints nothing and keeps the message and
/// location, which the runner puts in the record's outcome. For the `quiver-slt`
/// binary, where a panic is a counted outcome rather than news.
pub fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(m) = LAST_PANIC.lock().ok().and_then(|mut l| l.take()) {
        return m;
    }
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings() {
        assert_eq!(setting_name("PRAGMA threads=4"), Some("threads".into()));
        assert_eq!(
            setting_name("SET GLOBAL threads = 8;"),
            Some("threads".into())
        );
        assert_eq!(
            setting_name("pragma verify_parallelism"),
            Some("verify_parallelism".into())
        );
        assert_eq!(setting_name("PRAGMA table_info('t')"), None);
        assert_eq!(setting_name("PRAGMA show_tables"), None);
        assert_eq!(setting_name("SELECT 1"), None);
        assert_eq!(
            setting_name("SET scalar_subquery_error_on_multiple_rows=false"),
            Some("scalar_subquery_error_on_multiple_rows".into())
        );
    }

    #[test]
    fn errors_and_setup() {
        assert!(error_matches("", "anything"));
        assert!(error_matches("Binder Error", "Binder Error: column x"));
        assert!(error_matches(
            "<REGEX>:.*column.*not found.*",
            "Binder Error: column x\nnot found"
        ));
        assert!(!error_matches("<REGEX>:column", "Binder Error: column"));
        assert!(error_matches("<!REGEX>:.*Internal.*", "Binder Error"));
        assert!(is_setup("CREATE TABLE t(i INT)"));
        assert!(is_setup("-- c\nINSERT INTO t VALUES (1)"));
        assert!(!is_setup("(SELECT 1)"));
        assert!(!is_setup("with x as (select 1) select * from x"));
        assert_eq!(parse_bytes("8gb"), Some(8_000_000_000));
    }
}
