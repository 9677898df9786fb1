//! Struct functions: `struct_insert`, `struct_update`, `struct_concat`, `struct_values`,
//! `struct_contains` and `struct_position`.
//!
//! `struct_insert(s, name := v, ...)` and `struct_update(s, name := v, ...)` get their
//! field names from the planner as constant strings before each value, as `struct_pack`
//! does. A NULL struct going into a new struct gives NULL fields (the new struct itself is
//! not NULL), as in DuckDB. `struct_contains` / `struct_position` search an unnamed
//! struct's fields for a value, comparing only fields whose type the value's type meets
//! (a string is not compared with a number).

use std::cmp::Ordering;
use std::sync::Arc;

use arrow::array::{
    make_comparator, Array, ArrayRef, AsArray, BooleanArray, Int32Array, StructArray,
};
use arrow::buffer::NullBuffer;
use arrow::compute::SortOptions;
use arrow::datatypes::{DataType, Field, FieldRef, Fields};

use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::{comparison_type, is_string, is_unnamed_struct, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    let defs: [(
        &'static str,
        super::super::SignatureFn,
        fn(&[ColumnarValue], usize) -> Result<ColumnarValue>,
    ); 6] = [
        ("struct_insert", insert_signature, struct_insert),
        ("struct_update", update_signature, struct_update),
        ("struct_concat", concat_signature, struct_concat),
        ("struct_values", values_signature, struct_values),
        ("struct_contains", contains_signature, struct_contains),
        ("struct_position", position_signature, struct_position),
    ];
    for (name, signature, invoke) in defs {
        r.add_scalar(ScalarFunctionDef {
            name,
            aliases: &[],
            signature,
            invoke,
            volatile: false,
        });
    }
}

/// All arguments as arrays of one length, and whether the call answers with a scalar.
fn prepare(args: &[ColumnarValue], num_rows: usize) -> Result<(Vec<ArrayRef>, usize, bool)> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let arrays = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    Ok((arrays, rows, scalar))
}

fn answer(out: ArrayRef, scalar: bool) -> Result<ColumnarValue> {
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

/// A struct's fields with the struct's own NULLs pushed into them.
fn children(a: &ArrayRef) -> Vec<ArrayRef> {
    let s = a.as_struct();
    let Some(outer) = s.nulls().filter(|n| n.null_count() > 0) else {
        return s.columns().to_vec();
    };
    s.columns()
        .iter()
        .map(|c| {
            if c.data_type() == &DataType::Null {
                return c.clone();
            }
            let nulls = NullBuffer::union(Some(outer), c.nulls());
            let data = c.to_data().into_builder().nulls(nulls).build();
            match data {
                Ok(d) => arrow::array::make_array(d),
                Err(_) => c.clone(),
            }
        })
        .collect()
}

/// `(name, value type)` pairs of a named-argument call: `args` after the first.
fn named_values(
    func: &str,
    args: &[DataType],
    lits: &[Option<ScalarValue>],
) -> Result<Vec<(String, DataType)>> {
    let rest = &args[1..];
    if rest.is_empty() {
        let what = if func == "struct_insert" {
            "insert"
        } else {
            "update"
        };
        return Err(Error::Compute(format!(
            "Can't {what} nothing into a STRUCT"
        )));
    }
    if !rest.len().is_multiple_of(2) {
        return Err(Error::Schema(format!(
            "{func} takes a struct and named values (`{func}(s, name := value)`)"
        )));
    }
    (0..rest.len() / 2)
        .map(|i| {
            let name = lits
                .get(1 + 2 * i)
                .and_then(|l| l.as_ref())
                .and_then(|l| l.as_str().map(str::to_string))
                .ok_or_else(|| {
                    Error::Schema(format!(
                        "{func} takes named values (`{func}(s, name := value)`)"
                    ))
                })?;
            let t = match &rest[2 * i + 1] {
                DataType::Null => DataType::Int32,
                t => t.clone(),
            };
            Ok((name, t))
        })
        .collect()
}

/// The input struct's fields, or the DuckDB error for a missing or non-struct argument.
fn struct_fields(func: &str, args: &[DataType]) -> Result<Fields> {
    match args.first() {
        None => Err(Error::Compute(format!(
            "Missing required arguments for {func} function"
        ))),
        Some(DataType::Struct(f)) if !is_unnamed_struct(f) => Ok(f.clone()),
        Some(_) => Err(Error::Compute(format!(
            "The first argument to {func} must be a STRUCT"
        ))),
    }
}

/// The fields `struct_insert` / `struct_update` produce, and for each output field where
/// its value comes from: `Ok(i)` the input field `i`, `Err(k)` the `k`-th named value.
fn merged_fields(
    func: &str,
    args: &[DataType],
    lits: &[Option<ScalarValue>],
) -> Result<(Fields, Vec<std::result::Result<usize, usize>>)> {
    let fields = struct_fields(func, args)?;
    let named = named_values(func, args, lits)?;
    let mut out: Vec<FieldRef> = fields.iter().cloned().collect();
    let mut source: Vec<std::result::Result<usize, usize>> = (0..fields.len()).map(Ok).collect();
    for (k, (name, t)) in named.iter().enumerate() {
        if named[..k].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(Error::Schema(format!(
                "Duplicate named argument \"{name}\""
            )));
        }
        let existing = fields
            .iter()
            .position(|f| f.name().eq_ignore_ascii_case(name));
        match (existing, func) {
            (Some(_), "struct_insert") => {
                return Err(Error::Schema(format!(
                    "Duplicate struct entry name \"{name}\""
                )))
            }
            (Some(i), _) => {
                out[i] = Arc::new(Field::new(name, t.clone(), true));
                source[i] = Err(k);
            }
            (None, _) => {
                out.push(Arc::new(Field::new(name, t.clone(), true)));
                source.push(Err(k));
            }
        }
    }
    Ok((out.into(), source))
}

