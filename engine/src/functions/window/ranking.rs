//! Ranking window functions: `row_number`, `rank`, `dense_rank`, `percent_rank`,
//! `cume_dist` and `ntile(n)`.
//!
//! They number rows within their partition in window order; rows equal on the ORDER BY
//! keys (peers) share `rank`, `dense_rank`, `percent_rank` and `cume_dist`. Without an
//! ORDER BY every row of a partition is a peer of every other. Frames do not apply. Types
//! follow DuckDB: the counting functions return `Int64`, the relative ones `Float64`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array};
use arrow::datatypes::{DataType, Int64Type};

use super::{is_integer_like, WindowFunctionDef, WindowInput};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    let defs: [(
        &'static str,
        crate::functions::SignatureFn,
        super::EvaluateFn,
    ); 5] = [
        ("row_number", int64_no_args_row_number, row_number),
        ("rank", int64_no_args_rank, rank),
        ("dense_rank", int64_no_args_dense_rank, dense_rank),
        ("percent_rank", float64_no_args_percent_rank, percent_rank),
        ("cume_dist", float64_no_args_cume_dist, cume_dist),
    ];
    for (name, signature, evaluate) in defs {
        r.add_window(WindowFunctionDef {
            name,
            aliases: &[],
            signature,
            uses_frame: false,
            supports_ignore_nulls: false,
            evaluate,
        });
    }
    r.add_window(WindowFunctionDef {
        name: "ntile",
        aliases: &[],
        signature: ntile_signature,
        uses_frame: false,
        supports_ignore_nulls: false,
        evaluate: ntile,
    });
}

fn no_args(name: &str, types: &[DataType], ret: DataType) -> Result<Signature> {
    if !types.is_empty() {
        return Err(signature_error(name, "no arguments", types));
    }
    Ok(Signature::keep(types, ret))
}

fn int64_no_args_row_number(t: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    no_args("row_number", t, DataType::Int64)
}
fn int64_no_args_rank(t: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    no_args("rank", t, DataType::Int64)
}
fn int64_no_args_dense_rank(t: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    no_args("dense_rank", t, DataType::Int64)
}
fn float64_no_args_percent_rank(t: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    no_args("percent_rank", t, DataType::Float64)
}
fn float64_no_args_cume_dist(t: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    no_args("cume_dist", t, DataType::Float64)
}

fn ntile_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    const EXPECTED: &str = "one integer argument (the number of buckets)";
    match types {
        [t] if is_integer_like(t) => Ok(Signature {
            args: vec![DataType::Int64],
            ret: DataType::Int64,
        }),
        _ => Err(signature_error("ntile", EXPECTED, types)),
    }
}

/// Fills one `Int64` per row from `f(position, partition_start, partition_end)`.
fn per_row_i64(input: &WindowInput<'_>, mut f: impl FnMut(usize, usize, usize) -> i64) -> ArrayRef {
    let mut out = Vec::with_capacity(input.num_rows());
    for (ps, pe) in input.partition_ranges() {
        for i in ps..pe {
            out.push(f(i, ps, pe));
        }
    }
    Arc::new(Int64Array::from(out))
}

fn row_number(input: &WindowInput<'_>, _: &DataType) -> Result<ArrayRef> {
    Ok(per_row_i64(input, |i, ps, _| (i - ps + 1) as i64))
}

fn rank(input: &WindowInput<'_>, _: &DataType) -> Result<ArrayRef> {
    let peer_start = input.peer_start;
    Ok(per_row_i64(input, |i, ps, _| {
        (peer_start[i] as usize - ps + 1) as i64
    }))
}

fn dense_rank(input: &WindowInput<'_>, _: &DataType) -> Result<ArrayRef> {
    let peer_start = input.peer_start;
    let mut current = 0i64;
    Ok(per_row_i64(input, |i, ps, _| {
        if i == ps {
            current = 0;
        }
        if peer_start[i] as usize == i {
            current += 1;
        }
        current
    }))
}

fn percent_rank(input: &WindowInput<'_>, _: &DataType) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(input.num_rows());
    for (ps, pe) in input.partition_ranges() {
        let n = pe - ps;
        for i in ps..pe {
            let rank0 = input.peer_start[i] as usize - ps;
            out.push(if n > 1 {
                rank0 as f64 / (n - 1) as f64
            } else {
                0.0
            });
        }
    }
    Ok(Arc::new(Float64Array::from(out)))
}

fn cume_dist(input: &WindowInput<'_>, _: &DataType) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(input.num_rows());
    for (ps, pe) in input.partition_ranges() {
        let n = (pe - ps) as f64;
        for i in ps..pe {
            out.push((input.peer_end[i] as usize - ps) as f64 / n);
        }
    }
    Ok(Arc::new(Float64Array::from(out)))
}

/// DuckDB's bucket assignment: the first `n_total % buckets` buckets get one extra row.
fn ntile_bucket(row: usize, n_total: usize, buckets: usize) -> i64 {
    let size = n_total / buckets;
    let n_large = n_total - buckets * size;
    let i_small = n_large * (size + 1);
    let b = if row < i_small {
        1 + row / (size + 1)
    } else {
        // `size > 0` here: with size == 0 every row is below i_small (= n_total).
        1 + n_large + (row - i_small) / size.max(1)
    };
    b as i64
}

