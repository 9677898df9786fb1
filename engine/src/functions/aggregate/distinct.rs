//! DISTINCT aggregates (`count(DISTINCT x)`, `string_agg(DISTINCT x, ',')`, ...): a wrapper
//! that keeps each group's distinct argument rows and feeds them to the real accumulator
//! only at finish.
//!
//! Argument rows are encoded with Arrow's row format (so NULL is one distinct value, as in
//! DuckDB's `list(DISTINCT x)`; the inner aggregate decides whether to skip it) and kept,
//! per group, in one hash table over a shared byte arena. The first occurrence of each
//! distinct row is retained (compacted with `take`), together with any extra argument the
//! operator appends (the ORDER BY key), so ordered aggregates still see their order.
//! Feeding the inner accumulator is deferred to finish because two thread-local states
//! may both hold the same value: `merge` must deduplicate across them first.

use std::any::Any;
use std::hash::BuildHasher;

use arrow::array::{Array, ArrayRef, UInt32Array};
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use hashbrown::{DefaultHashBuilder, HashTable};

use super::util::{check_inputs, downcast_other, too_many_rows};
use super::GroupsAccumulator;
use crate::error::Result;

/// Wraps `inner` so it sees each group's distinct argument rows only once. `arg_types` are
/// the aggregate's argument types (without the ORDER BY key argument). An aggregate without
/// arguments (`count(*)`) is returned unchanged.
///
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, AsArray, Int32Array};
/// use arrow::datatypes::{DataType, Int64Type};
/// use quiver_engine::functions::aggregate::distinct_accumulator;
/// use quiver_engine::functions::{registry, AggregateArgs};
///
/// let def = registry().aggregate("count").unwrap();
/// let args = AggregateArgs {
///     arg_types: vec![DataType::Int32],
///     literal_args: vec![None],
///     return_type: DataType::Int64,
///     ordered: false,
/// };
/// let mut acc = distinct_accumulator((def.create)(&args).unwrap(), &args.arg_types).unwrap();
/// let v: ArrayRef = Arc::new(Int32Array::from(vec![1, 1, 2, 1]));
/// acc.update(&[v], &[0, 0, 0, 1], 2).unwrap();
/// let out = acc.finish(2).unwrap();
/// assert_eq!(out.as_primitive::<Int64Type>().values().to_vec(), vec![2, 1]);
/// ```
pub fn distinct_accumulator(
    inner: Box<dyn GroupsAccumulator>,
    arg_types: &[DataType],
) -> Result<Box<dyn GroupsAccumulator>> {
    if arg_types.is_empty() {
        return Ok(inner);
    }
    let fields = arg_types
        .iter()
        .map(|t| SortField::new(t.clone()))
        .collect();
    let converter = RowConverter::new(fields).map_err(|e| {
        crate::schema_err!(
            "DISTINCT is not supported for arguments of type ({}): {e}",
            arg_types
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    Ok(Box::new(DistinctAccumulator {
        inner,
        converter,
        n_args: arg_types.len(),
        hasher: DefaultHashBuilder::default(),
        arena: vec![],
        entries: vec![],
        table: HashTable::new(),
        batches: vec![],
        batch_bytes: 0,
    }))
}

/// One distinct (group, argument row), its encoded row at `arena[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Entry {
    group: u32,
    start: usize,
    end: usize,
}

/// The DISTINCT wrapper.
struct DistinctAccumulator {
    inner: Box<dyn GroupsAccumulator>,
    converter: RowConverter,
    n_args: usize,
    hasher: DefaultHashBuilder,
    arena: Vec<u8>,
    /// Distinct rows in first-seen order; entry `k` is row `k` of the concatenated batches.
    entries: Vec<Entry>,
    /// Indices into `entries`.
    table: HashTable<u32>,
    /// The first occurrences, all argument columns (and the ORDER BY key if any).
    batches: Vec<Vec<ArrayRef>>,
    batch_bytes: usize,
}

impl DistinctAccumulator {
    /// Records `(group, row)`; returns whether it was new.
    fn insert(&mut self, group: u32, row: &[u8]) -> Result<bool> {
        let Self {
            hasher,
            arena,
            entries,
            table,
            ..
        } = self;
        let hash = hasher.hash_one((group, row));
        let found = table.find(hash, |&k| {
            let e = entries[k as usize];
            e.group == group && &arena[e.start..e.end] == row
        });
        if found.is_some() {
            return Ok(false);
        }
        let k = u32::try_from(entries.len()).map_err(|_| too_many_rows())?;
        let start = arena.len();
        arena.extend_from_slice(row);
        entries.push(Entry {
            group,
            start,
            end: arena.len(),
        });
        table.insert_unique(hash, k, |&k| {
            let e = entries[k as usize];
            hasher.hash_one((e.group, &arena[e.start..e.end]))
        });
        Ok(true)
    }

    /// Keeps rows `sel` of `columns` as first occurrences.
    fn keep(&mut self, columns: &[ArrayRef], sel: Vec<u32>) -> Result<()> {
        if sel.is_empty() {
            return Ok(());
        }
        let idx = UInt32Array::from(sel);
        let taken = columns
            .iter()
            .map(|c| Ok(arrow::compute::take(c.as_ref(), &idx, None)?))
            .collect::<Result<Vec<ArrayRef>>>()?;
        self.batch_bytes += taken
            .iter()
            .map(|c| c.get_array_memory_size())
            .sum::<usize>();
        self.batches.push(taken);
        Ok(())
    }
}

impl GroupsAccumulator for DistinctAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs("DISTINCT", values, groups, self.n_args)?;
        let rows = self.converter.convert_columns(&values[..self.n_args])?;
        let mut sel = vec![];
        for (i, &g) in groups.iter().enumerate() {
            if self.insert(g, rows.row(i).data())? {
                sel.push(u32::try_from(i).map_err(|_| too_many_rows())?);
            }
        }
        self.keep(values, sel)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "DISTINCT")?;
        let mut k = 0usize;
        for columns in &other.batches {
            let len = columns.first().map_or(0, |c| c.len());
            let mut sel = vec![];
            for j in 0..len {
                let e = other.entries.get(k + j).copied().ok_or_else(|| {
                    crate::internal_err!("DISTINCT state keeps more rows than entries")
                })?;
                let g = *group_map.get(e.group as usize).ok_or_else(|| {
                    crate::internal_err!("DISTINCT merge map has no entry for group {}", e.group)
                })?;
                if self.insert(g, &other.arena[e.start..e.end])? {
                    sel.push(u32::try_from(j).map_err(|_| too_many_rows())?);
                }
            }
            k += len;
            self.keep(columns, sel)?;
        }
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let batches = std::mem::take(&mut self.batches);
        let mut k = 0usize;
        for columns in &batches {
            let len = columns.first().map_or(0, |c| c.len());
            let groups: Vec<u32> = self
                .entries
                .get(k..k + len)
                .ok_or_else(|| crate::internal_err!("DISTINCT state keeps more rows than entries"))?
                .iter()
                .map(|e| e.group)
                .collect();
            k += len;
            self.inner.update(columns, &groups, num_groups)?;
        }
        self.entries.clear();
        self.arena.clear();
        self.table.clear();
        self.batch_bytes = 0;
        self.inner.finish(num_groups)
    }

    fn size(&self) -> usize {
        self.arena.capacity()
            + self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
            + self.batch_bytes
            + self.converter.size()
            + self.inner.size()
            + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{AsArray, BinaryArray, Int32Array};
    use arrow::datatypes::{Int32Type, Int64Type};

    use super::*;
    use crate::functions::{registry, AggregateArgs};

    fn create(name: &str, t: DataType, ordered: bool) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(&[t], &[None]).unwrap();
        let args = AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None],
            return_type: sig.ret,
            ordered,
        };
        distinct_accumulator((def.create)(&args).unwrap(), &args.arg_types).unwrap()
    }

    fn ints(v: Vec<Option<i32>>) -> ArrayRef {
        Arc::new(Int32Array::from(v))
    }

    #[test]
    fn count_and_sum_distinct_across_merge() {
        for (name, want) in [
            ("count", vec![Some(3i64), Some(1), Some(0)]),
            ("sum", vec![Some(6), Some(5), None]),
        ] {
            let mut a = create(name, DataType::Int32, false);
            a.update(
                &[ints(vec![Some(1), Some(1), None, Some(2)])],
                &[0, 0, 0, 0],
                2,
            )
            .unwrap();
            let mut b = create(name, DataType::Int32, false);
            b.update(
                &[ints(vec![Some(2), Some(3), Some(5), Some(5)])],
                &[0, 0, 1, 1],
                2,
            )
            .unwrap();
            a.merge(b, &[0, 1], 3).unwrap();
            let out = a.finish(3).unwrap();
            let got: Vec<Option<i64>> = out.as_primitive::<Int64Type>().iter().collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn list_distinct_keeps_one_null_and_first_seen_order() {
        let mut a = create("list", DataType::Int32, false);
        a.update(
            &[ints(vec![Some(2), None, Some(1), Some(2), None])],
            &[0; 5],
            1,
        )
        .unwrap();
        let out = a.finish(1).unwrap();
        let l = out.as_list::<i32>().value(0);
        let got: Vec<Option<i32>> = l.as_primitive::<Int32Type>().iter().collect();
        assert_eq!(got, vec![Some(2), None, Some(1)]);
    }

    #[test]
    fn ordered_inner_sees_the_key_column() {
        let mut a = create("list", DataType::Int32, true);
        let keys: ArrayRef = Arc::new(BinaryArray::from(vec![
            &b"\x02"[..],
            &b"\x01"[..],
            &b"\x02"[..],
        ]));
        a.update(&[ints(vec![Some(2), Some(1), Some(2)]), keys], &[0; 3], 1)
            .unwrap();
        let out = a.finish(1).unwrap();
        let got: Vec<Option<i32>> = out
            .as_list::<i32>()
            .value(0)
            .as_primitive::<Int32Type>()
            .iter()
            .collect();
        assert_eq!(got, vec![Some(1), Some(2)]);
    }

    #[test]
    fn no_argument_aggregates_are_unchanged() {
        let def = registry().aggregate("count_star").unwrap();
        let args = AggregateArgs {
            arg_types: vec![],
            literal_args: vec![],
            return_type: DataType::Int64,
            ordered: false,
        };
        let mut a = distinct_accumulator((def.create)(&args).unwrap(), &[]).unwrap();
        a.update(&[], &[0, 0], 1).unwrap();
        assert_eq!(a.finish(1).unwrap().as_primitive::<Int64Type>().value(0), 2);
    }
}
