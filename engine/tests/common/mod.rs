//! Shared helpers for integration tests: TPC-H data at small scale and answer checking.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use arrow::array::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use quiver_engine::DataFrame;

/// TPC-H tables at SF0.01, generated once per test binary with the tpchgen crates
/// (identical to dbgen, so the official answers apply).
pub fn tpch_sf001() -> &'static HashMap<&'static str, DataFrame> {
    static DATA: OnceLock<HashMap<&'static str, DataFrame>> = OnceLock::new();
    DATA.get_or_init(|| {
        use tpchgen::generators::*;
        use tpchgen_arrow::*;
        let sf = 0.01;
        fn frame(
            schema: arrow::datatypes::SchemaRef,
            it: impl Iterator<Item = Result<RecordBatch, arrow::error::ArrowError>>,
        ) -> DataFrame {
            let batches = it
                .collect::<Result<Vec<_>, _>>()
                .expect("tpchgen generates valid batches");
            DataFrame::try_new(schema, batches).expect("generated batches match their schema")
        }
        let mut m = HashMap::new();
        m.insert(
            "lineitem",
            frame(
                LineItemArrow::schema_ref(),
                LineItemArrow::new(LineItemGenerator::new(sf, 1, 1)),
            ),
        );
        m.insert(
            "orders",
            frame(
                OrderArrow::schema_ref(),
                OrderArrow::new(OrderGenerator::new(sf, 1, 1)),
            ),
        );
        m.insert(
            "customer",
            frame(
                CustomerArrow::schema_ref(),
                CustomerArrow::new(CustomerGenerator::new(sf, 1, 1)),
            ),
        );
        m.insert(
            "supplier",
            frame(
                SupplierArrow::schema_ref(),
                SupplierArrow::new(SupplierGenerator::new(sf, 1, 1)),
            ),
        );
        m.insert(
            "nation",
            frame(
                NationArrow::schema_ref(),
                NationArrow::new(NationGenerator::new(sf, 1, 1)),
            ),
        );
        m.insert(
            "region",
            frame(
                RegionArrow::schema_ref(),
                RegionArrow::new(RegionGenerator::new(sf, 1, 1)),
            ),
        );
        m.insert(
            "part",
            frame(
                PartArrow::schema_ref(),
                PartArrow::new(PartGenerator::new(sf, 1, 1)),
            ),
        );
        m.insert(
            "partsupp",
            frame(
                PartSuppArrow::schema_ref(),
                PartSuppArrow::new(PartSuppGenerator::new(sf, 1, 1)),
            ),
        );
        m
    })
}

/// `../shared/tpch` beside the project root.
pub fn shared_tpch() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/tpch")
}

/// The result as rows of display strings.
pub fn rows_of(df: &DataFrame) -> Vec<Vec<String>> {
    let opts = FormatOptions::default().with_null("NULL");
    let mut out = vec![];
    for b in df.batches() {
        let fmts: Vec<ArrayFormatter> = b
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts).unwrap())
            .collect();
        for r in 0..b.num_rows() {
            out.push(fmts.iter().map(|f| f.value(r).to_string()).collect());
        }
    }
    out
}

fn cell_matches(got: &str, want: &str) -> bool {
    if got.trim() == want.trim() {
        return true;
    }
    match (got.trim().parse::<f64>(), want.trim().parse::<f64>()) {
        (Ok(g), Ok(w)) => {
            // Decimal answers are exact at their printed scale; floats within 1e-9 relative.
            let scale = want.trim().split('.').nth(1).map_or(0, |d| d.len());
            let rounded = (g * 10f64.powi(scale as i32)).round() / 10f64.powi(scale as i32);
            (rounded - w).abs() <= 1e-9 * w.abs().max(1.0)
                || (g - w).abs() <= 1e-9 * w.abs().max(1.0)
        }
        _ => false,
    }
}

/// Asserts that `df` equals the official answer of query `q` at SF0.01: the same header,
/// the same number of rows, and every cell equal (numbers by value).
pub fn assert_matches_answer(q: u32, df: &DataFrame) {
    assert_matches_answer_except(q, df, &[]);
}

/// [`assert_matches_answer`], not comparing the values of the `skip` columns.
pub fn assert_matches_answer_except(q: u32, df: &DataFrame, skip: &[&str]) {
    let path = shared_tpch().join(format!("answers/sf0.01/q{q:02}.csv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('|').collect();
    assert_eq!(df.columns(), header, "q{q}: column names");
    let want: Vec<Vec<&str>> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split('|').collect())
        .collect();
    let got = rows_of(df);
    assert_eq!(got.len(), want.len(), "q{q}: row count\n{df}");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        for (c, (gc, wc)) in g.iter().zip(w).enumerate() {
            if skip.contains(&header[c]) {
                continue;
            }
            assert!(
                cell_matches(gc, wc),
                "q{q} row {i} column `{}`: got {gc}, want {wc}\n{df}",
                header[c]
            );
        }
    }
}
