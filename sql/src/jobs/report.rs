//! The run report: what a job run did, step by step, as JSON for monitoring (written to
//! `_quiver/runs/<job>-<timestamp>.json` beside the outputs, or `--report PATH`).
//!
//! ```json
//! {
//!   "job": "nightly_revenue", "run_id": "nightly_revenue-20250131T020000Z",
//!   "status": "succeeded", "reason": null, "started_at": "...", "duration_ms": 412,
//!   "params": {"since": "1995-01-01"},
//!   "steps": [{"name": "revenue", "status": "succeeded", "attempts": 1, "duration_ms": 35,
//!              "rows_in": 7500, "rows_out": 25, "bytes": 1840, "run_as": "materialized",
//!              "errors": [], ...}],
//!   "sinks": [{"name": "revenue_parquet", "status": "committed", "rows": 25, "bytes": 1303, ...}],
//!   "sources": [{"name": "orders", "files": 1, "bytes": 53829, "rows_read": 1500, ...}]
//! }
//! ```

use std::path::{Path, PathBuf};

use quiver_engine::io::StagedOutput;
use quiver_engine::pipeline::timing::rfc3339;
use quiver_engine::pipeline::{Outcome, TimingRecord};
use quiver_engine::{Error, Result};
use serde_json::Value;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every step ran and every sink was committed (or skipped as asked).
    Succeeded,
    /// A step or sink failed; no sink was committed.
    Failed,
    /// Ctrl-C (or the caller's cancel flag) stopped it; no sink was committed.
    Cancelled,
}

impl RunStatus {
    /// `succeeded`, `failed` or `cancelled`.
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }
}

/// One failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptError {
    /// The attempt (1-based).
    pub attempt: u32,
    /// The error category (`Io`, `Syntax`, ...).
    pub category: String,
    /// The message.
    pub message: String,
    /// Whether another attempt followed.
    pub retried: bool,
}

impl AttemptError {
    /// The record of `error` on `attempt`.
    pub fn new(attempt: u32, error: &Error, retried: bool) -> Self {
        Self {
            attempt,
            category: error.category().to_string(),
            message: error.to_string(),
            retried,
        }
    }
}

/// What a source was.
#[derive(Debug, Clone)]
pub struct SourceReport {
    /// Its name.
    pub name: String,
    /// The path read (resolved).
    pub path: String,
    /// The format, once opened.
    pub format: Option<String>,
    /// Files matched, once opened.
    pub files: Option<usize>,
    /// Their bytes, once opened.
    pub bytes: Option<u64>,
    /// Rows scanned by all steps.
    pub rows_read: u64,
    /// `opened`, `unused` (no step needed it) or `not_opened` (the job stopped first).
    pub status: String,
}

/// What a step did.
#[derive(Debug, Clone)]
pub struct StepReport {
    /// Name, start, duration, attempts and outcome.
    pub timing: TimingRecord,
    /// `materialized` (ran on its own) or `fused` (inlined into the plans of `fused_into`).
    pub run_as: &'static str,
    /// Why it runs that way.
    pub why: String,
    /// For a fused step, the steps whose plans include it.
    pub fused_into: Vec<String>,
    /// For a materialized step, the fused steps its plan includes.
    pub includes: Vec<String>,
    /// Rows scanned from sources and materialized steps (materialized steps only).
    pub rows_in: Option<u64>,
    /// Rows produced (materialized steps only).
    pub rows_out: Option<u64>,
    /// Bytes of the result held in memory (materialized steps only).
    pub bytes: Option<u64>,
    /// Every failed attempt.
    pub errors: Vec<AttemptError>,
    /// Why it did not run, when skipped.
    pub skip_reason: Option<String>,
}

/// What a sink did.
#[derive(Debug, Clone)]
pub struct SinkReport {
    /// Name, start, duration (of the write), attempts and outcome.
    pub timing: TimingRecord,
    /// `committed`, `skipped`, `failed`, `discarded` (written, but the job did not
    /// succeed) or `not_run`.
    pub status: String,
    /// The step written.
    pub from: String,
    /// The destination.
    pub path: String,
    /// The format written.
    pub format: String,
    /// The mode.
    pub mode: String,
    /// Files written (inside the destination, for partitioned output).
    pub files: Vec<String>,
    /// Rows written (for `append`, the whole result).
    pub rows: Option<u64>,
    /// Bytes written.
    pub bytes: Option<u64>,
    /// Every failed attempt.
    pub errors: Vec<AttemptError>,
    /// Why it was skipped or not run.
    pub skip_reason: Option<String>,
}

/// Everything about one run of a job.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The job's name.
    pub job: String,
    /// The job file.
    pub job_file: String,
    /// `<job>-<UTC timestamp>`.
    pub run_id: String,
    /// How it ended.
    pub status: RunStatus,
    /// The one-line reason when it did not succeed.
    pub reason: Option<String>,
    /// The whole run's timing.
    pub timing: TimingRecord,
    /// Parameter values used.
    pub params: Vec<(String, String)>,
    /// Per source.
    pub sources: Vec<SourceReport>,
    /// Per step, in file order.
    pub steps: Vec<StepReport>,
    /// Per sink, in file order.
    pub sinks: Vec<SinkReport>,
    /// Where the report was written, once written.
    pub report_path: Option<PathBuf>,
}

fn ms(record: &TimingRecord) -> u64 {
    record.duration.as_millis() as u64
}

/// JSON with keys in the order written (serde_json's map sorts them), so a report reads
/// top-down: status first, details after.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// An object, keys in order.
    Object(Vec<(String, Json)>),
    /// An array.
    Array(Vec<Json>),
    /// A string, number, boolean or null.
    Scalar(Value),
}

