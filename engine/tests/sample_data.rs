//! The README's quickstart pipelines over the checked-in sample data (`datasets/sample`):
//! CSV (Utf8 strings) joined with Parquet (Utf8View strings), grouped by a long string key.

use std::path::PathBuf;

use quiver_engine::prelude::*;

fn sample(file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../datasets/sample")
        .join(file)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn top_customers_by_revenue_over_csv_and_parquet() {
    let revenue = col("l_extendedprice") * (lit(1) - col("l_discount"));
    let df = LazyFrame::scan_csv(&sample("customer.csv"), CsvOptions::default())
        .join(
            LazyFrame::scan_parquet(&sample("orders.parquet")),
            [col("c_custkey")],
            [col("o_custkey")],
            JoinHow::Inner,
        )
        .join(
            LazyFrame::scan_parquet(&sample("lineitem.parquet")),
            [col("o_orderkey")],
            [col("l_orderkey")],
            JoinHow::Inner,
        )
        .group_by([col("c_name")])
        .agg([
            revenue.sum().alias("revenue"),
            col("o_orderkey").count_distinct().alias("orders"),
        ])
        .sort(["revenue"], SortOptions::descending())
        .limit(2)
        .collect()
        .unwrap();
    let text = df.to_pretty_string().unwrap();
    assert!(
        text.contains("| Customer#000000149 | 3194821.0240 | 28     |"),
        "{text}"
    );
    assert!(
        text.contains("| Customer#000000070 | 3038484.7315 | 30     |"),
        "{text}"
    );
}

#[test]
fn q1_over_the_sample_lineitem_parquet() {
    let df = LazyFrame::scan_parquet(&sample("lineitem.parquet"))
        .filter(col("l_shipdate").lt_eq(date(1998, 9, 2)))
        .group_by([col("l_returnflag"), col("l_linestatus")])
        .agg([len().alias("count_order")])
        .sort(["l_returnflag", "l_linestatus"], SortOptions::default())
        .collect()
        .unwrap();
    let text = df.to_pretty_string().unwrap();
    assert_eq!(df.height(), 4, "{text}");
    assert!(
        text.contains("| A            | F            | 1478        |"),
        "{text}"
    );
}
