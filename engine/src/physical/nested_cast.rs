//! DuckDB's casts of nested values that Arrow's cast kernel does differently or not at
//! all: a struct to a struct matches fields by name (case-insensitively; target fields
//! the source lacks are NULL, source fields the target lacks are dropped), or by position
//! when either side is unnamed, also inside lists; and a list or struct to VARCHAR gives
//! DuckDB's text form: `[1, 2, NULL]`, `{'a': 1, 'b': x}`, and `(1, x)` for an unnamed
//! struct.
//!
//! Arrow has no such cast. Elements are first cast to VARCHAR with the engine's own cast
//! (so numbers, dates and nested elements read as they do at the top level), then joined.
//! A string element is quoted (`'it\'s'`) when it would otherwise be ambiguous: when it is
//! empty, starts or ends with a space, reads `NULL`, or holds one of `,[]{}=:'"\()`.

use std::sync::Arc;

use arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, LargeListArray, ListArray, StringArray,
    StringBuilder, StructArray,
};
use arrow::datatypes::{DataType, Fields};

use crate::error::{Error, Result};
use crate::types::{is_string, is_unnamed_struct};

/// Whether casting `from` to `to` meets a struct-to-struct cast (at the top or inside
/// lists), which [`cast_nested`] does by DuckDB's rules.
pub fn needs_nested_cast(from: &DataType, to: &DataType) -> bool {
    use DataType::*;
    match (from, to) {
        (Struct(_), Struct(_)) => true,
        (List(f) | LargeList(f) | FixedSizeList(f, _), List(t) | LargeList(t)) => {
            needs_nested_cast(f.data_type(), t.data_type())
        }
        _ => false,
    }
}

/// Casts a struct (or a list of them) field by field, see the module docs.
pub fn cast_nested(a: &ArrayRef, to: &DataType, try_cast: bool) -> Result<ArrayRef> {
    let cast = |x: &ArrayRef, t: &DataType| super::expr::cast_array(x, t, try_cast);
    match (a.data_type(), to) {
        (DataType::Struct(from_fields), DataType::Struct(to_fields)) => {
            let s = a.as_struct();
            let columns = struct_sources(from_fields, to_fields)?
                .into_iter()
                .zip(to_fields.iter())
                .map(|(src, f)| match src {
                    Some(i) => cast(s.column(i), f.data_type()),
                    None => Ok(new_null_array(f.data_type(), s.len())),
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Arc::new(StructArray::try_new_with_length(
                to_fields.clone(),
                columns,
                s.nulls().cloned(),
                s.len(),
            )?))
        }
        (DataType::List(_), DataType::List(f)) => {
            let l = a.as_list::<i32>();
            let values = cast(l.values(), f.data_type())?;
            Ok(Arc::new(ListArray::try_new(
                f.clone(),
                l.offsets().clone(),
                values,
                l.nulls().cloned(),
            )?))
        }
        (DataType::LargeList(_), DataType::LargeList(f)) => {
            let l = a.as_list::<i64>();
            let values = cast(l.values(), f.data_type())?;
            Ok(Arc::new(LargeListArray::try_new(
                f.clone(),
                l.offsets().clone(),
                values,
                l.nulls().cloned(),
            )?))
        }
        (DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _), target) => {
            // Change the list layout first (keeping the elements), then the elements.
            let relaid = match target {
                DataType::List(_) => DataType::List(f.clone()),
                _ => DataType::LargeList(f.clone()),
            };
            let relaid = arrow::compute::cast(a, &relaid)?;
            cast_nested(&relaid, to, try_cast)
        }
        (from, to) => Err(crate::internal_err!(
            "cast_nested called for {from} to {to}"
        )),
    }
}

/// For each target field, the source field it takes its values from (`None`: NULLs).
fn struct_sources(from: &Fields, to: &Fields) -> Result<Vec<Option<usize>>> {
    let mismatch = |why: &str| {
        Error::Schema(format!(
            "STRUCT to STRUCT cast {why}, inputs are ({}) and ({})",
            DataType::Struct(from.clone()),
            DataType::Struct(to.clone())
        ))
    };
    if is_unnamed_struct(from) || is_unnamed_struct(to) {
        if from.len() != to.len() {
            return Err(mismatch(
                "between an unnamed and another struct needs as many members",
            ));
        }
        return Ok((0..to.len()).map(Some).collect());
    }
    let sources: Vec<Option<usize>> = to
        .iter()
        .map(|t| {
            from.iter()
                .position(|f| f.name().eq_ignore_ascii_case(t.name()))
        })
        .collect();
    if sources.iter().all(Option::is_none) {
        return Err(mismatch("must have at least one matching member"));
    }
    Ok(sources)
}

