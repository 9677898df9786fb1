//! File IO through the public API: write a batch in every format, read it back through
//! `TableSource::morsels` + `Morsel::read`, CSV sniffing, projection, Parquet row-group
//! pruning, hive partitions, error messages and atomic writes.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array,
    StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use quiver_engine::expr::{col, lit, Expr};
use quiver_engine::io::{
    csv_source, ipc_source, json_source, parquet_source, source_for_path, write_csv, write_ipc,
    write_ndjson, write_parquet, CsvOptions, CsvSource, CsvWriteOptions, JsonOptions, JsonSource,
    ParquetCompression, ParquetWriteOptions, WriteOptions,
};
use quiver_engine::logical::{ScanRequest, TableSource};
use quiver_engine::Error;

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("score", DataType::Float64, true),
        Field::new("name", DataType::Utf8, true),
        Field::new("day", DataType::Date32, true),
        Field::new("price", DataType::Decimal128(15, 2), true),
        Field::new("at", DataType::Timestamp(TimeUnit::Microsecond, None), true),
        Field::new("ok", DataType::Boolean, true),
    ]))
}

fn batch() -> RecordBatch {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![Some(1), None, Some(-3), Some(4)])),
        Arc::new(Float64Array::from(vec![
            Some(1.5),
            Some(-2.25),
            None,
            Some(1e10),
        ])),
        Arc::new(StringArray::from(vec![
            Some("alpha"),
            Some("b, \"quoted\""),
            Some("ü"),
            None,
        ])),
        Arc::new(Date32Array::from(vec![
            Some(19723),
            Some(0),
            None,
            Some(-1),
        ])),
        Arc::new(
            Decimal128Array::from(vec![Some(12345), None, Some(-1), Some(9_999_999_999_999)])
                .with_precision_and_scale(15, 2)
                .unwrap(),
        ),
        Arc::new(TimestampMicrosecondArray::from(vec![
            Some(1_704_164_645_123_456),
            None,
            Some(0),
            Some(-1_000_000),
        ])),
        Arc::new(BooleanArray::from(vec![
            Some(true),
            Some(false),
            None,
            Some(true),
        ])),
    ];
    RecordBatch::try_new(schema(), columns).unwrap()
}

fn scan(
    source: &dyn TableSource,
    projection: Option<Vec<usize>>,
    filters: Vec<Expr>,
) -> Vec<RecordBatch> {
    let request = ScanRequest {
        projection,
        filters,
        limit: None,
        batch_size: 1024,
    };
    let mut out = Vec::new();
    for morsel in source.morsels(&request).unwrap() {
        out.extend(morsel.read().unwrap());
    }
    out
}

fn concat(batches: &[RecordBatch]) -> RecordBatch {
    arrow::compute::concat_batches(&batches[0].schema(), batches).unwrap()
}

fn assert_same_values(got: &RecordBatch, want: &RecordBatch, what: &str) {
    assert_eq!(got.num_rows(), want.num_rows(), "{what}: row count");
    assert_eq!(
        got.num_columns(),
        want.num_columns(),
        "{what}: column count"
    );
    for i in 0..want.num_columns() {
        let g = got.column(i);
        let g = if g.data_type() == &DataType::Utf8View {
            arrow::compute::cast(g, &DataType::Utf8).unwrap()
        } else {
            g.clone()
        };
        assert_eq!(
            g.as_ref(),
            want.column(i).as_ref(),
            "{what}: column `{}` differs",
            want.schema().field(i).name()
        );
        assert_eq!(got.schema().field(i).name(), want.schema().field(i).name());
    }
}

