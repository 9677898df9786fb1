//! Covariance and correlation of pairs: `covar_pop(y, x)`, `covar_samp(y, x)` and
//! `corr(y, x)` (the h2o benchmark's `corr(v1, v2)^2`).
//!
//! As in DuckDB, both arguments are cast to `Float64`, the result is `Float64`, and rows
//! where either value is NULL are skipped. Each group keeps the pair count, both means,
//! the co-moment and both sums of squared deviations (Welford's one-pass update, merged
//! with Chan et al.'s formula). `covar_samp` needs two pairs, the others one; `corr` of
//! a constant column is NaN (0 / 0), as in DuckDB.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Float64Type};

use super::util::{check_arg_count, check_inputs, check_map, downcast_other, grow};
use super::{AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::is_numeric;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "covar_pop",
        aliases: &[],
        signature: |t, _| pair_signature("covar_pop", t),
        create: |_| Ok(Box::new(CovarianceAccumulator::new(Stat::CovarPop))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "covar_samp",
        aliases: &[],
        signature: |t, _| pair_signature("covar_samp", t),
        create: |_| Ok(Box::new(CovarianceAccumulator::new(Stat::CovarSamp))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "corr",
        aliases: &[],
        signature: |t, _| pair_signature("corr", t),
        create: |_| Ok(Box::new(CovarianceAccumulator::new(Stat::Corr))),
    });
}

fn pair_signature(name: &str, types: &[DataType]) -> Result<Signature> {
    let expected = "two numeric arguments (y, x)";
    check_arg_count(name, types, 2, 2, expected)?;
    if !types.iter().all(|t| is_numeric(t) || *t == DataType::Null) {
        return Err(signature_error(name, expected, types));
    }
    Ok(Signature {
        args: vec![DataType::Float64, DataType::Float64],
        ret: DataType::Float64,
    })
}

/// Which statistic is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stat {
    CovarPop,
    CovarSamp,
    Corr,
}

impl Stat {
    fn name(self) -> &'static str {
        match self {
            Stat::CovarPop => "covar_pop",
            Stat::CovarSamp => "covar_samp",
            Stat::Corr => "corr",
        }
    }
}

/// Running co-moments of one group.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: u64,
    mean_x: f64,
    mean_y: f64,
    /// Σ (x − mean_x)(y − mean_y)
    co: f64,
    /// Σ (x − mean_x)²
    m2x: f64,
    /// Σ (y − mean_y)²
    m2y: f64,
}

impl Moments {
    #[inline(always)]
    fn add(&mut self, y: f64, x: f64) {
        self.n += 1;
        let n = self.n as f64;
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        self.mean_x += dx / n;
        self.mean_y += dy / n;
        self.co += dx * (y - self.mean_y);
        self.m2x += dx * (x - self.mean_x);
        self.m2y += dy * (y - self.mean_y);
    }

    fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = na + nb;
        let dx = o.mean_x - self.mean_x;
        let dy = o.mean_y - self.mean_y;
        let w = na * nb / n;
        self.co += o.co + dx * dy * w;
        self.m2x += o.m2x + dx * dx * w;
        self.m2y += o.m2y + dy * dy * w;
        self.mean_x += dx * nb / n;
        self.mean_y += dy * nb / n;
        self.n += o.n;
    }
}

fn as_f64<'a>(name: &str, a: &'a ArrayRef) -> Result<&'a Float64Array> {
    a.as_primitive_opt::<Float64Type>().ok_or_else(|| {
        crate::internal_err!("`{name}` expects Float64 input, got {}", a.data_type())
    })
}

/// Pair statistics per group.
#[derive(Debug)]
struct CovarianceAccumulator {
    stat: Stat,
    moments: Vec<Moments>,
}

impl CovarianceAccumulator {
    fn new(stat: Stat) -> Self {
        Self {
            stat,
            moments: vec![],
        }
    }
}

