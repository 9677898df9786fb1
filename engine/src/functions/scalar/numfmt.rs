//! Numbers rendered as text, as DuckDB renders them: `format_bytes` (alias
//! `formatReadableSize`, `pg_size_pretty`; binary units, `1.5 MiB`) and
//! `formatReadableDecimalSize` (decimal units, `1.5 MB`), `to_base` (digits in radix 2-36,
//! zero-padded to a minimum length), and `bar` (a bar of Unicode block characters whose
//! width is proportional to a value's place between a minimum and a maximum).

use arrow::datatypes::{DataType, Float64Type, Int64Type};

use super::util::{
    add_all, arg, build_utf8, cast_all, check_arity, int_target, Entry, Prims, Shape,
};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

const FUNCTIONS: &[Entry] = &[
    (
        "format_bytes",
        &["formatreadablesize", "pg_size_pretty"],
        sig_bytes,
        invoke_format_bytes,
    ),
    (
        "formatreadabledecimalsize",
        &[],
        sig_bytes,
        invoke_format_decimal_bytes,
    ),
    ("to_base", &[], sig_to_base, invoke_to_base),
    ("bar", &[], sig_bar, invoke_bar),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

fn sig_bytes(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let name = "format_bytes";
    check_arity(name, args, 1, 1).map_err(|_| signature_error(name, "(BIGINT)", args))?;
    let cast = cast_all(name, args, "(BIGINT)", |_, t| {
        int_target(t).or_else(|| t.is_numeric().then_some(DataType::Int64))
    })?;
    Ok(Signature {
        args: cast,
        ret: DataType::Utf8,
    })
}

/// DuckDB's human-readable size: the largest unit with a non-zero count, one truncated
/// decimal (`1023.9 KiB`), plain bytes below one unit.
fn human_size(bytes: i64, multiplier: u64) -> String {
    let units: [&str; 6] = if multiplier == 1000 {
        ["bytes", "kB", "MB", "GB", "TB", "PB"]
    } else {
        ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
    };
    let sign = if bytes < 0 { "-" } else { "" };
    let abs = bytes.unsigned_abs();
    let mut parts = [0u64; 6];
    parts[0] = abs;
    for i in 1..6 {
        parts[i] = parts[i - 1] / multiplier;
        parts[i - 1] %= multiplier;
    }
    for i in (1..6).rev() {
        if parts[i] != 0 {
            let tenth = parts[i - 1] * 10 / multiplier;
            return format!("{sign}{}.{tenth} {}", parts[i], units[i]);
        }
    }
    let unit = if abs == 1 { "byte" } else { "bytes" };
    format!("{sign}{abs} {unit}")
}

fn format_sizes(args: &[ColumnarValue], func: &str, multiplier: u64) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let v = Prims::<Int64Type>::new(arg(args, 0, func)?, func)?;
    let out = build_utf8(func, shape.len, |i, buf| match v.get(i) {
        Some(x) => {
            buf.push_str(&human_size(x, multiplier));
            Ok(true)
        }
        None => Ok(false),
    })?;
    shape.wrap(out)
}

fn invoke_format_bytes(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    format_sizes(args, "format_bytes", 1024)
}

fn invoke_format_decimal_bytes(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    format_sizes(args, "formatReadableDecimalSize", 1000)
}

fn sig_to_base(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(BIGINT number, INTEGER radix[, INTEGER min_length])";
    check_arity("to_base", args, 2, 3).map_err(|_| signature_error("to_base", expected, args))?;
    let cast = cast_all("to_base", args, expected, |_, t| int_target(t))?;
    Ok(Signature {
        args: cast,
        ret: DataType::Utf8,
    })
}

fn invoke_to_base(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "to_base";
    let shape = Shape::of(args);
    let n = Prims::<Int64Type>::new(arg(args, 0, F)?, F)?;
    let radix = Prims::<Int64Type>::new(arg(args, 1, F)?, F)?;
    let min_len = args
        .get(2)
        .map(|a| Prims::<Int64Type>::new(a, F))
        .transpose()?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(n), Some(radix)) = (n.get(i), radix.get(i)) else {
            return Ok(false);
        };
        let min_len = match &min_len {
            Some(m) => match m.get(i) {
                Some(m) => m,
                None => return Ok(false),
            },
            None => 0,
        };
        if n < 0 {
            return Err(Error::Compute(
                "'to_base' number must be greater than or equal to 0".into(),
            ));
        }
        if !(2..=36).contains(&radix) {
            return Err(Error::Compute(
                "'to_base' radix must be between 2 and 36".into(),
            ));
        }
        if !(0..=64).contains(&min_len) {
            return Err(Error::Compute(
                "'to_base' min_length must be between 0 and 64".into(),
            ));
        }
        let mut digits = Vec::new();
        let mut v = n as u64;
        loop {
            let d = (v % radix as u64) as u32;
            digits.push(
                std::char::from_digit(d, 36)
                    .unwrap_or('0')
                    .to_ascii_uppercase(),
            );
            v /= radix as u64;
            if v == 0 {
                break;
            }
        }
        while digits.len() < min_len as usize {
            digits.push('0');
        }
        buf.extend(digits.iter().rev());
        Ok(true)
    })?;
    shape.wrap(out)
}

