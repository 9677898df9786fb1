//! Histograms as a `MAP(value, UBIGINT)` (DuckDB's result type): `histogram(x)` counts
//! each distinct non-NULL value; `histogram(x, bins)` counts the values falling in each
//! bin, a value belonging to the first bin bound at or above it; `histogram_exact(x,
//! bins)` counts only the values equal to a bin bound.
//!
//! As in DuckDB: the map is ordered by key, a group without values gives NULL, the bins
//! are sorted and deduplicated, every bin is listed (with 0 when empty), and values that
//! fit no bin are counted in an "other" bin whose key is the largest value of the type
//! (`inf` for floats, the empty string or list, ...), listed only when it holds values.
//! The bins of a group are those of its first row with a value (the argument may differ
//! per row); a NULL bin list or bin is an error. Binned DECIMAL values are counted as
//! DOUBLE, as DuckDB does. `is_histogram_other_bin(x)` tells whether a key is that bin's.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, BinaryArray, BooleanArray, Date32Array, Float32Array,
    Float64Array, GenericListArray, Int16Array, Int32Array, Int64Array, Int8Array,
    LargeBinaryArray, LargeStringArray, MapArray, PrimitiveArray, StringArray, StringViewArray,
    StructArray, UInt16Array, UInt32Array, UInt64Array, UInt8Array,
};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::datatypes::{DataType, Field, Fields, TimeUnit, TimestampMicrosecondType};
use arrow::row::{RowConverter, SortField};

use super::min_max::is_orderable;
use super::util::{check_arg_count, check_inputs, downcast_other, value_type};
use super::value_counts::ValueCounts;
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::{Error, Result};
use crate::functions::{
    signature_error, ColumnarValue, FunctionRegistry, ScalarFunctionDef, Signature,
};
use crate::types::union_type;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "histogram",
        aliases: &[],
        signature: |t, _| signature("histogram", t, false),
        create: |a| create(a, BinMode::Bounds),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "histogram_exact",
        aliases: &[],
        signature: |t, _| signature("histogram_exact", t, true),
        create: |a| create(a, BinMode::Exact),
    });
    r.add_scalar(ScalarFunctionDef {
        name: "is_histogram_other_bin",
        aliases: &[],
        signature: |t, _| {
            check_arg_count("is_histogram_other_bin", t, 1, 1, "one argument")?;
            Ok(Signature::keep(t, DataType::Boolean))
        },
        invoke: is_other_bin,
        volatile: false,
    });
}

/// `is_histogram_other_bin(x)`: whether `x` is the key a histogram gives its "other
/// values" bin for `x`'s type (NULL for NULL; false for types without one).
fn is_other_bin(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let a = args
        .first()
        .ok_or_else(|| crate::internal_err!("is_histogram_other_bin takes one argument"))?
        .to_array(num_rows)?;
    let t = value_type(a.data_type());
    let nulls = a.logical_nulls();
    let other = match (is_orderable(&t), other_value(&t)) {
        (true, Some(v)) => {
            let conv = RowConverter::new(vec![SortField::new(t.clone())])?;
            let rows = conv.convert_columns(&[arrow::compute::cast(&a, &t)?])?;
            let key = conv.convert_columns(&[v])?;
            let key = key.row(0);
            (0..a.len()).map(|i| rows.row(i) == key).collect()
        }
        _ => vec![false; a.len()],
    };
    Ok(ColumnarValue::Array(Arc::new(BooleanArray::new(
        other.into(),
        nulls,
    ))))
}

/// `MAP(key, value)` as an Arrow type: entries named `entries` holding `key` and `value`.
pub(super) fn map_type(key: DataType, value: DataType) -> DataType {
    DataType::Map(
        Arc::new(Field::new("entries", entries_type(key, value), false)),
        false,
    )
}

fn entries_type(key: DataType, value: DataType) -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("key", key, false),
        Field::new("value", value, true),
    ]))
}

