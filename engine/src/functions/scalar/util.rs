//! Helpers shared by the scalar function families: argument-count and type checks for
//! signatures, uniform row access to array-or-scalar arguments (strings of any of Arrow's
//! three layouts, primitives), builders that guard Arrow's 32-bit string offsets, and the
//! rule that a call whose arguments are all scalars answers with a scalar.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, ArrowPrimitiveType, AsArray, Datum, LargeStringArray, PrimitiveArray,
    StringArray, StringBuilder, StringViewArray,
};
use arrow::datatypes::DataType;

use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue};
use crate::types::ScalarValue;

/// How many rows a call produces and whether every argument was a scalar (then the call
/// computes one row and answers with a scalar).
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    /// Rows to compute.
    pub len: usize,
    /// Whether every argument was a scalar.
    pub scalar: bool,
}

impl Shape {
    /// The shape of a call over `args`.
    pub fn of(args: &[ColumnarValue]) -> Self {
        match args.iter().find_map(|a| match a {
            ColumnarValue::Array(a) => Some(a.len()),
            ColumnarValue::Scalar(_) => None,
        }) {
            Some(len) => Shape { len, scalar: false },
            None => Shape {
                len: 1,
                scalar: true,
            },
        }
    }

    /// Wraps a computed array as the call's answer.
    pub fn wrap(&self, array: ArrayRef) -> Result<ColumnarValue> {
        if self.scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(array)?))
        } else {
            Ok(ColumnarValue::Array(array))
        }
    }
}

/// Wraps a kernel's answer: a scalar when every argument was a scalar.
pub(super) fn wrap_like(args: &[ColumnarValue], array: ArrayRef) -> Result<ColumnarValue> {
    Shape::of(args).wrap(array)
}

/// An argument as an Arrow [`Datum`] (an array, or a scalar that broadcasts).
pub(super) fn datum(v: &ColumnarValue) -> Box<dyn Datum> {
    match v {
        ColumnarValue::Array(a) => Box::new(a.clone()),
        ColumnarValue::Scalar(s) => Box::new(s.to_scalar()),
    }
}

/// Argument `i` of a call to `func` (the signature fixed the count; a missing argument is a
/// bug in the caller).
pub(super) fn arg<'a>(
    args: &'a [ColumnarValue],
    i: usize,
    func: &str,
) -> Result<&'a ColumnarValue> {
    args.get(i).ok_or_else(|| {
        crate::internal_err!(
            "`{func}` was invoked with {} arguments, needs at least {}",
            args.len(),
            i + 1
        )
    })
}

/// A scalar function's implementation.
pub(super) type InvokeFn = fn(&[ColumnarValue], usize) -> Result<ColumnarValue>;

/// One non-volatile function of a family's table: name, aliases, signature, implementation.
pub(super) type Entry = (
    &'static str,
    &'static [&'static str],
    crate::functions::SignatureFn,
    InvokeFn,
);

/// Registers every function of a family's table.
pub(super) fn add_all(r: &mut crate::functions::FunctionRegistry, entries: &[Entry]) {
    for &(name, aliases, signature, invoke) in entries {
        r.add_scalar(def(name, aliases, signature, invoke));
    }
}

/// A volatile scalar function definition (a new value per call; never constant-folded).
pub(super) fn volatile(
    name: &'static str,
    aliases: &'static [&'static str],
    signature: crate::functions::SignatureFn,
    invoke: InvokeFn,
) -> super::ScalarFunctionDef {
    super::ScalarFunctionDef {
        volatile: true,
        ..def(name, aliases, signature, invoke)
    }
}

/// A non-volatile scalar function definition.
pub(super) fn def(
    name: &'static str,
    aliases: &'static [&'static str],
    signature: crate::functions::SignatureFn,
    invoke: InvokeFn,
) -> super::ScalarFunctionDef {
    super::ScalarFunctionDef {
        name,
        aliases,
        signature,
        invoke,
        volatile: false,
    }
}

/// Fails unless the call has between `min` and `max` arguments.
pub(super) fn check_arity(name: &str, args: &[DataType], min: usize, max: usize) -> Result<()> {
    if args.len() < min || args.len() > max {
        let expected = match (min, max) {
            (a, b) if a == b && a == 1 => "1 argument".to_string(),
            (a, b) if a == b => format!("{a} arguments"),
            (a, usize::MAX) => format!("at least {a} argument{}", if a == 1 { "" } else { "s" }),
            (a, b) => format!("{a} to {b} arguments"),
        };
        return Err(signature_error(name, &expected, args));
    }
    Ok(())
}

/// The type a string argument is read as: string types stay as they are, NULL and
/// dictionary-encoded strings become `Utf8`; anything else is not a string.
pub(super) fn string_target(t: &DataType) -> Option<DataType> {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(t.clone()),
        DataType::Null => Some(DataType::Utf8),
        DataType::Dictionary(_, v) if crate::types::is_string(v) => Some(DataType::Utf8),
        _ => None,
    }
}

