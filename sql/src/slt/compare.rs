//! Comparing a query's formatted rows with a record's expected block, by DuckDB's rules.
//!
//! The expected lines hold values TAB-separated by row, or one value per line when their
//! number is rows x columns (a block where every line has a TAB is always read by row),
//! or a single `N values hashing to <md5>` line (the MD5 of every value followed by a
//! newline). Rows are put in order by the record's sort mode (both sides, so an expected
//! block written in another order still matches). An expected value `<REGEX>:re` must
//! match the whole value (`<!REGEX>:re` must not). Values compare as text first; then,
//! by the result column's type: booleans `true`/`false` equal `1`/`0`, integers and
//! decimals compare by value (decimals at the column's scale) and floats within 1%
//! relative (DuckDB's `|a - b| <= |b| * 0.01 + 1e-8`). `NULL` equals only `NULL`.

use arrow::datatypes::DataType;
use md5::{Digest, Md5};

use super::parser::SortMode;

/// Why a query's result differs from the expected block.
#[derive(Debug, Clone, PartialEq)]
pub enum Mismatch {
    /// The query returned another number of columns than the header declares.
    ColumnCount {
        /// Columns in the `query` header.
        expected: usize,
        /// Columns returned.
        got: usize,
    },
    /// The expected block cannot be split into rows of the result's width.
    BadExpected(String),
    /// Another number of rows.
    RowCount {
        /// Rows expected.
        expected: usize,
        /// Rows returned.
        got: usize,
    },
    /// A value differs.
    Value {
        /// 0-based row (after sorting).
        row: usize,
        /// 0-based column.
        column: usize,
        /// The expected text.
        expected: String,
        /// The returned text.
        got: String,
    },
    /// `N values hashing to H` did not match.
    Hash {
        /// The expected line.
        expected: String,
        /// The same line computed from the result.
        got: String,
    },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::ColumnCount { expected, got } => {
                write!(f, "wrong column count: expected {expected}, got {got}")
            }
            Mismatch::BadExpected(why) => {
                write!(f, "expected block does not fit the result: {why}")
            }
            Mismatch::RowCount { expected, got } => {
                write!(f, "wrong row count: expected {expected}, got {got}")
            }
            Mismatch::Value {
                row,
                column,
                expected,
                got,
            } => {
                write!(
                    f,
                    "wrong value at row {}, column {}: expected `{expected}`, got `{got}`",
                    row + 1,
                    column + 1
                )
            }
            Mismatch::Hash { expected, got } => {
                write!(f, "wrong hash: expected `{expected}`, got `{got}`")
            }
        }
    }
}

impl Mismatch {
    /// A short, value-free name for grouping failures (`wrong row count`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Mismatch::ColumnCount { .. } => "wrong column count",
            Mismatch::BadExpected(_) => "expected block does not fit the result",
            Mismatch::RowCount { .. } => "wrong row count",
            Mismatch::Value { .. } => "wrong value",
            Mismatch::Hash { .. } => "wrong hash",
        }
    }
}

/// How a column's values compare.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Bool,
    Integer,
    Decimal(i8),
    Float,
}

fn kind_of(t: &DataType) -> Kind {
    match t {
        DataType::Boolean => Kind::Bool,
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Kind::Integer,
        DataType::Decimal32(_, s)
        | DataType::Decimal64(_, s)
        | DataType::Decimal128(_, s)
        | DataType::Decimal256(_, s) => Kind::Decimal(*s),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Kind::Float,
        DataType::Dictionary(_, v) => kind_of(v),
        _ => Kind::Text,
    }
}

