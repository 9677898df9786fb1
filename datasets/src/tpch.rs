//! TPC-H data generation at any scale factor, in memory or to files.

use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::io::{
    write_csv, write_parquet, CsvWriteOptions, FileFormat, ParquetWriteOptions,
};
use quiver_engine::{Error, Result};
use rayon::prelude::*;
use tpchgen::generators::*;
use tpchgen_arrow::*;

/// The eight TPC-H tables, smallest first.
pub const TABLES: [&str; 8] = [
    "region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem",
];

fn collect<I>(it: I) -> Result<Vec<RecordBatch>>
where
    I: Iterator<Item = std::result::Result<RecordBatch, arrow::error::ArrowError>>,
{
    Ok(it.collect::<std::result::Result<Vec<_>, _>>()?)
}

fn part(table: &str, sf: f64, part: i32, parts: i32) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    Ok(match table {
        "region" => (
            RegionArrow::schema_ref(),
            collect(RegionArrow::new(RegionGenerator::new(sf, part, parts)))?,
        ),
        "nation" => (
            NationArrow::schema_ref(),
            collect(NationArrow::new(NationGenerator::new(sf, part, parts)))?,
        ),
        "supplier" => (
            SupplierArrow::schema_ref(),
            collect(SupplierArrow::new(SupplierGenerator::new(sf, part, parts)))?,
        ),
        "customer" => (
            CustomerArrow::schema_ref(),
            collect(CustomerArrow::new(CustomerGenerator::new(sf, part, parts)))?,
        ),
        "part" => (
            PartArrow::schema_ref(),
            collect(PartArrow::new(PartGenerator::new(sf, part, parts)))?,
        ),
        "partsupp" => (
            PartSuppArrow::schema_ref(),
            collect(PartSuppArrow::new(PartSuppGenerator::new(sf, part, parts)))?,
        ),
        "orders" => (
            OrderArrow::schema_ref(),
            collect(OrderArrow::new(OrderGenerator::new(sf, part, parts)))?,
        ),
        "lineitem" => (
            LineItemArrow::schema_ref(),
            collect(LineItemArrow::new(LineItemGenerator::new(sf, part, parts)))?,
        ),
        other => {
            return Err(Error::TableNotFound(format!(
                "`{other}` is not a TPC-H table; the tables are {}",
                TABLES.join(", ")
            )))
        }
    })
}

/// Generates one table at scale factor `sf`, in parallel parts, in table order.
pub fn generate(table: &str, sf: f64) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let parts: i32 = if matches!(table, "region" | "nation") {
        1
    } else {
        ((sf * 8.0).ceil() as i32).clamp(1, 64)
    };
    let pieces: Vec<(SchemaRef, Vec<RecordBatch>)> = (1..=parts)
        .into_par_iter()
        .map(|p| part(table, sf, p, parts))
        .collect::<Result<_>>()?;
    let schema = pieces[0].0.clone();
    Ok((schema, pieces.into_iter().flat_map(|(_, b)| b).collect()))
}

/// Writes every table as `<dir>/<table>.<ext>` (Parquet or CSV). Existing files are
/// replaced atomically.
pub fn write_all(sf: f64, dir: &Path, format: FileFormat) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating `{}`", dir.display()), e))?;
    for table in TABLES {
        let (schema, batches) = generate(table, sf)?;
        match format {
            FileFormat::Parquet => {
                let opts = ParquetWriteOptions {
                    overwrite: true,
                    ..Default::default()
                };
                write_parquet(
                    dir.join(format!("{table}.parquet")),
                    &schema,
                    &batches,
                    &opts,
                )?;
            }
            FileFormat::Csv => {
                let opts = CsvWriteOptions {
                    overwrite: true,
                    ..Default::default()
                };
                write_csv(dir.join(format!("{table}.csv")), &schema, &batches, &opts)?;
            }
            other => {
                return Err(quiver_engine::error::Error::NotSupported(format!(
                    "writing TPC-H as {}; use parquet or csv",
                    other.name()
                )))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_tables_in_parts_like_one_piece() {
        let (_, batches) = generate("orders", 0.01).unwrap();
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, 15_000);
        let (_, nation) = generate("nation", 0.01).unwrap();
        assert_eq!(nation.iter().map(|b| b.num_rows()).sum::<usize>(), 25);
        assert!(generate("nope", 1.0).is_err());
    }
}
