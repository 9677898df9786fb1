//! Casting VARCHAR to lists and structs: DuckDB's text forms `[1, 2, NULL]`,
//! `{a: 1, 'b': [x, y]}` and `(1, 2)` (a struct by position) are parsed back.
//!
//! Each value is split into the raw texts of its elements (at commas outside brackets and
//! quotes), level by level as the target type nests, and the leaves are cast from VARCHAR
//! with the engine's ordinary cast, so `'[1, x]'::INT[]` fails as `'x'::INT` does. An
//! unquoted `NULL` is NULL; a quoted element (`'b c'`, `"x"`) is unquoted (`\'` and `''`
//! are quotes inside). A struct text may leave out fields (they are NULL) but not name
//! unknown ones.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, ListArray, StringArray, StructArray};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::datatypes::DataType;

use crate::error::{Error, Result};

/// Whether a VARCHAR cast to this type goes through [`string_to_nested`].
pub fn is_parsed_from_string(t: &DataType) -> bool {
    matches!(t, DataType::List(_) | DataType::Struct(_))
}

/// Parses each string of `a` (a VARCHAR array) as a value of the list or struct type `to`.
/// With `try_cast`, a text that does not parse gives NULL instead of an error.
pub fn string_to_nested(a: &ArrayRef, to: &DataType, try_cast: bool) -> Result<ArrayRef> {
    let a = arrow::compute::cast(a, &DataType::Utf8)?;
    let texts: Vec<Option<String>> = a
        .as_string::<i32>()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect();
    build(texts, to, try_cast)
}

fn cannot_cast(text: &str, to: &DataType) -> Error {
    let shown: String = text.chars().take(200).collect();
    Error::Compute(format!(
        "could not convert string: Type VARCHAR with value '{shown}' can't be cast to the destination type {to}"
    ))
}

/// The array of type `to` holding the parsed `texts` (raw element texts; `None` is NULL).
fn build(texts: Vec<Option<String>>, to: &DataType, try_cast: bool) -> Result<ArrayRef> {
    match to {
        DataType::List(field) => {
            let mut elements: Vec<Option<String>> = vec![];
            let mut lengths = Vec::with_capacity(texts.len());
            let mut valid = Vec::with_capacity(texts.len());
            for t in &texts {
                let parts = match t.as_deref().map(|s| split(s, '[', ']')) {
                    None => None,
                    Some(Some(parts)) => Some(parts),
                    Some(None) if try_cast => None,
                    Some(None) => return Err(cannot_cast(t.as_deref().unwrap_or(""), to)),
                };
                lengths.push(parts.as_ref().map_or(0, Vec::len));
                valid.push(parts.is_some());
                elements.extend(parts.into_iter().flatten().map(element));
            }
            let values = build(elements, field.data_type(), try_cast)?;
            Ok(Arc::new(ListArray::try_new(
                field.clone(),
                OffsetBuffer::from_lengths(lengths),
                values,
                Some(NullBuffer::from(valid)),
            )?))
        }
        DataType::Struct(fields) => {
            let mut columns: Vec<Vec<Option<String>>> = vec![vec![]; fields.len()];
            let mut valid = Vec::with_capacity(texts.len());
            for t in &texts {
                let parsed = t.as_deref().map(|s| struct_members(s, fields));
                let members = match parsed {
                    None => None,
                    Some(Some(m)) => Some(m),
                    Some(None) if try_cast => None,
                    Some(None) => return Err(cannot_cast(t.as_deref().unwrap_or(""), to)),
                };
                valid.push(members.is_some());
                let mut members = members.unwrap_or_else(|| vec![None; fields.len()]);
                for (c, m) in columns.iter_mut().zip(members.iter_mut()) {
                    c.push(m.take());
                }
            }
            let arrays = columns
                .into_iter()
                .zip(fields.iter())
                .map(|(c, f)| build(c, f.data_type(), try_cast))
                .collect::<Result<Vec<_>>>()?;
            Ok(Arc::new(StructArray::try_new_with_length(
                fields.clone(),
                arrays,
                Some(NullBuffer::from(valid)),
                texts.len(),
            )?))
        }
        leaf => {
            let strings: ArrayRef = Arc::new(StringArray::from(texts));
            super::expr::cast_array(&strings, leaf, try_cast)
        }
    }
}

