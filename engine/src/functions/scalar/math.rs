//! Scalar functions: the math family (`abs`, `round`, `floor`, `sqrt`, `log`, `pow`,
//! `mod`, trigonometry, `gcd`, `factorial`, `random`, ...), with DuckDB's types and values.
//!
//! Types follow DuckDB: `abs`, `round` and `trunc` keep integers integers; `floor` and
//! `ceil` of an integer give `DOUBLE`; on `DECIMAL(p, s)` `floor`/`ceil` give
//! `DECIMAL(p, 0)` and `round(x, d)` gives `DECIMAL(p, d)` (for a literal `d < s`), rounding
//! half away from zero. Transcendental functions work on `DOUBLE` (other numbers are cast)
//! and, as in DuckDB, answer NaN or infinity outside their domain (`sqrt(-1)` is NaN,
//! `ln(0)` is `-inf`) rather than failing. Integer overflow (`abs(-128::TINYINT)`) and
//! integer `mod` by zero are errors.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float64Array, Int64Array, Int8Array,
    PrimitiveArray,
};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, Int8Type,
};
use arrow::error::ArrowError;

use super::util::{
    add_all, arg, cast_all, check_arity, datum, int_target, volatile, wrap_like, Entry, Prims,
    Shape,
};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::{arithmetic_result_type, is_numeric, ArithmeticOp, ScalarValue};

/// The family's functions: name, aliases, signature, implementation.
const FUNCTIONS: &[Entry] = &[
    ("abs", &[], sig_abs, invoke_abs),
    ("round", &[], sig_round, invoke_round),
    (
        "roundbankers",
        &["round_even"],
        sig_round_even,
        invoke_round_even,
    ),
    ("trunc", &[], sig_trunc, invoke_trunc),
    ("floor", &[], sig_floor, invoke_floor),
    ("ceil", &["ceiling"], sig_ceil, invoke_ceil),
    ("sqrt", &[], sig_sqrt, invoke_sqrt),
    ("cbrt", &[], sig_cbrt, invoke_cbrt),
    ("ln", &[], sig_ln, invoke_ln),
    ("log10", &[], sig_log10, invoke_log10),
    ("log2", &[], sig_log2, invoke_log2),
    ("log", &[], sig_log, invoke_log),
    ("exp", &[], sig_exp, invoke_exp),
    ("pow", &["power"], sig_pow, invoke_pow),
    ("sin", &[], sig_sin, invoke_sin),
    ("sinh", &[], sig_sinh, invoke_sinh),
    ("cosh", &[], sig_cosh, invoke_cosh),
    ("tanh", &[], sig_tanh, invoke_tanh),
    ("asinh", &[], sig_asinh, invoke_asinh),
    ("acosh", &[], sig_acosh, invoke_acosh),
    ("atanh", &[], sig_atanh, invoke_atanh),
    ("cos", &[], sig_cos, invoke_cos),
    ("tan", &[], sig_tan, invoke_tan),
    ("cot", &[], sig_cot, invoke_cot),
    ("asin", &[], sig_asin, invoke_asin),
    ("acos", &[], sig_acos, invoke_acos),
    ("atan", &[], sig_atan, invoke_atan),
    ("atan2", &[], sig_atan2, invoke_atan2),
    ("degrees", &[], sig_degrees, invoke_degrees),
    ("radians", &[], sig_radians, invoke_radians),
    ("even", &[], sig_even, invoke_even),
    ("sign", &[], sig_sign, invoke_sign),
    ("isnan", &[], sig_isnan, invoke_isnan),
    ("isinf", &[], sig_isinf, invoke_isinf),
    ("isfinite", &[], sig_isfinite, invoke_isfinite),
    ("mod", &[], sig_mod, invoke_mod),
    ("gcd", &["greatest_common_divisor"], sig_gcd_lcm, invoke_gcd),
    ("lcm", &["least_common_multiple"], sig_gcd_lcm, invoke_lcm),
    ("factorial", &[], sig_factorial, invoke_factorial),
    ("pi", &[], sig_pi, invoke_pi),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
    r.add_scalar(volatile("random", &[], sig_random, invoke_random));
}

// ---------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------

/// `n` numeric (or NULL) arguments, all cast to `Float64`; returns `ret`.
fn doubles(name: &str, args: &[DataType], n: usize, ret: DataType) -> Result<Signature> {
    let expected = match n {
        1 => "(DOUBLE)",
        _ => "(DOUBLE, DOUBLE)",
    };
    check_arity(name, args, n, n).map_err(|_| signature_error(name, expected, args))?;
    let cast = cast_all(name, args, expected, |_, t| {
        (is_numeric(t) || matches!(t, DataType::Null)).then_some(DataType::Float64)
    })?;
    Ok(Signature { args: cast, ret })
}

fn sig_log(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args.len() {
        1 => doubles("log", args, 1, DataType::Float64),
        _ => doubles("log", args, 2, DataType::Float64)
            .map_err(|_| signature_error("log", "(DOUBLE) or (base DOUBLE, DOUBLE)", args)),
    }
}

fn sig_sign(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    doubles("sign", args, 1, DataType::Int8)
}

fn sig_pi(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("pi", args, 0, 0)?;
    Ok(Signature::keep(args, DataType::Float64))
}

fn sig_random(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("random", args, 0, 0)?;
    Ok(Signature::keep(args, DataType::Float64))
}

