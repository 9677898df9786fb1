//! Floating-point sums beyond plain `sum`: `fsum(x)` (aliases `sumkahan`, `kahan_sum`), a
//! Kahan-compensated sum that stays exact where a running sum loses low bits, and
//! `weighted_avg(x, w)` (alias `wavg`), Σ x·w / Σ w.
//!
//! Both cast their arguments to `Float64` and return `Float64`, as in DuckDB; a group
//! without values gives NULL. `weighted_avg` skips rows where either argument is NULL, and
//! a zero total weight gives NaN (0 / 0).

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Float64Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::DataType;

use super::covariance::as_f64;
use super::util::{check_arg_count, check_inputs, check_map, downcast_other, grow, value_type};
use super::variance::variance_signature;
use super::{AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::is_numeric;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "fsum",
        aliases: &["sumkahan", "kahan_sum"],
        signature: |t, _| variance_signature("fsum", t),
        create: |_| Ok(Box::new(FloatSums::new(Kind::Kahan))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "weighted_avg",
        aliases: &["wavg"],
        signature: |t, _| {
            let expected = "two numeric arguments (value, weight)";
            check_arg_count("weighted_avg", t, 2, 2, expected)?;
            if !t.iter().all(|t| {
                let t = value_type(t);
                is_numeric(&t) || t == DataType::Null
            }) {
                return Err(signature_error("weighted_avg", expected, t));
            }
            Ok(Signature {
                args: vec![DataType::Float64, DataType::Float64],
                ret: DataType::Float64,
            })
        },
        create: |_| Ok(Box::new(FloatSums::new(Kind::Weighted))),
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Kahan,
    Weighted,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Kahan => "fsum",
            Kind::Weighted => "weighted_avg",
        }
    }
}

/// One group's state: for `fsum` the sum and its running compensation, for
/// `weighted_avg` Σ x·w and Σ w.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    n: u64,
    a: f64,
    b: f64,
}

impl Sums {
    /// Kahan's step: `a` is the sum, `b` the low-order bits lost so far.
    #[inline(always)]
    fn kahan_add(&mut self, x: f64) {
        self.n += 1;
        let y = x - self.b;
        let t = self.a + y;
        self.b = (t - self.a) - y;
        self.a = t;
    }

    #[inline(always)]
    fn weighted_add(&mut self, x: f64, w: f64) {
        self.n += 1;
        self.a += x * w;
        self.b += w;
    }
}

struct FloatSums {
    kind: Kind,
    sums: Vec<Sums>,
}

impl FloatSums {
    fn new(kind: Kind) -> Self {
        Self { kind, sums: vec![] }
    }
}

impl GroupsAccumulator for FloatSums {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        let name = self.kind.name();
        grow(&mut self.sums, num_groups, Sums::default());
        match self.kind {
            Kind::Kahan => {
                check_inputs(name, values, groups, 1)?;
                let x = as_f64(name, &values[0])?;
                let nulls = x.nulls().filter(|n| n.null_count() > 0);
                for (i, (&g, &v)) in groups.iter().zip(x.values().iter()).enumerate() {
                    if nulls.is_none_or(|n| n.is_valid(i)) {
                        self.sums[g as usize].kahan_add(v);
                    }
                }
            }
            Kind::Weighted => {
                check_inputs(name, values, groups, 2)?;
                let (x, w) = (as_f64(name, &values[0])?, as_f64(name, &values[1])?);
                let nulls = NullBuffer::union(x.nulls(), w.nulls());
                let pairs = x.values().iter().zip(w.values().iter());
                for (i, (&g, (&xv, &wv))) in groups.iter().zip(pairs).enumerate() {
                    if nulls.as_ref().is_none_or(|n| n.is_valid(i)) {
                        self.sums[g as usize].weighted_add(xv, wv);
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
        let other = downcast_other::<Self>(other, self.kind.name())?;
        check_map(self.kind.name(), group_map, other.sums.len())?;
        grow(&mut self.sums, num_groups, Sums::default());
        for (o, &t) in other.sums.iter().zip(group_map) {
            if o.n == 0 {
                continue;
            }
            let s = &mut self.sums[t as usize];
            match self.kind {
                Kind::Kahan => {
                    // Fold the other sum and its compensation in with Kahan steps.
                    let n = s.n;
                    s.kahan_add(o.a);
                    s.kahan_add(-o.b);
                    s.n = n + o.n;
                }
                Kind::Weighted => {
                    s.n += o.n;
                    s.a += o.a;
                    s.b += o.b;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut sums = std::mem::take(&mut self.sums);
        sums.resize(num_groups, Sums::default());
        let out: Float64Array = sums
            .iter()
            .map(|s| {
                (s.n > 0).then(|| match self.kind {
                    Kind::Kahan => s.a,
                    Kind::Weighted => s.a / s.b,
                })
            })
            .collect();
        Ok(Arc::new(out))
    }

    fn size(&self) -> usize {
        self.sums.capacity() * std::mem::size_of::<Sums>() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::AsArray;
    use arrow::datatypes::Float64Type;

    use super::*;
    use crate::functions::{registry, AggregateArgs};

    fn create(name: &str, n: usize) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&vec![DataType::Float64; n], &vec![None; n]).unwrap();
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None; n],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    #[test]
    fn kahan_keeps_low_bits() {
        let mut a = create("kahan_sum", 1);
        let v: ArrayRef = Arc::new(Float64Array::from(vec![9007199254740992.0, 1.0, 1.0, 0.0]));
        a.update(&[v], &[0; 4], 1).unwrap();
        let out = a.finish(1).unwrap();
        assert_eq!(
            out.as_primitive::<Float64Type>().value(0),
            9007199254740994.0
        );
    }

    #[test]
    fn weighted_average() {
        let mut a = create("wavg", 2);
        let x: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(8.0),
            Some(6.0),
            Some(42.0),
            None,
            Some(3.0),
        ]));
        let w: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(6.0),
            Some(2.0),
            None,
            Some(1.0),
            Some(0.0),
        ]));
        a.update(&[x, w], &[0, 0, 0, 0, 1], 3).unwrap();
        let out = a.finish(3).unwrap();
        let got: Vec<Option<f64>> = out.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(got[0], Some(7.5));
        assert!(got[1].is_some_and(f64::is_nan));
        assert_eq!(got[2], None);
    }
}
