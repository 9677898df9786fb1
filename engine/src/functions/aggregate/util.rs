//! Helpers shared by the aggregate accumulators: argument checks, downcasting the other
//! accumulator in `merge`, the ORDER BY key argument, a byte arena for owned keys, the
//! primitive-type dispatch macro and the grouping of collected rows by group id.

use arrow::array::{Array, ArrayRef, AsArray, BinaryArray};
use arrow::datatypes::DataType;

use super::GroupsAccumulator;
use crate::error::{Error, Result};
use crate::types::ScalarValue;

/// Calls `$func::<T>($args..)` with the Arrow primitive type `T` matching `$dt`, or
/// evaluates `$fallback` for non-primitive types (and intervals and 16-bit floats, whose
/// natural order is not the native one or which the engine never produces).
macro_rules! dispatch_primitive {
    ($dt:expr, $func:ident ( $($arg:expr),* $(,)? ), $fallback:expr) => {{
        use arrow::datatypes::*;
        match $dt {
            DataType::Int8 => $func::<Int8Type>($($arg),*),
            DataType::Int16 => $func::<Int16Type>($($arg),*),
            DataType::Int32 => $func::<Int32Type>($($arg),*),
            DataType::Int64 => $func::<Int64Type>($($arg),*),
            DataType::UInt8 => $func::<UInt8Type>($($arg),*),
            DataType::UInt16 => $func::<UInt16Type>($($arg),*),
            DataType::UInt32 => $func::<UInt32Type>($($arg),*),
            DataType::UInt64 => $func::<UInt64Type>($($arg),*),
            DataType::Float32 => $func::<Float32Type>($($arg),*),
            DataType::Float64 => $func::<Float64Type>($($arg),*),
            DataType::Decimal32(_, _) => $func::<Decimal32Type>($($arg),*),
            DataType::Decimal64(_, _) => $func::<Decimal64Type>($($arg),*),
            DataType::Decimal128(_, _) => $func::<Decimal128Type>($($arg),*),
            DataType::Decimal256(_, _) => $func::<Decimal256Type>($($arg),*),
            DataType::Date32 => $func::<Date32Type>($($arg),*),
            DataType::Date64 => $func::<Date64Type>($($arg),*),
            DataType::Time32(TimeUnit::Second) => $func::<Time32SecondType>($($arg),*),
            DataType::Time32(TimeUnit::Millisecond) => $func::<Time32MillisecondType>($($arg),*),
            DataType::Time64(TimeUnit::Microsecond) => $func::<Time64MicrosecondType>($($arg),*),
            DataType::Time64(TimeUnit::Nanosecond) => $func::<Time64NanosecondType>($($arg),*),
            DataType::Timestamp(TimeUnit::Second, _) => $func::<TimestampSecondType>($($arg),*),
            DataType::Timestamp(TimeUnit::Millisecond, _) => {
                $func::<TimestampMillisecondType>($($arg),*)
            }
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                $func::<TimestampMicrosecondType>($($arg),*)
            }
            DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                $func::<TimestampNanosecondType>($($arg),*)
            }
            DataType::Duration(TimeUnit::Second) => $func::<DurationSecondType>($($arg),*),
            DataType::Duration(TimeUnit::Millisecond) => {
                $func::<DurationMillisecondType>($($arg),*)
            }
            DataType::Duration(TimeUnit::Microsecond) => {
                $func::<DurationMicrosecondType>($($arg),*)
            }
            DataType::Duration(TimeUnit::Nanosecond) => $func::<DurationNanosecondType>($($arg),*),
            _ => $fallback,
        }
    }};
}
pub(super) use dispatch_primitive;

/// Checks the argument count of a signature call.
pub(super) fn check_arg_count(
    name: &str,
    types: &[DataType],
    min: usize,
    max: usize,
    expected: &str,
) -> Result<()> {
    if types.len() < min || types.len() > max {
        return Err(crate::functions::signature_error(name, expected, types));
    }
    Ok(())
}

/// Checks that an accumulator got at least `n` argument arrays, each as long as `groups`.
pub(super) fn check_inputs(
    name: &str,
    values: &[ArrayRef],
    groups: &[u32],
    n: usize,
) -> Result<()> {
    if values.len() < n {
        return Err(crate::internal_err!(
            "aggregate `{name}` expects {n} argument array(s), got {}",
            values.len()
        ));
    }
    if let Some(v) = values.iter().find(|v| v.len() != groups.len()) {
        return Err(crate::internal_err!(
            "aggregate `{name}` got an argument of {} rows with {} group ids",
            v.len(),
            groups.len()
        ));
    }
    Ok(())
}

