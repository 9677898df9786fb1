//! Group key interning for hash aggregation: maps each row's key to a dense group id.
//!
//! Specialised paths: no keys (one global group); one integer-like key (open addressing
//! on the 64-bit value, NULL as its own group); several short strings and integers as
//! fixed-width keys (a `Utf8View` string of at most 12 bytes lives entirely in its 16-byte
//! view, so the view is the key: no encoding, no copying); anything else through Arrow's
//! row format (`RowConverter`), whose byte rows hash and compare as plain bytes.

use std::hash::BuildHasher;
use std::sync::Arc;

use arrow::array::*;
use arrow::buffer::NullBuffer;
use arrow::datatypes::*;
use arrow::row::{RowConverter, SortField};
use hashbrown::DefaultHashBuilder;
use hashbrown::{HashMap, HashTable};

use crate::error::Result;
use crate::physical::expr::cast_array;

/// Interned group keys of one aggregation (per thread, then merged).
pub enum GroupKeys {
    /// No GROUP BY: every row is group 0.
    Global,
    /// One integer, date or timestamp key.
    Int(IntKeys),
    /// Short strings and integers as fixed-width keys.
    Views(ViewKeys),
    /// Any keys, as row-format bytes.
    Rows(RowKeys),
}

/// Most key columns the fixed-width path takes.
const MAX_VIEW_COLUMNS: usize = 8;

/// Short strings and integers as fixed-width keys: per group, one `u128` per column (a
/// string's view, or an integer widened) and a NULL bit per column.
pub struct ViewKeys {
    types: Vec<DataType>,
    table: HashTable<u32>,
    keys: Vec<u128>,
    nulls: Vec<u8>,
    hashes: Vec<u64>,
}

/// One integer-like key.
pub struct IntKeys {
    data_type: DataType,
    map: HashMap<i64, u32>,
    keys: Vec<i64>,
    null_group: Option<u32>,
}

/// Keys in Arrow's row format.
pub struct RowKeys {
    converter: RowConverter,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
    hashes: Vec<u64>,
    data: Vec<u8>,
    offsets: Vec<usize>,
}

fn int_like(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::Date32
            | DataType::Date64
            | DataType::Timestamp(_, _)
    )
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8)
}

fn new_row_keys(types: &[DataType]) -> Result<RowKeys> {
    let fields = types.iter().map(|t| SortField::new(t.clone())).collect();
    let mut offsets = Vec::with_capacity(1024);
    offsets.push(0);
    Ok(RowKeys {
        converter: RowConverter::new(fields)?,
        table: HashTable::new(),
        hasher: DefaultHashBuilder::default(),
        hashes: Vec::new(),
        data: Vec::new(),
        offsets,
    })
}

/// An Int64 array of key values as the original key type.
fn int64_as(a: ArrayRef, data_type: &DataType) -> Result<ArrayRef> {
    Ok(match data_type {
        DataType::Date32 => cast_array(
            &cast_array(&a, &DataType::Int32, false)?,
            &DataType::Date32,
            false,
        )?,
        // The i64 values are already in the timestamp's unit: relabel the type.
        DataType::Timestamp(u, tz) => make_array(
            a.to_data()
                .into_builder()
                .data_type(DataType::Timestamp(*u, tz.clone()))
                .build()?,
        ),
        other => cast_array(&a, other, false)?,
    })
}

impl GroupKeys {
    /// Empty keys for the given key types.
    pub fn try_new(types: &[DataType]) -> Result<Self> {
        Ok(match types {
            [] => GroupKeys::Global,
            ts if ts.len() <= MAX_VIEW_COLUMNS
                && ts.iter().all(|t| int_like(t) || is_string(t))
                && (ts.len() > 1 || is_string(&ts[0])) =>
            {
                GroupKeys::Views(ViewKeys {
                    types: ts.to_vec(),
                    table: HashTable::new(),
                    keys: Vec::new(),
                    nulls: Vec::new(),
                    hashes: Vec::new(),
                })
            }
            [t] if int_like(t) => GroupKeys::Int(IntKeys {
                data_type: t.clone(),
                map: HashMap::new(),
                keys: Vec::new(),
                null_group: None,
            }),
            ts => GroupKeys::Rows(new_row_keys(ts)?),
        })
    }

