//! SQL type names: DuckDB's names for Arrow types and back.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, IntervalUnit, TimeUnit};
use quiver_engine::{Error, Result};
use sqlparser::ast::{DataType as SqlType, ExactNumberInfo};

/// DuckDB's name for an Arrow type (`INTEGER`, `VARCHAR`, `DECIMAL(15,2)`, `DATE`, ...).
pub fn duckdb_type_name(t: &DataType) -> String {
    match t {
        DataType::Null => "NULL".into(),
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Int8 => "TINYINT".into(),
        DataType::Int16 => "SMALLINT".into(),
        DataType::Int32 => "INTEGER".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::UInt8 => "UTINYINT".into(),
        DataType::UInt16 => "USMALLINT".into(),
        DataType::UInt32 => "UINTEGER".into(),
        DataType::UInt64 => "UBIGINT".into(),
        DataType::Float16 | DataType::Float32 => "FLOAT".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => {
            format!("DECIMAL({p},{s})")
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "VARCHAR".into(),
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => "BLOB".into(),
        DataType::Date32 | DataType::Date64 => "DATE".into(),
        DataType::Time32(_) | DataType::Time64(_) => "TIME".into(),
        DataType::Timestamp(TimeUnit::Second, None) => "TIMESTAMP_S".into(),
        DataType::Timestamp(TimeUnit::Millisecond, None) => "TIMESTAMP_MS".into(),
        DataType::Timestamp(TimeUnit::Nanosecond, None) => "TIMESTAMP_NS".into(),
        DataType::Timestamp(_, None) => "TIMESTAMP".into(),
        DataType::Timestamp(_, Some(_)) => "TIMESTAMP WITH TIME ZONE".into(),
        DataType::Interval(_) | DataType::Duration(_) => "INTERVAL".into(),
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) => {
            format!("{}[]", duckdb_type_name(f.data_type()))
        }
        DataType::FixedSizeList(f, n) => format!("{}[{n}]", duckdb_type_name(f.data_type())),
        DataType::Struct(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| match f.name().as_str() {
                    "" => duckdb_type_name(f.data_type()),
                    n => format!("{n} {}", duckdb_type_name(f.data_type())),
                })
                .collect();
            format!("STRUCT({})", inner.join(", "))
        }
        DataType::Map(_, _) => match quiver_engine::types::map_key_value(t) {
            Some((k, v)) => format!("MAP({}, {})", duckdb_type_name(k), duckdb_type_name(v)),
            None => "MAP".into(),
        },
        DataType::Dictionary(_, v) => duckdb_type_name(v),
        other => other.to_string().to_uppercase(),
    }
}

