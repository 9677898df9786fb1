//! Regenerates the checked-in sample data under `datasets/sample/`: TPC-H at scale
//! factor 0.001, as Parquet for the big tables and CSV for the small ones.
//!
//! `cargo run -p quiver-datasets --example make_sample`

use quiver_datasets::{sample_dir, tpch};
use quiver_engine::io::{write_csv, write_parquet, CsvWriteOptions, ParquetWriteOptions};

fn main() -> quiver_engine::Result<()> {
    let dir = sample_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| quiver_engine::Error::io(format!("creating `{}`", dir.display()), e))?;
    for table in tpch::TABLES {
        let (schema, batches) = tpch::generate(table, 0.001)?;
        if matches!(table, "lineitem" | "orders" | "partsupp") {
            let opts = ParquetWriteOptions {
                overwrite: true,
                row_group_size: 2048,
                ..Default::default()
            };
            write_parquet(
                dir.join(format!("{table}.parquet")),
                &schema,
                &batches,
                &opts,
            )?;
        } else {
            let opts = CsvWriteOptions {
                overwrite: true,
                ..Default::default()
            };
            write_csv(dir.join(format!("{table}.csv")), &schema, &batches, &opts)?;
        }
    }
    println!("wrote TPC-H SF0.001 to {}", dir.display());
    Ok(())
}
