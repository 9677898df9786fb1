//! `approx_count_distinct(x)`: the number of distinct non-NULL values, estimated with a
//! HyperLogLog sketch, as an `Int64`.
//!
//! The sketch is DuckDB's: 1024 one-byte registers per group, register `h mod 1024` keeping
//! the largest rank (trailing zeros + 1) of the hash's remaining bits, and Ertl's improved
//! estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017).
//! Numbers, dates, times and timestamps are hashed as DuckDB hashes them (its 64-bit
//! murmur finalizer over the value's bits), so integer columns give DuckDB's estimates;
//! other types hash their row-format bytes. Small sets are counted exactly in practice.
//! States merge by taking each register's maximum.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray, Int64Array};
use arrow::datatypes::{i256, DataType, Decimal128Type};
use arrow::row::{RowConverter, SortField};

use super::util::{check_arg_count, check_inputs, dispatch_primitive, downcast_other, value_type};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{FunctionRegistry, Signature};

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "approx_count_distinct",
        aliases: &[],
        signature: |t, _| {
            check_arg_count("approx_count_distinct", t, 1, 1, "one argument")?;
            let v = match value_type(&t[0]) {
                DataType::Null => DataType::Int32,
                v => v,
            };
            Ok(Signature {
                args: vec![v],
                ret: DataType::Int64,
            })
        },
        create: |a| Ok(Box::new(ApproxCountDistinct::try_new(a)?)),
    });
}

/// Bits of the hash that pick the register.
const P: u32 = 10;
/// Registers per sketch.
const M: usize = 1 << P;
/// Bits left for the rank.
const Q: usize = 64 - P as usize;

/// DuckDB's 64-bit hash of an integer (a murmur-style finalizer).
#[inline(always)]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 32;
    x = x.wrapping_mul(0xd6e8_feb8_6659_fd93);
    x ^= x >> 32;
    x = x.wrapping_mul(0xd6e8_feb8_6659_fd93);
    x ^ (x >> 32)
}

/// A hash of arbitrary bytes (for types DuckDB hashes its own way).
fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = mix(b.len() as u64 ^ 0x9e37_79b9_7f4a_7c15);
    for chunk in b.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix(h ^ u64::from_le_bytes(word)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
    h
}

/// A native value's hash as DuckDB computes it: integers up to 32 bits are widened to 32
/// bits (sign-extended), wider ones hash their 64 bits, 128-bit ones both halves.
trait DuckHash: Copy {
    fn duck_hash(self) -> u64;
}

macro_rules! hash_32 {
    ($($t:ty),*) => {
        $(impl DuckHash for $t {
            #[inline(always)]
            fn duck_hash(self) -> u64 {
                mix(u64::from(self as i32 as u32))
            }
        })*
    };
}
hash_32!(i8, i16, i32, u8, u16, u32);

impl DuckHash for i64 {
    fn duck_hash(self) -> u64 {
        mix(self as u64)
    }
}

impl DuckHash for u64 {
    fn duck_hash(self) -> u64 {
        mix(self)
    }
}

impl DuckHash for i128 {
    fn duck_hash(self) -> u64 {
        mix(self as u64) ^ mix((self >> 64) as u64)
    }
}

impl DuckHash for i256 {
    fn duck_hash(self) -> u64 {
        hash_bytes(&self.to_le_bytes())
    }
}

/// Floats hash their bits, with -0 as 0 and one NaN (equal values, equal hashes).
impl DuckHash for f32 {
    fn duck_hash(self) -> u64 {
        let v = if self == 0.0 {
            0.0
        } else if self.is_nan() {
            f32::NAN
        } else {
            self
        };
        mix(u64::from(v.to_bits()))
    }
}

impl DuckHash for f64 {
    fn duck_hash(self) -> u64 {
        let v = if self == 0.0 {
            0.0
        } else if self.is_nan() {
            f64::NAN
        } else {
            self
        };
        mix(v.to_bits())
    }
}