/// The Arrow type for a SQL type name.
pub fn arrow_type(t: &SqlType) -> Result<DataType> {
    use SqlType as S;
    Ok(match t {
        S::Boolean | S::Bool => DataType::Boolean,
        S::TinyInt(_) | S::Int8(_) => DataType::Int8,
        S::SmallInt(_) | S::Int2(_) | S::Int16 => DataType::Int16,
        S::Int(_) | S::Integer(_) | S::Int4(_) | S::Int32 | S::MediumInt(_) => DataType::Int32,
        S::BigInt(_) | S::Int64 => DataType::Int64,
        S::TinyIntUnsigned(_) | S::UTinyInt | S::UInt8 => DataType::UInt8,
        S::SmallIntUnsigned(_) | S::USmallInt | S::UInt16 => DataType::UInt16,
        S::IntUnsigned(_) | S::IntegerUnsigned(_) | S::UInt32 => DataType::UInt32,
        S::BigIntUnsigned(_) | S::UBigInt | S::UInt64 => DataType::UInt64,
        // 128-bit integers as 38-digit decimals (the widest exact Arrow integer type here).
        S::HugeInt | S::Int128 | S::UHugeInt => DataType::Decimal128(38, 0),
        S::Struct(fields, _) => DataType::Struct(
            fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let name = f
                        .field_name
                        .as_ref()
                        .map_or_else(|| format!("v{}", i + 1), |n| n.value.clone());
                    Ok(Field::new(name, arrow_type(&f.field_type)?, true))
                })
                .collect::<Result<Vec<_>>>()?
                .into(),
        ),
        S::Real | S::Float4 | S::Float32 => DataType::Float32,
        S::Float(info) => match info {
            sqlparser::ast::ExactNumberInfo::Precision(p) if *p <= 24 => DataType::Float32,
            _ => DataType::Float64,
        },
        S::Double(_) | S::DoublePrecision | S::Float8 | S::Float64 => DataType::Float64,
        S::Decimal(info) | S::Numeric(info) | S::Dec(info) => match info {
            ExactNumberInfo::None => DataType::Decimal128(18, 3),
            ExactNumberInfo::Precision(p) => DataType::Decimal128(*p as u8, 0),
            ExactNumberInfo::PrecisionAndScale(p, s) => DataType::Decimal128(*p as u8, *s as i8),
        },
        S::Varchar(_)
        | S::Char(_)
        | S::Character(_)
        | S::CharVarying(_)
        | S::CharacterVarying(_)
        | S::Text
        | S::String(_)
        | S::Nvarchar(_) => DataType::Utf8,
        S::Blob(_) | S::Bytea | S::Binary(_) | S::Varbinary(_) => DataType::Binary,
        S::Date => DataType::Date32,
        S::Time(_, _) => DataType::Time64(TimeUnit::Microsecond),
        S::Timestamp(_, tz) => match tz {
            sqlparser::ast::TimezoneInfo::WithTimeZone | sqlparser::ast::TimezoneInfo::Tz => {
                DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")))
            }
            _ => DataType::Timestamp(TimeUnit::Microsecond, None),
        },
        S::Datetime(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
        S::Interval { .. } => DataType::Interval(IntervalUnit::MonthDayNano),
        S::Array(elem) => {
            let inner = match elem {
                sqlparser::ast::ArrayElemTypeDef::AngleBracket(t)
                | sqlparser::ast::ArrayElemTypeDef::SquareBracket(t, _)
                | sqlparser::ast::ArrayElemTypeDef::Parenthesis(t) => arrow_type(t)?,
                sqlparser::ast::ArrayElemTypeDef::None => DataType::Utf8,
                other => return Err(Error::NotSupported(format!("the array type `{other:?}`"))),
            };
            DataType::List(Arc::new(Field::new_list_field(inner, true)))
        }
        S::Custom(name, args) => {
            let n = name.to_string().to_uppercase();
            match (n.as_str(), args.len()) {
                ("UTINYINT", _) => DataType::UInt8,
                ("USMALLINT", _) => DataType::UInt16,
                ("UINTEGER", _) => DataType::UInt32,
                ("UBIGINT", _) => DataType::UInt64,
                ("HUGEINT", _) | ("INT128", _) | ("UHUGEINT", _) | ("UINT128", _) => {
                    DataType::Decimal128(38, 0)
                }
                ("TIMESTAMP_S", _) => DataType::Timestamp(TimeUnit::Second, None),
                ("TIMESTAMP_MS", _) => DataType::Timestamp(TimeUnit::Millisecond, None),
                ("TIMESTAMP_NS", _) => DataType::Timestamp(TimeUnit::Nanosecond, None),
                ("TIMESTAMPTZ", _) => {
                    DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")))
                }
                ("VARCHAR" | "STRING" | "TEXT", _) => DataType::Utf8,
                ("MAP", _) => map_type(args)?,
                _ => return Err(Error::Schema(format!("unknown type `{name}`"))),
            }
        }
        other => return Err(Error::NotSupported(format!("the SQL type `{other}`"))),
    })
}

/// `MAP(K, V)`: DuckDB's dialect parses the key and value types as the modifiers of a
/// custom type, each one word (`MAP(INTEGER, VARCHAR)`, `MAP("NULL", "NULL")`).
fn map_type(args: &[sqlparser::ast::TypeModifier]) -> Result<DataType> {
    use sqlparser::ast::TypeModifier;
    let [k, v] = args else {
        return Err(Error::Schema(
            "MAP type requires exactly two type modifiers: key type and value type".into(),
        ));
    };
    let part = |m: &TypeModifier| -> Result<DataType> {
        let name = match m {
            // `"NULL"`: the type of NULL, which only empty or NULL maps have.
            TypeModifier::Identifier(i)
                if i.quote_style.is_some() && i.value.eq_ignore_ascii_case("null") =>
            {
                return Ok(DataType::Null)
            }
            TypeModifier::Identifier(i) => i.value.clone(),
            other => other.to_string(),
        };
        let t = sqlparser::parser::Parser::new(&sqlparser::dialect::DuckDbDialect {})
            .try_with_sql(&name)
            .and_then(|mut p| p.parse_data_type())
            .map_err(|_| Error::Schema(format!("unknown type `{name}` in MAP({k}, {v})")))?;
        arrow_type(&t)
    };
    Ok(quiver_engine::types::map_type(part(k)?, part(v)?))
}