fn merge_signature(
    func: &str,
    args: &[DataType],
    lits: &[Option<ScalarValue>],
) -> Result<Signature> {
    let (fields, _) = merged_fields(func, args, lits)?;
    let mut cast = args.to_vec();
    for (k, (_, t)) in named_values(func, args, lits)?.into_iter().enumerate() {
        cast[2 + 2 * k] = t;
    }
    Ok(Signature {
        args: cast,
        ret: DataType::Struct(fields),
    })
}

fn insert_signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    merge_signature("struct_insert", args, lits)
}

fn update_signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    merge_signature("struct_update", args, lits)
}

fn merge(func: &str, args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let types: Vec<DataType> = args.iter().map(ColumnarValue::data_type).collect();
    let lits: Vec<Option<ScalarValue>> = args.iter().map(|a| a.as_scalar().cloned()).collect();
    let (fields, source) = merged_fields(func, &types, &lits)?;
    let (arrays, rows, scalar) = prepare(args, num_rows)?;
    let base = children(&arrays[0]);
    let columns: Vec<ArrayRef> = source
        .iter()
        .map(|s| match *s {
            Ok(i) => base[i].clone(),
            Err(k) => arrays[2 + 2 * k].clone(),
        })
        .collect();
    let out = StructArray::try_new_with_length(fields, columns, None, rows)?;
    answer(Arc::new(out), scalar)
}

fn struct_insert(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    merge("struct_insert", args, num_rows)
}

fn struct_update(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    merge("struct_update", args, num_rows)
}

fn concat_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let err = |m: String| Error::Compute(format!("struct_concat: {m}"));
    if args.is_empty() {
        return Err(err("At least one argument is required".into()));
    }
    let mut out: Vec<FieldRef> = vec![];
    let mut unnamed: Option<bool> = None;
    for (i, a) in args.iter().enumerate() {
        let DataType::Struct(fields) = a else {
            return Err(err(format!(
                "Argument at position \"{}\" is not a STRUCT",
                i + 1
            )));
        };
        let this = is_unnamed_struct(fields);
        if unnamed.is_some_and(|u| u != this) {
            return Err(err("Cannot mix named and unnamed STRUCTs".into()));
        }
        unnamed = Some(this);
        for f in fields {
            if !this {
                if let Some(prev) = out.iter().find(|p| p.name().eq_ignore_ascii_case(f.name())) {
                    return Err(err(if prev.name() == f.name() {
                        format!("Arguments contain duplicate STRUCT entry \"{}\"", f.name())
                    } else {
                        format!(
                            "Arguments contain case-insensitive duplicate STRUCT entry \"{}\" and \"{}\"",
                            f.name(),
                            prev.name()
                        )
                    }));
                }
            }
            out.push(f.clone());
        }
    }
    Ok(Signature::keep(args, DataType::Struct(out.into())))
}