fn sig_bar(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let expected = "(DOUBLE x, DOUBLE min, DOUBLE max[, DOUBLE width])";
    check_arity("bar", args, 3, 4).map_err(|_| signature_error("bar", expected, args))?;
    let cast = cast_all("bar", args, expected, |_, t| {
        (t.is_numeric() || matches!(t, DataType::Null)).then_some(DataType::Float64)
    })?;
    Ok(Signature {
        args: cast,
        ret: DataType::Utf8,
    })
}

const FULL_BLOCK: char = '█';
/// Eighths of a block, from none to seven.
const PARTIAL_BLOCKS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

fn bar(x: f64, min: f64, max: f64, max_width: f64, out: &mut String) -> Result<()> {
    let range = |m: &str| Error::Compute(format!("`bar`: {m}"));
    if !max_width.is_finite() {
        return Err(range("Max bar width must not be NaN or infinity"));
    }
    if max_width < 1.0 {
        return Err(range("Max bar width must be >= 1"));
    }
    if max_width > 1000.0 {
        return Err(range("Max bar width must be <= 1000"));
    }
    let width = if x.is_nan() || min.is_nan() || max.is_nan() || x <= min {
        0.0
    } else if x >= max {
        max_width
    } else {
        max_width * (x - min) / (max - min)
    };
    if !width.is_finite() {
        return Err(range("Bar width must not be NaN or infinity"));
    }
    let eighths = (width * 8.0) as u64;
    let mut used = 0;
    for _ in 0..eighths / 8 {
        out.push(FULL_BLOCK);
        used += 1;
    }
    let rest = (eighths % 8) as usize;
    if rest > 0 {
        out.push(PARTIAL_BLOCKS[rest]);
        used += 1;
    }
    let total = max_width as u64;
    for _ in used..total {
        out.push(' ');
    }
    Ok(())
}

fn invoke_bar(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "bar";
    let shape = Shape::of(args);
    let x = Prims::<Float64Type>::new(arg(args, 0, F)?, F)?;
    let min = Prims::<Float64Type>::new(arg(args, 1, F)?, F)?;
    let max = Prims::<Float64Type>::new(arg(args, 2, F)?, F)?;
    let width = args
        .get(3)
        .map(|a| Prims::<Float64Type>::new(a, F))
        .transpose()?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(x), Some(lo), Some(hi)) = (x.get(i), min.get(i), max.get(i)) else {
            return Ok(false);
        };
        let w = match &width {
            Some(w) => match w.get(i) {
                Some(w) => w,
                None => return Ok(false),
            },
            None => 80.0,
        };
        bar(x, lo, hi, w, buf)?;
        Ok(true)
    })?;
    shape.wrap(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_duckdb() {
        assert_eq!(human_size(0, 1024), "0 bytes");
        assert_eq!(human_size(1, 1024), "1 byte");
        assert_eq!(human_size(-1, 1024), "-1 byte");
        assert_eq!(human_size(1024 * 1024 - 1, 1024), "1023.9 KiB");
        assert_eq!(human_size(i64::MAX, 1024), "8191.9 PiB");
        assert_eq!(human_size(i64::MIN, 1024), "-8192.0 PiB");
        assert_eq!(human_size(500_000, 1000), "500.0 kB");
    }

    #[test]
    fn bars_have_fixed_width() {
        let mut s = String::new();
        bar(1.0, 0.0, 100.0, 80.0, &mut s).unwrap();
        assert_eq!(s, format!("▊{}", " ".repeat(79)));
        s.clear();
        bar(120.0, -10.0, 100.0, 10.0, &mut s).unwrap();
        assert_eq!(s, "█".repeat(10));
        assert!(bar(1.0, 0.0, 10.0, 1001.0, &mut String::new()).is_err());
        assert!(bar(1.0, f64::NEG_INFINITY, 10.0, 10.0, &mut String::new()).is_err());
    }
}
