//! Scalar functions: the MAP family, with DuckDB's semantics. Constructors `map()`,
//! `map(keys, values)` (also the target of the `MAP {k: v}` literal) and
//! `map_from_entries`; access by key `map_extract` / `element_at` (a list of zero or one
//! value), `map_extract_value` (the value; what `m[k]` means); `map_keys`, `map_values`,
//! `map_entries`; the predicates `map_contains`, `map_contains_value`,
//! `map_contains_entry`; `map_concat` and `cardinality` (of maps and lists).
//!
//! Maps are Arrow `Map` arrays laid out by [`crate::types::map_type`]. Keys are compared by
//! their `arrow_row` encoding, which makes any key type (lists, structs, maps) comparable
//! byte for byte; NULL encodes as a value of its own, so a NULL probe matches a NULL value
//! (as `map_contains_entry` wants) and never a key (keys are never NULL).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, BooleanArray, ListArray, MapArray, StructArray,
    UInt32Array, UInt64Array,
};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{can_cast_types, interleave, take};
use arrow::datatypes::{DataType, Field, Fields};
use arrow::row::{RowConverter, SortField};

use super::conditional::duckdb_type_name;
use super::util::{add_all, arg, Entry, Shape};
use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::{map_entries_field, map_entry_fields, map_key_value, map_type, union_type};

/// The family's functions: name, aliases, signature, implementation.
const FUNCTIONS: &[Entry] = &[
    ("map", &[], sig_map, invoke_map),
    (
        "map_from_entries",
        &[],
        sig_from_entries,
        invoke_from_entries,
    ),
    ("map_extract", &["element_at"], sig_extract, invoke_extract),
    (
        "map_extract_value",
        &[],
        sig_extract_value,
        invoke_extract_value,
    ),
    ("map_keys", &[], sig_keys, invoke_keys),
    ("map_values", &[], sig_values, invoke_values),
    ("map_entries", &[], sig_entries, invoke_entries),
    ("map_contains", &[], sig_contains, invoke_contains),
    (
        "map_contains_value",
        &[],
        sig_contains_value,
        invoke_contains_value,
    ),
    (
        "map_contains_entry",
        &[],
        sig_contains_entry,
        invoke_contains_entry,
    ),
    ("map_concat", &[], sig_concat, invoke_concat),
    ("cardinality", &[], sig_cardinality, invoke_cardinality),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

// ---- errors (DuckDB's texts, which its tests match) ----

fn no_match(name: &str, args: &[DataType]) -> Error {
    let types: Vec<String> = args.iter().map(duckdb_type_name).collect();
    Error::Schema(format!(
        "No function matches the given name and argument types '{name}({})'. You might need to add explicit type casts.",
        types.join(", ")
    ))
}

fn null_key() -> Error {
    Error::InvalidData("Map keys can not be NULL.".into())
}

fn duplicate_key() -> Error {
    Error::InvalidData("Map keys must be unique.".into())
}

// ---- types ----

fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(t, true)))
}

/// The element type of a list argument (`Null` for a NULL literal).
fn list_element(t: &DataType) -> Option<DataType> {
    match t {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            Some(f.data_type().clone())
        }
        DataType::Null => Some(DataType::Null),
        _ => None,
    }
}

/// The key and value types of a map argument; a NULL literal is a `MAP(NULL, NULL)`.
fn map_parts(t: &DataType) -> Option<(DataType, DataType)> {
    match t {
        DataType::Null => Some((DataType::Null, DataType::Null)),
        other => map_key_value(other).map(|(k, v)| (k.clone(), v.clone())),
    }
}