fn sig_abs(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("abs", args, 1, 1)?;
    let t = match &args[0] {
        DataType::Null => DataType::Int64,
        DataType::Decimal256(_, _) => DataType::Float64,
        t if is_numeric(t) => t.clone(),
        _ => return Err(signature_error("abs", "a number", args)),
    };
    Ok(Signature {
        args: vec![t.clone()],
        ret: t,
    })
}

fn sig_floor_ceil(name: &str, args: &[DataType]) -> Result<Signature> {
    check_arity(name, args, 1, 1)?;
    let (arg, ret) = match &args[0] {
        DataType::Float32 => (DataType::Float32, DataType::Float32),
        DataType::Decimal128(p, _) => (args[0].clone(), DataType::Decimal128(*p, 0)),
        t if is_numeric(t) || matches!(t, DataType::Null) => (DataType::Float64, DataType::Float64),
        _ => return Err(signature_error(name, "a number", args)),
    };
    Ok(Signature {
        args: vec![arg],
        ret,
    })
}

fn sig_floor(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    sig_floor_ceil("floor", args)
}

fn sig_ceil(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    sig_floor_ceil("ceil", args)
}

/// `round` / `trunc`: `(x [, digits])`. Decimals need the digits as a literal to know the
/// result scale; with a computed digit count they are rounded as `DOUBLE`.
fn sig_round_like(
    name: &str,
    args: &[DataType],
    lits: &[Option<ScalarValue>],
) -> Result<Signature> {
    let expected = "(number[, INTEGER digits])";
    check_arity(name, args, 1, 2).map_err(|_| signature_error(name, expected, args))?;
    if let Some(d) = args.get(1) {
        if int_target(d).is_none() {
            return Err(signature_error(name, expected, args));
        }
    }
    let digits_arg = || args.get(1).map(|_| DataType::Int64);
    let digits = match lits.get(1) {
        None if args.len() == 1 => Some(0),
        Some(Some(v)) if v.is_null() => {
            return Err(crate::schema_err!(
                "function `{name}`: the number of digits must not be NULL"
            ))
        }
        Some(Some(v)) => v.as_i64(),
        _ => None,
    };
    let x = match &args[0] {
        DataType::Null => DataType::Int64,
        DataType::Decimal256(_, _) => DataType::Float64,
        DataType::Decimal128(p, s) => match digits {
            Some(d) => {
                let ret = if d >= *s as i64 {
                    args[0].clone()
                } else {
                    DataType::Decimal128(*p, d.max(0) as i8)
                };
                return Ok(Signature {
                    args: std::iter::once(args[0].clone())
                        .chain(digits_arg())
                        .collect(),
                    ret,
                });
            }
            None => DataType::Float64,
        },
        t if is_numeric(t) => t.clone(),
        _ => return Err(signature_error(name, expected, args)),
    };
    Ok(Signature {
        args: std::iter::once(x.clone()).chain(digits_arg()).collect(),
        ret: x,
    })
}

fn sig_round(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    sig_round_like("round", args, lits)
}

fn sig_round_even(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    sig_round_like("roundbankers", args, lits)
}

fn sig_trunc(args: &[DataType], lits: &[Option<ScalarValue>]) -> Result<Signature> {
    sig_round_like("trunc", args, lits)
}

/// `mod(a, b)`: DuckDB's `%` rules. The arguments keep their types (the operands are cast
/// inside), so the signature gives the same answer however often it is asked.
fn sig_mod(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("mod", args, 2, 2)?;
    let (_, _, ret) = arithmetic_result_type(ArithmeticOp::Modulo, &args[0], &args[1])
        .map_err(|_| signature_error("mod", "two numbers", args))?;
    Ok(Signature::keep(args, ret))
}

fn sig_gcd_lcm(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("gcd", args, 2, 2)?;
    let cast = cast_all("gcd", args, "(BIGINT, BIGINT)", |_, t| int_target(t))?;
    Ok(Signature {
        args: cast,
        ret: DataType::Int64,
    })
}

fn sig_factorial(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("factorial", args, 1, 1)?;
    let cast = cast_all("factorial", args, "(INTEGER)", |_, t| int_target(t))?;
    Ok(Signature {
        args: cast,
        ret: DataType::Decimal128(38, 0),
    })
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The first argument as an array of the call's shape.
fn first(args: &[ColumnarValue], func: &str) -> Result<(Shape, ArrayRef)> {
    let shape = Shape::of(args);
    Ok((shape, arg(args, 0, func)?.to_array(shape.len)?))
}

fn wrong_type(func: &str, t: &DataType) -> Error {
    crate::internal_err!(
        "`{func}` was invoked with an argument of type {t}, which its signature rejects"
    )
}

/// Applies `f` to a `Float64` argument.
fn float_unary(args: &[ColumnarValue], func: &str, f: fn(f64) -> f64) -> Result<ColumnarValue> {
    let (shape, a) = first(args, func)?;
    let a = a
        .as_primitive_opt::<Float64Type>()
        .ok_or_else(|| wrong_type(func, a.data_type()))?;
    let out: Float64Array = a.unary(f);
    shape.wrap(Arc::new(out))
}

/// Applies `f` to two `Float64` arguments.
fn float_binary(
    args: &[ColumnarValue],
    func: &str,
    f: fn(f64, f64) -> f64,
) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = Prims::<Float64Type>::new(arg(args, 0, func)?, func)?;
    let b = Prims::<Float64Type>::new(arg(args, 1, func)?, func)?;
    let out: Float64Array = (0..shape.len)
        .map(|i| Some(f(a.get(i)?, b.get(i)?)))
        .collect();
    shape.wrap(Arc::new(out))
}