#[test]
fn round_trip_through_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let want = batch();
    let schema = schema();

    // Parquet, with both compressions.
    for (name, compression) in [
        ("s.parquet", ParquetCompression::Snappy),
        ("z.parquet", ParquetCompression::Zstd(3)),
    ] {
        let options = ParquetWriteOptions {
            compression,
            ..Default::default()
        };
        let summary =
            write_parquet(d.join(name), &schema, std::slice::from_ref(&want), &options).unwrap();
        assert_eq!(summary.rows, 4);
        let source = parquet_source([d.join(name)]).unwrap();
        assert_eq!(source.estimated_rows(), Some(4));
        assert_same_values(&concat(&scan(source.as_ref(), None, vec![])), &want, name);
    }

    // Arrow IPC.
    write_ipc(
        d.join("t.arrow"),
        &schema,
        std::slice::from_ref(&want),
        &WriteOptions::default(),
    )
    .unwrap();
    let source = ipc_source([d.join("t.arrow")]).unwrap();
    assert_same_values(&concat(&scan(source.as_ref(), None, vec![])), &want, "ipc");

    // CSV, read back with the schema.
    write_csv(
        d.join("t.csv"),
        &schema,
        std::slice::from_ref(&want),
        &CsvWriteOptions::default(),
    )
    .unwrap();
    let options = CsvOptions {
        schema: Some(schema.clone()),
        ..Default::default()
    };
    let source = csv_source([d.join("t.csv")], options).unwrap();
    assert_same_values(&concat(&scan(source.as_ref(), None, vec![])), &want, "csv");
    // ... and sniffed: the decimal comes back as DOUBLE, everything else as written.
    let source = csv_source([d.join("t.csv")], CsvOptions::default()).unwrap();
    let types: Vec<DataType> = source
        .schema()
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect();
    assert_eq!(
        types,
        vec![
            DataType::Int64,
            DataType::Float64,
            DataType::Utf8,
            DataType::Date32,
            DataType::Float64,
            DataType::Timestamp(TimeUnit::Microsecond, None),
            DataType::Boolean,
        ]
    );
    let got = concat(&scan(source.as_ref(), Some(vec![0, 2, 3, 5, 6]), vec![]));
    let want_subset = want.project(&[0, 2, 3, 5, 6]).unwrap();
    assert_same_values(&got, &want_subset, "sniffed csv");

    // Newline-delimited JSON, read back with the schema.
    write_ndjson(
        d.join("t.jsonl"),
        &schema,
        std::slice::from_ref(&want),
        &WriteOptions::default(),
    )
    .unwrap();
    let options = JsonOptions {
        schema: Some(schema.clone()),
        ..Default::default()
    };
    let source = JsonSource::try_new([d.join("t.jsonl")], options).unwrap();
    assert_same_values(&concat(&scan(&source, None, vec![])), &want, "json");
    // Inferred, the integer and text columns come back as they were.
    let source = json_source([d.join("t.jsonl")]).unwrap();
    let got = concat(&scan(source.as_ref(), Some(vec![0, 2]), vec![]));
    assert_same_values(&got, &want.project(&[0, 2]).unwrap(), "inferred json");

    // source_for_path picks the reader from the extension.
    for name in ["s.parquet", "t.arrow", "t.csv", "t.jsonl"] {
        let source = source_for_path(d.join(name)).unwrap();
        let rows: usize = scan(source.as_ref(), None, vec![])
            .iter()
            .map(|b| b.num_rows())
            .sum();
        assert_eq!(rows, 4, "{name}");
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn names_and_types(source: &dyn TableSource) -> Vec<(String, DataType)> {
    source
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect()
}

#[test]
fn csv_sniffing_of_delimiter_header_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    write(
        &d.join("pipes.csv"),
        "id|city|temp|measured|valid\n1|Oslo|-3.5|2024-01-02|true\n2|Rome, IT|12|2024-01-03|false\n3||7.25|2024-01-04|\n",
    );
    let s = CsvSource::try_new([d.join("pipes.csv")], CsvOptions::default()).unwrap();
    assert_eq!(s.delimiter(), b'|');
    assert!(s.has_header());
    assert_eq!(
        names_and_types(&s),
        vec![
            ("id".into(), DataType::Int64),
            ("city".into(), DataType::Utf8),
            ("temp".into(), DataType::Float64),
            ("measured".into(), DataType::Date32),
            ("valid".into(), DataType::Boolean),
        ]
    );
    let b = concat(&scan(&s, None, vec![]));
    assert_eq!(b.num_rows(), 3);
    assert!(b.column(1).is_null(2), "empty string is NULL");
    assert!(b.column(4).is_null(2));

    write(
        &d.join("noheader.csv"),
        "1;2024-05-01 10:00:00;x\n2;2024-05-02 11:30:00;y\n",
    );
    let s = CsvSource::try_new([d.join("noheader.csv")], CsvOptions::default()).unwrap();
    assert_eq!(s.delimiter(), b';');
    assert!(!s.has_header());
    assert_eq!(
        names_and_types(&s),
        vec![
            ("column0".into(), DataType::Int64),
            (
                "column1".into(),
                DataType::Timestamp(TimeUnit::Microsecond, None)
            ),
            ("column2".into(), DataType::Utf8),
        ]
    );
    assert_eq!(concat(&scan(&s, None, vec![])).num_rows(), 2);

    write(&d.join("tabs.tsv"), "a\tb\n1\t2\n");
    let s = source_for_path(d.join("tabs.tsv")).unwrap();
    assert_eq!(
        names_and_types(s.as_ref()),
        vec![("a".into(), DataType::Int64), ("b".into(), DataType::Int64)]
    );

    // Overrides by name.
    let options = CsvOptions {
        column_types: vec![("id".into(), DataType::Utf8)],
        ..Default::default()
    };
    let s = CsvSource::try_new([d.join("pipes.csv")], options).unwrap();
    assert_eq!(s.schema().field(0).data_type(), &DataType::Utf8);
}