/// The type a probe of type `probe` is looked up at among map keys (or values) of type
/// `have`: the probe is cast to `have`, unless the map holds no values yet (`MAP()`),
/// when it takes the probe's type. A nested probe for flat keys (or the reverse), or a
/// non-string probe for string keys (DuckDB casts nothing to VARCHAR implicitly), is
/// DuckDB's "Cannot deduce template type".
fn probe_type(have: &DataType, probe: &DataType, template: &str) -> Result<DataType> {
    if *have == DataType::Null {
        return Ok(probe.clone());
    }
    if *probe == DataType::Null {
        return Ok(have.clone());
    }
    let same_shape = have.is_nested() == probe.is_nested()
        && (!have.is_nested() || std::mem::discriminant(have) == std::mem::discriminant(probe));
    let into_string = crate::types::is_string(have) && !crate::types::is_string(probe);
    if !same_shape || into_string || !can_cast_types(probe, have) {
        return Err(Error::Schema(format!(
            "Cannot deduce template type 'K' in function: '{template}'"
        )));
    }
    Ok(have.clone())
}

// ---- building maps ----

/// A map array from its keys and values (entry `i` of the result is `keys[i] =
/// values[i]`), the number of entries of each map and which maps are non-NULL. Fails as
/// DuckDB does on a NULL key or on a key that repeats within one map.
fn build_map(
    keys: ArrayRef,
    values: ArrayRef,
    lengths: &[usize],
    valid: Option<NullBuffer>,
) -> Result<ArrayRef> {
    if keys.logical_null_count() > 0 {
        return Err(null_key());
    }
    if keys.len() > i32::MAX as usize {
        return Err(Error::Compute(
            "maps of one batch would hold more than 2^31 entries".into(),
        ));
    }
    let offsets = OffsetBuffer::<i32>::from_lengths(lengths.iter().copied());
    check_unique(&keys, &offsets)?;
    let (k, v) = (keys.data_type().clone(), values.data_type().clone());
    let entries = StructArray::try_new(
        map_entry_fields(k.clone(), v.clone()),
        vec![keys, values],
        None,
    )?;
    Ok(Arc::new(MapArray::try_new(
        map_entries_field(k, v),
        offsets,
        entries,
        valid,
        false,
    )?))
}

/// Fails when a key appears twice within one map.
fn check_unique(keys: &ArrayRef, offsets: &OffsetBuffer<i32>) -> Result<()> {
    if offsets.windows(2).all(|w| w[1] - w[0] < 2) {
        return Ok(());
    }
    let converter = RowConverter::new(vec![SortField::new(keys.data_type().clone())])?;
    let rows = converter.convert_columns(std::slice::from_ref(keys))?;
    let mut seen: HashSet<&[u8]> = HashSet::new();
    for w in offsets.windows(2) {
        let (start, end) = (w[0] as usize, w[1] as usize);
        if end - start < 2 {
            continue;
        }
        seen.clear();
        for i in start..end {
            if !seen.insert(rows.row(i).data()) {
                return Err(duplicate_key());
            }
        }
    }
    Ok(())
}

/// The validity of `len` rows as a null buffer (`None` when every row is valid).
fn validity(valid: Vec<bool>) -> Option<NullBuffer> {
    let nulls = NullBuffer::from(valid);
    (nulls.null_count() > 0).then_some(nulls)
}

fn sig_map(args: &[DataType], _: &[Option<crate::types::ScalarValue>]) -> Result<Signature> {
    match args {
        [] => Ok(Signature::keep(
            args,
            map_type(DataType::Null, DataType::Null),
        )),
        [k, v] => {
            let (Some(kt), Some(vt)) = (list_element(k), list_element(v)) else {
                return Err(no_match("map", args));
            };
            let target = |t: &DataType, e: &DataType| match t {
                DataType::Null => DataType::Null,
                _ => list_of(e.clone()),
            };
            Ok(Signature {
                args: vec![target(k, &kt), target(v, &vt)],
                ret: map_type(kt, vt),
            })
        }
        _ => Err(no_match("map", args)),
    }
}

