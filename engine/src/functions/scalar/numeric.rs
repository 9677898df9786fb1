//! Numeric functions on the bits and neighbours of numbers: `nextafter(x, y)`, the next
//! representable float after `x` towards `y` (FLOAT for two FLOATs, else DOUBLE);
//! `fmod(x, y)`, the floored remainder `x - y * floor(x / y)` (DuckDB's: the sign of `y`;
//! NaN for `y = 0`); `signbit(x)`;
//! `bit_count(x)`, the set bits of an integer's two's complement; and `binom(n, k)`, the
//! binomial coefficient as a HUGEINT (exact; an error past the 128-bit range, as in DuckDB).

use std::sync::Arc;

use arrow::array::{
    ArrayRef, AsArray, BooleanArray, Decimal128Array, Float32Array, Float64Array, Int16Array,
    Int8Array,
};
use arrow::datatypes::{
    DataType, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};

use super::util::{add_all, arg, cast_all, check_arity, int_target, Entry, Prims, Shape};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_numeric, ScalarValue};

const FUNCTIONS: &[Entry] = &[
    ("nextafter", &[], sig_nextafter, invoke_nextafter),
    ("binom", &[], sig_binom, invoke_binom),
    ("fmod", &[], sig_nextafter, invoke_fmod),
    ("signbit", &[], sig_signbit, invoke_signbit),
    ("bit_count", &[], sig_bit_count, invoke_bit_count),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

fn sig_nextafter(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(DOUBLE, DOUBLE) or (FLOAT, FLOAT)";
    check_arity("nextafter", args, 2, 2)
        .map_err(|_| signature_error("nextafter", expected, args))?;
    let t = if args.iter().all(|t| matches!(t, DataType::Float32)) {
        DataType::Float32
    } else {
        DataType::Float64
    };
    let cast = cast_all("nextafter", args, expected, |_, a| {
        (is_numeric(a) || matches!(a, DataType::Null)).then(|| t.clone())
    })?;
    Ok(Signature { args: cast, ret: t })
}

/// The neighbour of `x` towards `y` (`y` itself when they are equal, NaN for a NaN).
fn next_f64(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == y {
        y
    } else if x < y {
        x.next_up()
    } else {
        x.next_down()
    }
}

fn next_f32(x: f32, y: f32) -> f32 {
    if x.is_nan() || y.is_nan() {
        f32::NAN
    } else if x == y {
        y
    } else if x < y {
        x.next_up()
    } else {
        x.next_down()
    }
}

fn invoke_nextafter(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "nextafter";
    let shape = Shape::of(args);
    let (x, y) = (arg(args, 0, F)?, arg(args, 1, F)?);
    if x.data_type() == DataType::Float32 {
        let (x, y) = (
            Prims::<Float32Type>::new(x, F)?,
            Prims::<Float32Type>::new(y, F)?,
        );
        let out: Float32Array = (0..shape.len)
            .map(|i| Some(next_f32(x.get(i)?, y.get(i)?)))
            .collect();
        return shape.wrap(Arc::new(out));
    }
    let (x, y) = (
        Prims::<Float64Type>::new(x, F)?,
        Prims::<Float64Type>::new(y, F)?,
    );
    let out: Float64Array = (0..shape.len)
        .map(|i| Some(next_f64(x.get(i)?, y.get(i)?)))
        .collect();
    shape.wrap(Arc::new(out))
}

fn invoke_fmod(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "fmod";
    let shape = Shape::of(args);
    let (x, y) = (arg(args, 0, F)?, arg(args, 1, F)?);
    if x.data_type() == DataType::Float32 {
        let (x, y) = (
            Prims::<Float32Type>::new(x, F)?,
            Prims::<Float32Type>::new(y, F)?,
        );
        let out: Float32Array = (0..shape.len)
            .map(|i| Some(fmod(f64::from(x.get(i)?), f64::from(y.get(i)?)) as f32))
            .collect();
        return shape.wrap(Arc::new(out));
    }
    let (x, y) = (
        Prims::<Float64Type>::new(x, F)?,
        Prims::<Float64Type>::new(y, F)?,
    );
    let out: Float64Array = (0..shape.len)
        .map(|i| Some(fmod(x.get(i)?, y.get(i)?)))
        .collect();
    shape.wrap(Arc::new(out))
}

/// The floored remainder.
fn fmod(x: f64, y: f64) -> f64 {
    x - y * (x / y).floor()
}

fn sig_signbit(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("signbit", args, 1, 1).map_err(|_| signature_error("signbit", "(DOUBLE)", args))?;
    let cast = cast_all("signbit", args, "(DOUBLE)", |_, t| {
        (is_numeric(t) || matches!(t, DataType::Null)).then_some(DataType::Float64)
    })?;
    Ok(Signature {
        args: cast,
        ret: DataType::Boolean,
    })
}

fn invoke_signbit(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let x = Prims::<Float64Type>::new(arg(args, 0, "signbit")?, "signbit")?;
    let out: BooleanArray = (0..shape.len)
        .map(|i| x.get(i).map(f64::is_sign_negative))
        .collect();
    shape.wrap(Arc::new(out))
}

fn sig_bit_count(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(integer)";
    check_arity("bit_count", args, 1, 1)
        .map_err(|_| signature_error("bit_count", expected, args))?;
    let ret = match &args[0] {
        DataType::Decimal128(_, 0) => DataType::Int16,
        t if t.is_integer() => DataType::Int8,
        DataType::Null => DataType::Int8,
        _ => return Err(signature_error("bit_count", expected, args)),
    };
    let arg = match &args[0] {
        DataType::Null => DataType::Int64,
        t => t.clone(),
    };
    Ok(Signature {
        args: vec![arg],
        ret,
    })
}

fn invoke_bit_count(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = arg(args, 0, "bit_count")?.to_array(shape.len)?;
    macro_rules! ones {
        ($t:ty) => {{
            let p = a.as_primitive::<$t>();
            let out: Int8Array = p.iter().map(|v| v.map(|v| v.count_ones() as i8)).collect();
            Arc::new(out) as ArrayRef
        }};
    }
    let out: ArrayRef = match a.data_type() {
        DataType::Int8 => ones!(Int8Type),
        DataType::Int16 => ones!(Int16Type),
        DataType::Int32 => ones!(Int32Type),
        DataType::Int64 => ones!(Int64Type),
        DataType::UInt8 => ones!(UInt8Type),
        DataType::UInt16 => ones!(UInt16Type),
        DataType::UInt32 => ones!(UInt32Type),
        DataType::UInt64 => ones!(UInt64Type),
        DataType::Decimal128(_, _) => {
            let p = a.as_primitive::<Decimal128Type>();
            let out: Int16Array = p.iter().map(|v| v.map(|v| v.count_ones() as i16)).collect();
            Arc::new(out)
        }
        other => return Err(crate::internal_err!("`bit_count` was called on {other}")),
    };
    shape.wrap(out)
}

fn sig_binom(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(INTEGER n, INTEGER k)";
    check_arity("binom", args, 2, 2).map_err(|_| signature_error("binom", expected, args))?;
    let cast = cast_all("binom", args, expected, |_, t| int_target(t))?;
    Ok(Signature {
        args: cast,
        ret: DataType::Decimal128(38, 0),
    })
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `n` choose `k`, exactly; `None` when it does not fit in 38 digits.
fn binom(n: i64, k: i64) -> Option<i128> {
    if k > n {
        return Some(0);
    }
    let k = k.min(n - k);
    let mut r: i128 = 1;
    for i in 0..k {
        // r * (n - i) / (i + 1) is exact; divide first so the product stays small.
        let (num, mut den) = (i128::from(n - i), i128::from(i + 1));
        let g = gcd(r, den);
        r /= g;
        den /= g;
        r = r.checked_mul(num / den)?;
    }
    (r < 10i128.pow(38)).then_some(r)
}

fn invoke_binom(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "binom";
    let shape = Shape::of(args);
    let (n, k) = (
        Prims::<Int64Type>::new(arg(args, 0, F)?, F)?,
        Prims::<Int64Type>::new(arg(args, 1, F)?, F)?,
    );
    let out = (0..shape.len)
        .map(|i| {
            let (Some(n), Some(k)) = (n.get(i), k.get(i)) else {
                return Ok(None);
            };
            if n < 0 || k < 0 {
                return Err(Error::Compute(
                    "binom with negative input is undefined (out of range)".into(),
                ));
            }
            binom(n, k).map(Some).ok_or_else(|| {
                Error::Compute(format!("binom({n}, {k}): Value out of range (overflow)"))
            })
        })
        .collect::<Result<Decimal128Array>>()?
        .with_precision_and_scale(38, 0)?;
    shape.wrap(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials_are_exact() {
        assert_eq!(binom(5, 2), Some(10));
        assert_eq!(binom(6, 8), Some(0));
        assert_eq!(binom(0, 0), Some(1));
        assert_eq!(binom(60, 30), Some(118_264_581_564_861_424));
        assert_eq!(
            binom(130, 65),
            Some(95_067_625_827_960_698_145_584_333_020_095_113_100)
        );
        assert_eq!(binom(131, 65), None);
    }

    #[test]
    fn bits_and_remainders() {
        use super::super::util::testing::{lit, scalar};
        assert_eq!(scalar("bit_count", vec![lit(-1i8)]).as_i64(), Some(8));
        assert_eq!(scalar("bit_count", vec![lit(-1i64)]).as_i64(), Some(64));
        assert_eq!(
            scalar("fmod", vec![lit(-5.0f64), lit(3.0f64)]).as_f64(),
            Some(1.0)
        );
        assert_eq!(
            scalar("fmod", vec![lit(5.5f64), lit(2.0f64)]).as_f64(),
            Some(1.5)
        );
        assert_eq!(
            scalar("signbit", vec![lit(-0.0f64)]),
            ScalarValue::from(true)
        );
    }

    #[test]
    fn next_floats() {
        assert!(next_f64(99.0, 1.0) < 99.0);
        assert_eq!(next_f64(99.0, 99.0), 99.0);
        assert_eq!(next_f32(10.0, 0.0), 9.999_999);
        assert!(next_f64(f64::NAN, 1.0).is_nan());
    }
}
