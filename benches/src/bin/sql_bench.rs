//! Times SQL queries in-process with Quiver, for `benches/compare.py` (so process start-up
//! and data generation stay out of the timings).
//!
//! ```text
//! sql_bench --threads 2 --reps 5 --warmup 1 --timeout 600 --setup setup.sql \
//!     --answers DIR q01.sql q02.sql ...
//! ```
//!
//! Runs the setup script once (e.g. `CREATE VIEW lineitem AS FROM 'lineitem.parquet'`),
//! then each query file `warmup + reps` times; a query's name is its file stem. Prints one
//! JSON object per query with the timed runs in seconds (see `quiver_benches::harness`),
//! and saves the last result of each query as `DIR/<name>.parquet`.

use std::path::Path;
use std::time::Instant;

use quiver_benches::harness::{bench_query, json_string, Flags, RunConfig, Watchdog};
use quiver_engine::{Error, Result, Session};
use quiver_sql::SqlContext;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WITH_VALUE: [&str; 6] = [
    "--threads",
    "--reps",
    "--warmup",
    "--timeout",
    "--setup",
    "--answers",
];

fn read(path: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(format!("reading `{path}`"), e))
}

fn main() -> Result<()> {
    let flags = Flags::from_env();
    let threads: usize = flags.parse("--threads", 2)?;
    let config = RunConfig::from_flags(&flags)?;
    let ctx = SqlContext::new(Session::with_threads(threads)?);
    if let Some(setup) = flags.get("--setup") {
        let start = Instant::now();
        ctx.sql(&read(setup)?)?;
        eprintln!("setup: {:.3} s", start.elapsed().as_secs_f64());
    }
    let watchdog = Watchdog::new(ctx.session().cancel_flag());
    for file in flags.positional(&WITH_VALUE) {
        let name = Path::new(&file)
            .file_stem()
            .map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned());
        let sql = match read(&file) {
            Ok(sql) => sql,
            Err(e) => {
                println!(
                    "{{\"engine\": \"quiver\", \"query\": {}, \"error\": {}}}",
                    json_string(&name),
                    json_string(&e.to_string())
                );
                continue;
            }
        };
        bench_query("quiver", &name, &config, &watchdog, || {
            let result = ctx.sql(&sql)?;
            Ok((result.schema, result.batches))
        });
    }
    Ok(())
}