fn struct_concat(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let types: Vec<DataType> = args.iter().map(ColumnarValue::data_type).collect();
    let DataType::Struct(fields) = concat_signature(&types, &[])?.ret else {
        return Err(crate::internal_err!("struct_concat must return a struct"));
    };
    let (arrays, rows, scalar) = prepare(args, num_rows)?;
    let columns: Vec<ArrayRef> = arrays.iter().flat_map(children).collect();
    let out = StructArray::try_new_with_length(fields, columns, None, rows)?;
    answer(Arc::new(out), scalar)
}

fn values_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args {
        [DataType::Struct(fields)] => Ok(Signature::keep(args, DataType::Struct(unnamed(fields)))),
        [DataType::Null] => Ok(Signature::keep(args, DataType::Null)),
        _ => Err(crate::functions::signature_error(
            "struct_values",
            "a struct",
            args,
        )),
    }
}

fn unnamed(fields: &Fields) -> Fields {
    fields
        .iter()
        .map(|f| Field::new("", f.data_type().clone(), true))
        .collect::<Vec<_>>()
        .into()
}

fn struct_values(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    if args[0].data_type() == DataType::Null {
        return Ok(args[0].clone());
    }
    let (arrays, _, scalar) = prepare(args, num_rows)?;
    let s = arrays[0].as_struct();
    let out = StructArray::try_new_with_length(
        unnamed(s.fields()),
        s.columns().to_vec(),
        s.nulls().cloned(),
        s.len(),
    )?;
    answer(Arc::new(out), scalar)
}

fn search_signature(func: &str, args: &[DataType], ret: DataType) -> Result<Signature> {
    match args {
        [DataType::Struct(fields), _] if !is_unnamed_struct(fields) => Err(Error::Schema(format!(
            "\"{func}\" can only be used on unnamed structs (`row(...)` or `(a, b)`)"
        ))),
        [DataType::Struct(_) | DataType::Null, _] => Ok(Signature::keep(args, ret)),
        _ => Err(crate::functions::signature_error(
            func,
            "an unnamed struct and a value",
            args,
        )),
    }
}

fn contains_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    search_signature("struct_contains", args, DataType::Boolean)
}

fn position_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    search_signature("struct_position", args, DataType::Int32)
}

/// Per row, the 1-based position of the first field equal to the needle (`Some(0)` when
/// none is, `None` for a NULL struct). A NULL needle matches a NULL field only when
/// `null_matches`; otherwise it gives `None`.
fn search(
    args: &[ColumnarValue],
    num_rows: usize,
    null_matches: bool,
) -> Result<(Vec<Option<i32>>, bool)> {
    let (arrays, rows, scalar) = prepare(args, num_rows)?;
    let needle = &arrays[1];
    // Logical NULLs: an untyped NULL argument has no null buffer.
    let (struct_nulls, needle_nulls) = (arrays[0].logical_nulls(), needle.logical_nulls());
    let mut out: Vec<Option<i32>> = (0..rows)
        .map(|r| {
            let missing =
                is_null_at(&struct_nulls, r) || (is_null_at(&needle_nulls, r) && !null_matches);
            (!missing).then_some(0)
        })
        .collect();
    if arrays[0].data_type() == &DataType::Null {
        return Ok((out, scalar));
    }
    let opts = SortOptions {
        descending: false,
        nulls_first: false,
    };
    for (k, field) in arrays[0].as_struct().columns().iter().enumerate() {
        let (ft, nt) = (field.data_type(), needle.data_type());
        let Some(t) = comparison_type(ft, nt) else {
            continue;
        };
        if is_string(ft) != is_string(nt) && *ft != DataType::Null && *nt != DataType::Null {
            continue;
        }
        let f = crate::physical::expr::cast_array(field, &t, true)?;
        let n = crate::physical::expr::cast_array(needle, &t, true)?;
        let cmp = make_comparator(f.as_ref(), n.as_ref(), opts)?;
        let (f_nulls, n_nulls) = (f.logical_nulls(), n.logical_nulls());
        for (r, slot) in out.iter_mut().enumerate() {
            if *slot != Some(0) {
                continue;
            }
            let hit = match (is_null_at(&f_nulls, r), is_null_at(&n_nulls, r)) {
                (true, true) => null_matches,
                (false, false) => cmp(r, r) == Ordering::Equal,
                _ => false,
            };
            if hit {
                *slot = Some(k as i32 + 1);
            }
        }
    }
    Ok((out, scalar))
}