fn signature(name: &str, types: &[DataType], bins_required: bool) -> Result<Signature> {
    let expected = if bins_required {
        "a value and a list of bins of the value's type"
    } else {
        "a value, optionally with a list of bins of the value's type"
    };
    check_arg_count(name, types, if bins_required { 2 } else { 1 }, 2, expected)?;
    let t = value_type(&types[0]);
    let t = if t == DataType::Null {
        DataType::Int32
    } else {
        t
    };
    if types.len() == 1 {
        if !is_orderable(&t) {
            return Err(signature_error(name, expected, types));
        }
        return Ok(Signature {
            args: vec![t.clone()],
            ret: map_type(t, DataType::UInt64),
        });
    }
    let elem = match &types[1] {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            f.data_type().clone()
        }
        DataType::Null => t.clone(),
        _ => return Err(signature_error(name, expected, types)),
    };
    let key = match union_type(&t, &elem) {
        // HUGEINT (DECIMAL(38, 0) in Quiver) stays; other DECIMALs bin as DOUBLE.
        Some(DataType::Decimal128(38, 0)) => DataType::Decimal128(38, 0),
        Some(DataType::Decimal128(_, _) | DataType::Decimal256(_, _)) => DataType::Float64,
        Some(k) if is_orderable(&k) => k,
        _ => return Err(signature_error(name, expected, types)),
    };
    Ok(Signature {
        args: vec![
            key.clone(),
            DataType::List(Arc::new(Field::new_list_field(key.clone(), true))),
        ],
        ret: map_type(key, DataType::UInt64),
    })
}

/// Which values a bin counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinMode {
    /// Values up to the bound (and above the previous one).
    Bounds,
    /// Values equal to the bound.
    Exact,
}

fn create(args: &AggregateArgs, mode: BinMode) -> Result<Box<dyn GroupsAccumulator>> {
    let DataType::Map(entries, _) = &args.return_type else {
        return Err(crate::internal_err!(
            "histogram was planned with the result type {}",
            args.return_type
        ));
    };
    let DataType::Struct(fields) = entries.data_type() else {
        return Err(crate::internal_err!(
            "histogram map entries are not a struct"
        ));
    };
    let key_type = fields[0].data_type().clone();
    let counts = ValueCounts::try_new(&key_type)?;
    let binned = args.arg_types.len() >= 2;
    Ok(Box::new(Histogram {
        name: if mode == BinMode::Exact {
            "histogram_exact"
        } else {
            "histogram"
        },
        key_type,
        ret: args.return_type.clone(),
        mode,
        binned,
        counts,
        bins: vec![],
    }))
}

/// The bins of one group: sorted distinct encoded bounds, their counts and the others.
#[derive(Debug, Clone)]
struct Bins {
    bounds: Vec<Box<[u8]>>,
    counts: Vec<u64>,
    other: u64,
}

impl Bins {
    fn add(&mut self, key: &[u8], n: u64, mode: BinMode) {
        let pos = self.bounds.partition_point(|b| b.as_ref() < key);
        let hit = match mode {
            BinMode::Bounds => pos < self.bounds.len(),
            BinMode::Exact => self.bounds.get(pos).is_some_and(|b| b.as_ref() == key),
        };
        if hit {
            self.counts[pos] += n;
        } else {
            self.other += n;
        }
    }
}

/// Histogram state: value counts, or (with bins) the bins of each group.
struct Histogram {
    name: &'static str,
    key_type: DataType,
    ret: DataType,
    mode: BinMode,
    binned: bool,
    counts: ValueCounts,
    bins: Vec<Option<Bins>>,
}

impl Histogram {
    /// Reads and encodes the bin list at row `i` (the bins of a group's first value).
    fn bins_at(&self, lists: &GenericListArray<i32>, i: usize) -> Result<Bins> {
        if lists.is_null(i) {
            return Err(Error::Compute("Histogram bin list cannot be NULL".into()));
        }
        let list = lists.value(i);
        if list.logical_null_count() > 0 {
            return Err(Error::Compute("Histogram bin entry cannot be NULL".into()));
        }
        let mut bounds = self.counts.encode(&list)?;
        bounds.sort_unstable();
        bounds.dedup();
        let counts = vec![0; bounds.len()];
        Ok(Bins {
            bounds,
            counts,
            other: 0,
        })
    }