/// `map()`, `map(keys, values)`: NULL when either list is NULL; the lists must be equally
/// long, and the keys non-NULL and distinct.
fn invoke_map(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    if args.is_empty() {
        let empty = build_map(
            new_null_array(&DataType::Null, 0),
            new_null_array(&DataType::Null, 0),
            &[0],
            None,
        )?;
        return shape.wrap(empty);
    }
    let keys = arg(args, 0, "map")?.to_array(shape.len)?;
    let values = arg(args, 1, "map")?.to_array(shape.len)?;
    let kt = list_element(keys.data_type()).unwrap_or(DataType::Null);
    let vt = list_element(values.data_type()).unwrap_or(DataType::Null);
    let (Some(kl), Some(vl)) = (keys.as_list_opt::<i32>(), values.as_list_opt::<i32>()) else {
        // A NULL literal for either list: every map is NULL.
        return shape.wrap(new_null_array(&map_type(kt, vt), shape.len));
    };
    let mut key_idx: Vec<u32> = vec![];
    let mut value_idx: Vec<u32> = vec![];
    let mut lengths = Vec::with_capacity(shape.len);
    let mut valid = Vec::with_capacity(shape.len);
    let (ko, vo) = (kl.value_offsets(), vl.value_offsets());
    for r in 0..shape.len {
        if kl.is_null(r) || vl.is_null(r) {
            lengths.push(0);
            valid.push(false);
            continue;
        }
        let (ks, ke) = (ko[r] as u32, ko[r + 1] as u32);
        let (vs, ve) = (vo[r] as u32, vo[r + 1] as u32);
        if ke - ks != ve - vs {
            return Err(Error::InvalidData(
                "The map key list does not align with the map value list".into(),
            ));
        }
        key_idx.extend(ks..ke);
        value_idx.extend(vs..ve);
        lengths.push((ke - ks) as usize);
        valid.push(true);
    }
    let keys = take(kl.values().as_ref(), &UInt32Array::from(key_idx), None)?;
    let values = take(vl.values().as_ref(), &UInt32Array::from(value_idx), None)?;
    shape.wrap(build_map(keys, values, &lengths, validity(valid))?)
}

fn sig_from_entries(
    args: &[DataType],
    _: &[Option<crate::types::ScalarValue>],
) -> Result<Signature> {
    match args {
        [DataType::Null] => Ok(Signature::keep(
            args,
            map_type(DataType::Null, DataType::Null),
        )),
        [DataType::List(f)] => match f.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => Ok(Signature::keep(
                args,
                map_type(kv[0].data_type().clone(), kv[1].data_type().clone()),
            )),
            _ => Err(no_match("map_from_entries", args)),
        },
        _ => Err(no_match("map_from_entries", args)),
    }
}

/// `map_from_entries([(k, v), ...])`: a list of two-field structs (any field names) as a
/// map; a NULL entry counts as a NULL key.
fn invoke_from_entries(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let list = arg(args, 0, "map_from_entries")?.to_array(shape.len)?;
    let Some(list) = list.as_list_opt::<i32>() else {
        let t = map_type(DataType::Null, DataType::Null);
        return shape.wrap(new_null_array(&t, shape.len));
    };
    let mut idx: Vec<u32> = vec![];
    let mut lengths = Vec::with_capacity(shape.len);
    let mut valid = Vec::with_capacity(shape.len);
    let offsets = list.value_offsets();
    for r in 0..shape.len {
        if list.is_null(r) {
            lengths.push(0);
            valid.push(false);
            continue;
        }
        let (s, e) = (offsets[r] as u32, offsets[r + 1] as u32);
        idx.extend(s..e);
        lengths.push((e - s) as usize);
        valid.push(true);
    }
    let entries = take(list.values().as_ref(), &UInt32Array::from(idx), None)?;
    let entries = entries.as_struct();
    if entries.null_count() > 0 {
        return Err(null_key());
    }
    let (keys, values) = (entries.column(0).clone(), entries.column(1).clone());
    shape.wrap(build_map(keys, values, &lengths, validity(valid))?)
}

// ---- reading maps ----

/// A map argument (its signature cast it to a map type).
fn map_arg<'a>(a: &'a ArrayRef, func: &str) -> Result<&'a MapArray> {
    a.as_map_opt().ok_or_else(|| {
        crate::internal_err!("`{func}` expected a map argument, found {}", a.data_type())
    })
}

/// The one-argument map signatures: the map (a NULL literal becomes a NULL map) and the
/// return type computed from its key and value types.
fn map_only(
    name: &str,
    args: &[DataType],
    ret: impl Fn(DataType, DataType) -> DataType,
) -> Result<Signature> {
    match args {
        [m] => {
            let (k, v) = map_parts(m).ok_or_else(|| no_match(name, args))?;
            Ok(Signature {
                args: vec![map_type(k.clone(), v.clone())],
                ret: ret(k, v),
            })
        }
        _ => Err(no_match(name, args)),
    }
}

