//! How often each distinct non-NULL value occurs, per group: the state of `histogram`,
//! `entropy` and `approx_top_k`.
//!
//! Values are row-encoded with Arrow's row format, so any orderable type (numbers,
//! strings, lists, structs, ...) is one byte string, and byte order is value order. Each
//! group keeps a hash map from encoded value to its count and the position of its first
//! occurrence (in input order: a merged state's rows come after this one's); merging adds
//! the counts. The encoded keys decode back to values with [`ValueCounts::decode`].

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, Rows, SortField};
use hashbrown::HashMap;

use crate::error::Result;

/// A value's count and the input position of its first occurrence.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seen {
    pub(super) count: u64,
    pub(super) first: u64,
}

/// One group's distinct values.
pub(super) type Counts = HashMap<Box<[u8]>, Seen>;

/// Per-group counts of distinct values.
pub(super) struct ValueCounts {
    converter: RowConverter,
    groups: Vec<Counts>,
    /// Rows seen so far (positions for [`Seen::first`]).
    rows: u64,
    key_bytes: usize,
}

impl ValueCounts {
    /// Empty counts of values of `data_type`.
    pub(super) fn try_new(data_type: &DataType) -> Result<Self> {
        Ok(Self {
            converter: RowConverter::new(vec![SortField::new(data_type.clone())])?,
            groups: vec![],
            rows: 0,
            key_bytes: 0,
        })
    }

    /// Counts the non-NULL values of `values`, row `i` going to group `groups[i]`.
    pub(super) fn add(
        &mut self,
        values: &ArrayRef,
        groups: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        self.grow(num_groups);
        let rows = self
            .converter
            .convert_columns(std::slice::from_ref(values))?;
        let nulls = values.logical_nulls();
        for (i, &g) in groups.iter().enumerate() {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                continue;
            }
            let map = self.groups.get_mut(g as usize).ok_or_else(|| {
                crate::internal_err!("group id {g} is not below the group count {num_groups}")
            })?;
            let key = rows.row(i);
            match map.get_mut(key.data()) {
                Some(c) => c.count += 1,
                None => {
                    self.key_bytes += key.data().len();
                    let first = self.rows + i as u64;
                    map.insert(key.data().into(), Seen { count: 1, first });
                }
            }
        }
        self.rows += groups.len() as u64;
        Ok(())
    }

    /// Adds another state's counts; its group `g` is this one's `group_map[g]`.
    pub(super) fn merge(
        &mut self,
        other: ValueCounts,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        self.grow(num_groups);
        for (g, map) in other.groups.into_iter().enumerate() {
            let t = *group_map
                .get(g)
                .ok_or_else(|| crate::internal_err!("merge map has no entry for group {g}"))?;
            let target = self.groups.get_mut(t as usize).ok_or_else(|| {
                crate::internal_err!("merge target {t} is not below the group count {num_groups}")
            })?;
            for (k, mut seen) in map {
                seen.first += self.rows;
                target
                    .entry(k)
                    .and_modify(|s| s.count += seen.count)
                    .or_insert(seen);
            }
        }
        self.rows += other.rows;
        self.key_bytes += other.key_bytes;
        Ok(())
    }

    /// Takes the counts of every group, `num_groups` of them.
    pub(super) fn take(&mut self, num_groups: usize) -> Vec<Counts> {
        self.grow(num_groups);
        self.key_bytes = 0;
        let mut groups = std::mem::take(&mut self.groups);
        groups.truncate(num_groups);
        groups
    }

    /// Decodes encoded values back into one array, in the given order.
    pub(super) fn decode<'a>(&self, keys: impl IntoIterator<Item = &'a [u8]>) -> Result<ArrayRef> {
        let parser = self.converter.parser();
        let mut cols = self
            .converter
            .convert_rows(keys.into_iter().map(|k| parser.parse(k)))?;
        cols.pop()
            .ok_or_else(|| crate::internal_err!("a row decode produced no column"))
    }

    /// Encodes the values of `array` (one byte string per row).
    pub(super) fn encode(&self, array: &ArrayRef) -> Result<Vec<Box<[u8]>>> {
        Ok(self.rows(array)?.iter().map(|r| r.data().into()).collect())
    }

    /// Encodes the values of `array` in Arrow's row format.
    pub(super) fn rows(&self, array: &ArrayRef) -> Result<Rows> {
        Ok(self
            .converter
            .convert_columns(std::slice::from_ref(array))?)
    }

    /// Approximate memory held, in bytes.
    pub(super) fn size(&self) -> usize {
        let entries: usize = self.groups.iter().map(|m| m.capacity()).sum();
        self.key_bytes
            + entries * (std::mem::size_of::<Box<[u8]>>() + std::mem::size_of::<Seen>())
            + self.groups.capacity() * std::mem::size_of::<Counts>()
    }

    fn grow(&mut self, n: usize) {
        if self.groups.len() < n {
            self.groups.resize_with(n, HashMap::new);
        }
    }
}