    fn update_binned(
        &mut self,
        values: &[ArrayRef],
        groups: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        if self.bins.len() < num_groups {
            self.bins.resize(num_groups, None);
        }
        let lists = values[1].as_list_opt::<i32>().ok_or_else(|| {
            crate::internal_err!(
                "`{}` expects a list of bins, got {}",
                self.name,
                values[1].data_type()
            )
        })?;
        let keys = self.counts.rows(&values[0])?;
        let nulls = values[0].logical_nulls();
        for (i, &g) in groups.iter().enumerate() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                continue;
            }
            let g = g as usize;
            if self.bins[g].is_none() {
                self.bins[g] = Some(self.bins_at(lists, i)?);
            }
            if let Some(b) = self.bins[g].as_mut() {
                b.add(keys.row(i).data(), 1, self.mode);
            }
        }
        Ok(())
    }

    /// The map of each group from its sorted keys and counts (`None` for a NULL map).
    fn build(&self, groups: Vec<Option<(Vec<Box<[u8]>>, Vec<u64>)>>) -> Result<ArrayRef> {
        let mut offsets = vec![0i32];
        let mut valid = Vec::with_capacity(groups.len());
        let mut all_keys: Vec<&[u8]> = vec![];
        let mut all_counts: Vec<u64> = vec![];
        for g in &groups {
            match g {
                Some((keys, counts)) => {
                    all_keys.extend(keys.iter().map(|k| k.as_ref()));
                    all_counts.extend_from_slice(counts);
                    valid.push(true);
                }
                None => valid.push(false),
            }
            let end = i32::try_from(all_keys.len()).map_err(|_| {
                Error::Compute(format!(
                    "`{}` produced more than 2^31 map entries",
                    self.name
                ))
            })?;
            offsets.push(end);
        }
        let keys = self.counts.decode(all_keys)?;
        let DataType::Map(entries_field, _) = &self.ret else {
            return Err(crate::internal_err!("histogram result is not a map"));
        };
        let DataType::Struct(fields) = entries_field.data_type() else {
            return Err(crate::internal_err!(
                "histogram map entries are not a struct"
            ));
        };
        let entries = StructArray::try_new(
            fields.clone(),
            vec![keys, Arc::new(UInt64Array::from(all_counts))],
            None,
        )?;
        Ok(Arc::new(MapArray::try_new(
            entries_field.clone(),
            OffsetBuffer::new(offsets.into()),
            entries,
            Some(NullBuffer::from(valid)),
            false,
        )?))
    }
}

