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
        create: |_| Ok(PairAccumulator::boxed("covar_pop", covar_pop)),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "covar_samp",
        aliases: &[],
        signature: |t, _| pair_signature("covar_samp", t),
        create: |_| Ok(PairAccumulator::boxed("covar_samp", covar_samp)),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "corr",
        aliases: &[],
        signature: |t, _| pair_signature("corr", t),
        create: |_| Ok(PairAccumulator::boxed("corr", corr)),
    });
}

fn covar_pop(m: &Moments) -> Option<f64> {
    (m.n >= 1).then(|| m.co / m.n as f64)
}

fn covar_samp(m: &Moments) -> Option<f64> {
    (m.n >= 2).then(|| m.co / (m.n as f64 - 1.0))
}

pub(super) fn corr(m: &Moments) -> Option<f64> {
    let n = m.n as f64;
    (m.n >= 1).then(|| (m.co / n) / ((m.m2x / n).sqrt() * (m.m2y / n).sqrt()))
}

pub(super) fn pair_signature(name: &str, types: &[DataType]) -> Result<Signature> {
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

/// Running co-moments of one group (shared with the `regr_*` family).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Moments {
    pub(super) n: u64,
    pub(super) mean_x: f64,
    pub(super) mean_y: f64,
    /// Σ (x − mean_x)(y − mean_y)
    pub(super) co: f64,
    /// Σ (x − mean_x)²
    pub(super) m2x: f64,
    /// Σ (y − mean_y)²
    pub(super) m2y: f64,
}

impl Moments {
    #[inline(always)]
    pub(super) fn add(&mut self, y: f64, x: f64) {
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

    pub(super) fn merge(&mut self, o: &Moments) {
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

pub(super) fn as_f64<'a>(name: &str, a: &'a ArrayRef) -> Result<&'a Float64Array> {
    a.as_primitive_opt::<Float64Type>().ok_or_else(|| {
        crate::internal_err!("`{name}` expects Float64 input, got {}", a.data_type())
    })
}

/// The statistic a [`PairAccumulator`] returns from a group's moments (`None` is NULL).
pub(super) type PairStat = fn(&Moments) -> Option<f64>;

/// Pair statistics per group: the moments of every group, and the statistic to report.
pub(super) struct PairAccumulator {
    name: &'static str,
    stat: PairStat,
    /// The result type: `Float64`, or another numeric type the values are cast to.
    ret: DataType,
    moments: Vec<Moments>,
}

impl PairAccumulator {
    /// An empty accumulator reporting `stat`.
    pub(super) fn boxed(name: &'static str, stat: PairStat) -> Box<dyn GroupsAccumulator> {
        Self::boxed_as(name, stat, DataType::Float64)
    }

    /// An empty accumulator reporting `stat` cast to `ret` (e.g. a count).
    pub(super) fn boxed_as(
        name: &'static str,
        stat: PairStat,
        ret: DataType,
    ) -> Box<dyn GroupsAccumulator> {
        Box::new(Self {
            name,
            stat,
            ret,
            moments: vec![],
        })
    }
}

impl GroupsAccumulator for PairAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        let name = self.name;
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
        let other = downcast_other::<Self>(other, self.name)?;
        check_map(self.name, group_map, other.moments.len())?;
        grow(&mut self.moments, num_groups, Moments::default());
        for (m, &t) in other.moments.iter().zip(group_map) {
            self.moments[t as usize].merge(m);
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut moments = std::mem::take(&mut self.moments);
        moments.resize(num_groups, Moments::default());
        let out: ArrayRef = Arc::new(moments.iter().map(self.stat).collect::<Float64Array>());
        if self.ret == DataType::Float64 {
            Ok(out)
        } else {
            Ok(arrow::compute::cast(&out, &self.ret)?)
        }
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