fn sig_keys(args: &[DataType], _: &[Option<crate::types::ScalarValue>]) -> Result<Signature> {
    map_only("map_keys", args, |k, _| list_of(k))
}

fn sig_values(args: &[DataType], _: &[Option<crate::types::ScalarValue>]) -> Result<Signature> {
    map_only("map_values", args, |_, v| list_of(v))
}

/// The fields of `map_entries`' structs (both nullable, as in any DuckDB struct).
fn entry_struct_fields(k: DataType, v: DataType) -> Fields {
    Fields::from(vec![
        Field::new("key", k, true),
        Field::new("value", v, true),
    ])
}

fn sig_entries(args: &[DataType], _: &[Option<crate::types::ScalarValue>]) -> Result<Signature> {
    map_only("map_entries", args, |k, v| {
        list_of(DataType::Struct(entry_struct_fields(k, v)))
    })
}

/// A list per map over one child of its entries (zero-copy: the map's offsets and nulls).
fn list_over(map: &MapArray, child: ArrayRef) -> Result<ArrayRef> {
    let field = Arc::new(Field::new_list_field(child.data_type().clone(), true));
    Ok(Arc::new(ListArray::try_new(
        field,
        map.offsets().clone(),
        child,
        map.nulls().cloned(),
    )?))
}

fn invoke_keys(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "map_keys")?.to_array(shape.len)?;
    let m = map_arg(&a, "map_keys")?;
    shape.wrap(list_over(m, m.keys().clone())?)
}

fn invoke_values(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "map_values")?.to_array(shape.len)?;
    let m = map_arg(&a, "map_values")?;
    shape.wrap(list_over(m, m.values().clone())?)
}

fn invoke_entries(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "map_entries")?.to_array(shape.len)?;
    let m = map_arg(&a, "map_entries")?;
    let (k, v) = (m.keys().clone(), m.values().clone());
    let fields = entry_struct_fields(k.data_type().clone(), v.data_type().clone());
    let entries: ArrayRef = Arc::new(StructArray::try_new(fields, vec![k, v], None)?);
    shape.wrap(list_over(m, entries)?)
}

fn sig_cardinality(
    args: &[DataType],
    _: &[Option<crate::types::ScalarValue>],
) -> Result<Signature> {
    let arg = match args {
        [DataType::Null] | [DataType::List(_)] => args[0].clone(),
        [DataType::LargeList(f)] | [DataType::FixedSizeList(f, _)] => {
            list_of(f.data_type().clone())
        }
        [m @ DataType::Map(_, _)] => {
            let (k, v) = map_parts(m).ok_or_else(|| no_match("cardinality", args))?;
            map_type(k, v)
        }
        _ => return Err(no_match("cardinality", args)),
    };
    Ok(Signature {
        args: vec![arg],
        ret: DataType::UInt64,
    })
}

/// `cardinality(map)`: the number of entries; of a list, its length.
fn invoke_cardinality(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "cardinality")?.to_array(shape.len)?;
    let (offsets, nulls) = if let Some(m) = a.as_map_opt() {
        (m.offsets(), m.nulls())
    } else if let Some(l) = a.as_list_opt::<i32>() {
        (l.offsets(), l.nulls())
    } else {
        return shape.wrap(new_null_array(&DataType::UInt64, shape.len));
    };
    let lengths: Vec<u64> = offsets.windows(2).map(|w| (w[1] - w[0]) as u64).collect();
    shape.wrap(Arc::new(UInt64Array::new(lengths.into(), nulls.cloned())))
}

// ---- lookups ----

