//! Runs a validated [`Job`]: opens sources when a step first needs them, runs the
//! materialized steps in dependency order (each one a single optimized plan that inlines
//! its fused steps, see [`graph`](super::graph)), retries transient failures per the
//! step's policy, stages each sink's output beside its destination, and moves every staged
//! output into place only when all steps and writes succeeded. A failure or Ctrl-C leaves
//! the previous outputs as they were, and the report says what happened.
//!
//! Before any step runs, sinks are checked against their destinations: `error_if_exists`
//! fails the job at once, `ignore` skips the sink, and steps needed only by skipped sinks
//! are skipped too (so re-running a finished job with `ignore` sinks does no work).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::exec::SessionConfig;
use quiver_engine::io::MemoryTable;
use quiver_engine::pipeline::timing::compact_timestamp;
use quiver_engine::pipeline::{Outcome, RetryPolicy, Timer, TimingRecord};
use quiver_engine::{Error, Result, Session};

use crate::jobs::counting::CountingSource;
use crate::jobs::events::{Event, Observer};
use crate::jobs::execute::run_limited;
use crate::jobs::report::{
    AttemptError, RunReport, RunStatus, SinkReport, SourceReport, StepReport,
};
use crate::jobs::sinks::{destination_exists, stage_sink, StagedSink};
use crate::jobs::sources::open_source;
use crate::jobs::spec::SinkMode;
use crate::jobs::validate::Job;
use crate::planner::SqlPlanner;
use crate::SqlContext;

/// The reason of a cancelled run.
const CANCELLED: &str = "stopped on request (Ctrl-C); nothing was committed";

/// How to run a job.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Where to write the report (default: see [`Job::report_path`]).
    pub report: Option<PathBuf>,
    /// Whether to write the report file at all.
    pub write_report: bool,
    /// Raised to stop the run (Ctrl-C); nothing is committed after it is raised.
    pub cancel: Arc<AtomicBool>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            threads: None,
            report: None,
            write_report: true,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// A session for a job's SQL.
pub fn job_context(threads: Option<usize>) -> Result<SqlContext> {
    let defaults = SessionConfig::default();
    let config = SessionConfig {
        threads: threads.unwrap_or(defaults.threads),
        ..defaults
    };
    Ok(SqlContext::new(Session::try_new(config)?))
}

/// Runs `job`, reporting progress to `observer`; the report says how it went (and is
/// written to its file unless `options.write_report` is off).
pub fn run_job(job: &Job, options: &RunOptions, observer: &dyn Observer) -> RunReport {
    let timer = Timer::start(job.spec.name.clone());
    let run_id = format!(
        "{}-{}",
        job.spec.name,
        compact_timestamp(timer.started_at())
    );
    let mut run = match job_context(options.threads) {
        Ok(ctx) => Runner::new(job, ctx, options, observer),
        Err(e) => {
            let mut report = empty_report(job, &run_id, timer);
            report.reason = Some(format!("cannot start the query engine: {e}"));
            return report;
        }
    };
    let (status, reason) = run.execute();
    let mut report = RunReport {
        job: job.spec.name.clone(),
        job_file: job.file.display().to_string(),
        run_id: run_id.clone(),
        status,
        reason,
        timing: TimingRecord::skipped(""),
        params: job.params.values().to_vec(),
        sources: run.source_reports(),
        steps: run.steps.into_inner(),
        sinks: run.sinks,
        report_path: None,
    };
    let outcome = match status {
        RunStatus::Succeeded => Outcome::Succeeded,
        RunStatus::Cancelled => Outcome::Cancelled,
        RunStatus::Failed => Outcome::Failed {
            category: "Job".into(),
            message: report.reason.clone().unwrap_or_default(),
        },
    };
    report.timing = timer.finish(1, outcome);
    if options.write_report {
        let path = job.report_path(
            options.report.as_deref(),
            &unique_run_id(job, options, &run_id),
        );
        if let Err(e) = report.write(&path) {
            let note = format!("cannot write the run report: {e}");
            report.reason = Some(match report.reason.take() {
                Some(r) => format!("{r}; {note}"),
                None => note,
            });
        }
    }
    observer.on_event(&Event::JobFinished(&report));
    report
}

