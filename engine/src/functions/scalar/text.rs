//! `translate` and `regexp_extract_all`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, ListBuilder, StringArray, StringBuilder};
use arrow::datatypes::{DataType, Field};

use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "translate",
        aliases: &[],
        signature: translate_signature,
        invoke: translate,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "regexp_extract_all",
        aliases: &[],
        signature: extract_all_signature,
        invoke: regexp_extract_all,
        volatile: false,
    });
}

fn strings(args: &[DataType], n: usize) -> bool {
    args.len() == n && args.iter().all(|t| is_string(t) || *t == DataType::Null)
}

fn translate_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    if strings(args, 3) {
        return Ok(Signature {
            args: vec![DataType::Utf8; 3],
            ret: DataType::Utf8,
        });
    }
    Err(signature_error("translate", "three strings", args))
}

fn extract_all_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let list = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
    match args.len() {
        2 if strings(args, 2) => Ok(Signature {
            args: vec![DataType::Utf8; 2],
            ret: list,
        }),
        3 if strings(&args[..2], 2) && args[2].is_integer() => Ok(Signature {
            args: vec![DataType::Utf8, DataType::Utf8, DataType::Int64],
            ret: list,
        }),
        _ => Err(signature_error(
            "regexp_extract_all",
            "a string, a pattern and an optional group",
            args,
        )),
    }
}

fn arrays(args: &[ColumnarValue], num_rows: usize) -> Result<(usize, bool, Vec<ArrayRef>)> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    Ok((
        rows,
        scalar,
        args.iter()
            .map(|a| a.to_array(rows))
            .collect::<Result<_>>()?,
    ))
}

fn done(out: ArrayRef, scalar: bool) -> Result<ColumnarValue> {
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

/// Replaces each character of `from` by the character at the same place in `to`, or
/// deletes it when `to` is shorter.
fn translate(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (rows, scalar, a) = arrays(args, num_rows)?;
    let (s, f, t) = (
        a[0].as_string::<i32>(),
        a[1].as_string::<i32>(),
        a[2].as_string::<i32>(),
    );
    let out: StringArray = (0..rows)
        .map(|r| {
            if s.is_null(r) || f.is_null(r) || t.is_null(r) {
                return None;
            }
            let from: Vec<char> = f.value(r).chars().collect();
            let to: Vec<char> = t.value(r).chars().collect();
            Some(
                s.value(r)
                    .chars()
                    .filter_map(|c| match from.iter().position(|x| *x == c) {
                        Some(i) => to.get(i).copied(),
                        None => Some(c),
                    })
                    .collect::<String>(),
            )
        })
        .collect();
    done(Arc::new(out), scalar)
}

fn regexp_extract_all(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (rows, scalar, a) = arrays(args, num_rows)?;
    let (s, p) = (a[0].as_string::<i32>(), a[1].as_string::<i32>());
    let group = a
        .get(2)
        .map(|g| g.as_primitive::<arrow::datatypes::Int64Type>().clone());
    let mut builder = ListBuilder::new(StringBuilder::new());
    let mut cached: Option<(String, regex::Regex)> = None;
    for r in 0..rows {
        if s.is_null(r) || p.is_null(r) {
            builder.append_null();
            continue;
        }
        let pattern = p.value(r);
        if cached.as_ref().is_none_or(|(c, _)| c != pattern) {
            let re = regex::Regex::new(pattern).map_err(|e| {
                Error::Compute(format!("invalid regular expression `{pattern}`: {e}"))
            })?;
            cached = Some((pattern.to_string(), re));
        }
        let re = &cached.as_ref().expect("set just above").1;
        let g = group.as_ref().map_or(0, |g| g.value(r)) as usize;
        for caps in re.captures_iter(s.value(r)) {
            builder
                .values()
                .append_value(caps.get(g).map_or("", |m| m.as_str()));
        }
        builder.append(true);
    }
    done(Arc::new(builder.finish()), scalar)
}