fn is_null_at(nulls: &Option<NullBuffer>, i: usize) -> bool {
    nulls.as_ref().is_some_and(|n| n.is_null(i))
}

fn struct_contains(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (found, scalar) = search(args, num_rows, false)?;
    let out: BooleanArray = found.into_iter().map(|p| p.map(|k| k > 0)).collect();
    answer(Arc::new(out), scalar)
}

fn struct_position(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (found, scalar) = search(args, num_rows, true)?;
    let out: Int32Array = found.into_iter().map(|p| p.filter(|k| *k > 0)).collect();
    answer(Arc::new(out), scalar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};
    use arrow::datatypes::Int32Type;

    fn tuple(a: Vec<Option<i32>>, b: Vec<Option<&str>>, named: bool) -> ColumnarValue {
        let (x, y) = if named { ("a", "b") } else { ("", "") };
        ColumnarValue::Array(Arc::new(StructArray::from(vec![
            (
                Arc::new(Field::new(x, DataType::Int32, true)),
                Arc::new(Int32Array::from(a)) as ArrayRef,
            ),
            (
                Arc::new(Field::new(y, DataType::Utf8, true)),
                Arc::new(StringArray::from(b)) as ArrayRef,
            ),
        ])))
    }

    fn lit(v: ScalarValue) -> ColumnarValue {
        ColumnarValue::Scalar(v)
    }

    #[test]
    fn contains_and_position_compare_matching_types_only() {
        let s = tuple(vec![Some(1), None], vec![Some("1"), Some("x")], false);
        let one = lit(ScalarValue::from(1i32));
        let c = struct_contains(&[s.clone(), one.clone()], 2)
            .unwrap()
            .into_array(2)
            .unwrap();
        assert_eq!(
            c.as_boolean().iter().collect::<Vec<_>>(),
            vec![Some(true), Some(false)]
        );
        let p = struct_position(&[s, lit(ScalarValue::utf8("x"))], 2)
            .unwrap()
            .into_array(2)
            .unwrap();
        assert_eq!(
            p.as_primitive::<Int32Type>().iter().collect::<Vec<_>>(),
            vec![None, Some(2)]
        );
        let named = tuple(vec![Some(1)], vec![None], true);
        assert!(contains_signature(&[named.data_type(), DataType::Int32], &[]).is_err());
    }

    #[test]
    fn insert_update_concat_values() {
        let s = tuple(vec![Some(1)], vec![Some("x")], true);
        let name = |n: &str| lit(ScalarValue::utf8(n));
        let v = lit(ScalarValue::from(7i32));
        let ins = struct_insert(&[s.clone(), name("c"), v.clone()], 1).unwrap();
        let DataType::Struct(f) = ins.data_type() else {
            panic!()
        };
        assert_eq!(f.len(), 3);
        let upd = struct_update(&[s.clone(), name("B"), v], 1).unwrap();
        let DataType::Struct(f) = upd.data_type() else {
            panic!()
        };
        assert_eq!(f[1].name(), "B");
        assert_eq!(f[1].data_type(), &DataType::Int32);
        assert!(insert_signature(
            &[s.data_type(), DataType::Utf8, DataType::Int32],
            &[None, Some(ScalarValue::utf8("a")), None]
        )
        .is_err());
        let other = tuple(vec![Some(2)], vec![None], true);
        assert!(concat_signature(&[s.data_type(), other.data_type()], &[]).is_err());
        let vals = struct_values(&[s], 1).unwrap();
        let DataType::Struct(f) = vals.data_type() else {
            panic!()
        };
        assert!(is_unnamed_struct(&f));
    }
}
