//! Error cases through the public API: each asserts the category and the message text
//! (the names in backticks, what was expected and found, the suggested fix).

use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{ArrayRef, Date32Array};
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;
use quiver_engine::expr::Column;
use quiver_engine::io::{write_parquet, MemoryTable, ParquetWriteOptions};
use quiver_engine::logical::{JoinType, LogicalPlanBuilder};
use quiver_engine::prelude::*;

fn lineitem() -> LazyFrame {
    DataFrame::from_columns(vec![
        ("l_orderkey", vec![1i64, 2, 3].into_column()),
        ("l_partkey", vec![10i64, 20, 30].into_column()),
        ("l_comment", vec!["a", "b", "c"].into_column()),
        (
            "l_shipdate",
            Arc::new(Date32Array::from(vec![19000, 19001, 19002])) as ArrayRef,
        ),
    ])
    .unwrap()
    .lazy()
}

#[test]
fn unknown_column_suggests_the_closest_name() {
    let err = lineitem().select([col("l_orderky")]).collect().unwrap_err();
    assert_eq!(err.category(), "ColumnNotFound");
    assert!(!err.is_transient());
    assert_eq!(
        err.to_string(),
        "column `l_orderky` not found; the input has `l_orderkey`, `l_partkey`, `l_comment`, `l_shipdate`; did you mean `l_orderkey`?"
    );
}

#[test]
fn unknown_columns_in_every_verb() {
    let cases: Vec<(&str, LazyFrame)> = vec![
        ("filter", lineitem().filter(col("l_partky").gt(lit(1i64)))),
        (
            "group_by",
            lineitem().group_by([col("l_comnent")]).agg([len()]),
        ),
        (
            "agg",
            lineitem()
                .group_by([col("l_comment")])
                .agg([col("l_partky").sum()]),
        ),
        (
            "sort",
            lineitem().sort(["l_shipdat"], SortOptions::default()),
        ),
        (
            "with_columns",
            lineitem().with_columns([col("l_partky") + lit(1i64)]),
        ),
        ("rename", lineitem().rename(&["l_partky"], &["p"])),
        (
            "join",
            lineitem().join(
                lineitem(),
                [col("l_orderky")],
                [col("l_orderkey")],
                JoinHow::Inner,
            ),
        ),
    ];
    for (verb, frame) in cases {
        let err = frame.collect().unwrap_err();
        assert_eq!(err.category(), "ColumnNotFound", "{verb}: {err}");
        assert!(
            err.to_string().contains("did you mean `l_"),
            "{verb}: {err}"
        );
    }
    // Nothing close: no suggestion.
    let err = lineitem()
        .select([col("zzzzzz")])
        .collect()
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("column `zzzzzz` not found; the input has")
            && !err.contains("did you mean"),
        "{err}"
    );
}

#[test]
fn comparing_mismatched_types_names_both() {
    let err = lineitem()
        .filter(col("l_shipdate").eq(lit(true)))
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "Schema");
    assert_eq!(
        err.to_string(),
        "cannot compare Date32 with Boolean in `l_shipdate = true`; add a CAST so both sides have one type"
    );
}

#[test]
fn joining_mismatched_key_types_names_both() {
    let flags = DataFrame::from_columns(vec![("f", vec![true, false].into_column())])
        .unwrap()
        .lazy();
    let err = lineitem()
        .join(flags, [col("l_shipdate")], [col("f")], JoinHow::Inner)
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "Schema");
    let msg = err.to_string();
    assert!(
        msg.contains("`l_shipdate` (Date32)")
            && msg.contains("`f` (Boolean)")
            && msg.contains("CAST"),
        "{msg}"
    );
}

#[test]
fn unknown_function_suggests_a_close_name() {
    let err = lineitem()
        .select([call("uper", vec![col("l_comment")])])
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "FunctionNotFound");
    assert_eq!(
        err.to_string(),
        "scalar function `uper` does not exist; did you mean `upper`?"
    );
    let err = lineitem()
        .select([aggregate("summ", vec![col("l_partkey")])])
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "FunctionNotFound");
    assert_eq!(
        err.to_string(),
        "aggregate function `summ` does not exist; did you mean `sum`?"
    );
    // An aggregate used where a scalar function is expected says so.
    let err = lineitem()
        .select([call("sum", vec![col("l_partkey")])])
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "FunctionNotFound");
    assert!(
        err.to_string().contains("`sum` is an aggregate function"),
        "{err}"
    );
}

#[test]
fn aggregate_inside_a_filter_is_a_plan_error() {
    let err = lineitem()
        .filter(col("l_partkey").sum().gt(lit(10i64)))
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "Plan");
    assert_eq!(
        err.to_string(),
        "aggregates are not allowed in a filter (`sum(l_partkey) > 10`); filter after the aggregation (HAVING) instead"
    );
}

#[test]
fn a_non_boolean_filter_is_a_schema_error() {
    let err = lineitem().filter(col("l_partkey")).collect().unwrap_err();
    assert_eq!(err.category(), "Schema");
    assert_eq!(
        err.to_string(),
        "a filter must be a boolean expression, but `l_partkey` is Int64"
    );
}

