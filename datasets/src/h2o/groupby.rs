//! The group-by table of the db-benchmark (`groupby-datagen.R`): `N` rows and `K` groups.
//!
//! | column | values | groups |
//! |---|---|---|
//! | `id1`, `id2` | `"id001"` .. `sprintf("id%03d", K)` | K |
//! | `id3` | `"id0000000001"` .. `sprintf("id%010d", N/K)` | N/K |
//! | `id4`, `id5` | integers 1 .. K | K |
//! | `id6` | integers 1 .. N/K | N/K |
//! | `v1` | integers 1 .. 5 | |
//! | `v2` | integers 1 .. 15 | |
//! | `v3` | uniform doubles in [0, 100), rounded to 6 decimals | |
//!
//! With an NA percentage `p`, each column gets NULLs in `as.integer(N * p / 100)` rows
//! chosen independently per column; with `sorted`, rows are ordered by `id1` .. `id6`.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Builder, Int32Builder, RecordBatch, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use quiver_engine::io::FileFormat;
use quiver_engine::{Error, Result};
use rayon::prelude::*;

use super::{append_id, check_na, chunks, na_count, pretty_sci, round6, sort_batches};
use crate::output::WrittenFile;
use crate::rng::Rng;

/// The parameters of `groupby-datagen.R`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupbySpec {
    /// Rows (N).
    pub rows: usize,
    /// Groups of the `id1`, `id2`, `id4` and `id5` columns (K); `id3` and `id6` have N/K.
    pub groups: usize,
    /// Percentage of NULLs in each column, 0 to 100.
    pub na_percent: u32,
    /// Order the rows by `id1` .. `id6`.
    pub sorted: bool,
    /// The random seed.
    pub seed: u64,
}

impl Default for GroupbySpec {
    fn default() -> Self {
        Self {
            rows: 10_000_000,
            groups: 100,
            na_percent: 0,
            sorted: false,
            seed: super::DEFAULT_SEED,
        }
    }
}

/// Table id of the group-by data in the random streams.
const TABLE: u64 = 1;
const COLUMNS: usize = 9;

impl GroupbySpec {
    /// The db-benchmark's name of the data set, e.g. `G1_1e7_1e2_0_0`.
    pub fn name(&self) -> String {
        format!(
            "G1_{}_{}_{}_{}",
            pretty_sci(self.rows),
            pretty_sci(self.groups),
            self.na_percent,
            u8::from(self.sorted)
        )
    }

    /// Groups of `id3` and `id6` (N/K).
    pub fn small_groups(&self) -> usize {
        self.rows / self.groups.max(1)
    }

    fn validate(&self) -> Result<()> {
        check_na(self.na_percent)?;
        if self.groups == 0 || self.small_groups() == 0 {
            return Err(Error::InvalidData(format!(
                "group-by data needs 1 <= groups <= rows, found {} groups for {} rows",
                self.groups, self.rows
            )));
        }
        if self.groups > i32::MAX as usize || self.small_groups() > i32::MAX as usize {
            return Err(Error::InvalidData(format!(
                "group-by data supports at most {} groups per column",
                i32::MAX
            )));
        }
        Ok(())
    }
}

/// The table's schema: three string keys, three integer keys, two integer and one double
/// measure, all nullable.
pub fn schema() -> SchemaRef {
    let f = |name: &str, t: DataType| Field::new(name, t, true);
    Arc::new(Schema::new(vec![
        f("id1", DataType::Utf8),
        f("id2", DataType::Utf8),
        f("id3", DataType::Utf8),
        f("id4", DataType::Int32),
        f("id5", DataType::Int32),
        f("id6", DataType::Int32),
        f("v1", DataType::Int32),
        f("v2", DataType::Int32),
        f("v3", DataType::Float64),
    ]))
}

/// Generates the table in memory.
pub fn generate(spec: &GroupbySpec) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    spec.validate()?;
    let schema = schema();
    let nulls: Vec<Option<Vec<bool>>> = (0..COLUMNS)
        .into_par_iter()
        .map(|c| {
            let count = na_count(spec.rows, spec.na_percent);
            (count > 0).then(|| {
                Rng::stream(spec.seed, &[TABLE, 100 + c as u64]).choose_mask(spec.rows, count)
            })
        })
        .collect();
    let batches = chunks(spec.rows)
        .into_par_iter()
        .enumerate()
        .map(|(i, (start, len))| chunk(spec, &schema, &nulls, i as u64, start, len))
        .collect::<Result<Vec<_>>>()?;
    let batches = if spec.sorted {
        sort_batches(
            &schema,
            &batches,
            &["id1", "id2", "id3", "id4", "id5", "id6"],
        )?
    } else {
        batches
    };
    Ok((schema, batches))
}

