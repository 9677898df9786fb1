//! Scalar functions: the conditional family (`coalesce`, `ifnull`, `nullif`, `greatest`,
//! `least`, `if`) and the type-level helpers `typeof` and `hash`, with DuckDB's semantics.
//!
//! Variadic functions meet their arguments at one common type (DuckDB's rules in
//! [`crate::types`]) and combine whole arrays with Arrow's `zip`, comparison and null-mask
//! kernels. `greatest` / `least` skip NULLs, as DuckDB does; NaN sorts above every number.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, UInt64Array};
use arrow::compute::kernels::cmp;
use arrow::compute::kernels::zip::zip;
use arrow::compute::{cast, is_not_null, is_null, nullif, or, prep_null_mask_filter};
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};

use super::util::{add_all, arg, check_arity, datum, Entry, Shape};
use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{comparison_type, union_type, ScalarValue};

/// The family's functions: name, aliases, signature, implementation.
const FUNCTIONS: &[Entry] = &[
    ("coalesce", &[], sig_coalesce, invoke_coalesce),
    ("ifnull", &[], sig_ifnull, invoke_coalesce),
    ("nullif", &[], sig_nullif, invoke_nullif),
    ("greatest", &[], sig_greatest, invoke_greatest),
    ("least", &[], sig_least, invoke_least),
    ("if", &["iff"], sig_if, invoke_if),
    ("typeof", &[], sig_typeof, invoke_typeof),
    ("hash", &[], sig_hash, invoke_hash),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

/// DuckDB's name for an Arrow type, as `typeof` shows it (`INTEGER`, `DECIMAL(15,2)`,
/// `TIMESTAMP WITH TIME ZONE`, `VARCHAR[]`, `STRUCT(a INTEGER)`, ...).
pub(crate) fn duckdb_type_name(t: &DataType) -> String {
    use arrow::datatypes::TimeUnit;
    use DataType::*;
    match t {
        Null => "\"NULL\"".into(),
        Boolean => "BOOLEAN".into(),
        Int8 => "TINYINT".into(),
        Int16 => "SMALLINT".into(),
        Int32 => "INTEGER".into(),
        Int64 => "BIGINT".into(),
        UInt8 => "UTINYINT".into(),
        UInt16 => "USMALLINT".into(),
        UInt32 => "UINTEGER".into(),
        UInt64 => "UBIGINT".into(),
        Float16 | Float32 => "FLOAT".into(),
        Float64 => "DOUBLE".into(),
        Decimal32(p, s) | Decimal64(p, s) | Decimal128(p, s) | Decimal256(p, s) => {
            format!("DECIMAL({p},{s})")
        }
        Utf8 | LargeUtf8 | Utf8View => "VARCHAR".into(),
        Binary | LargeBinary | BinaryView | FixedSizeBinary(_) => "BLOB".into(),
        Date32 | Date64 => "DATE".into(),
        Time32(_) | Time64(_) => "TIME".into(),
        Timestamp(_, Some(_)) => "TIMESTAMP WITH TIME ZONE".into(),
        Timestamp(TimeUnit::Second, None) => "TIMESTAMP_S".into(),
        Timestamp(TimeUnit::Millisecond, None) => "TIMESTAMP_MS".into(),
        Timestamp(TimeUnit::Microsecond, None) => "TIMESTAMP".into(),
        Timestamp(TimeUnit::Nanosecond, None) => "TIMESTAMP_NS".into(),
        Interval(_) | Duration(_) => "INTERVAL".into(),
        List(f) | LargeList(f) | ListView(f) | LargeListView(f) => {
            format!("{}[]", duckdb_type_name(f.data_type()))
        }
        FixedSizeList(f, n) => format!("{}[{n}]", duckdb_type_name(f.data_type())),
        Struct(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{} {}",
                        quote_ident(f.name()),
                        duckdb_type_name(f.data_type())
                    )
                })
                .collect();
            format!("STRUCT({})", parts.join(", "))
        }
        Map(entries, _) => match entries.data_type() {
            Struct(kv) if kv.len() == 2 => format!(
                "MAP({}, {})",
                duckdb_type_name(kv[0].data_type()),
                duckdb_type_name(kv[1].data_type())
            ),
            other => format!("MAP({})", duckdb_type_name(other)),
        },
        Dictionary(_, v) => duckdb_type_name(v),
        RunEndEncoded(_, v) => duckdb_type_name(v.data_type()),
        Union(fields, _) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|(_, f)| {
                    format!(
                        "{} {}",
                        quote_ident(f.name()),
                        duckdb_type_name(f.data_type())
                    )
                })
                .collect();
            format!("UNION({})", parts.join(", "))
        }
    }
}

