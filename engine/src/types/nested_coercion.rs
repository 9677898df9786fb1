//! The common type of two nested types (lists, fixed-size arrays, structs), found
//! element-wise and field-wise with the scalar rule of the context (a comparison or a
//! union of CASE branches / VALUES rows).
//!
//! DuckDB's rules: lists meet at a list of the elements' common type; a fixed-size array
//! meets a list (or an array of another size) as a list; structs meet field by field when
//! their field names match (in any order; the left side's order wins), and an unnamed
//! struct (a tuple such as `(1, 'x')`, whose fields have empty names) meets any struct of
//! the same width position by position, taking the other side's names.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields};

/// A scalar common-type rule: `comparison_type` or `union_type`.
pub(crate) type ElementRule = fn(&DataType, &DataType) -> Option<DataType>;

/// Whether a struct's fields are unnamed (a tuple / `row(...)` value).
pub fn is_unnamed_struct(fields: &Fields) -> bool {
    !fields.is_empty() && fields.iter().all(|f| f.name().is_empty())
}

fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(t, true)))
}

/// The common type of two types of which at least one is nested, or `None` when they do
/// not meet (different nesting, structs with different fields).
pub(crate) fn nested_common_type(
    a: &DataType,
    b: &DataType,
    elem: ElementRule,
) -> Option<DataType> {
    use DataType::*;
    let elem = |x: &DataType, y: &DataType| element_type(x, y, elem);
    match (a, b) {
        (List(x), List(y)) => Some(list_of(elem(x.data_type(), y.data_type())?)),
        (LargeList(x), LargeList(y)) | (LargeList(x), List(y)) | (List(x), LargeList(y)) => {
            let t = elem(x.data_type(), y.data_type())?;
            Some(LargeList(Arc::new(Field::new_list_field(t, true))))
        }
        (FixedSizeList(x, n), FixedSizeList(y, m)) if n == m => {
            let t = elem(x.data_type(), y.data_type())?;
            Some(FixedSizeList(Arc::new(Field::new_list_field(t, true)), *n))
        }
        (FixedSizeList(x, _), FixedSizeList(y, _))
        | (FixedSizeList(x, _), List(y))
        | (List(x), FixedSizeList(y, _)) => Some(list_of(elem(x.data_type(), y.data_type())?)),
        (Struct(x), Struct(y)) => struct_common_type(x, y, elem),
        _ => None,
    }
}

/// Elements meet by `rule`, except that inside nested values a string never meets a
/// non-string (DuckDB refuses `CASE .. THEN {'i': [1]} ELSE {'i': ['a']} END`).
fn element_type(x: &DataType, y: &DataType, rule: ElementRule) -> Option<DataType> {
    use crate::types::is_string;
    let untyped = |t: &DataType| *t == DataType::Null;
    if is_string(x) != is_string(y) && !untyped(x) && !untyped(y) {
        return None;
    }
    rule(x, y)
}

fn struct_common_type(
    x: &Fields,
    y: &Fields,
    elem: impl Fn(&DataType, &DataType) -> Option<DataType>,
) -> Option<DataType> {
    if x.len() != y.len() {
        return None;
    }
    let positional = is_unnamed_struct(x)
        || is_unnamed_struct(y)
        || x.iter()
            .zip(y.iter())
            .all(|(a, b)| a.name().eq_ignore_ascii_case(b.name()));
    let fields: Vec<Field> = if positional {
        // Names from the named side (the left one when both are named).
        let names = if is_unnamed_struct(x) { y } else { x };
        x.iter()
            .zip(y.iter())
            .zip(names.iter())
            .map(|((a, b), n)| {
                Some(Field::new(
                    n.name(),
                    elem(a.data_type(), b.data_type())?,
                    true,
                ))
            })
            .collect::<Option<_>>()?
    } else {
        // Same names in another order: matched by name, in the left side's order.
        x.iter()
            .map(|a| {
                let b = y.iter().find(|b| b.name().eq_ignore_ascii_case(a.name()))?;
                Some(Field::new(
                    a.name(),
                    elem(a.data_type(), b.data_type())?,
                    true,
                ))
            })
            .collect::<Option<_>>()?
    };
    Some(DataType::Struct(fields.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{comparison_type, union_type};
    use DataType::*;

    fn st(fields: &[(&str, DataType)]) -> DataType {
        Struct(
            fields
                .iter()
                .map(|(n, t)| Field::new(*n, t.clone(), true))
                .collect::<Vec<_>>()
                .into(),
        )
    }

    #[test]
    fn lists_and_arrays_meet_elementwise() {
        assert_eq!(
            nested_common_type(&list_of(Int32), &list_of(Float64), comparison_type),
            Some(list_of(Float64))
        );
        let arr = FixedSizeList(Arc::new(Field::new_list_field(Int64, true)), 2);
        assert_eq!(
            nested_common_type(&arr, &list_of(Int32), comparison_type),
            Some(list_of(Int64))
        );
        assert_eq!(
            nested_common_type(&list_of(Int32), &Int32, union_type),
            None
        );
    }

    #[test]
    fn structs_meet_by_name_or_position() {
        let named = st(&[("i", Int32), ("s", Utf8)]);
        let nulls = st(&[("i", Null), ("s", Null)]);
        assert_eq!(
            nested_common_type(&named, &nulls, union_type),
            Some(named.clone())
        );
        let tuple = st(&[("", Int64), ("", Utf8)]);
        assert_eq!(
            nested_common_type(&tuple, &named, union_type),
            Some(st(&[("i", Int64), ("s", Utf8)]))
        );
        let swapped = st(&[("s", Utf8), ("i", Int64)]);
        assert_eq!(
            nested_common_type(&named, &swapped, comparison_type),
            Some(st(&[("i", Int64), ("s", Utf8)]))
        );
        assert_eq!(
            nested_common_type(&named, &st(&[("x", Int32), ("y", Utf8)]), union_type),
            None
        );
    }
}