/// Defines the signature (one `DOUBLE`) and implementation of a unary float function.
macro_rules! float_fn {
    ($sig:ident, $name:ident, $func:literal, $f:expr) => {
        fn $sig(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
            doubles($func, args, 1, DataType::Float64)
        }

        fn $name(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
            float_unary(args, $func, $f)
        }
    };
}

float_fn!(sig_sqrt, invoke_sqrt, "sqrt", f64::sqrt);
float_fn!(sig_cbrt, invoke_cbrt, "cbrt", f64::cbrt);
float_fn!(sig_ln, invoke_ln, "ln", f64::ln);
float_fn!(sig_log10, invoke_log10, "log10", f64::log10);
float_fn!(sig_log2, invoke_log2, "log2", f64::log2);
float_fn!(sig_exp, invoke_exp, "exp", f64::exp);
float_fn!(sig_sin, invoke_sin, "sin", f64::sin);
float_fn!(sig_cos, invoke_cos, "cos", f64::cos);
float_fn!(sig_tan, invoke_tan, "tan", f64::tan);
float_fn!(sig_cot, invoke_cot, "cot", |x| 1.0 / x.tan());
float_fn!(sig_asin, invoke_asin, "asin", f64::asin);
float_fn!(sig_acos, invoke_acos, "acos", f64::acos);
float_fn!(sig_atan, invoke_atan, "atan", f64::atan);
float_fn!(sig_sinh, invoke_sinh, "sinh", f64::sinh);
float_fn!(sig_cosh, invoke_cosh, "cosh", f64::cosh);
float_fn!(sig_tanh, invoke_tanh, "tanh", f64::tanh);
float_fn!(sig_asinh, invoke_asinh, "asinh", f64::asinh);
float_fn!(sig_acosh, invoke_acosh, "acosh", f64::acosh);
float_fn!(sig_atanh, invoke_atanh, "atanh", f64::atanh);
float_fn!(sig_degrees, invoke_degrees, "degrees", f64::to_degrees);
float_fn!(sig_radians, invoke_radians, "radians", f64::to_radians);
float_fn!(sig_even, invoke_even, "even", even);

/// DuckDB's `even`: away from zero to the next even integer.
fn even(x: f64) -> f64 {
    let v = if x >= 0.0 { x.ceil() } else { x.floor() };
    if v % 2.0 != 0.0 {
        v + v.signum()
    } else {
        v
    }
}

fn sig_pow(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    doubles("pow", args, 2, DataType::Float64)
}

fn sig_atan2(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    doubles("atan2", args, 2, DataType::Float64)
}

fn invoke_pow(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    float_binary(args, "pow", f64::powf)
}

fn invoke_atan2(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    float_binary(args, "atan2", f64::atan2)
}

fn invoke_log(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    if args.len() == 1 {
        float_unary(args, "log", f64::log10)
    } else {
        float_binary(args, "log", |base, x| x.ln() / base.ln())
    }
}

fn invoke_sign(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, a) = first(args, "sign")?;
    let a = a
        .as_primitive_opt::<Float64Type>()
        .ok_or_else(|| wrong_type("sign", a.data_type()))?;
    let out: Int8Array = a.unary(|v| {
        if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        }
    });
    shape.wrap(Arc::new(out))
}

fn float_test(args: &[ColumnarValue], func: &str, f: fn(f64) -> bool) -> Result<ColumnarValue> {
    let (shape, a) = first(args, func)?;
    let a = a
        .as_primitive_opt::<Float64Type>()
        .ok_or_else(|| wrong_type(func, a.data_type()))?;
    let out: BooleanArray = a.iter().map(|v| v.map(f)).collect();
    shape.wrap(Arc::new(out))
}

fn sig_isnan(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    doubles("isnan", args, 1, DataType::Boolean)
}

fn sig_isinf(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    doubles("isinf", args, 1, DataType::Boolean)
}

fn sig_isfinite(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    doubles("isfinite", args, 1, DataType::Boolean)
}

fn invoke_isnan(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    float_test(args, "isnan", f64::is_nan)
}

fn invoke_isinf(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    float_test(args, "isinf", f64::is_infinite)
}

fn invoke_isfinite(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    float_test(args, "isfinite", f64::is_finite)
}

fn invoke_pi(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let _ = args;
    Ok(ColumnarValue::Scalar(ScalarValue::from(
        std::f64::consts::PI,
    )))
}

/// `random()`: a fresh value in `[0, 1)` for every row (an array of `num_rows`, never a
/// scalar, so rows differ). SplitMix64 seeded per call from the process's random hasher
/// keys, the clock and a call counter.
fn invoke_random(_: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut state = std::collections::hash_map::RandomState::new()
        .hash_one((nanos, CALLS.fetch_add(1, Ordering::Relaxed)));
    let out: Float64Array = (0..num_rows)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    Ok(ColumnarValue::Array(Arc::new(out)))
}

// ---------------------------------------------------------------------------------------
// abs
// ---------------------------------------------------------------------------------------

fn checked_abs<T: ArrowPrimitiveType>(
    a: &ArrayRef,
    abs: fn(T::Native) -> Option<T::Native>,
) -> Result<ArrayRef>
where
    T::Native: std::fmt::Display,
{
    let a = a.as_primitive::<T>();
    let out: PrimitiveArray<T> = a.try_unary(|v| {
        abs(v).ok_or_else(|| {
            ArrowError::ComputeError(format!(
                "`abs`: overflow on abs({v}); cast to a wider type first"
            ))
        })
    })?;
    Ok(Arc::new(out))
}