/// A struct field name as DuckDB prints it: bare when it is a plain identifier.
fn quote_ident(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

// ---------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------

/// Every argument cast to one type found by folding `meet` over them.
fn common(
    name: &str,
    args: &[DataType],
    meet: fn(&DataType, &DataType) -> Option<DataType>,
) -> Result<Signature> {
    let mut t = DataType::Null;
    for a in args {
        t = meet(&t, a).ok_or_else(|| {
            signature_error(
                name,
                "arguments of compatible types (CAST them to one type)",
                args,
            )
        })?;
    }
    Ok(Signature {
        args: vec![t.clone(); args.len()],
        ret: t,
    })
}

fn sig_coalesce(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("coalesce", args, 1, usize::MAX)?;
    common("coalesce", args, union_type)
}

fn sig_ifnull(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("ifnull", args, 2, 2)?;
    common("ifnull", args, union_type)
}

fn sig_greatest(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("greatest", args, 1, usize::MAX)?;
    common("greatest", args, comparison_type)
}

fn sig_least(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("least", args, 1, usize::MAX)?;
    common("least", args, comparison_type)
}

/// `nullif(a, b)`: the type of `a`; the two are compared at their common type.
fn sig_nullif(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("nullif", args, 2, 2)?;
    if comparison_type(&args[0], &args[1]).is_none() {
        return Err(signature_error("nullif", "two comparable arguments", args));
    }
    Ok(Signature::keep(args, args[0].clone()))
}

fn sig_if(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(BOOLEAN condition, value if true, value if false)";
    check_arity("if", args, 3, 3).map_err(|_| signature_error("if", expected, args))?;
    let cond_ok = matches!(args[0], DataType::Boolean | DataType::Null)
        || args[0].is_integer()
        || crate::types::is_string(&args[0]);
    if !cond_ok {
        return Err(signature_error("if", expected, args));
    }
    let t = union_type(&args[1], &args[2]).ok_or_else(|| {
        signature_error(
            "if",
            "two result values of compatible types (CAST them to one type)",
            args,
        )
    })?;
    Ok(Signature {
        args: vec![DataType::Boolean, t.clone(), t.clone()],
        ret: t,
    })
}

fn sig_typeof(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("typeof", args, 1, 1)?;
    Ok(Signature::keep(args, DataType::Utf8))
}

fn sig_hash(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("hash", args, 1, usize::MAX)?;
    Ok(Signature::keep(args, DataType::UInt64))
}

// ---------------------------------------------------------------------------------------
// Implementations
// ---------------------------------------------------------------------------------------

fn invoke_coalesce(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let first = arg(args, 0, "coalesce")?;
    if shape.scalar {
        let pick = args
            .iter()
            .filter_map(ColumnarValue::as_scalar)
            .find(|s| !s.is_null())
            .cloned();
        return Ok(ColumnarValue::Scalar(
            pick.unwrap_or_else(|| ScalarValue::null(&first.data_type())),
        ));
    }
    let mut out = first.to_array(shape.len)?;
    if out.data_type() == &DataType::Null {
        return Ok(ColumnarValue::Array(out));
    }
    for a in &args[1..] {
        if out.null_count() == 0 {
            break;
        }
        if a.as_scalar().is_some_and(ScalarValue::is_null) {
            continue;
        }
        let keep = is_not_null(&out)?;
        out = zip(&keep, &out, datum(a).as_ref())?;
    }
    Ok(ColumnarValue::Array(out))
}

fn invoke_nullif(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "nullif")?.to_array(shape.len)?;
    let b = arg(args, 1, "nullif")?.to_array(shape.len)?;
    if a.data_type() == &DataType::Null {
        return shape.wrap(a);
    }
    let t = comparison_type(a.data_type(), b.data_type()).ok_or_else(|| {
        crate::compute_err!(
            "`nullif` cannot compare {} with {}",
            a.data_type(),
            b.data_type()
        )
    })?;
    let equal = cmp::eq(&cast(&a, &t)?, &cast(&b, &t)?)
        .map_err(|e| crate::compute_err!("`nullif` cannot compare values of type {t}: {e}"))?;
    shape.wrap(nullif(&a, &equal)?)
}

/// A boolean mask with NULL read as false (Arrow's `prep_null_mask_filter` needs a null
/// buffer to be present).
fn nulls_as_false(b: &BooleanArray) -> BooleanArray {
    if b.null_count() == 0 {
        b.clone()
    } else {
        prep_null_mask_filter(b)
    }
}