impl GroupsAccumulator for CovarianceAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        let name = self.stat.name();
        check_inputs(name, values, groups, 2)?;
        grow(&mut self.moments, num_groups, Moments::default());
        let (y, x) = (as_f64(name, &values[0])?, as_f64(name, &values[1])?);
        let nulls = NullBuffer::union(y.nulls(), x.nulls()).filter(|n| n.null_count() > 0);
        let pairs = y.values().iter().zip(x.values().iter());
        match nulls {
            None => {
                for (&g, (&yv, &xv)) in groups.iter().zip(pairs) {
                    self.moments[g as usize].add(yv, xv);
                }
            }
            Some(nulls) => {
                for (i, (&g, (&yv, &xv))) in groups.iter().zip(pairs).enumerate() {
                    if nulls.is_valid(i) {
                        self.moments[g as usize].add(yv, xv);
                    }
                }
            }
        }
        Ok(())
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.stat.name())?;
        check_map(self.stat.name(), group_map, other.moments.len())?;
        grow(&mut self.moments, num_groups, Moments::default());
        for (m, &t) in other.moments.iter().zip(group_map) {
            self.moments[t as usize].merge(m);
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut moments = std::mem::take(&mut self.moments);
        moments.resize(num_groups, Moments::default());
        let mut out = Vec::with_capacity(num_groups);
        let mut valid = Vec::with_capacity(num_groups);
        for m in &moments {
            let n = m.n as f64;
            let v = match self.stat {
                Stat::CovarPop if m.n >= 1 => Some(m.co / n),
                Stat::CovarSamp if m.n >= 2 => Some(m.co / (n - 1.0)),
                Stat::Corr if m.n >= 1 => {
                    Some((m.co / n) / ((m.m2x / n).sqrt() * (m.m2y / n).sqrt()))
                }
                _ => None,
            };
            out.push(v.unwrap_or(0.0));
            valid.push(v.is_some());
        }
        Ok(Arc::new(Float64Array::new(
            out.into(),
            Some(NullBuffer::from(valid)),
        )))
    }

    fn size(&self) -> usize {
        self.moments.capacity() * std::mem::size_of::<Moments>() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::{registry, AggregateArgs};

    fn create(name: &str) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&[DataType::Int32, DataType::Int64], &[None, None]).unwrap();
        assert_eq!(sig.ret, DataType::Float64);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None, None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    fn f(v: Vec<Option<f64>>) -> ArrayRef {
        Arc::new(Float64Array::from(v))
    }

    fn run(name: &str) -> Vec<Option<f64>> {
        // Group 0: DuckDB's example; group 1: one pair; group 2: empty.
        let y = f(vec![
            Some(1.0),
            Some(2.0),
            Some(4.0),
            None,
            Some(3.0),
            Some(7.0),
        ]);
        let x = f(vec![
            Some(2.0),
            Some(4.0),
            Some(5.0),
            Some(3.0),
            None,
            Some(1.0),
        ]);
        let mut a = create(name);
        a.update(&[y, x], &[0, 0, 0, 0, 0, 1], 3).unwrap();
        let out = a.finish(3).unwrap();
        assert_eq!(out.data_type(), &DataType::Float64);
        out.as_primitive::<Float64Type>().iter().collect()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn matches_duckdb_and_skips_null_pairs() {
        let c = run("corr");
        assert!(close(c[0], 0.9285714285714287), "{c:?}");
        assert!(c[1].is_some_and(f64::is_nan));
        assert_eq!(c[2], None);
        let p = run("covar_pop");
        assert!(close(p[0], 1.4444444444444444));
        assert_eq!(p[1], Some(0.0));
        let s = run("covar_samp");
        assert!(close(s[0], 2.1666666666666665));
        assert_eq!(s[1], None);
    }

    #[test]
    fn merge_equals_single_pass() {
        let ys: Vec<f64> = (0..50).map(|i| (i * 7 % 13) as f64).collect();
        let xs: Vec<f64> = (0..50).map(|i| (i * 3 % 11) as f64 + 0.25).collect();
        let opt = |v: &[f64]| f(v.iter().map(|&x| Some(x)).collect());
        let mut whole = create("corr");
        whole.update(&[opt(&ys), opt(&xs)], &[0; 50], 1).unwrap();
        let want = whole
            .finish(1)
            .unwrap()
            .as_primitive::<Float64Type>()
            .value(0);
        let mut a = create("corr");
        a.update(&[opt(&ys[..20]), opt(&xs[..20])], &[0; 20], 1)
            .unwrap();
        let mut b = create("corr");
        b.update(&[opt(&ys[20..]), opt(&xs[20..])], &[0; 30], 1)
            .unwrap();
        a.merge(b, &[0], 1).unwrap();
        let got = a.finish(1).unwrap().as_primitive::<Float64Type>().value(0);
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }

    #[test]
    fn rejects_strings() {
        let def = registry().aggregate("corr").unwrap();
        assert!((def.signature)(&[DataType::Utf8, DataType::Int32], &[None, None]).is_err());
    }
}
