//! `list_aggregate(l, 'name', extra...)` (`list_aggr`, `array_aggregate`, `array_aggr`)
//! and its shortcuts (`list_sum(l)` is `list_aggregate(l, 'sum')`, and so on): any
//! aggregate function of the registry applied to each list's elements.
//!
//! The elements of all rows go through one accumulator in one call, with each row's
//! elements as their own group, so a list aggregate costs what a grouped aggregate does.
//! A NULL list gives NULL; an empty list gives the aggregate of no rows (0 for `count`,
//! NULL for most others), as in DuckDB.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::datatypes::{DataType, Field};

use crate::error::{Error, Result};
use crate::functions::aggregate::AggregateArgs;
use crate::functions::{registry, signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "list_aggregate",
        aliases: &["list_aggr", "array_aggregate", "array_aggr"],
        signature: aggregate_signature,
        invoke: list_aggregate,
        volatile: false,
    });
    register_shortcuts(r);
}

/// The element type of a list argument (NULL for a NULL literal).
fn element(t: &DataType) -> Option<DataType> {
    match t {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            Some(f.data_type().clone())
        }
        DataType::Null => Some(DataType::Null),
        _ => None,
    }
}

/// The signature of aggregating `args[0]`'s elements with `func` and the extra `args`.
fn signature_for(
    func: &str,
    args: &[DataType],
    extra_lits: &[Option<ScalarValue>],
) -> Result<Signature> {
    let def = registry().aggregate(func)?;
    let elem = element(&args[0])
        .ok_or_else(|| signature_error("list_aggregate", "a list and an aggregate name", args))?;
    // An untyped NULL list aggregates integers, as a NULL element list would.
    let elem = if elem == DataType::Null {
        DataType::Int32
    } else {
        elem
    };
    let mut types = vec![elem];
    types.extend(args[1..].iter().cloned());
    let mut lits = vec![None];
    lits.extend(extra_lits.iter().cloned());
    let sig = (def.signature)(&types, &lits)?;
    let mut cast = vec![DataType::List(Arc::new(Field::new_list_field(
        sig.args[0].clone(),
        true,
    )))];
    cast.extend(sig.args[1..].iter().cloned());
    Ok(Signature {
        args: cast,
        ret: sig.ret,
    })
}

fn aggregate_signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    let name = lits
        .get(1)
        .and_then(|l| l.as_ref())
        .and_then(|l| l.as_str().map(str::to_lowercase))
        .ok_or_else(|| {
            if args.len() < 2 {
                signature_error("list_aggregate", "a list and an aggregate name", args)
            } else {
                Error::Schema(
                    "the function name argument of `list_aggregate` must be a constant string"
                        .into(),
                )
            }
        })?;
    if lits.iter().skip(2).any(Option::is_none) {
        return Err(Error::Compute(
            "list_aggregate: the aggregate's extra arguments must be constant".into(),
        ));
    }
    let mut types = vec![args[0].clone()];
    types.extend(args[2..].iter().cloned());
    let sig = signature_for(&name, &types, lits.get(2..).unwrap_or_default())?;
    let mut cast = vec![sig.args[0].clone(), DataType::Utf8];
    cast.extend(sig.args[1..].iter().cloned());
    Ok(Signature {
        args: cast,
        ret: sig.ret,
    })
}

fn list_aggregate(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let name = args
        .get(1)
        .and_then(ColumnarValue::as_scalar)
        .and_then(|s| s.as_str())
        .map(str::to_lowercase)
        .ok_or_else(|| crate::internal_err!("list_aggregate lost its constant function name"))?;
    let mut rest = vec![args[0].clone()];
    rest.extend(args[2..].iter().cloned());
    aggregate_lists(&name, &rest, num_rows)
}

