//! The join tables of the db-benchmark (`join-datagen.R`) for `N` rows: the left table
//! `x` (N rows) and the right tables `small` (N/1e6 rows), `medium` (N/1e3) and `big` (N).
//!
//! Each key `id1`, `id2`, `id3` has N/1e6, N/1e3 and N distinct values. The values of a
//! key are a shuffle of `1 ..= 1.1 n`, split into a common 90% (on both sides), 10% only
//! on the left and 10% only on the right, so an inner join matches 90% of the keys. Every
//! table holds each of its keys at least once (`sample_all`), each right table exactly
//! once per row for its join key. `id4`, `id5`, `id6` are the keys as strings
//! (`sprintf("id%.0f")`); `x` has the measure `v1`, the right tables `v2`, uniform in
//! [0, 100) rounded to 6 decimals.
//!
//! | table | rows | columns | sorted by |
//! |---|---|---|---|
//! | `x` (`J1_1e7_NA_0_0`) | N | id1 id2 id3 id4 id5 id6 v1 | id1, id2, id3 |
//! | `small` (`J1_1e7_1e1_0_0`) | N/1e6 | id1 id4 v2 | id1 |
//! | `medium` (`J1_1e7_1e4_0_0`) | N/1e3 | id1 id2 id4 id5 v2 | id2 |
//! | `big` (`J1_1e7_1e7_0_0`) | N | id1 id2 id3 id4 id5 id6 v2 | id3 |
//!
//! With an NA percentage `p` (left table only, as the R script): for each of `id1` ..
//! `id3` of `x`, `p`% of its distinct values become NULL in every row that holds them
//! (with their string columns), and `v1` is NULL in `p`% of the rows.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use quiver_engine::io::FileFormat;
use quiver_engine::{Error, Result};
use rayon::prelude::*;

use super::{append_id, check_na, chunks, na_count, pretty_sci, round6};
use crate::output::WrittenFile;
use crate::rng::Rng;

/// The parameters of `join-datagen.R`.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinSpec {
    /// Rows of `x` and `big` (N); at least 1e6 so that `small` has a row.
    pub rows: usize,
    /// Percentage of NULLs in the keys and the measure of `x`, 0 to 100.
    pub na_percent: u32,
    /// Order each table by its key (see the module table).
    pub sorted: bool,
    /// The random seed.
    pub seed: u64,
}

impl Default for JoinSpec {
    fn default() -> Self {
        Self {
            rows: 10_000_000,
            na_percent: 0,
            sorted: false,
            seed: super::DEFAULT_SEED,
        }
    }
}

/// The four tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinTable {
    /// The left table, N rows.
    X,
    /// N/1e6 rows.
    Small,
    /// N/1e3 rows.
    Medium,
    /// N rows.
    Big,
}

impl JoinTable {
    /// Every table, left one first.
    pub const ALL: [JoinTable; 4] = [
        JoinTable::X,
        JoinTable::Small,
        JoinTable::Medium,
        JoinTable::Big,
    ];

    /// The name the benchmark queries use (`x`, `small`, `medium`, `big`).
    pub fn name(self) -> &'static str {
        match self {
            JoinTable::X => "x",
            JoinTable::Small => "small",
            JoinTable::Medium => "medium",
            JoinTable::Big => "big",
        }
    }

    /// Which of the keys `id1`, `id2`, `id3` (levels 0, 1, 2) the table has.
    fn key_levels(self) -> &'static [usize] {
        match self {
            JoinTable::Small => &[0],
            JoinTable::Medium => &[0, 1],
            JoinTable::X | JoinTable::Big => &[0, 1, 2],
        }
    }

    /// The key the table is sorted by with `sorted` (levels as in `key_levels`).
    fn sort_levels(self) -> &'static [usize] {
        match self {
            JoinTable::X => &[0, 1, 2],
            JoinTable::Small => &[0],
            JoinTable::Medium => &[1],
            JoinTable::Big => &[2],
        }
    }
}

/// Table id of the join data in the random streams.
const TABLE: u64 = 2;

impl JoinSpec {
    /// Rows of a table.
    pub fn table_rows(&self, table: JoinTable) -> usize {
        match table {
            JoinTable::X | JoinTable::Big => self.rows,
            JoinTable::Small => self.rows / 1_000_000,
            JoinTable::Medium => self.rows / 1_000,
        }
    }

