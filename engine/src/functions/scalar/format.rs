//! `format` (`{}` placeholders) and `printf` (`%s`, `%d`, `%f`, `%.2f`, `%%`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, StringArray};
use arrow::datatypes::DataType;

use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "format",
        aliases: &[],
        signature: format_signature,
        invoke: format,
        volatile: false,
    });
    r.add_scalar(ScalarFunctionDef {
        name: "printf",
        aliases: &[],
        signature: format_signature,
        invoke: printf,
        volatile: false,
    });
}

fn format_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args.first() {
        Some(t) if is_string(t) || *t == DataType::Null => {
            let mut cast = args.to_vec();
            cast[0] = DataType::Utf8;
            Ok(Signature {
                args: cast,
                ret: DataType::Utf8,
            })
        }
        _ => Err(signature_error(
            "format",
            "a format string and values",
            args,
        )),
    }
}

/// Every argument rendered per row (NULL as `NULL`), with the format strings.
fn rendered(args: &[ColumnarValue], num_rows: usize) -> Result<(usize, bool, Vec<ArrayRef>)> {
    let scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if scalar { 1 } else { num_rows };
    let arrays = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<Vec<_>>>()?;
    Ok((rows, scalar, arrays))
}

fn value_text(a: &ArrayRef, r: usize) -> Result<String> {
    if a.is_null(r) {
        return Ok("NULL".into());
    }
    Ok(ScalarValue::from_array_at(a.as_ref(), r).to_display_string())
}

fn build(
    rows: usize,
    scalar: bool,
    f: impl Fn(usize) -> Result<Option<String>>,
) -> Result<ColumnarValue> {
    let out: StringArray = (0..rows)
        .map(f)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .collect();
    let out: ArrayRef = Arc::new(out);
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
    } else {
        ColumnarValue::Array(out)
    })
}

fn format(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (rows, scalar, arrays) = rendered(args, num_rows)?;
    build(rows, scalar, |r| {
        if arrays[0].is_null(r) {
            return Ok(None);
        }
        let fmt = value_text(&arrays[0], r)?;
        let mut out = String::new();
        let mut next = 1;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '{' => {
                    // `{}` or `{:spec}`: the spec is ignored but for its closing brace.
                    for d in chars.by_ref() {
                        if d == '}' {
                            break;
                        }
                    }
                    let a = arrays.get(next).ok_or_else(|| {
                        Error::Compute(format!(
                            "format string `{fmt}` has more placeholders than arguments"
                        ))
                    })?;
                    out.push_str(&value_text(a, r)?);
                    next += 1;
                }
                other => out.push(other),
            }
        }
        Ok(Some(out))
    })
}

fn printf(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let (rows, scalar, arrays) = rendered(args, num_rows)?;
    build(rows, scalar, |r| {
        if arrays[0].is_null(r) {
            return Ok(None);
        }
        let fmt = value_text(&arrays[0], r)?;
        let mut out = String::new();
        let mut next = 1;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = String::new();
            while let Some(&d) = chars.peek() {
                spec.push(d);
                chars.next();
                if d.is_ascii_alphabetic() || d == '%' {
                    break;
                }
            }
            if spec == "%" {
                out.push('%');
                continue;
            }
            let a = arrays.get(next).ok_or_else(|| {
                Error::Compute(format!(
                    "printf format `{fmt}` has more placeholders than arguments"
                ))
            })?;
            next += 1;
            let conv = spec.chars().last().unwrap_or('s');
            let precision: Option<usize> = spec.split_once('.').and_then(|(_, p)| {
                p.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .parse()
                    .ok()
            });
            let text = match conv {
                'f' | 'F' | 'e' | 'g' => {
                    let v = ScalarValue::from_array_at(a.as_ref(), r).as_f64();
                    match v {
                        Some(v) => format!("{v:.*}", precision.unwrap_or(6)),
                        None => "NULL".into(),
                    }
                }
                _ => value_text(a, r)?,
            };
            let width: Option<usize> = spec
                .trim_start_matches(['-', '0'])
                .split(['.', conv])
                .next()
                .and_then(|w| w.parse().ok());
            match width {
                Some(w) if spec.starts_with('-') => out.push_str(&format!("{text:<w$}")),
                Some(w) if spec.starts_with('0') => out.push_str(&format!("{text:0>w$}")),
                Some(w) => out.push_str(&format!("{text:>w$}")),
                None => out.push_str(&text),
            }
        }
        Ok(Some(out))
    })
}
