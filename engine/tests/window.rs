//! Window functions through the frame API (`.over(..)`, `.over_ordered(..)`), checked
//! against answers computed by DuckDB for the same data (`SELECT .. FROM t ORDER BY i`;
//! Quiver keeps the input row order, so no sort is needed here).

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, Date32Array};
use arrow::datatypes::{Float64Type, Int64Type};
use quiver_engine::expr::{AggregateCall, FrameBound, FrameUnits, WindowFrame};
use quiver_engine::prelude::*;

/// DuckDB: `(i, g, o, x, v, s, d)` with ties and NULLs in the ORDER BY key `o`, NULLs in
/// `x` and `d`, rows of each partition interleaved.
fn frame() -> DataFrame {
    let days = |d: i32| Some(19723 + d - 1); // 2024-01-d
    DataFrame::from_columns(vec![
        ("i", (0..8).collect::<Vec<i64>>().into_column()),
        (
            "g",
            vec!["a", "b", "a", "b", "a", "a", "b", "c"].into_column(),
        ),
        (
            "o",
            vec![
                Some(3),
                Some(1),
                Some(1),
                Some(2),
                None,
                Some(3),
                Some(2),
                Some(5),
            ]
            .into_column(),
        ),
        (
            "x",
            vec![
                Some(1.5),
                Some(2.0),
                None,
                Some(4.0),
                Some(5.0),
                Some(6.0),
                None,
                Some(8.0),
            ]
            .into_column(),
        ),
        ("v", vec![10i64, 20, 30, 40, 50, 60, 70, 80].into_column()),
        (
            "s",
            vec!["p", "q", "r", "s", "t", "u", "v", "w"].into_column(),
        ),
        (
            "d",
            Arc::new(Date32Array::from(vec![
                days(1),
                days(2),
                days(4),
                days(5),
                days(5),
                days(8),
                None,
                days(9),
            ])) as ArrayRef,
        ),
    ])
    .unwrap()
}

fn select(exprs: Vec<Expr>) -> DataFrame {
    frame().lazy().select(exprs).collect().unwrap()
}

fn column(df: &DataFrame, name: &str, to: DataType) -> ArrayRef {
    let c = df.column(name).unwrap();
    arrow::compute::cast(&c, &to).unwrap()
}

fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    column(df, name, DataType::Int64)
        .as_primitive::<Int64Type>()
        .iter()
        .collect()
}

fn floats(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    column(df, name, DataType::Float64)
        .as_primitive::<Float64Type>()
        .iter()
        .collect()
}

fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    column(df, name, DataType::Utf8)
        .as_string::<i32>()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

fn some<T: Copy>(v: &[T]) -> Vec<Option<T>> {
    v.iter().copied().map(Some).collect()
}

