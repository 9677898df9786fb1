//! Shape statistics from power sums: `skewness(x)` (sample skewness), `kurtosis(x)`
//! (sample excess kurtosis, bias-corrected) and `kurtosis_pop(x)` (population excess
//! kurtosis).
//!
//! As in DuckDB: the argument is cast to `Float64`, each group keeps the count and the sums
//! of x, x², x³ and x⁴ (merged by adding), and the results are NULL when they are
//! undefined: fewer than 3 values for `skewness`, fewer than 4 for `kurtosis`, or no
//! spread. A result that overflows to an infinity or NaN is an error, as DuckDB raises.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Float64Array};

use super::covariance::as_f64;
use super::util::{check_inputs, check_map, downcast_other, grow};
use super::variance::variance_signature;
use super::{AggregateFunctionDef, GroupsAccumulator};
use crate::error::{Error, Result};
use crate::functions::FunctionRegistry;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "skewness",
        aliases: &[],
        signature: |t, _| variance_signature("skewness", t),
        create: |_| Ok(Box::new(MomentsAccumulator::new(Shape::Skewness))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "kurtosis",
        aliases: &[],
        signature: |t, _| variance_signature("kurtosis", t),
        create: |_| Ok(Box::new(MomentsAccumulator::new(Shape::Kurtosis))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "kurtosis_pop",
        aliases: &[],
        signature: |t, _| variance_signature("kurtosis_pop", t),
        create: |_| Ok(Box::new(MomentsAccumulator::new(Shape::KurtosisPop))),
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Skewness,
    Kurtosis,
    KurtosisPop,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Skewness => "skewness",
            Shape::Kurtosis => "kurtosis",
            Shape::KurtosisPop => "kurtosis_pop",
        }
    }
}

/// Count and power sums of one group.
#[derive(Debug, Clone, Copy, Default)]
struct PowerSums {
    n: u64,
    s1: f64,
    s2: f64,
    s3: f64,
    s4: f64,
}

impl PowerSums {
    #[inline(always)]
    fn add(&mut self, x: f64) {
        let x2 = x * x;
        self.n += 1;
        self.s1 += x;
        self.s2 += x2;
        self.s3 += x2 * x;
        self.s4 += x2 * x2;
    }

    fn merge(&mut self, o: &PowerSums) {
        self.n += o.n;
        self.s1 += o.s1;
        self.s2 += o.s2;
        self.s3 += o.s3;
        self.s4 += o.s4;
    }

    fn skewness(&self) -> Option<f64> {
        if self.n <= 2 {
            return None;
        }
        let n = self.n as f64;
        let inv = 1.0 / n;
        let p = (inv * (self.s2 - self.s1 * self.s1 * inv)).powi(3).max(0.0);
        let div = p.sqrt();
        if div == 0.0 {
            return None;
        }
        let scale = (n * (n - 1.0)).sqrt() / (n - 2.0);
        let m3 = self.s3 - 3.0 * self.s2 * self.s1 * inv + 2.0 * self.s1.powi(3) * inv * inv;
        Some(scale * inv * m3 / div)
    }

    /// The second and fourth central moments, `None` without spread.
    fn m2_m4(&self) -> Option<(f64, f64)> {
        let n = self.n as f64;
        let inv = 1.0 / n;
        if self.n == 0 || self.s2 - self.s1 * self.s1 * inv == 0.0 {
            return None;
        }
        let m4 = inv
            * (self.s4 - 4.0 * self.s3 * self.s1 * inv
                + 6.0 * self.s2 * self.s1 * self.s1 * inv * inv
                - 3.0 * self.s1.powi(4) * inv.powi(3));
        let m2 = inv * (self.s2 - self.s1 * self.s1 * inv);
        (m2 > 0.0).then_some((m2, m4))
    }