/// Hashes the values of a primitive array into `out` (`None` for NULLs).
fn hash_primitive<T: ArrowPrimitiveType>(a: &ArrayRef, out: &mut Vec<Option<u64>>) -> Result<()>
where
    T::Native: DuckHash,
{
    let arr = a.as_primitive_opt::<T>().ok_or_else(|| {
        crate::internal_err!("approx_count_distinct got a {} array", a.data_type())
    })?;
    out.extend(arr.iter().map(|v| v.map(DuckHash::duck_hash)));
    Ok(())
}

/// DuckDB stores a DECIMAL of up to 18 digits in the narrowest integer that holds it, and
/// hashes that integer.
fn hash_narrow_decimal(a: &ArrayRef, precision: u8, out: &mut Vec<Option<u64>>) -> Result<()> {
    let arr = a.as_primitive_opt::<Decimal128Type>().ok_or_else(|| {
        crate::internal_err!("approx_count_distinct got a {} array", a.data_type())
    })?;
    out.extend(arr.iter().map(|v| {
        v.map(|v| {
            if precision <= 9 {
                (v as i32).duck_hash()
            } else {
                (v as i64).duck_hash()
            }
        })
    }));
    Ok(())
}

struct ApproxCountDistinct {
    data_type: DataType,
    /// Row-encodes values of non-primitive types for hashing.
    converter: Option<RowConverter>,
    /// Each group's registers (allocated on its first value).
    registers: Vec<Option<Box<[u8; M]>>>,
    hashes: Vec<Option<u64>>,
}

impl ApproxCountDistinct {
    fn try_new(args: &AggregateArgs) -> Result<Self> {
        let data_type = args.arg_types.first().cloned().unwrap_or(DataType::Int32);
        let converter = if is_hashed_natively(&data_type) {
            None
        } else {
            Some(RowConverter::new(vec![SortField::new(data_type.clone())])?)
        };
        Ok(Self {
            data_type,
            converter,
            registers: vec![],
            hashes: vec![],
        })
    }

    fn hash(&mut self, a: &ArrayRef) -> Result<()> {
        self.hashes.clear();
        if let Some(conv) = &self.converter {
            let rows = conv.convert_columns(std::slice::from_ref(a))?;
            let nulls = a.logical_nulls();
            for i in 0..a.len() {
                let valid = nulls.as_ref().is_none_or(|n| n.is_valid(i));
                self.hashes
                    .push(valid.then(|| hash_bytes(rows.row(i).data())));
            }
            return Ok(());
        }
        let out = &mut self.hashes;
        match &self.data_type {
            DataType::Boolean => {
                out.extend(a.as_boolean().iter().map(|v| v.map(|b| mix(u64::from(b)))));
                Ok(())
            }
            DataType::Decimal128(p, _) if *p <= 18 => hash_narrow_decimal(a, *p, out),
            t => dispatch_primitive!(
                t,
                hash_primitive(a, out),
                Err(crate::internal_err!(
                    "approx_count_distinct cannot hash {t}"
                ))
            ),
        }
    }
}

/// Whether values of `t` are hashed from their native value (as DuckDB does).
fn is_hashed_natively(t: &DataType) -> bool {
    matches!(t, DataType::Boolean | DataType::Decimal256(_, _))
        || (t.is_primitive() && !matches!(t, DataType::Interval(_) | DataType::Float16))
}

/// Adds a hash to a sketch.
#[inline(always)]
fn insert(regs: &mut [u8; M], h: u64) {
    let idx = (h as usize) & (M - 1);
    let w = (h >> P) | (1u64 << Q);
    let rank = w.trailing_zeros() as u8 + 1;
    if regs[idx] < rank {
        regs[idx] = rank;
    }
}

/// Ertl's improved raw estimate from the register histogram.
fn estimate(regs: &[u8; M]) -> i64 {
    let mut c = [0u32; Q + 2];
    for &r in regs.iter() {
        c[r as usize] += 1;
    }
    let m = M as f64;
    let mut z = m * tau((m - f64::from(c[Q])) / m);
    for k in (1..=Q).rev() {
        z += f64::from(c[k]);
        z *= 0.5;
    }
    z += m * sigma(f64::from(c[0]) / m);
    let alpha = 1.0 / (2.0 * std::f64::consts::LN_2);
    (alpha * m * m / z).round() as i64
}

/// σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k−1).
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let prev = z;
        z += x * y;
        y += y;
        if prev == z {
            return z;
        }
    }
}

/// τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² · 2^−k) / 3.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let prev = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if prev == z {
            return z / 3.0;
        }
    }
}

impl GroupsAccumulator for ApproxCountDistinct {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        check_inputs("approx_count_distinct", values, groups, 1)?;
        if self.registers.len() < num_groups {
            self.registers.resize_with(num_groups, || None);
        }
        self.hash(&values[0])?;
        for (&g, h) in groups.iter().zip(&self.hashes) {
            let Some(h) = *h else { continue };
            let regs = self.registers[g as usize].get_or_insert_with(|| Box::new([0u8; M]));
            insert(regs, h);
        }
        Ok(())
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "approx_count_distinct")?;
        if self.registers.len() < num_groups {
            self.registers.resize_with(num_groups, || None);
        }
        for (g, regs) in other.registers.into_iter().enumerate() {
            let Some(regs) = regs else { continue };
            let t = *group_map.get(g).ok_or_else(|| {
                crate::internal_err!("approx_count_distinct merge map has no entry for group {g}")
            })? as usize;
            match self.registers[t].as_mut() {
                None => self.registers[t] = Some(regs),
                Some(mine) => {
                    for (a, b) in mine.iter_mut().zip(regs.iter()) {
                        *a = (*a).max(*b);
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut regs = std::mem::take(&mut self.registers);
        regs.resize_with(num_groups, || None);
        let out: Int64Array = regs
            .iter()
            .map(|r| Some(r.as_ref().map_or(0, |r| estimate(r))))
            .collect();
        Ok(Arc::new(out))
    }

    fn size(&self) -> usize {
        self.registers.iter().flatten().count() * M
            + self.registers.capacity() * 8
            + self.hashes.capacity() * 16
            + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::StringArray;
    use arrow::datatypes::Int64Type;

    use super::*;
    use crate::functions::registry;

    fn run(values: ArrayRef, groups: &[u32], n: usize) -> Vec<i64> {
        let def = registry().aggregate("approx_count_distinct").unwrap();
        let sig = (def.signature)(&[values.data_type().clone()], &[None]).unwrap();
        let mut acc = (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap();
        acc.update(&[values], groups, n).unwrap();
        acc.finish(n)
            .unwrap()
            .as_primitive::<Int64Type>()
            .values()
            .to_vec()
    }

    #[test]
    fn matches_duckdb_estimates_for_integers() {
        let v: ArrayRef = Arc::new(Int64Array::from_iter_values(0..2000));
        assert_eq!(run(v.clone(), &[0; 2000], 1), vec![2034]);
        let groups: Vec<u32> = (0..2000).map(|i| i % 2).collect();
        assert_eq!(run(v, &groups, 2), vec![1033, 975]);
    }

    #[test]
    fn small_sets_are_exact() {
        let v: ArrayRef = Arc::new(StringArray::from(vec![
            Some("Pedro"),
            None,
            Some("Pedro"),
            Some("Mark"),
            Some("Hannes-Muehleisen"),
        ]));
        assert_eq!(run(v, &[0, 0, 0, 0, 0], 2), vec![3, 0]);
    }

    #[test]
    fn merge_is_register_max() {
        let def = registry().aggregate("approx_count_distinct").unwrap();
        let args = AggregateArgs {
            arg_types: vec![DataType::Int64],
            literal_args: vec![None],
            return_type: DataType::Int64,
            ordered: false,
        };
        let mut a = (def.create)(&args).unwrap();
        let mut b = (def.create)(&args).unwrap();
        a.update(
            &[Arc::new(Int64Array::from_iter_values(0..1000))],
            &[0; 1000],
            1,
        )
        .unwrap();
        b.update(
            &[Arc::new(Int64Array::from_iter_values(1000..2000))],
            &[0; 1000],
            1,
        )
        .unwrap();
        a.merge(b, &[0], 1).unwrap();
        assert_eq!(
            a.finish(1).unwrap().as_primitive::<Int64Type>().value(0),
            2034
        );
    }
}
