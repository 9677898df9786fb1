//! Aggregates that pick one row per group: `first(x)` (alias `arbitrary`), `last(x)`,
//! `any_value(x)`, `arg_min(arg, val)` (aliases `argmin`, `min_by`), `arg_max(arg, val)`
//! (aliases `argmax`, `max_by`), `arg_min_null(arg, val)` and `arg_max_null(arg, val)`.
//!
//! As in DuckDB: `first` / `last` return the first / last value in input order, NULL
//! included; `any_value` returns the first non-NULL value; `arg_min` / `arg_max` return
//! `arg` at the row with the smallest / largest `val`, skipping rows where either is NULL,
//! and keep the earliest row on ties; the `_null` variants skip only rows with a NULL `val`,
//! so they may return a NULL `arg`. With ORDER BY, "first" and "earliest" follow the
//! order (ties in the ORDER BY key keep input order). The result has the type of `x` /
//! `arg`, any Arrow type.
//!
//! Each batch's winning rows are compacted with `take` and kept; a group points at its
//! winning (batch, row), and finish gathers them with `interleave`. `arg_min` / `arg_max`
//! compare `val` through Arrow's row format, so any orderable type works.

use std::any::Any;
use std::cmp::Ordering;

use arrow::array::{new_null_array, Array, ArrayRef, BinaryArray, UInt32Array};
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, Rows, SortField};

use super::min_max::is_orderable;
use super::top_n;
use super::util::{
    check_arg_count, check_inputs, downcast_other, grow, key_at, order_keys, too_many_rows,
};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "first",
        aliases: &["arbitrary"],
        signature: |t, _| one_arg("first", t),
        create: |a| Picker::try_new(Rule::First, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "last",
        aliases: &[],
        signature: |t, _| one_arg("last", t),
        create: |a| Picker::try_new(Rule::Last, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "any_value",
        aliases: &[],
        signature: |t, _| one_arg("any_value", t),
        create: |a| Picker::try_new(Rule::AnyValue, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "arg_min",
        aliases: &["argmin", "min_by"],
        signature: |t, l| arg_n_signature("arg_min", t, l),
        create: |a| Picker::try_new(Rule::ArgMin, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "arg_max",
        aliases: &["argmax", "max_by"],
        signature: |t, l| arg_n_signature("arg_max", t, l),
        create: |a| Picker::try_new(Rule::ArgMax, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "arg_min_null",
        aliases: &[],
        signature: |t, _| arg_signature("arg_min_null", t),
        create: |a| Picker::try_new(Rule::ArgMinNull, a),
    });
    r.add_aggregate(AggregateFunctionDef {
        name: "arg_max_null",
        aliases: &[],
        signature: |t, _| arg_signature("arg_max_null", t),
        create: |a| Picker::try_new(Rule::ArgMaxNull, a),
    });
}

fn one_arg(name: &str, types: &[DataType]) -> Result<Signature> {
    check_arg_count(name, types, 1, 1, "one argument of any type")?;
    Ok(Signature::keep(types, types[0].clone()))
}

fn arg_signature(name: &str, types: &[DataType]) -> Result<Signature> {
    let expected = "two arguments (arg, val) with an orderable `val`";
    check_arg_count(name, types, 2, 2, expected)?;
    if !is_orderable(&types[1]) {
        return Err(signature_error(name, expected, types));
    }
    Ok(Signature::keep(types, types[0].clone()))
}

/// `arg_min` / `arg_max`, optionally with a count `n` (then a list, see `top_n.rs`).
fn arg_n_signature(
    name: &str,
    types: &[DataType],
    lits: &[Option<ScalarValue>],
) -> Result<Signature> {
    if types.len() != 3 {
        return arg_signature(name, types);
    }
    if !is_orderable(&types[1]) || !types[2].is_integer() && types[2] != DataType::Null {
        return Err(signature_error(
            name,
            "(arg, val) with an orderable `val`, and optionally a count n",
            types,
        ));
    }
    top_n::n_signature(top_n::Family::Arg, types, lits)
}

/// Which row of a group wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    First,
    Last,
    AnyValue,
    ArgMin,
    ArgMax,
    /// `arg_min` that keeps rows whose `arg` is NULL.
    ArgMinNull,
    /// `arg_max` that keeps rows whose `arg` is NULL.
    ArgMaxNull,
}

impl Rule {
    fn name(self) -> &'static str {
        match self {
            Rule::First => "first",
            Rule::Last => "last",
            Rule::AnyValue => "any_value",
            Rule::ArgMin => "arg_min",
            Rule::ArgMax => "arg_max",
            Rule::ArgMinNull => "arg_min_null",
            Rule::ArgMaxNull => "arg_max_null",
        }
    }

    fn compares_values(self) -> bool {
        matches!(
            self,
            Rule::ArgMin | Rule::ArgMax | Rule::ArgMinNull | Rule::ArgMaxNull
        )
    }

    /// Whether a candidate row coming after the current pick replaces it. `val` is the
    /// ordering value (`arg_min` / `arg_max`), `ord` the ORDER BY key (when ordered).
    fn replaces(
        self,
        cand_val: &[u8],
        best_val: &[u8],
        cand_ord: Option<&[u8]>,
        best_ord: &[u8],
    ) -> bool {
        let earlier = || cand_ord.is_some_and(|k| k < best_ord);
        match self {
            Rule::First | Rule::AnyValue => earlier(),
            Rule::Last => cand_ord.is_none_or(|k| k >= best_ord),
            Rule::ArgMin | Rule::ArgMinNull => match cand_val.cmp(best_val) {
                Ordering::Less => true,
                Ordering::Equal => earlier(),
                Ordering::Greater => false,
            },
            Rule::ArgMax | Rule::ArgMaxNull => match cand_val.cmp(best_val) {
                Ordering::Greater => true,
                Ordering::Equal => earlier(),
                Ordering::Less => false,
            },
        }
    }
}

