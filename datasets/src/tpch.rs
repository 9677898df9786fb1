//! TPC-H data generation at any scale factor, in memory or to files.

use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::io::FileFormat;
use quiver_engine::{Error, Result};
use rayon::prelude::*;
use tpchgen::generators::*;
use tpchgen_arrow::*;

use crate::output::WrittenFile;

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

/// Writes every table as `<dir>/<table>.<ext>` (Parquet or CSV), one after another.
/// Existing files are replaced atomically.
pub fn write_all(sf: f64, dir: &Path, format: FileFormat) -> Result<Vec<WrittenFile>> {
    TABLES
        .iter()
        .map(|table| {
            let (schema, batches) = generate(table, sf)?;
            crate::output::write_table(dir, table, &schema, &batches, format)
        })
        .collect()
}

/// Compares result rows (display strings) with an official answer file
/// (`|`-separated, header row). Numbers compare by value: decimals exactly at the
/// answer's printed scale, others within 1e-9 relative. `skip` names columns (by
/// position in the header) whose values are not compared. Returns a description of the
/// first difference.
pub fn compare_with_answer(
    answer: &str,
    got: &[Vec<String>],
    skip: &[&str],
) -> std::result::Result<(), String> {
    let mut lines = answer.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('|').collect();
    // An empty line is a row whose one value is NULL (e.g. Q17 at small scale factors).
    let want: Vec<Vec<&str>> = lines.map(|l| l.split('|').collect()).collect();
    if got.len() != want.len() {
        return Err(format!("{} rows, want {}", got.len(), want.len()));
    }
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        if g.len() != w.len() {
            return Err(format!("row {i}: {} columns, want {}", g.len(), w.len()));
        }
        for (c, (gc, wc)) in g.iter().zip(w).enumerate() {
            if skip.contains(&header.get(c).copied().unwrap_or_default()) {
                continue;
            }
            if !cell_matches(gc, wc) {
                return Err(format!(
                    "row {i} column `{}`: got {gc}, want {wc}",
                    header.get(c).copied().unwrap_or("?")
                ));
            }
        }
    }
    Ok(())
}

fn cell_matches(got: &str, want: &str) -> bool {
    let (g, w) = (got.trim(), want.trim());
    if g == w || (g == "NULL" && w.is_empty()) {
        return true;
    }
    match (g.parse::<f64>(), w.parse::<f64>()) {
        (Ok(gv), Ok(wv)) => {
            let scale = w.split('.').nth(1).map_or(0, str::len) as i32;
            let rounded = (gv * 10f64.powi(scale)).round() / 10f64.powi(scale);
            let tol = 1e-9 * wv.abs().max(1.0);
            (rounded - wv).abs() <= tol || (gv - wv).abs() <= tol
        }
        _ => false,
    }
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