    /// How many groups so far.
    pub fn num_groups(&self) -> usize {
        match self {
            GroupKeys::Global => 1,
            GroupKeys::Int(k) => k.keys.len() + usize::from(k.null_group.is_some()),
            GroupKeys::Views(k) => k.hashes.len(),
            GroupKeys::Rows(k) => k.hashes.len(),
        }
    }

    /// Assigns a group id to every row of `keys`, writing them to `out`.
    pub fn intern(&mut self, keys: &[ArrayRef], num_rows: usize, out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        match self {
            GroupKeys::Global => out.resize(num_rows, 0),
            GroupKeys::Int(k) => {
                let a = cast_array(&keys[0], &DataType::Int64, false)?;
                let a = a.as_primitive::<Int64Type>();
                out.reserve(num_rows);
                if a.null_count() == 0 {
                    for &v in a.values() {
                        out.push(k.intern(v));
                    }
                } else {
                    for v in a.iter() {
                        out.push(match v {
                            Some(v) => k.intern(v),
                            None => k.intern_null(),
                        });
                    }
                }
            }
            GroupKeys::Views(k) => {
                if !k.intern(keys, num_rows, out)? {
                    // A string too long for its view: continue with row keys, keeping the
                    // group ids given so far.
                    let existing = self.finish_all()?;
                    let mut rows = GroupKeys::Rows(new_row_keys(&existing.0)?);
                    let mut ids = Vec::new();
                    rows.intern(&existing.1, existing.2, &mut ids)?;
                    *self = rows;
                    return self.intern(keys, num_rows, out);
                }
            }
            GroupKeys::Rows(k) => {
                let rows = k.converter.convert_columns(keys)?;
                out.reserve(num_rows);
                for row in rows.iter() {
                    out.push(k.intern(row.as_ref()));
                }
            }
        }
        Ok(())
    }

    /// Interns every group of `other` into this one; returns other's group -> this group.
    pub fn merge(&mut self, other: &GroupKeys) -> Result<Vec<u32>> {
        Ok(match (self, other) {
            (GroupKeys::Global, GroupKeys::Global) => vec![0],
            (GroupKeys::Int(a), GroupKeys::Int(b)) => {
                // Group ids in `b` are dense in insertion order, with the NULL group wherever
                // it first appeared; rebuild that order.
                let mut map = vec![0u32; b.keys.len() + usize::from(b.null_group.is_some())];
                for (i, &key) in b.keys.iter().enumerate() {
                    map[b.id_of(i) as usize] = a.intern(key);
                }
                if let Some(n) = b.null_group {
                    map[n as usize] = a.intern_null();
                }
                map
            }
            // Each table has its own randomly seeded hasher, so hash again.
            (GroupKeys::Rows(a), GroupKeys::Rows(b)) => (0..b.hashes.len())
                .map(|g| a.intern(&b.data[b.offsets[g]..b.offsets[g + 1]]))
                .collect(),
            // Different kinds (one table switched to row keys): intern the other's key
            // values, in group order.
            (a, b) => {
                let (_, arrays, n) = b.finish_all()?;
                let mut map = Vec::with_capacity(n);
                a.intern(&arrays, n, &mut map)?;
                map
            }
        })
    }

    /// The key types, the key columns (uncast) and the group count.
    fn finish_all(&self) -> Result<(Vec<DataType>, Vec<ArrayRef>, usize)> {
        let n = self.num_groups();
        let arrays = match self {
            GroupKeys::Global => vec![],
            GroupKeys::Int(k) => {
                return Ok((
                    vec![k.data_type.clone()],
                    self.finish(std::slice::from_ref(&k.data_type))?,
                    n,
                ))
            }
            GroupKeys::Views(k) => k.finish()?,
            GroupKeys::Rows(k) => {
                let parser = k.converter.parser();
                let rows: Vec<_> = (0..k.hashes.len())
                    .map(|g| parser.parse(&k.data[k.offsets[g]..k.offsets[g + 1]]))
                    .collect();
                k.converter.convert_rows(rows)?
            }
        };
        let types = arrays.iter().map(|a| a.data_type().clone()).collect();
        Ok((types, arrays, n))
    }