fn ntile(input: &WindowInput<'_>, _: &DataType) -> Result<ArrayRef> {
    let buckets = input
        .args
        .first()
        .ok_or_else(|| crate::internal_err!("ntile was called without its argument"))?;
    let buckets = crate::physical::expr::cast_array(buckets, &DataType::Int64, false)?;
    let buckets = buckets.as_primitive::<Int64Type>();
    let mut out = Vec::with_capacity(input.num_rows());
    for (ps, pe) in input.partition_ranges() {
        for i in ps..pe {
            if buckets.is_null(i) {
                return Err(crate::compute_err!(
                    "the number of buckets of `ntile` must not be NULL; use coalesce() to give a default"
                ));
            }
            let b = buckets.value(i);
            if b <= 0 {
                return Err(crate::compute_err!(
                    "the number of buckets of `ntile` must be greater than zero, got {b}"
                ));
            }
            let b = usize::try_from(b).unwrap_or(usize::MAX);
            out.push(ntile_bucket(i - ps, pe - ps, b));
        }
    }
    Ok(Arc::new(Int64Array::from(out)))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::Owned;
    use super::*;

    fn ints(a: &ArrayRef) -> Vec<i64> {
        a.as_primitive::<Int64Type>().values().to_vec()
    }

    fn floats(a: &ArrayRef) -> Vec<f64> {
        a.as_primitive::<arrow::datatypes::Float64Type>()
            .values()
            .to_vec()
    }

    #[test]
    fn ranks_with_peers() {
        // Partition a: keys 1, 2, 2, NULL(9); partition b: 5, 7, NULL(9) (as DuckDB sorts).
        let o = Owned::new(vec![], &[4, 3], &[1, 2, 2, 9, 5, 7, 9]);
        let i = o.input();
        assert_eq!(
            ints(&row_number(&i, &DataType::Int64).unwrap()),
            vec![1, 2, 3, 4, 1, 2, 3]
        );
        assert_eq!(
            ints(&rank(&i, &DataType::Int64).unwrap()),
            vec![1, 2, 2, 4, 1, 2, 3]
        );
        assert_eq!(
            ints(&dense_rank(&i, &DataType::Int64).unwrap()),
            vec![1, 2, 2, 3, 1, 2, 3]
        );
        let pr = floats(&percent_rank(&i, &DataType::Float64).unwrap());
        assert_eq!(pr, vec![0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0, 0.0, 0.5, 1.0]);
        let cd = floats(&cume_dist(&i, &DataType::Float64).unwrap());
        assert_eq!(cd, vec![0.25, 0.75, 0.75, 1.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]);
    }

    #[test]
    fn single_row_partition() {
        let o = Owned::new(vec![], &[1], &[0]);
        assert_eq!(
            floats(&percent_rank(&o.input(), &DataType::Float64).unwrap()),
            vec![0.0]
        );
        assert_eq!(
            floats(&cume_dist(&o.input(), &DataType::Float64).unwrap()),
            vec![1.0]
        );
    }

    #[test]
    fn ntile_matches_duckdb() {
        let n: ArrayRef = Arc::new(Int64Array::from(vec![3; 7]));
        let o = Owned::new(vec![n], &[4, 3], &[0, 1, 2, 3, 0, 1, 2]);
        assert_eq!(
            ints(&ntile(&o.input(), &DataType::Int64).unwrap()),
            vec![1, 1, 2, 3, 1, 2, 3]
        );
        // More buckets than rows: one row per bucket.
        let n: ArrayRef = Arc::new(Int64Array::from(vec![10; 3]));
        let o = Owned::new(vec![n], &[3], &[0, 1, 2]);
        assert_eq!(
            ints(&ntile(&o.input(), &DataType::Int64).unwrap()),
            vec![1, 2, 3]
        );
        assert_eq!(
            (0..7).map(|r| ntile_bucket(r, 7, 2)).collect::<Vec<_>>(),
            vec![1, 1, 1, 1, 2, 2, 2]
        );
    }

    #[test]
    fn ntile_rejects_bad_bucket_counts() {
        let n: ArrayRef = Arc::new(Int64Array::from(vec![0; 2]));
        let o = Owned::new(vec![n], &[2], &[0, 1]);
        let e = ntile(&o.input(), &DataType::Int64).unwrap_err();
        assert!(e.to_string().contains("greater than zero"), "{e}");
        let n: ArrayRef = Arc::new(Int64Array::from(vec![None, None]));
        let o = Owned::new(vec![n], &[2], &[0, 1]);
        assert!(ntile(&o.input(), &DataType::Int64).is_err());
    }

    #[test]
    fn signatures() {
        assert_eq!(int64_no_args_rank(&[], &[]).unwrap().ret, DataType::Int64);
        assert!(int64_no_args_row_number(&[DataType::Int32], &[None]).is_err());
        assert_eq!(
            ntile_signature(&[DataType::Int32], &[None]).unwrap().args,
            vec![DataType::Int64]
        );
        assert!(ntile_signature(&[DataType::Utf8], &[None]).is_err());
    }
}
