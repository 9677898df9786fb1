//! Prints the plan of a TPC-H query over generated data, and runs it.
//!
//! `cargo run -p quiver-sql --example explain_tpch -- 18 [sf]`

use std::sync::Arc;

use quiver_datasets::tpch;
use quiver_engine::io::MemoryTable;
use quiver_engine::Session;
use quiver_sql::SqlContext;

fn main() -> quiver_engine::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let q: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let sf: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0.01);
    let ctx = SqlContext::new(Session::with_threads(2)?);
    for t in tpch::TABLES {
        let (schema, batches) = tpch::generate(t, sf)?;
        ctx.session()
            .catalog()
            .register(t, Arc::new(MemoryTable::try_new(schema, batches)?));
    }
    let path = format!(
        "{}/../../shared/tpch/queries/q{q:02}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    let sql = std::fs::read_to_string(&path)
        .map_err(|e| quiver_engine::Error::io(format!("reading `{path}`"), e))?;
    let explain = ctx.sql(&format!("EXPLAIN {sql}"))?;
    let text = arrow::util::pretty::pretty_format_batches(&explain.batches)?;
    println!("{text}");
    let start = std::time::Instant::now();
    let r = ctx.sql(&sql)?;
    println!(
        "{} rows in {:.3}s",
        r.num_rows(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