/// Rows `start .. start + len`: each column from its own random stream.
fn chunk(
    spec: &GroupbySpec,
    schema: &SchemaRef,
    nulls: &[Option<Vec<bool>>],
    index: u64,
    start: usize,
    len: usize,
) -> Result<RecordBatch> {
    let k = spec.groups as u64;
    let nk = spec.small_groups() as u64;
    let is_null = |c: usize, row: usize| nulls[c].as_ref().is_some_and(|m| m[start + row]);
    let rng = |c: usize| Rng::stream(spec.seed, &[TABLE, c as u64, index]);
    let strings = |c: usize, levels: u64, width: usize| -> ArrayRef {
        let mut r = rng(c);
        let mut b = StringBuilder::with_capacity(len, len * (width + 2));
        let mut buf = String::new();
        for row in 0..len {
            let v = r.below(levels) + 1;
            if is_null(c, row) {
                b.append_null();
            } else {
                append_id(&mut b, &mut buf, v, width);
            }
        }
        Arc::new(b.finish())
    };
    let ints = |c: usize, levels: u64| -> ArrayRef {
        let mut r = rng(c);
        let mut b = Int32Builder::with_capacity(len);
        for row in 0..len {
            let v = (r.below(levels) + 1) as i32;
            b.append_option((!is_null(c, row)).then_some(v));
        }
        Arc::new(b.finish())
    };
    let v3 = {
        let mut r = rng(8);
        let mut b = Float64Builder::with_capacity(len);
        for row in 0..len {
            let v = round6(r.unit() * 100.0);
            b.append_option((!is_null(8, row)).then_some(v));
        }
        Arc::new(b.finish()) as ArrayRef
    };
    let columns = vec![
        strings(0, k, 3),
        strings(1, k, 3),
        strings(2, nk, 10),
        ints(3, k),
        ints(4, k),
        ints(5, nk),
        ints(6, 5),
        ints(7, 15),
        v3,
    ];
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

/// Generates the table and writes it as `<dir>/<name>.<format>`.
pub fn write(spec: &GroupbySpec, dir: &Path, format: FileFormat) -> Result<WrittenFile> {
    let (schema, batches) = generate(spec)?;
    crate::output::write_table(dir, &spec.name(), &schema, &batches, format)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use arrow::array::{Array, AsArray};
    use arrow::compute::concat_batches;
    use arrow::datatypes::{Float64Type, Int32Type};

    use super::*;

    fn table(spec: &GroupbySpec) -> RecordBatch {
        let (schema, batches) = generate(spec).unwrap();
        concat_batches(&schema, &batches).unwrap()
    }

    fn distinct_strings(b: &RecordBatch, name: &str) -> HashSet<String> {
        b.column_by_name(name)
            .unwrap()
            .as_string::<i32>()
            .iter()
            .flatten()
            .map(str::to_string)
            .collect()
    }

    fn distinct_ints(b: &RecordBatch, name: &str) -> HashSet<i32> {
        b.column_by_name(name)
            .unwrap()
            .as_primitive::<Int32Type>()
            .iter()
            .flatten()
            .collect()
    }

    #[test]
    fn rows_cardinalities_and_ranges() {
        let spec = GroupbySpec {
            rows: 200_000,
            groups: 10,
            ..Default::default()
        };
        assert_eq!(spec.name(), "G1_2e5_1e1_0_0");
        let t = table(&spec);
        assert_eq!(t.num_rows(), 200_000);
        assert_eq!(t.num_columns(), 9);
        let id1 = distinct_strings(&t, "id1");
        assert_eq!(id1.len(), 10);
        assert!(id1.contains("id001") && id1.contains("id010"));
        assert_eq!(distinct_strings(&t, "id2").len(), 10);
        // N/K = 20,000 levels drawn 200,000 times: about e^-10 of them do not show up.
        let id3 = distinct_strings(&t, "id3");
        assert!((19_990..=20_000).contains(&id3.len()), "{}", id3.len());
        assert!(id3
            .iter()
            .all(|s| s.len() == 12 && (1..=20_000).contains(&s[2..].parse::<u32>().unwrap())));
        assert_eq!(distinct_ints(&t, "id4"), (1..=10).collect());
        assert_eq!(distinct_ints(&t, "id5"), (1..=10).collect());
        let id6 = distinct_ints(&t, "id6");
        assert!((19_990..=20_000).contains(&id6.len()));
        assert!(id6.iter().all(|v| (1..=20_000).contains(v)));
        assert_eq!(distinct_ints(&t, "v1"), (1..=5).collect());
        assert_eq!(distinct_ints(&t, "v2"), (1..=15).collect());
        let v3 = t.column(8).as_primitive::<Float64Type>();
        assert!(v3
            .iter()
            .flatten()
            .all(|v| (0.0..=100.0).contains(&v) && (v * 1e6 - (v * 1e6).round()).abs() < 1e-6));
        let mean = v3.iter().flatten().sum::<f64>() / 200_000.0;
        assert!((mean - 50.0).abs() < 0.5, "{mean}");
        assert!(t.columns().iter().all(|c| c.null_count() == 0));
    }

    #[test]
    fn na_fraction_per_column() {
        let t = table(&GroupbySpec {
            rows: 10_000,
            groups: 10,
            na_percent: 5,
            ..Default::default()
        });
        for c in t.columns() {
            assert_eq!(c.null_count(), 500);
        }
    }

    #[test]
    fn seeded_and_independent_of_threads() {
        let spec = GroupbySpec {
            rows: 150_000,
            groups: 100,
            ..Default::default()
        };
        let a = table(&spec);
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = one_thread.install(|| table(&spec));
        assert_eq!(a, b);
        let c = table(&GroupbySpec { seed: 7, ..spec });
        assert_ne!(a, c);
    }

    #[test]
    fn sorted_by_the_keys() {
        let t = table(&GroupbySpec {
            rows: 100_000,
            groups: 10,
            na_percent: 1,
            sorted: true,
            ..Default::default()
        });
        let id1 = t.column(0).as_string::<i32>();
        // NULLs first, then ascending.
        let values: Vec<Option<&str>> = id1.iter().collect();
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(t.num_rows(), 100_000);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let bad = |spec: GroupbySpec| generate(&spec).unwrap_err().to_string();
        assert!(bad(GroupbySpec {
            rows: 10,
            groups: 0,
            ..Default::default()
        })
        .contains("groups"));
        assert!(bad(GroupbySpec {
            rows: 10,
            groups: 100,
            ..Default::default()
        })
        .contains("groups"));
        assert!(bad(GroupbySpec {
            rows: 10,
            groups: 1,
            na_percent: 101,
            ..Default::default()
        })
        .contains("NA percentage"));
    }
}