/// For every row, the entry (an index into the map's key and value children) of the first
/// entry whose `columns` equal the row's `probes` (compared as `arrow_row` bytes, so
/// NULL equals NULL); `None` for a NULL map or no match.
fn find(
    map: &MapArray,
    columns: &[ArrayRef],
    probes: &[&ColumnarValue],
    len: usize,
) -> Result<Vec<Option<usize>>> {
    let offsets = map.value_offsets();
    let first = offsets.first().copied().unwrap_or(0) as usize;
    let last = offsets.last().copied().unwrap_or(0) as usize;
    let converter = RowConverter::new(
        columns
            .iter()
            .map(|c| SortField::new(c.data_type().clone()))
            .collect(),
    )?;
    let hay: Vec<ArrayRef> = columns
        .iter()
        .map(|c| c.slice(first, last - first))
        .collect();
    let hay = converter.convert_columns(&hay)?;
    // Scalar probes convert once; otherwise every probe gets a row per map.
    let scalar = probes.iter().all(|p| p.as_scalar().is_some());
    let n = if scalar { 1 } else { len };
    let needles: Vec<ArrayRef> = probes
        .iter()
        .map(|p| p.to_array(n))
        .collect::<Result<_>>()?;
    let needles = converter.convert_columns(&needles)?;
    Ok((0..len)
        .map(|r| {
            if map.is_null(r) {
                return None;
            }
            let needle = needles.row(if scalar { 0 } else { r });
            (offsets[r] as usize..offsets[r + 1] as usize).find(|&i| hay.row(i - first) == needle)
        })
        .collect())
}

/// Whether the probe of each row is NULL.
fn probe_nulls(probe: &ColumnarValue, len: usize) -> Result<Vec<bool>> {
    Ok(match probe {
        ColumnarValue::Scalar(s) => vec![s.is_null(); len],
        ColumnarValue::Array(a) => match a.logical_nulls() {
            Some(n) => n.iter().map(|v| !v).collect(),
            None => vec![false; len],
        },
    })
}

/// The signature of a lookup by key (`map_extract`, `map_extract_value`,
/// `map_contains`) or by value (`map_contains_value`): the map and probe types, cast as
/// [`probe_type`] decides.
fn lookup_signature(
    name: &str,
    template: &str,
    args: &[DataType],
    by_value: bool,
    ret: impl Fn(&DataType) -> DataType,
) -> Result<Signature> {
    let [m, probe] = args else {
        return Err(no_match(name, args));
    };
    let (k, v) = map_parts(m).ok_or_else(|| no_match(name, args))?;
    let (k, v, p) = if by_value {
        let p = probe_type(&v, probe, template)?;
        (k, p.clone(), p)
    } else {
        let p = probe_type(&k, probe, template)?;
        (p.clone(), v, p)
    };
    Ok(Signature {
        args: vec![map_type(k, v.clone()), p],
        ret: ret(&v),
    })
}

fn sig_extract(args: &[DataType], _: &[Option<crate::types::ScalarValue>]) -> Result<Signature> {
    lookup_signature(
        "map_extract",
        "map_extract(MAP(K, V), K) -> V[]",
        args,
        false,
        |v| list_of(v.clone()),
    )
}

fn sig_extract_value(
    args: &[DataType],
    _: &[Option<crate::types::ScalarValue>],
) -> Result<Signature> {
    lookup_signature(
        "map_extract_value",
        "map_extract_value(MAP(K, V), K) -> V",
        args,
        false,
        |v| v.clone(),
    )
}

fn sig_contains(args: &[DataType], _: &[Option<crate::types::ScalarValue>]) -> Result<Signature> {
    lookup_signature(
        "map_contains",
        "map_contains(MAP(K, V), K) -> BOOLEAN",
        args,
        false,
        |_| DataType::Boolean,
    )
}

fn sig_contains_value(
    args: &[DataType],
    _: &[Option<crate::types::ScalarValue>],
) -> Result<Signature> {
    lookup_signature(
        "map_contains_value",
        "map_contains_value(MAP(K, V), V) -> BOOLEAN",
        args,
        true,
        |_| DataType::Boolean,
    )
}