/// Checks `actual` (formatted rows of a result whose column types are `types`) against
/// the expected `lines` of a record declaring `columns` columns.
pub fn check(
    lines: &[String],
    columns: usize,
    sort: SortMode,
    types: &[DataType],
    actual: &[Vec<String>],
) -> Result<(), Mismatch> {
    let width = types.len();
    if columns != width {
        return Err(Mismatch::ColumnCount {
            expected: columns,
            got: width,
        });
    }
    let mut actual = actual.to_vec();
    sort_rows(&mut actual, sort);
    if let [line] = lines {
        if let Some((count, hash)) = parse_hash_line(line) {
            let values: Vec<&String> = actual.iter().flatten().collect();
            let got = format!(
                "{} values hashing to {}",
                values.len(),
                md5_of(values.iter().map(|v| v.as_str()))
            );
            return if count == values.len() && got.ends_with(&hash) {
                Ok(())
            } else {
                Err(Mismatch::Hash {
                    expected: line.trim().to_string(),
                    got,
                })
            };
        }
    }
    let mut expected = split_expected(lines, width, actual.len())?;
    sort_rows(&mut expected, sort);
    if expected.len() != actual.len() {
        return Err(Mismatch::RowCount {
            expected: expected.len(),
            got: actual.len(),
        });
    }
    let kinds: Vec<Kind> = types.iter().map(kind_of).collect();
    for (r, (want, got)) in expected.iter().zip(&actual).enumerate() {
        for (c, (w, g)) in want.iter().zip(got).enumerate() {
            if !values_equal(w, g, kinds[c]) {
                return Err(Mismatch::Value {
                    row: r,
                    column: c,
                    expected: w.clone(),
                    got: g.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Puts rows in order for a sort mode: `rowsort` sorts rows by their values as text,
/// `valuesort` sorts all values and refills rows of the same width.
pub fn sort_rows(rows: &mut Vec<Vec<String>>, sort: SortMode) {
    match sort {
        SortMode::NoSort => {}
        SortMode::RowSort => rows.sort(),
        SortMode::ValueSort => {
            let width = rows.first().map_or(1, |r| r.len().max(1));
            let mut values: Vec<String> = rows.drain(..).flatten().collect();
            values.sort();
            *rows = values.chunks(width).map(|c| c.to_vec()).collect();
        }
    }
}

/// Splits the expected lines into rows of `width` values (see the module documentation).
pub fn split_expected(
    lines: &[String],
    width: usize,
    actual_rows: usize,
) -> Result<Vec<Vec<String>>, Mismatch> {
    if lines.is_empty() {
        return Ok(vec![]);
    }
    if width == 0 {
        return Err(Mismatch::BadExpected(format!(
            "{} expected lines for a result without columns",
            lines.len()
        )));
    }
    let row_wise =
        (width > 1 && lines.len() == actual_rows) || lines.iter().all(|l| l.contains('\t'));
    if row_wise {
        lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let mut values: Vec<String> = line.split('\t').map(str::to_string).collect();
                if values.len() != width {
                    // DuckDB's runner drops empty fields (`Bob\t\t6.5` is two values; an
                    // empty string is written `(empty)`).
                    values.retain(|v| !v.is_empty());
                }
                if values.len() == width {
                    Ok(values)
                } else {
                    Err(Mismatch::BadExpected(format!(
                        "expected row {} has {} values, the result has {width} columns",
                        i + 1,
                        values.len()
                    )))
                }
            })
            .collect()
    } else if lines.len().is_multiple_of(width) {
        Ok(lines.chunks(width).map(|c| c.to_vec()).collect())
    } else {
        Err(Mismatch::BadExpected(format!(
            "{} expected values are not a multiple of {width} columns",
            lines.len()
        )))
    }
}

/// `N values hashing to <md5>` -> (N, md5 in lower case).
fn parse_hash_line(line: &str) -> Option<(usize, String)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [n, "values", "hashing", "to", hash]
            if hash.len() == 32 && hash.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            Some((n.parse().ok()?, hash.to_ascii_lowercase()))
        }
        _ => None,
    }
}

/// The MD5 (lower-case hex) of every value followed by a newline.
pub fn md5_of<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = Md5::new();
    for v in values {
        hasher.update(v.as_bytes());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn values_equal(expected: &str, got: &str, kind: Kind) -> bool {
    if expected == got {
        return true;
    }
    if let Some(re) = expected.strip_prefix("<REGEX>:") {
        return full_match(re, got);
    }
    if let Some(re) = expected.strip_prefix("<!REGEX>:") {
        return !full_match(re, got);
    }
    if expected == "NULL" || got == "NULL" {
        return false;
    }
    match kind {
        Kind::Text => false,
        Kind::Bool => bool_value(expected).is_some() && bool_value(expected) == bool_value(got),
        Kind::Integer => match (int_value(expected), int_value(got)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        Kind::Decimal(scale) => match (float_value(expected), float_value(got)) {
            (Some(a), Some(b)) => {
                let half_unit = 0.5 * 10f64.powi(-(scale as i32));
                (a - b).abs() <= half_unit + b.abs() * 1e-15
            }
            _ => false,
        },
        Kind::Float => match (float_value(expected), float_value(got)) {
            (Some(a), Some(b)) => approx_equal(b, a),
            _ => false,
        },
    }
}

/// Whether the whole of `text` matches `re` (`.` matches newlines too); a pattern that
/// does not compile matches nothing.
pub fn full_match(re: &str, text: &str) -> bool {
    regex::Regex::new(&format!("(?s)^(?:{re})$")).is_ok_and(|r| r.is_match(text))
}

fn bool_value(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" => Some(true),
        "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

fn int_value(s: &str) -> Option<i128> {
    let s = s.trim();
    if let Some(b) = bool_value(s).filter(|_| s.chars().any(|c| c.is_alphabetic())) {
        return Some(b as i128);
    }
    if let Ok(v) = s.parse::<i128>() {
        return Some(v);
    }
    // `1.0` or `1e3` written for an integer.
    let f: f64 = s.parse().ok()?;
    (f.fract() == 0.0 && f.abs() < 1e38).then_some(f as i128)
}

fn float_value(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Some(b) = bool_value(s).filter(|_| s.chars().any(|c| c.is_alphabetic())) {
        return Some(if b { 1.0 } else { 0.0 });
    }
    s.parse().ok()
}

/// DuckDB's float comparison: NaN equals NaN, infinities compare exactly, otherwise
/// within 1% of the expected value (plus 1e-8 for values near zero).
fn approx_equal(got: f64, expected: f64) -> bool {
    if got.is_nan() || expected.is_nan() {
        return got.is_nan() && expected.is_nan();
    }
    if !got.is_finite() || !expected.is_finite() {
        return got == expected;
    }
    (got - expected).abs() <= expected.abs() * 0.01 + 1e-8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    fn rows(values: &[&[&str]]) -> Vec<Vec<String>> {
        values
            .iter()
            .map(|r| r.iter().map(|v| v.to_string()).collect())
            .collect()
    }

    #[test]
    fn row_wise_and_value_wise() {
        let types = [DataType::Int32, DataType::Utf8];
        let got = rows(&[&["1", "a"], &["2", "(empty)"]]);
        assert_eq!(
            check(
                &lines("1\ta\n2\t(empty)"),
                2,
                SortMode::NoSort,
                &types,
                &got
            ),
            Ok(())
        );
        assert_eq!(
            check(
                &lines("1\na\n2\n(empty)"),
                2,
                SortMode::NoSort,
                &types,
                &got
            ),
            Ok(())
        );
        assert_eq!(
            check(
                &lines("2\t(empty)\n1\ta"),
                2,
                SortMode::RowSort,
                &types,
                &got
            ),
            Ok(())
        );
        assert!(matches!(
            check(&lines("1\ta"), 2, SortMode::NoSort, &types, &got),
            Err(Mismatch::RowCount { .. })
        ));
        assert!(matches!(
            check(&lines("1\ta"), 1, SortMode::NoSort, &types, &got),
            Err(Mismatch::ColumnCount { .. })
        ));
    }

    #[test]
    fn values_by_type() {
        assert!(values_equal("1", "true", Kind::Bool));
        assert!(values_equal("false", "0", Kind::Integer));
        assert!(values_equal("1.0", "1", Kind::Integer));
        assert!(!values_equal("1.5", "2", Kind::Integer));
        assert!(values_equal("3.3333", "3.33333333", Kind::Float));
        assert!(!values_equal("3.3", "3.4", Kind::Float));
        assert!(values_equal("nan", "nan", Kind::Float));
        assert!(values_equal("0.333", "0.3330", Kind::Decimal(4)));
        assert!(!values_equal("1.0", "1", Kind::Text));
        assert!(!values_equal("NULL", "0", Kind::Integer));
        assert!(values_equal(
            "<REGEX>:.*~3 rows.*",
            "plan\n ~3 rows",
            Kind::Text
        ));
        assert!(!values_equal("<!REGEX>:.*rows.*", "3 rows", Kind::Text));
    }

    #[test]
    fn hashes() {
        assert_eq!(md5_of(["1", "2"]), "6ddb4095eb719e2a9f0a3f95677d24e0");
        let types = [DataType::Int64];
        let got = rows(&[&["2"], &["1"]]);
        let line = lines("2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0");
        assert_eq!(check(&line, 1, SortMode::RowSort, &types, &got), Ok(()));
        assert!(check(&line, 1, SortMode::NoSort, &types, &got).is_err());
    }
}