    /// The db-benchmark's file name of a table, e.g. `J1_1e7_NA_0_0` for `x` and
    /// `J1_1e7_1e4_0_0` for `medium`.
    pub fn file_name(&self, table: JoinTable) -> String {
        let size = match table {
            JoinTable::X => "NA".to_string(),
            other => pretty_sci(self.table_rows(other)),
        };
        format!(
            "J1_{}_{size}_{}_{}",
            pretty_sci(self.rows),
            self.na_percent,
            u8::from(self.sorted)
        )
    }

    fn validate(&self) -> Result<()> {
        check_na(self.na_percent)?;
        if self.rows < 1_000_000 {
            return Err(Error::InvalidData(format!(
                "join data needs at least 1e6 rows (the small table has rows/1e6), found {}",
                self.rows
            )));
        }
        // Keys go up to 1.1 N.
        if self.rows > (i32::MAX as usize) / 11 * 10 {
            return Err(Error::InvalidData(format!(
                "join data supports at most {} rows",
                (i32::MAX as usize) / 11 * 10
            )));
        }
        Ok(())
    }

    /// The values of the three keys (N/1e6, N/1e3 and N of them).
    fn keys(&self) -> [KeySplit; 3] {
        let n = [self.rows / 1_000_000, self.rows / 1_000, self.rows];
        std::array::from_fn(|level| {
            KeySplit::new(
                n[level],
                &mut Rng::stream(self.seed, &[TABLE, 0, level as u64]),
            )
        })
    }
}

/// The values of one key: a shuffle of `1 ..= n + n/10` split into the common values,
/// the left-only and the right-only ones (`split_xlr`).
struct KeySplit {
    common: Vec<i32>,
    left: Vec<i32>,
    right: Vec<i32>,
}

impl KeySplit {
    fn new(n: usize, rng: &mut Rng) -> Self {
        let tenth = n / 10;
        let mut all: Vec<i32> = (1..=(n + tenth) as i32).collect();
        rng.shuffle(&mut all);
        let right = all.split_off(n);
        let left = all.split_off(n - tenth);
        Self {
            common: all,
            left,
            right,
        }
    }

    /// The values one side of a join draws from.
    fn side(&self, left: bool) -> Vec<i32> {
        let only = if left { &self.left } else { &self.right };
        self.common.iter().chain(only).copied().collect()
    }
}

/// `size` values holding every one of `pool` at least once, in random order
/// (`sample_all`).
fn sample_all(mut pool: Vec<i32>, size: usize, rng: &mut Rng) -> Vec<i32> {
    debug_assert!(pool.len() <= size);
    let distinct = pool.len();
    pool.reserve(size - distinct);
    for _ in distinct..size {
        let v = pool[rng.below(distinct as u64) as usize];
        pool.push(v);
    }
    rng.shuffle(&mut pool);
    pool
}

/// The schema of a table: integer keys, their string forms, then the measure.
pub fn schema(table: JoinTable) -> SchemaRef {
    let levels = table.key_levels();
    let mut fields: Vec<Field> = levels
        .iter()
        .map(|l| Field::new(format!("id{}", l + 1), DataType::Int32, true))
        .collect();
    fields.extend(
        levels
            .iter()
            .map(|l| Field::new(format!("id{}", l + 4), DataType::Utf8, true)),
    );
    let measure = if table == JoinTable::X { "v1" } else { "v2" };
    fields.push(Field::new(measure, DataType::Float64, true));
    Arc::new(Schema::new(fields))
}

/// Generates one table in memory.
pub fn generate(spec: &JoinSpec, table: JoinTable) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    spec.validate()?;
    generate_from(spec, &spec.keys(), table)
}

