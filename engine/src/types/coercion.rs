//! DuckDB's implicit type coercion rules.
//!
//! When two operands of different types meet (in arithmetic, a comparison, CASE branches or
//! a UNION), they are cast to a common type first. The rules follow DuckDB: integers widen
//! to the wider integer; an integer meeting a decimal becomes a decimal wide enough for it
//! (`INTEGER` is `DECIMAL(10,0)`); anything meeting a float becomes a float; `/` between
//! integers or decimals is floating point division; a string literal meeting a number or a
//! date is parsed as one; a date meeting an interval becomes a timestamp.

use arrow::datatypes::{DataType, IntervalUnit, TimeUnit};

use crate::error::{Error, Result};

use super::nested_coercion::nested_common_type;

/// The arithmetic operators, for result type rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Multiply,
    /// `/` (floating point division)
    Divide,
    /// `//` (integer division)
    IntegerDivide,
    /// `%`
    Modulo,
}

/// Whether a type is numeric (integer, float or decimal).
pub fn is_numeric(t: &DataType) -> bool {
    t.is_integer()
        || t.is_floating()
        || matches!(t, DataType::Decimal128(_, _) | DataType::Decimal256(_, _))
}

/// Whether a type is a string type.
pub fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Whether a type is a list, fixed-size array or struct (whose common types are found
/// element- and field-wise).
pub fn is_nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::Struct(_)
    )
}

/// Whether a type is a date, time or timestamp.
pub fn is_temporal(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Date32
            | DataType::Date64
            | DataType::Timestamp(_, _)
            | DataType::Time32(_)
            | DataType::Time64(_)
    )
}

fn int_rank(t: &DataType) -> Option<(bool, u8)> {
    use DataType::*;
    Some(match t {
        Int8 => (true, 1),
        Int16 => (true, 2),
        Int32 => (true, 4),
        Int64 => (true, 8),
        UInt8 => (false, 1),
        UInt16 => (false, 2),
        UInt32 => (false, 4),
        UInt64 => (false, 8),
        _ => return None,
    })
}

fn int_of(signed: bool, bytes: u8) -> DataType {
    use DataType::*;
    match (signed, bytes) {
        (true, 1) => Int8,
        (true, 2) => Int16,
        (true, 4) => Int32,
        (true, _) => Int64,
        (false, 1) => UInt8,
        (false, 2) => UInt16,
        (false, 4) => UInt32,
        (false, _) => UInt64,
    }
}

/// The decimal an integer type converts to without loss, as DuckDB does.
fn int_as_decimal(t: &DataType) -> Option<(u8, i8)> {
    use DataType::*;
    Some(match t {
        Int8 | UInt8 => (3, 0),
        Int16 | UInt16 => (5, 0),
        Int32 | UInt32 => (10, 0),
        Int64 => (19, 0),
        UInt64 => (20, 0),
        _ => return None,
    })
}

fn common_integer(l: &DataType, r: &DataType) -> Option<DataType> {
    let (ls, lb) = int_rank(l)?;
    let (rs, rb) = int_rank(r)?;
    Some(if ls == rs {
        int_of(ls, lb.max(rb))
    } else {
        // Signed meets unsigned: the next signed type that holds both.
        let unsigned_bytes = if ls { rb } else { lb };
        let signed_bytes = if ls { lb } else { rb };
        let need = if unsigned_bytes >= signed_bytes {
            unsigned_bytes * 2
        } else {
            signed_bytes
        };
        int_of(true, need.min(8))
    })
}

fn common_decimal(l: &DataType, r: &DataType) -> Option<DataType> {
    let as_dec = |t: &DataType| match t {
        DataType::Decimal128(p, s) => Some((*p, *s)),
        other => int_as_decimal(other),
    };
    let (lp, ls) = as_dec(l)?;
    let (rp, rs) = as_dec(r)?;
    let scale = ls.max(rs);
    let int_digits = (lp as i16 - ls as i16).max(rp as i16 - rs as i16);
    let precision = (int_digits + scale as i16).clamp(1, 38) as u8;
    Some(DataType::Decimal128(precision, scale))
}

