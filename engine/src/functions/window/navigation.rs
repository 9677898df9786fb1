//! Navigation window functions: `lag`, `lead`, `first_value`, `last_value` and
//! `nth_value`.
//!
//! Each picks, for every row, the position of another row of the same partition (or none)
//! and gathers the argument there with one `take`, so every Arrow type works. `lag` and
//! `lead` move by an offset in window order and ignore frames; the others look inside the
//! row's frame, as DuckDB does. With `IGNORE NULLS` only rows whose argument is not NULL
//! count. Results have the argument's type.

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, PrimitiveArray, UInt32Array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Int64Type};

use super::{is_integer_like, WindowFunctionDef, WindowInput};
use crate::error::Result;
use crate::functions::{signature_error, FunctionRegistry, Signature};
use crate::physical::expr::cast_array;
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_window(WindowFunctionDef {
        name: "lag",
        aliases: &[],
        signature: |t, _| shift_signature("lag", t),
        uses_frame: false,
        supports_ignore_nulls: true,
        evaluate: |i, ret| shift(i, ret, -1),
    });
    r.add_window(WindowFunctionDef {
        name: "lead",
        aliases: &[],
        signature: |t, _| shift_signature("lead", t),
        uses_frame: false,
        supports_ignore_nulls: true,
        evaluate: |i, ret| shift(i, ret, 1),
    });
    r.add_window(WindowFunctionDef {
        name: "first_value",
        aliases: &[],
        signature: |t, _| value_signature("first_value", t),
        uses_frame: true,
        supports_ignore_nulls: true,
        evaluate: |i, ret| pick_in_frame("first_value", i, ret, Pick::First),
    });
    r.add_window(WindowFunctionDef {
        name: "last_value",
        aliases: &[],
        signature: |t, _| value_signature("last_value", t),
        uses_frame: true,
        supports_ignore_nulls: true,
        evaluate: |i, ret| pick_in_frame("last_value", i, ret, Pick::Last),
    });
    r.add_window(WindowFunctionDef {
        name: "nth_value",
        aliases: &[],
        signature: nth_value_signature,
        uses_frame: true,
        supports_ignore_nulls: true,
        evaluate: |i, ret| pick_in_frame("nth_value", i, ret, Pick::Nth),
    });
}

fn shift_signature(name: &str, types: &[DataType]) -> Result<Signature> {
    const EXPECTED: &str =
        "a value, then optionally an integer offset and a default of the value's type";
    if types.is_empty() || types.len() > 3 || (types.len() > 1 && !is_integer_like(&types[1])) {
        return Err(signature_error(name, EXPECTED, types));
    }
    let mut t = types[0].clone();
    if t == DataType::Null && types.len() == 3 {
        t = types[2].clone();
    }
    let args = [t.clone(), DataType::Int64, t.clone()];
    Ok(Signature {
        args: args[..types.len()].to_vec(),
        ret: t,
    })
}

fn value_signature(name: &str, types: &[DataType]) -> Result<Signature> {
    match types {
        [t] => Ok(Signature::keep(types, t.clone())),
        _ => Err(signature_error(name, "one argument", types)),
    }
}

fn nth_value_signature(types: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match types {
        [t, n] if is_integer_like(n) => Ok(Signature {
            args: vec![t.clone(), DataType::Int64],
            ret: t.clone(),
        }),
        _ => Err(signature_error(
            "nth_value",
            "a value and an integer position (1 is the first)",
            types,
        )),
    }
}

fn arg<'a>(input: &'a WindowInput<'_>, i: usize, name: &str) -> Result<&'a ArrayRef> {
    input
        .args
        .get(i)
        .ok_or_else(|| crate::internal_err!("`{name}` was called without its argument {}", i + 1))
}

/// An optional `Int64` argument (offsets, positions).
fn int_arg(input: &WindowInput<'_>, i: usize) -> Result<Option<PrimitiveArray<Int64Type>>> {
    input
        .args
        .get(i)
        .map(|a| {
            Ok(cast_array(a, &DataType::Int64, false)?
                .as_primitive::<Int64Type>()
                .clone())
        })
        .transpose()
}

/// Gathers `x` at `picks` (NULL where there is no pick) and casts to `ret`.
fn gather(x: &ArrayRef, picks: Vec<Option<u32>>, ret: &DataType) -> Result<ArrayRef> {
    let idx = UInt32Array::from(picks);
    let out = arrow::compute::take(x.as_ref(), &idx, None)?;
    cast_array(&out, ret, false)
}

