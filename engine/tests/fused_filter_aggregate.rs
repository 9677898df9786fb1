//! A filter fused into a hash aggregation, over many morsels on two threads: rows that
//! fail the filter must never create groups or reach the aggregates, whether the morsel
//! is filtered (few rows pass) or routed to the reserved group (most rows pass).

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{Array, AsArray, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Int64Type, Schema};
use quiver_engine::io::{write_parquet, ParquetWriteOptions};
use quiver_engine::prelude::*;

fn data(dir: &std::path::Path) -> String {
    let n = 10_000i64;
    let keys: Vec<Option<&str>> = (0..n)
        .map(|i| {
            if i % 13 == 0 {
                None
            } else {
                Some(["a", "b", "c", "d", "e", "f", "g"][(i % 7) as usize])
            }
        })
        .collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Utf8, true),
        Field::new("v", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(keys)),
            Arc::new(Int64Array::from_iter_values(0..n)),
        ],
    )
    .unwrap();
    let path = dir.join("t.parquet");
    let opts = ParquetWriteOptions {
        row_group_size: 500,
        overwrite: true,
        ..Default::default()
    };
    write_parquet(&path, &schema, &[batch], &opts).unwrap();
    path.to_string_lossy().into_owned()
}

fn expected(keep: impl Fn(i64) -> bool) -> BTreeMap<Option<String>, (i64, i64)> {
    let mut m = BTreeMap::new();
    for i in 0..10_000i64 {
        if keep(i) {
            let k = if i % 13 == 0 {
                None
            } else {
                Some(["a", "b", "c", "d", "e", "f", "g"][(i % 7) as usize].to_string())
            };
            let e = m.entry(k).or_insert((0, 0));
            e.0 += i;
            e.1 += 1;
        }
    }
    m
}

fn run(path: &str, filter: Expr) -> BTreeMap<Option<String>, (i64, i64)> {
    let session = Session::with_threads(2).unwrap();
    let df = LazyFrame::scan_parquet(path)
        .with_session(&session)
        .filter(filter)
        .group_by([col("k")])
        .agg([col("v").sum().alias("s"), len().alias("n")])
        .collect()
        .unwrap();
    let b = df.to_batch().unwrap();
    let k = arrow::compute::cast(b.column(0), &DataType::Utf8).unwrap();
    let k = k.as_string::<i32>();
    let s = arrow::compute::cast(b.column(1), &DataType::Int64).unwrap();
    let s = s.as_primitive::<Int64Type>();
    let n = b.column(2).as_primitive::<Int64Type>();
    (0..b.num_rows())
        .map(|i| {
            (
                k.is_valid(i).then(|| k.value(i).to_string()),
                (s.value(i), n.value(i)),
            )
        })
        .collect()
}

#[test]
fn most_rows_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = data(dir.path());
    let got = run(&path, (col("v") % lit(4i64)).not_eq(lit(0i64)));
    assert_eq!(got, expected(|i| i % 4 != 0));
}

#[test]
fn few_rows_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = data(dir.path());
    let got = run(&path, (col("v") % lit(10i64)).eq(lit(0i64)));
    assert_eq!(got, expected(|i| i % 10 == 0));
}

#[test]
fn a_group_only_failing_rows_have_does_not_appear() {
    let dir = tempfile::tempdir().unwrap();
    let path = data(dir.path());
    // Rows of key "a" (i % 7 == 0) all fail, in morsels where most rows pass.
    let got = run(&path, (col("v") % lit(7i64)).not_eq(lit(0i64)));
    assert!(!got.contains_key(&Some("a".to_string())));
    assert_eq!(got, expected(|i| i % 7 != 0));
}
