//! `string_agg(x [, sep])` (aliases `group_concat`, `listagg`): the group's non-NULL values
//! joined with `sep` (default `,`) into a `Utf8`.
//!
//! As in DuckDB: non-string arguments are cast to VARCHAR, the separator must be a
//! constant, a NULL separator gives NULL, values are joined in input (or ORDER BY) order,
//! and a group without non-NULL values gives NULL.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, StringBuilder};
use arrow::datatypes::DataType;

use super::collect::Collected;
use super::util::{check_arg_count, check_inputs, downcast_other, literal_str, order_keys};
use super::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
use crate::error::Result;
use crate::functions::{FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_aggregate(AggregateFunctionDef {
        name: "string_agg",
        aliases: &["group_concat", "listagg"],
        signature: string_agg_signature,
        create: StringAggAccumulator::try_new,
    });
}

fn string_agg_signature(types: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arg_count(
        "string_agg",
        types,
        1,
        2,
        "a value and an optional constant separator",
    )?;
    let value = if is_string(&types[0]) {
        types[0].clone()
    } else {
        DataType::Utf8
    };
    let mut args = vec![value];
    if types.len() == 2 {
        if lits.get(1).is_none_or(|l| l.is_none()) {
            return Err(crate::schema_err!(
                "the separator of `string_agg` must be a constant, such as ', '"
            ));
        }
        args.push(DataType::Utf8);
    }
    Ok(Signature {
        args,
        ret: DataType::Utf8,
    })
}

/// Joins the values of each group.
struct StringAggAccumulator {
    /// `None` for a NULL separator (every result is NULL).
    separator: Option<String>,
    ordered: bool,
    collected: Collected,
}

impl StringAggAccumulator {
    fn try_new(args: &AggregateArgs) -> Result<Box<dyn GroupsAccumulator>> {
        let separator = if args.arg_types.len() >= 2 {
            if args.literal_args.get(1).is_none_or(|l| l.is_none()) {
                return Err(crate::schema_err!(
                    "the separator of `string_agg` must be a constant, such as ', '"
                ));
            }
            literal_str(&args.literal_args, 1)
        } else {
            Some(",".to_string())
        };
        let value_type = args.arg_types.first().cloned().unwrap_or(DataType::Utf8);
        Ok(Box::new(StringAggAccumulator {
            separator,
            ordered: args.ordered,
            collected: Collected::new(value_type, args.ordered),
        }))
    }
}

