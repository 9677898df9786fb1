//! Variance and standard deviation: `var_samp` (alias `variance`), `var_pop`,
//! `stddev_samp` (alias `stddev`), `stddev_pop` and `sem` (the standard error of the mean).
//!
//! Numeric arguments are cast to `Float64` and the result is `Float64`, as in DuckDB. Each
//! group keeps Welford's running count, mean and sum of squared deviations (numerically
//! stable in one pass), and states merge with Chan et al.'s parallel formula. The sample
//! statistics are NULL for fewer than two values, the population ones for none.

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
        name: "var_samp",
        aliases: &["variance"],
        signature: |t, _| variance_signature("var_samp", t),
        create: |_| Ok(Box::new(VarianceAccumulator::new(Stat::VarSamp))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "var_pop",
        aliases: &[],
        signature: |t, _| variance_signature("var_pop", t),
        create: |_| Ok(Box::new(VarianceAccumulator::new(Stat::VarPop))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "stddev_samp",
        aliases: &["stddev"],
        signature: |t, _| variance_signature("stddev_samp", t),
        create: |_| Ok(Box::new(VarianceAccumulator::new(Stat::StddevSamp))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "stddev_pop",
        aliases: &[],
        signature: |t, _| variance_signature("stddev_pop", t),
        create: |_| Ok(Box::new(VarianceAccumulator::new(Stat::StddevPop))),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "sem",
        aliases: &[],
        signature: |t, _| variance_signature("sem", t),
        create: |_| Ok(Box::new(VarianceAccumulator::new(Stat::Sem))),
    });
}

pub(super) fn variance_signature(name: &str, types: &[DataType]) -> Result<Signature> {
    let expected = "one numeric argument";
    check_arg_count(name, types, 1, 1, expected)?;
    if !(is_numeric(&types[0]) || types[0] == DataType::Null) {
        return Err(signature_error(name, expected, types));
    }
    Ok(Signature {
        args: vec![DataType::Float64],
        ret: DataType::Float64,
    })
}

/// Which statistic is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stat {
    VarSamp,
    VarPop,
    StddevSamp,
    StddevPop,
    /// The standard error of the mean, `stddev_pop / sqrt(n)`.
    Sem,
}

impl Stat {
    fn name(self) -> &'static str {
        match self {
            Stat::VarSamp => "var_samp",
            Stat::VarPop => "var_pop",
            Stat::StddevSamp => "stddev_samp",
            Stat::StddevPop => "stddev_pop",
            Stat::Sem => "sem",
        }
    }
}

/// Welford state per group.
#[derive(Debug)]
struct VarianceAccumulator {
    stat: Stat,
    counts: Vec<u64>,
    means: Vec<f64>,
    m2s: Vec<f64>,
}

impl VarianceAccumulator {
    fn new(stat: Stat) -> Self {
        Self {
            stat,
            counts: vec![],
            means: vec![],
            m2s: vec![],
        }
    }

    fn grow(&mut self, n: usize) {
        grow(&mut self.counts, n, 0);
        grow(&mut self.means, n, 0.0);
        grow(&mut self.m2s, n, 0.0);
    }

    #[inline(always)]
    fn add(&mut self, g: usize, x: f64) {
        let n = self.counts[g] + 1;
        self.counts[g] = n;
        let delta = x - self.means[g];
        self.means[g] += delta / n as f64;
        self.m2s[g] += delta * (x - self.means[g]);
    }
}