fn invoke_abs(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (shape, a) = first(args, "abs")?;
    let out: ArrayRef = match a.data_type() {
        DataType::Int8 => checked_abs::<Int8Type>(&a, i8::checked_abs)?,
        DataType::Int16 => checked_abs::<Int16Type>(&a, i16::checked_abs)?,
        DataType::Int32 => checked_abs::<Int32Type>(&a, i32::checked_abs)?,
        DataType::Int64 => checked_abs::<Int64Type>(&a, i64::checked_abs)?,
        DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Null => a,
        DataType::Float32 => Arc::new(
            a.as_primitive::<Float32Type>()
                .unary::<_, Float32Type>(f32::abs),
        ),
        DataType::Float64 => Arc::new(
            a.as_primitive::<Float64Type>()
                .unary::<_, Float64Type>(f64::abs),
        ),
        DataType::Decimal128(p, s) => {
            let (p, s) = (*p, *s);
            let d = checked_abs::<Decimal128Type>(&a, i128::checked_abs)?;
            Arc::new(
                d.as_primitive::<Decimal128Type>()
                    .clone()
                    .with_precision_and_scale(p, s)?,
            )
        }
        other => return Err(wrong_type("abs", other)),
    };
    shape.wrap(out)
}

// ---------------------------------------------------------------------------------------
// round, trunc, floor, ceil
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    HalfAway,
    /// Banker's rounding: halves go to the even neighbour.
    HalfEven,
    Trunc,
    Floor,
    Ceil,
}

/// `v / 10^drop`, rounded in `mode`.
fn div_round(v: i128, drop: u32, mode: Mode) -> i128 {
    let Some(f) = 10i128.checked_pow(drop) else {
        // |v| < 10^drop: the quotient is 0 (or -1 / 1 when flooring / ceiling).
        return match mode {
            Mode::Floor if v < 0 => -1,
            Mode::Ceil if v > 0 => 1,
            _ => 0,
        };
    };
    let (q, r) = (v / f, v % f);
    match mode {
        Mode::Trunc => q,
        Mode::Floor if r < 0 => q - 1,
        Mode::Ceil if r > 0 => q + 1,
        Mode::Floor | Mode::Ceil => q,
        Mode::HalfAway if r.abs() >= f - r.abs() => q + v.signum(),
        Mode::HalfAway => q,
        Mode::HalfEven => {
            let (half, rest) = (r.abs(), f - r.abs());
            if half > rest || (half == rest && q % 2 != 0) {
                q + v.signum()
            } else {
                q
            }
        }
    }
}

/// Rounds decimals of scale `s` to `d` places (`d < s`) in `mode`, answering at scale
/// `max(d, 0)` and precision `p`.
fn decimal_round(func: &str, a: &ArrayRef, s: i8, d: i64, mode: Mode, p: u8) -> Result<ArrayRef> {
    let t = d.max(0);
    let drop = u32::try_from(s as i64 - d)
        .map_err(|_| crate::internal_err!("`{func}`: negative rounding shift"))?;
    let up = u32::try_from(t - d)
        .map_err(|_| crate::internal_err!("`{func}`: negative rounding shift"))?;
    let scale_up = 10i128.checked_pow(up);
    let a = a
        .as_primitive_opt::<Decimal128Type>()
        .ok_or_else(|| wrong_type(func, a.data_type()))?;
    let out: Decimal128Array = a.try_unary(|v| {
        let q = div_round(v, drop, mode);
        if q == 0 {
            return Ok(0);
        }
        scale_up.and_then(|m| q.checked_mul(m)).ok_or_else(|| {
            ArrowError::ComputeError(format!(
                "`{func}`: the result is out of range for DECIMAL({p},{t})"
            ))
        })
    })?;
    Ok(Arc::new(out.with_precision_and_scale(p, t as i8)?))
}

/// DuckDB's rounding of a double to `d` digits.
fn round_f64(x: f64, d: i64) -> f64 {
    if d < 0 {
        let m = 10f64.powi((-d).min(400) as i32);
        let r = (x / m).round() * m;
        if r.is_finite() {
            r
        } else {
            0.0
        }
    } else {
        let m = 10f64.powi(d.min(400) as i32);
        let r = (x * m).round() / m;
        if r.is_finite() {
            r
        } else {
            x
        }
    }
}

/// A double rounded to `d` digits, halves to the even neighbour.
fn round_even_f64(x: f64, d: i64) -> f64 {
    let m = 10f64.powi(d.unsigned_abs().min(400) as i32);
    let r = if d < 0 {
        (x / m).round_ties_even() * m
    } else {
        (x * m).round_ties_even() / m
    };
    match (r.is_finite(), d < 0) {
        (true, _) => r,
        (false, true) => 0.0,
        (false, false) => x,
    }
}

/// DuckDB's truncation of a double to `d` digits.
fn trunc_f64(x: f64, d: i64) -> f64 {
    if d < 0 {
        let m = 10f64.powi((-d).min(400) as i32);
        let r = (x / m).trunc() * m;
        if r.is_finite() {
            r
        } else {
            0.0
        }
    } else {
        let m = 10f64.powi(d.min(400) as i32);
        let r = (x * m).trunc() / m;
        if r.is_finite() {
            r
        } else {
            x
        }
    }
}

/// The constant digit count of a `round` / `trunc` call (0 when absent).
fn const_digits(args: &[ColumnarValue], func: &str) -> Result<Option<i64>> {
    match args.get(1) {
        None => Ok(Some(0)),
        Some(d) => match Prims::<Int64Type>::new(d, func)?.as_const() {
            Some(Some(d)) => Ok(Some(d)),
            Some(None) => Err(crate::compute_err!(
                "`{func}`: the number of digits must not be NULL"
            )),
            None => Ok(None),
        },
    }
}