impl GroupsAccumulator for StringAggAccumulator {
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], _num_groups: usize) -> Result<()> {
        check_inputs("string_agg", values, groups, 1)?;
        if self.separator.is_none() {
            return Ok(());
        }
        let keys = order_keys("string_agg", values, self.ordered)?;
        self.collected.push(&values[0], groups, keys, true)
    }

    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        _num_groups: usize,
    ) -> Result<()> {
        let other = downcast_other::<Self>(other, "string_agg")?;
        self.collected.merge(other.collected, group_map)
    }

    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef> {
        let g = self.collected.finish(num_groups)?;
        let Some(sep) = &self.separator else {
            return Ok(arrow::array::new_null_array(&DataType::Utf8, num_groups));
        };
        let v = g.values.as_ref();
        let text = |i: u32| -> Result<&str> {
            let i = i as usize;
            match v.data_type() {
                DataType::Utf8 => Ok(v.as_string::<i32>().value(i)),
                DataType::LargeUtf8 => Ok(v.as_string::<i64>().value(i)),
                DataType::Utf8View => Ok(v.as_string_view().value(i)),
                other => Err(crate::internal_err!(
                    "`string_agg` expects string values, got {other}"
                )),
            }
        };
        let mut out = StringBuilder::with_capacity(num_groups, v.get_buffer_memory_size());
        let mut buf = String::new();
        for grp in 0..num_groups {
            let rows = g.rows(grp);
            if rows.is_empty() {
                out.append_null();
                continue;
            }
            buf.clear();
            for (n, &i) in rows.iter().enumerate() {
                if n > 0 {
                    buf.push_str(sep);
                }
                buf.push_str(text(i)?);
            }
            out.append_value(&buf);
        }
        Ok(Arc::new(out.finish()))
    }

    fn size(&self) -> usize {
        self.collected.size() + std::mem::size_of::<Self>()
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{BinaryArray, StringArray, StringViewArray};

    use super::*;
    use crate::functions::registry;

    fn create(sep: Option<Option<&str>>, ordered: bool) -> Box<dyn GroupsAccumulator> {
        let def = registry().aggregate("group_concat").unwrap();
        let (types, lits) = match sep {
            None => (vec![DataType::Utf8], vec![None]),
            Some(s) => {
                let lit = match s {
                    Some(s) => ScalarValue::utf8(s),
                    None => ScalarValue::null(&DataType::Utf8),
                };
                (vec![DataType::Utf8, DataType::Utf8], vec![None, Some(lit)])
            }
        };
        let sig = (def.signature)(&types, &lits).unwrap();
        assert_eq!(sig.ret, DataType::Utf8);
        (def.create)(&AggregateArgs {
            arg_types: sig.args,
            literal_args: lits,
            return_type: sig.ret,
            ordered,
        })
        .unwrap()
    }

    fn strings(a: &ArrayRef) -> Vec<Option<String>> {
        assert_eq!(a.data_type(), &DataType::Utf8);
        a.as_string::<i32>()
            .iter()
            .map(|s| s.map(str::to_string))
            .collect()
    }

    #[test]
    fn joins_with_default_separator_skipping_nulls() {
        let mut a = create(None, false);
        let v: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None, Some("b"), None]));
        a.update(&[v], &[0, 0, 0, 1], 3).unwrap();
        assert_eq!(
            strings(&a.finish(3).unwrap()),
            vec![Some("a,b".into()), None, None]
        );
    }

    #[test]
    fn merges_in_order_with_custom_separator() {
        let mut a = create(Some(Some(", ")), false);
        let sep: ArrayRef = Arc::new(StringArray::from(vec![", "; 2]));
        let v: ArrayRef = Arc::new(StringArray::from(vec!["a", "b"]));
        a.update(&[v, sep.clone()], &[0, 0], 1).unwrap();
        let mut b = create(Some(Some(", ")), false);
        let w: ArrayRef = Arc::new(StringViewArray::from(vec!["c", "d"]));
        // A view-typed batch is fine too (same logical type family).
        let w = arrow::compute::cast(&w, &DataType::Utf8).unwrap();
        b.update(&[w, sep], &[0, 0], 1).unwrap();
        a.merge(b, &[0], 1).unwrap();
        assert_eq!(
            strings(&a.finish(1).unwrap()),
            vec![Some("a, b, c, d".into())]
        );
    }

    #[test]
    fn null_separator_gives_null() {
        let mut a = create(Some(None), false);
        let v: ArrayRef = Arc::new(StringArray::from(vec!["a"]));
        let sep: ArrayRef = Arc::new(StringArray::from(vec![None::<&str>]));
        a.update(&[v, sep], &[0], 1).unwrap();
        assert_eq!(strings(&a.finish(1).unwrap()), vec![None]);
    }

    #[test]
    fn follows_order_by() {
        let mut a = create(None, true);
        let v: ArrayRef = Arc::new(StringArray::from(vec!["x", "y", "z"]));
        let k: ArrayRef = Arc::new(BinaryArray::from(vec![&b"2"[..], &b"1"[..], &b"3"[..]]));
        a.update(&[v, k], &[0, 0, 0], 1).unwrap();
        assert_eq!(strings(&a.finish(1).unwrap()), vec![Some("y,x,z".into())]);
    }

    #[test]
    fn casts_numbers_and_requires_constant_separator() {
        let def = registry().aggregate("string_agg").unwrap();
        let sig = (def.signature)(&[DataType::Int64], &[None]).unwrap();
        assert_eq!(sig.args, vec![DataType::Utf8]);
        let err = (def.signature)(&[DataType::Utf8, DataType::Utf8], &[None, None]).unwrap_err();
        assert!(err.to_string().contains("constant"));
    }
}
