//! Vector arithmetic on numeric lists and arrays: `list_distance` / `array_distance`
//! (Euclidean), `list_inner_product` / `array_inner_product` (`*_dot_product`), their
//! negatives, `list_cosine_similarity` / `array_cosine_similarity`,
//! `list_cosine_distance` / `array_cosine_distance`, and `array_cross_product`.
//!
//! DuckDB's rules: both vectors must have the same length and no NULL elements (errors
//! otherwise); a NULL vector gives NULL. The result is FLOAT when the inputs are FLOAT
//! vectors and DOUBLE otherwise. The `list_*` and `array_*` spellings differ only in their
//! error messages, as in DuckDB.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, ListArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Float64Type};

use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::{is_numeric, ScalarValue};

use super::ScalarFunctionDef;

/// What a function computes from two equally long vectors.
#[derive(Clone, Copy)]
enum Op {
    Distance,
    InnerProduct,
    NegativeInnerProduct,
    CosineSimilarity,
    CosineDistance,
}

fn apply(op: Op, a: &[f64], b: &[f64]) -> f64 {
    let dot = || a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    match op {
        Op::Distance => a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt(),
        Op::InnerProduct => dot(),
        Op::NegativeInnerProduct => -dot(),
        Op::CosineSimilarity | Op::CosineDistance => {
            let norm2 = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
            // One square root of the product: exact for parallel vectors ([2, 2] and
            // [-2, -2] are exactly opposite).
            let sim = (dot() / (norm2(a) * norm2(b)).sqrt()).clamp(-1.0, 1.0);
            match op {
                Op::CosineSimilarity => sim,
                _ => 1.0 - sim,
            }
        }
    }
}

macro_rules! vector_fns {
    ($($f:ident, $sig:ident => ($name:literal, $aliases:expr, $op:expr, $array:expr)),* $(,)?) => {
        $(
            fn $f(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
                invoke_scalar(args, num_rows, $name, $op, $array)
            }
            fn $sig(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
                signature(args, $name)
            }
        )*
        fn register_scalars(r: &mut FunctionRegistry) {
            $(
                r.add_scalar(ScalarFunctionDef {
                    name: $name,
                    aliases: $aliases,
                    signature: $sig,
                    invoke: $f,
                    volatile: false,
                });
            )*
        }
    };
}

vector_fns! {
    list_distance, list_distance_sig => ("list_distance", &[], Op::Distance, false),
    array_distance, array_distance_sig => ("array_distance", &[], Op::Distance, true),
    list_inner_product, list_inner_product_sig =>
        ("list_inner_product", &["list_dot_product"], Op::InnerProduct, false),
    array_inner_product, array_inner_product_sig =>
        ("array_inner_product", &["array_dot_product"], Op::InnerProduct, true),
    list_negative_inner_product, list_negative_inner_product_sig => (
        "list_negative_inner_product",
        &["list_negative_dot_product"],
        Op::NegativeInnerProduct,
        false
    ),
    array_negative_inner_product, array_negative_inner_product_sig => (
        "array_negative_inner_product",
        &["array_negative_dot_product"],
        Op::NegativeInnerProduct,
        true
    ),
    list_cosine_similarity, list_cosine_similarity_sig =>
        ("list_cosine_similarity", &[], Op::CosineSimilarity, false),
    array_cosine_similarity, array_cosine_similarity_sig =>
        ("array_cosine_similarity", &[], Op::CosineSimilarity, true),
    list_cosine_distance, list_cosine_distance_sig =>
        ("list_cosine_distance", &[], Op::CosineDistance, false),
    array_cosine_distance, array_cosine_distance_sig =>
        ("array_cosine_distance", &[], Op::CosineDistance, true),
}

pub(super) fn register(r: &mut FunctionRegistry) {
    register_scalars(r);
    r.add_scalar(ScalarFunctionDef {
        name: "array_cross_product",
        aliases: &[],
        signature: cross_signature,
        invoke: array_cross_product,
        volatile: false,
    });
}