fn generate_from(
    spec: &JoinSpec,
    keys: &[KeySplit; 3],
    table: JoinTable,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let rows = spec.table_rows(table);
    let left = table == JoinTable::X;
    let t = 1 + table as u64;
    // Each key column: every value of its side, padded to `rows` and shuffled.
    let mut columns: Vec<Vec<Option<i32>>> = table
        .key_levels()
        .par_iter()
        .map(|&level| {
            let mut rng = Rng::stream(spec.seed, &[TABLE, t, level as u64]);
            sample_all(keys[level].side(left), rows, &mut rng)
                .into_iter()
                .map(Some)
                .collect()
        })
        .collect();
    if spec.sorted {
        let by: Vec<usize> = table
            .sort_levels()
            .iter()
            .map(|l| table.key_levels().iter().position(|x| x == l).unwrap_or(0))
            .collect();
        let mut order: Vec<u32> = (0..rows as u32).collect();
        order.par_sort_unstable_by(|&a, &b| {
            by.iter()
                .map(|&c| columns[c][a as usize].cmp(&columns[c][b as usize]))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        columns = columns
            .into_iter()
            .map(|c| order.iter().map(|&i| c[i as usize]).collect())
            .collect();
    }
    let mut measure: Vec<Option<f64>> = {
        let mut rng = Rng::stream(spec.seed, &[TABLE, t, 10]);
        (0..rows)
            .map(|_| Some(round6(rng.unit() * 100.0)))
            .collect()
    };
    if left && spec.na_percent > 0 {
        for (c, &level) in table.key_levels().iter().enumerate() {
            // Every value of the side occurs, so the distinct values are the side's.
            let distinct = keys[level].side(true);
            let mut rng = Rng::stream(spec.seed, &[TABLE, t, 20 + level as u64]);
            let chosen = rng.choose_mask(distinct.len(), na_count(distinct.len(), spec.na_percent));
            let nulled: std::collections::HashSet<i32> = distinct
                .iter()
                .zip(&chosen)
                .filter_map(|(v, &c)| c.then_some(*v))
                .collect();
            for v in columns[c].iter_mut() {
                if v.is_some_and(|x| nulled.contains(&x)) {
                    *v = None;
                }
            }
        }
        let mut rng = Rng::stream(spec.seed, &[TABLE, t, 30]);
        for (v, null) in measure
            .iter_mut()
            .zip(rng.choose_mask(rows, na_count(rows, spec.na_percent)))
        {
            if null {
                *v = None;
            }
        }
    }
    let schema = schema(table);
    let batches = chunks(rows)
        .into_par_iter()
        .map(|(start, len)| {
            let keys: Vec<&[Option<i32>]> =
                columns.iter().map(|c| &c[start..start + len]).collect();
            let mut arrays: Vec<ArrayRef> = keys
                .iter()
                .map(|k| Arc::new(Int32Array::from(k.to_vec())) as ArrayRef)
                .collect();
            let mut buf = String::new();
            for k in &keys {
                let mut b = StringBuilder::with_capacity(len, len * 10);
                for v in k.iter() {
                    match v {
                        Some(v) => append_id(&mut b, &mut buf, *v as u64, 0),
                        None => b.append_null(),
                    }
                }
                arrays.push(Arc::new(b.finish()));
            }
            arrays.push(Arc::new(Float64Array::from(
                measure[start..start + len].to_vec(),
            )));
            Ok(RecordBatch::try_new(schema.clone(), arrays)?)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((schema, batches))
}

/// Generates the four tables one after another and writes each as
/// `<dir>/<file name>.<format>`.
pub fn write(
    spec: &JoinSpec,
    dir: &Path,
    format: FileFormat,
) -> Result<Vec<(JoinTable, WrittenFile)>> {
    spec.validate()?;
    let keys = spec.keys();
    JoinTable::ALL
        .into_iter()
        .map(|table| {
            let (schema, batches) = generate_from(spec, &keys, table)?;
            let file =
                crate::output::write_table(dir, &spec.file_name(table), &schema, &batches, format)?;
            Ok((table, file))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use arrow::array::{Array, AsArray};
    use arrow::compute::concat_batches;
    use arrow::datatypes::Int32Type;

    use super::*;

    fn spec() -> JoinSpec {
        JoinSpec {
            rows: 1_000_000,
            ..Default::default()
        }
    }

    fn table(spec: &JoinSpec, t: JoinTable) -> RecordBatch {
        let (schema, batches) = generate(spec, t).unwrap();
        concat_batches(&schema, &batches).unwrap()
    }

    fn ints(b: &RecordBatch, name: &str) -> Vec<Option<i32>> {
        b.column_by_name(name)
            .unwrap()
            .as_primitive::<Int32Type>()
            .iter()
            .collect()
    }

    fn distinct(b: &RecordBatch, name: &str) -> HashSet<i32> {
        ints(b, name).into_iter().flatten().collect()
    }

    #[test]
    fn key_split_and_sample_all() {
        let k = KeySplit::new(1000, &mut Rng::new(1));
        assert_eq!(
            (k.common.len(), k.left.len(), k.right.len()),
            (900, 100, 100)
        );
        let all: HashSet<i32> = k
            .common
            .iter()
            .chain(&k.left)
            .chain(&k.right)
            .copied()
            .collect();
        assert_eq!(all, (1..=1100).collect());
        let s = sample_all(k.side(true), 5000, &mut Rng::new(2));
        assert_eq!(s.len(), 5000);
        assert_eq!(s.iter().copied().collect::<HashSet<_>>().len(), 1000);
    }

    #[test]
    fn tables_rows_names_and_matches() {
        let spec = spec();
        assert_eq!(spec.file_name(JoinTable::X), "J1_1e6_NA_0_0");
        assert_eq!(spec.file_name(JoinTable::Small), "J1_1e6_1e0_0_0");
        assert_eq!(spec.file_name(JoinTable::Medium), "J1_1e6_1e3_0_0");
        assert_eq!(spec.file_name(JoinTable::Big), "J1_1e6_1e6_0_0");
        let x = table(&spec, JoinTable::X);
        let medium = table(&spec, JoinTable::Medium);
        let small = table(&spec, JoinTable::Small);
        assert_eq!(x.num_rows(), 1_000_000);
        assert_eq!(medium.num_rows(), 1_000);
        assert_eq!(small.num_rows(), 1);
        let names: Vec<String> = x
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, ["id1", "id2", "id3", "id4", "id5", "id6", "v1"]);
        let names: Vec<String> = medium
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, ["id1", "id2", "id4", "id5", "v2"]);
        // Cardinalities N/1e6, N/1e3, N.
        assert_eq!(distinct(&x, "id1").len(), 1);
        assert_eq!(distinct(&x, "id2").len(), 1_000);
        assert_eq!(distinct(&x, "id3").len(), 1_000_000);
        // medium's id2 is unique; 900 of its values are on the left too.
        assert_eq!(distinct(&medium, "id2").len(), 1_000);
        let common = distinct(&x, "id2")
            .intersection(&distinct(&medium, "id2"))
            .count();
        assert_eq!(common, 900);
        // The string keys spell the integers.
        let id5 = x.column_by_name("id5").unwrap().as_string::<i32>();
        assert_eq!(id5.value(0), format!("id{}", ints(&x, "id2")[0].unwrap()));
        assert!(x.columns().iter().all(|c| c.null_count() == 0));
    }

    #[test]
    fn seeded_nas_and_sorting() {
        let spec = JoinSpec {
            na_percent: 10,
            sorted: true,
            ..spec()
        };
        let a = table(&spec, JoinTable::Medium);
        assert_eq!(a, table(&spec, JoinTable::Medium));
        let id2 = ints(&a, "id2");
        assert!(id2.windows(2).all(|w| w[0] <= w[1]));
        // NAs are only in x: 10% of id2's 1,000 values, in all their rows.
        assert_eq!(a.column(1).null_count(), 0);
        let x = table(&spec, JoinTable::X);
        assert_eq!(distinct(&x, "id2").len(), 900);
        assert_eq!(x.column_by_name("v1").unwrap().null_count(), 100_000);
        assert_eq!(
            x.column_by_name("id5").unwrap().null_count(),
            x.column_by_name("id2").unwrap().null_count()
        );
        let other = table(&JoinSpec { seed: 1, ..spec }, JoinTable::Medium);
        assert_ne!(a, other);
    }

    #[test]
    fn too_few_rows_is_an_error() {
        let e = generate(
            &JoinSpec {
                rows: 1000,
                ..spec()
            },
            JoinTable::X,
        )
        .unwrap_err();
        assert!(e.to_string().contains("at least 1e6 rows"));
    }
}