fn extreme(args: &[ColumnarValue], func: &str, greatest: bool) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let mut best = arg(args, 0, func)?.to_array(shape.len)?;
    if best.data_type() == &DataType::Null {
        return shape.wrap(best);
    }
    for a in &args[1..] {
        let a = a.to_array(shape.len)?;
        let better = if greatest {
            cmp::gt(&a, &best)
        } else {
            cmp::lt(&a, &best)
        }
        .map_err(|e| {
            crate::compute_err!(
                "`{func}` cannot compare values of type {}: {e}",
                a.data_type()
            )
        })?;
        let take = or(&nulls_as_false(&better), &is_null(&best)?)?;
        best = zip(&take, &a, &best)?;
    }
    shape.wrap(best)
}

fn invoke_greatest(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    extreme(args, "greatest", true)
}

fn invoke_least(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    extreme(args, "least", false)
}

fn invoke_if(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let cond = arg(args, 0, "if")?.to_array(shape.len)?;
    let then = arg(args, 1, "if")?;
    let otherwise = arg(args, 2, "if")?;
    let t = then.data_type();
    if t == DataType::Null {
        return shape.wrap(arrow::array::new_null_array(&t, shape.len));
    }
    let cond: &BooleanArray = cond.as_any().downcast_ref().ok_or_else(|| {
        crate::internal_err!("`if` was invoked with a {} condition", cond.data_type())
    })?;
    // A NULL condition picks the `else` value, as in DuckDB.
    let mask = nulls_as_false(cond);
    let out = zip(&mask, datum(then).as_ref(), datum(otherwise).as_ref())?;
    shape.wrap(out)
}

fn invoke_typeof(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let name = duckdb_type_name(&arg(args, 0, "typeof")?.data_type());
    shape.wrap(ScalarValue::utf8(name).to_array(shape.len)?)
}