/// The float type both vectors are cast to, or `None` if they are not numeric vectors.
fn float_type(args: &[DataType]) -> Option<DataType> {
    let [a, b] = args else { return None };
    let elem = |t: &DataType| match t {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            let e = f.data_type().clone();
            (is_numeric(&e) || e == DataType::Null).then_some(e)
        }
        DataType::Null => Some(DataType::Null),
        _ => None,
    };
    let (ea, eb) = (elem(a)?, elem(b)?);
    let is32 = |t: &DataType| *t == DataType::Float32;
    let narrow = |t: &DataType| is32(t) || t.is_integer() || *t == DataType::Null;
    Some(if (is32(&ea) || is32(&eb)) && narrow(&ea) && narrow(&eb) {
        DataType::Float32
    } else {
        DataType::Float64
    })
}

fn no_match(name: &str, args: &[DataType]) -> Error {
    let got: Vec<String> = args.iter().map(|t| t.to_string()).collect();
    Error::Schema(format!(
        "No function matches the given name and argument types '{name}({})'; {name} takes two lists of FLOAT or DOUBLE",
        got.join(", ")
    ))
}

fn signature(args: &[DataType], name: &str) -> Result<Signature> {
    let t = float_type(args).ok_or_else(|| no_match(name, args))?;
    let list = DataType::List(Arc::new(Field::new_list_field(t.clone(), true)));
    Ok(Signature {
        args: vec![list.clone(), list],
        ret: t,
    })
}

fn cross_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let t = float_type(args).ok_or_else(|| no_match("array_cross_product", args))?;
    let list = DataType::List(Arc::new(Field::new_list_field(t, true)));
    Ok(Signature {
        args: vec![list.clone(), list.clone()],
        ret: list,
    })
}

/// Both vectors of each row as `f64` slices, or `None` for a NULL row; errors on NULL
/// elements and (when `same_len`) on different lengths.
struct Vectors {
    rows: usize,
    scalar: bool,
    left: ArrayRef,
    right: ArrayRef,
    left_values: Float64Array,
    right_values: Float64Array,
}

impl Vectors {
    fn new(args: &[ColumnarValue], num_rows: usize) -> Result<Self> {
        let scalar = args.iter().all(|a| a.as_scalar().is_some());
        let rows = if scalar { 1 } else { num_rows };
        let left = args[0].to_array(rows)?;
        let right = args[1].to_array(rows)?;
        let as_f64 = |a: &ArrayRef| -> Result<Float64Array> {
            if a.data_type() == &DataType::Null {
                return Ok(Float64Array::from(Vec::<f64>::new()));
            }
            let v = arrow::compute::cast(a.as_list::<i32>().values(), &DataType::Float64)?;
            Ok(v.as_primitive::<Float64Type>().clone())
        };
        let (left_values, right_values) = (as_f64(&left)?, as_f64(&right)?);
        Ok(Self {
            rows,
            scalar,
            left,
            right,
            left_values,
            right_values,
        })
    }

    fn row(&self, r: usize, name: &str, array: bool) -> Result<Option<(&[f64], &[f64])>> {
        if self.left.is_null(r) || self.right.is_null(r) {
            return Ok(None);
        }
        let slice =
            |a: &ArrayRef, v: &'_ Float64Array, side: &str| -> Result<std::ops::Range<usize>> {
                let o = a.as_list::<i32>().value_offsets();
                let range = o[r] as usize..o[r + 1] as usize;
                if v.nulls()
                    .is_some_and(|n| range.clone().any(|i| n.is_null(i)))
                {
                    return Err(Error::Compute(format!(
                        "{name}: {side} argument can not contain NULL values"
                    )));
                }
                Ok(range)
            };
        let (lr, rr) = (
            slice(&self.left, &self.left_values, "left")?,
            slice(&self.right, &self.right_values, "right")?,
        );
        if lr.len() != rr.len() {
            return Err(Error::Compute(if array {
                format!("{name}: Array arguments must be of the same size")
            } else {
                format!(
                    "{name}: list dimensions must be equal, got left length '{}' and right length '{}'",
                    lr.len(),
                    rr.len()
                )
            }));
        }
        Ok(Some((
            &self.left_values.values()[lr],
            &self.right_values.values()[rr],
        )))
    }

    fn finish(&self, out: ArrayRef) -> Result<ColumnarValue> {
        Ok(if self.scalar {
            ColumnarValue::Scalar(ScalarValue::try_from_array(out)?)
        } else {
            ColumnarValue::Array(out)
        })
    }
}

