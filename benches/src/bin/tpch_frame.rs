//! Times TPC-H Q1 and Q6 through the frame API on Parquet files.
//!
//! `cargo run --release -p quiver-benches --bin tpch_frame -- --sf 1 --threads 2 --reps 5`
//!
//! Generates `lineitem.parquet` under `benches/data/tpch-sf<sf>/` first if it is missing.
//! `--queries q1,q6` picks queries, `--explain` prints their plans. Prints one JSON object per query: min and median wall time in seconds.

use std::path::PathBuf;
use std::time::Instant;

use quiver_benches::queries;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use quiver_engine::io::{write_parquet, ParquetWriteOptions};
use quiver_engine::prelude::*;

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let sf: f64 = arg(&args, "--sf", "1")
        .parse()
        .expect("--sf takes a number");
    let threads: usize = arg(&args, "--threads", "2")
        .parse()
        .expect("--threads takes a number");
    let reps: usize = arg(&args, "--reps", "5")
        .parse()
        .expect("--reps takes a number");
    let dir = PathBuf::from(arg(
        &args,
        "--data",
        &format!("{}/data/tpch-sf{sf}", env!("CARGO_MANIFEST_DIR")),
    ));
    let file = dir.join("lineitem.parquet");
    if !file.exists() {
        eprintln!("generating {} ...", file.display());
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("creating `{}`", dir.display()), e))?;
        let (schema, batches) = quiver_datasets::tpch::generate("lineitem", sf)?;
        write_parquet(
            &file,
            &schema,
            &batches,
            &ParquetWriteOptions {
                overwrite: true,
                ..Default::default()
            },
        )?;
    }
    let session = Session::with_threads(threads)?;
    let path = file.to_string_lossy().into_owned();
    let only = arg(&args, "--queries", "q1,q6");
    let queries: [(&str, fn(LazyFrame) -> LazyFrame); 2] =
        [("q1", queries::q1), ("q6", queries::q6)];
    for (name, q) in queries
        .into_iter()
        .filter(|(n, _)| only.split(',').any(|o| o == *n))
    {
        if args.iter().any(|a| a == "--explain") {
            eprintln!(
                "{}",
                q(LazyFrame::scan_parquet(&path).with_session(&session)).explain()?
            );
        }
        let mut times = vec![];
        let mut rows = 0;
        for _ in 0..reps {
            let start = Instant::now();
            let df = q(LazyFrame::scan_parquet(&path).with_session(&session)).collect()?;
            times.push(start.elapsed().as_secs_f64());
            rows = df.height();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{{\"engine\": \"quiver\", \"query\": \"{name}\", \"threads\": {threads}, \"rows\": {rows}, \"min\": {:.4}, \"median\": {:.4}}}",
            times[0],
            times[times.len() / 2]
        );
    }
    Ok(())
}