/// The type an integer argument is read as (`Int64`), if it is an integer or NULL.
pub(super) fn int_target(t: &DataType) -> Option<DataType> {
    (t.is_integer() || matches!(t, DataType::Null)).then_some(DataType::Int64)
}

/// Maps every argument through `target`, or fails with `expected`.
pub(super) fn cast_all(
    name: &str,
    args: &[DataType],
    expected: &str,
    target: impl Fn(usize, &DataType) -> Option<DataType>,
) -> Result<Vec<DataType>> {
    args.iter()
        .enumerate()
        .map(|(i, t)| target(i, t).ok_or_else(|| signature_error(name, expected, args)))
        .collect()
}

/// One string type for string arguments that a kernel needs to see alike: `Utf8View` if any
/// argument is one, else `LargeUtf8` if any is, else `Utf8`.
pub(super) fn common_string_type(args: &[DataType]) -> DataType {
    if args.iter().any(|t| matches!(t, DataType::Utf8View)) {
        DataType::Utf8View
    } else if args.iter().any(|t| matches!(t, DataType::LargeUtf8)) {
        DataType::LargeUtf8
    } else {
        DataType::Utf8
    }
}

/// Row access to a string argument of any layout, or a string scalar.
pub(super) enum Strs<'a> {
    /// `Utf8` array.
    Utf8(&'a StringArray),
    /// `LargeUtf8` array.
    Large(&'a LargeStringArray),
    /// `Utf8View` array.
    View(&'a StringViewArray),
    /// One value for every row.
    Const(Option<&'a str>),
}

impl<'a> Strs<'a> {
    /// Reads argument `v` of function `func` as strings.
    pub fn new(v: &'a ColumnarValue, func: &str) -> Result<Self> {
        match v {
            ColumnarValue::Scalar(s) => {
                if s.is_null() {
                    Ok(Strs::Const(None))
                } else {
                    s.as_str().map(|s| Strs::Const(Some(s))).ok_or_else(|| {
                        crate::internal_err!(
                            "`{func}` expected a string argument, found {}",
                            s.data_type()
                        )
                    })
                }
            }
            ColumnarValue::Array(a) => match a.data_type() {
                DataType::Utf8 => Ok(Strs::Utf8(a.as_string::<i32>())),
                DataType::LargeUtf8 => Ok(Strs::Large(a.as_string::<i64>())),
                DataType::Utf8View => Ok(Strs::View(a.as_string_view())),
                DataType::Null => Ok(Strs::Const(None)),
                other => Err(crate::internal_err!(
                    "`{func}` expected a string argument, found {other}"
                )),
            },
        }
    }

    /// The value at row `i` (`None` for NULL).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Const(v) => *v,
        }
    }

    /// The value, if the argument is a scalar.
    pub fn as_const(&self) -> Option<Option<&'a str>> {
        match self {
            Strs::Const(v) => Some(*v),
            _ => None,
        }
    }
}

/// Row access to a primitive argument, or a primitive scalar.
pub(super) enum Prims<'a, T: ArrowPrimitiveType> {
    /// An array.
    Arr(&'a PrimitiveArray<T>),
    /// One value for every row.
    Const(Option<T::Native>),
}

impl<'a, T: ArrowPrimitiveType> Prims<'a, T> {
    /// Reads argument `v` of function `func` as `T` values.
    pub fn new(v: &'a ColumnarValue, func: &str) -> Result<Self> {
        let wrong = |t: &DataType| {
            crate::internal_err!("`{func}` expected a {} argument, found {t}", T::DATA_TYPE)
        };
        match v {
            ColumnarValue::Scalar(s) => {
                if s.is_null() {
                    return Ok(Prims::Const(None));
                }
                let a = s
                    .as_array()
                    .as_primitive_opt::<T>()
                    .ok_or_else(|| wrong(s.data_type()))?;
                Ok(Prims::Const(Some(a.value(0))))
            }
            ColumnarValue::Array(a) => {
                if matches!(a.data_type(), DataType::Null) {
                    return Ok(Prims::Const(None));
                }
                a.as_primitive_opt::<T>()
                    .map(Prims::Arr)
                    .ok_or_else(|| wrong(a.data_type()))
            }
        }
    }

    /// The value at row `i` (`None` for NULL).
    #[inline]
    pub fn get(&self, i: usize) -> Option<T::Native> {
        match self {
            Prims::Arr(a) => a.is_valid(i).then(|| a.value(i)),
            Prims::Const(v) => *v,
        }
    }

    /// The value, if the argument is a scalar.
    pub fn as_const(&self) -> Option<Option<T::Native>> {
        match self {
            Prims::Const(v) => Some(*v),
            Prims::Arr(_) => None,
        }
    }
}