impl GroupsAccumulator for Histogram {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        check_inputs(self.name, values, groups, if self.binned { 2 } else { 1 })?;
        if self.binned {
            self.update_binned(values, groups, num_groups)
        } else {
            self.counts.add(&values[0], groups, num_groups)
        }
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, self.name)?;
        if !self.binned {
            return self.counts.merge(other.counts, group_map, num_groups);
        }
        if self.bins.len() < num_groups {
            self.bins.resize(num_groups, None);
        }
        for (g, b) in other.bins.into_iter().enumerate() {
            let Some(b) = b else { continue };
            let t = *group_map.get(g).ok_or_else(|| {
                crate::internal_err!("`{}` merge map has no entry for group {g}", self.name)
            })? as usize;
            match self.bins[t].as_mut() {
                None => self.bins[t] = Some(b),
                Some(mine) => {
                    for (k, &c) in b.bounds.iter().zip(&b.counts) {
                        mine.add(k, c, self.mode);
                    }
                    mine.other += b.other;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        if !self.binned {
            let groups = self
                .counts
                .take(num_groups)
                .into_iter()
                .map(|m| {
                    if m.is_empty() {
                        return None;
                    }
                    let mut pairs: Vec<(Box<[u8]>, u64)> =
                        m.into_iter().map(|(k, s)| (k, s.count)).collect();
                    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                    Some(pairs.into_iter().unzip())
                })
                .collect();
            return self.build(groups);
        }
        let mut bins = std::mem::take(&mut self.bins);
        bins.resize(num_groups, None);
        let mut other_key: Option<Box<[u8]>> = None;
        let mut groups = Vec::with_capacity(num_groups);
        for b in bins {
            let Some(mut b) = b else {
                groups.push(None);
                continue;
            };
            if b.other > 0 {
                if other_key.is_none() {
                    let v = other_value(&self.key_type).ok_or_else(|| {
                        Error::NotSupported(format!(
                            "`{}` of {} values outside the bins",
                            self.name, self.key_type
                        ))
                    })?;
                    other_key = self.counts.encode(&v)?.pop();
                }
                if let Some(k) = &other_key {
                    b.bounds.push(k.clone());
                    b.counts.push(b.other);
                }
            }
            groups.push(Some((b.bounds, b.counts)));
        }
        self.build(groups)
    }

    fn size(&self) -> usize {
        let bins: usize = self
            .bins
            .iter()
            .flatten()
            .map(|b| b.bounds.iter().map(|k| k.len() + 24).sum::<usize>())
            .sum();
        self.counts.size() + bins + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// DuckDB's key of the "other values" bin: the largest value of the type (one row).
fn other_value(t: &DataType) -> Option<ArrayRef> {
    Some(match t {
        DataType::Int8 => Arc::new(Int8Array::from(vec![i8::MAX])),
        DataType::Int16 => Arc::new(Int16Array::from(vec![i16::MAX])),
        DataType::Int32 => Arc::new(Int32Array::from(vec![i32::MAX])),
        DataType::Int64 => Arc::new(Int64Array::from(vec![i64::MAX])),
        DataType::UInt8 => Arc::new(UInt8Array::from(vec![u8::MAX])),
        DataType::UInt16 => Arc::new(UInt16Array::from(vec![u16::MAX])),
        DataType::UInt32 => Arc::new(UInt32Array::from(vec![u32::MAX])),
        DataType::UInt64 => Arc::new(UInt64Array::from(vec![u64::MAX])),
        DataType::Float32 => Arc::new(Float32Array::from(vec![f32::INFINITY])),
        DataType::Float64 => Arc::new(Float64Array::from(vec![f64::INFINITY])),
        DataType::Decimal128(38, 0) => Arc::new(
            arrow::array::Decimal128Array::from(vec![i128::MAX])
                .with_precision_and_scale(38, 0)
                .ok()?,
        ),
        // DuckDB's infinite date and timestamp.
        DataType::Date32 => Arc::new(Date32Array::from(vec![i32::MAX])),
        DataType::Timestamp(TimeUnit::Microsecond, tz) => Arc::new(
            PrimitiveArray::<TimestampMicrosecondType>::from(vec![i64::MAX])
                .with_timezone_opt(tz.clone()),
        ),
        DataType::Utf8 => Arc::new(StringArray::from(vec![""])),
        DataType::LargeUtf8 => Arc::new(LargeStringArray::from(vec![""])),
        DataType::Utf8View => Arc::new(StringViewArray::from(vec![""])),
        DataType::Binary => Arc::new(BinaryArray::from(vec![&b""[..]])),
        DataType::LargeBinary => Arc::new(LargeBinaryArray::from(vec![&b""[..]])),
        DataType::List(f) => Arc::new(
            GenericListArray::<i32>::try_new(
                f.clone(),
                OffsetBuffer::new(vec![0, 0].into()),
                arrow::array::new_empty_array(f.data_type()),
                None,
            )
            .ok()?,
        ),
        DataType::Struct(fields) => Arc::new(
            StructArray::try_new(
                fields.clone(),
                fields
                    .iter()
                    .map(|f| new_null_array(f.data_type(), 1))
                    .collect(),
                None,
            )
            .ok()?,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use arrow::array::ListArray;
    use arrow::datatypes::Int64Type;

    use super::*;
    use crate::functions::registry;

    fn create_for(name: &str, types: &[DataType]) -> (Box<dyn GroupsAccumulator>, Signature) {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(types, &vec![None; types.len()]).unwrap();
        let acc = (def.create)(&AggregateArgs {
            arg_types: sig.args.clone(),
            literal_args: vec![None; types.len()],
            return_type: sig.ret.clone(),
            ordered: false,
        })
        .unwrap();
        (acc, sig)
    }

    /// Each map as `key=count` strings (`None` for a NULL map).
    fn entries(out: &ArrayRef) -> Vec<Option<Vec<(i64, u64)>>> {
        let m = out.as_map();
        (0..m.len())
            .map(|i| {
                if m.is_null(i) {
                    return None;
                }
                let e = m.value(i);
                let k = e.column(0).as_primitive::<Int64Type>();
                let v = e.column(1).as_primitive::<arrow::datatypes::UInt64Type>();
                Some((0..e.len()).map(|j| (k.value(j), v.value(j))).collect())
            })
            .collect()
    }

    fn bins(n: usize, bounds: &[i64]) -> ArrayRef {
        Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(
            (0..n).map(|_| Some(bounds.iter().map(|&b| Some(b)).collect::<Vec<_>>())),
        ))
    }

    #[test]
    fn counts_distinct_values_in_order() {
        let (mut acc, sig) = create_for("histogram", &[DataType::Int64]);
        assert_eq!(sig.ret, map_type(DataType::Int64, DataType::UInt64));
        let v: ArrayRef = Arc::new(Int64Array::from(vec![
            Some(3),
            Some(1),
            None,
            Some(3),
            Some(7),
        ]));
        acc.update(&[v], &[0, 0, 0, 0, 2], 3).unwrap();
        let out = acc.finish(3).unwrap();
        assert_eq!(out.data_type(), &sig.ret);
        assert_eq!(
            entries(&out),
            vec![Some(vec![(1, 1), (3, 2)]), None, Some(vec![(7, 1)])]
        );
    }

    #[test]
    fn binned_with_other_bin_and_merge() {
        let list_t = DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true)));
        let (mut a, _) = create_for("histogram", &[DataType::Int64, list_t.clone()]);
        let v: ArrayRef = Arc::new(Int64Array::from(vec![0, 5, 12, 20, 47]));
        a.update(&[v, bins(5, &[20, 10, 10, 30])], &[0; 5], 1)
            .unwrap();
        let (mut b, _) = create_for("histogram", &[DataType::Int64, list_t]);
        let w: ArrayRef = Arc::new(Int64Array::from(vec![25]));
        b.update(&[w, bins(1, &[10, 20, 30])], &[0], 1).unwrap();
        a.merge(b, &[0], 1).unwrap();
        assert_eq!(
            entries(&a.finish(1).unwrap()),
            vec![Some(vec![(10, 2), (20, 2), (30, 1), (i64::MAX, 1)])]
        );
    }

    #[test]
    fn exact_bins_and_null_bins() {
        let list_t = DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true)));
        let (mut a, _) = create_for("histogram_exact", &[DataType::Int64, list_t]);
        let v: ArrayRef = Arc::new(Int64Array::from(vec![10, 11, 20]));
        a.update(&[v.clone(), bins(3, &[10, 20])], &[0; 3], 1)
            .unwrap();
        assert_eq!(
            entries(&a.finish(1).unwrap()),
            vec![Some(vec![(10, 1), (20, 1), (i64::MAX, 1)])]
        );
        let null_bins: ArrayRef =
            Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(vec![
                None::<Vec<Option<i64>>>,
                None,
                None,
            ]));
        let err = a.update(&[v, null_bins], &[0; 3], 1).unwrap_err();
        assert!(err.to_string().contains("bin list cannot be NULL"), "{err}");
    }
}