#[test]
fn projection_selects_and_orders_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.parquet");
    write_parquet(
        &path,
        &schema(),
        &[batch()],
        &ParquetWriteOptions::default(),
    )
    .unwrap();
    let source = parquet_source([&path]).unwrap();
    let got = concat(&scan(source.as_ref(), Some(vec![6, 2, 0]), vec![]));
    let names: Vec<String> = got
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, vec!["ok", "name", "id"]);
    assert_same_values(&got, &batch().project(&[6, 2, 0]).unwrap(), "projection");

    let csv = dir.path().join("p.csv");
    write_csv(&csv, &schema(), &[batch()], &CsvWriteOptions::default()).unwrap();
    let source = csv_source([&csv], CsvOptions::default()).unwrap();
    let got = concat(&scan(source.as_ref(), Some(vec![2, 0]), vec![]));
    assert_same_values(&got, &batch().project(&[2, 0]).unwrap(), "csv projection");
}

#[test]
fn parquet_row_groups_are_pruned_by_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("x", DataType::Int64, false),
        Field::new("tag", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from_iter_values(0..1000)),
            Arc::new(StringArray::from_iter_values(
                (0..1000).map(|i| format!("t{i:04}")),
            )),
        ],
    )
    .unwrap();
    let options = ParquetWriteOptions {
        row_group_size: 100,
        ..Default::default()
    };
    write_parquet(&path, &schema, &[batch], &options).unwrap();
    let source = parquet_source([&path]).unwrap();
    let morsels = |filters: Vec<Expr>| {
        source
            .morsels(&ScanRequest {
                filters,
                batch_size: 1024,
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(morsels(vec![]), 10);
    assert_eq!(morsels(vec![col("x").gt(lit(100i64))]), 9);
    assert_eq!(morsels(vec![col("x").gt(lit(899i64))]), 1);
    assert_eq!(
        morsels(vec![col("x")
            .lt(lit(50i64))
            .or(col("x").gt_eq(lit(950i64)))]),
        2
    );
    assert_eq!(
        morsels(vec![col("x").is_between(lit(250i64), lit(349i64))]),
        2
    );
    assert_eq!(morsels(vec![col("tag").eq(lit("t0512"))]), 1);
    assert_eq!(
        morsels(vec![col("x").gt(lit(100i64)), col("x").lt(lit(300i64))]),
        2
    );

    // Pruned morsels still return every matching row.
    let rows: i64 = scan(
        source.as_ref(),
        Some(vec![0]),
        vec![col("x").gt(lit(899i64))],
    )
    .iter()
    .map(|b| {
        b.column(0)
            .as_primitive::<Int64Type>()
            .values()
            .iter()
            .filter(|v| **v > 899)
            .count() as i64
    })
    .sum();
    assert_eq!(rows, 100);

    // A limit without filters stops after the row groups that cover it.
    let limited = source
        .morsels(&ScanRequest {
            limit: Some(150),
            batch_size: 1024,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(limited.len(), 2);
}

#[test]
fn hive_partitioned_folders_become_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sales");
    let schema = Arc::new(Schema::new(vec![
        Field::new("year", DataType::Int64, false),
        Field::new("amount", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(vec![2023, 2024, 2023, 2025])),
            Arc::new(Int64Array::from(vec![10, 20, 30, 40])),
        ],
    )
    .unwrap();
    let options = ParquetWriteOptions {
        partition_by: vec!["year".into()],
        ..Default::default()
    };
    let summary = write_parquet(&out, &schema, &[batch], &options).unwrap();
    assert_eq!(summary.files.len(), 3);
    assert!(out.join("year=2023/data_0.parquet").exists());

    let source = parquet_source([&out]).unwrap();
    assert_eq!(
        names_and_types(source.as_ref()),
        vec![
            ("amount".into(), DataType::Int64),
            ("year".into(), DataType::Int64)
        ]
    );
    let all = concat(&scan(source.as_ref(), None, vec![]));
    assert_eq!(
        all.column(0).as_primitive::<Int64Type>().values(),
        &[10, 30, 20, 40]
    );
    assert_eq!(
        all.column(1).as_primitive::<Int64Type>().values(),
        &[2023, 2023, 2024, 2025]
    );

    // Filters on partition columns skip whole files.
    let request = ScanRequest {
        projection: Some(vec![1, 0]),
        filters: vec![col("year").gt_eq(lit(2024i64))],
        batch_size: 1024,
        ..Default::default()
    };
    let morsels = source.morsels(&request).unwrap();
    assert_eq!(morsels.len(), 2);
    let got = concat(
        &morsels
            .iter()
            .flat_map(|m| m.read().unwrap())
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        got.column(0).as_primitive::<Int64Type>().values(),
        &[2024, 2025]
    );
    assert_eq!(
        got.column(1).as_primitive::<Int64Type>().values(),
        &[20, 40]
    );

    // CSV files in hand-made folders, with a string key and a NULL partition.
    let root = dir.path().join("events");
    write(&root.join("region=eu/part.csv"), "n\n1\n2\n");
    write(&root.join("region=us/part.csv"), "n\n3\n");
    write(
        &root.join("region=__HIVE_DEFAULT_PARTITION__/part.csv"),
        "n\n4\n",
    );
    let source = csv_source([root.join("*/*.csv")], CsvOptions::default()).unwrap();
    assert_eq!(
        names_and_types(source.as_ref()),
        vec![
            ("n".into(), DataType::Int64),
            ("region".into(), DataType::Utf8)
        ]
    );
    let got = concat(&scan(source.as_ref(), None, vec![]));
    assert_eq!(got.num_rows(), 4);
    let regions = got.column(1).as_string::<i32>();
    assert!(
        regions.is_null(0),
        "the default partition sorts first and is NULL"
    );
    assert_eq!(regions.value(1), "eu");
    let only_us = scan(source.as_ref(), None, vec![col("region").eq(lit("us"))]);
    assert_eq!(concat(&only_us).num_rows(), 1);
}

#[test]
fn csv_row_with_wrong_field_count_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    write(&path, "a,b,c,d\n1,2,3,4\n5,6,7,8,9\n10,11,12,13\n");
    let source = csv_source([&path], CsvOptions::default()).unwrap();
    let request = ScanRequest {
        batch_size: 1024,
        ..Default::default()
    };
    let err = source
        .morsels(&request)
        .unwrap()
        .iter()
        .map(|m| m.read())
        .find_map(|r| r.err())
        .expect("the bad row fails");
    assert_eq!(err.category(), "InvalidData");
    let msg = err.to_string();
    assert!(
        msg.contains("incorrect number of fields in '")
            && msg.contains("x.csv' line 3: expected 4 fields, found 5"),
        "{msg}"
    );
}

#[test]
fn csv_value_violating_the_sniffed_type_names_column_line_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.csv");
    let mut text = String::from("id,amount\n");
    for i in 0..100 {
        text.push_str(&format!("{i},{i}\n"));
    }
    text.push_str("100,n/a\n");
    write(&path, &text);
    let options = CsvOptions {
        sample_rows: 50,
        ..Default::default()
    };
    let source = csv_source([&path], options).unwrap();
    let request = ScanRequest {
        batch_size: 1024,
        ..Default::default()
    };
    let err = source
        .morsels(&request)
        .unwrap()
        .iter()
        .map(|m| m.read())
        .find_map(|r| r.err())
        .expect("the late value fails");
    assert_eq!(err.category(), "InvalidData");
    let msg = err.to_string();
    for part in [
        "late.csv' line 102",
        "`amount`",
        "'n/a'",
        "BIGINT",
        "column_types",
        "sample_rows",
    ] {
        assert!(msg.contains(part), "missing {part:?} in: {msg}");
    }
}

#[test]
fn truncated_parquet_file_is_invalid_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.parquet");
    write_parquet(
        &path,
        &schema(),
        &[batch()],
        &ParquetWriteOptions::default(),
    )
    .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = parquet_source([&path]).unwrap_err();
    assert_eq!(err.category(), "InvalidData");
    assert!(!err.is_transient());
    let msg = err.to_string();
    assert!(
        msg.contains("cut.parquet' is not a valid Parquet file"),
        "{msg}"
    );
}

#[test]
fn missing_file_is_a_not_found_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.parquet");
    let err = parquet_source([&path]).unwrap_err();
    match &err {
        Error::Io { source, .. } => assert_eq!(source.kind(), std::io::ErrorKind::NotFound),
        other => panic!("expected an Io error, got {other:?}"),
    }
    assert!(err.is_transient());
    assert!(err.to_string().contains("absent.parquet"), "{err}");

    let err = csv_source([dir.path().join("*.csv")], CsvOptions::default()).unwrap_err();
    assert_eq!(err.category(), "Io");
    assert!(err.to_string().contains("*.csv"), "{err}");
}

