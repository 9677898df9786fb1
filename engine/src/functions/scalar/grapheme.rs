//! String functions that count grapheme clusters (what a reader sees as one character:
//! `S̈`, `🤦🏼‍♂️`) instead of code points: `length_grapheme`, `substring_grapheme`,
//! `left_grapheme` and `right_grapheme`, with the offsets and lengths of their code-point
//! counterparts. Clusters follow Unicode's extended grapheme rules (UAX #29).

use arrow::datatypes::{DataType, Int64Type};
use unicode_segmentation::UnicodeSegmentation;

use super::util::{
    add_all, arg, build_utf8, cast_all, check_arity, int_target, string_target, Entry, Prims,
    Shape, Strs,
};
use crate::error::Result;
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[
    ("length_grapheme", &[], sig_length, invoke_length),
    ("substring_grapheme", &[], sig_substring, invoke_substring),
    ("left_grapheme", &[], sig_left_right, invoke_left),
    ("right_grapheme", &[], sig_left_right, invoke_right),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

/// A string first, then integers.
fn string_then_ints(
    name: &str,
    args: &[DataType],
    min: usize,
    max: usize,
    expected: &str,
    ret: DataType,
) -> Result<Signature> {
    check_arity(name, args, min, max).map_err(|_| signature_error(name, expected, args))?;
    let cast = cast_all(name, args, expected, |i, t| {
        if i == 0 {
            string_target(t)
        } else {
            int_target(t)
        }
    })?;
    Ok(Signature { args: cast, ret })
}

fn sig_length(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    string_then_ints("length_grapheme", args, 1, 1, "(VARCHAR)", DataType::Int64)
}

fn sig_substring(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    string_then_ints(
        "substring_grapheme",
        args,
        2,
        3,
        "(VARCHAR, BIGINT start[, BIGINT length])",
        DataType::Utf8,
    )
}

fn sig_left_right(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    string_then_ints(
        "left_grapheme / right_grapheme",
        args,
        2,
        2,
        "(VARCHAR, BIGINT count)",
        DataType::Utf8,
    )
}

/// The byte offsets where each cluster of `s` starts, then `s.len()`.
fn boundaries(s: &str) -> Vec<usize> {
    let mut b: Vec<usize> = if s.is_ascii() && !s.contains('\r') {
        // Every ASCII character but CR LF is a cluster of its own.
        (0..s.len()).collect()
    } else {
        s.grapheme_indices(true).map(|(i, _)| i).collect()
    };
    b.push(s.len());
    b
}

/// Clusters `lo..hi` (clamped) of `s`.
fn slice<'a>(s: &'a str, b: &[usize], lo: i64, hi: i64) -> &'a str {
    let n = (b.len() - 1) as i64;
    let (lo, hi) = (lo.clamp(0, n) as usize, hi.clamp(0, n) as usize);
    if lo >= hi {
        return "";
    }
    &s[b[lo]..b[hi]]
}

fn invoke_length(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "length_grapheme";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let out: arrow::array::Int64Array = (0..shape.len)
        .map(|i| s.get(i).map(|v| v.graphemes(true).count() as i64))
        .collect();
    shape.wrap(std::sync::Arc::new(out))
}

fn invoke_substring(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "substring_grapheme";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let start = Prims::<Int64Type>::new(arg(args, 1, F)?, F)?;
    let len = args
        .get(2)
        .map(|a| Prims::<Int64Type>::new(a, F))
        .transpose()?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(v), Some(offset)) = (s.get(i), start.get(i)) else {
            return Ok(false);
        };
        let length = match &len {
            Some(l) => match l.get(i) {
                Some(l) => Some(l),
                None => return Ok(false),
            },
            None => None,
        };
        let b = boundaries(v);
        let size = (b.len() - 1) as i64;
        // The same offsets as `substring`: 1-based, negative from the end, 0 before the
        // first cluster; a negative length takes clusters before the start.
        let first = match offset {
            o if o > 0 => o - 1,
            o if o < 0 => size.saturating_add(o),
            _ => -1,
        };
        let (lo, hi) = match length {
            None => (first, i64::MAX),
            Some(l) if l >= 0 => (first, first.saturating_add(l)),
            Some(l) => (first.saturating_add(l), first),
        };
        buf.push_str(slice(v, &b, lo, hi));
        Ok(true)
    })?;
    shape.wrap(out)
}

fn left_right(args: &[ColumnarValue], func: &str, left: bool) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, func)?, func)?;
    let n = Prims::<Int64Type>::new(arg(args, 1, func)?, func)?;
    let out = build_utf8(func, shape.len, |i, buf| {
        let (Some(v), Some(n)) = (s.get(i), n.get(i)) else {
            return Ok(false);
        };
        let b = boundaries(v);
        let size = (b.len() - 1) as i64;
        // A negative count keeps all but that many clusters.
        let keep = if n >= 0 {
            n.min(size)
        } else {
            (size + n.max(-size)).max(0)
        };
        buf.push_str(if left {
            slice(v, &b, 0, keep)
        } else {
            slice(v, &b, size - keep, size)
        });
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_left(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    left_right(args, "left_grapheme", true)
}

fn invoke_right(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    left_right(args, "right_grapheme", false)
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::{lit, scalar};

    fn text(name: &str, args: Vec<super::ColumnarValue>) -> String {
        scalar(name, args).as_str().unwrap().to_string()
    }

    #[test]
    fn counts_clusters_not_code_points() {
        let facepalm = "🤦🏼‍♂️";
        assert_eq!(
            scalar(
                "length_grapheme",
                vec![lit(format!("{facepalm} L{facepalm}R {facepalm}").as_str())]
            )
            .as_i64(),
            Some(7)
        );
        assert_eq!(
            text("substring_grapheme", vec![lit("S̈a︍"), lit(-1i64), lit(1i64)]),
            "a︍"
        );
        assert_eq!(
            text("substring_grapheme", vec![lit("S̈a"), lit(1i64), lit(1i64)]),
            "S̈"
        );
        assert_eq!(text("right_grapheme", vec![lit("🦆🤦S̈"), lit(2i64)]), "🤦S̈");
        assert_eq!(
            text("left_grapheme", vec![lit("🦆🤦S̈"), lit(-1i64)]),
            "🦆🤦"
        );
        assert_eq!(text("left_grapheme", vec![lit("ab"), lit(i64::MIN)]), "");
    }
}
