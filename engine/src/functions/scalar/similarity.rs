//! String similarity: edit distances and Jaro(-Winkler) similarity, as DuckDB names them.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::datatypes::DataType;

use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    let int: super::super::SignatureFn = |a, _| two_strings(a, DataType::Int64);
    let float: super::super::SignatureFn = |a, _| two_strings(a, DataType::Float64);
    r.add_scalar(ScalarFunctionDef {
        name: "levenshtein",
        aliases: &["editdist3"],
        signature: int,
        invoke: levenshtein,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "damerau_levenshtein",
        aliases: &[],
        signature: int,
        invoke: damerau,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "hamming",
        aliases: &["mismatches"],
        signature: int,
        invoke: hamming,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "jaro_similarity",
        aliases: &[],
        signature: float,
        invoke: jaro,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "jaro_winkler_similarity",
        aliases: &[],
        signature: float,
        invoke: jaro_winkler,
        volatile: false,
    });
}

fn two_strings(args: &[DataType], ret: DataType) -> Result<Signature> {
    if args.len() == 2 && args.iter().all(|t| is_string(t) || *t == DataType::Null) {
        return Ok(Signature {
            args: vec![DataType::Utf8, DataType::Utf8],
            ret,
        });
    }
    Err(signature_error(
        "a string similarity function",
        "two strings",
        args,
    ))
}

fn apply<T>(
    args: &[ColumnarValue],
    num_rows: usize,
    f: impl Fn(&[char], &[char]) -> Result<T>,
    build: impl Fn(Vec<Option<T>>) -> ArrayRef,
) -> Result<ColumnarValue> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let a = args[0].to_array(rows)?;
    let b = args[1].to_array(rows)?;
    let (a, b) = (a.as_string::<i32>(), b.as_string::<i32>());
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        if a.is_null(r) || b.is_null(r) {
            out.push(None);
            continue;
        }
        let x: Vec<char> = a.value(r).chars().collect();
        let y: Vec<char> = b.value(r).chars().collect();
        out.push(Some(f(&x, &y)?));
    }
    let arr = build(out);
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(arr)?)
    } else {
        ColumnarValue::Array(arr)
    })
}

fn ints(v: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(Int64Array::from(v))
}

fn floats(v: Vec<Option<f64>>) -> ArrayRef {
    Arc::new(Float64Array::from(v))
}

fn edit_distance(a: &[char], b: &[char], transpositions: bool) -> i64 {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m] as i64
}

fn levenshtein(args: &[ColumnarValue], n: usize) -> Result<ColumnarValue> {
    apply(args, n, |a, b| Ok(edit_distance(a, b, false)), ints)
}

fn damerau(args: &[ColumnarValue], n: usize) -> Result<ColumnarValue> {
    apply(args, n, |a, b| Ok(edit_distance(a, b, true)), ints)
}

fn hamming(args: &[ColumnarValue], n: usize) -> Result<ColumnarValue> {
    apply(
        args,
        n,
        |a, b| {
            if a.len() != b.len() {
                return Err(crate::compute_err!(
                    "hamming needs strings of equal length, got {} and {}",
                    a.len(),
                    b.len()
                ));
            }
            Ok(a.iter().zip(b).filter(|(x, y)| x != y).count() as i64)
        },
        ints,
    )
}

fn jaro_of(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_hit = vec![false; a.len()];
    let mut b_hit = vec![false; b.len()];
    let mut matches = 0.0;
    for i in 0..a.len() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_hit[j] && a[i] == b[j] {
                a_hit[i] = true;
                b_hit[j] = true;
                matches += 1.0;
                break;
            }
        }
    }
    if matches == 0.0 {
        return 0.0;
    }
    let a_m: Vec<char> = a
        .iter()
        .zip(&a_hit)
        .filter(|(_, h)| **h)
        .map(|(c, _)| *c)
        .collect();
    let b_m: Vec<char> = b
        .iter()
        .zip(&b_hit)
        .filter(|(_, h)| **h)
        .map(|(c, _)| *c)
        .collect();
    let t = a_m.iter().zip(&b_m).filter(|(x, y)| x != y).count() as f64 / 2.0;
    (matches / a.len() as f64 + matches / b.len() as f64 + (matches - t) / matches) / 3.0
}

fn jaro(args: &[ColumnarValue], n: usize) -> Result<ColumnarValue> {
    apply(args, n, |a, b| Ok(jaro_of(a, b)), floats)
}

fn jaro_winkler(args: &[ColumnarValue], n: usize) -> Result<ColumnarValue> {
    apply(
        args,
        n,
        |a, b| {
            let j = jaro_of(a, b);
            let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
            Ok(if j > 0.7 {
                j + prefix * 0.1 * (1.0 - j)
            } else {
                j
            })
        },
        floats,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn distances_match_duckdb() {
        assert_eq!(edit_distance(&c("kitten"), &c("sitting"), false), 3);
        assert_eq!(edit_distance(&c("ca"), &c("ac"), true), 1);
        assert!((jaro_of(&c("martha"), &c("marhta")) - 0.9444444444444445).abs() < 1e-12);
    }
}
