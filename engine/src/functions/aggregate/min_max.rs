//! `min(x)` and `max(x)` over any orderable type; the result has the input's type (the
//! `min(x, n)` / `max(x, n)` forms live in `top_n.rs`).
//!
//! Primitives (integers, floats, decimals, dates, times, timestamps, durations) use one
//! typed loop per batch; floats order NaN above every number, as DuckDB does. Booleans
//! reuse `bool_and` / `bool_or`. Strings and binaries keep the best value's bytes per
//! group (UTF-8 byte order is code point order, DuckDB's string order). Every other type
//! (lists, structs, intervals, ...) goes through Arrow's row format, whose bytes compare
//! in the type's order. NULLs are skipped; a group without values gives NULL.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, ArrowNativeTypeOp, AsArray, BinaryArray, BinaryViewArray, LargeBinaryArray,
    LargeStringArray, PrimitiveArray, StringArray, StringViewArray, UInt32Array,
};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{ArrowPrimitiveType, DataType};
use arrow::row::{RowConverter, SortField};

use super::boolean::{BoolAccumulator, BoolOp};
use super::top_n;
use super::util::{
    check_arg_count, check_inputs, check_map, dispatch_primitive, downcast_other, grow, value_type,
};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "min",
        aliases: &[],
        signature: |t, l| min_max_signature("min", t, l),
        create: |a| create_min_max::<false>(a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "max",
        aliases: &[],
        signature: |t, l| min_max_signature("max", t, l),
        create: |a| create_min_max::<true>(a),
    });
}

/// Whether values of `t` can be ordered through Arrow's row format.
pub(super) fn is_orderable(t: &DataType) -> bool {
    RowConverter::supports_fields(&[SortField::new(t.clone())])
}

fn min_max_signature(
    name: &str,
    types: &[DataType],
    lits: &[Option<ScalarValue>],
) -> Result<Signature> {
    let expected = "one argument of an orderable type (and optionally a count n)";
    check_arg_count(name, types, 1, 2, expected)?;
    if types.len() == 2 {
        if !is_orderable(&value_type(&types[0]))
            || !types[1].is_integer() && types[1] != DataType::Null
        {
            return Err(signature_error(name, expected, types));
        }
        let mut t = types.to_vec();
        t[0] = value_type(&types[0]);
        return top_n::n_signature(top_n::Family::MinMax, &t, lits);
    }
    let t = value_type(&types[0]);
    if !is_orderable(&t) {
        return Err(signature_error(
            name,
            "one argument of an orderable type",
            types,
        ));
    }
    Ok(Signature {
        args: vec![t.clone()],
        ret: t,
    })
}

fn create_min_max<const MAX: bool>(args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
    if args.arg_types.len() == 2 {
        return top_n::create(top_n::Family::MinMax, MAX, args);
    }
    let t = args.return_type.clone();
    let name = if MAX { "max" } else { "min" };
    let bytes = |kind| -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(MinMaxBytes::<MAX>::new(kind, t.clone())))
    };
    match &t {
        DataType::Boolean => {
            let op = if MAX { BoolOp::Or } else { BoolOp::And };
            Ok(Box::new(BoolAccumulator::new(op, name)))
        }
        DataType::Utf8 => bytes(BytesKind::Utf8),
        DataType::LargeUtf8 => bytes(BytesKind::LargeUtf8),
        DataType::Utf8View => bytes(BytesKind::Utf8View),
        DataType::Binary => bytes(BytesKind::Binary),
        DataType::LargeBinary => bytes(BytesKind::LargeBinary),
        DataType::BinaryView => bytes(BytesKind::BinaryView),
        _ => {
            // NULLs inside nested values order after every value (DuckDB).
            let nulls_last = arrow::compute::SortOptions {
                descending: false,
                nulls_first: false,
            };
            let rows = || {
                bytes(BytesKind::Rows(RowConverter::new(vec![
                    SortField::new_with_options(t.clone(), nulls_last),
                ])?))
            };
            if MAX {
                dispatch_primitive!(&t, max_primitive(t.clone()), rows())
            } else {
                dispatch_primitive!(&t, min_primitive(t.clone()), rows())
            }
        }
    }
}

fn min_primitive<T: ArrowPrimitiveType>(t: DataType) -> Result<Box<dyn GroupsAccumulator>> {
    Ok(Box::new(MinMaxPrimitive::<T, false>::new(t)))
}

fn max_primitive<T: ArrowPrimitiveType>(t: DataType) -> Result<Box<dyn GroupsAccumulator>> {
    Ok(Box::new(MinMaxPrimitive::<T, true>::new(t)))
}

/// Whether `v` replaces `cur` (total order: NaN is the largest float).
#[inline(always)]
fn better<N: ArrowNativeTypeOp, const MAX: bool>(v: N, cur: N) -> bool {
    if MAX {
        v.is_gt(cur)
    } else {
        v.is_lt(cur)
    }
}