/// The common numeric type of two numeric types (for comparisons, CASE, UNION).
fn common_numeric(l: &DataType, r: &DataType) -> Option<DataType> {
    use DataType::*;
    if l == r {
        return Some(l.clone());
    }
    match (l, r) {
        (Float64, _) | (_, Float64) => Some(Float64),
        (Float32, Decimal128(_, _)) | (Decimal128(_, _), Float32) => Some(Float64),
        (Float32, _) | (_, Float32) => Some(Float32),
        (Decimal128(_, _), _) | (_, Decimal128(_, _)) => common_decimal(l, r),
        _ => common_integer(l, r),
    }
}

/// The type two values are compared at, or `None` if they cannot be compared.
pub fn comparison_type(l: &DataType, r: &DataType) -> Option<DataType> {
    use DataType::*;
    if l == r {
        return Some(l.clone());
    }
    match (l, r) {
        (Null, other) | (other, Null) => Some(other.clone()),
        _ if is_numeric(l) && is_numeric(r) => common_numeric(l, r),
        _ if is_string(l) && is_string(r) => {
            Some(if matches!(l, Utf8View) || matches!(r, Utf8View) {
                Utf8View
            } else {
                Utf8
            })
        }
        // A string meets a number, date or boolean: the string is parsed (DuckDB casts the
        // literal side; for a column it casts the string column).
        (s, other) | (other, s)
            if is_string(s) && (is_numeric(other) || is_temporal(other) || other == &Boolean) =>
        {
            Some(other.clone())
        }
        (Date32, Timestamp(u, tz)) | (Timestamp(u, tz), Date32) => Some(Timestamp(*u, tz.clone())),
        (Timestamp(u1, tz1), Timestamp(u2, _)) => Some(Timestamp((*u1).max(*u2), tz1.clone())),
        (Boolean, other) | (other, Boolean) if other.is_integer() => Some(other.clone()),
        _ if is_nested(l) || is_nested(r) => nested_common_type(l, r, comparison_type),
        _ => None,
    }
}

/// The common type of CASE branches, COALESCE arguments or UNION columns.
pub fn union_type(a: &DataType, b: &DataType) -> Option<DataType> {
    use DataType::*;
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (Null, o) | (o, Null) => Some(o.clone()),
        _ if is_nested(a) && is_nested(b) => nested_common_type(a, b, union_type),
        // Unlike comparisons, mixing strings with other types produces strings.
        (s, _) | (_, s) if is_string(s) => {
            Some(if matches!(a, Utf8View) && matches!(b, Utf8View) {
                Utf8View
            } else {
                Utf8
            })
        }
        // Maps meet key with key and value with value (`map([], [])` meets `map([1], ['a'])`).
        (Map(_, _), Map(_, _)) => {
            let ((ka, va), (kb, vb)) = (super::map_key_value(a)?, super::map_key_value(b)?);
            Some(super::map_type(union_type(ka, kb)?, union_type(va, vb)?))
        }
        _ => comparison_type(a, b),
    }
}