    /// The key columns, one value per group in group id order, cast to `types`.
    pub fn finish(&self, types: &[DataType]) -> Result<Vec<ArrayRef>> {
        match self {
            GroupKeys::Global => Ok(vec![]),
            GroupKeys::Int(k) => {
                let n = k.keys.len() + usize::from(k.null_group.is_some());
                let mut values: Vec<Option<i64>> = vec![None; n];
                for (i, &key) in k.keys.iter().enumerate() {
                    values[k.id_of(i) as usize] = Some(key);
                }
                let out = int64_as(Arc::new(Int64Array::from(values)), &k.data_type)?;
                Ok(vec![cast_array(&out, &types[0], false)?])
            }
            GroupKeys::Views(_) | GroupKeys::Rows(_) => {
                let (_, cols, _) = self.finish_all()?;
                cols.iter()
                    .zip(types)
                    .map(|(c, t)| cast_array(c, t, false))
                    .collect()
            }
        }
    }
}

/// A fast hash of fixed-width keys: each 128-bit value folded and multiplied, then a final
/// avalanche so both the low bits (bucket) and the high bits (hashbrown's tag) vary. The
/// generic byte hasher cost a fifth of TPC-H Q1.
#[inline]
fn mix_key(key: &[u128], mask: u8) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = u64::from(mask).wrapping_mul(K);
    for v in key {
        let x = (*v as u64) ^ ((*v >> 64) as u64).rotate_left(29);
        h = (h.rotate_left(5) ^ x).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^ (h >> 29)
}

