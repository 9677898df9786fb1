//! Generic functions of DuckDB's that work on any type: `error(message)` (fails the query
//! with the message when evaluated on a row), `assert_true(condition[, message])` (fails
//! unless the condition is true), `constant_or_null(value, args...)` (the value, or NULL
//! on rows where any other argument is NULL) and `replace_type(value, from, to)` (casts
//! the value where its type, or a type inside it, is `from`'s type: to `to`'s type).
//!
//! `error` and `assert_true` are volatile so they are never folded at plan time: inside a
//! CASE they fire only for the rows that reach them.

use std::sync::Arc;

use arrow::array::{Array, AsArray, NullArray};
use arrow::compute::kernels::zip::zip;
use arrow::datatypes::{DataType, Field};

use super::util::{arg, check_arity, string_target, volatile, Shape, Strs};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(volatile("error", &[], sig_error, invoke_error));
    r.add_scalar(volatile(
        "assert_true",
        &[],
        sig_assert_true,
        invoke_assert_true,
    ));
    r.add_scalar(super::util::def(
        "constant_or_null",
        &[],
        sig_constant_or_null,
        invoke_constant_or_null,
    ));
    r.add_scalar(super::util::def(
        "replace_type",
        &[],
        sig_replace_type,
        invoke_replace_type,
    ));
}

fn sig_error(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("error", args, 1, 1).map_err(|_| signature_error("error", "(VARCHAR)", args))?;
    // Any message is read as text.
    let t = string_target(&args[0]).unwrap_or(DataType::Utf8);
    Ok(Signature {
        args: vec![t],
        ret: DataType::Null,
    })
}

/// Raises the first non-NULL message of the rows the call runs on.
fn invoke_error(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let rows = if shape.scalar {
        num_rows.min(1)
    } else {
        shape.len
    };
    let m = Strs::new(arg(args, 0, "error")?, "error")?;
    if let Some(msg) = (0..rows).find_map(|i| m.get(i)) {
        return Err(Error::InvalidData(msg.to_string()));
    }
    Ok(ColumnarValue::Array(Arc::new(NullArray::new(shape.len))))
}

fn sig_assert_true(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(BOOLEAN condition[, VARCHAR message])";
    check_arity("assert_true", args, 1, 2)
        .map_err(|_| signature_error("assert_true", expected, args))?;
    if !matches!(args[0], DataType::Boolean | DataType::Null) {
        return Err(signature_error("assert_true", expected, args));
    }
    let mut cast = vec![DataType::Boolean];
    if let Some(t) = args.get(1) {
        cast.push(string_target(t).ok_or_else(|| {
            Error::Schema(format!(
                "Cannot concatenate types VARCHAR and {}",
                super::conditional::duckdb_type_name(t)
            ))
        })?);
    }
    Ok(Signature {
        args: cast,
        ret: DataType::Null,
    })
}

fn invoke_assert_true(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    const F: &str = "assert_true";
    let shape = Shape::of(args);
    let rows = if shape.scalar {
        num_rows.min(1)
    } else {
        shape.len
    };
    let cond = arg(args, 0, F)?.to_array(shape.len)?;
    let cond = cond.as_boolean();
    let msg = args.get(1).map(|m| Strs::new(m, F)).transpose()?;
    for i in 0..rows {
        if cond.is_valid(i) && cond.value(i) {
            continue;
        }
        let text = match msg.as_ref().and_then(|m| m.get(i)) {
            Some(m) => format!("Assertion: {m}"),
            None => "Assertion failed".to_string(),
        };
        return Err(Error::InvalidData(text));
    }
    Ok(ColumnarValue::Array(Arc::new(NullArray::new(shape.len))))
}

fn sig_constant_or_null(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("constant_or_null", args, 2, usize::MAX)?;
    Ok(Signature::keep(args, args[0].clone()))
}

fn invoke_constant_or_null(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "constant_or_null";
    let shape = Shape::of(args);
    let value = arg(args, 0, F)?.to_array(shape.len)?;
    let mut keep = arrow::array::BooleanArray::from(vec![true; shape.len]);
    for a in &args[1..] {
        let a = a.to_array(shape.len)?;
        let valid = arrow::compute::is_not_null(&a)?;
        keep = arrow::compute::and(&keep, &valid)?;
    }
    let nulls = arrow::array::new_null_array(value.data_type(), shape.len);
    let out = zip(&keep, &value, &nulls)?;
    shape.wrap(out)
}

/// `t` with every occurrence of `from` (also inside lists and structs) replaced by `to`.
fn replace(t: &DataType, from: &DataType, to: &DataType) -> DataType {
    if t == from {
        return to.clone();
    }
    let field = |f: &Arc<Field>| {
        Arc::new(Field::new(
            f.name(),
            replace(f.data_type(), from, to),
            f.is_nullable(),
        ))
    };
    match t {
        DataType::List(f) => DataType::List(field(f)),
        DataType::LargeList(f) => DataType::LargeList(field(f)),
        DataType::FixedSizeList(f, n) => DataType::FixedSizeList(field(f), *n),
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(field).collect()),
        other => other.clone(),
    }
}

fn sig_replace_type(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("replace_type", args, 3, 3)?;
    if args[2] == DataType::Null {
        return Err(Error::Schema(
            "replace_type: NULL cannot be used to replace type with NULL; give the third argument a type (`NULL::INTEGER`)".into(),
        ));
    }
    // The engine casts the value to the replaced type before the call.
    let target = replace(&args[0], &args[1], &args[2]);
    Ok(Signature {
        args: vec![target.clone(), args[1].clone(), args[2].clone()],
        ret: target,
    })
}

fn invoke_replace_type(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    Ok(arg(args, 0, "replace_type")?.clone())
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{call, lit, null};
    use super::*;

    #[test]
    fn error_and_assert_fail_with_their_messages() {
        let e = call("error", vec![lit("boom")]).unwrap_err().to_string();
        assert!(e.contains("boom"), "{e}");
        let e = call("assert_true", vec![lit(false), lit("custom")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("Assertion: custom"), "{e}");
        let e = call("assert_true", vec![null(DataType::Boolean)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("Assertion failed"), "{e}");
        assert!(call("assert_true", vec![lit(true)]).is_ok());
    }

    #[test]
    fn constant_or_null_follows_the_other_arguments() {
        let out = call(
            "constant_or_null",
            vec![
                lit(1i64),
                ColumnarValue::Array(arrow::array::new_null_array(&DataType::Int64, 1)),
            ],
        )
        .unwrap();
        assert!(out.to_array(1).unwrap().is_null(0));
        let t = replace(
            &DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            &DataType::Utf8,
            &DataType::Int32,
        );
        assert_eq!(
            t,
            DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true)))
        );
    }
}