/// Aggregates the list `args[0]` per row with `func`; `args[1..]` are the extra constant
/// arguments of the aggregate (a separator, a quantile).
fn aggregate_lists(func: &str, args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let types: Vec<DataType> = args.iter().map(ColumnarValue::data_type).collect();
    let extra_lits: Vec<Option<ScalarValue>> =
        args[1..].iter().map(|a| a.as_scalar().cloned()).collect();
    let sig = signature_for(func, &types, &extra_lits)?;
    if types[0] == DataType::Null {
        return Ok(ColumnarValue::Scalar(ScalarValue::null(&sig.ret)));
    }
    let list_array = args[0].to_array(rows)?;
    let list = list_array.as_list::<i32>();
    let o = list.value_offsets();
    let (first, last) = (o[0] as usize, o[rows] as usize);
    let values = list.values().slice(first, last - first);
    let mut groups = Vec::with_capacity(values.len());
    for r in 0..rows {
        groups.extend(std::iter::repeat_n(r as u32, (o[r + 1] - o[r]) as usize));
    }
    let mut inputs: Vec<ArrayRef> = vec![values.clone()];
    for a in &args[1..] {
        inputs.push(a.to_array(values.len())?);
    }
    let def = registry().aggregate(func)?;
    let mut arg_types = vec![values.data_type().clone()];
    arg_types.extend(types[1..].iter().cloned());
    let mut acc = (def.create)(&AggregateArgs {
        arg_types,
        literal_args: std::iter::once(None).chain(extra_lits).collect(),
        return_type: sig.ret.clone(),
        ordered: false,
    })?;
    if !values.is_empty() {
        acc.update(&inputs, &groups, rows)?;
    }
    let out = acc.finish(rows)?;
    let out = match list.nulls() {
        Some(n) if n.null_count() > 0 => {
            let is_null: BooleanArray = n.iter().map(|v| Some(!v)).collect();
            arrow::compute::nullif(&out, &is_null)?
        }
        _ => out,
    };
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

macro_rules! shortcuts {
    ($($f:ident, $sig:ident => ($name:literal, $aliases:expr, $agg:literal)),* $(,)?) => {
        $(
            fn $f(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
                aggregate_lists($agg, args, num_rows)
            }
            fn $sig(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
                if args.is_empty() {
                    return Err(signature_error($name, "a list", args));
                }
                signature_for($agg, args, lits.get(1..).unwrap_or_default())
            }
        )*
        fn register_shortcuts(r: &mut FunctionRegistry) {
            $(
                r.add_scalar(ScalarFunctionDef {
                    name: $name,
                    aliases: $aliases,
                    signature: $sig,
                    invoke: $f,
                    volatile: false,
                });
            )*
        }
        #[cfg(test)]
        const SHORTCUT_AGGREGATES: &[&str] = &[$($agg),*];
    };
}

shortcuts! {
    list_any_value, list_any_value_sig => ("list_any_value", &["array_any_value"], "any_value"),
    list_avg, list_avg_sig => ("list_avg", &["array_avg"], "avg"),
    list_bool_and, list_bool_and_sig => ("list_bool_and", &["array_bool_and"], "bool_and"),
    list_bool_or, list_bool_or_sig => ("list_bool_or", &["array_bool_or"], "bool_or"),
    list_count, list_count_sig => ("list_count", &["array_count"], "count"),
    list_first, list_first_sig => ("list_first", &["array_first"], "first"),
    list_last, list_last_sig => ("list_last", &["array_last"], "last"),
    list_max, list_max_sig => ("list_max", &["array_max"], "max"),
    list_median, list_median_sig => ("list_median", &["array_median"], "median"),
    list_min, list_min_sig => ("list_min", &["array_min"], "min"),
    list_mode, list_mode_sig => ("list_mode", &["array_mode"], "mode"),
    list_stddev_pop, list_stddev_pop_sig => ("list_stddev_pop", &["array_stddev_pop"], "stddev_pop"),
    list_stddev_samp, list_stddev_samp_sig =>
        ("list_stddev_samp", &["array_stddev_samp"], "stddev_samp"),
    list_string_agg, list_string_agg_sig => ("list_string_agg", &["array_string_agg"], "string_agg"),
    list_sum, list_sum_sig => ("list_sum", &["array_sum"], "sum"),
    list_var_pop, list_var_pop_sig => ("list_var_pop", &["array_var_pop"], "var_pop"),
    list_var_samp, list_var_samp_sig => ("list_var_samp", &["array_var_samp"], "var_samp"),
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::ListArray;
    use arrow::datatypes::{Int32Type, Int64Type};

    #[test]
    fn every_shortcut_names_an_aggregate() {
        for a in SHORTCUT_AGGREGATES {
            assert!(registry().aggregate(a).is_ok(), "{a}");
        }
    }

    #[test]
    fn aggregates_each_list() {
        let l = ColumnarValue::Array(Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            vec![
                Some(vec![Some(1), None, Some(3)]),
                Some(vec![]),
                None,
                Some(vec![Some(5)]),
            ],
        )));
        let sig = list_count_sig(&[l.data_type()], &[None]).unwrap();
        assert_eq!(sig.ret, DataType::Int64);
        let n = list_count(std::slice::from_ref(&l), 4)
            .unwrap()
            .into_array(4)
            .unwrap();
        assert_eq!(
            n.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            vec![Some(2), Some(0), None, Some(1)]
        );
        let m = list_max(&[l], 4).unwrap().into_array(4).unwrap();
        assert_eq!(
            m.as_primitive::<Int32Type>().iter().collect::<Vec<_>>(),
            vec![Some(3), None, None, Some(5)]
        );
    }
}