impl ViewKeys {
    /// Interns a batch; returns `false` (having changed nothing) if a string is too long
    /// for its view.
    fn intern(&mut self, keys: &[ArrayRef], num_rows: usize, out: &mut Vec<u32>) -> Result<bool> {
        let width = self.types.len();
        // Each column as a slice of u128 views or i64 values, without copying.
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(width);
        for (k, t) in keys.iter().zip(&self.types) {
            let target = if is_string(t) {
                DataType::Utf8View
            } else {
                DataType::Int64
            };
            let a = cast_array(k, &target, false)?;
            if is_string(t) {
                let v = a.as_string_view();
                // A valid view of at most 12 bytes holds the whole string.
                if v.views()
                    .iter()
                    .enumerate()
                    .any(|(i, view)| (*view as u32) > 12 && v.is_valid(i))
                {
                    return Ok(false);
                }
            }
            arrays.push(a);
        }
        enum Col<'a> {
            Views(&'a [u128]),
            Ints(&'a [i64]),
        }
        let cols: Vec<(Col<'_>, Option<&NullBuffer>)> = arrays
            .iter()
            .map(|a| match a.data_type() {
                DataType::Utf8View => (Col::Views(a.as_string_view().views()), a.nulls()),
                _ => (Col::Ints(a.as_primitive::<Int64Type>().values()), a.nulls()),
            })
            .collect();
        out.reserve(num_rows);
        let mut key = [0u128; MAX_VIEW_COLUMNS];
        let (mut prev_key, mut prev_mask, mut prev_group) = ([0u128; MAX_VIEW_COLUMNS], 0u8, 0u32);
        for row in 0..num_rows {
            let mut mask = 0u8;
            for (c, (col, nulls)) in cols.iter().enumerate() {
                if nulls.is_some_and(|n| n.is_null(row)) {
                    mask |= 1 << c;
                    key[c] = 0;
                } else {
                    key[c] = match col {
                        Col::Views(v) => v[row],
                        Col::Ints(v) => v[row] as u64 as u128,
                    };
                }
            }
            // Neighbouring rows often share their key (data sorted or clustered by
            // something correlated with it): reuse the last group without hashing.
            if row > 0 && mask == prev_mask && (0..width).all(|c| key[c] == prev_key[c]) {
                out.push(prev_group);
                continue;
            }
            prev_group = self.intern_key(&key[..width], mask);
            prev_key = key;
            prev_mask = mask;
            out.push(prev_group);
        }
        Ok(true)
    }

    #[inline]
    fn intern_key(&mut self, key: &[u128], mask: u8) -> u32 {
        let hash = mix_key(key, mask);
        let width = key.len();
        let (keys, masks, hashes) = (&self.keys, &self.nulls, &self.hashes);
        let found = self.table.find(hash, |&g| {
            let g = g as usize;
            hashes[g] == hash
                && masks[g] == mask
                && keys[g * width..(g + 1) * width]
                    .iter()
                    .zip(key)
                    .all(|(a, b)| a == b)
        });
        if let Some(&g) = found {
            return g;
        }
        let g = self.hashes.len() as u32;
        self.keys.extend_from_slice(key);
        self.nulls.push(mask);
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.table.insert_unique(hash, g, |&g| hashes[g as usize]);
        g
    }

    /// The key columns, in group order (strings as `Utf8View`, integers as their type).
    fn finish(&self) -> Result<Vec<ArrayRef>> {
        let width = self.types.len();
        let n = self.hashes.len();
        self.types
            .iter()
            .enumerate()
            .map(|(c, t)| {
                let valid: Vec<bool> = self.nulls.iter().map(|m| m & (1 << c) == 0).collect();
                let nulls = valid.iter().any(|v| !v).then(|| NullBuffer::from(valid));
                let values = (0..n).map(|g| self.keys[g * width + c]);
                if is_string(t) {
                    let views: Vec<u128> = values.collect();
                    // Back to the declared key type (a table that switches to row keys
                    // re-interns these, and the aggregation casts keys to that type).
                    let a: ArrayRef =
                        Arc::new(StringViewArray::try_new(views.into(), vec![], nulls)?);
                    cast_array(&a, t, false)
                } else {
                    let ints: Vec<i64> = values.map(|v| v as u64 as i64).collect();
                    int64_as(Arc::new(Int64Array::new(ints.into(), nulls)), t)
                }
            })
            .collect()
    }
}

impl IntKeys {
    #[inline]
    fn intern(&mut self, v: i64) -> u32 {
        let next = (self.keys.len() + usize::from(self.null_group.is_some())) as u32;
        let keys = &mut self.keys;
        *self.map.entry(v).or_insert_with(|| {
            keys.push(v);
            next
        })
    }

    /// The group id of `keys[i]`: ids are handed out in insertion order, and the NULL
    /// group took the id after the keys inserted before it (no hash lookup needed).
    #[inline]
    fn id_of(&self, i: usize) -> u32 {
        let after_null = self.null_group.is_some_and(|n| n as usize <= i);
        (i + usize::from(after_null)) as u32
    }

    fn intern_null(&mut self) -> u32 {
        if let Some(g) = self.null_group {
            return g;
        }
        let g = (self.keys.len()) as u32;
        self.null_group = Some(g);
        g
    }
}

impl RowKeys {
    #[inline]
    fn intern(&mut self, row: &[u8]) -> u32 {
        let hash = self.hasher.hash_one(row);
        self.intern_hashed(row, hash)
    }

    #[inline]
    fn intern_hashed(&mut self, row: &[u8], hash: u64) -> u32 {
        let (data, offsets, hashes) = (&self.data, &self.offsets, &self.hashes);
        if let Some(&g) = self.table.find(hash, |&g| {
            hashes[g as usize] == hash && &data[offsets[g as usize]..offsets[g as usize + 1]] == row
        }) {
            return g;
        }
        let g = self.hashes.len() as u32;
        self.data.extend_from_slice(row);
        self.offsets.push(self.data.len());
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.table.insert_unique(hash, g, |&g| hashes[g as usize]);
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_keys_with_nulls_round_trip_and_merge() {
        let mut a = GroupKeys::try_new(&[DataType::Int32]).unwrap();
        let mut ids = vec![];
        let k: ArrayRef = Arc::new(Int32Array::from(vec![Some(5), None, Some(5), Some(7)]));
        a.intern(&[k], 4, &mut ids).unwrap();
        assert_eq!(ids, vec![0, 1, 0, 2]);
        let mut b = GroupKeys::try_new(&[DataType::Int32]).unwrap();
        let k: ArrayRef = Arc::new(Int32Array::from(vec![Some(7), Some(9), None]));
        b.intern(&[k], 3, &mut ids).unwrap();
        assert_eq!(a.merge(&b).unwrap(), vec![2, 3, 1]);
        let out = a.finish(&[DataType::Int32]).unwrap();
        assert_eq!(
            out[0]
                .as_primitive::<Int32Type>()
                .iter()
                .collect::<Vec<_>>(),
            vec![Some(5), None, Some(7), Some(9)]
        );
    }

    #[test]
    fn row_keys_for_strings() {
        let mut a = GroupKeys::try_new(&[DataType::Utf8, DataType::Int64]).unwrap();
        let s: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "a"]));
        let n: ArrayRef = Arc::new(Int64Array::from(vec![1, 1, 1]));
        let mut ids = vec![];
        a.intern(&[s, n], 3, &mut ids).unwrap();
        assert_eq!(ids, vec![0, 1, 0]);
        let mut b = GroupKeys::try_new(&[DataType::Utf8, DataType::Int64]).unwrap();
        let s: ArrayRef = Arc::new(StringArray::from(vec!["c", "a"]));
        let n: ArrayRef = Arc::new(Int64Array::from(vec![1, 1]));
        b.intern(&[s, n], 2, &mut ids).unwrap();
        assert_eq!(a.merge(&b).unwrap(), vec![2, 0]);
        let out = a.finish(&[DataType::Utf8, DataType::Int64]).unwrap();
        assert_eq!(
            out[0].as_string::<i32>().iter().collect::<Vec<_>>(),
            vec![Some("a"), Some("b"), Some("c")]
        );
    }

