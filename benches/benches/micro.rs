//! Criterion micro-benchmarks of the engine's hot paths through the frame API, on
//! generated in-memory data (the h2o db-benchmark tables at 1e6 rows and TPC-H lineitem
//! at SF0.1): filter, hash aggregation for each kind of key (none, one integer, short
//! strings, long strings, several columns as row keys), hash joins with a small and a
//! large build side, sorts, and Parquet and CSV scans of temporary files.
//!
//! `cargo bench -p quiver-benches --bench micro [-- FILTER]`; `QUIVER_BENCH_THREADS`
//! sets the thread count (default 2), `QUIVER_BENCH_ROWS` the h2o rows (default 1e6).

use std::sync::Arc;
use std::time::Duration;

use arrow::array::{ArrayRef, AsArray, RecordBatch, StringBuilder};
use arrow::datatypes::{DataType, Field, Int32Type, Schema};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use quiver_datasets::h2o::groupby::{self, GroupbySpec};
use quiver_datasets::h2o::join::{self, JoinSpec, JoinTable};
use quiver_datasets::tpch;
use quiver_engine::io::{write_csv, write_parquet, CsvWriteOptions, ParquetWriteOptions};
use quiver_engine::prelude::*;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| quiver_datasets::h2o::parse_count(&v).ok())
        .unwrap_or(default)
}

struct Data {
    session: Session,
    /// The h2o group-by table plus `long`: `id6` spelled as a 40-byte string.
    groupby: DataFrame,
    lineitem: DataFrame,
    x: DataFrame,
    medium: DataFrame,
    big: DataFrame,
    rows: usize,
}

fn with_long_key(schema: &Schema, batches: Vec<RecordBatch>) -> DataFrame {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new("long", DataType::Utf8, true));
    let schema = Arc::new(Schema::new(fields));
    let batches = batches
        .into_iter()
        .map(|b| {
            let id6 = b.column(5).as_primitive::<Int32Type>();
            let mut long = StringBuilder::new();
            for v in id6.iter() {
                long.append_option(v.map(|v| format!("a long group key, number {v:015}")));
            }
            let mut columns: Vec<ArrayRef> = b.columns().to_vec();
            columns.push(Arc::new(long.finish()));
            RecordBatch::try_new(schema.clone(), columns).unwrap()
        })
        .collect();
    DataFrame::try_new(schema, batches).unwrap()
}

fn data() -> Data {
    let threads = env_or("QUIVER_BENCH_THREADS", 2);
    let rows = env_or("QUIVER_BENCH_ROWS", 1_000_000);
    let session = Session::with_threads(threads).unwrap();
    let (schema, batches) = groupby::generate(&GroupbySpec {
        rows,
        groups: 100,
        ..Default::default()
    })
    .unwrap();
    let groupby = with_long_key(&schema, batches);
    let (schema, batches) = tpch::generate("lineitem", 0.1).unwrap();
    let lineitem = DataFrame::try_new(schema, batches).unwrap();
    let spec = JoinSpec {
        rows: rows.max(1_000_000),
        ..Default::default()
    };
    let table = |t| {
        let (schema, batches) = join::generate(&spec, t).unwrap();
        DataFrame::try_new(schema, batches).unwrap()
    };
    Data {
        session,
        groupby,
        lineitem,
        x: table(JoinTable::X),
        medium: table(JoinTable::Medium),
        big: table(JoinTable::Big),
        rows,
    }
}

fn run(frame: LazyFrame) -> usize {
    frame.collect().unwrap().height()
}