/// A stable 64-bit hash of a byte string (multiply-rotate over 8-byte words, then the
/// MurmurHash3 finalizer), the same across runs and machines.
fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    for chunk in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(31);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// `hash(args...)`: rows are encoded with Arrow's row format (so equal values of any type,
/// including NULLs, encode alike) and the bytes hashed.
fn invoke_hash(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let arrays = args
        .iter()
        .map(|a| a.to_array(shape.len))
        .collect::<Result<Vec<ArrayRef>>>()?;
    let fields = arrays
        .iter()
        .map(|a| SortField::new(a.data_type().clone()))
        .collect();
    let converter = RowConverter::new(fields)
        .map_err(|e| crate::compute_err!("`hash` does not support these argument types: {e}"))?;
    let rows = converter.convert_columns(&arrays)?;
    let out: UInt64Array = rows.iter().map(|r| Some(hash_bytes(r.as_ref()))).collect();
    shape.wrap(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::util::testing::{call, lit, null, scalar};
    use arrow::array::{AsArray, Float64Array, Int32Array, StringArray};
    use arrow::datatypes::{Field, Int32Type, TimeUnit};

    fn ints(v: Vec<Option<i32>>) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(Int32Array::from(v)))
    }

    fn show(name: &str, args: Vec<ColumnarValue>) -> (DataType, String) {
        let s = scalar(name, args);
        (s.data_type().clone(), s.to_display_string())
    }

    fn int_values(out: ColumnarValue) -> Vec<Option<i32>> {
        out.to_array(1)
            .unwrap()
            .as_primitive::<Int32Type>()
            .iter()
            .collect()
    }

    #[test]
    fn coalesce_and_ifnull() {
        assert_eq!(
            show("coalesce", vec![null(DataType::Null), lit(1i32), lit(2i32)]),
            (DataType::Int32, "1".into())
        );
        assert_eq!(
            show("coalesce", vec![null(DataType::Null), null(DataType::Null)]).1,
            "NULL"
        );
        assert_eq!(
            show("coalesce", vec![lit(1i32), lit(2.5f64)]).0,
            DataType::Float64
        );
        assert_eq!(
            show("coalesce", vec![lit(1i32), lit(2i64)]).0,
            DataType::Int64
        );
        assert_eq!(
            show("ifnull", vec![null(DataType::Null), lit(3i32)]),
            (DataType::Int32, "3".into())
        );
        let out = call(
            "coalesce",
            vec![
                ints(vec![None, Some(1), None]),
                ints(vec![Some(5), Some(6), None]),
                lit(9i32),
            ],
        )
        .unwrap();
        assert_eq!(int_values(out), vec![Some(5), Some(1), Some(9)]);
        let out = call(
            "coalesce",
            vec![ints(vec![None, Some(2)]), null(DataType::Int32)],
        )
        .unwrap();
        assert_eq!(int_values(out), vec![None, Some(2)]);
        assert!(call("ifnull", vec![lit(1i32)]).is_err());
        let list = DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true)));
        assert!(call("coalesce", vec![lit(1i32), null(list)]).is_err());
    }

    #[test]
    fn nullif_compares_at_the_common_type() {
        assert_eq!(
            show("nullif", vec![lit(1i32), lit(1i32)]),
            (DataType::Int32, "NULL".into())
        );
        assert_eq!(show("nullif", vec![lit(1i32), lit(2i32)]).1, "1");
        assert_eq!(
            show("nullif", vec![lit(1i32), null(DataType::Int32)]).1,
            "1"
        );
        assert_eq!(
            show("nullif", vec![lit(1i32), lit(1.0f64)]),
            (DataType::Int32, "NULL".into())
        );
        assert_eq!(
            show("nullif", vec![lit(2i32), lit(1.5f64)]),
            (DataType::Int32, "2".into())
        );
        assert_eq!(show("nullif", vec![lit("a"), lit("a")]).1, "NULL");
        let out = call(
            "nullif",
            vec![ints(vec![Some(1), Some(2), None]), lit(2i32)],
        )
        .unwrap();
        assert_eq!(int_values(out), vec![Some(1), None, None]);
    }

    #[test]
    fn greatest_and_least_skip_nulls() {
        assert_eq!(
            show(
                "greatest",
                vec![lit(1i32), lit(2i32), null(DataType::Int32)]
            ),
            (DataType::Int32, "2".into())
        );
        assert_eq!(
            show("least", vec![lit(1i32), lit(2i32), null(DataType::Int32)]).1,
            "1"
        );
        assert_eq!(
            show("greatest", vec![null(DataType::Null), null(DataType::Null)]).1,
            "NULL"
        );
        assert_eq!(show("greatest", vec![lit("a"), lit("b")]).1, "b");
        assert_eq!(
            show("greatest", vec![lit(1i32), lit("10")]),
            (DataType::Int32, "10".into())
        );
        assert_eq!(show("greatest", vec![lit(1i32)]).1, "1");
        // NaN is the largest double, as in DuckDB.
        assert!(call("greatest", vec![lit(f64::NAN), lit(1i32)])
            .unwrap()
            .as_scalar()
            .unwrap()
            .as_f64()
            .unwrap()
            .is_nan());
        assert_eq!(show("least", vec![lit(f64::NAN), lit(1i32)]).1, "1.0");
        let d = ScalarValue::decimal128(25, 2, 1).unwrap();
        assert_eq!(
            show("greatest", vec![lit(1i32), ColumnarValue::Scalar(d)]),
            (DataType::Decimal128(11, 1), "2.5".into())
        );
        let out = call(
            "greatest",
            vec![
                ints(vec![Some(1), None, Some(7), None]),
                ints(vec![Some(3), Some(4), None, None]),
            ],
        )
        .unwrap();
        assert_eq!(int_values(out), vec![Some(3), Some(4), Some(7), None]);
        let floats = ColumnarValue::Array(Arc::new(Float64Array::from(vec![Some(0.5), None])));
        let out = call("least", vec![floats, lit(1i32)])
            .unwrap()
            .to_array(1)
            .unwrap();
        assert_eq!(
            out.as_primitive::<arrow::datatypes::Float64Type>()
                .iter()
                .collect::<Vec<_>>(),
            vec![Some(0.5), Some(1.0)]
        );
    }

    #[test]
    fn if_picks_else_on_null() {
        assert_eq!(show("if", vec![lit(true), lit(1i32), lit(2i32)]).1, "1");
        assert_eq!(
            show("if", vec![null(DataType::Boolean), lit(1i32), lit(2i32)]).1,
            "2"
        );
        assert_eq!(show("iff", vec![lit(false), lit("a"), lit("b")]).1, "b");
        assert_eq!(
            show("if", vec![lit(true), lit(1i32), lit(2.5f64)]),
            (DataType::Float64, "1.0".into())
        );
        assert_eq!(show("if", vec![lit("true"), lit(1i32), lit(2i32)]).1, "1");
        let cond = ColumnarValue::Array(Arc::new(BooleanArray::from(vec![
            Some(true),
            None,
            Some(false),
        ])));
        let out = call(
            "if",
            vec![cond, ints(vec![Some(1), Some(2), Some(3)]), lit(0i32)],
        )
        .unwrap();
        assert_eq!(int_values(out), vec![Some(1), Some(0), Some(0)]);
        assert!(call("if", vec![lit(true), lit(1i32)]).is_err());
    }

    #[test]
    fn typeof_names_types_as_duckdb() {
        let name = |v: ColumnarValue| show("typeof", vec![v]).1;
        assert_eq!(name(lit(1i8)), "TINYINT");
        assert_eq!(name(lit(1i32)), "INTEGER");
        assert_eq!(name(lit(1i64)), "BIGINT");
        assert_eq!(name(lit(1u64)), "UBIGINT");
        assert_eq!(name(lit(1.0f32)), "FLOAT");
        assert_eq!(name(lit(1.0f64)), "DOUBLE");
        assert_eq!(name(lit("a")), "VARCHAR");
        assert_eq!(name(lit(true)), "BOOLEAN");
        assert_eq!(name(null(DataType::Null)), "\"NULL\"");
        assert_eq!(
            name(ColumnarValue::Scalar(
                ScalarValue::decimal128(1, 15, 2).unwrap()
            )),
            "DECIMAL(15,2)"
        );
        assert_eq!(name(ColumnarValue::Scalar(ScalarValue::date32(0))), "DATE");
        assert_eq!(
            name(ColumnarValue::Scalar(ScalarValue::interval(1, 0, 0))),
            "INTERVAL"
        );
        assert_eq!(
            duckdb_type_name(&DataType::Timestamp(TimeUnit::Microsecond, None)),
            "TIMESTAMP"
        );
        assert_eq!(
            duckdb_type_name(&DataType::Timestamp(TimeUnit::Millisecond, None)),
            "TIMESTAMP_MS"
        );
        assert_eq!(
            duckdb_type_name(&DataType::Timestamp(
                TimeUnit::Microsecond,
                Some("UTC".into())
            )),
            "TIMESTAMP WITH TIME ZONE"
        );
        let list = DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true)));
        assert_eq!(duckdb_type_name(&list), "INTEGER[]");
        let fixed =
            DataType::FixedSizeList(Arc::new(Field::new_list_field(DataType::Int32, true)), 2);
        assert_eq!(duckdb_type_name(&fixed), "INTEGER[2]");
        let st = DataType::Struct(
            vec![
                Field::new("a", DataType::Int32, true),
                Field::new("b", DataType::Utf8, true),
            ]
            .into(),
        );
        assert_eq!(duckdb_type_name(&st), "STRUCT(a INTEGER, b VARCHAR)");
        let out = call("typeof", vec![ints(vec![Some(1), None])])
            .unwrap()
            .to_array(1)
            .unwrap();
        assert_eq!(
            out.as_string::<i32>().iter().collect::<Vec<_>>(),
            vec![Some("INTEGER"), Some("INTEGER")]
        );
    }

    #[test]
    fn hash_is_stable_and_typed() {
        let h = |args: Vec<ColumnarValue>| {
            call("hash", args)
                .unwrap()
                .as_scalar()
                .unwrap()
                .as_array()
                .clone()
        };
        let one = h(vec![lit(1i32)]);
        assert_eq!(one.data_type(), &DataType::UInt64);
        assert_eq!(one.as_ref(), h(vec![lit(1i32)]).as_ref());
        assert_ne!(one.as_ref(), h(vec![lit(2i32)]).as_ref());
        assert_ne!(
            h(vec![lit(1i32), lit(2i32)]).as_ref(),
            h(vec![lit(2i32), lit(1i32)]).as_ref()
        );
        assert!(one.is_valid(0));
        assert!(h(vec![null(DataType::Int32)]).is_valid(0));
        assert!(h(vec![null(DataType::Null)]).is_valid(0));
        let strs = ColumnarValue::Array(Arc::new(StringArray::from(vec![
            Some("a"),
            Some("b"),
            Some("a"),
            None,
        ])));
        let out = call("hash", vec![strs]).unwrap().to_array(1).unwrap();
        let v = out.as_primitive::<arrow::datatypes::UInt64Type>();
        assert_eq!(v.value(0), v.value(2));
        assert_ne!(v.value(0), v.value(1));
        assert_eq!(v.null_count(), 0);
        // Pinned so the hash stays stable across releases (it may be persisted).
        assert_eq!(hash_bytes(b"abc"), 13_307_538_755_578_176_229);
        assert_ne!(hash_bytes(b"ab"), hash_bytes(b"ba"));
    }
}
