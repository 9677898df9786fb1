//! `qv.run_job(path, params=...)`: runs a job file with the same runner as `quiver run`,
//! forwarding its events to Python's `logging` (logger `quiver.job`) and adding the job's
//! and its steps' timing records to `qv.timings()`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyType;
use quiver_engine::pipeline::format_duration;
use quiver_sql::jobs::{run_job, Event, Job, JobError, Observer, RunOptions, RunReport};

use crate::pipeline::TIMINGS;

/// Python's `logging` levels.
const INFO: i32 = 20;
const WARNING: i32 = 30;

/// Sends job events to the `quiver.job` logger.
struct Logging;

impl Logging {
    fn log(level: i32, message: String) {
        Python::attach(|py| {
            // A failing log handler must not stop the job.
            let _ = py
                .import("logging")
                .and_then(|m| m.call_method1("getLogger", ("quiver.job",)))
                .and_then(|l| l.call_method1("log", (level, message)));
        });
    }
}

impl Observer for Logging {
    fn on_event(&self, event: &Event<'_>) {
        match event {
            Event::JobStarted { job, steps, sinks } => {
                Self::log(INFO, format!("job {job}: {steps} steps, {sinks} sinks"))
            }
            Event::StepFinished(s) => {
                let rows = s
                    .rows_out
                    .map(|r| format!(", {r} rows"))
                    .unwrap_or_default();
                Self::log(
                    INFO,
                    format!(
                        "step {} {} in {}{rows}",
                        s.timing.name,
                        s.timing.outcome.name(),
                        format_duration(s.timing.duration)
                    ),
                )
            }
            Event::AttemptFailed {
                kind,
                name,
                attempt,
                attempts,
                error,
                retry_in,
            } => {
                let next = match retry_in {
                    Some(wait) => format!("retrying in {}", format_duration(*wait)),
                    None => "giving up".to_string(),
                };
                Self::log(
                    WARNING,
                    format!(
                        "{kind} {name} failed (attempt {attempt} of {attempts}): {error}; {next}"
                    ),
                )
            }
            Event::SinkFinished(s) => Self::log(
                INFO,
                format!("sink {} {} ({})", s.timing.name, s.status, s.path),
            ),
            Event::Committed { sinks } => Self::log(INFO, format!("{sinks} outputs committed")),
            _ => {}
        }
    }
}

/// Raises `quiver.exceptions.JobError` with every problem of an invalid job.
fn job_error(e: &JobError) -> PyErr {
    let message = e.to_string();
    Python::attach(|py| {
        match py
            .import("quiver.exceptions")
            .and_then(|m| m.getattr("JobError"))
            .and_then(|c| c.cast_into::<PyType>().map_err(PyErr::from))
        {
            Ok(class) => PyErr::from_type(class, message),
            Err(_) => pyo3::exceptions::PyValueError::new_err(message),
        }
    })
}

/// Adds the run and its steps to the process's timing records (`qv.timings()`), named
/// `<job>` and `<job>.<step>`.
fn record_timings(report: &RunReport) {
    let mut run = report.timing.clone();
    run.name = report.job.clone();
    for step in &report.steps {
        let mut record = step.timing.clone();
        record.name = format!("{}.{}", report.job, record.name);
        TIMINGS.push(record);
    }
    TIMINGS.push(run);
}

/// Runs the job file at `path`: `(status, reason, report JSON, report path)`. Invalid jobs
/// raise `JobError` before anything runs; Ctrl-C stops the run (nothing is committed) and
/// raises `KeyboardInterrupt`.
#[pyfunction]
#[pyo3(signature = (path, params=None, threads=None, report=None, write_report=true))]
pub fn run_job_file(
    py: Python<'_>,
    path: PathBuf,
    params: Option<HashMap<String, String>>,
    threads: Option<usize>,
    report: Option<PathBuf>,
    write_report: bool,
) -> PyResult<(String, Option<String>, String, Option<String>)> {
    let mut params: Vec<(String, String)> = params.unwrap_or_default().into_iter().collect();
    params.sort();
    let job = Job::load(Path::new(&path), &params).map_err(|e| job_error(&e))?;
    let cancel = Arc::new(AtomicBool::new(false));
    let options = RunOptions {
        threads,
        report,
        write_report,
        cancel: cancel.clone(),
    };
    let report = crate::run::run_cancellable(
        py,
        move || cancel.store(true, Ordering::SeqCst),
        move || Ok(run_job(&job, &options, &Logging)),
    )?;
    record_timings(&report);
    Ok((
        report.status.name().to_string(),
        report.reason.clone(),
        report.to_json().pretty(),
        report.report_path.as_ref().map(|p| p.display().to_string()),
    ))
}