/// `min` / `max` of a primitive type.
#[derive(Debug)]
struct MinMaxPrimitive<T: ArrowPrimitiveType, const MAX: bool> {
    data_type: DataType,
    values: Vec<T::Native>,
    seen: Vec<bool>,
}

impl<T: ArrowPrimitiveType, const MAX: bool> MinMaxPrimitive<T, MAX> {
    fn new(data_type: DataType) -> Self {
        Self {
            data_type,
            values: vec![],
            seen: vec![],
        }
    }

    fn name(&self) -> &'static str {
        if MAX {
            "max"
        } else {
            "min"
        }
    }

    fn grow(&mut self, n: usize) {
        grow(&mut self.values, n, T::Native::default());
        grow(&mut self.seen, n, false);
    }
}

impl<T: ArrowPrimitiveType, const MAX: bool> GroupsAccumulator for MinMaxPrimitive<T, MAX> {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        check_inputs(self.name(), values, groups, 1)?;
        self.grow(num_groups);
        let arr = values[0].as_primitive_opt::<T>().ok_or_else(|| {
            crate::internal_err!(
                "`{}` expects {} input, got {}",
                self.name(),
                self.data_type,
                values[0].data_type()
            )
        })?;
        let (vals, seen) = (&mut self.values, &mut self.seen);
        match arr.nulls().filter(|n| n.null_count() > 0) {
            None => {
                for (&g, &v) in groups.iter().zip(arr.values().iter()) {
                    let g = g as usize;
                    if !seen[g] || better::<_, MAX>(v, vals[g]) {
                        vals[g] = v;
                        seen[g] = true;
                    }
                }
            }
            Some(nulls) => {
                for (i, (&g, &v)) in groups.iter().zip(arr.values().iter()).enumerate() {
                    let g = g as usize;
                    if nulls.is_valid(i) && (!seen[g] || better::<_, MAX>(v, vals[g])) {
                        vals[g] = v;
                        seen[g] = true;
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
        let other = downcast_other::<Self>(other, self.name())?;
        check_map(self.name(), group_map, other.values.len())?;
        self.grow(num_groups);
        for (g, (&v, &s)) in other.values.iter().zip(&other.seen).enumerate() {
            let t = group_map[g] as usize;
            if s && (!self.seen[t] || better::<_, MAX>(v, self.values[t])) {
                self.values[t] = v;
                self.seen[t] = true;
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
        let out = PrimitiveArray::<T>::new(values.into(), Some(NullBuffer::from(seen)))
            .with_data_type(self.data_type.clone());
        Ok(Arc::new(out))
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

/// How values become comparable bytes and back.
#[derive(Debug)]
enum BytesKind {
    Utf8,
    LargeUtf8,
    Utf8View,
    Binary,
    LargeBinary,
    BinaryView,
    /// Arrow's row format, for every other orderable type.
    Rows(RowConverter),
}

/// `min` / `max` kept as the best value's bytes per group.
#[derive(Debug)]
struct MinMaxBytes<const MAX: bool> {
    kind: BytesKind,
    data_type: DataType,
    values: Vec<Option<Vec<u8>>>,
    heap: usize,
}

/// Folds one batch's values (`get(i)` gives row `i`'s bytes) into the per-group best.
#[inline]
fn fold_bytes<'a, const MAX: bool>(
    best: &mut [Option<Vec<u8>>],
    heap: &mut usize,
    groups: &[u32],
    nulls: Option<&NullBuffer>,
    get: impl Fn(usize) -> &'a [u8],
) {
    for (i, &g) in groups.iter().enumerate() {
        if nulls.is_some_and(|n| n.is_null(i)) {
            continue;
        }
        let v = get(i);
        let slot = &mut best[g as usize];
        match slot {
            Some(cur) => {
                let replace = if MAX {
                    v > cur.as_slice()
                } else {
                    v < cur.as_slice()
                };
                if replace {
                    *heap = heap.saturating_sub(cur.len()) + v.len();
                    cur.clear();
                    cur.extend_from_slice(v);
                }
            }
            None => {
                *heap += v.len();
                *slot = Some(v.to_vec());
            }
        }
    }
}

impl<const MAX: bool> MinMaxBytes<MAX> {
    fn new(kind: BytesKind, data_type: DataType) -> Self {
        Self {
            kind,
            data_type,
            values: vec![],
            heap: 0,
        }
    }

    fn name(&self) -> &'static str {
        if MAX {
            "max"
        } else {
            "min"
        }
    }
}

impl<const MAX: bool> GroupsAccumulator for MinMaxBytes<MAX> {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        check_inputs(self.name(), values, groups, 1)?;
        grow(&mut self.values, num_groups, None);
        let a = &values[0];
        let (name, expected) = (self.name(), &self.data_type);
        let err =
            || crate::internal_err!("`{name}` expects {expected} input, got {}", a.data_type());
        let (best, heap) = (&mut self.values, &mut self.heap);
        let nulls = a.logical_nulls().filter(|n| n.null_count() > 0);
        let nulls = nulls.as_ref();
        match &self.kind {
            BytesKind::Utf8 => {
                let s = a.as_string_opt::<i32>().ok_or_else(err)?;
                fold_bytes::<MAX>(best, heap, groups, nulls, |i| s.value(i).as_bytes())
            }
            BytesKind::LargeUtf8 => {
                let s = a.as_string_opt::<i64>().ok_or_else(err)?;
                fold_bytes::<MAX>(best, heap, groups, nulls, |i| s.value(i).as_bytes())
            }
            BytesKind::Utf8View => {
                let s = a.as_string_view_opt().ok_or_else(err)?;
                fold_bytes::<MAX>(best, heap, groups, nulls, |i| s.value(i).as_bytes())
            }
            BytesKind::Binary => {
                let s = a.as_binary_opt::<i32>().ok_or_else(err)?;
                fold_bytes::<MAX>(best, heap, groups, nulls, |i| s.value(i))
            }
            BytesKind::LargeBinary => {
                let s = a.as_binary_opt::<i64>().ok_or_else(err)?;
                fold_bytes::<MAX>(best, heap, groups, nulls, |i| s.value(i))
            }
            BytesKind::BinaryView => {
                let s = a.as_binary_view_opt().ok_or_else(err)?;
                fold_bytes::<MAX>(best, heap, groups, nulls, |i| s.value(i))
            }
            BytesKind::Rows(conv) => {
                let rows = conv.convert_columns(std::slice::from_ref(a))?;
                fold_bytes::<MAX>(best, heap, groups, nulls, |i| rows.row(i).data())
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
        let other = downcast_other::<Self>(other, self.name())?;
        check_map(self.name(), group_map, other.values.len())?;
        grow(&mut self.values, num_groups, None);
        for (g, v) in other.values.into_iter().enumerate() {
            let Some(v) = v else { continue };
            let slot = &mut self.values[group_map[g] as usize];
            let old = match slot {
                Some(cur) if (MAX && v <= *cur) || (!MAX && v >= *cur) => continue,
                Some(cur) => cur.len(),
                None => 0,
            };
            self.heap = self.heap.saturating_sub(old) + v.len();
            *slot = Some(v);
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let mut values = std::mem::take(&mut self.values);
        values.resize(num_groups, None);
        self.heap = 0;
        let bytes = || values.iter().map(|v| v.as_deref());
        let strs = || -> Result<Vec<Option<&str>>> {
            bytes()
                .map(|v| v.map(std::str::from_utf8).transpose())
                .collect::<std::result::Result<_, _>>()
                .map_err(|_| crate::internal_err!("`{}` kept invalid UTF-8", self.name()))
        };
        Ok(match &self.kind {
            BytesKind::Utf8 => Arc::new(strs()?.into_iter().collect::<StringArray>()),
            BytesKind::LargeUtf8 => Arc::new(strs()?.into_iter().collect::<LargeStringArray>()),
            BytesKind::Utf8View => Arc::new(strs()?.into_iter().collect::<StringViewArray>()),
            BytesKind::Binary => Arc::new(bytes().collect::<BinaryArray>()),
            BytesKind::LargeBinary => Arc::new(bytes().collect::<LargeBinaryArray>()),
            BytesKind::BinaryView => Arc::new(bytes().collect::<BinaryViewArray>()),
            BytesKind::Rows(conv) => {
                let parser = conv.parser();
                let present = values.iter().flatten().map(|b| parser.parse(b));
                let decoded = conv.convert_rows(present)?;
                let decoded = decoded.into_iter().next().ok_or_else(|| {
                    crate::internal_err!("`{}`: row decoding gave no column", self.name())
                })?;
                // Place the decoded values at their groups, NULL elsewhere.
                let mut next = 0u32;
                let idx: UInt32Array = values
                    .iter()
                    .map(|v| {
                        v.as_ref().map(|_| {
                            next += 1;
                            next - 1
                        })
                    })
                    .collect();
                arrow::compute::take(decoded.as_ref(), &idx, None)?
            }
        })
    }

    fn size(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<Option<Vec<u8>>>()
            + self.heap
            + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{
        BooleanArray, Decimal128Array, Float64Array, Int32Array, ListArray, StringViewArray,
    };
    use arrow::datatypes::{
        Decimal128Type, Float64Type, Int32Type, TimeUnit, TimestampMillisecondType,
    };

    use super::*;
    use crate::functions::registry;

    fn create(name: &str, t: DataType) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(std::slice::from_ref(&t), &[None]).unwrap();
        assert_eq!(sig.ret, t);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered: false,
        })
        .unwrap()
    }

    fn run(name: &str, v: ArrayRef, groups: &[u32], n: usize) -> ArrayRef {
        let t = v.data_type().clone();
        let mut acc = create(name, t.clone());
        acc.update(&[v], groups, n).unwrap();
        let out = acc.finish(n).unwrap();
        assert_eq!(out.data_type(), &t);
        out
    }

    #[test]
    fn ints_with_nulls_and_empty_groups() {
        let v: ArrayRef = Arc::new(Int32Array::from(vec![
            Some(5),
            None,
            Some(-3),
            Some(9),
            None,
        ]));
        let g = [0, 0, 0, 1, 2];
        let min: Vec<Option<i32>> = run("min", v.clone(), &g, 4)
            .as_primitive::<Int32Type>()
            .iter()
            .collect();
        assert_eq!(min, vec![Some(-3), Some(9), None, None]);
        let max: Vec<Option<i32>> = run("max", v, &g, 4)
            .as_primitive::<Int32Type>()
            .iter()
            .collect();
        assert_eq!(max, vec![Some(5), Some(9), None, None]);
    }

    #[test]
    fn nan_is_the_largest_float() {
        let v: ArrayRef = Arc::new(Float64Array::from(vec![1.0, f64::NAN, -2.0]));
        assert!(run("max", v.clone(), &[0, 0, 0], 1)
            .as_primitive::<Float64Type>()
            .value(0)
            .is_nan());
        assert_eq!(
            run("min", v, &[0, 0, 0], 1)
                .as_primitive::<Float64Type>()
                .value(0),
            -2.0
        );
    }

    #[test]
    fn decimals_and_timestamps_keep_their_type() {
        let v: ArrayRef = Arc::new(
            Decimal128Array::from(vec![150, -20])
                .with_precision_and_scale(12, 2)
                .unwrap(),
        );
        assert_eq!(
            run("min", v, &[0, 0], 1)
                .as_primitive::<Decimal128Type>()
                .value(0),
            -20
        );
        let ts = arrow::array::TimestampMillisecondArray::from(vec![3, 1]).with_timezone("UTC");
        let out = run("max", Arc::new(ts), &[0, 0], 1);
        assert_eq!(
            out.data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
        assert_eq!(out.as_primitive::<TimestampMillisecondType>().value(0), 3);
    }

    #[test]
    fn strings_and_merge() {
        let mut a = create("max", DataType::Utf8View);
        let v: ArrayRef = Arc::new(StringViewArray::from(vec![
            Some("pear"),
            None,
            Some("apple"),
        ]));
        a.update(&[v], &[0, 0, 1], 2).unwrap();
        let mut b = create("max", DataType::Utf8View);
        let w: ArrayRef = Arc::new(StringViewArray::from(vec![
            "zebra-long-string-beyond-inline",
            "aardvark",
        ]));
        b.update(&[w], &[0, 1], 2).unwrap();
        a.merge(b, &[1, 0], 3).unwrap();
        let out = a.finish(3).unwrap();
        assert_eq!(out.data_type(), &DataType::Utf8View);
        let got: Vec<Option<&str>> = out.as_string_view().iter().collect();
        assert_eq!(
            got,
            vec![Some("pear"), Some("zebra-long-string-beyond-inline"), None]
        );
        let v: ArrayRef = Arc::new(arrow::array::StringArray::from(vec!["b", "a", "é"]));
        let min = run("min", v.clone(), &[0, 0, 0], 1);
        assert_eq!(min.as_string::<i32>().value(0), "a");
        assert_eq!(
            run("max", v, &[0, 0, 0], 1).as_string::<i32>().value(0),
            "é"
        );
    }

    #[test]
    fn booleans() {
        let v: ArrayRef = Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)]));
        assert!(!run("min", v.clone(), &[0, 0, 0], 1).as_boolean().value(0));
        assert!(run("max", v, &[0, 0, 0], 1).as_boolean().value(0));
    }

    #[test]
    fn lists_through_the_row_format() {
        let v: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), Some(2)]),
            Some(vec![Some(1)]),
            None,
        ]));
        let out = run("min", v.clone(), &[0, 0, 0], 2);
        let first = out.as_list::<i32>().value(0);
        assert_eq!(first.as_primitive::<Int32Type>().values().to_vec(), vec![1]);
        assert!(out.is_null(1));
        let out = run("max", v, &[0, 0, 0], 1);
        assert_eq!(out.as_list::<i32>().value(0).len(), 2);
    }

    #[test]
    fn dictionary_is_unpacked_by_the_signature() {
        let def = registry().aggregate("min").unwrap();
        let t = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        assert_eq!((def.signature)(&[t], &[None]).unwrap().ret, DataType::Utf8);
    }
}