#[test]
fn failed_write_leaves_destination_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.parquet");
    write_parquet(
        &dest,
        &schema(),
        &[batch()],
        &ParquetWriteOptions::default(),
    )
    .unwrap();
    let before = std::fs::read(&dest).unwrap();

    // The second batch does not match the schema: the write fails midway.
    let other = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)])),
        vec![Arc::new(Int64Array::from(vec![1]))],
    )
    .unwrap();
    let err = write_parquet(
        &dest,
        &schema(),
        &[batch(), other.clone()],
        &ParquetWriteOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.category(), "Schema");
    assert!(err.to_string().contains("out.parquet"), "{err}");
    assert_eq!(std::fs::read(&dest).unwrap(), before);

    for result in [
        write_csv(
            &dest,
            &schema(),
            &[batch(), other.clone()],
            &CsvWriteOptions::default(),
        ),
        write_ndjson(
            &dest,
            &schema(),
            &[batch(), other.clone()],
            &WriteOptions::default(),
        ),
        write_ipc(
            &dest,
            &schema(),
            &[batch(), other],
            &WriteOptions::default(),
        ),
    ] {
        assert!(result.is_err());
        assert_eq!(std::fs::read(&dest).unwrap(), before);
    }
    let entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        entries,
        vec!["out.parquet".to_string()],
        "no temporary file is left behind"
    );
}
