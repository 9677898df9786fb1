//! The build side of a hash join: all build rows, indexed by key.
//!
//! Rows with equal keys are chained (`next`), so a probe walks every match without
//! allocating. One integer-like key is hashed on its value; other keys go through Arrow's
//! row format. Rows whose key has a NULL never match unless NULLs compare equal.

use std::hash::BuildHasher;

use arrow::array::*;
use arrow::datatypes::*;
use arrow::row::{RowConverter, Rows, SortField};
use hashbrown::DefaultHashBuilder;
use hashbrown::{HashMap, HashTable};

use crate::error::Result;
use crate::physical::expr::cast_array;

const END: u32 = u32::MAX;

enum Index {
    Int(HashMap<i64, u32>),
    Rows {
        converter: RowConverter,
        rows: Rows,
        table: HashTable<(u64, u32)>,
        hasher: DefaultHashBuilder,
    },
}

/// Build rows indexed by join key.
pub struct JoinTable {
    index: Index,
    next: Vec<u32>,
    null_equals_null: bool,
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
    )
}

fn null_mask(keys: &[ArrayRef], n: usize) -> Option<Vec<bool>> {
    if keys.iter().all(|k| k.null_count() == 0) {
        return None;
    }
    let mut m = vec![false; n];
    for k in keys {
        if let Some(nulls) = k.logical_nulls() {
            for (i, slot) in m.iter_mut().enumerate() {
                *slot |= nulls.is_null(i);
            }
        }
    }
    Some(m)
}

impl JoinTable {
    /// Indexes `keys` (the build side's key columns, all of `n` rows).
    pub fn try_new(keys: &[ArrayRef], n: usize, null_equals_null: bool) -> Result<Self> {
        let mut next = vec![END; n];
        let skip = if null_equals_null {
            None
        } else {
            null_mask(keys, n)
        };
        let index = if keys.len() == 1
            && int_like(keys[0].data_type())
            && (keys[0].null_count() == 0 || !null_equals_null)
        {
            let a = cast_array(&keys[0], &DataType::Int64, false)?;
            let a = a.as_primitive::<Int64Type>();
            let mut map: HashMap<i64, u32> = HashMap::with_capacity(n);
            // Insert in reverse so chains list rows in build order.
            for i in (0..n).rev() {
                if skip.as_ref().is_some_and(|s| s[i]) {
                    continue;
                }
                let e = map.entry(a.value(i)).or_insert(END);
                next[i] = *e;
                *e = i as u32;
            }
            Index::Int(map)
        } else {
            let fields = keys
                .iter()
                .map(|k| SortField::new(k.data_type().clone()))
                .collect();
            let converter = RowConverter::new(fields)?;
            let rows = converter.convert_columns(keys)?;
            let hasher = DefaultHashBuilder::default();
            let mut table: HashTable<(u64, u32)> = HashTable::with_capacity(n);
            for i in (0..n).rev() {
                if skip.as_ref().is_some_and(|s| s[i]) {
                    continue;
                }
                let row = rows.row(i);
                let h = hasher.hash_one(row.as_ref());
                match table.find_mut(h, |&(eh, j)| eh == h && rows.row(j as usize) == row) {
                    Some(entry) => {
                        next[i] = entry.1;
                        entry.1 = i as u32;
                    }
                    None => {
                        table.insert_unique(h, (h, i as u32), |&(eh, _)| eh);
                    }
                }
            }
            Index::Rows {
                converter,
                rows,
                table,
                hasher,
            }
        };
        Ok(Self {
            index,
            next,
            null_equals_null,
        })
    }

    /// Finds every (probe row, build row) pair with equal keys, in probe order.
    pub fn probe(
        &self,
        keys: &[ArrayRef],
        n: usize,
        probe_idx: &mut Vec<u32>,
        build_idx: &mut Vec<u32>,
    ) -> Result<()> {
        probe_idx.clear();
        build_idx.clear();
        // The integer index holds no NULL keys, so a NULL probe key never matches there,
        // even when NULLs compare equal (a NULL slot's stored value must not be read).
        let skip = if self.null_equals_null && !matches!(self.index, Index::Int(_)) {
            None
        } else {
            null_mask(keys, n)
        };
        let mut emit = |p: usize, mut head: u32| {
            while head != END {
                probe_idx.push(p as u32);
                build_idx.push(head);
                head = self.next[head as usize];
            }
        };
        match &self.index {
            Index::Int(map) => {
                let a = cast_array(&keys[0], &DataType::Int64, false)?;
                let a = a.as_primitive::<Int64Type>();
                for (p, v) in a.values().iter().enumerate() {
                    if skip.as_ref().is_some_and(|s| s[p]) {
                        continue;
                    }
                    if let Some(&head) = map.get(v) {
                        emit(p, head);
                    }
                }
            }
            Index::Rows {
                converter,
                rows,
                table,
                hasher,
            } => {
                let probe_rows = converter.convert_columns(keys)?;
                for p in 0..n {
                    if skip.as_ref().is_some_and(|s| s[p]) {
                        continue;
                    }
                    let row = probe_rows.row(p);
                    let h = hasher.hash_one(row.as_ref());
                    if let Some(&(_, head)) =
                        table.find(h, |&(eh, j)| eh == h && rows.row(j as usize) == row)
                    {
                        emit(p, head);
                    }
                }
            }
        }
        Ok(())
    }
}