/// The raw member texts of a struct text, in field order (`None`: absent or NULL), or
/// `None` when the text is not a struct of these fields.
fn struct_members(s: &str, fields: &arrow::datatypes::Fields) -> Option<Vec<Option<String>>> {
    let t = s.trim();
    if t.starts_with('(') {
        // By position.
        let parts = split(t, '(', ')')?;
        if parts.len() != fields.len() {
            return None;
        }
        return Some(parts.into_iter().map(element).collect());
    }
    let mut out = vec![None; fields.len()];
    for part in split(t, '{', '}')? {
        let colon = top_level(&part, ':')?;
        let key = unquote(part[..colon].trim());
        let value = part[colon + 1..].to_string();
        let i = fields
            .iter()
            .position(|f| f.name().eq_ignore_ascii_case(&key))?;
        out[i] = element(value);
    }
    Some(out)
}

/// An element's text: `None` for an unquoted NULL, unquoted if quoted, else trimmed.
fn element(raw: String) -> Option<String> {
    let t = raw.trim();
    if t.eq_ignore_ascii_case("null") {
        return None;
    }
    Some(unquote(t))
}

fn unquote(t: &str) -> String {
    let quoted = t.len() >= 2
        && ((t.starts_with('\'') && t.ends_with('\'')) || (t.starts_with('"') && t.ends_with('"')));
    if !quoted {
        return t.to_string();
    }
    let q = t.chars().next().unwrap_or('\'');
    let inner = &t[1..t.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            c if c == q && chars.peek() == Some(&q) => {
                chars.next();
                out.push(q);
            }
            c => out.push(c),
        }
    }
    out
}

/// The byte position of the first `ch` outside brackets and quotes.
fn top_level(s: &str, ch: char) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth -= 1,
            c if c == ch && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// The comma-separated raw parts between `open` and `close` (which must enclose the whole
/// trimmed text), or `None` when the text is not of that shape.
fn split(s: &str, open: char, close: char) -> Option<Vec<String>> {
    let t = s.trim();
    let inner = t.strip_prefix(open)?.strip_suffix(close)?;
    let mut parts = vec![];
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            ',' if depth == 0 => {
                parts.push(inner[start..i].to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 || quote.is_some() {
        return None;
    }
    let last = &inner[start..];
    if !(parts.is_empty() && last.trim().is_empty()) {
        parts.push(last.to_string());
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Array;
    use arrow::datatypes::{Field, Int32Type};

    fn list_of(t: DataType) -> DataType {
        DataType::List(Arc::new(Field::new_list_field(t, true)))
    }

    #[test]
    fn parses_lists_and_structs() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![
            Some(" [1, NULL , 3] "),
            Some("[]"),
            None,
        ]));
        let out = string_to_nested(&a, &list_of(DataType::Int32), false).unwrap();
        let l = out.as_list::<i32>();
        let first: Vec<Option<i32>> = l.value(0).as_primitive::<Int32Type>().iter().collect();
        assert_eq!(first, vec![Some(1), None, Some(3)]);
        assert_eq!(l.value_length(1), 0);
        assert!(l.is_null(2));

        let st = DataType::Struct(
            vec![
                Field::new("a", DataType::Int32, true),
                Field::new("b", list_of(DataType::Utf8), true),
            ]
            .into(),
        );
        let a: ArrayRef = Arc::new(StringArray::from(vec!["{a: 1, 'b': [x, 'y, z', \"\"]}"]));
        let out = string_to_nested(&a, &st, false).unwrap();
        let b = out.as_struct().column(1).as_list::<i32>().value(0);
        let b: Vec<Option<&str>> = b.as_string::<i32>().iter().collect();
        assert_eq!(b, vec![Some("x"), Some("y, z"), Some("")]);
    }

    #[test]
    fn malformed_text_fails_or_is_null() {
        let a: ArrayRef = Arc::new(StringArray::from(vec!["[1, 2"]));
        let t = list_of(DataType::Int32);
        let err = string_to_nested(&a, &t, false).unwrap_err().to_string();
        assert!(
            err.contains("can't be cast to the destination type"),
            "{err}"
        );
        assert!(string_to_nested(&a, &t, true).unwrap().is_null(0));
    }
}