/// For an arithmetic operator: the types to cast the left and right operands to, and the
/// result type.
pub fn arithmetic_result_type(
    op: ArithmeticOp,
    l: &DataType,
    r: &DataType,
) -> Result<(DataType, DataType, DataType)> {
    use ArithmeticOp::*;
    use DataType::*;
    let mismatch = || {
        Error::Schema(format!(
            "cannot apply `{}` to {l} and {r}; cast one side so both are numbers, or a date and an interval",
            op_symbol(op)
        ))
    };
    let ts = Timestamp(TimeUnit::Microsecond, None);
    let interval = Interval(IntervalUnit::MonthDayNano);
    match (l, r) {
        (Null, Null) => return Ok((Int32, Int32, Int32)),
        (Null, o) => return arithmetic_result_type(op, o, o),
        (o, Null) => return arithmetic_result_type(op, o, o),
        _ => {}
    }
    // Dates and intervals.
    match (op, l, r) {
        (Plus | Minus, Date32, Interval(_)) => return Ok((ts.clone(), interval, ts)),
        (Plus, Interval(_), Date32) => return Ok((interval, ts.clone(), ts)),
        (Plus | Minus, Timestamp(u, tz), Interval(_)) => {
            let t = Timestamp(*u, tz.clone());
            return Ok((t.clone(), interval, t));
        }
        (Plus, Interval(_), Timestamp(u, tz)) => {
            let t = Timestamp(*u, tz.clone());
            return Ok((interval, t.clone(), t));
        }
        (Plus | Minus, Interval(_), Interval(_)) => {
            return Ok((interval.clone(), interval.clone(), interval))
        }
        (Multiply, Interval(_), i) if i.is_integer() => {
            return Ok((interval.clone(), Int64, interval))
        }
        (Multiply, i, Interval(_)) if i.is_integer() => {
            return Ok((Int64, interval.clone(), interval))
        }
        (Plus | Minus, Time64(u), Interval(_)) => return Ok((Time64(*u), interval, Time64(*u))),
        (Plus, Interval(_), Time64(u)) => return Ok((interval, Time64(*u), Time64(*u))),
        (Minus, Time64(u), Time64(_)) => return Ok((Time64(*u), Time64(*u), interval)),
        (Plus | Minus, Date32, i) if i.is_integer() => return Ok((Date32, Int32, Date32)),
        (Plus, i, Date32) if i.is_integer() => return Ok((Int32, Date32, Date32)),
        (Minus, Date32, Date32) => return Ok((Date32, Date32, Int64)),
        (Minus, Timestamp(u, tz), Timestamp(_, _)) => {
            let t = Timestamp(*u, tz.clone());
            return Ok((t.clone(), t, interval));
        }
        _ => {}
    }
    // A string literal in arithmetic is parsed as a number (DuckDB: as DOUBLE for `/`,
    // otherwise as the other side's type).
    let (l, r) = match (is_string(l), is_string(r)) {
        (true, false) if is_numeric(r) => (r.clone(), r.clone()),
        (false, true) if is_numeric(l) => (l.clone(), l.clone()),
        _ => (l.clone(), r.clone()),
    };
    if !is_numeric(&l) || !is_numeric(&r) {
        return Err(mismatch());
    }
    match op {
        Divide => {
            if l.is_floating() && r.is_floating() && l == Float32 && r == Float32 {
                return Ok((Float32, Float32, Float32));
            }
            Ok((Float64, Float64, Float64))
        }
        _ => {
            let t = common_numeric(&l, &r).ok_or_else(mismatch)?;
            match (&op, &t) {
                (Multiply, Decimal128(_, _)) => {
                    // Keep each side's own scale: the result scale is s1 + s2.
                    let ld = decimal_of(&l).ok_or_else(mismatch)?;
                    let rd = decimal_of(&r).ok_or_else(mismatch)?;
                    let scale = ld.1 + rd.1;
                    if scale > 38 {
                        return Ok((Float64, Float64, Float64));
                    }
                    // Arrow's kernel gives p1 + p2 + 1 (DuckDB says p1 + p2; the values agree).
                    let precision = (ld.0 + rd.0 + 1).min(38);
                    Ok((
                        Decimal128(ld.0, ld.1),
                        Decimal128(rd.0, rd.1),
                        Decimal128(precision.max(scale as u8), scale),
                    ))
                }
                (Plus | Minus, Decimal128(_, s)) => {
                    let ld = decimal_of(&l).ok_or_else(mismatch)?;
                    let rd = decimal_of(&r).ok_or_else(mismatch)?;
                    let int_digits = (ld.0 as i16 - ld.1 as i16).max(rd.0 as i16 - rd.1 as i16);
                    let precision = (int_digits + *s as i16 + 1).min(38) as u8;
                    Ok((t.clone(), t.clone(), Decimal128(precision, *s)))
                }
                (Modulo, Decimal128(_, s)) => {
                    let ld = decimal_of(&l).ok_or_else(mismatch)?;
                    let rd = decimal_of(&r).ok_or_else(mismatch)?;
                    let int_digits = (ld.0 as i16 - ld.1 as i16).min(rd.0 as i16 - rd.1 as i16);
                    let precision = (int_digits + *s as i16).clamp(1, 38) as u8;
                    Ok((t.clone(), t.clone(), Decimal128(precision, *s)))
                }
                (IntegerDivide, Decimal128(_, _)) => Ok((Float64, Float64, Int64)),
                (IntegerDivide, Float32 | Float64) => Ok((Float64, Float64, Int64)),
                _ => Ok((t.clone(), t.clone(), t)),
            }
        }
    }
}