fn round_like(args: &[ColumnarValue], func: &str, mode: Mode) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let x = arg(args, 0, func)?;
    let a = x.to_array(shape.len)?;
    let float_fn = match mode {
        Mode::Trunc => trunc_f64,
        Mode::HalfEven => round_even_f64,
        _ => round_f64,
    };
    let out: ArrayRef = match a.data_type() {
        DataType::Float64 | DataType::Float32 => {
            let xs = cast_with_options(&a, &DataType::Float64, &CastOptions::default())?;
            let xs = xs.as_primitive::<Float64Type>();
            let out: Float64Array = match const_digits(args, func)? {
                Some(d) => xs.unary(|v| float_fn(v, d)),
                None => {
                    let ds = Prims::<Int64Type>::new(arg(args, 1, func)?, func)?;
                    (0..shape.len)
                        .map(|i| Some(float_fn(xs.is_valid(i).then(|| xs.value(i))?, ds.get(i)?)))
                        .collect()
                }
            };
            arrow::compute::cast(&out, a.data_type())?
        }
        DataType::Decimal128(p, s) => {
            let (p, s) = (*p, *s);
            let d = const_digits(args, func)?.ok_or_else(|| {
                crate::not_supported!("`{func}` of a DECIMAL needs a constant number of digits")
            })?;
            if d >= s as i64 {
                a
            } else {
                decimal_round(func, &a, s, d, mode, p)?
            }
        }
        t if t.is_integer() => {
            let d = const_digits(args, func)?.ok_or_else(|| {
                crate::not_supported!("`{func}` of an integer needs a constant number of digits")
            })?;
            if d >= 0 {
                a
            } else {
                let wide = arrow::compute::cast(&a, &DataType::Decimal128(38, 0))?;
                let rounded = decimal_round(func, &wide, 0, d, mode, 38)?;
                let strict = CastOptions {
                    safe: false,
                    ..Default::default()
                };
                cast_with_options(&rounded, t, &strict).map_err(|_| {
                    crate::compute_err!("`{func}`: overflow rounding a {t} value to {d} digits")
                })?
            }
        }
        DataType::Null => a,
        other => return Err(wrong_type(func, other)),
    };
    shape.wrap(out)
}

fn invoke_round(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    round_like(args, "round", Mode::HalfAway)
}

fn invoke_round_even(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    round_like(args, "roundbankers", Mode::HalfEven)
}

fn invoke_trunc(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    round_like(args, "trunc", Mode::Trunc)
}

fn floor_ceil(args: &[ColumnarValue], func: &str, mode: Mode) -> Result<ColumnarValue> {
    let (shape, a) = first(args, func)?;
    let f = if mode == Mode::Floor {
        f64::floor
    } else {
        f64::ceil
    };
    let out: ArrayRef = match a.data_type() {
        DataType::Float64 => Arc::new(a.as_primitive::<Float64Type>().unary::<_, Float64Type>(f)),
        DataType::Float32 => Arc::new(
            a.as_primitive::<Float32Type>()
                .unary::<_, Float32Type>(|v| f(v as f64) as f32),
        ),
        DataType::Decimal128(p, s) => decimal_round(func, &a, *s, 0, mode, *p)?,
        other => return Err(wrong_type(func, other)),
    };
    shape.wrap(out)
}

fn invoke_floor(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    floor_ceil(args, "floor", Mode::Floor)
}

fn invoke_ceil(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    floor_ceil(args, "ceil", Mode::Ceil)
}

// ---------------------------------------------------------------------------------------
// mod, gcd, lcm, factorial
// ---------------------------------------------------------------------------------------

fn invoke_mod(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let (l, r) = (arg(args, 0, "mod")?, arg(args, 1, "mod")?);
    let (l_dt, r_dt) = (l.data_type(), r.data_type());
    let (lt, rt, ret) = arithmetic_result_type(ArithmeticOp::Modulo, &l_dt, &r_dt)?;
    let cast_to = |v: &ColumnarValue, t: &DataType| -> Result<ColumnarValue> {
        Ok(match v {
            ColumnarValue::Scalar(s) => ColumnarValue::Scalar(s.cast_to(t)?),
            ColumnarValue::Array(a) => ColumnarValue::Array(arrow::compute::cast(a, t)?),
        })
    };
    let (l, r) = (cast_to(l, &lt)?, cast_to(r, &rt)?);
    let out = arrow::compute::kernels::numeric::rem(datum(&l).as_ref(), datum(&r).as_ref())
        .map_err(|e| match e {
            ArrowError::DivideByZero => crate::compute_err!("`mod`: division by zero"),
            other => crate::compute_err!("`mod` of {l_dt} and {r_dt} failed: {other}"),
        })?;
    // Arrow's decimal remainder may pick another precision than DuckDB's rule.
    let out = if out.data_type() == &ret {
        out
    } else {
        arrow::compute::cast(&out, &ret)?
    };
    wrap_like(args, out)
}

fn checked_gcd(func: &str, a: i64, b: i64) -> Result<i64> {
    let overflow = |v: i64| crate::compute_err!("`{func}`: overflow on abs({v})");
    let (mut a, mut b) = (
        a.checked_abs().ok_or_else(|| overflow(a))?,
        b.checked_abs().ok_or_else(|| overflow(b))?,
    );
    while b != 0 {
        (a, b) = (b, a % b);
    }
    Ok(a)
}