fn sig_contains_entry(
    args: &[DataType],
    _: &[Option<crate::types::ScalarValue>],
) -> Result<Signature> {
    let [m, key, value] = args else {
        return Err(no_match("map_contains_entry", args));
    };
    let template = "map_contains_entry(MAP(K, V), K, V) -> BOOLEAN";
    let (k, v) = map_parts(m).ok_or_else(|| no_match("map_contains_entry", args))?;
    let k = probe_type(&k, key, template)?;
    let v = probe_type(&v, value, template)?;
    Ok(Signature {
        args: vec![map_type(k.clone(), v.clone()), k, v],
        ret: DataType::Boolean,
    })
}

/// The map argument and the matches of one lookup by key.
fn lookup_key(args: &[ColumnarValue], func: &str) -> Result<(Shape, ArrayRef, Vec<Option<usize>>)> {
    let shape = Shape::of(args);
    let a = arg(args, 0, func)?.to_array(shape.len)?;
    let m = map_arg(&a, func)?;
    let found = find(m, &[m.keys().clone()], &[arg(args, 1, func)?], shape.len)?;
    Ok((shape, a, found))
}

fn take_found(values: &ArrayRef, found: &[Option<usize>]) -> Result<ArrayRef> {
    let idx: UInt32Array = found.iter().map(|f| f.map(|i| i as u32)).collect();
    Ok(take(values.as_ref(), &idx, None)?)
}

/// `map_extract_value(m, k)` / `m[k]`: the value under `k`, NULL when absent.
fn invoke_extract_value(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, a, found) = lookup_key(args, "map_extract_value")?;
    let m = map_arg(&a, "map_extract_value")?;
    shape.wrap(take_found(m.values(), &found)?)
}

/// `map_extract(m, k)` / `element_at`: a list of the value under `k`, empty when absent.
fn invoke_extract(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, a, found) = lookup_key(args, "map_extract")?;
    let m = map_arg(&a, "map_extract")?;
    let hits: Vec<Option<usize>> = found.iter().copied().filter(Option::is_some).collect();
    let values = take_found(m.values(), &hits)?;
    let lengths = found.iter().map(|f| usize::from(f.is_some()));
    let list = ListArray::try_new(
        Arc::new(Field::new_list_field(values.data_type().clone(), true)),
        OffsetBuffer::from_lengths(lengths),
        values,
        m.nulls().cloned(),
    )?;
    shape.wrap(Arc::new(list))
}

/// A boolean per row: NULL where the map (or, with `null_probe`, the probe) is NULL.
fn contains_result(
    map: &MapArray,
    found: &[Option<usize>],
    null_probe: Option<Vec<bool>>,
) -> ArrayRef {
    let out: BooleanArray = found
        .iter()
        .enumerate()
        .map(|(r, f)| {
            let probe_null = null_probe.as_ref().is_some_and(|n| n[r]);
            (!map.is_null(r) && !probe_null).then_some(f.is_some())
        })
        .collect();
    Arc::new(out)
}

/// `map_contains(m, k)`: whether `k` is a key of `m`.
fn invoke_contains(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, a, found) = lookup_key(args, "map_contains")?;
    let m = map_arg(&a, "map_contains")?;
    let nulls = probe_nulls(arg(args, 1, "map_contains")?, shape.len)?;
    shape.wrap(contains_result(m, &found, Some(nulls)))
}

/// `map_contains_value(m, v)`: whether some entry of `m` has the value `v`.
fn invoke_contains_value(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "map_contains_value")?.to_array(shape.len)?;
    let m = map_arg(&a, "map_contains_value")?;
    let probe = arg(args, 1, "map_contains_value")?;
    let found = find(m, &[m.values().clone()], &[probe], shape.len)?;
    let nulls = probe_nulls(probe, shape.len)?;
    shape.wrap(contains_result(m, &found, Some(nulls)))
}

/// `map_contains_entry(m, k, v)`: whether `m` maps `k` to `v` (a NULL value matches a
/// NULL value, as in DuckDB).
fn invoke_contains_entry(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "map_contains_entry")?.to_array(shape.len)?;
    let m = map_arg(&a, "map_contains_entry")?;
    let probes = [
        arg(args, 1, "map_contains_entry")?,
        arg(args, 2, "map_contains_entry")?,
    ];
    let found = find(
        m,
        &[m.keys().clone(), m.values().clone()],
        &probes,
        shape.len,
    )?;
    shape.wrap(contains_result(m, &found, None))
}

