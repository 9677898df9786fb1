//! Linear regression of `y` on `x` over the non-NULL pairs: `regr_count(y, x)`,
//! `regr_avgx`, `regr_avgy`, `regr_slope`, `regr_intercept`, `regr_r2`, `regr_sxx`,
//! `regr_syy` and `regr_sxy`.
//!
//! They share the co-moment state of `covar_pop` / `corr` (see `covariance.rs`): both
//! arguments are cast to `Float64` and every result is `Float64` except `regr_count`, a
//! `UInt32` (DuckDB's UINTEGER) that is 0 for no pairs where the others are NULL. Edge
//! cases follow DuckDB: a single pair has a population variance of 0, so `regr_slope` is
//! NaN (0 / 0) and `regr_intercept` NULL; `regr_r2` is NULL when `x` is constant and 1
//! when only `y` is.

use arrow::datatypes::DataType;

use super::covariance::{corr, pair_signature, Moments, PairAccumulator, PairStat};
use super::AggregateFunctionDef;
use crate::functions::FunctionRegistry;

pub(super) fn register(r: &mut FunctionRegistry) {
    macro_rules! regr {
        ($name:literal, $stat:expr) => {
            r.add_aggregate(AggregateFunctionDef {
                name: $name,
                aliases: &[],
                signature: |t, _| pair_signature($name, t),
                create: |_| Ok(PairAccumulator::boxed($name, $stat)),
            });
        };
    }
    regr!("regr_avgx", |m| (m.n > 0).then_some(m.mean_x));
    regr!("regr_avgy", |m| (m.n > 0).then_some(m.mean_y));
    regr!("regr_slope", slope);
    regr!("regr_intercept", intercept);
    regr!("regr_r2", r2);
    regr!("regr_sxx", |m| (m.n > 0).then(|| sum_sq(m, m.m2x)));
    regr!("regr_syy", |m| (m.n > 0).then(|| sum_sq(m, m.m2y)));
    regr!("regr_sxy", |m| (m.n > 0).then_some(m.co));
    r.add_aggregate(AggregateFunctionDef {
        name: "regr_count",
        aliases: &[],
        signature: |t, _| {
            let mut sig = pair_signature("regr_count", t)?;
            sig.ret = DataType::UInt32;
            Ok(sig)
        },
        create: |_| {
            let count: PairStat = |m| Some(m.n as f64);
            Ok(PairAccumulator::boxed_as(
                "regr_count",
                count,
                DataType::UInt32,
            ))
        },
    });
}

/// A sum of squared deviations; exactly 0 for one pair (DuckDB's population variance of a
/// single value).
fn sum_sq(m: &Moments, m2: f64) -> f64 {
    if m.n > 1 {
        m2
    } else {
        0.0
    }
}

/// `var_pop` of `x` or `y` from its sum of squared deviations.
fn var_pop(m: &Moments, m2: f64) -> f64 {
    sum_sq(m, m2) / m.n as f64
}

fn slope(m: &Moments) -> Option<f64> {
    (m.n > 0).then(|| (m.co / m.n as f64) / var_pop(m, m.m2x))
}

fn intercept(m: &Moments) -> Option<f64> {
    let s = slope(m)?;
    (!s.is_nan()).then_some(m.mean_y - s * m.mean_x)
}

fn r2(m: &Moments) -> Option<f64> {
    if m.n == 0 || var_pop(m, m.m2x) == 0.0 {
        return None;
    }
    if var_pop(m, m.m2y) == 0.0 {
        return Some(1.0);
    }
    corr(m).map(|c| c * c)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
    use arrow::datatypes::{Float64Type, UInt32Type};

    use super::*;
    use crate::functions::{registry, AggregateArgs};

    /// Runs `name` over DuckDB's test table: group 0 holds the pairs (10, NULL), (10, 11),
    /// (20, 22), (25, NULL), (30, 35); group 1 is a single pair, group 2 is empty.
    fn run(name: &str) -> ArrayRef {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&[DataType::Int32, DataType::Int32], &[None, None]).unwrap();
        let mut acc = (def.create)(&AggregateArgs {
            arg_types: sig.args.clone(),
            literal_args: vec![None, None],
            return_type: sig.ret.clone(),
            ordered: false,
        })
        .unwrap();
        let y: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(10.0),
            Some(10.0),
            Some(20.0),
            Some(25.0),
            Some(30.0),
            Some(1.0),
        ]));
        let x: ArrayRef = Arc::new(Float64Array::from(vec![
            None,
            Some(11.0),
            Some(22.0),
            None,
            Some(35.0),
            Some(1.0),
        ]));
        acc.update(&[y, x], &[0, 0, 0, 0, 0, 1], 3).unwrap();
        let out = acc.finish(3).unwrap();
        assert_eq!(out.data_type(), &sig.ret);
        out
    }

    fn floats(name: &str) -> Vec<Option<f64>> {
        run(name).as_primitive::<Float64Type>().iter().collect()
    }

    fn close(v: Option<f64>, want: f64) -> bool {
        v.is_some_and(|v| (v - want).abs() < 1e-6)
    }

    #[test]
    fn matches_duckdb() {
        let cases = [
            ("regr_avgx", 22.666667),
            ("regr_avgy", 20.0),
            ("regr_slope", 0.831409),
            ("regr_intercept", 1.154734),
            ("regr_r2", 0.997691),
            ("regr_sxx", 288.666667),
            ("regr_syy", 200.0),
            ("regr_sxy", 240.0),
        ];
        for (name, want) in cases {
            let got = floats(name);
            assert!(close(got[0], want), "{name}: {got:?}");
            assert_eq!(got[2], None, "{name}");
        }
        let counts: Vec<Option<u32>> = run("regr_count")
            .as_primitive::<UInt32Type>()
            .iter()
            .collect();
        assert_eq!(counts, vec![Some(3), Some(1), Some(0)]);
    }

    #[test]
    fn single_pair_edge_cases() {
        assert!(floats("regr_slope")[1].is_some_and(f64::is_nan));
        assert_eq!(floats("regr_intercept")[1], None);
        assert_eq!(floats("regr_r2")[1], None);
        assert_eq!(floats("regr_sxx")[1], Some(0.0));
        assert_eq!(floats("regr_sxy")[1], Some(0.0));
        assert_eq!(floats("regr_avgx")[1], Some(1.0));
    }
}