/// The largest number of string bytes one `Utf8` array can hold.
const MAX_UTF8_BYTES: usize = i32::MAX as usize;

/// Builds a `Utf8` array of `len` rows: `row(i, buf)` writes row `i` into the cleared
/// buffer and says whether it is non-NULL. Fails (instead of overflowing Arrow's 32-bit
/// offsets) when the output grows past 2 GiB.
pub(super) fn build_utf8(
    func: &str,
    len: usize,
    mut row: impl FnMut(usize, &mut String) -> Result<bool>,
) -> Result<ArrayRef> {
    let mut b = StringBuilder::with_capacity(len, len.saturating_mul(8).min(1 << 24));
    let mut buf = String::new();
    let mut total = 0usize;
    for i in 0..len {
        buf.clear();
        if row(i, &mut buf)? {
            total += buf.len();
            if total > MAX_UTF8_BYTES {
                return Err(too_long(func));
            }
            b.append_value(&buf);
        } else {
            b.append_null();
        }
    }
    Ok(Arc::new(b.finish()))
}

/// The error for a string result that outgrows one array.
pub(super) fn too_long(func: &str) -> Error {
    crate::compute_err!(
        "`{func}` produced more than 2 GiB of text in one batch; the result is too large"
    )
}

/// Test helpers shared by the family test modules.
#[cfg(test)]
pub(super) mod testing {
    use arrow::datatypes::DataType;

    use crate::error::Result;
    use crate::functions::{registry, ColumnarValue};
    use crate::types::ScalarValue;

    /// Calls `name` through the registry as the engine does (signature, casts to its
    /// argument types, invoke), checking that the result has the declared type and that
    /// the signature gives the same answer for its own cast types.
    pub fn call(name: &str, args: Vec<ColumnarValue>) -> Result<ColumnarValue> {
        let def = registry().scalar(name)?;
        let types: Vec<DataType> = args.iter().map(|a| a.data_type()).collect();
        let lits: Vec<Option<ScalarValue>> = args.iter().map(|a| a.as_scalar().cloned()).collect();
        let sig = (def.signature)(&types, &lits)?;
        let again = (def.signature)(&sig.args, &lits)?;
        assert_eq!(
            again, sig,
            "`{name}` signature is not stable under its own casts"
        );
        let cast = args
            .into_iter()
            .zip(&sig.args)
            .map(|(a, t)| match a {
                ColumnarValue::Scalar(s) => s.cast_to(t).map(ColumnarValue::Scalar),
                ColumnarValue::Array(a) => Ok(ColumnarValue::Array(arrow::compute::cast(&a, t)?)),
            })
            .collect::<Result<Vec<_>>>()?;
        let out = (def.invoke)(&cast, 1)?;
        assert_eq!(
            out.data_type(),
            sig.ret,
            "`{name}` returned another type than declared"
        );
        Ok(out)
    }

    /// The scalar result of a call whose arguments are all scalars.
    pub fn scalar(name: &str, args: Vec<ColumnarValue>) -> ScalarValue {
        match call(name, args) {
            Ok(ColumnarValue::Scalar(s)) => s,
            Ok(ColumnarValue::Array(_)) => panic!("`{name}`: scalars in, an array out"),
            Err(e) => panic!("`{name}` failed: {e}"),
        }
    }

    /// A literal argument.
    pub fn lit(v: impl Into<ScalarValue>) -> ColumnarValue {
        ColumnarValue::Scalar(v.into())
    }

    /// A NULL literal of type `t`.
    pub fn null(t: DataType) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::null(&t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use arrow::datatypes::Int64Type;

    #[test]
    fn reads_scalars_and_arrays_alike() {
        let arr: ArrayRef = Arc::new(StringViewArray::from(vec![Some("a"), None]));
        let a = ColumnarValue::Array(arr);
        let s = ColumnarValue::Scalar(ScalarValue::from("x"));
        let sa = Strs::new(&a, "t").unwrap();
        assert_eq!((sa.get(0), sa.get(1)), (Some("a"), None));
        assert_eq!(Strs::new(&s, "t").unwrap().get(7), Some("x"));
        let n = ColumnarValue::Scalar(ScalarValue::null(&DataType::Int64));
        assert_eq!(Prims::<Int64Type>::new(&n, "t").unwrap().get(0), None);
        let ints = ColumnarValue::Array(Arc::new(Int64Array::from(vec![5])));
        assert_eq!(Prims::<Int64Type>::new(&ints, "t").unwrap().get(0), Some(5));
        assert!(Prims::<Int64Type>::new(&s, "t").is_err());
        assert_eq!(Shape::of(std::slice::from_ref(&s)).len, 1);
        assert!(!Shape::of(&[s, a]).scalar);
    }

    #[test]
    fn arity_errors_say_what_was_expected() {
        let e = check_arity("f", &[DataType::Int64], 2, 3)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`f` expects 2 to 3 arguments"), "{e}");
    }
}