impl Json {
    fn object(fields: Vec<(&str, Json)>) -> Self {
        Json::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// As a `serde_json` value (keys sorted).
    pub fn to_value(&self) -> Value {
        match self {
            Json::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Scalar(v) => v.clone(),
        }
    }

    /// Pretty-printed with two-space indentation.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(0, &mut out);
        out
    }

    fn write(&self, depth: usize, out: &mut String) {
        let pad = |d: usize| "  ".repeat(d);
        match self {
            Json::Scalar(v) => out.push_str(&v.to_string()),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    item.write(depth + 1, out);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(depth));
                out.push(']');
            }
            Json::Object(fields) => {
                out.push_str("{\n");
                for (i, (key, value)) in fields.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push_str(": ");
                    value.write(depth + 1, out);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(depth));
                out.push('}');
            }
        }
    }
}

fn scalar(v: impl Into<Value>) -> Json {
    Json::Scalar(v.into())
}

fn strings(items: &[String]) -> Json {
    Json::Array(items.iter().map(|s| scalar(s.as_str())).collect())
}

fn errors_json(errors: &[AttemptError]) -> Json {
    Json::Array(
        errors
            .iter()
            .map(|e| {
                Json::object(vec![
                    ("attempt", scalar(e.attempt)),
                    ("category", scalar(e.category.as_str())),
                    ("message", scalar(e.message.as_str())),
                    ("retried", scalar(e.retried)),
                ])
            })
            .collect(),
    )
}

fn started(record: &TimingRecord) -> Json {
    if record.outcome == Outcome::Skipped {
        scalar(Value::Null)
    } else {
        scalar(record.started_at_rfc3339())
    }
}

impl RunReport {
    /// The report as ordered JSON.
    pub fn to_json(&self) -> Json {
        let finished = self.timing.started_at + self.timing.duration;
        let params = Json::Object(
            self.params
                .iter()
                .map(|(k, v)| (k.clone(), scalar(v.as_str())))
                .collect(),
        );
        let sources = self
            .sources
            .iter()
            .map(|s| {
                Json::object(vec![
                    ("name", scalar(s.name.as_str())),
                    ("status", scalar(s.status.as_str())),
                    ("path", scalar(s.path.as_str())),
                    ("format", scalar(s.format.clone())),
                    ("files", scalar(s.files)),
                    ("bytes", scalar(s.bytes)),
                    ("rows_read", scalar(s.rows_read)),
                ])
            })
            .collect();
        let steps = self
            .steps
            .iter()
            .map(|s| {
                Json::object(vec![
                    ("name", scalar(s.timing.name.as_str())),
                    ("status", scalar(s.timing.outcome.name())),
                    ("attempts", scalar(s.timing.attempts)),
                    ("started_at", started(&s.timing)),
                    ("duration_ms", scalar(ms(&s.timing))),
                    ("rows_in", scalar(s.rows_in)),
                    ("rows_out", scalar(s.rows_out)),
                    ("bytes", scalar(s.bytes)),
                    ("run_as", scalar(s.run_as)),
                    ("why", scalar(s.why.as_str())),
                    ("includes", strings(&s.includes)),
                    ("fused_into", strings(&s.fused_into)),
                    ("errors", errors_json(&s.errors)),
                    ("skip_reason", scalar(s.skip_reason.clone())),
                ])
            })
            .collect();
        let sinks = self
            .sinks
            .iter()
            .map(|s| {
                Json::object(vec![
                    ("name", scalar(s.timing.name.as_str())),
                    ("status", scalar(s.status.as_str())),
                    ("from", scalar(s.from.as_str())),
                    ("path", scalar(s.path.as_str())),
                    ("format", scalar(s.format.as_str())),
                    ("mode", scalar(s.mode.as_str())),
                    ("attempts", scalar(s.timing.attempts)),
                    ("started_at", started(&s.timing)),
                    ("duration_ms", scalar(ms(&s.timing))),
                    ("rows", scalar(s.rows)),
                    ("bytes", scalar(s.bytes)),
                    ("files", strings(&s.files)),
                    ("errors", errors_json(&s.errors)),
                    ("skip_reason", scalar(s.skip_reason.clone())),
                ])
            })
            .collect();
        Json::object(vec![
            ("job", scalar(self.job.as_str())),
            ("run_id", scalar(self.run_id.as_str())),
            ("status", scalar(self.status.name())),
            ("reason", scalar(self.reason.clone())),
            ("started_at", scalar(self.timing.started_at_rfc3339())),
            ("finished_at", scalar(rfc3339(finished))),
            ("duration_ms", scalar(ms(&self.timing))),
            ("job_file", scalar(self.job_file.as_str())),
            ("params", params),
            ("steps", Json::Array(steps)),
            ("sinks", Json::Array(sinks)),
            ("sources", Json::Array(sources)),
        ])
    }

    /// Writes the report as pretty JSON to `path`, atomically (creating its folder).
    pub fn write(&mut self, path: &Path) -> Result<()> {
        let text = self.to_json().pretty();
        let staged = StagedOutput::new(path)?;
        std::fs::write(staged.path(), text + "\n")
            .map_err(|e| Error::io(format!("writing the run report {}", path.display()), e))?;
        staged.commit()?;
        self.report_path = Some(path.to_path_buf());
        Ok(())
    }

    /// Every timing record of the run: steps, then sinks (for the Python package's
    /// timing log).
    pub fn timings(&self) -> Vec<TimingRecord> {
        self.steps
            .iter()
            .map(|s| s.timing.clone())
            .chain(self.sinks.iter().map(|s| s.timing.clone()))
            .collect()
    }
}
