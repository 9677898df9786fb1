//! `quiver-slt`: runs sqllogictest files in DuckDB's format against Quiver and reports
//! how many records pass.
//!
//! ```text
//! quiver-slt [--json REPORT] [--threads N] [--timeout SECS] [--slow] [--verbose] PATH...
//! ```
//!
//! Every PATH is a `.test` file or a folder searched recursively (`--slow` adds
//! `.test_slow` files). One line per file, then the totals, skipped records by reason,
//! a per-folder table, the top failure causes and the pass rate over all records. The
//! exit code is 0 whatever the records did (this is a measurement); 2 on usage errors.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use quiver_sql::slt::{discover, install_quiet_panic_hook, Runner, RunnerConfig, Status};

const USAGE: &str =
    "usage: quiver-slt [--json REPORT] [--threads N] [--timeout SECS] [--slow] [--verbose] PATH...

Runs sqllogictest files (DuckDB's format) against Quiver; PATH is a .test file or a folder.
  --json REPORT    also write a JSON report (per-file counts, failure details)
  --threads N      worker threads of each file's session (default: all cores)
  --timeout SECS   give up on a record after SECS seconds (default 10)
  --slow           also run .test_slow files
  --verbose        print each failing record";

struct Args {
    json: Option<PathBuf>,
    config: RunnerConfig,
    slow: bool,
    verbose: bool,
    paths: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        json: None,
        config: RunnerConfig::default(),
        slow: false,
        verbose: false,
        paths: vec![],
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("`{name}` needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--json" => args.json = Some(PathBuf::from(value("--json")?)),
            "--threads" => {
                let v = value("--threads")?;
                args.config.threads = v.parse().ok().filter(|n| *n > 0).ok_or(format!(
                    "`--threads` expects a positive number, found `{v}`"
                ))?;
            }
            "--timeout" => {
                let v = value("--timeout")?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| *s > 0.0)
                    .ok_or(format!("`--timeout` expects seconds, found `{v}`"))?;
                args.config.timeout = Duration::from_secs_f64(secs);
            }
            "--slow" => args.slow = true,
            "-v" | "--verbose" => args.verbose = true,
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option `{flag}`"))
            }
            path => args.paths.push(PathBuf::from(path)),
        }
    }
    if args.paths.is_empty() {
        return Err("no test file or folder given".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("quiver-slt: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let files = match discover(&args.paths, args.slow) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("quiver-slt: {e}");
            return ExitCode::from(2);
        }
    };
    install_quiet_panic_hook();
    let runner = Runner::new(args.config);
    let summary = runner.run_files(&files, |report| {
        println!("{}", report.line());
        if args.verbose {
            for r in report.failures().filter(|r| r.status != Status::Blocked) {
                if let Some(d) = &r.detail {
                    println!(
                        "  {}:{} {}: {}",
                        report.path,
                        r.line,
                        r.status.name(),
                        d.message.lines().next().unwrap_or("")
                    );
                }
            }
        }
    });
    print!("{}", summary.render(10));
    if let Some(path) = args.json {
        if let Err(e) = std::fs::write(&path, summary.to_json(100)) {
            eprintln!("quiver-slt: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