/// The run id, with `-2`, `-3`, ... when a report of that name exists already (two runs in
/// one second).
fn unique_run_id(job: &Job, options: &RunOptions, run_id: &str) -> String {
    if options.report.is_some() || job.spec.report.is_some() {
        return run_id.to_string();
    }
    let mut candidate = run_id.to_string();
    let mut n = 1;
    while job.report_path(None, &candidate).exists() {
        n += 1;
        candidate = format!("{run_id}-{n}");
    }
    candidate
}

fn empty_report(job: &Job, run_id: &str, timer: Timer) -> RunReport {
    RunReport {
        job: job.spec.name.clone(),
        job_file: job.file.display().to_string(),
        run_id: run_id.to_string(),
        status: RunStatus::Failed,
        reason: None,
        timing: timer.finish(0, Outcome::Skipped),
        params: job.params.values().to_vec(),
        sources: vec![],
        steps: vec![],
        sinks: vec![],
        report_path: None,
    }
}

/// The state of a source during a run.
struct SourceState {
    opened: bool,
    rows: Arc<AtomicU64>,
    report: SourceReport,
}

/// A materialized step's result, kept while steps or sinks still need it.
struct Materialized {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

/// A step attempt's failure: the error, and the fused step it belongs to (if not the
/// materialized step itself).
struct StepFailure {
    step: Option<String>,
    error: Error,
}

struct Runner<'a> {
    job: &'a Job,
    ctx: SqlContext,
    options: &'a RunOptions,
    observer: &'a dyn Observer,
    sources: RefCell<Vec<SourceState>>,
    steps: RefCell<Vec<StepReport>>,
    sinks: Vec<SinkReport>,
    staged: Vec<Option<StagedSink>>,
    results: HashMap<usize, Materialized>,
    /// For each materialized step, counters of the tables it reads.
    step_counters: HashMap<usize, Arc<AtomicU64>>,
}