    #[test]
    fn short_string_keys_switch_to_rows_when_a_long_string_arrives() {
        let types = [DataType::Utf8View, DataType::Int32];
        let mut a = GroupKeys::try_new(&types).unwrap();
        assert!(matches!(a, GroupKeys::Views(_)));
        let s: ArrayRef = Arc::new(StringViewArray::from(vec![Some("A"), None, Some("A")]));
        let n: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), Some(1), Some(1)]));
        let mut ids = vec![];
        a.intern(&[s, n], 3, &mut ids).unwrap();
        assert_eq!(ids, vec![0, 1, 0]);
        // Another thread's table stays on views; this one meets a long string.
        let mut b = GroupKeys::try_new(&types).unwrap();
        let s: ArrayRef = Arc::new(StringViewArray::from(vec![Some("B"), Some("A")]));
        let n: ArrayRef = Arc::new(Int32Array::from(vec![None, Some(1)]));
        b.intern(&[s, n], 2, &mut ids).unwrap();
        let long = "a string longer than twelve bytes";
        let s: ArrayRef = Arc::new(StringViewArray::from(vec![Some(long), Some("A")]));
        let n: ArrayRef = Arc::new(Int32Array::from(vec![Some(2), Some(1)]));
        a.intern(&[s, n], 2, &mut ids).unwrap();
        assert!(matches!(a, GroupKeys::Rows(_)));
        assert_eq!(ids, vec![2, 0]);
        assert_eq!(a.merge(&b).unwrap(), vec![3, 0]);
        let out = a.finish(&[DataType::Utf8, DataType::Int32]).unwrap();
        let strings: Vec<Option<&str>> = out[0].as_string::<i32>().iter().collect();
        assert_eq!(strings, vec![Some("A"), None, Some(long), Some("B")]);
        let ints: Vec<Option<i32>> = out[1].as_primitive::<Int32Type>().iter().collect();
        assert_eq!(ints, vec![Some(1), Some(1), Some(2), None]);
    }

    #[test]
    fn utf8_keys_switch_to_rows_and_merge() {
        let types = [DataType::Utf8];
        let mut a = GroupKeys::try_new(&types).unwrap();
        let mut b = GroupKeys::try_new(&types).unwrap();
        let mut ids = vec![];
        let short: ArrayRef = Arc::new(StringArray::from(vec!["x", "y"]));
        a.intern(std::slice::from_ref(&short), 2, &mut ids).unwrap();
        b.intern(&[short], 2, &mut ids).unwrap();
        let long: ArrayRef = Arc::new(StringArray::from(vec![
            "a string longer than twelve bytes",
            "x",
        ]));
        a.intern(std::slice::from_ref(&long), 2, &mut ids).unwrap();
        assert_eq!(ids, vec![2, 0]);
        a.intern(&[long], 2, &mut ids).unwrap();
        assert_eq!(ids, vec![2, 0]);
        assert_eq!(a.merge(&b).unwrap(), vec![0, 1]);
        let out = a.finish(&types).unwrap();
        assert_eq!(
            out[0].as_string::<i32>().value(2),
            "a string longer than twelve bytes"
        );
    }
}
