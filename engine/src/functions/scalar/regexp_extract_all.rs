//! `regexp_extract_all(string, pattern[, group][, options])`: every match of a pattern,
//! and `regexp_extract_all(string, pattern, ['name', ...][, options])`: every match as a
//! struct of its named capture groups (DuckDB 1.4's multi-match variant).
//!
//! The group names must be a constant list (they are the struct's field names, part of
//! the result type); a group that did not take part in a match is NULL.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListArray, ListBuilder, StringBuilder, StructArray,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Fields, Int64Type};

use super::string::{parse_flags, Patterns};
use super::util::{arg, Shape, Strs};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_string, ScalarValue};

const F: &str = "regexp_extract_all";

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(super::util::def(F, &[], signature, invoke));
}

fn text(t: &DataType) -> bool {
    is_string(t) || *t == DataType::Null
}

/// The group names of a name-list argument given as a literal.
fn group_names(lit: Option<&ScalarValue>) -> Result<Vec<String>> {
    let Some(lit) = lit else {
        return Err(Error::Plan(format!(
            "`{F}`: the list of group names must be a constant such as ['name', 'value']"
        )));
    };
    let array = lit.as_array();
    let list = array
        .as_list_opt::<i32>()
        .ok_or_else(|| Error::Plan(format!("`{F}`: the group names must be a list of strings")))?;
    if list.is_null(0) {
        return Err(Error::Plan(format!(
            "`{F}`: the list of group names is NULL"
        )));
    }
    let values = arrow::compute::cast(&list.value(0), &DataType::Utf8)?;
    let names: Vec<String> = values
        .as_string::<i32>()
        .iter()
        .map(|n| n.unwrap_or_default().to_string())
        .collect();
    if names.is_empty() {
        return Err(Error::Plan(format!(
            "`{F}`: the list of group names is empty"
        )));
    }
    let mut seen = HashSet::new();
    if let Some(dup) = names.iter().find(|n| !seen.insert(n.as_str())) {
        return Err(Error::Plan(format!("`{F}`: duplicate group name `{dup}`")));
    }
    Ok(names)
}

fn struct_type(names: &[String]) -> DataType {
    DataType::Struct(
        names
            .iter()
            .map(|n| Field::new(n, DataType::Utf8, true))
            .collect(),
    )
}

fn signature(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    let utf8 = DataType::Utf8;
    let list_of = |t: DataType| DataType::List(Arc::new(Field::new_list_field(t, true)));
    let bad = || {
        signature_error(
            F,
            "(string, pattern[, group INTEGER][, options]) or (string, pattern, names VARCHAR[][, options])",
            args,
        )
    };
    if args.len() < 2 || args.len() > 4 || !text(&args[0]) || !text(&args[1]) {
        return Err(bad());
    }
    if args.len() == 4 && !text(&args[3]) {
        return Err(bad());
    }
    let options = || (args.len() == 4).then(|| utf8.clone());
    match args.get(2) {
        None => Ok(Signature {
            args: vec![utf8.clone(), utf8.clone()],
            ret: list_of(utf8),
        }),
        Some(t) if t.is_integer() || *t == DataType::Null => Ok(Signature {
            args: [utf8.clone(), utf8.clone(), DataType::Int64]
                .into_iter()
                .chain(options())
                .collect(),
            ret: list_of(utf8),
        }),
        Some(DataType::List(_)) => {
            let names = group_names(lits.get(2).and_then(Option::as_ref))?;
            Ok(Signature {
                args: [utf8.clone(), utf8.clone(), args[2].clone()]
                    .into_iter()
                    .chain(options())
                    .collect(),
                ret: list_of(struct_type(&names)),
            })
        }
        _ => Err(bad()),
    }
}

fn invoke(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let opts = parse_flags(F, args.get(3), false)?;
    let strings = Strs::new(arg(args, 0, F)?, F)?;
    if arg(args, 1, F)?
        .as_scalar()
        .is_some_and(ScalarValue::is_null)
    {
        return Err(Error::Compute(format!(
            "`{F}`: the pattern must not be NULL"
        )));
    }
    let mut patterns = Patterns::new(F, arg(args, 1, F)?, opts)?;
    let names = match args.get(2).map(ColumnarValue::data_type) {
        Some(DataType::List(_)) => Some(group_names(args[2].as_scalar())?),
        _ => None,
    };
    let out: ArrayRef = match names {
        None => {
            let groups = match args.get(2) {
                Some(g) => Some(g.to_array(shape.len)?),
                None => None,
            };
            let groups: Option<&Int64Array> =
                groups.as_ref().map(|g| g.as_primitive::<Int64Type>());
            let mut builder = ListBuilder::new(StringBuilder::new());
            for i in 0..shape.len {
                let (Some(s), Some(re)) = (strings.get(i), patterns.get(i)?) else {
                    builder.append_null();
                    continue;
                };
                let group = groups.map_or(0, |g| if g.is_null(i) { 0 } else { g.value(i) });
                if group < 0 || group as usize >= re.captures_len() {
                    return Err(Error::Compute(format!(
                        "`{F}`: the pattern has {} groups, so group {group} does not exist",
                        re.captures_len() - 1
                    )));
                }
                for caps in re.captures_iter(s) {
                    let m = caps.get(group as usize).map_or("", |m| m.as_str());
                    builder.values().append_value(m);
                }
                builder.append(true);
            }
            Arc::new(builder.finish())
        }
        Some(names) => {
            let mut columns: Vec<StringBuilder> =
                names.iter().map(|_| StringBuilder::new()).collect();
            let mut offsets = vec![0usize];
            let mut valid = Vec::with_capacity(shape.len);
            let mut matches = 0usize;
            for i in 0..shape.len {
                let (Some(s), Some(re)) = (strings.get(i), patterns.get(i)?) else {
                    valid.push(false);
                    offsets.push(matches);
                    continue;
                };
                if names.len() >= re.captures_len() {
                    return Err(Error::Compute(format!(
                        "`{F}`: {} group names were given, but the pattern has only {} capture groups",
                        names.len(),
                        re.captures_len() - 1
                    )));
                }
                for caps in re.captures_iter(s) {
                    for (g, column) in columns.iter_mut().enumerate() {
                        column.append_option(caps.get(g + 1).map(|m| m.as_str()));
                    }
                    matches += 1;
                }
                valid.push(true);
                offsets.push(matches);
            }
            let fields: Fields = names
                .iter()
                .map(|n| Field::new(n, DataType::Utf8, true))
                .collect();
            let arrays: Vec<ArrayRef> = columns
                .iter_mut()
                .map(|c| Arc::new(c.finish()) as ArrayRef)
                .collect();
            let structs = StructArray::try_new(fields.clone(), arrays, None)?;
            Arc::new(ListArray::try_new(
                Arc::new(Field::new_list_field(DataType::Struct(fields), true)),
                OffsetBuffer::from_lengths(offsets.windows(2).map(|w| w[1] - w[0])),
                Arc::new(structs),
                Some(valid.into()),
            )?)
        }
    };
    shape.wrap(out)
}
