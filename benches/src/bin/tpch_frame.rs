//! Times TPC-H queries written with the frame API (`quiver_benches::queries`) on the
//! Parquet files of a folder: the `quiver-frame` engine of `benches/compare.py`.
//!
//! ```text
//! tpch_frame --data datasets/generated/tpch-sf1 --threads 2 --reps 5 [--warmup 1]
//!     [--queries q01,q06] [--answers DIR] [--timeout 600] [--explain]
//! tpch_frame --list
//! ```
//!
//! Reads `<data>/<table>.parquet`; generate the folder with `quiver datagen tpch`. Prints
//! one JSON object per query (see `quiver_benches::harness`); `--list` prints the names of
//! the queries written with the frame API.

use std::path::PathBuf;

use quiver_benches::harness::{bench_query, Flags, RunConfig, Watchdog};
use quiver_benches::queries::TPCH;
use quiver_engine::prelude::*;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let flags = Flags::from_env();
    if flags.has("--list") {
        for (name, _) in TPCH {
            println!("{name}");
        }
        return Ok(());
    }
    let threads: usize = flags.parse("--threads", 2)?;
    let config = RunConfig::from_flags(&flags)?;
    let dir = PathBuf::from(flags.get("--data").ok_or_else(|| {
        Error::InvalidData(
            "--data DIR is required: a folder of TPC-H Parquet files (quiver datagen tpch)".into(),
        )
    })?);
    let session = Session::with_threads(threads)?;
    let scan = |table: &str| {
        let path = dir.join(format!("{table}.parquet"));
        LazyFrame::scan_parquet(&path.to_string_lossy()).with_session(&session)
    };
    let only: Option<Vec<&str>> = flags.get("--queries").map(|q| q.split(',').collect());
    let watchdog = Watchdog::new(session.cancel_flag());
    for (name, query) in TPCH
        .into_iter()
        .filter(|(n, _)| only.as_ref().is_none_or(|o| o.contains(n)))
    {
        if flags.has("--explain") {
            eprintln!("{name}:\n{}", query(&scan).explain()?);
        }
        bench_query("quiver-frame", name, &config, &watchdog, || {
            let df = query(&scan).collect()?;
            Ok((df.schema().clone(), df.into_batches()))
        });
    }
    Ok(())
}