impl GroupsAccumulator for VarianceAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        let name = self.stat.name();
        check_inputs(name, values, groups, 1)?;
        self.grow(num_groups);
        let arr = values[0].as_primitive_opt::<Float64Type>().ok_or_else(|| {
            crate::internal_err!(
                "`{name}` expects Float64 input, got {}",
                values[0].data_type()
            )
        })?;
        match arr.nulls().filter(|n| n.null_count() > 0) {
            None => {
                for (&g, &x) in groups.iter().zip(arr.values().iter()) {
                    self.add(g as usize, x);
                }
            }
            Some(nulls) => {
                for (i, (&g, &x)) in groups.iter().zip(arr.values().iter()).enumerate() {
                    if nulls.is_valid(i) {
                        self.add(g as usize, x);
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
        check_map(self.stat.name(), group_map, other.counts.len())?;
        self.grow(num_groups);
        for (g, &t) in group_map.iter().enumerate().take(other.counts.len()) {
            let nb = other.counts[g];
            if nb == 0 {
                continue;
            }
            let t = t as usize;
            let na = self.counts[t];
            if na == 0 {
                self.counts[t] = nb;
                self.means[t] = other.means[g];
                self.m2s[t] = other.m2s[g];
                continue;
            }
            let n = na + nb;
            let delta = other.means[g] - self.means[t];
            self.means[t] += delta * nb as f64 / n as f64;
            self.m2s[t] += other.m2s[g] + delta * delta * (na as f64 * nb as f64) / n as f64;
            self.counts[t] = n;
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        self.grow(num_groups);
        let counts = std::mem::take(&mut self.counts);
        let m2s = std::mem::take(&mut self.m2s);
        self.means.clear();
        let sample = matches!(self.stat, Stat::VarSamp | Stat::StddevSamp);
        let root = matches!(self.stat, Stat::StddevSamp | Stat::StddevPop);
        let min_count = if sample { 2 } else { 1 };
        let mut out = Vec::with_capacity(num_groups);
        let mut valid = Vec::with_capacity(num_groups);
        for (&n, &m2) in counts.iter().zip(&m2s).take(num_groups) {
            if n < min_count {
                out.push(0.0);
                valid.push(false);
                continue;
            }
            let var = m2 / if sample { (n - 1) as f64 } else { n as f64 };
            out.push(match self.stat {
                Stat::Sem => var.sqrt() / (n as f64).sqrt(),
                _ if root => var.sqrt(),
                _ => var,
            });
            valid.push(true);
        }
        Ok(Arc::new(Float64Array::new(
            out.into(),
            Some(NullBuffer::from(valid)),
        )))
    }

    fn size(&self) -> usize {
        (self.counts.capacity() + self.means.capacity() + self.m2s.capacity()) * 8
            + std::mem::size_of::<Self>()
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
        let sig = (def.signature)(&[DataType::Int32], &[None]).unwrap();
        assert_eq!(sig.ret, DataType::Float64);
        assert_eq!(sig.args, vec![DataType::Float64]);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    fn run(name: &str, data: Vec<Option<f64>>, groups: &[u32], n: usize) -> Vec<Option<f64>> {
        let mut acc = create(name);
        let v: ArrayRef = Arc::new(Float64Array::from(data));
        acc.update(&[v], groups, n).unwrap();
        let out = acc.finish(n).unwrap();
        assert_eq!(out.data_type(), &DataType::Float64);
        out.as_primitive::<Float64Type>().iter().collect()
    }

    #[test]
    fn matches_duckdb_values() {
        let d = vec![Some(3.0), Some(4.0), None, Some(8.0), Some(5.0)];
        let g = [0, 0, 0, 0, 1];
        assert_eq!(
            run("variance", d.clone(), &g, 3),
            vec![Some(7.0), None, None]
        );
        let pop = run("var_pop", d.clone(), &g, 3);
        assert!((pop[0].unwrap() - 14.0 / 3.0).abs() < 1e-12);
        assert_eq!(pop[1], Some(0.0));
        assert_eq!(pop[2], None);
        let sd = run("stddev", d.clone(), &g, 3);
        assert!((sd[0].unwrap() - 7f64.sqrt()).abs() < 1e-12);
        assert_eq!(sd[1], None);
        let sdp = run("stddev_pop", d, &g, 3);
        assert!((sdp[0].unwrap() - (14.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn merge_equals_single_pass() {
        let xs: Vec<f64> = (0..100).map(|i| (i * i % 17) as f64 + 0.5).collect();
        let mut a = create("var_samp");
        let mut b = create("var_samp");
        let (l, r) = xs.split_at(37);
        a.update(
            &[Arc::new(Float64Array::from(l.to_vec()))],
            &vec![0; l.len()],
            1,
        )
        .unwrap();
        b.update(
            &[Arc::new(Float64Array::from(r.to_vec()))],
            &vec![0; r.len()],
            1,
        )
        .unwrap();
        a.merge(b, &[0], 1).unwrap();
        let merged = a.finish(1).unwrap().as_primitive::<Float64Type>().value(0);
        let single = run(
            "var_samp",
            xs.iter().map(|&x| Some(x)).collect(),
            &vec![0; 100],
            1,
        )[0]
        .unwrap();
        assert!((merged - single).abs() < 1e-9, "{merged} vs {single}");
    }

    #[test]
    fn rejects_strings() {
        let def = registry().aggregate("stddev_pop").unwrap();
        assert!((def.signature)(&[DataType::Utf8], &[None]).is_err());
    }
}