fn benches(c: &mut Criterion) {
    let d = data();
    let s = &d.session;
    let g = || d.groupby.lazy_in(s);

    let mut group = c.benchmark_group("filter");
    group.throughput(Throughput::Elements(d.lineitem.height() as u64));
    group.bench_function("lineitem_q6_predicate", |b| {
        b.iter(|| {
            run(d.lineitem.lazy_in(s).filter(
                col("l_shipdate")
                    .gt_eq(date(1994, 1, 1))
                    .and(col("l_shipdate").lt(date(1995, 1, 1)))
                    .and(col("l_discount").is_between(lit(0.05), lit(0.07)))
                    .and(col("l_quantity").lt(lit(24))),
            ))
        })
    });
    group.throughput(Throughput::Elements(d.rows as u64));
    group.bench_function("h2o_string_eq", |b| {
        b.iter(|| run(g().filter(col("id1").eq(lit("id042")))))
    });
    group.finish();

    let mut group = c.benchmark_group("aggregate");
    group.throughput(Throughput::Elements(d.rows as u64));
    let keyed: [(&str, Vec<Expr>); 6] = [
        ("int_key_100", vec![col("id4")]),
        ("int_key_10k", vec![col("id6")]),
        ("short_string_key_100", vec![col("id1")]),
        ("string_key_10k", vec![col("id3")]),
        ("long_string_key_10k", vec![col("long")]),
        (
            "row_key_6_columns",
            cols(["id1", "id2", "id3", "id4", "id5", "id6"]),
        ),
    ];
    group.bench_function("no_key", |b| {
        b.iter(|| run(g().select([col("v1").sum().alias("v1"), col("v3").mean().alias("v3")])))
    });
    for (name, keys) in keyed {
        group.bench_function(name, |b| {
            b.iter(|| {
                run(g()
                    .group_by(keys.clone())
                    .agg([col("v1").sum().alias("v1"), col("v3").mean().alias("v3")]))
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("join");
    group.throughput(Throughput::Elements(d.x.height() as u64));
    for (name, right, key) in [
        ("small_build_1e3", &d.medium, "id2"),
        ("large_build_1e6", &d.big, "id3"),
    ] {
        group.bench_function(BenchmarkId::new("inner", name), |b| {
            b.iter(|| {
                run(d.x.lazy_in(s).join(
                    right.lazy_in(s).select([col(key), col("v2")]),
                    [col(key)],
                    [col(key)],
                    JoinHow::Inner,
                ))
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("sort");
    group.throughput(Throughput::Elements(d.rows as u64));
    group.bench_function("f64", |b| {
        b.iter(|| run(g().sort(["v3"], SortOptions::default())))
    });
    group.bench_function("string_then_f64", |b| {
        b.iter(|| run(g().sort(["id3", "v3"], SortOptions::default())))
    });
    group.bench_function("top_100", |b| {
        b.iter(|| run(g().sort(["v3"], SortOptions::descending()).limit(100)))
    });
    group.finish();

    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("groupby.parquet");
    let csv = dir.path().join("groupby.csv");
    let schema = d.groupby.schema().clone();
    write_parquet(
        &parquet,
        &schema,
        d.groupby.batches(),
        &ParquetWriteOptions::default(),
    )
    .unwrap();
    write_csv(
        &csv,
        &schema,
        d.groupby.batches(),
        &CsvWriteOptions::default(),
    )
    .unwrap();
    let (parquet, csv) = (
        parquet.to_string_lossy().into_owned(),
        csv.to_string_lossy().into_owned(),
    );
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Elements(d.rows as u64));
    group.bench_function("parquet_all_columns", |b| {
        b.iter(|| run(LazyFrame::scan_parquet(&parquet).with_session(s)))
    });
    group.bench_function("parquet_two_columns_filtered", |b| {
        b.iter(|| {
            run(LazyFrame::scan_parquet(&parquet)
                .with_session(s)
                .filter(col("v1").eq(lit(1)))
                .select(cols(["id6", "v3"])))
        })
    });
    group.bench_function("csv_all_columns", |b| {
        b.iter(|| run(LazyFrame::scan_csv(&csv, CsvOptions::default()).with_session(s)))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = micro;
    config = config();
    targets = benches
}
criterion_main!(micro);
