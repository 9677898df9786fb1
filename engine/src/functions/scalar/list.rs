//! List construction: `[a, b, c]` / `list_value(a, b, c)`.

use std::sync::Arc;

use arrow::array::{new_empty_array, Array, ArrayRef, AsArray, ListArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field};

use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::{union_type, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "list_value",
        aliases: &["list_pack", "array_value"],
        signature: list_value_signature,
        invoke: list_value,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "struct_pack",
        aliases: &[],
        signature: struct_pack_signature,
        invoke: struct_pack,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "struct_extract",
        aliases: &[],
        signature: struct_extract_signature,
        invoke: struct_extract,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "list_extract",
        aliases: &["array_extract", "list_element"],
        signature: list_extract_signature,
        invoke: list_extract,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "range",
        aliases: &[],
        signature: range_signature,
        invoke: range_exclusive,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "generate_series",
        aliases: &[],
        signature: range_signature,
        invoke: range_inclusive,
        volatile: false,
    });
}

/// `struct_pack('name1', value1, 'name2', value2, ...)`: the planner passes field names
/// as literal strings before each value (`{'a': 1}` and `struct_pack(a := 1)`).
fn struct_pack_signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    if args.is_empty() || !args.len().is_multiple_of(2) {
        return Err(crate::functions::signature_error(
            "struct_pack",
            "name, value pairs",
            args,
        ));
    }
    let mut fields = vec![];
    for i in (0..args.len()).step_by(2) {
        let name = lits
            .get(i)
            .and_then(|l| l.as_ref())
            .and_then(|l| l.as_str().map(str::to_string))
            .ok_or_else(|| {
                crate::functions::signature_error("struct_pack", "constant field names", args)
            })?;
        if !name.is_empty()
            && fields
                .iter()
                .any(|f: &Field| f.name().eq_ignore_ascii_case(&name))
        {
            return Err(Error::Schema(format!(
                "Duplicate struct entry name \"{name}\""
            )));
        }
        // A NULL field keeps the NULL type (as in DuckDB), so it meets any type later.
        fields.push(Field::new(name, args[i + 1].clone(), true));
    }
    let mut cast = args.to_vec();
    for (i, f) in fields.iter().enumerate() {
        cast[2 * i + 1] = f.data_type().clone();
    }
    Ok(Signature {
        args: cast,
        ret: DataType::Struct(fields.into()),
    })
}

fn struct_pack(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let all_scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if all_scalar { 1 } else { num_rows };
    let mut fields = vec![];
    let mut arrays = vec![];
    for pair in args.chunks(2) {
        let name = pair[0]
            .as_scalar()
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_string();
        let a = pair[1].to_array(rows)?;
        fields.push(Field::new(name, a.data_type().clone(), true));
        arrays.push(a);
    }
    let s: ArrayRef = Arc::new(arrow::array::StructArray::try_new(
        fields.into(),
        arrays,
        None,
    )?);
    Ok(if all_scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(s)?)
    } else {
        ColumnarValue::Array(s)
    })
}

fn struct_field_index(fields: &arrow::datatypes::Fields, name: &str) -> Option<usize> {
    fields.iter().position(|f| f.name() == name).or_else(|| {
        fields
            .iter()
            .position(|f| f.name().eq_ignore_ascii_case(name))
    })
}

fn struct_extract_signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    let name = lits
        .get(1)
        .and_then(|l| l.as_ref())
        .and_then(|l| l.as_str().map(str::to_string));
    match (args, name) {
        ([DataType::Struct(fields), _], Some(name)) => {
            let i = struct_field_index(fields, &name).ok_or_else(|| {
                let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
                Error::ColumnNotFound(format!(
                    "struct has no field `{name}`; its fields are {}{}",
                    crate::error::list_names(names.iter().copied()),
                    crate::error::did_you_mean(&name, names.iter().copied())
                ))
            })?;
            Ok(Signature {
                args: args.to_vec(),
                ret: fields[i].data_type().clone(),
            })
        }
        _ => Err(crate::functions::signature_error(
            "struct_extract",
            "a struct and a constant field name",
            args,
        )),
    }
}