/// `lag` (`sign` -1) and `lead` (`sign` 1).
fn shift(input: &WindowInput<'_>, ret: &DataType, sign: i64) -> Result<ArrayRef> {
    let name = if sign < 0 { "lag" } else { "lead" };
    let x = arg(input, 0, name)?;
    let offsets = int_arg(input, 1)?;
    let default = input.args.get(2);
    let nulls = if input.ignore_nulls {
        x.logical_nulls()
    } else {
        None
    };
    let n = input.num_rows();
    let mut picks: Vec<Option<u32>> = Vec::with_capacity(n);
    let mut use_default: Vec<bool> = Vec::with_capacity(if default.is_some() { n } else { 0 });
    let mut valid_positions: Vec<u32> = Vec::new();
    for (ps, pe) in input.partition_ranges() {
        if let Some(nulls) = &nulls {
            valid_positions.clear();
            valid_positions.extend((ps..pe).filter(|&j| nulls.is_valid(j)).map(|j| j as u32));
        }
        // Number of valid positions before `i` (only with IGNORE NULLS).
        let mut before = 0usize;
        for i in ps..pe {
            let offset = match &offsets {
                None => 1,
                Some(o) if o.is_null(i) => {
                    // A NULL offset gives NULL, not the default (as DuckDB).
                    picks.push(None);
                    if default.is_some() {
                        use_default.push(false);
                    }
                    continue;
                }
                Some(o) => o.value(i),
            };
            let d = offset.saturating_mul(sign);
            let target = match &nulls {
                None => {
                    let j = (i as i64).saturating_add(d);
                    (j >= ps as i64 && j < pe as i64).then_some(j as u32)
                }
                Some(_) => {
                    while before < valid_positions.len() && (valid_positions[before] as usize) < i {
                        before += 1;
                    }
                    let here = usize::from(
                        valid_positions
                            .get(before)
                            .is_some_and(|&p| p as usize == i),
                    );
                    match d {
                        0 => Some(i as u32),
                        d if d < 0 => (before as i64)
                            .checked_add(d)
                            .filter(|&k| k >= 0)
                            .map(|k| valid_positions[k as usize]),
                        d => ((before + here) as i64)
                            .checked_add(d - 1)
                            .filter(|&k| k < valid_positions.len() as i64)
                            .map(|k| valid_positions[k as usize]),
                    }
                }
            };
            picks.push(target);
            if default.is_some() {
                use_default.push(target.is_none());
            }
        }
    }
    let out = gather(x, picks, ret)?;
    match default {
        None => Ok(out),
        Some(d) => {
            let d = cast_array(d, ret, false)?;
            let mask = BooleanArray::from(use_default);
            Ok(arrow::compute::kernels::zip::zip(&mask, &d, &out)?)
        }
    }
}

/// What to pick inside the frame.
#[derive(Debug, Clone, Copy)]
enum Pick {
    First,
    Last,
    /// The n-th row, n from the second argument (1 is the first).
    Nth,
}