/// A group's current pick: row `row` of kept batch `batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pick {
    batch: u32,
    row: u32,
}

/// Picks one row per group by a [`Rule`].
struct Picker {
    rule: Rule,
    data_type: DataType,
    ordered: bool,
    /// Row-encodes `val` for `arg_min` / `arg_max`.
    converter: Option<RowConverter>,
    /// Compacted winning rows of each batch.
    batches: Vec<ArrayRef>,
    batch_bytes: usize,
    picks: Vec<Option<Pick>>,
    /// Per group: the pick's `val` bytes (`arg_min` / `arg_max`).
    best_val: Vec<Vec<u8>>,
    /// Per group: the pick's ORDER BY key (when ordered).
    best_ord: Vec<Vec<u8>>,
}

impl Picker {
    fn try_new(rule: Rule, args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
        if args.arg_types.len() == 3 {
            return top_n::create(top_n::Family::Arg, rule == Rule::ArgMax, args);
        }
        let converter = if rule.compares_values() {
            let t = args.arg_types.get(1).cloned().ok_or_else(|| {
                crate::internal_err!("`{}` was created without its `val` argument", rule.name())
            })?;
            Some(RowConverter::new(vec![SortField::new(t)])?)
        } else {
            None
        };
        Ok(Box::new(Picker {
            rule,
            data_type: args.return_type.clone(),
            ordered: args.ordered,
            converter,
            batches: vec![],
            batch_bytes: 0,
            picks: vec![],
            best_val: vec![],
            best_ord: vec![],
        }))
    }

    fn grow(&mut self, n: usize) {
        grow(&mut self.picks, n, None);
        if self.rule.compares_values() {
            grow(&mut self.best_val, n, vec![]);
        }
        if self.ordered {
            grow(&mut self.best_ord, n, vec![]);
        }
    }

    /// Offers a candidate for group `g`, located at `pick`; returns whether it won.
    fn offer(&mut self, g: usize, pick: Pick, val: &[u8], ord: Option<&[u8]>) -> bool {
        let wins = match self.picks[g] {
            None => true,
            Some(_) => {
                let best_val = self.best_val.get(g).map_or(&[][..], |v| v.as_slice());
                let best_ord = self.best_ord.get(g).map_or(&[][..], |v| v.as_slice());
                self.rule.replaces(val, best_val, ord, best_ord)
            }
        };
        if wins {
            self.picks[g] = Some(pick);
            if self.rule.compares_values() {
                self.best_val[g].clear();
                self.best_val[g].extend_from_slice(val);
            }
            if let Some(k) = ord {
                self.best_ord[g].clear();
                self.best_ord[g].extend_from_slice(k);
            }
        }
        wins
    }

    /// Keeps the rows of `array` that are picks pointing at batch `batch` (the batch being
    /// added), compacted, and repoints those picks.
    fn keep_batch(&mut self, array: &ArrayRef, batch: u32, touched: &[u32]) -> Result<()> {
        let mut sel = Vec::with_capacity(touched.len());
        for &g in touched {
            if let Some(p) = self.picks[g as usize].as_mut() {
                if p.batch == batch {
                    sel.push(p.row);
                    p.row = u32::try_from(sel.len() - 1).map_err(|_| too_many_rows())?;
                }
            }
        }
        if sel.is_empty() {
            return Ok(());
        }
        let taken = arrow::compute::take(array.as_ref(), &UInt32Array::from(sel), None)?;
        self.batch_bytes += taken.get_array_memory_size();
        self.batches.push(taken);
        Ok(())
    }
}