fn struct_extract(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let all_scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if all_scalar { 1 } else { num_rows };
    let s = args[0].to_array(rows)?;
    let name = args[1]
        .as_scalar()
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let st = s.as_struct();
    let i = struct_field_index(st.fields(), &name)
        .ok_or_else(|| Error::ColumnNotFound(format!("struct has no field `{name}`")))?;
    let child = st.column(i).clone();
    // A NULL struct has NULL fields.
    let out = match st.nulls() {
        Some(n) if n.null_count() > 0 => arrow::compute::nullif(
            &child,
            &arrow::array::BooleanArray::new(n.inner().clone(), None)
                .iter()
                .map(|v| v.map(|b| !b))
                .collect(),
        )?,
        _ => child,
    };
    Ok(if all_scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

fn list_extract_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args {
        [DataType::List(f), i] if i.is_integer() || *i == DataType::Null => Ok(Signature {
            args: vec![args[0].clone(), DataType::Int64],
            ret: f.data_type().clone(),
        }),
        [s, i] if crate::types::is_string(s) && (i.is_integer() || *i == DataType::Null) => {
            Ok(Signature {
                args: vec![DataType::Utf8, DataType::Int64],
                ret: DataType::Utf8,
            })
        }
        _ => Err(crate::functions::signature_error(
            "list_extract",
            "a list (or string) and an integer index",
            args,
        )),
    }
}

/// `l[i]`: 1-based, negative from the end, NULL out of range (DuckDB semantics).
fn list_extract(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let all_scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if all_scalar { 1 } else { num_rows };
    let list = args[0].to_array(rows)?;
    let idx = args[1].to_array(rows)?;
    let idx = idx.as_primitive::<arrow::datatypes::Int64Type>();
    let out: ArrayRef = if let Some(s) = list.as_string_opt::<i32>() {
        let v: arrow::array::StringArray = (0..rows)
            .map(|r| {
                if s.is_null(r) || idx.is_null(r) {
                    return None;
                }
                let chars: Vec<char> = s.value(r).chars().collect();
                let i = idx.value(r);
                let pos = if i > 0 { i - 1 } else { chars.len() as i64 + i };
                (pos >= 0 && (pos as usize) < chars.len()).then(|| chars[pos as usize].to_string())
            })
            .collect();
        Arc::new(v)
    } else {
        let l = list.as_list::<i32>();
        let mut take: Vec<Option<u32>> = Vec::with_capacity(rows);
        for r in 0..rows {
            if l.is_null(r) || idx.is_null(r) {
                take.push(None);
                continue;
            }
            let (start, end) = (l.value_offsets()[r] as i64, l.value_offsets()[r + 1] as i64);
            let len = end - start;
            let i = idx.value(r);
            let pos = if i > 0 { i - 1 } else { len + i };
            take.push((pos >= 0 && pos < len).then(|| (start + pos) as u32));
        }
        arrow::compute::take(
            l.values().as_ref(),
            &arrow::array::UInt32Array::from(take),
            None,
        )?
    };
    Ok(if all_scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

fn range_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    if args.is_empty()
        || args.len() > 3
        || !args.iter().all(|t| t.is_integer() || *t == DataType::Null)
    {
        return Err(crate::functions::signature_error(
            "range",
            "1 to 3 integers",
            args,
        ));
    }
    Ok(Signature {
        args: vec![DataType::Int64; args.len()],
        ret: DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true))),
    })
}

