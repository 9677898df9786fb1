//! Group key interning for hash aggregation: maps each row's key to a dense group id.
//!
//! Specialised paths: no keys (one global group); one integer-like key (open addressing
//! on the 64-bit value, NULL as its own group); anything else through Arrow's row format
//! (`RowConverter`), whose byte rows hash and compare as plain bytes.

use std::hash::BuildHasher;
use std::sync::Arc;

use arrow::array::*;
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
    /// Any keys, as row-format bytes.
    Rows(RowKeys),
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

impl GroupKeys {
    /// Empty keys for the given key types.
    pub fn try_new(types: &[DataType]) -> Result<Self> {
        Ok(match types {
            [] => GroupKeys::Global,
            [t] if int_like(t) => GroupKeys::Int(IntKeys {
                data_type: t.clone(),
                map: HashMap::new(),
                keys: Vec::new(),
                null_group: None,
            }),
            ts => {
                let fields = ts.iter().map(|t| SortField::new(t.clone())).collect();
                let mut offsets = Vec::with_capacity(1024);
                offsets.push(0);
                GroupKeys::Rows(RowKeys {
                    converter: RowConverter::new(fields)?,
                    table: HashTable::new(),
                    hasher: DefaultHashBuilder::default(),
                    hashes: Vec::new(),
                    data: Vec::new(),
                    offsets,
                })
            }
        })
    }

    /// How many groups so far.
    pub fn num_groups(&self) -> usize {
        match self {
            GroupKeys::Global => 1,
            GroupKeys::Int(k) => k.keys.len() + usize::from(k.null_group.is_some()),
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
                for &key in &b.keys {
                    let id = b.map[&key];
                    map[id as usize] = a.intern(key);
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
            _ => {
                return Err(crate::internal_err!(
                    "merging group keys of different kinds"
                ))
            }
        })
    }

    /// The key columns, one value per group in group id order, cast to `types`.
    pub fn finish(&mut self, types: &[DataType]) -> Result<Vec<ArrayRef>> {
        match self {
            GroupKeys::Global => Ok(vec![]),
            GroupKeys::Int(k) => {
                let n = k.keys.len() + usize::from(k.null_group.is_some());
                let mut values: Vec<Option<i64>> = vec![None; n];
                for (&key, &id) in &k.map {
                    values[id as usize] = Some(key);
                }
                let a: ArrayRef = Arc::new(Int64Array::from(values));
                let out = match &k.data_type {
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
                };
                Ok(vec![cast_array(&out, &types[0], false)?])
            }
            GroupKeys::Rows(k) => {
                let parser = k.converter.parser();
                let rows: Vec<_> = (0..k.hashes.len())
                    .map(|g| parser.parse(&k.data[k.offsets[g]..k.offsets[g + 1]]))
                    .collect();
                let cols = k.converter.convert_rows(rows)?;
                cols.iter()
                    .zip(types)
                    .map(|(c, t)| cast_array(c, t, false))
                    .collect()
            }
        }
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
}
