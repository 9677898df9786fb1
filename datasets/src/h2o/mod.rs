//! The data of the h2o.ai db-benchmark (<https://github.com/h2oai/db-benchmark>, continued
//! by DuckDB Labs): the group-by table of `groupby-datagen.R` and the four join tables of
//! `join-datagen.R`, with the same columns, value ranges, cardinalities, NA rules and file
//! names (`G1_1e7_1e2_0_0`, `J1_1e7_NA_0_0`, ...). The R scripts draw from R's random
//! generator, so the values differ from theirs; the distributions and the shapes of the
//! query results (group counts, join matches) are the same. Generation is seeded and
//! parallel, and gives the same data for every thread count.

pub mod groupby;
pub mod join;

use arrow::array::{ArrayRef, RecordBatch, StringBuilder};
use arrow::compute::SortOptions;
use arrow::compute::{concat_batches, lexsort_to_indices, take_record_batch, SortColumn};
use arrow::datatypes::SchemaRef;
use quiver_engine::{Error, Result};

/// The seed of the R scripts (`set.seed(108)`), used as the default.
pub const DEFAULT_SEED: u64 = 108;

/// Rows per generated batch (and per parallel generation task).
pub(crate) const BATCH_ROWS: usize = 1 << 16;

/// Numbers as the R scripts print them in file names: `1e7`, `5e6`, `1e0`; numbers that
/// are not one digit times a power of ten are written out (`1234`).
pub fn pretty_sci(n: usize) -> String {
    if n == 0 {
        return "0".into();
    }
    let (mut digit, mut exp) = (n, 0);
    while digit % 10 == 0 {
        digit /= 10;
        exp += 1;
    }
    if digit < 10 {
        format!("{digit}e{exp}")
    } else {
        n.to_string()
    }
}

/// Parses a row or group count written as an integer or in scientific notation (`1e7`,
/// `2.5e6`), as the R scripts take them.
pub fn parse_count(text: &str) -> std::result::Result<usize, String> {
    let t = text.trim().replace('_', "");
    if let Ok(n) = t.parse::<usize>() {
        return Ok(n);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1e15 => Ok(v as usize),
        _ => Err(format!(
            "expected a whole number such as `10000000` or `1e7`, found `{text}`"
        )),
    }
}

/// `round(x, 6)` as R computes it for the generated doubles.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Appends `prefix` and `value` zero-padded to `width` digits, like `sprintf("id%03d")`
/// (wider values are written in full, as sprintf does).
pub(crate) fn append_id(b: &mut StringBuilder, buf: &mut String, value: u64, width: usize) {
    use std::fmt::Write as _;
    buf.clear();
    // Writing to a String cannot fail.
    let _ = write!(buf, "id{value:0width$}");
    b.append_value(buf.as_str());
}

/// The chunks `(start, len)` that cover `rows` rows in batches of [`BATCH_ROWS`].
pub(crate) fn chunks(rows: usize) -> Vec<(usize, usize)> {
    (0..rows.div_ceil(BATCH_ROWS))
        .map(|i| {
            let start = i * BATCH_ROWS;
            (start, BATCH_ROWS.min(rows - start))
        })
        .collect()
}

/// Sorts the rows of `batches` by the named columns, ascending with NULLs first (as
/// data.table's `setkeyv`), and cuts the result back into batches.
pub(crate) fn sort_batches(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    keys: &[&str],
) -> Result<Vec<RecordBatch>> {
    let all = concat_batches(schema, batches)?;
    let columns = keys
        .iter()
        .map(|k| {
            let values: ArrayRef = all
                .column_by_name(k)
                .ok_or_else(|| Error::Internal(format!("no column `{k}` to sort by")))?
                .clone();
            Ok(SortColumn {
                values,
                options: Some(SortOptions {
                    descending: false,
                    nulls_first: true,
                }),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let order = lexsort_to_indices(&columns, None)?;
    let sorted = take_record_batch(&all, &order)?;
    Ok(chunks(sorted.num_rows())
        .into_iter()
        .map(|(start, len)| sorted.slice(start, len))
        .collect())
}

/// The number of NULLs for `nas` percent of `n` values (`as.integer(n * nas / 100)`).
pub(crate) fn na_count(n: usize, nas: u32) -> usize {
    (n as u128 * u128::from(nas) / 100) as usize
}

/// Checks an NA percentage.
pub(crate) fn check_na(nas: u32) -> Result<()> {
    if nas > 100 {
        return Err(Error::InvalidData(format!(
            "the NA percentage must be between 0 and 100, found {nas}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_counts() {
        assert_eq!(pretty_sci(10_000_000), "1e7");
        assert_eq!(pretty_sci(100), "1e2");
        assert_eq!(pretty_sci(1), "1e0");
        assert_eq!(pretty_sci(5_000_000), "5e6");
        assert_eq!(pretty_sci(1234), "1234");
        assert_eq!(parse_count("1e7"), Ok(10_000_000));
        assert_eq!(parse_count("2.5e6"), Ok(2_500_000));
        assert_eq!(parse_count("1_000"), Ok(1000));
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("-3").is_err());
        assert!(parse_count("lots").is_err());
    }

    #[test]
    fn ids_are_padded_like_sprintf() {
        let mut b = StringBuilder::new();
        let mut buf = String::new();
        append_id(&mut b, &mut buf, 7, 3);
        append_id(&mut b, &mut buf, 1234, 3);
        append_id(&mut b, &mut buf, 42, 10);
        append_id(&mut b, &mut buf, 42, 0);
        let a = b.finish();
        let v: Vec<&str> = a.iter().map(|s| s.unwrap()).collect();
        assert_eq!(v, ["id007", "id1234", "id0000000042", "id42"]);
    }
}