fn range_list(args: &[ColumnarValue], num_rows: usize, inclusive: bool) -> Result<ColumnarValue> {
    let all_scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if all_scalar { 1 } else { num_rows };
    let arrays: Vec<ArrayRef> = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    let ints: Vec<&arrow::array::Int64Array> = arrays
        .iter()
        .map(|a| a.as_primitive::<arrow::datatypes::Int64Type>())
        .collect();
    let mut builder = arrow::array::ListBuilder::new(arrow::array::Int64Builder::new());
    for r in 0..rows {
        if ints.iter().any(|a| a.is_null(r)) {
            builder.append_null();
            continue;
        }
        let v: Vec<i64> = ints.iter().map(|a| a.value(r)).collect();
        let (start, stop, step) = match v.as_slice() {
            [stop] => (0, *stop, 1),
            [start, stop] => (*start, *stop, 1),
            [start, stop, step] => (*start, *stop, *step),
            _ => unreachable!("the signature allows 1 to 3 arguments"),
        };
        if step == 0 {
            return Err(Error::Compute("range's step cannot be 0".into()));
        }
        let mut x = start;
        let mut n = 0u64;
        while (step > 0 && (x < stop || (inclusive && x == stop)))
            || (step < 0 && (x > stop || (inclusive && x == stop)))
        {
            builder.values().append_value(x);
            x += step;
            n += 1;
            if n > 100_000_000 {
                return Err(Error::Compute(
                    "range would produce more than 100 million values".into(),
                ));
            }
        }
        builder.append(true);
    }
    let out: ArrayRef = Arc::new(builder.finish());
    Ok(if all_scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

fn range_exclusive(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    range_list(args, num_rows, false)
}

fn range_inclusive(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    range_list(args, num_rows, true)
}

fn element_type(args: &[DataType]) -> Result<DataType> {
    let mut t = DataType::Null;
    for a in args {
        t = union_type(&t, a).ok_or_else(|| {
            Error::Schema(format!("list elements must have one type, but {t} and {a} do not mix; CAST them to one type"))
        })?;
    }
    // `[]` and `[NULL]` are lists of the NULL type (as in DuckDB), which meet any type.
    Ok(t)
}

fn list_value_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let t = element_type(args)?;
    Ok(Signature {
        args: vec![t.clone(); args.len()],
        ret: DataType::List(Arc::new(Field::new_list_field(t, true))),
    })
}

fn list_value(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let all_scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if all_scalar { 1 } else { num_rows };
    let types: Vec<DataType> = args.iter().map(ColumnarValue::data_type).collect();
    let t = element_type(&types)?;
    let k = args.len();
    let arrays: Vec<ArrayRef> = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    let values = if k == 0 {
        new_empty_array(&t)
    } else {
        let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
        let indices: Vec<(usize, usize)> = (0..rows)
            .flat_map(|i| (0..k).map(move |j| (j, i)))
            .collect();
        arrow::compute::interleave(&refs, &indices)?
    };
    let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(k, rows));
    let list = ListArray::try_new(
        Arc::new(Field::new_list_field(t, true)),
        offsets,
        values,
        None,
    )?;
    let list: ArrayRef = Arc::new(list);
    Ok(if all_scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(list)?)
    } else {
        ColumnarValue::Array(list)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int32Array;
    use arrow::datatypes::Int32Type;

    #[test]
    fn builds_lists_row_by_row() {
        let a = ColumnarValue::Array(Arc::new(Int32Array::from(vec![1, 2])));
        let b = ColumnarValue::Scalar(ScalarValue::from(9i32));
        let out = list_value(&[a, b], 2).unwrap().into_array(2).unwrap();
        let l = out.as_list::<i32>();
        assert_eq!(
            l.value(0).as_primitive::<Int32Type>().values().to_vec(),
            vec![1, 9]
        );
        assert_eq!(
            l.value(1).as_primitive::<Int32Type>().values().to_vec(),
            vec![2, 9]
        );
        let empty = list_value(&[], 1).unwrap().into_array(1).unwrap();
        assert_eq!(empty.as_list::<i32>().value(0).len(), 0);
    }
}