/// Whether [`nested_to_string`] handles values of this type.
pub fn is_castable_to_string(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::Struct(_)
    )
}

/// Each value of a list or struct array as DuckDB's VARCHAR text (NULL stays NULL).
pub fn nested_to_string(a: &ArrayRef) -> Result<ArrayRef> {
    let mut out = StringBuilder::new();
    match a.data_type() {
        DataType::List(_) => {
            let l = a.as_list::<i32>();
            let items = element_texts(l.values())?;
            let o = l.value_offsets();
            for r in 0..l.len() {
                append_list(
                    &mut out,
                    l.is_null(r),
                    &items,
                    o[r] as usize..o[r + 1] as usize,
                );
            }
        }
        DataType::LargeList(_) => {
            let l = a.as_list::<i64>();
            let items = element_texts(l.values())?;
            let o = l.value_offsets();
            for r in 0..l.len() {
                append_list(
                    &mut out,
                    l.is_null(r),
                    &items,
                    o[r] as usize..o[r + 1] as usize,
                );
            }
        }
        DataType::FixedSizeList(_, n) => {
            let l = a.as_fixed_size_list();
            let items = element_texts(l.values())?;
            let n = *n as usize;
            for r in 0..l.len() {
                append_list(&mut out, l.is_null(r), &items, r * n..(r + 1) * n);
            }
        }
        DataType::Struct(fields) => {
            let s = a.as_struct();
            let unnamed = is_unnamed_struct(fields);
            let columns = s
                .columns()
                .iter()
                .map(element_texts)
                .collect::<Result<Vec<_>>>()?;
            for r in 0..s.len() {
                if s.is_null(r) {
                    out.append_null();
                    continue;
                }
                let mut text = String::from(if unnamed { "(" } else { "{" });
                for (k, (f, c)) in fields.iter().zip(&columns).enumerate() {
                    if k > 0 {
                        text.push_str(", ");
                    }
                    if !unnamed {
                        text.push('\'');
                        text.push_str(&escape(f.name()));
                        text.push_str("': ");
                    }
                    text.push_str(c[r].as_deref().unwrap_or("NULL"));
                }
                if unnamed && fields.len() == 1 {
                    text.push(',');
                }
                text.push(if unnamed { ')' } else { '}' });
                out.append_value(text);
            }
        }
        other => return Err(crate::internal_err!("nested_to_string called on {other}")),
    }
    Ok(Arc::new(out.finish()))
}

fn append_list(
    out: &mut StringBuilder,
    null: bool,
    items: &[Option<String>],
    range: std::ops::Range<usize>,
) {
    if null {
        out.append_null();
        return;
    }
    let parts: Vec<&str> = items[range]
        .iter()
        .map(|x| x.as_deref().unwrap_or("NULL"))
        .collect();
    out.append_value(format!("[{}]", parts.join(", ")));
}

/// The text of every element of `values`, quoted where a string element needs it.
fn element_texts(values: &ArrayRef) -> Result<Vec<Option<String>>> {
    let strings = super::expr::cast_array(values, &DataType::Utf8, false)?;
    let strings: &StringArray = strings.as_string::<i32>();
    let quote = is_string(values.data_type());
    Ok(strings
        .iter()
        .map(|v| {
            v.map(|s| {
                if quote && needs_quotes(s) {
                    format!("'{}'", escape(s))
                } else {
                    s.to_string()
                }
            })
        })
        .collect())
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.eq_ignore_ascii_case("null")
        || s.chars().any(|c| ",[]{}=:'\"\\()".contains(c))
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, ListArray, StructArray};
    use arrow::datatypes::{Field, Int32Type};

    #[test]
    fn lists_and_structs_read_like_duckdb() {
        let l: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), None]),
            None,
        ]));
        let t = nested_to_string(&l).unwrap();
        let t = t.as_string::<i32>();
        assert_eq!(t.value(0), "[1, NULL]");
        assert!(t.is_null(1));
        let s: ArrayRef = Arc::new(StructArray::from(vec![
            (
                Arc::new(Field::new("a", DataType::Int32, true)),
                Arc::new(Int32Array::from(vec![1])) as ArrayRef,
            ),
            (
                Arc::new(Field::new("b c", DataType::Utf8, true)),
                Arc::new(StringArray::from(vec!["it's"])) as ArrayRef,
            ),
        ]));
        let t = nested_to_string(&s).unwrap();
        assert_eq!(t.as_string::<i32>().value(0), "{'a': 1, 'b c': 'it\\'s'}");
    }
}
