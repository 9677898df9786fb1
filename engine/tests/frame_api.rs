//! The Rust frame API end to end: every `LazyFrame` verb, joins with Polars' naming, sorting
//! options, expressions (conditionals, casts, predicates, functions) and SQL value
//! semantics (NULL logic, division by zero, decimal scales). Expected values come from
//! Polars 2.1 and DuckDB for the same data (the queries are quoted beside each check).

mod common;

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Date32Array, Decimal128Array};
use arrow::datatypes::{Decimal128Type, Int64Type};
use common::rows_of;
use quiver_engine::prelude::*;

/// Polars: `pl.DataFrame({"id": [1..8], "g": ["a","b","a","c","b","a",None,"c"],
/// "x": [10,20,None,40,50,60,70,None], "y": [1.5,2.5,3.5,None,5.5,6.5,7.5,8.5],
/// "s": ["apple","Banana","cherry",None,"date","elder","fig","grape"]})`
fn df() -> DataFrame {
    DataFrame::from_columns(vec![
        ("id", (1..=8).collect::<Vec<i64>>().into_column()),
        (
            "g",
            vec![
                Some("a"),
                Some("b"),
                Some("a"),
                Some("c"),
                Some("b"),
                Some("a"),
                None,
                Some("c"),
            ]
            .into_column(),
        ),
        (
            "x",
            vec![
                Some(10i64),
                Some(20),
                None,
                Some(40),
                Some(50),
                Some(60),
                Some(70),
                None,
            ]
            .into_column(),
        ),
        (
            "y",
            vec![
                Some(1.5f64),
                Some(2.5),
                Some(3.5),
                None,
                Some(5.5),
                Some(6.5),
                Some(7.5),
                Some(8.5),
            ]
            .into_column(),
        ),
        (
            "s",
            vec![
                Some("apple"),
                Some("Banana"),
                Some("cherry"),
                None,
                Some("date"),
                Some("elder"),
                Some("fig"),
                Some("grape"),
            ]
            .into_column(),
        ),
    ])
    .unwrap()
}

fn lf() -> LazyFrame {
    df().lazy_in(&Session::with_threads(2).unwrap())
}

