//! Batch pipeline jobs: `quiver run job.toml`.
//!
//! A job file names its parameters, its sources (files registered as tables), SQL steps
//! that read sources and each other by name, and sinks that write step results. A run
//! validates the whole file first (every problem with its line), then runs the steps as
//! few optimized plans as it can, retries transient failures, commits every output
//! atomically only when all of them were written, and writes a JSON report.
//!
//! One concept per module: [`spec`] (the file's shape), [`parse`] (TOML to spec),
//! [`problems`] (line-numbered errors), [`params`] (`${key}`), [`graph`] (references,
//! order, fusion), [`validate`] (all checks, giving a [`Job`]), [`sources`], [`counting`]
//! (rows read), [`execute`] (timeouts and Ctrl-C), [`sinks`], [`runner`], [`report`],
//! [`events`] and [`progress`] (what the user sees), [`explain`] (`--dry-run`) and [`cli`].
//!
//! The retry policy and timing records come from `quiver_engine::pipeline`, shared with
//! the Python package; [`run_job_file`] is the entry point it calls for
//! `qv.run_job(path, params=...)`.

pub mod cli;
pub mod counting;
pub mod events;
pub mod execute;
pub mod explain;
pub mod graph;
pub mod params;
pub mod parse;
pub mod problems;
pub mod progress;
pub mod report;
pub mod runner;
pub mod sinks;
pub mod sources;
pub mod spec;
pub mod validate;

use std::path::Path;

pub use events::{Event, Observer, Silent};
pub use problems::{JobError, Problem};
pub use report::{RunReport, RunStatus};
pub use runner::{run_job, RunOptions};
pub use validate::Job;

/// Loads the job file at `path` with parameter overrides and runs it: the report, or the
/// job's problems when it is invalid (then nothing ran).
pub fn run_job_file(
    path: &Path,
    params: &[(String, String)],
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<RunReport, JobError> {
    let job = Job::load(path, params)?;
    Ok(run_job(&job, options, observer))
}