impl<'a> Runner<'a> {
    fn new(
        job: &'a Job,
        ctx: SqlContext,
        options: &'a RunOptions,
        observer: &'a dyn Observer,
    ) -> Self {
        let g = &job.graph;
        let name = |i: usize| job.spec.steps[i].name.clone();
        let steps = job
            .spec
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepReport {
                timing: TimingRecord::skipped(s.name.clone()),
                run_as: if g.materialized[i] {
                    "materialized"
                } else {
                    "fused"
                },
                why: g.why[i].clone(),
                fused_into: g.fused_into[i].iter().map(|&j| name(j)).collect(),
                includes: if g.materialized[i] {
                    g.fused_members(i).into_iter().map(name).collect()
                } else {
                    vec![]
                },
                rows_in: None,
                rows_out: None,
                bytes: None,
                errors: vec![],
                skip_reason: None,
            })
            .collect();
        let sinks = job
            .spec
            .sinks
            .iter()
            .zip(&job.sink_paths)
            .zip(&job.sink_formats)
            .map(|((s, path), format)| SinkReport {
                timing: TimingRecord::skipped(s.name.clone()),
                status: "not_run".into(),
                from: s.from.clone(),
                path: path.display().to_string(),
                format: format.name().to_string(),
                mode: s.mode.name().to_string(),
                files: vec![],
                rows: None,
                bytes: None,
                errors: vec![],
                skip_reason: None,
            })
            .collect();
        let sources = job
            .spec
            .sources
            .iter()
            .zip(&job.source_paths)
            .map(|(s, path)| SourceState {
                opened: false,
                rows: Arc::new(AtomicU64::new(0)),
                report: SourceReport {
                    name: s.name.clone(),
                    path: path.display().to_string(),
                    format: s.format.map(|f| f.name().to_string()),
                    files: None,
                    bytes: None,
                    rows_read: 0,
                    status: "unused".into(),
                },
            })
            .collect();
        Self {
            job,
            ctx,
            options,
            observer,
            sources: RefCell::new(sources),
            steps: RefCell::new(steps),
            sinks,
            staged: job.spec.sinks.iter().map(|_| None).collect(),
            results: HashMap::new(),
            step_counters: HashMap::new(),
        }
    }

    fn cancelled(&self) -> bool {
        self.options.cancel.load(Ordering::SeqCst)
    }

    fn source_reports(&self) -> Vec<SourceReport> {
        let steps_ran = self
            .steps
            .borrow()
            .iter()
            .any(|s| s.timing.outcome != Outcome::Skipped);
        self.sources
            .borrow()
            .iter()
            .map(|s| {
                let mut r = s.report.clone();
                r.rows_read = s.rows.load(Ordering::Relaxed);
                if !s.opened && r.status == "unused" && steps_ran {
                    r.status = "not_opened".into();
                }
                r
            })
            .collect()
    }

    /// Runs everything; returns the status and the one-line reason.
    fn execute(&mut self) -> (RunStatus, Option<String>) {
        let job = self.job;
        let g = &job.graph;
        let active = match self.check_destinations() {
            Ok(active) => active,
            Err(reason) => {
                self.skip_remaining("the job stopped before running (a destination check failed)");
                return (RunStatus::Failed, Some(reason));
            }
        };
        let needed = self.needed_steps(&active);
        let to_run: Vec<usize> = g
            .order
            .iter()
            .copied()
            .filter(|&i| g.materialized[i] && needed[i])
            .collect();
        self.observer.on_event(&Event::JobStarted {
            job: &job.spec.name,
            steps: to_run.len(),
            sinks: active.iter().filter(|a| **a).count(),
        });
        // Materialized results are dropped once their last reader has run.
        let mut readers_left: Vec<usize> = vec![0; job.spec.steps.len()];
        for &i in &to_run {
            for j in g.materialized_inputs_of(i) {
                readers_left[j] += 1;
            }
        }

        let mut outcome = (RunStatus::Succeeded, None);
        for &i in &to_run {
            if self.cancelled() {
                outcome = (RunStatus::Cancelled, Some(CANCELLED.into()));
                break;
            }
            if let Err(status) = self.run_step(i) {
                outcome = status;
                break;
            }
            for (k, sink) in job.spec.sinks.iter().enumerate() {
                if !active[k] || !sink.from.eq_ignore_ascii_case(&job.spec.steps[i].name) {
                    continue;
                }
                if let Err(status) = self.run_sink(k, i) {
                    outcome = status;
                    break;
                }
            }
            if outcome.0 != RunStatus::Succeeded {
                break;
            }
            for j in g.materialized_inputs_of(i) {
                readers_left[j] -= 1;
                if readers_left[j] == 0 {
                    self.release(j);
                }
            }
            if readers_left[i] == 0 {
                self.release(i);
            }
        }
        if outcome.0 == RunStatus::Succeeded && self.cancelled() {
            outcome = (RunStatus::Cancelled, Some(CANCELLED.into()));
        }
        let why_skipped = match outcome.0 {
            RunStatus::Succeeded => "not needed: every sink it feeds is skipped",
            RunStatus::Failed => "not run: an earlier step or sink failed",
            RunStatus::Cancelled => "not run: the job was cancelled",
        };
        self.skip_remaining(why_skipped);
        if outcome.0 == RunStatus::Succeeded {
            if let Err((status, reason)) = self.commit() {
                outcome = (status, Some(reason));
            }
        }
        self.discard_staged(match outcome.0 {
            RunStatus::Cancelled => "the job was cancelled",
            _ => "the job failed",
        });
        outcome
    }

    /// Applies the sinks' modes to existing destinations: the active sinks, or the reason
    /// the job cannot run.
    fn check_destinations(&mut self) -> std::result::Result<Vec<bool>, String> {
        let mut active = vec![true; self.sinks.len()];
        for (k, sink) in self.job.spec.sinks.iter().enumerate() {
            let dest = &self.job.sink_paths[k];
            if !destination_exists(dest) {
                continue;
            }
            match sink.mode {
                SinkMode::Ignore => {
                    active[k] = false;
                    self.sinks[k].status = "skipped".into();
                    self.sinks[k].skip_reason = Some(format!(
                        "{} exists and the mode is `ignore`",
                        dest.display()
                    ));
                    self.observer.on_event(&Event::SinkFinished(&self.sinks[k]));
                }
                SinkMode::ErrorIfExists => {
                    let message = format!(
                        "sink `{}`: {} already exists (mode `error_if_exists`); remove it or \
                         use mode = \"overwrite\"",
                        sink.name,
                        dest.display()
                    );
                    self.sinks[k].status = "failed".into();
                    self.sinks[k].timing.outcome = Outcome::Failed {
                        category: "Io".into(),
                        message: message.clone(),
                    };
                    return Err(message);
                }
                SinkMode::Overwrite | SinkMode::Append => {}
            }
        }
        Ok(active)
    }

    /// Steps worth running: those read by a needed step, written by an active sink, or
    /// read by nothing at all (checks).
    fn needed_steps(&self, active: &[bool]) -> Vec<bool> {
        let g = &self.job.graph;
        let mut needed = vec![false; self.job.spec.steps.len()];
        for &i in g.order.iter().rev() {
            let by_sinks = g.sink_readers[i].iter().any(|&k| active[k]);
            let by_steps = g.step_readers[i].iter().any(|&r| needed[r]);
            let check = g.sink_readers[i].is_empty() && g.step_readers[i].is_empty();
            needed[i] = by_sinks || by_steps || check;
        }
        needed
    }

    fn policy_of(&self, own: &Option<RetryPolicy>) -> RetryPolicy {
        own.clone()
            .or_else(|| self.job.spec.retry.clone())
            .unwrap_or_default()
    }

    /// Runs one materialized step (with its fused steps) under its retry policy.
    fn run_step(&mut self, i: usize) -> std::result::Result<(), (RunStatus, Option<String>)> {
        let job = self.job;
        let step = &job.spec.steps[i];
        let members = job.graph.fused_members(i);
        let policy = self.policy_of(&step.retry);
        let timeout = step.timeout.or(job.spec.timeout);
        let includes = self.steps.borrow()[i].includes.clone();
        self.observer.on_event(&Event::StepStarted {
            name: &step.name,
            includes: &includes,
        });
        let timer = Timer::start(step.name.clone());
        let mut errors = vec![];
        let cancelled = || self.cancelled();
        let retried = policy.run_with(
            &cancelled,
            |f: &StepFailure| policy.retries(&f.error),
            |f| {
                errors.push(AttemptError::new(
                    f.attempt,
                    &f.error.error,
                    f.retry_in.is_some(),
                ));
                self.observer.on_event(&Event::AttemptFailed {
                    kind: "step",
                    name: f.error.step.as_deref().unwrap_or(&step.name),
                    attempt: f.attempt,
                    attempts: policy.attempts,
                    error: &f.error.error,
                    retry_in: f.retry_in,
                });
            },
            |_attempt| self.attempt_step(i, &members, timeout),
        );
        let attempts = retried.attempts;
        let result = match retried.result {
            Ok(out) => Ok(out),
            Err(f) if retried.cancelled => Err(StepFailure {
                step: f.step,
                error: Error::Cancelled,
            }),
            Err(f) => Err(f),
        };
        match result {
            Ok((materialized, rows_in)) => {
                let rows_out: u64 = materialized
                    .batches
                    .iter()
                    .map(|b| b.num_rows() as u64)
                    .sum();
                let bytes: u64 = materialized
                    .batches
                    .iter()
                    .map(|b| b.get_array_memory_size() as u64)
                    .sum();
                let record = timer.finish(attempts, Outcome::Succeeded);
                {
                    let mut steps = self.steps.borrow_mut();
                    for &m in &members {
                        steps[m].timing = TimingRecord {
                            name: steps[m].timing.name.clone(),
                            ..record.clone()
                        };
                    }
                    let r = &mut steps[i];
                    r.timing = record;
                    r.rows_in = Some(rows_in);
                    r.rows_out = Some(rows_out);
                    r.bytes = Some(bytes);
                    r.errors = errors;
                }
                if let Err(e) = self.register_result(i, &materialized) {
                    return Err((
                        RunStatus::Failed,
                        Some(format!("step `{}`: {e}", step.name)),
                    ));
                }
                self.results.insert(i, materialized);
                let steps = self.steps.borrow();
                for &m in &members {
                    self.observer.on_event(&Event::StepFinished(&steps[m]));
                }
                self.observer.on_event(&Event::StepFinished(&steps[i]));
                Ok(())
            }
            Err(failure) => {
                let cancelled = matches!(failure.error, Error::Cancelled);
                let outcome = Outcome::of_error(&failure.error);
                let record = timer.finish(attempts, outcome.clone());
                let culprit = failure.step.clone().unwrap_or_else(|| step.name.clone());
                {
                    // Fused steps share the outcome of the plan that includes them.
                    let mut steps = self.steps.borrow_mut();
                    for &m in &members {
                        let name = steps[m].timing.name.clone();
                        steps[m].timing = TimingRecord {
                            name,
                            ..record.clone()
                        };
                        if failure.step.as_deref() == Some(job.spec.steps[m].name.as_str()) {
                            steps[m].errors = errors.clone();
                        }
                    }
                    steps[i].timing = record;
                    steps[i].errors = errors;
                }
                let steps = self.steps.borrow();
                self.observer.on_event(&Event::StepFinished(&steps[i]));
                if cancelled {
                    return Err((RunStatus::Cancelled, Some(CANCELLED.into())));
                }
                let tries = if attempts == 1 {
                    "1 attempt".to_string()
                } else {
                    format!("{attempts} attempts")
                };
                Err((
                    RunStatus::Failed,
                    Some(format!(
                        "step `{culprit}` failed after {tries}: {}",
                        one_line(&crate::errors::describe(&failure.error))
                    )),
                ))
            }
        }
    }

    /// One attempt of a materialized step: open its sources, define its fused steps as
    /// views (checking that each plans), then plan and run its query.
    fn attempt_step(
        &self,
        i: usize,
        members: &[usize],
        timeout: Option<std::time::Duration>,
    ) -> std::result::Result<(Materialized, u64), StepFailure> {
        let job = self.job;
        let step = &job.spec.steps[i];
        let sources = job.graph.sources_of(i);
        let as_step = |error: Error| StepFailure { step: None, error };
        for &s in &sources {
            self.open(s).map_err(as_step)?;
        }
        {
            let mut views = self.ctx.views().write().unwrap_or_else(|e| e.into_inner());
            for &m in members {
                let s = &job.spec.steps[m];
                views.insert(s.name.to_lowercase(), s.sql.text.clone());
            }
        }
        let counters: Vec<Arc<AtomicU64>> = {
            let all = self.sources.borrow();
            sources
                .iter()
                .map(|&s| all[s].rows.clone())
                .chain(
                    job.graph
                        .materialized_inputs_of(i)
                        .iter()
                        .filter_map(|j| self.step_counters.get(j).cloned()),
                )
                .collect()
        };
        let before: u64 = counters.iter().map(|c| c.load(Ordering::Relaxed)).sum();
        let fused: Vec<(&str, &sqlparser::ast::Statement, &str)> = members
            .iter()
            .map(|&m| {
                let s = &job.spec.steps[m];
                (s.name.as_str(), &job.queries[m], s.sql.text.as_str())
            })
            .collect();
        let query = &job.queries[i];
        let sql = step.sql.text.as_str();
        let outcome = run_limited(
            &self.ctx,
            &format!("step `{}`", step.name),
            timeout,
            &self.options.cancel,
            |ctx| {
                for (name, stmt, text) in &fused {
                    if let Err(e) = SqlPlanner::new(ctx, text).plan_query_statement(stmt) {
                        return Ok(Err((name.to_string(), e)));
                    }
                }
                let plan = SqlPlanner::new(ctx, sql).plan_query_statement(query)?;
                let schema = plan.schema().to_arrow();
                let batches = ctx.session().execute(plan)?;
                Ok(Ok(Materialized { schema, batches }))
            },
        );
        let result = match outcome {
            Ok(Ok(m)) => Ok(m),
            Ok(Err((name, error))) => Err(StepFailure {
                step: Some(name),
                error,
            }),
            Err(error) => Err(as_step(error)),
        };
        match result {
            Ok(m) => {
                let after: u64 = counters.iter().map(|c| c.load(Ordering::Relaxed)).sum();
                Ok((m, after - before))
            }
            Err(f) => {
                if f.error.is_transient() {
                    // List the files again on the next attempt.
                    for &s in &sources {
                        self.close(s);
                    }
                }
                Err(f)
            }
        }
    }

    /// Opens source `s` (its files are listed now) unless it is open.
    fn open(&self, s: usize) -> Result<()> {
        if self.sources.borrow()[s].opened {
            return Ok(());
        }
        let spec = &self.job.spec.sources[s];
        let (source, info) = open_source(spec, &self.job.source_paths[s])?;
        let mut all = self.sources.borrow_mut();
        let state = &mut all[s];
        let counted = CountingSource::with_counter(source, None, state.rows.clone());
        self.ctx
            .session()
            .catalog()
            .register(&spec.name, Arc::new(counted));
        state.opened = true;
        state.report.status = "opened".into();
        state.report.format = Some(info.format.name().to_string());
        state.report.files = Some(info.files);
        state.report.bytes = Some(info.bytes);
        self.observer.on_event(&Event::SourceOpened(&state.report));
        Ok(())
    }

    fn close(&self, s: usize) {
        let mut all = self.sources.borrow_mut();
        if all[s].opened {
            self.ctx
                .session()
                .catalog()
                .deregister(&self.job.spec.sources[s].name);
            all[s].opened = false;
        }
    }

    /// Registers a materialized step's result as a table for the steps that read it.
    fn register_result(&mut self, i: usize, m: &Materialized) -> Result<()> {
        let name = &self.job.spec.steps[i].name;
        let rows: usize = m.batches.iter().map(|b| b.num_rows()).sum();
        let table = MemoryTable::try_new(m.schema.clone(), m.batches.clone())?;
        let counted = CountingSource::new(
            Arc::new(table),
            Some(format!("step `{name}` ({rows} rows in memory)")),
        );
        self.step_counters.insert(i, counted.counter());
        self.ctx
            .session()
            .catalog()
            .register(name, Arc::new(counted));
        Ok(())
    }

    /// Drops a materialized result no longer needed.
    fn release(&mut self, i: usize) {
        if self.results.remove(&i).is_some() {
            self.ctx
                .session()
                .catalog()
                .deregister(&self.job.spec.steps[i].name);
        }
    }

    /// Writes sink `k` from step `i`'s result into its staged output.
    fn run_sink(
        &mut self,
        k: usize,
        i: usize,
    ) -> std::result::Result<(), (RunStatus, Option<String>)> {
        let job = self.job;
        let sink = &job.spec.sinks[k];
        let Some(result) = self.results.get(&i) else {
            return Err((
                RunStatus::Failed,
                Some(format!(
                    "internal error: the result of step `{}` is gone",
                    sink.from
                )),
            ));
        };
        self.observer
            .on_event(&Event::SinkStarted { name: &sink.name });
        let policy = self.policy_of(&sink.retry);
        let timer = Timer::start(sink.name.clone());
        let mut errors = vec![];
        let observer = self.observer;
        let cancel = self.options.cancel.clone();
        let retried = policy.run(
            &|| cancel.load(Ordering::SeqCst),
            |f| {
                errors.push(AttemptError::new(f.attempt, f.error, f.retry_in.is_some()));
                observer.on_event(&Event::AttemptFailed {
                    kind: "sink",
                    name: &sink.name,
                    attempt: f.attempt,
                    attempts: policy.attempts,
                    error: f.error,
                    retry_in: f.retry_in,
                });
            },
            |_| {
                stage_sink(
                    sink,
                    &job.sink_paths[k],
                    job.sink_formats[k],
                    &result.schema,
                    &result.batches,
                )
            },
        );
        let attempts = retried.attempts;
        let report = &mut self.sinks[k];
        report.errors = errors;
        match retried.result {
            Ok(staged) => {
                report.timing = timer.finish(attempts, Outcome::Succeeded);
                report.status = "staged".into();
                report.files = staged
                    .files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect();
                report.rows = Some(staged.rows);
                report.bytes = Some(staged.bytes);
                self.staged[k] = Some(staged);
                observer.on_event(&Event::SinkFinished(&self.sinks[k]));
                Ok(())
            }
            Err(e) => {
                let e = if retried.cancelled {
                    Error::Cancelled
                } else {
                    e
                };
                report.timing = timer.finish(attempts, Outcome::of_error(&e));
                report.status = if matches!(e, Error::Cancelled) {
                    "cancelled".into()
                } else {
                    "failed".into()
                };
                observer.on_event(&Event::SinkFinished(&self.sinks[k]));
                if matches!(e, Error::Cancelled) {
                    return Err((RunStatus::Cancelled, Some(CANCELLED.into())));
                }
                Err((
                    RunStatus::Failed,
                    Some(format!(
                        "sink `{}` failed after {attempts} attempt{}: {}",
                        sink.name,
                        if attempts == 1 { "" } else { "s" },
                        one_line(&crate::errors::describe(&e))
                    )),
                ))
            }
        }
    }

    /// Marks every step and sink that did not run.
    fn skip_remaining(&mut self, reason: &str) {
        let mut steps = self.steps.borrow_mut();
        for s in steps.iter_mut() {
            if s.timing.outcome == Outcome::Skipped && s.skip_reason.is_none() {
                s.skip_reason = Some(reason.to_string());
                self.observer.on_event(&Event::StepFinished(s));
            }
        }
        for s in &mut self.sinks {
            if s.status == "not_run" {
                s.skip_reason = Some(reason.to_string());
            }
        }
    }

    /// Moves every staged output into place, after checking once more that no
    /// `error_if_exists` or `ignore` destination appeared meanwhile.
    fn commit(&mut self) -> std::result::Result<(), (RunStatus, String)> {
        let job = self.job;
        for (k, sink) in job.spec.sinks.iter().enumerate() {
            if self.staged[k].is_none() || !destination_exists(&job.sink_paths[k]) {
                continue;
            }
            match sink.mode {
                SinkMode::ErrorIfExists => {
                    self.sinks[k].status = "failed".into();
                    return Err((
                        RunStatus::Failed,
                        format!(
                            "sink `{}`: {} appeared while the job ran (mode `error_if_exists`)",
                            sink.name,
                            job.sink_paths[k].display()
                        ),
                    ));
                }
                SinkMode::Ignore => {
                    self.staged[k] = None;
                    self.sinks[k].status = "skipped".into();
                    self.sinks[k].skip_reason =
                        Some("the destination appeared while the job ran (mode `ignore`)".into());
                }
                SinkMode::Overwrite | SinkMode::Append => {}
            }
        }
        if self.cancelled() {
            return Err((RunStatus::Cancelled, CANCELLED.into()));
        }
        let mut committed = 0;
        for k in 0..self.staged.len() {
            let Some(staged) = self.staged[k].take() else {
                continue;
            };
            if let Err(e) = staged.output.commit() {
                self.sinks[k].status = "failed".into();
                return Err((
                    RunStatus::Failed,
                    format!(
                        "sink `{}`: cannot move the output into place: {e}",
                        job.spec.sinks[k].name
                    ),
                ));
            }
            self.sinks[k].status = "committed".into();
            committed += 1;
        }
        self.observer
            .on_event(&Event::Committed { sinks: committed });
        Ok(())
    }

    /// Removes outputs staged for a job that did not succeed.
    fn discard_staged(&mut self, why: &str) {
        for k in 0..self.staged.len() {
            if self.staged[k].take().is_some() {
                self.sinks[k].status = "discarded".into();
                self.sinks[k].skip_reason = Some(format!("written, but not committed: {why}"));
            }
        }
    }
}

/// The first line of a message (errors with a caret under the SQL take several).
fn one_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_string()
}