/// Rows as `a|b|c`, NULL as `NULL`.
fn rows(df: &DataFrame) -> Vec<String> {
    rows_of(df).into_iter().map(|r| r.join("|")).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// One column as display strings.
fn column(df: &DataFrame, name: &str) -> Vec<String> {
    let a = df.column(name).unwrap();
    let opts = arrow::util::display::FormatOptions::default().with_null("NULL");
    let f = arrow::util::display::ArrayFormatter::try_new(a.as_ref(), &opts).unwrap();
    (0..a.len()).map(|i| f.value(i).to_string()).collect()
}

fn ids(df: &DataFrame) -> Vec<i64> {
    let a = df.column("id").unwrap();
    a.as_primitive::<Int64Type>()
        .iter()
        .map(|v| v.unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Verbs
// ---------------------------------------------------------------------------------------

#[test]
fn filter_keeps_rows_where_the_predicate_is_true() {
    // Polars: df.filter(pl.col("x") > 25) -> ids 4, 5, 6, 7 (NULL x is dropped)
    let out = lf().filter(col("x").gt(lit(25i64))).collect().unwrap();
    assert_eq!(ids(&out), vec![4, 5, 6, 7]);
    assert_eq!(out.columns(), vec!["id", "g", "x", "y", "s"]);
}

#[test]
fn select_computes_exactly_the_given_columns() {
    let out = lf()
        .select([col("id"), (col("x") * lit(2i64)).alias("x2"), col("g")])
        .collect()
        .unwrap();
    assert_eq!(out.columns(), vec!["id", "x2", "g"]);
    assert_eq!(
        column(&out, "x2"),
        strings(&["20", "40", "NULL", "80", "100", "120", "140", "NULL"])
    );
}

#[test]
fn with_columns_replaces_in_place_and_appends() {
    // Polars: df.with_columns((pl.col("x") + 1).alias("x"), (pl.col("y") * 2).alias("z"))
    // (Quiver names `col("x") + lit(1)` by its SQL text, `x + 1`, as DuckDB does; Polars
    // would name it `x`. The alias makes the replacement explicit in both.)
    let out = lf()
        .with_columns([
            (col("x") + lit(1i64)).alias("x"),
            (col("y") * lit(2.0f64)).alias("z"),
        ])
        .collect()
        .unwrap();
    assert_eq!(out.columns(), vec!["id", "g", "x", "y", "s", "z"]);
    assert_eq!(
        column(&out, "x"),
        strings(&["11", "21", "NULL", "41", "51", "61", "71", "NULL"])
    );
    assert_eq!(
        column(&out, "z"),
        strings(&["3.0", "5.0", "7.0", "NULL", "11.0", "13.0", "15.0", "17.0"])
    );
    let one = lf().with_column(lit("k").alias("g")).collect().unwrap();
    assert_eq!(one.columns(), vec!["id", "g", "x", "y", "s"]);
    assert_eq!(column(&one, "g"), vec!["k"; 8]);
}

#[test]
fn drop_and_rename() {
    let out = lf()
        .drop(["y", "s"])
        .rename(&["g"], &["grp"])
        .collect()
        .unwrap();
    assert_eq!(out.columns(), vec!["id", "grp", "x"]);
    assert_eq!(out.height(), 8);
    let err = lf().drop(["nope"]).collect().unwrap_err();
    assert_eq!(err.category(), "ColumnNotFound");
}

#[test]
fn group_by_with_expressions_over_aggregates() {
    // DuckDB: SELECT g, sum(x) sx, sum(x) / count(y) r, count(*) len FROM df GROUP BY g
    // -> ('a', 70, 23.333333333333332, 3), ('b', 70, 35.0, 2), ('c', 40, 40.0, 2), (NULL, 70, 70.0, 1)
    let out = lf()
        .group_by([col("g")])
        .agg([
            col("x").sum().alias("sx"),
            (col("x").sum() / col("y").count()).alias("r"),
            len(),
        ])
        .sort(["g"], SortOptions::default().with_nulls_last(true))
        .collect()
        .unwrap();
    assert_eq!(out.columns(), vec!["g", "sx", "r", "len"]);
    assert_eq!(
        rows(&out),
        strings(&[
            "a|70|23.333333333333332|3",
            "b|70|35.0|2",
            "c|40|40.0|2",
            "NULL|70|70.0|1"
        ])
    );
}

#[test]
fn group_by_over_many_morsels_merges_thread_states() {
    // 300,000 rows: more than one 64K-row morsel, so both workers pre-aggregate.
    // DuckDB: SELECT i % 3 k, count(*), sum(i) FROM range(300000) t(i) GROUP BY k
    // -> (0, 100000, 14999850000), (1, 100000, 14999950000), (2, 100000, 15000050000)
    let n = 300_000i64;
    let big = DataFrame::from_columns(vec![
        ("i", (0..n).collect::<Vec<i64>>().into_column()),
        (
            "k",
            (0..n).map(|i| i % 3).collect::<Vec<i64>>().into_column(),
        ),
    ])
    .unwrap();
    let out = big
        .lazy_in(&Session::with_threads(2).unwrap())
        .group_by([col("k")])
        .agg([len(), col("i").sum().alias("s")])
        .sort(["k"], SortOptions::default())
        .collect()
        .unwrap();
    assert_eq!(
        rows(&out),
        strings(&[
            "0|100000|14999850000",
            "1|100000|14999950000",
            "2|100000|15000050000"
        ])
    );
}

fn right() -> LazyFrame {
    DataFrame::from_columns(vec![
        ("g", vec!["a", "b", "z"].into_column()),
        ("x", vec![100i64, 200, 300].into_column()),
        ("label", vec!["A", "B", "Z"].into_column()),
    ])
    .unwrap()
    .lazy_in(&Session::with_threads(2).unwrap())
}

fn left3() -> LazyFrame {
    lf().select([col("id"), col("g"), col("x")])
}

fn join(how: JoinHow) -> DataFrame {
    left3()
        .join(right(), [col("g")], [col("g")], how)
        .collect()
        .unwrap()
}

#[test]
fn inner_join_suffixes_clashing_names_and_drops_the_right_key() {
    // Polars: l.join(r, on="g", how="inner") -> columns id, g, x, x_right, label
    let out = join(JoinHow::Inner);
    assert_eq!(out.columns(), vec!["id", "g", "x", "x_right", "label"]);
    let want = [
        "1|a|10|100|A",
        "2|b|20|200|B",
        "3|a|NULL|100|A",
        "5|b|50|200|B",
        "6|a|60|100|A",
    ];
    assert_eq!(sorted(rows(&out)), strings(&want));
}

#[test]
fn left_join_keeps_every_left_row() {
    let out = join(JoinHow::Left);
    assert_eq!(out.columns(), vec!["id", "g", "x", "x_right", "label"]);
    let want = [
        "1|a|10|100|A",
        "2|b|20|200|B",
        "3|a|NULL|100|A",
        "4|c|40|NULL|NULL",
        "5|b|50|200|B",
        "6|a|60|100|A",
        "7|NULL|70|NULL|NULL",
        "8|c|NULL|NULL|NULL",
    ];
    assert_eq!(sorted(rows(&out)), strings(&want));
}

#[test]
fn right_join_takes_the_key_from_the_right() {
    // Polars: l.join(r, on="g", how="right") -> columns id, x, g, x_right, label with
    // (None, None, 'z', 300, 'Z') for the unmatched right row. Compared by column name:
    // Quiver keeps the key in the left key's position.
    let out = join(JoinHow::Right);
    let mut names = out.columns();
    names.sort();
    assert_eq!(names, vec!["g", "id", "label", "x", "x_right"]);
    let by_name = |r: usize| -> String {
        ["id", "x", "g", "x_right", "label"]
            .iter()
            .map(|c| column(&out, c)[r].clone())
            .collect::<Vec<_>>()
            .join("|")
    };
    let got: Vec<String> = sorted((0..out.height()).map(by_name).collect());
    let want = [
        "1|10|a|100|A",
        "2|20|b|200|B",
        "3|NULL|a|100|A",
        "5|50|b|200|B",
        "6|60|a|100|A",
        "NULL|NULL|z|300|Z",
    ];
    assert_eq!(got, strings(&want));
}

#[test]
fn full_join_keeps_both_keys() {
    // Polars: how="full" -> columns id, g, x, g_right, x_right, label
    let out = join(JoinHow::Full);
    assert_eq!(
        out.columns(),
        vec!["id", "g", "x", "g_right", "x_right", "label"]
    );
    let want = [
        "1|a|10|a|100|A",
        "2|b|20|b|200|B",
        "3|a|NULL|a|100|A",
        "4|c|40|NULL|NULL|NULL",
        "5|b|50|b|200|B",
        "6|a|60|a|100|A",
        "7|NULL|70|NULL|NULL|NULL",
        "8|c|NULL|NULL|NULL|NULL",
        "NULL|NULL|NULL|z|300|Z",
    ];
    assert_eq!(sorted(rows(&out)), strings(&want));
}

#[test]
fn semi_and_anti_joins_keep_left_columns_only() {
    let semi = join(JoinHow::Semi);
    assert_eq!(semi.columns(), vec!["id", "g", "x"]);
    assert_eq!(
        sorted(rows(&semi)),
        strings(&["1|a|10", "2|b|20", "3|a|NULL", "5|b|50", "6|a|60"])
    );
    let anti = join(JoinHow::Anti);
    assert_eq!(anti.columns(), vec!["id", "g", "x"]);
    assert_eq!(
        sorted(rows(&anti)),
        strings(&["4|c|40", "7|NULL|70", "8|c|NULL"])
    );
}

#[test]
fn join_on_differently_named_keys_drops_the_right_key() {
    let r = right().rename(&["g"], &["grp"]);
    let out = left3()
        .join(r, [col("g")], [col("grp")], JoinHow::Inner)
        .collect()
        .unwrap();
    assert_eq!(out.columns(), vec!["id", "g", "x", "x_right", "label"]);
    assert_eq!(out.height(), 5);
}

#[test]
fn join_with_a_custom_suffix_and_kept_right_keys() {
    let args = JoinArgs {
        how: JoinHow::Inner,
        suffix: "_r".into(),
        keep_right_keys: true,
    };
    let out = left3()
        .join(right(), [col("g")], [col("g")], args)
        .collect()
        .unwrap();
    assert_eq!(out.columns(), vec!["id", "g", "x", "g_r", "x_r", "label"]);
}

#[test]
fn cross_join_pairs_every_row() {
    // Polars: l.join(r, how="cross") -> 8 * 3 rows, clashing names suffixed.
    let out = left3().cross_join(right()).collect().unwrap();
    assert_eq!(
        out.columns(),
        vec!["id", "g", "x", "g_right", "x_right", "label"]
    );
    assert_eq!(out.height(), 24);
    assert_eq!(
        column(&out, "label").iter().filter(|l| *l == "Z").count(),
        8
    );
}

#[test]
fn filters_after_a_left_join_keep_outer_join_semantics() {
    // Polars: l.join(r, on="g", how="left").filter(pl.col("label").is_null()) -> ids 4, 7, 8
    let unmatched = left3()
        .join(right(), [col("g")], [col("g")], JoinHow::Left)
        .filter(col("label").is_null())
        .sort(["id"], SortOptions::default())
        .collect()
        .unwrap();
    assert_eq!(ids(&unmatched), vec![4, 7, 8]);
    // Polars: ... .filter(pl.col("x") > 15).filter(pl.col("x_right") >= 200)
    //   -> (2, 'b', 20, 200, 'B'), (5, 'b', 50, 200, 'B')
    let both = left3()
        .join(right(), [col("g")], [col("g")], JoinHow::Left)
        .filter(col("x").gt(lit(15i64)))
        .filter(col("x_right").gt_eq(lit(200i64)))
        .collect()
        .unwrap();
    assert_eq!(
        sorted(rows(&both)),
        strings(&["2|b|20|200|B", "5|b|50|200|B"])
    );
}

#[test]
fn self_join_with_filters_on_both_sides() {
    // Polars: l.join(l, on="g").filter((pl.col("x") > 15) & (pl.col("x_right") < 50))
    let l = lf().select([col("id"), col("g"), col("x")]);
    let out = l
        .clone()
        .join(l, [col("g")], [col("g")], JoinHow::Inner)
        .filter(col("x").gt(lit(15i64)).and(col("x_right").lt(lit(50i64))))
        .collect()
        .unwrap();
    assert_eq!(out.columns(), vec!["id", "g", "x", "id_right", "x_right"]);
    assert_eq!(
        sorted(rows(&out)),
        strings(&["2|b|20|2|20", "4|c|40|4|40", "5|b|50|2|20", "6|a|60|1|10"])
    );
}

#[test]
fn a_small_left_input_is_moved_to_the_build_side() {
    // 3 rows joined with 8: the 8-row side becomes the probe side; columns keep their order.
    let out = right().join(left3(), [col("g")], [col("g")], JoinHow::Inner);
    let text = out.explain().unwrap();
    let physical = text.split("physical plan:\n").nth(1).unwrap();
    assert!(
        physical.contains("  HashJoinExec: Inner on=[g_right = g]\n"),
        "{text}"
    );
    assert!(
        physical.ends_with("    ScanExec: memory (3 rows, 1 batches)\n"),
        "the 3-row side builds:\n{text}"
    );
    let df = out.collect().unwrap();
    assert_eq!(df.columns(), vec!["g", "x", "label", "id", "x_right"]);
    assert_eq!(
        sorted(rows(&df)),
        strings(&[
            "a|100|A|1|10",
            "a|100|A|3|NULL",
            "a|100|A|6|60",
            "b|200|B|2|20",
            "b|200|B|5|50"
        ])
    );
}

#[test]
fn sort_by_several_keys_descending_per_key() {
    // Polars: df.sort(["g", "x"], descending=[False, True], nulls_last=True)
    //   -> ids 6, 1, 3, 5, 2, 4, 8, 7
    let opts = SortOptions::descending_per_key(vec![false, true]).with_nulls_last(true);
    let out = lf().sort(["g", "x"], opts).collect().unwrap();
    assert_eq!(ids(&out), vec![6, 1, 3, 5, 2, 4, 8, 7]);
    // nulls_last=False (Polars' default) -> ids 7, 3, 6, 1, 5, 2, 8, 4
    let out = lf()
        .sort(
            ["g", "x"],
            SortOptions::descending_per_key(vec![false, true]),
        )
        .collect()
        .unwrap();
    assert_eq!(ids(&out), vec![7, 3, 6, 1, 5, 2, 8, 4]);
}

#[test]
fn sort_by_expression_all_descending() {
    // Polars: df.sort(pl.col("y") * -1, descending=True) sorts y ascending, NULL first.
    let out = lf()
        .sort_by_exprs([col("y") * lit(-1.0f64)], SortOptions::descending())
        .collect()
        .unwrap();
    assert_eq!(ids(&out), vec![4, 1, 2, 3, 5, 6, 7, 8]);
}

#[test]
fn limit_and_slice() {
    assert_eq!(ids(&lf().limit(3).collect().unwrap()), vec![1, 2, 3]);
    assert_eq!(ids(&lf().slice(2, 3).collect().unwrap()), vec![3, 4, 5]);
    assert_eq!(ids(&lf().slice(6, 10).collect().unwrap()), vec![7, 8]);
    assert_eq!(lf().slice(20, 2).collect().unwrap().height(), 0);
    // Top-k: sort then limit.
    let top = lf()
        .sort(["x"], SortOptions::descending().with_nulls_last(true))
        .limit(2)
        .collect()
        .unwrap();
    assert_eq!(ids(&top), vec![7, 6]);
}

#[test]
fn unique_rows() {
    // Polars: df.select("g").unique() -> 4 rows including NULL
    let out = lf()
        .select([col("g")])
        .unique()
        .sort(["g"], SortOptions::default())
        .collect()
        .unwrap();
    assert_eq!(column(&out, "g"), strings(&["NULL", "a", "b", "c"]));
}

// ---------------------------------------------------------------------------------------
// EXPLAIN
// ---------------------------------------------------------------------------------------

#[test]
fn explain_names_the_operators() {
    let text = left3()
        .filter(col("x").gt(lit(15i64)))
        .join(right(), [col("g")], [col("g")], JoinHow::Inner)
        .group_by([col("g")])
        .agg([col("x_right").sum().alias("t")])
        .sort(["t"], SortOptions::descending())
        .limit(2)
        .explain()
        .unwrap();
    assert!(text.starts_with("logical plan:\n"), "{text}");
    for op in [
        "physical plan:",
        "LimitExec",
        "TopKExec",
        "HashAggregateExec",
        "HashJoinExec",
        "FilterExec",
        "ScanExec",
    ] {
        assert!(text.contains(op), "`{op}` missing from:\n{text}");
    }
    assert!(text.contains("filters=[x > 15]"), "{text}");
}

#[test]
fn explain_of_a_small_pipeline_is_stable() {
    let text = lf()
        .filter(col("x").gt(lit(15i64)).and(col("g").is_not_null()))
        .select([col("id"), (col("x") * lit(2i64)).alias("x2")])
        .sort(["x2"], SortOptions::descending())
        .limit(3)
        .explain()
        .unwrap();
    assert_eq!(text, EXPLAIN_SMALL_PIPELINE);
}

const EXPLAIN_SMALL_PIPELINE: &str = "\
logical plan:
Limit: skip=0 fetch=3
  Sort: x2 DESC NULLS FIRST fetch=3
    Projection: id, x * 2 AS x2
      Filter: (x > 15) AND g IS NOT NULL
        TableScan: df projection=[id, g, x] filters=[x > 15, g IS NOT NULL]

physical plan:
LimitExec: skip=0 fetch=3
  TopKExec: x2 DESC NULLS FIRST fetch=3
    ProjectionExec: id, x * 2 AS x2
      FilterExec: (x > 15) AND g IS NOT NULL
        ScanExec: memory (8 rows, 1 batches) projection=[id, g, x] pruning=[x > 15, g IS NOT NULL]
";

// ---------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------

#[test]
fn when_then_otherwise() {
    // Polars: pl.when(pl.col("x") > 30).then(pl.lit("high")).when(pl.col("x").is_null())
    //   .then(pl.lit("none")).otherwise(pl.lit("low"))
    let size = when(col("x").gt(lit(30i64)))
        .then(lit("high"))
        .when(col("x").is_null())
        .then(lit("none"))
        .otherwise(lit("low"))
        .alias("size");
    let out = lf().select([size]).collect().unwrap();
    assert_eq!(
        column(&out, "size"),
        strings(&["low", "low", "none", "high", "high", "high", "high", "none"])
    );
    // Without otherwise: NULL where nothing holds.
    let out = lf()
        .select([when(col("g").eq(lit("a")))
            .then(col("id"))
            .end()
            .alias("a_id")])
        .collect()
        .unwrap();
    assert_eq!(
        column(&out, "a_id"),
        strings(&["1", "NULL", "3", "NULL", "NULL", "6", "NULL", "NULL"])
    );
}

#[test]
fn casts() {
    let out = lf()
        .select([
            col("x").cast(DataType::Utf8).alias("xs"),
            col("id").cast(DataType::Float64).alias("f"),
            lit("12").cast(DataType::Int64).alias("n"),
        ])
        .collect()
        .unwrap();
    assert_eq!(out.schema().field(0).data_type(), &DataType::Utf8);
    assert_eq!(column(&out, "xs")[..3], strings(&["10", "20", "NULL"]));
    assert_eq!(column(&out, "f")[0], "1.0");
    assert_eq!(column(&out, "n")[0], "12");
    // TRY_CAST gives NULL where the value does not convert; CAST fails.
    let out = lf()
        .select([col("s").try_cast(DataType::Int64).alias("n")])
        .collect()
        .unwrap();
    assert_eq!(out.column("n").unwrap().null_count(), 8);
    let err = lf()
        .select([col("s").cast(DataType::Int64)])
        .collect()
        .unwrap_err();
    assert_eq!(err.category(), "Conversion", "{err}");
}

#[test]
fn cast_double_to_integer_rounds_like_duckdb() {
    // DuckDB: SELECT CAST(7.9::DOUBLE AS BIGINT), CAST(-1.5::DOUBLE AS BIGINT) -> 8, -2
    // (DuckDB rounds to the nearest integer; Arrow's cast truncates).
    let out = DataFrame::from_columns(vec![("v", vec![7.9f64, -1.5].into_column())])
        .unwrap()
        .lazy()
        .select([col("v").cast(DataType::Int64).alias("n")])
        .collect()
        .unwrap();
    assert_eq!(column(&out, "n"), strings(&["8", "-2"]));
}

#[test]
fn is_in_is_between_and_like() {
    let out = lf()
        .select([
            col("g").is_in([lit("a"), lit("c")]).alias("in_ac"),
            col("x").is_between(lit(20i64), lit(50i64)).alias("between"),
            col("s").like("%e%").alias("has_e"),
            col("s").ilike("b%").alias("b_any_case"),
            col("s").not_like("_a%").alias("not_2nd_a"),
        ])
        .collect()
        .unwrap();
    // DuckDB: g IN ('a','c'); x BETWEEN 20 AND 50; s LIKE '%e%'; s ILIKE 'b%'; s NOT LIKE '_a%'
    assert_eq!(
        column(&out, "in_ac"),
        strings(&["true", "false", "true", "true", "false", "true", "NULL", "true"])
    );
    assert_eq!(
        column(&out, "between"),
        strings(&["false", "true", "NULL", "true", "true", "false", "false", "NULL"])
    );
    assert_eq!(
        column(&out, "has_e"),
        strings(&["true", "false", "true", "NULL", "true", "true", "false", "true"])
    );
    assert_eq!(
        column(&out, "b_any_case"),
        strings(&["false", "true", "false", "NULL", "false", "false", "false", "false"])
    );
    assert_eq!(
        column(&out, "not_2nd_a"),
        strings(&["true", "false", "true", "NULL", "false", "true", "true", "true"])
    );
}

#[test]
fn string_date_and_math_functions() {
    // DuckDB: SELECT upper(s), length(s), round(y), abs(-x) FROM df ORDER BY id
    let out = lf()
        .select([
            call("upper", vec![col("s")]).alias("u"),
            call("length", vec![col("s")]).alias("n"),
            call("round", vec![col("y")]).alias("r"),
            call("abs", vec![-col("x")]).alias("a"),
        ])
        .collect()
        .unwrap();
    assert_eq!(
        column(&out, "u"),
        strings(&["APPLE", "BANANA", "CHERRY", "NULL", "DATE", "ELDER", "FIG", "GRAPE"])
    );
    assert_eq!(
        column(&out, "n"),
        strings(&["5", "6", "6", "NULL", "4", "5", "3", "5"])
    );
    assert_eq!(
        column(&out, "r"),
        strings(&["2.0", "3.0", "4.0", "NULL", "6.0", "7.0", "8.0", "9.0"])
    );
    assert_eq!(
        column(&out, "a"),
        strings(&["10", "20", "NULL", "40", "50", "60", "70", "NULL"])
    );
    // DuckDB: year(DATE '2024-02-29'), month(..), DATE '2024-02-29' + 1
    let days: ArrayRef = Arc::new(Date32Array::from(vec![Some(19782), None]));
    let dates = DataFrame::from_columns(vec![("d", days)]).unwrap();
    let out = dates
        .lazy()
        .select([
            call("year", vec![col("d")]).alias("y"),
            call("month", vec![col("d")]).alias("m"),
            (col("d") + lit(1i32)).alias("next"),
            col("d").gt(date(2024, 1, 1)).alias("after"),
        ])
        .collect()
        .unwrap();
    assert_eq!(
        rows(&out),
        strings(&["2024|2|2024-03-01|true", "NULL|NULL|NULL|NULL"])
    );
}

#[test]
fn integer_division_by_zero_is_null() {
    // Quiver follows DuckDB 1.x and Polars' integer division: x / 0, x // 0 and x % 0 are NULL.
    let out = lf()
        .limit(2)
        .select([
            (col("x") / lit(0i64)).alias("div"),
            col("x").floor_div(lit(0i64)).alias("idiv"),
            (col("x") % lit(0i64)).alias("rem"),
            (col("x") / (col("id") - lit(1i64))).alias("mixed"),
        ])
        .collect()
        .unwrap();
    assert_eq!(
        rows(&out),
        strings(&["NULL|NULL|NULL|NULL", "NULL|NULL|NULL|20.0"])
    );
}

#[test]
fn three_valued_logic() {
    // DuckDB: NULL AND false = false, NULL OR true = true, NULL AND true = NULL,
    // NULL OR false = NULL, NOT NULL = NULL.
    let b = DataFrame::from_columns(vec![(
        "b",
        vec![None, Some(true), Some(false)].into_column(),
    )])
    .unwrap();
    let out = b
        .lazy()
        .select([
            col("b").and(lit(false)).alias("and_f"),
            col("b").or(lit(true)).alias("or_t"),
            col("b").and(lit(true)).alias("and_t"),
            col("b").or(lit(false)).alias("or_f"),
            col("b").not().alias("not"),
        ])
        .collect()
        .unwrap();
    assert_eq!(
        rows(&out),
        strings(&[
            "false|true|NULL|NULL|NULL",
            "false|true|true|true|false",
            "false|true|false|false|true"
        ])
    );
    // The same with a NULL literal (constant-folded at planning time).
    let out = lf()
        .limit(1)
        .select([
            lit_null(&DataType::Boolean).and(lit(false)).alias("a"),
            lit_null(&DataType::Boolean).or(lit(true)).alias("o"),
            lit_null(&DataType::Boolean).and(lit(true)).alias("n"),
        ])
        .collect()
        .unwrap();
    assert_eq!(rows(&out), strings(&["false|true|NULL"]));
}

fn decimals(values: Vec<Option<i128>>, p: u8, s: i8) -> ArrayRef {
    Arc::new(
        Decimal128Array::from(values)
            .with_precision_and_scale(p, s)
            .unwrap(),
    )
}

#[test]
fn decimal_arithmetic_keeps_scale() {
    // DuckDB: 1.50::DECIMAL(15,2) * 2.25::DECIMAL(15,2) = 3.3750 (scale 4);
    // + keeps scale 2; sum() of DECIMAL(15,2) is DECIMAL(38,2).
    let d = DataFrame::from_columns(vec![
        ("p", decimals(vec![Some(150), Some(-1005), None], 15, 2)),
        ("q", decimals(vec![Some(225), Some(300), Some(100)], 15, 2)),
    ])
    .unwrap();
    let out = d
        .lazy()
        .select([
            (col("p") * col("q")).alias("m"),
            (col("p") + col("q")).alias("a"),
        ])
        .collect()
        .unwrap();
    match out.schema().field(0).data_type() {
        DataType::Decimal128(_, s) => assert_eq!(*s, 4),
        other => panic!("p * q is {other}"),
    }
    match out.schema().field(1).data_type() {
        DataType::Decimal128(_, s) => assert_eq!(*s, 2),
        other => panic!("p + q is {other}"),
    }
    assert_eq!(column(&out, "m"), strings(&["3.3750", "-30.1500", "NULL"]));
    assert_eq!(column(&out, "a"), strings(&["3.75", "-7.05", "NULL"]));
    let total = d
        .lazy()
        .select([col("p").sum().alias("t")])
        .collect()
        .unwrap();
    assert_eq!(
        total.schema().field(0).data_type(),
        &DataType::Decimal128(38, 2)
    );
    let v = total.column("t").unwrap();
    assert_eq!(v.as_primitive::<Decimal128Type>().value(0), -855);
}

#[test]
fn mistakes_surface_at_collect() {
    let bad = lf().filter(col("nope").gt(lit(1i64)));
    assert!(bad.schema().is_err());
    let err = bad.select([col("id")]).collect().unwrap_err();
    assert_eq!(err.category(), "ColumnNotFound");
}

#[test]
fn explode_gives_one_row_per_list_element() {
    use arrow::array::{Int32Array, ListArray};
    use arrow::datatypes::Int32Type;
    let lists = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1), Some(2)]),
        None,
        Some(vec![]),
        Some(vec![Some(3)]),
    ]);
    let df = DataFrame::from_columns(vec![
        (
            "k",
            std::sync::Arc::new(Int32Array::from(vec![10, 20, 30, 40])),
        ),
        ("l", std::sync::Arc::new(lists)),
    ])
    .unwrap();
    let out = df.lazy().explode("l").collect().unwrap();
    let b = out.to_batch().unwrap();
    let k: Vec<i32> = b
        .column(0)
        .as_any()
        .downcast_ref::<Int32Array>()
        .unwrap()
        .values()
        .to_vec();
    let l: Vec<i32> = b
        .column(1)
        .as_any()
        .downcast_ref::<Int32Array>()
        .unwrap()
        .values()
        .to_vec();
    assert_eq!(k, vec![10, 10, 40]);
    assert_eq!(l, vec![1, 2, 3]);
}
