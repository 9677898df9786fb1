//! Aggregates that fold each group's non-NULL values with one associative operation:
//! `product(x)` (a `Float64`, as in DuckDB) and the bitwise `bit_and(x)`, `bit_or(x)` and
//! `bit_xor(x)` of an integer type (the result keeps the input type). A group without
//! values gives NULL.

use std::any::Any;
use std::ops::{BitAnd, BitOr, BitXor};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, PrimitiveArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::*;

use super::util::{check_arg_count, check_inputs, check_map, downcast_other, grow, value_type};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::is_numeric;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "product",
        aliases: &[],
        signature: |t, _| {
            let expected = "one numeric argument";
            check_arg_count("product", t, 1, 1, expected)?;
            let v = value_type(&t[0]);
            if !(is_numeric(&v) || v == DataType::Null) {
                return Err(signature_error("product", expected, t));
            }
            Ok(Signature {
                args: vec![DataType::Float64],
                ret: DataType::Float64,
            })
        },
        create: |_| Ok(Fold::<Float64Type>::boxed("product", |a, b| a * b)),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "bit_and",
        aliases: &[],
        signature: |t, _| bit_signature("bit_and", t),
        create: |a| create_bitwise(a, "bit_and", Bitwise::And),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "bit_or",
        aliases: &[],
        signature: |t, _| bit_signature("bit_or", t),
        create: |a| create_bitwise(a, "bit_or", Bitwise::Or),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "bit_xor",
        aliases: &[],
        signature: |t, _| bit_signature("bit_xor", t),
        create: |a| create_bitwise(a, "bit_xor", Bitwise::Xor),
    });
}

fn bit_signature(name: &str, types: &[DataType]) -> Result<Signature> {
    let expected = "one integer argument";
    check_arg_count(name, types, 1, 1, expected)?;
    let t = match value_type(&types[0]) {
        DataType::Null => DataType::Int32,
        t if t.is_integer() => t,
        _ => return Err(signature_error(name, expected, types)),
    };
    Ok(Signature {
        args: vec![t.clone()],
        ret: t,
    })
}

#[derive(Debug, Clone, Copy)]
enum Bitwise {
    And,
    Or,
    Xor,
}

fn create_bitwise(
    args: &AggregateArgs,
    name: &'static str,
    op: Bitwise,
) -> Result<Box<dyn GroupsAccumulator>> {
    macro_rules! by_type {
        ($($dt:ident => $t:ty),*) => {
            match &args.return_type {
                $(DataType::$dt => Ok(match op {
                    Bitwise::And => Fold::<$t>::boxed(name, BitAnd::bitand),
                    Bitwise::Or => Fold::<$t>::boxed(name, BitOr::bitor),
                    Bitwise::Xor => Fold::<$t>::boxed(name, BitXor::bitxor),
                }),)*
                other => Err(crate::internal_err!("`{name}` was planned for {other}")),
            }
        };
    }
    by_type!(
        Int8 => Int8Type, Int16 => Int16Type, Int32 => Int32Type, Int64 => Int64Type,
        UInt8 => UInt8Type, UInt16 => UInt16Type, UInt32 => UInt32Type, UInt64 => UInt64Type
    )
}

/// Per-group running fold of a primitive type.
struct Fold<T: ArrowPrimitiveType> {
    name: &'static str,
    op: fn(T::Native, T::Native) -> T::Native,
    values: Vec<T::Native>,
    seen: Vec<bool>,
}

impl<T: ArrowPrimitiveType> Fold<T> {
    fn boxed(
        name: &'static str,
        op: fn(T::Native, T::Native) -> T::Native,
    ) -> Box<dyn GroupsAccumulator> {
        Box::new(Self {
            name,
            op,
            values: vec![],
            seen: vec![],
        })
    }

    #[inline(always)]
    fn add(&mut self, g: usize, v: T::Native) {
        if self.seen[g] {
            self.values[g] = (self.op)(self.values[g], v);
        } else {
            self.values[g] = v;
            self.seen[g] = true;
        }
    }

    fn grow(&mut self, n: usize) {
        grow(&mut self.values, n, T::Native::default());
        grow(&mut self.seen, n, false);
    }
}

impl<T: ArrowPrimitiveType> GroupsAccumulator for Fold<T> {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        check_inputs(self.name, values, groups, 1)?;
        self.grow(num_groups);
        let arr = values[0].as_primitive_opt::<T>().ok_or_else(|| {
            crate::internal_err!("`{}` got a {} array", self.name, values[0].data_type())
        })?;
        let nulls = arr.nulls().filter(|n| n.null_count() > 0).cloned();
        for (i, (&g, &v)) in groups.iter().zip(arr.values().iter()).enumerate() {
            if nulls.as_ref().is_none_or(|n| n.is_valid(i)) {
                self.add(g as usize, v);
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
        check_map(self.name, group_map, other.values.len())?;
        self.grow(num_groups);
        for (g, &t) in group_map.iter().enumerate().take(other.values.len()) {
            if other.seen[g] {
                self.add(t as usize, other.values[g]);
            }
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        self.grow(num_groups);
        let mut values = std::mem::take(&mut self.values);
        let mut seen = std::mem::take(&mut self.seen);
        values.truncate(num_groups);
        seen.truncate(num_groups);
        Ok(Arc::new(PrimitiveArray::<T>::new(
            values.into(),
            Some(NullBuffer::from(seen)),
        )))
    }

    fn size(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<T::Native>()
            + self.seen.capacity()
            + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, Int32Array};

    use super::*;
    use crate::functions::registry;

    fn create(name: &str, t: DataType) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&[t], &[None]).unwrap();
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    #[test]
    fn product_and_bitwise() {
        let mut p = create("product", DataType::Int32);
        let v: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(1.0),
            Some(2.0),
            None,
            Some(4.0),
        ]));
        p.update(&[v], &[0, 0, 1, 0], 2).unwrap();
        let out = p.finish(2).unwrap();
        let got: Vec<Option<f64>> = out.as_primitive::<Float64Type>().iter().collect();
        assert_eq!(got, vec![Some(8.0), None]);

        let ints: ArrayRef = Arc::new(Int32Array::from(vec![6, 3, 5]));
        for (name, want) in [("bit_and", 0), ("bit_or", 7), ("bit_xor", 0)] {
            let mut b = create(name, DataType::Int32);
            b.update(std::slice::from_ref(&ints), &[0, 0, 0], 1)
                .unwrap();
            let out = b.finish(1).unwrap();
            assert_eq!(out.as_primitive::<Int32Type>().value(0), want, "{name}");
        }
    }
}
