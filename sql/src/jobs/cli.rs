//! `quiver run job.toml`: validates the job, runs it (or with `--dry-run`, prints what it
//! would run), shows progress on standard error and exits with 0 on success, 1 when the
//! job failed, 2 when the job file is invalid and 130 when Ctrl-C stopped it; every
//! failure ends with a one-line reason.
//!
//! The first Ctrl-C stops the job cleanly (the running query is cancelled, nothing is
//! committed, the report says `cancelled`); a second one exits at once.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use quiver_engine::pipeline::format_duration;

use crate::jobs::explain::explain_job;
use crate::jobs::params::parse_assignment;
use crate::jobs::progress::{Progress, Verbosity};
use crate::jobs::report::RunStatus;
use crate::jobs::runner::{job_context, run_job, RunOptions};
use crate::jobs::validate::Job;

/// Exit status of a job that failed.
pub const EXIT_FAILED: i32 = 1;
/// Exit status of an invalid job file (nothing ran).
pub const EXIT_INVALID: i32 = 2;
/// Exit status of a job stopped by Ctrl-C.
pub const EXIT_CANCELLED: i32 = 130;

/// Run a batch job described in a TOML file: sources, SQL steps and sinks.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The job file (TOML).
    #[arg(value_name = "JOB.toml")]
    pub job: PathBuf,

    /// Set a parameter of the job, used as `${KEY}` in paths and SQL (repeatable).
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE", value_parser = parse_assignment)]
    pub params: Vec<(String, String)>,

    /// Validate the job and print each step's optimized plan without running anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Where to write the JSON run report (default:
    /// `_quiver/runs/<job>-<timestamp>.json` beside the outputs).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,

    /// Show nothing but errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also show sources, skipped work and every failed attempt.
    #[arg(short, long)]
    pub verbose: bool,

    /// Worker threads for queries (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Runs `quiver run` with `threads` from the shell's own flag when `--threads` is not
/// given after `run`; returns the exit status.
pub fn main(args: &RunArgs, threads: Option<u16>) -> i32 {
    let threads = args.threads.or(threads).map(usize::from);
    let job = match Job::load(&args.job, &args.params) {
        Ok(job) => job,
        Err(e) => {
            eprintln!("Error: {e}");
            return EXIT_INVALID;
        }
    };
    if args.dry_run {
        return dry_run(&job, threads);
    }
    let verbosity = match (args.quiet, args.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let options = RunOptions {
        threads,
        report: args.report.clone(),
        write_report: true,
        cancel: Arc::new(AtomicBool::new(false)),
    };
    install_ctrl_c(options.cancel.clone(), args.quiet);
    let progress = Progress::new(verbosity);
    let report = run_job(&job, &options, &progress);
    let report_line = report
        .report_path
        .as_ref()
        .map(|p| format!("report: {}", p.display()));
    match report.status {
        RunStatus::Succeeded => {
            if let Some(reason) = &report.reason {
                // The job succeeded, but its report could not be written.
                eprintln!("Error: {reason}");
                return EXIT_FAILED;
            }
            if !args.quiet {
                let committed = report
                    .sinks
                    .iter()
                    .filter(|s| s.status == "committed")
                    .count();
                let skipped = report
                    .sinks
                    .iter()
                    .filter(|s| s.status == "skipped")
                    .count();
                let mut summary = format!(
                    "job {} succeeded in {}: {committed} output{} written",
                    report.job,
                    format_duration(report.timing.duration),
                    if committed == 1 { "" } else { "s" }
                );
                if skipped > 0 {
                    summary.push_str(&format!(", {skipped} skipped"));
                }
                eprintln!("{summary}");
                if let Some(line) = report_line {
                    eprintln!("{line}");
                }
            }
            0
        }
        RunStatus::Failed | RunStatus::Cancelled => {
            let reason = report.reason.as_deref().unwrap_or("unknown reason");
            eprintln!(
                "Error: job {} {}: {reason}",
                report.job,
                report.status.name()
            );
            if !args.quiet {
                if let Some(line) = report_line {
                    eprintln!("{line}");
                }
            }
            if report.status == RunStatus::Cancelled {
                EXIT_CANCELLED
            } else {
                EXIT_FAILED
            }
        }
    }
}

fn dry_run(job: &Job, threads: Option<usize>) -> i32 {
    let ctx = match job_context(threads) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("Error: cannot start the query engine: {e}");
            return EXIT_FAILED;
        }
    };
    let (text, problems) = explain_job(job, &ctx);
    print!("{text}");
    match problems.as_slice() {
        [] => 0,
        [one] => {
            eprintln!("Error: {one}");
            EXIT_FAILED
        }
        many => {
            eprintln!("Error: a run would fail now:");
            for p in many {
                eprintln!("  {p}");
            }
            EXIT_FAILED
        }
    }
}

/// The first Ctrl-C raises `cancel`; the second exits at once.
fn install_ctrl_c(cancel: Arc<AtomicBool>, quiet: bool) {
    let presses = AtomicUsize::new(0);
    let installed = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::SeqCst) == 0 {
            cancel.store(true, Ordering::SeqCst);
            if !quiet {
                eprintln!(
                    "\nstopping the job: nothing will be committed (Ctrl-C again to exit at once)"
                );
            }
        } else {
            std::process::exit(EXIT_CANCELLED);
        }
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C will not stop the job cleanly: {e}");
    }
}