fn gcd_lcm(args: &[ColumnarValue], func: &str, lcm: bool) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let a = Prims::<Int64Type>::new(arg(args, 0, func)?, func)?;
    let b = Prims::<Int64Type>::new(arg(args, 1, func)?, func)?;
    let out = (0..shape.len)
        .map(|i| {
            let (Some(x), Some(y)) = (a.get(i), b.get(i)) else {
                return Ok(None);
            };
            let g = checked_gcd(func, x, y)?;
            if !lcm {
                return Ok(Some(g));
            }
            if g == 0 {
                return Ok(Some(0));
            }
            (x / g)
                .checked_mul(y)
                .and_then(i64::checked_abs)
                .map(Some)
                .ok_or_else(|| {
                    crate::compute_err!("`lcm`: lcm({x}, {y}) is out of range for BIGINT")
                })
        })
        .collect::<Result<Int64Array>>()?;
    shape.wrap(Arc::new(out))
}

fn invoke_gcd(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    gcd_lcm(args, "gcd", false)
}

fn invoke_lcm(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    gcd_lcm(args, "lcm", true)
}

fn invoke_factorial(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let n = Prims::<Int64Type>::new(arg(args, 0, "factorial")?, "factorial")?;
    let out = (0..shape.len)
        .map(|i| {
            let Some(n) = n.get(i) else { return Ok(None) };
            if n < 0 {
                return Err(crate::compute_err!("`factorial`: factorial of a negative number ({n}) is undefined"));
            }
            (1..=n as i128)
                .try_fold(1i128, |acc, k| acc.checked_mul(k))
                .filter(|v| *v < 10i128.pow(38))
                .map(Some)
                .ok_or_else(|| crate::compute_err!("`factorial`: factorial({n}) is out of range; the largest supported is factorial(33)"))
        })
        .collect::<Result<Decimal128Array>>()?
        .with_precision_and_scale(38, 0)?;
    shape.wrap(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::registry;
    use crate::functions::scalar::util::testing::{call, lit, null, scalar};

    fn dec(unscaled: i128, p: u8, s: i8) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::decimal128(unscaled, p, s).unwrap())
    }

    /// The result as `(type, display string)`.
    fn show(name: &str, args: Vec<ColumnarValue>) -> (DataType, String) {
        let s = scalar(name, args);
        (s.data_type().clone(), s.to_display_string())
    }

    fn f64_of(name: &str, args: Vec<ColumnarValue>) -> Option<f64> {
        scalar(name, args).as_f64()
    }

    #[test]
    fn abs_keeps_types_and_checks_overflow() {
        assert_eq!(show("abs", vec![lit(-3i8)]), (DataType::Int8, "3".into()));
        assert_eq!(
            show("abs", vec![dec(-270, 15, 2)]),
            (DataType::Decimal128(15, 2), "2.70".into())
        );
        assert_eq!(
            show("abs", vec![lit(-2.5f32)]),
            (DataType::Float32, "2.5".into())
        );
        let e = call("abs", vec![lit(i8::MIN)]).unwrap_err().to_string();
        assert!(e.contains("abs(-128)"), "{e}");
        assert!(call("abs", vec![lit(i64::MIN)]).is_err());
        assert_eq!(show("abs", vec![null(DataType::Null)]).0, DataType::Int64);
        assert!(call("abs", vec![lit("x")]).is_err());
    }

    #[test]
    fn round_follows_duckdb() {
        // Decimal: the scale becomes the digit count; half away from zero.
        assert_eq!(
            show("round", vec![dec(2345, 15, 3), lit(2i64)]),
            (DataType::Decimal128(15, 2), "2.35".into())
        );
        assert_eq!(
            show("round", vec![dec(-2345, 15, 3), lit(2i64)]),
            (DataType::Decimal128(15, 2), "-2.35".into())
        );
        assert_eq!(
            show("round", vec![dec(2345, 15, 3)]),
            (DataType::Decimal128(15, 0), "2".into())
        );
        assert_eq!(
            show("round", vec![dec(12345678, 10, 4), lit(-2i64)]),
            (DataType::Decimal128(10, 0), "1200".into())
        );
        assert_eq!(
            show("round", vec![dec(12345678, 10, 4), lit(6i64)]),
            (DataType::Decimal128(10, 4), "1234.5678".into())
        );
        assert_eq!(
            show("round", vec![dec(9995, 4, 2), lit(1i64)]),
            (DataType::Decimal128(4, 1), "100.0".into())
        );
        assert_eq!(
            show("round", vec![dec(-25, 15, 1)]),
            (DataType::Decimal128(15, 0), "-3".into())
        );
        assert_eq!(
            show("round", vec![dec(12345678, 10, 4), lit(-10i64)]).1,
            "0"
        );
        // Doubles stay doubles.
        assert_eq!(f64_of("round", vec![lit(2.5f64)]), Some(3.0));
        assert_eq!(f64_of("roundbankers", vec![lit(2.5f64)]), Some(2.0));
        // The hyperbolic functions give DuckDB's (the C library's) values.
        assert_eq!(f64_of("sinh", vec![lit(1.0f64)]), Some(1.1752011936438014));
        assert_eq!(f64_of("tanh", vec![lit(1.0f64)]), Some(0.7615941559557649));
        assert_eq!(f64_of("asinh", vec![lit(1.0f64)]), Some(0.881373587019543));
        assert_eq!(f64_of("acosh", vec![lit(2.0f64)]), Some(1.3169578969248166));
        assert_eq!(f64_of("atanh", vec![lit(0.5f64)]), Some(0.5493061443340548));
        assert!(f64_of("atanh", vec![lit(2.0f64)]).is_some_and(f64::is_nan));
        assert_eq!(
            f64_of("round_even", vec![lit(45.0f64), lit(-1i64)]),
            Some(40.0)
        );
        assert_eq!(
            show("roundbankers", vec![dec(4555, 15, 2), lit(1i64)]).1,
            "45.6"
        );
        assert_eq!(
            show("roundbankers", vec![dec(-4545, 15, 2), lit(1i64)]).1,
            "-45.4"
        );
        assert_eq!(show("roundbankers", vec![lit(35i32), lit(-1i64)]).1, "40");
        assert_eq!(f64_of("round", vec![lit(-2.5f64)]), Some(-3.0));
        assert_eq!(f64_of("round", vec![lit(1.2345f64), lit(2i64)]), Some(1.23));
        assert_eq!(
            f64_of("round", vec![lit(1234.5f64), lit(-2i64)]),
            Some(1200.0)
        );
        assert_eq!(f64_of("round", vec![lit(1.005f64), lit(2i64)]), Some(1.0));
        assert_eq!(f64_of("round", vec![lit(1.5f64), lit(400i64)]), Some(1.5));
        assert_eq!(show("round", vec![lit(2.5f32)]).0, DataType::Float32);
        // Integers stay integers.
        assert_eq!(
            show("round", vec![lit(15i32), lit(-1i64)]),
            (DataType::Int32, "20".into())
        );
        assert_eq!(show("round", vec![lit(-25i32), lit(-1i64)]).1, "-30");
        assert_eq!(show("round", vec![lit(14i32), lit(-1i64)]).1, "10");
        assert_eq!(show("round", vec![lit(1i32), lit(2i64)]).1, "1");
        assert_eq!(show("round", vec![lit(1234567i32), lit(-20i64)]).1, "0");
        assert!(call("round", vec![lit(127i8), lit(-1i64)]).is_err());
        assert!(call("round", vec![dec(1, 5, 2), null(DataType::Int64)]).is_err());
    }

    #[test]
    fn trunc_floor_ceil() {
        assert_eq!(f64_of("trunc", vec![lit(-2.7f64)]), Some(-2.0));
        assert_eq!(f64_of("trunc", vec![lit(2.777f64), lit(2i64)]), Some(2.77));
        assert_eq!(f64_of("trunc", vec![lit(2.777f64), lit(-1i64)]), Some(0.0));
        assert_eq!(
            show("trunc", vec![dec(-270, 15, 2)]),
            (DataType::Decimal128(15, 0), "-2".into())
        );
        assert_eq!(
            show("trunc", vec![dec(-2777, 5, 3), lit(2i64)]),
            (DataType::Decimal128(5, 2), "-2.77".into())
        );
        assert_eq!(
            show("trunc", vec![dec(-12345, 5, 1), lit(-2i64)]),
            (DataType::Decimal128(5, 0), "-1200".into())
        );
        assert_eq!(
            show("trunc", vec![lit(15i32), lit(-1i64)]),
            (DataType::Int32, "10".into())
        );
        assert_eq!(show("trunc", vec![lit(-15i32), lit(-1i64)]).1, "-10");
        assert_eq!(
            show("trunc", vec![lit(5i32)]),
            (DataType::Int32, "5".into())
        );

        assert_eq!(
            show("floor", vec![dec(270, 15, 2)]),
            (DataType::Decimal128(15, 0), "2".into())
        );
        assert_eq!(
            show("floor", vec![dec(-50, 4, 2)]),
            (DataType::Decimal128(4, 0), "-1".into())
        );
        assert_eq!(
            show("ceil", vec![dec(-270, 15, 2)]),
            (DataType::Decimal128(15, 0), "-2".into())
        );
        assert_eq!(show("ceiling", vec![dec(1, 4, 2)]).1, "1");
        assert_eq!(show("ceil", vec![dec(9999, 4, 2)]).1, "100");
        assert_eq!(f64_of("floor", vec![lit(-2.5f64)]), Some(-3.0));
        assert_eq!(
            show("floor", vec![lit(3i32)]),
            (DataType::Float64, "3.0".into())
        );
        assert_eq!(
            show("ceil", vec![lit(1.5f32)]),
            (DataType::Float32, "2.0".into())
        );
    }

    #[test]
    fn transcendental_functions() {
        assert_eq!(f64_of("sqrt", vec![lit(4i32)]), Some(2.0));
        assert!(f64_of("sqrt", vec![lit(-1i32)]).unwrap().is_nan());
        assert!((f64_of("cbrt", vec![lit(27i32)]).unwrap() - 3.0).abs() < 1e-12);
        assert_eq!(f64_of("ln", vec![lit(0i32)]), Some(f64::NEG_INFINITY));
        assert!(f64_of("ln", vec![lit(-1i32)]).unwrap().is_nan());
        assert_eq!(f64_of("log10", vec![lit(100i32)]), Some(2.0));
        assert_eq!(f64_of("log2", vec![lit(8i32)]), Some(3.0));
        assert_eq!(f64_of("log", vec![lit(100i32)]), Some(2.0));
        assert_eq!(f64_of("log", vec![lit(2i32), lit(8i32)]), Some(3.0));
        assert_eq!(
            f64_of("log", vec![lit(1i32), lit(8i32)]),
            Some(f64::INFINITY)
        );
        assert_eq!(f64_of("exp", vec![lit(1i32)]), Some(std::f64::consts::E));
        assert_eq!(f64_of("pow", vec![lit(2i32), lit(10i32)]), Some(1024.0));
        assert_eq!(
            f64_of("power", vec![lit(0i32), lit(-1i32)]),
            Some(f64::INFINITY)
        );
        assert_eq!(
            f64_of("pow", vec![null(DataType::Float64), lit(2i32)]),
            None
        );
        assert_eq!(
            f64_of("atan2", vec![lit(1i32), lit(1i32)]),
            Some(std::f64::consts::FRAC_PI_4)
        );
        assert_eq!(
            f64_of("degrees", vec![lit(std::f64::consts::PI)]),
            Some(180.0)
        );
        assert_eq!(
            f64_of("radians", vec![lit(180i32)]),
            Some(std::f64::consts::PI)
        );
        assert_eq!(
            f64_of("asin", vec![lit(1i32)]),
            Some(std::f64::consts::FRAC_PI_2)
        );
        assert!(f64_of("asin", vec![lit(2i32)]).unwrap().is_nan());
        assert_eq!(f64_of("cos", vec![lit(0i32)]), Some(1.0));
        assert_eq!(f64_of("pi", vec![]), Some(std::f64::consts::PI));
        assert!(call("sqrt", vec![lit("x")]).is_err());
    }

    #[test]
    fn sign_even_and_float_tests() {
        assert_eq!(
            show("sign", vec![lit(-3i32)]),
            (DataType::Int8, "-1".into())
        );
        assert_eq!(show("sign", vec![lit(f64::NAN)]).1, "0");
        assert_eq!(show("sign", vec![lit(-0.0f64)]).1, "0");
        assert_eq!(show("sign", vec![dec(-250, 5, 2)]).1, "-1");
        assert_eq!(f64_of("even", vec![lit(2.5f64)]), Some(4.0));
        assert_eq!(f64_of("even", vec![lit(-2.5f64)]), Some(-4.0));
        assert_eq!(f64_of("even", vec![lit(3i32)]), Some(4.0));
        assert_eq!(f64_of("even", vec![lit(-0.5f64)]), Some(-2.0));
        assert_eq!(f64_of("even", vec![lit(0i32)]), Some(0.0));
        let b = |name: &str, v: ColumnarValue| {
            call(name, vec![v]).unwrap().as_scalar().unwrap().as_bool()
        };
        assert_eq!(b("isnan", lit(f64::NAN)), Some(true));
        assert_eq!(b("isnan", lit(1i32)), Some(false));
        assert_eq!(b("isinf", lit(f64::INFINITY)), Some(true));
        assert_eq!(b("isfinite", dec(15, 3, 1)), Some(true));
        assert_eq!(b("isfinite", null(DataType::Float64)), None);
    }

    #[test]
    fn modulo_gcd_lcm_factorial() {
        assert_eq!(
            show("mod", vec![lit(-7i32), lit(3i32)]),
            (DataType::Int32, "-1".into())
        );
        assert_eq!(f64_of("mod", vec![lit(-7.5f64), lit(2i32)]), Some(-1.5));
        assert!(f64_of("mod", vec![lit(7.5f64), lit(0i32)])
            .unwrap()
            .is_nan());
        let e = call("mod", vec![lit(7i32), lit(0i32)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("mod") && e.contains("division by zero"), "{e}");
        assert_eq!(
            show("mod", vec![lit(7i32), null(DataType::Int32)]).1,
            "NULL"
        );
        let arr = ColumnarValue::Array(Arc::new(Int64Array::from(vec![Some(10), None, Some(-7)])));
        let out = call("mod", vec![arr, lit(4i64)])
            .unwrap()
            .to_array(1)
            .unwrap();
        assert_eq!(
            out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            vec![Some(2), None, Some(-3)]
        );

        assert_eq!(
            show("gcd", vec![lit(12i64), lit(18i64)]),
            (DataType::Int64, "6".into())
        );
        assert_eq!(show("gcd", vec![lit(-12i32), lit(18i32)]).1, "6");
        assert_eq!(show("gcd", vec![lit(0i32), lit(0i32)]).1, "0");
        assert_eq!(show("lcm", vec![lit(-4i32), lit(6i32)]).1, "12");
        assert_eq!(show("lcm", vec![lit(0i32), lit(5i32)]).1, "0");
        assert!(call("lcm", vec![lit(i64::MAX), lit(2i64)]).is_err());
        assert!(call("gcd", vec![lit(i64::MIN), lit(0i64)]).is_err());

        assert_eq!(
            show("factorial", vec![lit(5i32)]),
            (DataType::Decimal128(38, 0), "120".into())
        );
        assert_eq!(
            show("factorial", vec![lit(21i32)]).1,
            "51090942171709440000"
        );
        assert_eq!(show("factorial", vec![lit(0i32)]).1, "1");
        assert!(call("factorial", vec![lit(-1i32)]).is_err());
        assert!(call("factorial", vec![lit(34i32)]).is_err());
    }

    #[test]
    fn random_is_volatile_and_in_range() {
        assert!(crate::functions::is_volatile("random"));
        let def = registry().scalar("random").unwrap();
        let out = (def.invoke)(&[], 1000).unwrap().to_array(1000).unwrap();
        let v = out.as_primitive::<Float64Type>();
        assert_eq!(v.len(), 1000);
        assert!(v.values().iter().all(|x| (0.0..1.0).contains(x)));
        assert!(v.values().iter().any(|x| *x != v.value(0)));
    }
}
