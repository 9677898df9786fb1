//! Rows gathered per group for the aggregates that need every value at finish (`list`,
//! `string_agg`, `mode`, the quantiles of non-primitive types).
//!
//! Input arrays are retained as they come (or compacted with `take` when NULLs are
//! skipped), with the group id of each retained row and, for ordered aggregates, its
//! ORDER BY key. At finish the arrays are concatenated once and the rows are ordered by
//! group (a counting sort, stable, so input order is kept), then by key within a group.

use arrow::array::{new_empty_array, Array, ArrayRef, BinaryArray, UInt32Array};
use arrow::datatypes::DataType;

use super::util::{group_order, key_at, too_many_rows, KeyArena};
use crate::error::Result;

/// Rows collected per group, in arrival order.
#[derive(Debug)]
pub(super) struct Collected {
    data_type: DataType,
    arrays: Vec<ArrayRef>,
    groups: Vec<u32>,
    keys: Option<KeyArena>,
    array_bytes: usize,
}

/// The collected rows grouped: group `g`'s values are
/// `values[order[offsets[g]..offsets[g + 1]]]`, in input (or ORDER BY) order.
pub(super) struct Grouped {
    /// Every collected value, concatenated.
    pub values: ArrayRef,
    /// Row indices into `values`, by group.
    pub order: Vec<u32>,
    /// `num_groups + 1` offsets into `order`.
    pub offsets: Vec<usize>,
}

impl Grouped {
    /// The row indices of group `g`.
    pub fn rows(&self, g: usize) -> &[u32] {
        &self.order[self.offsets[g]..self.offsets[g + 1]]
    }
}

impl Collected {
    /// An empty collection of values of `data_type`, keeping ORDER BY keys if `ordered`.
    pub fn new(data_type: DataType, ordered: bool) -> Self {
        Self {
            data_type,
            arrays: vec![],
            groups: vec![],
            keys: ordered.then(KeyArena::default),
            array_bytes: 0,
        }
    }

    /// Adds the rows of `array` with their groups (and keys); NULL values are dropped when
    /// `skip_nulls` is set.
    pub fn push(
        &mut self,
        array: &ArrayRef,
        groups: &[u32],
        keys: Option<&BinaryArray>,
        skip_nulls: bool,
    ) -> Result<()> {
        let nulls = if skip_nulls {
            array.logical_nulls()
        } else {
            None
        };
        match nulls.filter(|n| n.null_count() > 0) {
            None => {
                self.add_array(array.clone());
                self.groups.extend_from_slice(groups);
                if let (Some(arena), Some(k)) = (self.keys.as_mut(), keys) {
                    for i in 0..groups.len() {
                        arena.push(key_at(k, i));
                    }
                }
            }
            Some(nulls) => {
                let valid: Vec<u32> = nulls
                    .valid_indices()
                    .map(|i| u32::try_from(i).map_err(|_| too_many_rows()))
                    .collect::<Result<_>>()?;
                if valid.is_empty() {
                    return Ok(());
                }
                let taken =
                    arrow::compute::take(array.as_ref(), &UInt32Array::from(valid.clone()), None)?;
                self.add_array(taken);
                self.groups
                    .extend(valid.iter().map(|&i| groups[i as usize]));
                if let (Some(arena), Some(k)) = (self.keys.as_mut(), keys) {
                    for &i in &valid {
                        arena.push(key_at(k, i as usize));
                    }
                }
            }
        }
        Ok(())
    }

    fn add_array(&mut self, array: ArrayRef) {
        if array.is_empty() {
            return;
        }
        self.array_bytes += array.get_array_memory_size();
        self.arrays.push(array);
    }

    /// Appends another collection's rows (they come after this one's), renaming its groups.
    pub fn merge(&mut self, other: Collected, group_map: &[u32]) -> Result<()> {
        for &g in &other.groups {
            let t = *group_map
                .get(g as usize)
                .ok_or_else(|| crate::internal_err!("merge map has no entry for group {g}"))?;
            self.groups.push(t);
        }
        for a in other.arrays {
            self.add_array(a);
        }
        if let (Some(mine), Some(theirs)) = (self.keys.as_mut(), other.keys.as_ref()) {
            mine.append(theirs);
        }
        Ok(())
    }

    /// Concatenates the rows and orders them by group, then by key; resets the collection.
    pub fn finish(&mut self, num_groups: usize) -> Result<Grouped> {
        let arrays = std::mem::take(&mut self.arrays);
        let groups = std::mem::take(&mut self.groups);
        let keys = self.keys.as_mut().map(std::mem::take);
        self.array_bytes = 0;
        let values = match arrays.len() {
            0 => new_empty_array(&self.data_type),
            1 => arrays[0].clone(),
            _ => {
                let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
                arrow::compute::concat(&refs)?
            }
        };
        if values.len() != groups.len() {
            return Err(crate::internal_err!(
                "collected {} values for {} group ids",
                values.len(),
                groups.len()
            ));
        }
        let (mut order, offsets) = group_order(&groups, num_groups)?;
        if let Some(keys) = keys {
            for g in 0..num_groups {
                order[offsets[g]..offsets[g + 1]]
                    .sort_by(|&a, &b| keys.get(a as usize).cmp(keys.get(b as usize)));
            }
        }
        Ok(Grouped {
            values,
            order,
            offsets,
        })
    }

    /// Approximate memory held, in bytes.
    pub fn size(&self) -> usize {
        self.array_bytes
            + self.groups.capacity() * 4
            + self.keys.as_ref().map_or(0, KeyArena::size)
            + std::mem::size_of::<Self>()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{AsArray, Int32Array};
    use arrow::datatypes::Int32Type;

    use super::*;

    #[test]
    fn groups_rows_in_input_order_and_skips_nulls() {
        let mut c = Collected::new(DataType::Int32, false);
        let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None, Some(3), Some(4)]));
        c.push(&a, &[1, 0, 1, 0], None, true).unwrap();
        let b: ArrayRef = Arc::new(Int32Array::from(vec![5]));
        c.push(&b, &[1], None, true).unwrap();
        let g = c.finish(3).unwrap();
        let v = g.values.as_primitive::<Int32Type>();
        let vals = |grp: usize| {
            g.rows(grp)
                .iter()
                .map(|&i| v.value(i as usize))
                .collect::<Vec<_>>()
        };
        assert_eq!(vals(0), vec![4]);
        assert_eq!(vals(1), vec![1, 3, 5]);
        assert!(vals(2).is_empty());
    }

    #[test]
    fn orders_by_key_within_group_and_merges_after() {
        let mut c = Collected::new(DataType::Int32, true);
        let a: ArrayRef = Arc::new(Int32Array::from(vec![1, 2]));
        let k = BinaryArray::from(vec![&b"b"[..], &b"a"[..]]);
        c.push(&a, &[0, 0], Some(&k), false).unwrap();
        let mut d = Collected::new(DataType::Int32, true);
        let b: ArrayRef = Arc::new(Int32Array::from(vec![3, 4]));
        let k2 = BinaryArray::from(vec![&b"a"[..], &b"c"[..]]);
        d.push(&b, &[0, 0], Some(&k2), false).unwrap();
        c.merge(d, &[0]).unwrap();
        let g = c.finish(1).unwrap();
        let v = g.values.as_primitive::<Int32Type>();
        let vals: Vec<i32> = g.rows(0).iter().map(|&i| v.value(i as usize)).collect();
        // key "a" twice: the earlier row (2) stays before the merged one (3).
        assert_eq!(vals, vec![2, 3, 1, 4]);
    }
}