#[test]
fn mixing_aggregates_and_plain_columns_in_select() {
    let err = lineitem()
        .select([col("l_comment"), col("l_partkey").sum()])
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "Plan");
    assert!(
        err.to_string()
            .starts_with("`l_comment` is neither aggregated nor grouped"),
        "{err}"
    );
}

#[test]
fn join_key_counts_must_match() {
    let err = lineitem()
        .join(
            lineitem(),
            [col("l_orderkey"), col("l_partkey")],
            [col("l_orderkey")],
            JoinHow::Inner,
        )
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "Plan");
    assert_eq!(
        err.to_string(),
        "join needs as many left keys as right keys, got 2 and 1"
    );
}

#[test]
fn ambiguous_unqualified_column() {
    let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true)]));
    let t = |q: &str| {
        let source = MemoryTable::try_new(schema.clone(), vec![]).unwrap();
        LogicalPlanBuilder::scan(q, Some(q), Arc::new(source)).unwrap()
    };
    let joined = t("a")
        .join(
            t("b").build(),
            JoinType::Inner,
            vec![(
                Expr::Column(Column::qualified("a", "k")),
                Expr::Column(Column::qualified("b", "k")),
            )],
            None,
        )
        .unwrap();
    let err = joined.project(vec![col("k")]).unwrap_err();
    assert_eq!(err.category(), "Schema");
    assert_eq!(err.to_string(), "column reference `k` is ambiguous: it could be any of `a.k`, `b.k`; qualify it with the table name");
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[test]
fn csv_row_with_the_wrong_field_count_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    write(&path, "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n11,12,13\n");
    let err = LazyFrame::scan_csv(path.to_str().unwrap(), CsvOptions::default())
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "InvalidData");
    assert!(!err.is_transient());
    let want = format!(
        "incorrect number of fields in '{}' line 4: expected 3 fields, found 4",
        path.display()
    );
    assert_eq!(err.to_string(), want);
}

#[test]
fn csv_value_that_does_not_fit_the_declared_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typed.csv");
    write(&path, "a,b\n1,x\n2,y\nthree,z\n");
    let options = CsvOptions {
        column_types: vec![("a".into(), DataType::Int64)],
        ..CsvOptions::default()
    };
    let err = LazyFrame::scan_csv(path.to_str().unwrap(), options)
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "InvalidData");
    let msg = err.to_string();
    for part in ["'three'", "BIGINT", "typed.csv' line 4", "column `a`"] {
        assert!(msg.contains(part), "missing {part:?} in: {msg}");
    }
}

#[test]
fn truncated_parquet_file_is_invalid_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.parquet");
    let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(arrow::array::Int64Array::from_iter_values(
            0..1000,
        ))],
    )
    .unwrap();
    write_parquet(&path, &schema, &[batch], &ParquetWriteOptions::default()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    let err = LazyFrame::scan_parquet(path.to_str().unwrap())
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "InvalidData");
    assert!(!err.is_transient());
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("'{}' is not a valid Parquet file", path.display())),
        "{msg}"
    );
}

#[test]
fn missing_file_is_a_transient_io_error() {
    let dir = tempfile::tempdir().unwrap();
    for (path, frame) in [
        (
            dir.path().join("absent.parquet"),
            LazyFrame::scan_parquet as fn(&str) -> LazyFrame,
        ),
        (dir.path().join("absent.csv"), |p: &str| {
            LazyFrame::scan_csv(p, CsvOptions::default())
        }),
        (dir.path().join("absent.json"), LazyFrame::scan_file),
    ] {
        let err = frame(path.to_str().unwrap()).collect().unwrap_err();
        match &err {
            Error::Io { source, .. } => {
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound, "{err}")
            }
            other => panic!("expected an Io error for {}, got {other:?}", path.display()),
        }
        assert!(err.is_transient());
        assert_eq!(err.category(), "Io");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
}

#[test]
fn cancelling_a_running_query_returns_cancelled() {
    // A cross join of two 5000-row frames (25 million pairs, about a second in a debug
    // build); cancel it from another thread shortly after it starts. (The whole join is
    // one morsel here, so the cancel is noticed at the next morsel boundary, after it.)
    let session = Session::with_threads(2).unwrap();
    let side = |name: &str| {
        DataFrame::from_columns(vec![(name, (0..5000i64).collect::<Vec<_>>().into_column())])
            .unwrap()
            .lazy_in(&session)
    };
    let query = side("a")
        .cross_join(side("b"))
        .filter((col("a") + col("b")).gt(lit(-1i64)))
        .group_by([])
        .agg([len()]);
    let canceller = {
        let session = session.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            session.cancel();
        })
    };
    let start = Instant::now();
    let result = query.collect();
    let elapsed = start.elapsed();
    canceller.join().unwrap();
    match result {
        Err(Error::Cancelled) => {}
        Ok(df) => panic!(
            "the query finished before the cancel ({elapsed:?}, {} rows)",
            df.height()
        ),
        Err(e) => panic!("expected Cancelled, got {e:?}"),
    }
    eprintln!("cancelled after {elapsed:?}");
    // The flag is cleared for the next query on the same session.
    let out = side("a").limit(3).collect().unwrap();
    assert_eq!(out.height(), 3);
}