impl GroupsAccumulator for Picker {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()> {
        let name = self.rule.name();
        let n_args = if self.rule.compares_values() { 2 } else { 1 };
        check_inputs(name, values, groups, n_args)?;
        self.grow(num_groups);
        let keys: Option<&BinaryArray> = order_keys(name, values, self.ordered)?;
        let batch = u32::try_from(self.batches.len()).map_err(|_| too_many_rows())?;
        let arg = &values[0];
        let arg_nulls = arg.logical_nulls().filter(|n| n.null_count() > 0);
        let (val_rows, val_nulls): (Option<Rows>, _) = match &self.converter {
            Some(conv) => (
                Some(conv.convert_columns(std::slice::from_ref(&values[1]))?),
                values[1].logical_nulls().filter(|n| n.null_count() > 0),
            ),
            None => (None, None),
        };
        let skip_null_arg = matches!(self.rule, Rule::AnyValue | Rule::ArgMin | Rule::ArgMax);
        // Groups whose pick moved into this batch (each listed once).
        let mut touched: Vec<u32> = vec![];
        for (i, &g) in groups.iter().enumerate() {
            if skip_null_arg && arg_nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                continue;
            }
            if val_nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                continue;
            }
            let gi = g as usize;
            // Cheap exits for the unordered common cases.
            if !self.ordered {
                match (self.rule, self.picks[gi]) {
                    (Rule::First | Rule::AnyValue, Some(_)) => continue,
                    (Rule::Last, Some(p)) if p.batch == batch => {
                        self.picks[gi] = Some(Pick {
                            batch,
                            row: i as u32,
                        });
                        continue;
                    }
                    _ => {}
                }
            }
            let before = self.picks[gi];
            let val = val_rows.as_ref().map_or(&[][..], |r| r.row(i).data());
            let ord = keys.map(|k| key_at(k, i));
            let pick = Pick {
                batch,
                row: u32::try_from(i).map_err(|_| too_many_rows())?,
            };
            if self.offer(gi, pick, val, ord) && before.is_none_or(|p| p.batch != batch) {
                touched.push(g);
            }
        }
        self.keep_batch(arg, batch, &touched)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()> {
        let mut other = downcast_other::<Self>(other, self.rule.name())?;
        self.grow(num_groups);
        let base = u32::try_from(self.batches.len()).map_err(|_| too_many_rows())?;
        let ordered = self.ordered;
        for (g, pick) in other.picks.iter().enumerate() {
            let Some(p) = pick else { continue };
            let t = *group_map.get(g).ok_or_else(|| {
                crate::internal_err!(
                    "`{}` merge map has no entry for group {g}",
                    self.rule.name()
                )
            })? as usize;
            let val = std::mem::take(other.best_val.get_mut(g).unwrap_or(&mut vec![]));
            let ord = other.best_ord.get(g).map(|k| k.as_slice());
            let moved = Pick {
                batch: base + p.batch,
                row: p.row,
            };
            self.offer(t, moved, &val, ord.filter(|_| ordered));
        }
        self.batch_bytes += other.batch_bytes;
        self.batches.append(&mut other.batches);
        Ok(())
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        self.grow(num_groups);
        let mut batches = std::mem::take(&mut self.batches);
        let picks = std::mem::take(&mut self.picks);
        self.best_val.clear();
        self.best_ord.clear();
        self.batch_bytes = 0;
        // The last "batch" is one NULL, for groups without a pick.
        let null_batch = batches.len();
        batches.push(new_null_array(&self.data_type, 1));
        let indices: Vec<(usize, usize)> = picks
            .iter()
            .take(num_groups)
            .map(|p| p.map_or((null_batch, 0), |p| (p.batch as usize, p.row as usize)))
            .collect();
        let refs: Vec<&dyn Array> = batches.iter().map(|b| b.as_ref()).collect();
        Ok(arrow::compute::interleave(&refs, &indices)?)
    }

    fn size(&self) -> usize {
        self.batch_bytes
            + self.picks.capacity() * std::mem::size_of::<Option<Pick>>()
            + self
                .best_val
                .iter()
                .map(|v| v.capacity() + 24)
                .sum::<usize>()
            + self
                .best_ord
                .iter()
                .map(|v| v.capacity() + 24)
                .sum::<usize>()
            + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{AsArray, Int32Array, StringArray};
    use arrow::datatypes::Int32Type;

    use super::*;
    use crate::functions::registry;

    fn create(name: &str, types: &[DataType], ordered: bool) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate(name).unwrap();
        let sig = (def.signature)(types, &vec![None; types.len()]).unwrap();
        assert_eq!(sig.ret, types[0]);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: vec![None; types.len()],
            return_type: sig.ret,
            ordered,
        })
        .unwrap()
    }

    fn ints(a: &ArrayRef) -> Vec<Option<i32>> {
        assert_eq!(a.data_type(), &DataType::Int32);
        a.as_primitive::<Int32Type>().iter().collect()
    }

    fn batch(v: Vec<Option<i32>>) -> ArrayRef {
        Arc::new(Int32Array::from(v))
    }

    #[test]
    fn first_last_keep_nulls_any_value_skips_them() {
        let v = batch(vec![None, Some(1), Some(2), None]);
        let g = [0, 0, 0, 0];
        let run = |name: &str| {
            let mut a = create(name, &[DataType::Int32], false);
            a.update(std::slice::from_ref(&v), &g, 2).unwrap();
            ints(&a.finish(2).unwrap())
        };
        assert_eq!(run("first"), vec![None, None]);
        assert_eq!(run("arbitrary"), vec![None, None]);
        assert_eq!(run("last"), vec![None, None]);
        assert_eq!(run("any_value"), vec![Some(1), None]);
    }

    #[test]
    fn first_and_last_across_batches_and_merge() {
        for (name, want) in [
            ("first", vec![Some(1), Some(2), None]),
            ("last", vec![Some(7), Some(8), None]),
        ] {
            let mut a = create(name, &[DataType::Int32], false);
            a.update(&[batch(vec![Some(1), Some(2), Some(3)])], &[0, 1, 0], 3)
                .unwrap();
            a.update(&[batch(vec![Some(4)])], &[1], 3).unwrap();
            let mut b = create(name, &[DataType::Int32], false);
            b.update(&[batch(vec![Some(7), Some(8)])], &[0, 1], 2)
                .unwrap();
            // b's rows come after a's.
            a.merge(b, &[0, 1], 3).unwrap();
            assert_eq!(ints(&a.finish(3).unwrap()), want, "{name}");
        }
    }

    #[test]
    fn ordered_first_last_follow_keys() {
        let keys = |k: &[&'static [u8]]| -> ArrayRef { Arc::new(BinaryArray::from(k.to_vec())) };
        // ORDER BY y DESC for y = 1, 3, 2, 3 (bytes already encode the descending order).
        let v = batch(vec![Some(1), Some(2), Some(3), Some(4)]);
        let k = keys(&[b"\x03", b"\x01", b"\x02", b"\x01"]);
        let mut first = create("first", &[DataType::Int32], true);
        first
            .update(&[v.clone(), k.clone()], &[0, 0, 0, 0], 1)
            .unwrap();
        assert_eq!(ints(&first.finish(1).unwrap()), vec![Some(2)]);
        let mut last = create("last", &[DataType::Int32], true);
        last.update(&[v, k], &[0, 0, 0, 0], 1).unwrap();
        assert_eq!(ints(&last.finish(1).unwrap()), vec![Some(1)]);
    }

    #[test]
    fn arg_min_max_skip_nulls_and_keep_first_on_ties() {
        let arg = batch(vec![Some(1), None, Some(3), Some(4), Some(5)]);
        let val = batch(vec![Some(5), Some(1), None, Some(9), Some(5)]);
        let g = [0, 0, 0, 0, 0];
        let mut mn = create("arg_min", &[DataType::Int32, DataType::Int32], false);
        mn.update(&[arg.clone(), val.clone()], &g, 1).unwrap();
        assert_eq!(ints(&mn.finish(1).unwrap()), vec![Some(1)]);
        let mut mx = create("max_by", &[DataType::Int32, DataType::Int32], false);
        mx.update(&[arg, val], &g, 1).unwrap();
        assert_eq!(ints(&mx.finish(1).unwrap()), vec![Some(4)]);
    }

    #[test]
    fn arg_min_with_string_values_merges() {
        let types = [DataType::Int32, DataType::Utf8];
        let mut a = create("arg_min", &types, false);
        let s = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
        a.update(
            &[batch(vec![Some(1), Some(2)]), s(vec!["m", "k"])],
            &[0, 1],
            2,
        )
        .unwrap();
        let mut b = create("arg_min", &types, false);
        b.update(
            &[batch(vec![Some(3), Some(4)]), s(vec!["a", "k"])],
            &[0, 1],
            2,
        )
        .unwrap();
        a.merge(b, &[0, 1], 2).unwrap();
        // group 0: "a" < "m" -> 3; group 1: tie on "k" keeps the earlier row -> 2.
        assert_eq!(ints(&a.finish(2).unwrap()), vec![Some(3), Some(2)]);
    }

    #[test]
    fn first_of_strings() {
        let mut a = create("first", &[DataType::Utf8], false);
        let v: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), Some("y"), None]));
        a.update(&[v], &[1, 1, 0], 2).unwrap();
        let out = a.finish(3).unwrap();
        let got: Vec<Option<&str>> = out.as_string::<i32>().iter().collect();
        assert_eq!(got, vec![None, Some("x"), None]);
    }
}