    fn kurtosis(&self) -> Option<f64> {
        if self.n <= 3 {
            return None;
        }
        let n = self.n as f64;
        let (m2, m4) = self.m2_m4()?;
        Some((n - 1.0) * ((n + 1.0) * m4 / (m2 * m2) - 3.0 * (n - 1.0)) / ((n - 2.0) * (n - 3.0)))
    }

    fn kurtosis_pop(&self) -> Option<f64> {
        let (m2, m4) = self.m2_m4()?;
        Some(m4 / (m2 * m2) - 3.0)
    }
}

struct MomentsAccumulator {
    shape: Shape,
    sums: Vec<PowerSums>,
}

impl MomentsAccumulator {
    fn new(shape: Shape) -> Self {
        Self {
            shape,
            sums: vec![],
        }
    }
}

impl GroupsAccumulator for MomentsAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        let name = self.shape.name();
        check_inputs(name, values, groups, 1)?;
        grow(&mut self.sums, num_groups, PowerSums::default());
        let arr = as_f64(name, &values[0])?;
        let nulls = arr.nulls().filter(|n| n.null_count() > 0);
        for (i, (&g, &x)) in groups.iter().zip(arr.values().iter()).enumerate() {
            if nulls.is_none_or(|n| n.is_valid(i)) {
                self.sums[g as usize].add(x);
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
        let other = downcast_other::<Self>(other, self.shape.name())?;
        check_map(self.shape.name(), group_map, other.sums.len())?;
        grow(&mut self.sums, num_groups, PowerSums::default());
        for (s, &t) in other.sums.iter().zip(group_map) {
            self.sums[t as usize].merge(s);
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut sums = std::mem::take(&mut self.sums);
        sums.resize(num_groups, PowerSums::default());
        let out = sums
            .iter()
            .map(|s| {
                let v = match self.shape {
                    Shape::Skewness => s.skewness(),
                    Shape::Kurtosis => s.kurtosis(),
                    Shape::KurtosisPop => s.kurtosis_pop(),
                };
                match v {
                    Some(v) if !v.is_finite() => Err(Error::Compute(format!(
                        "{} is out of range!",
                        self.shape.name().to_uppercase()
                    ))),
                    v => Ok(v),
                }
            })
            .collect::<Result<Float64Array>>()?;
        Ok(Arc::new(out))
    }

    fn size(&self) -> usize {
        self.sums.capacity() * std::mem::size_of::<PowerSums>() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::AsArray;
    use arrow::datatypes::{DataType, Float64Type};

    use super::*;
    use crate::functions::{registry, AggregateArgs};

    fn run(name: &str, xs: &[f64]) -> Result<Option<f64>> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&[DataType::Float64], &[None]).unwrap();
        let mut acc = (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap();
        let v: ArrayRef = Arc::new(Float64Array::from(xs.to_vec()));
        acc.update(&[v], &vec![0; xs.len()], 1)?;
        let out = acc.finish(1)?;
        Ok(out.as_primitive::<Float64Type>().iter().next().flatten())
    }

    fn close(v: Option<f64>, want: f64) -> bool {
        v.is_some_and(|v| (v - want).abs() < 1e-9)
    }

    #[test]
    fn matches_duckdb() {
        let xs = [1.0, 2.0, 3.0, 10.0, 4.0];
        assert!(close(run("skewness", &xs).unwrap(), 1.6970562748477143));
        assert!(close(run("kurtosis", &xs).unwrap(), 3.152000000000001));
        assert!(close(
            run("kurtosis_pop", &xs).unwrap(),
            -0.21199999999999974
        ));
        assert!(close(run("kurtosis_pop", &[1.0, 2.0]).unwrap(), -2.0));
        assert_eq!(run("skewness", &[1.0, 1.0, 1.0]).unwrap(), None);
        assert_eq!(run("kurtosis", &[1.0, 2.0, 3.0]).unwrap(), None);
        assert!(run("skewness", &[-2e307, 0.0, 2e307]).is_err());
    }
}
