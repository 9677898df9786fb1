//! The `quiver` shell, modelled on DuckDB's: an interactive prompt with history,
//! multi-line statements and Ctrl-C cancellation; `-c SQL`, `-f FILE` and piped scripts;
//! output modes (box tables with types, CSV, JSON, JSON lines, Markdown, line); and dot
//! commands (`.help`, `.tables`, `.schema`, `.mode`, `.timer`, `.read`, `.output`, ...).
//!
//! [`main`] is the whole program; the binary `src/bin/quiver.rs` only calls it.

pub mod args;
pub mod datagen;
pub mod destination;
pub mod dot_commands;
pub mod duckbox;
pub mod executor;
pub mod interrupt;
pub mod output;
pub mod progress;
pub mod repl;
pub mod report;
pub mod runner;
pub mod splitter;
pub mod values;

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use quiver_engine::exec::SessionConfig;
use quiver_engine::{Error, Session};

use crate::shell::args::Args;
use crate::shell::interrupt::Interrupts;
use crate::shell::output::OutputSettings;
use crate::shell::runner::{ErrorPolicy, Flow, Shell};
use crate::SqlContext;

/// What the shell says about a database file (`quiver file.db`, `.open file.db`).
pub fn persistent_database_message(path: &str) -> String {
    format!(
        "cannot open the database file `{path}`: persistent databases are not supported yet; \
         Quiver keeps tables in memory and queries files directly, e.g. SELECT * FROM 'file.parquet'"
    )
}

/// Runs the shell with the process's arguments; returns its exit status.
pub fn main() -> ExitCode {
    let args = Args::from_env();
    ExitCode::from(u8::try_from(run(&args)).unwrap_or(1))
}

/// Runs the shell for parsed arguments; returns its exit status.
pub fn run(args: &Args) -> i32 {
    match &args.subcommand {
        Some(args::Command::Datagen(datagen)) => return datagen::run(datagen, args.threads),
        Some(args::Command::Run(job)) => return crate::jobs::cli::main(job, args.threads),
        None => {}
    }
    if let Some(database) = args.database.as_deref().filter(|d| *d != ":memory:") {
        eprintln!("Error: {}", persistent_database_message(database));
        return 1;
    }
    let defaults = SessionConfig::default();
    let config = SessionConfig {
        threads: args.threads.map_or(defaults.threads, usize::from),
        memory_limit: args.memory_limit,
        ..defaults
    };
    let session = match Session::try_new(config) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("{}", report::describe(&e));
            return 1;
        }
    };
    let settings = OutputSettings {
        mode: args.mode().unwrap_or_default(),
        header: args.header(),
        ..OutputSettings::default()
    };
    let interactive =
        args.command.is_none() && args.file.is_none() && std::io::stdin().is_terminal();
    let interrupts = Interrupts::new(!interactive);
    if !interactive {
        interrupts.install_handler();
    }
    let policy = ErrorPolicy {
        bail: args.bail || args.command.is_some(),
        interactive,
    };
    let mut shell = Shell::new(
        SqlContext::new(session),
        settings,
        interrupts.clone(),
        policy,
    );

    let flow = if let Some(sql) = &args.command {
        shell.run_script(sql)
    } else if let Some(path) = &args.file {
        match std::fs::read_to_string(path) {
            Ok(text) => shell.run_script(&text),
            Err(e) => shell.fail(&Error::io(format!("cannot read `{path}`"), e)),
        }
    } else if interactive {
        Flow::Exit(repl::run(&mut shell, &interrupts))
    } else {
        let mut text = String::new();
        match std::io::stdin().read_to_string(&mut text) {
            Ok(_) => shell.run_script(&text),
            Err(e) => shell.fail(&Error::io("cannot read standard input", e)),
        }
    };
    shell.close();
    match flow {
        Flow::Exit(code) => code,
        Flow::Continue => shell.exit_code(),
    }
}