// ---- map_concat ----

fn sig_concat(args: &[DataType], _: &[Option<crate::types::ScalarValue>]) -> Result<Signature> {
    if args.len() < 2 {
        return Err(Error::InvalidData(
            "The provided amount of arguments is incorrect, please provide 2 or more maps".into(),
        ));
    }
    let (mut k, mut v) = (DataType::Null, DataType::Null);
    for t in args {
        let (tk, tv) = map_parts(t)
            .ok_or_else(|| Error::InvalidData("MAP_CONCAT only takes map arguments".into()))?;
        let differs = |what: &str| {
            Error::InvalidData(format!(
                "'{what}' type of map differs between arguments, expected '{}', found '{}' instead",
                duckdb_type_name(&map_type(k.clone(), v.clone())),
                duckdb_type_name(t)
            ))
        };
        let nk = union_type(&k, &tk).ok_or_else(|| differs("key"))?;
        let nv = union_type(&v, &tv).ok_or_else(|| differs("value"))?;
        (k, v) = (nk, nv);
    }
    let t = map_type(k, v);
    Ok(Signature {
        args: vec![t.clone(); args.len()],
        ret: t,
    })
}

/// `map_concat(m1, m2, ...)`: the entries of every non-NULL map in order; a key seen
/// again keeps its first position and takes the later value. NULL only when every map
/// is NULL.
fn invoke_concat(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let arrays: Vec<ArrayRef> = args
        .iter()
        .map(|a| a.to_array(shape.len))
        .collect::<Result<_>>()?;
    let maps: Vec<&MapArray> = arrays
        .iter()
        .map(|a| map_arg(a, "map_concat"))
        .collect::<Result<_>>()?;
    let Some(first) = maps.first() else {
        return Err(crate::internal_err!(
            "`map_concat` was invoked without arguments"
        ));
    };
    let converter = RowConverter::new(vec![SortField::new(first.keys().data_type().clone())])?;
    let rows = maps
        .iter()
        .map(|m| converter.convert_columns(std::slice::from_ref(m.keys())))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut key_at: Vec<(usize, usize)> = vec![];
    let mut value_at: Vec<(usize, usize)> = vec![];
    let mut lengths = Vec::with_capacity(shape.len);
    let mut valid = Vec::with_capacity(shape.len);
    let mut position: HashMap<&[u8], usize> = HashMap::new();
    for r in 0..shape.len {
        position.clear();
        let start = key_at.len();
        let mut any = false;
        for (a, m) in maps.iter().enumerate() {
            if m.is_null(r) {
                continue;
            }
            any = true;
            let o = m.value_offsets();
            for i in o[r] as usize..o[r + 1] as usize {
                match position.get(rows[a].row(i).data()) {
                    Some(&p) => value_at[start + p] = (a, i),
                    None => {
                        position.insert(rows[a].row(i).data(), key_at.len() - start);
                        key_at.push((a, i));
                        value_at.push((a, i));
                    }
                }
            }
        }
        lengths.push(key_at.len() - start);
        valid.push(any);
    }
    let key_children: Vec<&dyn Array> = maps.iter().map(|m| m.keys().as_ref()).collect();
    let value_children: Vec<&dyn Array> = maps.iter().map(|m| m.values().as_ref()).collect();
    let keys = interleave(&key_children, &key_at)?;
    let values = interleave(&value_children, &value_at)?;
    shape.wrap(build_map(keys, values, &lengths, validity(valid))?)
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{call, lit, null, scalar};
    use super::*;
    use crate::types::ScalarValue;
    use arrow::array::Int32Array;
    use arrow::datatypes::Int32Type;

    fn list(values: &[i32]) -> ColumnarValue {
        let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(
            values.iter().map(|v| Some(*v)).collect::<Vec<_>>(),
        )]);
        ColumnarValue::Scalar(ScalarValue::try_from_array(Arc::new(list)).unwrap())
    }

    fn map_of(keys: &[i32], values: &[i32]) -> ColumnarValue {
        ColumnarValue::Scalar(scalar("map", vec![list(keys), list(values)]))
    }

    #[test]
    fn builds_and_reads_maps() {
        let m = map_of(&[1, 2, 3], &[10, 20, 30]);
        assert_eq!(m.data_type(), map_type(DataType::Int32, DataType::Int32));
        let v = scalar("map_extract_value", vec![m.clone(), lit(2i32)]);
        assert_eq!(v.as_i64(), Some(20));
        let v = scalar("map_extract_value", vec![m.clone(), lit(7i32)]);
        assert!(v.is_null());
        let e = scalar("element_at", vec![m.clone(), lit(3i32)]);
        let e = e.as_array().as_list::<i32>().value(0);
        assert_eq!(e.as_primitive::<Int32Type>().values().to_vec(), vec![30]);
        let c = scalar("cardinality", vec![m.clone()]);
        assert_eq!(c.as_i64(), Some(3));
        let keys = scalar("map_keys", vec![m.clone()]);
        let keys = keys.as_array().as_list::<i32>().value(0);
        assert_eq!(
            keys.as_primitive::<Int32Type>().values().to_vec(),
            vec![1, 2, 3]
        );
        assert_eq!(
            scalar("map_contains", vec![m.clone(), lit(1i32)]).as_bool(),
            Some(true)
        );
        assert_eq!(
            scalar("map_contains_value", vec![m.clone(), lit(1i32)]).as_bool(),
            Some(false)
        );
        assert!(scalar("map_contains", vec![m, null(DataType::Int32)]).is_null());
    }

    #[test]
    fn rejects_null_and_duplicate_keys_and_misaligned_lists() {
        let dup = call("map", vec![list(&[1, 2, 1]), list(&[1, 2, 3])]).unwrap_err();
        assert!(dup.to_string().contains("Map keys must be unique"), "{dup}");
        let short = call("map", vec![list(&[1, 2]), list(&[1])]).unwrap_err();
        assert!(short.to_string().contains("does not align"), "{short}");
        let with_null =
            ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None])]);
        let with_null = ColumnarValue::Array(Arc::new(with_null));
        let e = call("map", vec![with_null, list(&[1, 2])]).unwrap_err();
        assert!(e.to_string().contains("Map keys can not be NULL"), "{e}");
        let e = call("map", vec![lit(1i32), lit(2i32)]).unwrap_err();
        assert!(e.to_string().contains("No function matches"), "{e}");
    }

    #[test]
    fn empty_and_null_maps() {
        let empty = scalar("map", vec![]);
        assert_eq!(
            scalar("cardinality", vec![ColumnarValue::Scalar(empty)]).as_i64(),
            Some(0)
        );
        let n = scalar("map", vec![null(DataType::Null), list(&[1])]);
        assert!(n.is_null());
        assert!(scalar("map_keys", vec![null(DataType::Null)]).is_null());
    }

    #[test]
    fn concat_keeps_first_position_and_last_value() {
        let a = map_of(&[1, 2], &[10, 20]);
        let b = map_of(&[2, 3], &[21, 30]);
        let out = scalar("map_concat", vec![a, null(DataType::Null), b]);
        let m = out.as_array().as_map();
        assert_eq!(
            m.keys().as_primitive::<Int32Type>().values().to_vec(),
            vec![1, 2, 3]
        );
        assert_eq!(
            m.values().as_primitive::<Int32Type>().values().to_vec(),
            vec![10, 21, 30]
        );
        let e = call("map_concat", vec![map_of(&[1], &[1])]).unwrap_err();
        assert!(e.to_string().contains("2 or more maps"), "{e}");
    }

    #[test]
    fn looks_up_per_row() {
        // Two rows of the same map, probed with a column.
        let m = map_of(&[5, 6], &[50, 60]);
        let probe = ColumnarValue::Array(Arc::new(Int32Array::from(vec![Some(6), None])));
        let def = crate::functions::registry()
            .scalar("map_extract_value")
            .unwrap();
        let out = (def.invoke)(&[m, probe], 2).unwrap().into_array(2).unwrap();
        let out = out.as_primitive::<Int32Type>();
        assert_eq!((out.value(0), out.is_null(1)), (60, true));
    }
}