fn decimal_of(t: &DataType) -> Option<(u8, i8)> {
    match t {
        DataType::Decimal128(p, s) => Some((*p, *s)),
        other => int_as_decimal(other),
    }
}

fn op_symbol(op: ArithmeticOp) -> &'static str {
    match op {
        ArithmeticOp::Plus => "+",
        ArithmeticOp::Minus => "-",
        ArithmeticOp::Multiply => "*",
        ArithmeticOp::Divide => "/",
        ArithmeticOp::IntegerDivide => "//",
        ArithmeticOp::Modulo => "%",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    #[test]
    fn integers_widen() {
        assert_eq!(comparison_type(&Int8, &Int64), Some(Int64));
        assert_eq!(comparison_type(&Int32, &UInt32), Some(Int64));
        assert_eq!(
            arithmetic_result_type(ArithmeticOp::Plus, &Int8, &Int8)
                .unwrap()
                .2,
            Int8
        );
    }

    #[test]
    fn decimals_follow_duckdb() {
        // INTEGER + DECIMAL(10,2) -> DECIMAL(13,2)
        let (_, _, t) =
            arithmetic_result_type(ArithmeticOp::Plus, &Int32, &Decimal128(10, 2)).unwrap();
        assert_eq!(t, Decimal128(13, 2));
        // DECIMAL(10,2) * DECIMAL(5,1) -> scale 3 (DuckDB says DECIMAL(15,3), Arrow's kernel 16 digits)
        let (_, _, t) = arithmetic_result_type(
            ArithmeticOp::Multiply,
            &Decimal128(10, 2),
            &Decimal128(5, 1),
        )
        .unwrap();
        assert_eq!(t, Decimal128(16, 3));
        // `/` is floating point division
        assert_eq!(
            arithmetic_result_type(ArithmeticOp::Divide, &Int32, &Int32)
                .unwrap()
                .2,
            Float64
        );
        assert_eq!(comparison_type(&Decimal128(15, 2), &Float64), Some(Float64));
    }

    #[test]
    fn dates_and_intervals() {
        let (_, _, t) = arithmetic_result_type(
            ArithmeticOp::Minus,
            &Date32,
            &Interval(IntervalUnit::MonthDayNano),
        )
        .unwrap();
        assert_eq!(t, Timestamp(TimeUnit::Microsecond, None));
        assert_eq!(
            arithmetic_result_type(ArithmeticOp::Plus, &Date32, &Int32)
                .unwrap()
                .2,
            Date32
        );
        assert_eq!(
            arithmetic_result_type(ArithmeticOp::Minus, &Date32, &Date32)
                .unwrap()
                .2,
            Int64
        );
        assert!(arithmetic_result_type(ArithmeticOp::Plus, &Boolean, &Date32).is_err());
    }

    #[test]
    fn strings_meet_numbers_as_numbers() {
        assert_eq!(comparison_type(&Utf8, &Int32), Some(Int32));
        assert_eq!(union_type(&Utf8, &Int32), Some(Utf8));
        assert_eq!(comparison_type(&Utf8, &Date32), Some(Date32));
    }
}