fn pick_in_frame(
    name: &str,
    input: &WindowInput<'_>,
    ret: &DataType,
    pick: Pick,
) -> Result<ArrayRef> {
    let x = arg(input, 0, name)?;
    let frame = input.frame_bounds(name)?;
    let nth = match pick {
        Pick::Nth => Some(
            int_arg(input, 1)?
                .ok_or_else(|| crate::internal_err!("`nth_value` needs a position"))?,
        ),
        _ => None,
    };
    let n = input.num_rows();
    // The 0-based rank of the wanted row within the frame, or None.
    let wanted = |i: usize, len: usize| -> Option<usize> {
        match pick {
            Pick::First => (len > 0).then_some(0),
            Pick::Last => len.checked_sub(1),
            Pick::Nth => {
                let a = nth.as_ref()?;
                if a.is_null(i) {
                    return None;
                }
                let k = usize::try_from(a.value(i)).ok()?.checked_sub(1)?;
                (k < len).then_some(k)
            }
        }
    };
    let nulls: Option<NullBuffer> = if input.ignore_nulls {
        x.logical_nulls()
    } else {
        None
    };
    let mut picks = Vec::with_capacity(n);
    match nulls.filter(|b| b.null_count() > 0) {
        None => {
            for i in 0..n {
                let (s, e) = (frame.start[i] as usize, frame.end[i] as usize);
                picks.push(wanted(i, e.saturating_sub(s)).map(|k| (s + k) as u32));
            }
        }
        Some(nulls) => {
            // prefix[j]: valid rows before position j; positions: the valid rows in order.
            let mut prefix = Vec::with_capacity(n + 1);
            let mut positions = Vec::with_capacity(n - nulls.null_count());
            prefix.push(0u32);
            for j in 0..n {
                if nulls.is_valid(j) {
                    positions.push(j as u32);
                }
                prefix.push(positions.len() as u32);
            }
            for i in 0..n {
                let (s, e) = (frame.start[i] as usize, frame.end[i] as usize);
                let (cs, ce) = (prefix[s] as usize, prefix[e.max(s)] as usize);
                picks.push(wanted(i, ce - cs).map(|k| positions[cs + k]));
            }
        }
    }
    gather(x, picks, ret)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Float64Array, Int32Array, Int64Array, StringArray};
    use arrow::datatypes::Int32Type;

    use super::super::test_util::Owned;
    use super::*;

    fn ints(a: &ArrayRef) -> Vec<Option<i32>> {
        a.as_primitive::<Int32Type>().iter().collect()
    }

    /// DuckDB's table: partition a = x [10, NULL, 30, 5], partition b = [1, 2, NULL] in
    /// window order.
    fn xs() -> ArrayRef {
        Arc::new(Int32Array::from(vec![
            Some(10),
            None,
            Some(30),
            Some(5),
            Some(1),
            Some(2),
            None,
        ]))
    }

    fn owned(args: Vec<ArrayRef>) -> Owned {
        Owned::new(args, &[4, 3], &[1, 2, 2, 9, 5, 7, 9])
    }

    #[test]
    fn lag_and_lead() {
        let o = owned(vec![xs()]);
        let lag = shift(&o.input(), &DataType::Int32, -1).unwrap();
        assert_eq!(
            ints(&lag),
            vec![None, Some(10), None, Some(30), None, Some(1), Some(2)]
        );
        let two: ArrayRef = Arc::new(Int64Array::from(vec![2; 7]));
        let dflt: ArrayRef = Arc::new(Int32Array::from(vec![-1; 7]));
        let o = owned(vec![xs(), two, dflt]);
        let lag2 = shift(&o.input(), &DataType::Int32, -1).unwrap();
        assert_eq!(
            ints(&lag2),
            vec![
                Some(-1),
                Some(-1),
                Some(10),
                None,
                Some(-1),
                Some(-1),
                Some(1)
            ]
        );
        let one: ArrayRef = Arc::new(Int64Array::from(vec![1; 7]));
        let zero: ArrayRef = Arc::new(Int32Array::from(vec![0; 7]));
        let o = owned(vec![xs(), one, zero]);
        let lead = shift(&o.input(), &DataType::Int32, 1).unwrap();
        assert_eq!(
            ints(&lead),
            vec![None, Some(30), Some(5), Some(0), Some(2), None, Some(0)]
        );
    }

    #[test]
    fn negative_and_null_offsets() {
        let minus_one: ArrayRef = Arc::new(Int64Array::from(vec![-1; 7]));
        let o = owned(vec![xs(), minus_one]);
        let lag = shift(&o.input(), &DataType::Int32, -1).unwrap();
        assert_eq!(
            ints(&lag),
            vec![None, Some(30), Some(5), None, Some(2), None, None]
        );
        let nulls: ArrayRef = Arc::new(Int64Array::from(vec![None; 7]));
        let dflt: ArrayRef = Arc::new(Int32Array::from(vec![-1; 7]));
        let o = owned(vec![xs(), nulls, dflt]);
        assert_eq!(
            ints(&shift(&o.input(), &DataType::Int32, -1).unwrap()),
            vec![None; 7]
        );
    }

    #[test]
    fn lag_ignore_nulls() {
        let mut o = owned(vec![xs()]);
        o.ignore_nulls = true;
        let lag = shift(&o.input(), &DataType::Int32, -1).unwrap();
        assert_eq!(
            ints(&lag),
            vec![None, Some(10), Some(10), Some(30), None, Some(1), Some(2)]
        );
        let two: ArrayRef = Arc::new(Int64Array::from(vec![2; 7]));
        let mut o = owned(vec![xs(), two]);
        o.ignore_nulls = true;
        let lag2 = shift(&o.input(), &DataType::Int32, -1).unwrap();
        assert_eq!(
            ints(&lag2),
            vec![None, None, None, Some(10), None, None, Some(1)]
        );
        let lead = shift(&o.input(), &DataType::Int32, 1).unwrap();
        assert_eq!(
            ints(&lead),
            vec![Some(5), Some(5), None, None, None, None, None]
        );
    }

    fn running_frames(o: &mut Owned) {
        // RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
        let start = vec![0, 0, 0, 0, 4, 4, 4];
        let end = o.peer_end.clone();
        o.frame = Some((start, end));
    }

    #[test]
    fn values_in_frames() {
        let mut o = owned(vec![xs()]);
        running_frames(&mut o);
        let first =
            pick_in_frame("first_value", &o.input(), &DataType::Int32, Pick::First).unwrap();
        assert_eq!(
            ints(&first),
            vec![
                Some(10),
                Some(10),
                Some(10),
                Some(10),
                Some(1),
                Some(1),
                Some(1)
            ]
        );
        let last = pick_in_frame("last_value", &o.input(), &DataType::Int32, Pick::Last).unwrap();
        assert_eq!(
            ints(&last),
            vec![
                Some(10),
                Some(30),
                Some(30),
                Some(5),
                Some(1),
                Some(2),
                None
            ]
        );
        o.ignore_nulls = true;
        let last = pick_in_frame("last_value", &o.input(), &DataType::Int32, Pick::Last).unwrap();
        assert_eq!(
            ints(&last),
            vec![
                Some(10),
                Some(30),
                Some(30),
                Some(5),
                Some(1),
                Some(2),
                Some(2)
            ]
        );
    }

    #[test]
    fn nth_value_and_empty_frames() {
        let two: ArrayRef = Arc::new(Int64Array::from(vec![2; 7]));
        let mut o = owned(vec![xs(), two]);
        running_frames(&mut o);
        let nth = pick_in_frame("nth_value", &o.input(), &DataType::Int32, Pick::Nth).unwrap();
        assert_eq!(
            ints(&nth),
            vec![None, None, None, None, None, Some(2), Some(2)]
        );
        o.ignore_nulls = true;
        let nth = pick_in_frame("nth_value", &o.input(), &DataType::Int32, Pick::Nth).unwrap();
        assert_eq!(
            ints(&nth),
            vec![None, Some(30), Some(30), Some(30), None, Some(2), Some(2)]
        );
        // Empty frames give NULL.
        o.frame = Some((vec![1, 2, 3, 4, 5, 6, 7], vec![1, 2, 3, 4, 5, 6, 7]));
        let first =
            pick_in_frame("first_value", &o.input(), &DataType::Int32, Pick::First).unwrap();
        assert_eq!(ints(&first), vec![None; 7]);
    }

    #[test]
    fn works_for_strings_and_casts_to_return_type() {
        let s: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "c"]));
        let o = Owned::new(vec![s], &[3], &[0, 1, 2]);
        let lead = shift(&o.input(), &DataType::Utf8, 1).unwrap();
        let v: Vec<Option<&str>> = lead.as_string::<i32>().iter().collect();
        assert_eq!(v, vec![Some("b"), Some("c"), None]);
        let f: ArrayRef = Arc::new(Float64Array::from(vec![1.5, 2.5]));
        let o = Owned::new(vec![f], &[2], &[0, 1]);
        let lag = shift(&o.input(), &DataType::Float64, -1).unwrap();
        assert_eq!(lag.data_type(), &DataType::Float64);
    }

    #[test]
    fn signatures() {
        let s = shift_signature("lag", &[DataType::Utf8, DataType::Int32, DataType::Utf8]).unwrap();
        assert_eq!(
            s.args,
            vec![DataType::Utf8, DataType::Int64, DataType::Utf8]
        );
        assert_eq!(s.ret, DataType::Utf8);
        assert!(shift_signature("lag", &[DataType::Utf8, DataType::Utf8]).is_err());
        assert!(shift_signature("lag", &[]).is_err());
        assert!(nth_value_signature(&[DataType::Int32, DataType::Float64], &[None, None]).is_err());
    }
}