/// Downcasts the accumulator handed to `merge` to the concrete type of `self`.
pub(super) fn downcast_other<T: 'static>(
    other: Box<dyn GroupsAccumulator>,
    name: &str,
) -> Result<Box<T>> {
    other.into_any().downcast::<T>().map_err(|_| {
        crate::internal_err!("aggregate `{name}` was asked to merge an accumulator of another kind")
    })
}

/// Checks that `group_map` covers every group of the other accumulator.
pub(super) fn check_map(name: &str, group_map: &[u32], other_groups: usize) -> Result<()> {
    if group_map.len() < other_groups {
        return Err(crate::internal_err!(
            "aggregate `{name}`: merge map has {} entries for {other_groups} groups",
            group_map.len()
        ));
    }
    Ok(())
}

/// The ORDER BY key argument (the last argument array) when the aggregate is ordered.
pub(super) fn order_keys<'a>(
    name: &str,
    values: &'a [ArrayRef],
    ordered: bool,
) -> Result<Option<&'a BinaryArray>> {
    if !ordered {
        return Ok(None);
    }
    let last = values.last().ok_or_else(|| {
        crate::internal_err!("ordered aggregate `{name}` got no ORDER BY key argument")
    })?;
    last.as_binary_opt::<i32>().map(Some).ok_or_else(|| {
        crate::internal_err!(
            "ordered aggregate `{name}` expects a Binary key argument, got {}",
            last.data_type()
        )
    })
}

/// The bytes of key `i` (an absent key sorts first).
pub(super) fn key_at(keys: &BinaryArray, i: usize) -> &[u8] {
    if keys.is_null(i) {
        &[]
    } else {
        keys.value(i)
    }
}

/// A literal argument as a string (`None` when the literal is NULL or absent).
pub(super) fn literal_str(lits: &[Option<ScalarValue>], i: usize) -> Option<String> {
    lits.get(i)
        .and_then(|l| l.as_ref())
        .and_then(|l| l.as_str().map(str::to_string))
}

/// Strips a dictionary type to its value type (aggregates work on plain values).
pub(super) fn value_type(t: &DataType) -> DataType {
    match t {
        DataType::Dictionary(_, v) => v.as_ref().clone(),
        other => other.clone(),
    }
}

/// Owned variable-length keys stored back to back in one buffer.
#[derive(Debug, Default)]
pub(super) struct KeyArena {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl KeyArena {
    /// Appends a key.
    pub(super) fn push(&mut self, key: &[u8]) {
        self.bytes.extend_from_slice(key);
        self.ends.push(self.bytes.len());
    }

    /// Key `i`.
    pub(super) fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// Appends all keys of another arena.
    pub(super) fn append(&mut self, other: &KeyArena) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }

    /// Approximate memory held, in bytes.
    pub(super) fn size(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * std::mem::size_of::<usize>()
    }
}

/// Orders the row indices `0..groups.len()` by group (stably): returns the permutation and
/// `num_groups + 1` offsets, group `g`'s rows being `order[offsets[g]..offsets[g + 1]]`.
pub(super) fn group_order(groups: &[u32], num_groups: usize) -> Result<(Vec<u32>, Vec<usize>)> {
    let mut offsets = vec![0usize; num_groups + 1];
    for &g in groups {
        let slot = offsets.get_mut(g as usize + 1).ok_or_else(|| {
            crate::internal_err!("group id {g} is not below the group count {num_groups}")
        })?;
        *slot += 1;
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut next = offsets.clone();
    let mut order = vec![0u32; groups.len()];
    for (i, &g) in groups.iter().enumerate() {
        let p = &mut next[g as usize];
        order[*p] = u32::try_from(i).map_err(|_| too_many_rows())?;
        *p += 1;
    }
    Ok((order, offsets))
}

/// The error for more collected rows than 32-bit indices can address.
pub(super) fn too_many_rows() -> Error {
    Error::Compute(
        "an aggregate collected more than 4294967295 rows; filter the input first".into(),
    )
}

/// Extends `v` with `fill` up to `n` elements.
pub(super) fn grow<T: Clone>(v: &mut Vec<T>, n: usize, fill: T) {
    if v.len() < n {
        v.resize(n, fill);
    }
}