fn assert_floats(got: Vec<Option<f64>>, want: Vec<Option<f64>>) {
    assert_eq!(got.len(), want.len(), "got {got:?}, want {want:?}");
    for (g, w) in got.iter().zip(&want) {
        match (g, w) {
            (Some(g), Some(w)) => assert!(
                (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                "got {got:?}, want {want:?}"
            ),
            (g, w) => assert_eq!(g, w, "got {got:?}, want {want:?}"),
        }
    }
}

fn by_o() -> Vec<SortExpr> {
    vec![col("o").sort_asc()]
}

fn by_o_v() -> Vec<SortExpr> {
    vec![col("o").sort_asc(), col("v").sort_asc()]
}

fn by_i() -> Vec<SortExpr> {
    vec![col("i").sort_asc()]
}

/// Sets the frame of a window expression (under its alias).
fn with_frame(e: Expr, units: FrameUnits, start: FrameBound, end: FrameBound) -> Expr {
    match e {
        Expr::Alias(inner, name) => {
            Expr::Alias(Box::new(with_frame(*inner, units, start, end)), name)
        }
        Expr::Window(mut w) => {
            w.frame = Some(WindowFrame { units, start, end });
            Expr::Window(w)
        }
        other => panic!("not a window expression: {other}"),
    }
}

fn rows(e: Expr, start: FrameBound, end: FrameBound) -> Expr {
    with_frame(e, FrameUnits::Rows, start, end)
}

fn range(e: Expr, start: FrameBound, end: FrameBound) -> Expr {
    with_frame(e, FrameUnits::Range, start, end)
}

/// Sets IGNORE NULLS on a window expression (under its alias).
fn ignore_nulls(e: Expr) -> Expr {
    match e {
        Expr::Alias(inner, name) => Expr::Alias(Box::new(ignore_nulls(*inner)), name),
        Expr::Window(mut w) => {
            w.ignore_nulls = true;
            Expr::Window(w)
        }
        other => panic!("not a window expression: {other}"),
    }
}

use FrameBound::{CurrentRow, Following, Preceding, UnboundedFollowing, UnboundedPreceding};

#[test]
fn aggregates_over_partitions_and_the_whole_input() {
    let df = select(vec![
        col("v").sum().over([col("g")]).alias("sum_g"),
        col("v").sum().over([]).alias("sum_all"),
        col("x").mean().over([col("g")]).alias("avg_g"),
        col("x").count().over([col("g")]).alias("count_g"),
        len().over([col("g")]).alias("len_g"),
        col("s").min().over([col("g")]).alias("min_s"),
        col("x").max().over([]).alias("max_all"),
    ]);
    assert_eq!(
        ints(&df, "sum_g"),
        some(&[150, 130, 150, 130, 150, 150, 130, 80])
    );
    assert_eq!(ints(&df, "sum_all"), some(&[360; 8]));
    let a = 25.0 / 6.0;
    assert_floats(
        floats(&df, "avg_g"),
        some(&[a, 3.0, a, 3.0, a, a, 3.0, 8.0]),
    );
    assert_eq!(ints(&df, "count_g"), some(&[3, 2, 3, 2, 3, 3, 2, 1]));
    assert_eq!(ints(&df, "len_g"), some(&[4, 3, 4, 3, 4, 4, 3, 1]));
    let min_s: Vec<Option<String>> = ["p", "q", "p", "q", "p", "p", "q", "w"]
        .iter()
        .map(|s| Some(s.to_string()))
        .collect();
    assert_eq!(strings(&df, "min_s"), min_s);
    assert_eq!(floats(&df, "max_all"), some(&[8.0; 8]));
}

#[test]
fn result_types_follow_the_signatures() {
    let df = select(vec![
        col("v").sum().over([col("g")]).alias("sum_v"),
        col("o").sum().over([col("g")]).alias("sum_o"),
        col("v").mean().over([col("g")]).alias("avg_v"),
        window_fn("rank", vec![])
            .over_ordered([col("g")], by_o())
            .alias("rank"),
        window_fn("cume_dist", vec![])
            .over_ordered([col("g")], by_o())
            .alias("cume"),
        window_fn("lag", vec![col("s")])
            .over_ordered([], by_i())
            .alias("lag_s"),
    ]);
    let types: Vec<DataType> = df
        .schema()
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect();
    assert_eq!(
        types,
        vec![
            DataType::Decimal128(38, 0),
            DataType::Int64,
            DataType::Float64,
            DataType::Int64,
            DataType::Float64,
            DataType::Utf8
        ]
    );
}

#[test]
fn ranking_functions_with_ties_and_nulls() {
    let over = |f: &str, order: Vec<SortExpr>| {
        window_fn(f, vec![])
            .over_ordered([col("g")], order)
            .alias(f)
    };
    let df = select(vec![
        over("row_number", by_o_v()),
        over("rank", by_o()),
        over("dense_rank", by_o()),
        over("percent_rank", by_o()),
        over("cume_dist", by_o()),
        window_fn("ntile", vec![lit(2)])
            .over_ordered([col("g")], by_o_v())
            .alias("ntile"),
    ]);
    // NULL keys sort last (DuckDB's default) and tie with each other.
    assert_eq!(ints(&df, "row_number"), some(&[2, 1, 1, 2, 4, 3, 3, 1]));
    assert_eq!(ints(&df, "rank"), some(&[2, 1, 1, 2, 4, 2, 2, 1]));
    assert_eq!(ints(&df, "dense_rank"), some(&[2, 1, 1, 2, 3, 2, 2, 1]));
    let third = 1.0 / 3.0;
    assert_floats(
        floats(&df, "percent_rank"),
        some(&[third, 0.0, 0.0, 0.5, 1.0, third, 0.5, 0.0]),
    );
    assert_floats(
        floats(&df, "cume_dist"),
        some(&[0.75, third, 0.25, 1.0, 1.0, 0.75, 1.0, 1.0]),
    );
    assert_eq!(ints(&df, "ntile"), some(&[1, 1, 1, 1, 2, 2, 2, 1]));
}

#[test]
fn ranking_descending_nulls_first_and_without_order() {
    let df = select(vec![
        call("rank", vec![])
            .over_ordered(
                [],
                vec![SortExpr {
                    expr: col("o"),
                    descending: true,
                    nulls_first: true,
                }],
            )
            .alias("rank_desc"),
        call("row_number", vec![])
            .over_ordered([], vec![col("o").sort_desc(), col("v").sort_desc()])
            .alias("rn"),
        call("rank", vec![])
            .over([col("g")])
            .alias("rank_unordered"),
        call("row_number", vec![])
            .over([col("g")])
            .alias("rn_unordered"),
    ]);
    assert_eq!(ints(&df, "rank_desc"), some(&[3, 7, 7, 5, 1, 3, 5, 2]));
    assert_eq!(ints(&df, "rn"), some(&[3, 7, 6, 5, 8, 2, 4, 1]));
    assert_eq!(ints(&df, "rank_unordered"), some(&[1; 8]));
    // Without ORDER BY, rows are numbered in input order within their partition.
    assert_eq!(ints(&df, "rn_unordered"), some(&[1, 1, 2, 2, 3, 4, 3, 1]));
}

#[test]
fn lag_and_lead_with_offsets_and_defaults() {
    let df = select(vec![
        window_fn("lag", vec![col("v")])
            .over_ordered([col("g")], by_o_v())
            .alias("lag"),
        window_fn("lead", vec![col("v"), lit(2)])
            .over_ordered([col("g")], by_o_v())
            .alias("lead2"),
        window_fn("lag", vec![col("v"), lit(1), lit(-1)])
            .over_ordered([col("g")], by_o_v())
            .alias("lag_default"),
        window_fn("lead", vec![col("x"), lit(1), lit(0.5)])
            .over_ordered([], by_i())
            .alias("lead_x"),
        window_fn("lag", vec![col("s"), lit(2), lit("none")])
            .over_ordered([], by_i())
            .alias("lag_s"),
    ]);
    assert_eq!(
        ints(&df, "lag"),
        vec![
            Some(30),
            None,
            None,
            Some(20),
            Some(60),
            Some(10),
            Some(40),
            None
        ]
    );
    assert_eq!(
        ints(&df, "lead2"),
        vec![Some(50), Some(70), Some(60), None, None, None, None, None]
    );
    assert_eq!(
        ints(&df, "lag_default"),
        some(&[30, -1, -1, 20, 60, 10, 40, -1])
    );
    assert_eq!(
        floats(&df, "lead_x"),
        vec![
            Some(2.0),
            None,
            Some(4.0),
            Some(5.0),
            Some(6.0),
            None,
            Some(8.0),
            Some(0.5)
        ]
    );
    let lag_s: Vec<Option<String>> = ["none", "none", "p", "q", "r", "s", "t", "u"]
        .iter()
        .map(|s| Some(s.to_string()))
        .collect();
    assert_eq!(strings(&df, "lag_s"), lag_s);
}

#[test]
fn navigation_ignoring_nulls() {
    let df = select(vec![
        ignore_nulls(
            window_fn("lag", vec![col("x")])
                .over_ordered([], by_i())
                .alias("lag"),
        ),
        ignore_nulls(
            window_fn("lead", vec![col("x")])
                .over_ordered([], by_i())
                .alias("lead"),
        ),
        ignore_nulls(rows(
            window_fn("first_value", vec![col("x")])
                .over_ordered([], by_i())
                .alias("first"),
            Following(1),
            UnboundedFollowing,
        )),
        ignore_nulls(
            window_fn("last_value", vec![col("x")])
                .over_ordered([], by_i())
                .alias("last"),
        ),
    ]);
    assert_eq!(
        floats(&df, "lag"),
        vec![
            None,
            Some(1.5),
            Some(2.0),
            Some(2.0),
            Some(4.0),
            Some(5.0),
            Some(6.0),
            Some(6.0)
        ]
    );
    assert_eq!(
        floats(&df, "lead"),
        vec![
            Some(2.0),
            Some(4.0),
            Some(4.0),
            Some(5.0),
            Some(6.0),
            Some(8.0),
            Some(8.0),
            None
        ]
    );
    assert_eq!(
        floats(&df, "first"),
        vec![
            Some(2.0),
            Some(4.0),
            Some(4.0),
            Some(5.0),
            Some(6.0),
            Some(8.0),
            Some(8.0),
            None
        ]
    );
    assert_eq!(
        floats(&df, "last"),
        some(&[1.5, 2.0, 2.0, 4.0, 5.0, 6.0, 6.0, 8.0])
    );
}

#[test]
fn first_last_and_nth_value_respect_frames() {
    let df = select(vec![
        window_fn("first_value", vec![col("v")])
            .over_ordered([col("g")], by_o_v())
            .alias("first"),
        // The default frame ends at the last peer of the current row.
        window_fn("last_value", vec![col("v")])
            .over_ordered([col("g")], by_o())
            .alias("last"),
        rows(
            window_fn("last_value", vec![col("v")])
                .over_ordered([col("g")], by_o_v())
                .alias("last_whole"),
            UnboundedPreceding,
            UnboundedFollowing,
        ),
        window_fn("nth_value", vec![col("s"), lit(2)])
            .over_ordered([col("g")], by_o_v())
            .alias("nth"),
    ]);
    assert_eq!(ints(&df, "first"), some(&[30, 20, 30, 20, 30, 30, 20, 80]));
    assert_eq!(ints(&df, "last"), some(&[60, 20, 30, 70, 50, 60, 70, 80]));
    assert_eq!(
        ints(&df, "last_whole"),
        some(&[50, 70, 50, 70, 50, 50, 70, 80])
    );
    let nth: Vec<Option<String>> = [
        Some("p"),
        None,
        None,
        Some("s"),
        Some("p"),
        Some("p"),
        Some("s"),
        None,
    ]
    .iter()
    .map(|s| s.map(String::from))
    .collect();
    assert_eq!(strings(&df, "nth"), nth);
}

#[test]
fn running_aggregates() {
    let df = select(vec![
        col("v")
            .sum()
            .over_ordered([col("g")], by_o())
            .alias("sum_v"),
        col("x").sum().over_ordered([], by_o()).alias("sum_x"),
        col("x")
            .count()
            .over_ordered([col("g")], by_o())
            .alias("count_x"),
        rows(
            col("v")
                .mean()
                .over_ordered([col("g")], by_o())
                .alias("avg_rows"),
            UnboundedPreceding,
            CurrentRow,
        ),
    ]);
    // RANGE (the default) includes peers: both `o = 3` rows of `a` see 100.
    assert_eq!(
        ints(&df, "sum_v"),
        some(&[100, 20, 30, 130, 150, 100, 130, 80])
    );
    assert_floats(
        floats(&df, "sum_x"),
        some(&[13.5, 2.0, 2.0, 6.0, 26.5, 13.5, 6.0, 21.5]),
    );
    assert_eq!(ints(&df, "count_x"), some(&[2, 1, 0, 2, 3, 2, 2, 1]));
    assert_floats(
        floats(&df, "avg_rows"),
        some(&[20.0, 20.0, 30.0, 30.0, 37.5, 100.0 / 3.0, 130.0 / 3.0, 80.0]),
    );
}

#[test]
fn sliding_rows_frames() {
    let df = select(vec![
        rows(
            col("v").sum().over_ordered([], by_i()).alias("sum"),
            Preceding(1),
            Following(1),
        ),
        rows(
            col("x").mean().over_ordered([], by_i()).alias("avg"),
            Preceding(2),
            CurrentRow,
        ),
        rows(
            col("x").min().over_ordered([], by_i()).alias("min"),
            CurrentRow,
            Following(2),
        ),
        rows(
            col("s").max().over_ordered([], by_i()).alias("max"),
            Preceding(2),
            Preceding(1),
        ),
        rows(
            len().over_ordered([], by_i()).alias("len"),
            Following(1),
            Following(3),
        ),
        // A generic aggregate (no fast path) over a sliding frame.
        rows(
            col("s")
                .str_join("")
                .over_ordered([], by_i())
                .alias("joined"),
            Preceding(1),
            CurrentRow,
        ),
    ]);
    assert_eq!(
        ints(&df, "sum"),
        some(&[30, 60, 90, 120, 150, 180, 210, 150])
    );
    assert_floats(
        floats(&df, "avg"),
        some(&[1.5, 1.75, 1.75, 3.0, 4.5, 5.0, 5.5, 7.0]),
    );
    assert_eq!(
        floats(&df, "min"),
        some(&[1.5, 2.0, 4.0, 4.0, 5.0, 6.0, 8.0, 8.0])
    );
    let max: Vec<Option<String>> = [
        None,
        Some("p"),
        Some("q"),
        Some("r"),
        Some("s"),
        Some("t"),
        Some("u"),
        Some("v"),
    ]
    .iter()
    .map(|s| s.map(String::from))
    .collect();
    assert_eq!(strings(&df, "max"), max);
    assert_eq!(ints(&df, "len"), some(&[3, 3, 3, 3, 3, 2, 1, 0]));
    let joined: Vec<Option<String>> = ["p", "pq", "qr", "rs", "st", "tu", "uv", "vw"]
        .iter()
        .map(|s| Some(s.to_string()))
        .collect();
    assert_eq!(strings(&df, "joined"), joined);
}

#[test]
fn range_frames_with_value_offsets() {
    let df = select(vec![
        range(
            col("v").sum().over_ordered([], by_o()).alias("sum_o"),
            Preceding(1),
            CurrentRow,
        ),
        range(
            len().over_ordered([col("g")], by_o()).alias("len_g"),
            CurrentRow,
            Following(1),
        ),
        range(
            col("v")
                .sum()
                .over_ordered([], vec![col("d").sort_asc()])
                .alias("sum_d"),
            Preceding(3),
            CurrentRow,
        ),
        range(
            col("v")
                .sum()
                .over_ordered([], vec![col("x").sort_desc()])
                .alias("sum_x_desc"),
            Preceding(2),
            Following(2),
        ),
    ]);
    assert_eq!(
        ints(&df, "sum_o"),
        some(&[180, 50, 50, 160, 50, 180, 160, 80])
    );
    assert_eq!(ints(&df, "len_g"), some(&[2, 3, 1, 2, 1, 2, 2, 1]));
    assert_eq!(
        ints(&df, "sum_d"),
        some(&[10, 30, 60, 140, 140, 150, 70, 140])
    );
    assert_eq!(
        ints(&df, "sum_x_desc"),
        some(&[30, 70, 100, 170, 150, 230, 100, 140])
    );
}

#[test]
fn distinct_aggregates_over_windows() {
    let sum_distinct = Expr::Aggregate(AggregateCall {
        func: "sum".into(),
        args: vec![col("o")],
        distinct: true,
        filter: None,
        order_by: vec![],
    });
    let df = select(vec![
        col("o")
            .count_distinct()
            .over([col("g")])
            .alias("count_distinct"),
        sum_distinct.over_ordered([], by_i()).alias("sum_distinct"),
    ]);
    assert_eq!(ints(&df, "count_distinct"), some(&[2, 2, 2, 2, 2, 2, 2, 1]));
    assert_eq!(ints(&df, "sum_distinct"), some(&[3, 4, 4, 6, 6, 6, 6, 11]));
}

#[test]
fn window_calls_inside_expressions_and_with_columns() {
    let df = frame()
        .lazy()
        .with_columns([
            (col("v") - col("v").mean().over([col("g")])).alias("centered"),
            (col("x").sum().over_ordered([col("g")], by_o()) / col("x").sum().over([col("g")]))
                .alias("share"),
        ])
        .collect()
        .unwrap();
    assert_eq!(df.columns().len(), 9);
    assert_eq!(ints(&df, "i"), some(&[0, 1, 2, 3, 4, 5, 6, 7]));
    let b = 130.0 / 3.0;
    assert_floats(
        floats(&df, "centered"),
        some(&[-27.5, 20.0 - b, -7.5, 40.0 - b, 12.5, 22.5, 70.0 - b, 0.0]),
    );
    assert_floats(
        floats(&df, "share"),
        vec![
            Some(0.6),
            Some(1.0 / 3.0),
            None,
            Some(1.0),
            Some(1.0),
            Some(0.6),
            Some(1.0),
            Some(1.0),
        ],
    );
}

#[test]
fn windows_over_many_batches_keep_row_order() {
    // Many partitions and rows, checked against a direct computation.
    let n = 10_000i64;
    let whole = DataFrame::from_columns(vec![
        (
            "k",
            (0..n).map(|i| i % 97).collect::<Vec<_>>().into_column(),
        ),
        (
            "t",
            (0..n)
                .map(|i| (i * 7919) % n)
                .collect::<Vec<_>>()
                .into_column(),
        ),
    ])
    .unwrap()
    .to_batch()
    .unwrap();
    let batches = (0..n as usize)
        .step_by(1500)
        .map(|o| whole.slice(o, 1500.min(n as usize - o)))
        .collect();
    let df = DataFrame::try_new(whole.schema(), batches).unwrap();
    let out = df
        .lazy()
        .select([
            col("k"),
            col("t"),
            window_fn("row_number", vec![])
                .over_ordered([col("k")], vec![col("t").sort_asc()])
                .alias("rn"),
            col("t")
                .sum()
                .over_ordered([col("k")], vec![col("t").sort_asc()])
                .alias("running"),
            col("t").max().over([col("k")]).alias("max"),
        ])
        .collect()
        .unwrap();
    let k = ints(&out, "k");
    let t = ints(&out, "t");
    let (rn, running, max) = (ints(&out, "rn"), ints(&out, "running"), ints(&out, "max"));
    for i in 0..n as usize {
        let mine: Vec<i64> = (0..n as usize)
            .filter(|&j| k[j] == k[i])
            .filter_map(|j| t[j])
            .collect();
        let ti = t[i].unwrap();
        assert_eq!(
            rn[i],
            Some(mine.iter().filter(|&&x| x <= ti).count() as i64),
            "row {i}"
        );
        assert_eq!(
            running[i],
            Some(mine.iter().filter(|&&x| x <= ti).sum::<i64>()),
            "row {i}"
        );
        assert_eq!(max[i], mine.iter().max().copied(), "row {i}");
        if i > 300 {
            break;
        }
    }
}

#[test]
fn errors_are_reported() {
    let bad = frame()
        .lazy()
        .select([window_fn("ntile", vec![lit(0)])
            .over_ordered([], by_i())
            .alias("n")])
        .collect()
        .unwrap_err();
    assert!(bad.to_string().contains("greater than zero"), "{bad}");
    let bad = frame()
        .lazy()
        .select([range(
            col("v")
                .sum()
                .over_ordered([], vec![col("s").sort_asc()])
                .alias("r"),
            Preceding(1),
            CurrentRow,
        )])
        .collect()
        .unwrap_err();
    assert!(bad.to_string().contains("numeric or DATE"), "{bad}");
    let bad = frame()
        .lazy()
        .select([rows(
            col("v").sum().over_ordered([], by_i()).alias("r"),
            UnboundedFollowing,
            UnboundedFollowing,
        )])
        .collect()
        .unwrap_err();
    assert!(bad.to_string().contains("UNBOUNDED FOLLOWING"), "{bad}");
    let bad = frame()
        .lazy()
        .select([ignore_nulls(col("v").sum().over([col("g")]).alias("r"))])
        .collect()
        .unwrap_err();
    assert!(bad.to_string().contains("IGNORE NULLS"), "{bad}");
}

#[test]
fn empty_input() {
    let df = frame()
        .lazy()
        .filter(col("v").gt(lit(1000)))
        .select([
            col("v"),
            call("rank", vec![])
                .over_ordered([col("g")], by_o())
                .alias("r"),
            col("v").sum().over([col("g")]).alias("s"),
        ])
        .collect()
        .unwrap();
    assert_eq!(df.height(), 0);
    assert_eq!(df.schema().field(1).data_type(), &DataType::Int64);
}