/// The element type the signature chose (the lists' element type).
fn result_type(args: &[ColumnarValue]) -> DataType {
    args.iter()
        .find_map(|a| match a.data_type() {
            DataType::List(f) => Some(f.data_type().clone()),
            _ => None,
        })
        .unwrap_or(DataType::Float64)
}

fn invoke_scalar(
    args: &[ColumnarValue],
    num_rows: usize,
    name: &str,
    op: Op,
    array: bool,
) -> Result<ColumnarValue> {
    let v = Vectors::new(args, num_rows)?;
    let mut out = Vec::with_capacity(v.rows);
    for r in 0..v.rows {
        out.push(v.row(r, name, array)?.map(|(a, b)| apply(op, a, b)));
    }
    let out: ArrayRef = Arc::new(Float64Array::from(out));
    let out = arrow::compute::cast(&out, &result_type(args))?;
    v.finish(out)
}

fn array_cross_product(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let name = "array_cross_product";
    let v = Vectors::new(args, num_rows)?;
    let mut values: Vec<f64> = Vec::with_capacity(3 * v.rows);
    let mut valid = Vec::with_capacity(v.rows);
    for r in 0..v.rows {
        match v.row(r, name, true)? {
            Some((a, b)) if a.len() == 3 => {
                values.extend([
                    a[1] * b[2] - a[2] * b[1],
                    a[2] * b[0] - a[0] * b[2],
                    a[0] * b[1] - a[1] * b[0],
                ]);
                valid.push(true);
            }
            Some(_) => {
                return Err(Error::Compute(format!(
                    "{name}: both arguments must have 3 elements"
                )))
            }
            None => {
                values.extend([0.0; 3]);
                valid.push(false);
            }
        }
    }
    let t = result_type(args);
    let values: ArrayRef = Arc::new(Float64Array::from(values));
    let values = arrow::compute::cast(&values, &t)?;
    let out = ListArray::try_new(
        Arc::new(Field::new_list_field(t, true)),
        OffsetBuffer::from_lengths(std::iter::repeat_n(3, v.rows)),
        values,
        Some(valid.into()),
    )?;
    v.finish(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vec_of(v: &[f64]) -> ColumnarValue {
        let a: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Float64Type, _, _>(vec![
            Some(v.iter().map(|x| Some(*x)).collect::<Vec<_>>()),
        ]));
        ColumnarValue::Scalar(ScalarValue::try_from_array(a).unwrap())
    }

    fn one(f: fn(&[ColumnarValue], usize) -> Result<ColumnarValue>, a: &[f64], b: &[f64]) -> f64 {
        let out = f(&[vec_of(a), vec_of(b)], 1)
            .unwrap()
            .into_array(1)
            .unwrap();
        out.as_primitive::<Float64Type>().value(0)
    }

    #[test]
    fn distances_and_products() {
        assert_eq!(one(list_distance, &[1.0, 2.0], &[1.0, 4.0]), 2.0);
        assert_eq!(
            one(list_inner_product, &[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]),
            14.0
        );
        assert_eq!(one(array_cosine_distance, &[2.0, 2.0], &[-2.0, -2.0]), 2.0);
        assert_eq!(one(list_cosine_similarity, &[1.0, 0.0], &[0.0, 1.0]), 0.0);
        let err = list_distance(&[vec_of(&[1.0]), vec_of(&[1.0, 2.0])], 1).unwrap_err();
        assert!(
            err.to_string().contains("list dimensions must be equal"),
            "{err}"
        );
    }

    #[test]
    fn cross_product_of_three_vectors() {
        let out = array_cross_product(&[vec_of(&[1.0, 2.0, 3.0]), vec_of(&[1.0, 5.0, 7.0])], 1)
            .unwrap()
            .into_array(1)
            .unwrap();
        let v = out.as_list::<i32>().value(0);
        assert_eq!(
            v.as_primitive::<Float64Type>().values().to_vec(),
            vec![-1.0, -4.0, 3.0]
        );
    }
}
