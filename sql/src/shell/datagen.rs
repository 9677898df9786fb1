//! `quiver datagen`: writes benchmark data to Parquet or CSV files with the generators of
//! `quiver-datasets`: TPC-H (tpchgen-rs, identical to dbgen) and the h2o.ai
//! db-benchmark's group-by and join tables.
//!
//! ```text
//! quiver datagen tpch --sf 1 --format parquet --out datasets/generated/tpch-sf1
//! quiver datagen h2o-groupby --rows 1e7 --groups 100 --na 0 --out datasets/generated/h2o
//! quiver datagen h2o-join --rows 1e7 --out datasets/generated/h2o
//! ```

use std::path::PathBuf;
use std::time::Instant;

use clap::{Subcommand, ValueEnum};
use quiver_datasets::h2o::{self, groupby::GroupbySpec, join::JoinSpec};
use quiver_datasets::output::WrittenFile;
use quiver_datasets::tpch;
use quiver_engine::io::FileFormat;
use quiver_engine::Result;

use crate::shell::report;

/// Arguments of `quiver datagen`.
#[derive(Debug, clap::Args)]
pub struct DatagenArgs {
    /// The data set to generate.
    #[command(subcommand)]
    pub dataset: Dataset,
}

/// The data sets `quiver datagen` writes.
#[derive(Debug, Subcommand)]
pub enum Dataset {
    /// The eight TPC-H tables at a scale factor, as `<table>.<format>` (tpchgen-rs, whose
    /// output is identical to the reference dbgen).
    Tpch {
        /// Scale factor: 1 is about 1 GB of CSV (6 million lineitem rows).
        #[arg(long, default_value = "1", value_parser = parse_sf)]
        sf: f64,
        /// Folder and format.
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The h2o.ai db-benchmark's group-by table (groupby-datagen.R), as
    /// `G1_<rows>_<groups>_<na>_<sorted>.<format>`.
    #[command(name = "h2o-groupby")]
    H2oGroupby {
        /// Rows (N), e.g. `1e7`.
        #[arg(long, default_value = "1e7", value_parser = h2o::parse_count)]
        rows: usize,
        /// Groups (K) of id1, id2, id4, id5; id3 and id6 have N/K.
        #[arg(long, default_value = "100", value_parser = h2o::parse_count)]
        groups: usize,
        /// NA percentage, sorting and seed.
        #[command(flatten)]
        common: H2oArgs,
        /// Folder and format.
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The h2o.ai db-benchmark's join tables (join-datagen.R): x (N rows), small (N/1e6),
    /// medium (N/1e3) and big (N), as `J1_<rows>_<NA|size>_<na>_<sorted>.<format>`.
    #[command(name = "h2o-join")]
    H2oJoin {
        /// Rows (N) of x and big, at least `1e6`.
        #[arg(long, default_value = "1e7", value_parser = h2o::parse_count)]
        rows: usize,
        /// NA percentage, sorting and seed.
        #[command(flatten)]
        common: H2oArgs,
        /// Folder and format.
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Options of both h2o generators.
#[derive(Debug, clap::Args)]
pub struct H2oArgs {
    /// Percentage of NULLs (0 to 100).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub na: u32,
    /// Sort the rows by the keys.
    #[arg(long)]
    pub sorted: bool,
    /// Random seed (the same seed gives the same files).
    #[arg(long, default_value_t = h2o::DEFAULT_SEED)]
    pub seed: u64,
}

/// Where and how to write.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Folder for the files (created when missing; files of the same name are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value_t = Format::Parquet)]
    pub format: Format,
}

/// The formats the generators write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Apache Parquet (Snappy, row groups of 122,880 rows).
    Parquet,
    /// CSV with a header row.
    Csv,
}

impl From<Format> for FileFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Parquet => FileFormat::Parquet,
            Format::Csv => FileFormat::Csv,
        }
    }
}

fn parse_sf(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(sf) if sf.is_finite() && sf > 0.0 && sf <= 100_000.0 => Ok(sf),
        _ => Err(format!(
            "expected a positive scale factor such as `1` or `0.1`, found `{text}`"
        )),
    }
}

/// Generates the data set on `threads` threads (all cores by default), prints the files
/// written and returns the exit status.
pub fn run(args: &DatagenArgs, threads: Option<u16>) -> i32 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, usize::from))
        .build();
    let pool = match pool {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("Error: cannot start the generator's threads: {e}");
            return 1;
        }
    };
    let start = Instant::now();
    match pool.install(|| generate(&args.dataset)) {
        Ok(files) => {
            for f in &files {
                let bytes = std::fs::metadata(&f.path).map_or(0, |m| m.len());
                println!(
                    "wrote {} ({} rows, {})",
                    f.path.display(),
                    f.rows,
                    human_bytes(bytes)
                );
            }
            println!("done in {:.1} s", start.elapsed().as_secs_f64());
            0
        }
        Err(e) => {
            eprintln!("{}", report::describe(&e));
            1
        }
    }
}

fn generate(dataset: &Dataset) -> Result<Vec<WrittenFile>> {
    match dataset {
        Dataset::Tpch { sf, output } => tpch::write_all(*sf, &output.out, output.format.into()),
        Dataset::H2oGroupby {
            rows,
            groups,
            common,
            output,
        } => {
            let spec = GroupbySpec {
                rows: *rows,
                groups: *groups,
                na_percent: common.na,
                sorted: common.sorted,
                seed: common.seed,
            };
            Ok(vec![h2o::groupby::write(
                &spec,
                &output.out,
                output.format.into(),
            )?])
        }
        Dataset::H2oJoin {
            rows,
            common,
            output,
        } => {
            let spec = JoinSpec {
                rows: *rows,
                na_percent: common.na,
                sorted: common.sorted,
                seed: common.seed,
            };
            Ok(h2o::join::write(&spec, &output.out, output.format.into())?
                .into_iter()
                .map(|(_, f)| f)
                .collect())
        }
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}
