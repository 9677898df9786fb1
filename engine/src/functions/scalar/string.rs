//! Scalar functions: the string family (`lower`, `substring`, `concat`, `regexp_replace`,
//! `split_part`, ...), with DuckDB's semantics.
//!
//! Every function reads `Utf8`, `LargeUtf8` and `Utf8View` arguments natively (TPC-H data
//! is `Utf8View`) and answers in `Utf8`. Positions and lengths count Unicode code points,
//! as DuckDB does; `strlen` counts bytes. NULL in gives NULL out, except where DuckDB skips
//! NULLs (`concat`, `concat_ws`). Regular expressions use the `regex` crate (RE2-like
//! syntax), compiled once per call when the pattern is a constant.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    Array, AsArray, BooleanArray, Int32Array, Int64Array, ListBuilder, StringArray, StringBuilder,
};
use arrow::buffer::Buffer;
use arrow::compute::kernels::{comparison, length::length};
use arrow::datatypes::{DataType, Field, Int64Type};
use regex::{Regex, RegexBuilder};

use super::util::{
    add_all, arg, build_utf8, cast_all, check_arity, common_string_type, datum, int_target,
    string_target, too_long, wrap_like, Entry, Prims, Shape, Strs,
};
use crate::error::{Error, Result};
use crate::functions::{signature_error, ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

/// The family's functions: name, aliases, signature, implementation.
const FUNCTIONS: &[Entry] = &[
    ("lower", &["lcase"], sig_lower, invoke_lower),
    ("upper", &["ucase"], sig_upper, invoke_upper),
    (
        "length",
        &["len", "char_length", "character_length"],
        sig_length,
        invoke_length,
    ),
    ("strlen", &["octet_length"], sig_strlen, invoke_strlen),
    ("substring", &["substr"], sig_substring, invoke_substring),
    ("trim", &[], sig_trim, invoke_trim),
    ("ltrim", &[], sig_ltrim, invoke_ltrim),
    ("rtrim", &[], sig_rtrim, invoke_rtrim),
    ("concat", &[], sig_concat, invoke_concat),
    ("concat_ws", &[], sig_concat_ws, invoke_concat_ws),
    ("replace", &[], sig_replace, invoke_replace),
    (
        "starts_with",
        &["prefix"],
        sig_starts_with,
        invoke_starts_with,
    ),
    ("ends_with", &["suffix"], sig_ends_with, invoke_ends_with),
    ("contains", &[], sig_contains, invoke_contains),
    (
        "regexp_matches",
        &[],
        sig_regexp_matches,
        invoke_regexp_matches,
    ),
    (
        "regexp_full_match",
        &[],
        sig_regexp_full_match,
        invoke_regexp_full_match,
    ),
    (
        "regexp_replace",
        &[],
        sig_regexp_replace,
        invoke_regexp_replace,
    ),
    (
        "regexp_extract",
        &[],
        sig_regexp_extract,
        invoke_regexp_extract,
    ),
    ("left", &[], sig_left, invoke_left),
    ("right", &[], sig_right, invoke_right),
    ("lpad", &[], sig_lpad, invoke_lpad),
    ("rpad", &[], sig_rpad, invoke_rpad),
    ("repeat", &[], sig_repeat, invoke_repeat),
    ("reverse", &[], sig_reverse, invoke_reverse),
    ("strpos", &["instr", "position"], sig_strpos, invoke_strpos),
    ("split_part", &[], sig_split_part, invoke_split_part),
    (
        "string_split",
        &["str_split", "string_to_array", "split"],
        sig_string_split,
        invoke_string_split,
    ),
    ("ascii", &[], sig_ascii, invoke_ascii),
    ("chr", &[], sig_chr, invoke_chr),
];

pub(super) fn register(r: &mut FunctionRegistry) {
    add_all(r, FUNCTIONS);
}

// ---------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------

/// The kind of one argument position.
#[derive(Clone, Copy)]
enum K {
    /// Text (any string layout).
    S,
    /// An integer (read as `Int64`).
    I,
}

/// A signature for fixed argument kinds, the last `kinds.len() - required` optional.
fn shaped(
    name: &str,
    args: &[DataType],
    kinds: &[K],
    required: usize,
    ret: DataType,
) -> Result<Signature> {
    let mut expected = String::from("(");
    for (i, k) in kinds.iter().enumerate() {
        if i == required {
            expected.push('[');
        }
        if i > 0 {
            expected.push_str(", ");
        }
        expected.push_str(match k {
            K::S => "VARCHAR",
            K::I => "BIGINT",
        });
    }
    if required < kinds.len() {
        expected.push(']');
    }
    expected.push(')');
    check_arity(name, args, required, kinds.len())
        .map_err(|_| signature_error(name, &expected, args))?;
    let cast = cast_all(name, args, &expected, |i, t| match kinds[i] {
        K::S => string_target(t),
        K::I => int_target(t),
    })?;
    Ok(Signature { args: cast, ret })
}

macro_rules! signature {
    ($fn:ident, $name:literal, [$($k:ident),*], $required:expr, $ret:expr) => {
        fn $fn(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
            shaped($name, args, &[$(K::$k),*], $required, $ret)
        }
    };
}

signature!(sig_lower, "lower", [S], 1, DataType::Utf8);
signature!(sig_upper, "upper", [S], 1, DataType::Utf8);
signature!(sig_strlen, "strlen", [S], 1, DataType::Int64);
signature!(sig_substring, "substring", [S, I, I], 2, DataType::Utf8);
signature!(sig_trim, "trim", [S, S], 1, DataType::Utf8);
signature!(sig_ltrim, "ltrim", [S, S], 1, DataType::Utf8);
signature!(sig_rtrim, "rtrim", [S, S], 1, DataType::Utf8);
signature!(sig_replace, "replace", [S, S, S], 3, DataType::Utf8);
signature!(
    sig_regexp_matches,
    "regexp_matches",
    [S, S, S],
    2,
    DataType::Boolean
);
signature!(
    sig_regexp_full_match,
    "regexp_full_match",
    [S, S, S],
    2,
    DataType::Boolean
);
signature!(
    sig_regexp_replace,
    "regexp_replace",
    [S, S, S, S],
    3,
    DataType::Utf8
);
signature!(
    sig_regexp_extract,
    "regexp_extract",
    [S, S, I, S],
    2,
    DataType::Utf8
);
signature!(sig_left, "left", [S, I], 2, DataType::Utf8);
signature!(sig_right, "right", [S, I], 2, DataType::Utf8);
signature!(sig_lpad, "lpad", [S, I, S], 3, DataType::Utf8);
signature!(sig_rpad, "rpad", [S, I, S], 3, DataType::Utf8);
signature!(sig_repeat, "repeat", [S, I], 2, DataType::Utf8);
signature!(sig_reverse, "reverse", [S], 1, DataType::Utf8);
signature!(sig_strpos, "strpos", [S, S], 2, DataType::Int64);
signature!(sig_split_part, "split_part", [S, S, I], 3, DataType::Utf8);
signature!(sig_ascii, "ascii", [S], 1, DataType::Int32);
signature!(sig_chr, "chr", [I], 1, DataType::Utf8);

fn sig_string_split(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let ret = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
    shaped("string_split", args, &[K::S, K::S], 2, ret)
}

/// `length` counts characters of text, or elements of a list.
fn sig_length(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    match args {
        [DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _)] => {
            Ok(Signature::keep(args, DataType::Int64))
        }
        _ => shaped("length", args, &[K::S], 1, DataType::Int64),
    }
}

/// Two-argument text predicates: both sides cast to one string layout for the kernel.
fn string_predicate(name: &str, args: &[DataType]) -> Result<Signature> {
    let sig = shaped(name, args, &[K::S, K::S], 2, DataType::Boolean)?;
    let common = common_string_type(&sig.args);
    Ok(Signature {
        args: vec![common.clone(), common],
        ret: DataType::Boolean,
    })
}

fn sig_starts_with(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    string_predicate("starts_with", args)
}

fn sig_ends_with(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    string_predicate("ends_with", args)
}

fn sig_contains(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    string_predicate("contains", args)
}

/// Any argument that is not text is cast to `Utf8` (as DuckDB's `concat` does).
fn to_text(name: &str, args: &[DataType]) -> Result<Vec<DataType>> {
    cast_all(
        name,
        args,
        "arguments that can be cast to VARCHAR",
        |_, t| {
            string_target(t).or_else(|| {
                arrow::compute::can_cast_types(t, &DataType::Utf8).then_some(DataType::Utf8)
            })
        },
    )
}

fn sig_concat(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("concat", args, 1, usize::MAX)?;
    Ok(Signature {
        args: to_text("concat", args)?,
        ret: DataType::Utf8,
    })
}

fn sig_concat_ws(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("concat_ws", args, 2, usize::MAX)?;
    Ok(Signature {
        args: to_text("concat_ws", args)?,
        ret: DataType::Utf8,
    })
}

// ---------------------------------------------------------------------------------------
// Character helpers
// ---------------------------------------------------------------------------------------

/// The number of characters (code points) in `s`.
fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The byte offset of character `ci` (or the end).
fn byte_of_char(s: &str, ci: usize) -> usize {
    s.char_indices().nth(ci).map_or(s.len(), |(b, _)| b)
}

/// Characters `lo..hi` of `s` (clamped to the string).
fn char_slice(s: &str, lo: usize, hi: usize) -> &str {
    if hi <= lo {
        return "";
    }
    if s.is_ascii() {
        let n = s.len();
        return &s[lo.min(n)..hi.min(n)];
    }
    let b_lo = byte_of_char(s, lo);
    let rest = &s[b_lo..];
    &rest[..byte_of_char(rest, hi - lo)]
}

/// DuckDB's substring: 1-based `offset` (negative counts from the end, 0 starts one before
/// the first character), optional `length` (negative takes characters before the offset).
fn substr(s: &str, offset: i64, length: Option<i64>) -> &str {
    let size = char_count(s) as i64;
    let start = if offset > 0 {
        offset - 1
    } else if offset < 0 {
        size.saturating_add(offset)
    } else {
        -1
    };
    let (lo, hi) = match length {
        None => (start, i64::MAX),
        Some(l) if l >= 0 => (start, start.saturating_add(l)),
        Some(l) => (start.saturating_add(l), start),
    };
    let (lo, hi) = (lo.clamp(0, size), hi.clamp(0, size));
    char_slice(s, lo as usize, hi as usize)
}

// ---------------------------------------------------------------------------------------
// Case, length, substring, trim
// ---------------------------------------------------------------------------------------

/// Maps the case of every string: on a pure-ASCII `Utf8` array the value bytes are
/// converted in one pass and the offsets reused; otherwise value by value.
fn map_case(args: &[ColumnarValue], func: &str, lower: bool) -> Result<ColumnarValue> {
    let input = arg(args, 0, func)?;
    if let ColumnarValue::Array(a) = input {
        if let Some(a) = a.as_string_opt::<i32>() {
            if a.values().is_ascii() {
                let bytes = a.values().as_slice();
                let mapped = if lower {
                    bytes.to_ascii_lowercase()
                } else {
                    bytes.to_ascii_uppercase()
                };
                let out = StringArray::try_new(
                    a.offsets().clone(),
                    Buffer::from_vec(mapped),
                    a.nulls().cloned(),
                )?;
                return Ok(ColumnarValue::Array(Arc::new(out)));
            }
        }
    }
    let shape = Shape::of(args);
    let s = Strs::new(input, func)?;
    let out = build_utf8(func, shape.len, |i, buf| {
        let Some(v) = s.get(i) else { return Ok(false) };
        match (v.is_ascii(), lower) {
            (true, true) => {
                buf.push_str(v);
                buf.make_ascii_lowercase();
            }
            (true, false) => {
                buf.push_str(v);
                buf.make_ascii_uppercase();
            }
            (false, true) => buf.push_str(&v.to_lowercase()),
            (false, false) => buf.push_str(&v.to_uppercase()),
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_lower(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    map_case(args, "lower", true)
}

fn invoke_upper(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    map_case(args, "upper", false)
}

fn invoke_length(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let input = arg(args, 0, "length")?;
    let dt = input.data_type();
    let ascii_utf8 = match input {
        ColumnarValue::Array(a) => a
            .as_string_opt::<i32>()
            .is_some_and(|a| a.values().is_ascii()),
        ColumnarValue::Scalar(_) => false,
    };
    if matches!(
        dt,
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _)
    ) || ascii_utf8
    {
        // Lists, and ASCII text where bytes are characters: Arrow's length kernel.
        let shape = Shape::of(args);
        let lens = length(input.to_array(shape.len)?.as_ref())?;
        return shape.wrap(arrow::compute::cast(&lens, &DataType::Int64)?);
    }
    let shape = Shape::of(args);
    let s = Strs::new(input, "length")?;
    let out: Int64Array = (0..shape.len)
        .map(|i| s.get(i).map(|v| char_count(v) as i64))
        .collect();
    shape.wrap(Arc::new(out))
}

fn invoke_strlen(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let input = arg(args, 0, "strlen")?.to_array(shape.len)?;
    let lens = length(input.as_ref())?;
    shape.wrap(arrow::compute::cast(&lens, &DataType::Int64)?)
}

fn invoke_substring(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "substring";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let start = Prims::<Int64Type>::new(arg(args, 1, F)?, F)?;
    let len = args
        .get(2)
        .map(|a| Prims::<Int64Type>::new(a, F))
        .transpose()?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(v), Some(st)) = (s.get(i), start.get(i)) else {
            return Ok(false);
        };
        let l = match &len {
            Some(l) => match l.get(i) {
                Some(l) => Some(l),
                None => return Ok(false),
            },
            None => None,
        };
        buf.push_str(substr(v, st, l));
        Ok(true)
    })?;
    shape.wrap(out)
}

#[derive(Clone, Copy)]
enum Side {
    Both,
    Left,
    Right,
}

fn trim_impl(args: &[ColumnarValue], func: &str, side: Side) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, func)?, func)?;
    let chars = args.get(1).map(|a| Strs::new(a, func)).transpose()?;
    let out = build_utf8(func, shape.len, |i, buf| {
        let Some(v) = s.get(i) else { return Ok(false) };
        let set = match &chars {
            Some(c) => match c.get(i) {
                Some(c) => c,
                None => return Ok(false),
            },
            None => " ",
        };
        let pat = |c: char| set.contains(c);
        buf.push_str(match side {
            Side::Both => v.trim_matches(pat),
            Side::Left => v.trim_start_matches(pat),
            Side::Right => v.trim_end_matches(pat),
        });
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_trim(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    trim_impl(args, "trim", Side::Both)
}

fn invoke_ltrim(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    trim_impl(args, "ltrim", Side::Left)
}

fn invoke_rtrim(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    trim_impl(args, "rtrim", Side::Right)
}

// ---------------------------------------------------------------------------------------
// Concatenation, replace, predicates
// ---------------------------------------------------------------------------------------

fn invoke_concat(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let parts = args
        .iter()
        .map(|a| Strs::new(a, "concat"))
        .collect::<Result<Vec<_>>>()?;
    let out = build_utf8("concat", shape.len, |i, buf| {
        for p in &parts {
            if let Some(v) = p.get(i) {
                buf.push_str(v);
            }
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_concat_ws(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let sep = Strs::new(arg(args, 0, "concat_ws")?, "concat_ws")?;
    let parts = args[1..]
        .iter()
        .map(|a| Strs::new(a, "concat_ws"))
        .collect::<Result<Vec<_>>>()?;
    let out = build_utf8("concat_ws", shape.len, |i, buf| {
        let Some(sep) = sep.get(i) else {
            return Ok(false);
        };
        let mut first = true;
        for v in parts.iter().filter_map(|p| p.get(i)) {
            if !first {
                buf.push_str(sep);
            }
            first = false;
            buf.push_str(v);
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_replace(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "replace";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let from = Strs::new(arg(args, 1, F)?, F)?;
    let to = Strs::new(arg(args, 2, F)?, F)?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(v), Some(f), Some(t)) = (s.get(i), from.get(i), to.get(i)) else {
            return Ok(false);
        };
        if f.is_empty() {
            buf.push_str(v);
        } else {
            let mut last = 0;
            for (at, _) in v.match_indices(f) {
                buf.push_str(&v[last..at]);
                buf.push_str(t);
                last = at + f.len();
                if buf.len() > i32::MAX as usize {
                    return Err(too_long(F));
                }
            }
            buf.push_str(&v[last..]);
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn predicate(
    args: &[ColumnarValue],
    func: &str,
    kernel: fn(
        &dyn arrow::array::Datum,
        &dyn arrow::array::Datum,
    ) -> Result<BooleanArray, arrow::error::ArrowError>,
) -> Result<ColumnarValue> {
    let l = datum(arg(args, 0, func)?);
    let r = datum(arg(args, 1, func)?);
    let out =
        kernel(l.as_ref(), r.as_ref()).map_err(|e| crate::compute_err!("`{func}` failed: {e}"))?;
    wrap_like(args, Arc::new(out))
}

fn invoke_starts_with(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    predicate(args, "starts_with", comparison::starts_with)
}

fn invoke_ends_with(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    predicate(args, "ends_with", comparison::ends_with)
}

fn invoke_contains(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    predicate(args, "contains", comparison::contains)
}

// ---------------------------------------------------------------------------------------
// Regular expressions
// ---------------------------------------------------------------------------------------

/// DuckDB's regular expression options.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ReOpts {
    case_insensitive: bool,
    literal: bool,
    dot_matches_newline: bool,
    global: bool,
}

/// Parses DuckDB's option letters: `c`/`i` case (in)sensitive, `l` literal, `m`/`n`/`p`
/// newline sensitive, `s` dot matches newline, `g` global (only for `regexp_replace`).
pub(super) fn parse_flags(
    func: &str,
    flags: Option<&ColumnarValue>,
    allow_global: bool,
) -> Result<ReOpts> {
    let mut o = ReOpts::default();
    let Some(flags) = flags else { return Ok(o) };
    let Some(flags) = Strs::new(flags, func)?.as_const() else {
        return Err(crate::not_supported!(
            "`{func}` options must be a constant string such as 'i', not a column"
        ));
    };
    for c in flags.unwrap_or("").chars() {
        match c {
            'c' => o.case_insensitive = false,
            'i' => o.case_insensitive = true,
            'l' => o.literal = true,
            'm' | 'n' | 'p' => o.dot_matches_newline = false,
            's' => o.dot_matches_newline = true,
            'g' if allow_global => o.global = true,
            'g' => {
                return Err(crate::compute_err!(
                    "`{func}`: option 'g' (global replace) is only valid for regexp_replace"
                ))
            }
            other => {
                return Err(crate::compute_err!(
                    "`{func}`: unrecognized regex option '{other}'; expected some of 'c', 'i', 'l', 'm', 'n', 'p', 's'{}",
                    if allow_global { ", 'g'" } else { "" }
                ))
            }
        }
    }
    Ok(o)
}

fn compile(func: &str, pattern: &str, o: ReOpts) -> Result<Regex> {
    let source = if o.literal {
        regex::escape(pattern)
    } else {
        pattern.to_string()
    };
    RegexBuilder::new(&source)
        .case_insensitive(o.case_insensitive)
        .dot_matches_new_line(o.dot_matches_newline)
        .build()
        .map_err(|e| crate::compute_err!("`{func}`: invalid regular expression `{pattern}`: {e}"))
}

/// The compiled patterns of one call: compiled once when the pattern is a constant, and
/// cached per distinct pattern when it is a column.
pub(super) struct Patterns<'a> {
    func: &'static str,
    strs: Strs<'a>,
    opts: ReOpts,
    cache: HashMap<&'a str, Regex>,
}

impl<'a> Patterns<'a> {
    pub(super) fn new(func: &'static str, v: &'a ColumnarValue, opts: ReOpts) -> Result<Self> {
        let mut p = Patterns {
            func,
            strs: Strs::new(v, func)?,
            opts,
            cache: HashMap::new(),
        };
        if let Some(Some(c)) = p.strs.as_const() {
            p.cache.insert(c, compile(func, c, opts)?);
        }
        Ok(p)
    }

    /// The pattern of row `i` (`None` when NULL).
    pub(super) fn get(&mut self, i: usize) -> Result<Option<&Regex>> {
        let Some(p) = self.strs.get(i) else {
            return Ok(None);
        };
        if !self.cache.contains_key(p) {
            if self.cache.len() > 1024 {
                self.cache.clear();
            }
            let re = compile(self.func, p, self.opts)?;
            self.cache.insert(p, re);
        }
        Ok(self.cache.get(p))
    }
}

fn invoke_regexp_matches(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "regexp_matches";
    let shape = Shape::of(args);
    let opts = parse_flags(F, args.get(2), false)?;
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let mut pats = Patterns::new(F, arg(args, 1, F)?, opts)?;
    let mut out = BooleanArray::builder(shape.len);
    for i in 0..shape.len {
        match (s.get(i), pats.get(i)?) {
            (Some(v), Some(re)) => out.append_value(re.is_match(v)),
            _ => out.append_null(),
        }
    }
    shape.wrap(Arc::new(out.finish()))
}

fn invoke_regexp_full_match(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    // A full match is a match of `^(?:pattern)$`; build it per pattern.
    const F: &str = "regexp_full_match";
    let shape = Shape::of(args);
    let opts = parse_flags(F, args.get(2), false)?;
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let p = Strs::new(arg(args, 1, F)?, F)?;
    let mut cache: HashMap<&str, Regex> = HashMap::new();
    let mut out = BooleanArray::builder(shape.len);
    for i in 0..shape.len {
        let (Some(v), Some(pat)) = (s.get(i), p.get(i)) else {
            out.append_null();
            continue;
        };
        if !cache.contains_key(pat) {
            let body = if opts.literal {
                regex::escape(pat)
            } else {
                pat.to_string()
            };
            // Validate the pattern on its own first, so the error names what the user wrote.
            compile(
                F,
                &body,
                ReOpts {
                    literal: false,
                    ..opts
                },
            )?;
            let anchored = compile(
                F,
                &format!("^(?:{body})$"),
                ReOpts {
                    literal: false,
                    ..opts
                },
            )?;
            cache.insert(pat, anchored);
        }
        out.append_value(cache.get(pat).is_some_and(|re| re.is_match(v)));
    }
    shape.wrap(Arc::new(out.finish()))
}

/// Translates a DuckDB (RE2) rewrite string — `\0`..`\9` name groups, `\\` is a backslash,
/// `$` is literal — into the `regex` crate's replacement syntax.
fn translate_rewrite(func: &str, rewrite: &str, groups: usize) -> Result<String> {
    let mut out = String::with_capacity(rewrite.len() + 4);
    let mut chars = rewrite.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => {
                    let g = d as usize - '0' as usize;
                    if g >= groups {
                        return Err(crate::compute_err!(
                            "`{func}`: the replacement `{rewrite}` refers to group {g}, but the pattern has only {} parenthesized group{}",
                            groups - 1,
                            if groups == 2 { "" } else { "s" }
                        ));
                    }
                    out.push_str("${");
                    out.push(d);
                    out.push('}');
                }
                Some('\\') => out.push('\\'),
                _ => {
                    return Err(crate::compute_err!(
                        "`{func}`: invalid replacement `{rewrite}`: '\\' must be followed by a digit or '\\'"
                    ))
                }
            },
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn invoke_regexp_replace(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "regexp_replace";
    let shape = Shape::of(args);
    let opts = parse_flags(F, args.get(3), true)?;
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let mut pats = Patterns::new(F, arg(args, 1, F)?, opts)?;
    let reps = Strs::new(arg(args, 2, F)?, F)?;
    let pattern_const = pats.strs.as_const().is_some();
    let mut fixed_rewrite: Option<String> = None;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(v), Some(rep)) = (s.get(i), reps.get(i)) else {
            return Ok(false);
        };
        let Some(re) = pats.get(i)? else {
            return Ok(false);
        };
        let rewrite = match (&fixed_rewrite, pattern_const && reps.as_const().is_some()) {
            (Some(r), true) => r.clone(),
            (_, constant) => {
                let r = translate_rewrite(F, rep, re.captures_len())?;
                if constant {
                    fixed_rewrite = Some(r.clone());
                }
                r
            }
        };
        let replaced = if opts.global {
            re.replace_all(v, rewrite.as_str())
        } else {
            re.replace(v, rewrite.as_str())
        };
        buf.push_str(&replaced);
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_regexp_extract(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "regexp_extract";
    let shape = Shape::of(args);
    let opts = parse_flags(F, args.get(3), false)?;
    let group = match args.get(2) {
        None => Some(0),
        Some(g) => match Prims::<Int64Type>::new(g, F)?.as_const() {
            Some(g) => g,
            None => {
                return Err(crate::not_supported!(
                    "`{F}`: the group index must be a constant integer, not a column"
                ))
            }
        },
    };
    if let Some(g) = group {
        if !(0..=9).contains(&g) {
            return Err(crate::compute_err!(
                "`{F}`: the group index must be between 0 and 9, found {g}"
            ));
        }
    }
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let mut pats = Patterns::new(F, arg(args, 1, F)?, opts)?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let Some(v) = s.get(i) else { return Ok(false) };
        let Some(re) = pats.get(i)? else {
            return Ok(false);
        };
        if let Some(g) = group {
            if let Some(m) = re.captures(v).and_then(|c| c.get(g as usize)) {
                buf.push_str(m.as_str());
            }
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

// ---------------------------------------------------------------------------------------
// left, right, pad, repeat, reverse, strpos, split
// ---------------------------------------------------------------------------------------

fn left_right(args: &[ColumnarValue], func: &str, left: bool) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, func)?, func)?;
    let n = Prims::<Int64Type>::new(arg(args, 1, func)?, func)?;
    let out = build_utf8(func, shape.len, |i, buf| {
        let (Some(v), Some(n)) = (s.get(i), n.get(i)) else {
            return Ok(false);
        };
        let size = char_count(v) as i64;
        // How many characters to keep from the chosen side.
        let keep = if n >= 0 {
            n.min(size)
        } else {
            (size + n.max(-size)).max(0)
        };
        let keep = keep as usize;
        let size = size as usize;
        buf.push_str(if left {
            char_slice(v, 0, keep)
        } else {
            char_slice(v, size - keep, size)
        });
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_left(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    left_right(args, "left", true)
}

fn invoke_right(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    left_right(args, "right", false)
}

fn pad(args: &[ColumnarValue], func: &'static str, left: bool) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, func)?, func)?;
    let n = Prims::<Int64Type>::new(arg(args, 1, func)?, func)?;
    let fill = Strs::new(arg(args, 2, func)?, func)?;
    let out = build_utf8(func, shape.len, |i, buf| {
        let (Some(v), Some(n), Some(fill)) = (s.get(i), n.get(i), fill.get(i)) else {
            return Ok(false);
        };
        if n > i32::MAX as i64 {
            return Err(too_long(func));
        }
        let target = n.max(0) as usize;
        let size = char_count(v);
        if size >= target {
            buf.push_str(char_slice(v, 0, target));
            return Ok(true);
        }
        if fill.is_empty() {
            return Err(crate::compute_err!(
                "`{func}`: cannot pad `{v}` to {target} characters with an empty padding string"
            ));
        }
        let padding = fill.chars().cycle().take(target - size);
        if left {
            buf.extend(padding);
            buf.push_str(v);
        } else {
            buf.push_str(v);
            buf.extend(padding);
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_lpad(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    pad(args, "lpad", true)
}

fn invoke_rpad(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    pad(args, "rpad", false)
}

fn invoke_repeat(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "repeat";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let n = Prims::<Int64Type>::new(arg(args, 1, F)?, F)?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(v), Some(n)) = (s.get(i), n.get(i)) else {
            return Ok(false);
        };
        let n = n.max(0) as u64;
        if (v.len() as u64).saturating_mul(n) > i32::MAX as u64 {
            return Err(too_long(F));
        }
        for _ in 0..n {
            buf.push_str(v);
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_reverse(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, "reverse")?, "reverse")?;
    let out = build_utf8("reverse", shape.len, |i, buf| {
        let Some(v) = s.get(i) else { return Ok(false) };
        // Whole grapheme clusters are reversed, as DuckDB does (`S̈a` -> `aS̈`).
        if v.is_ascii() && !v.contains('\r') {
            buf.extend(v.chars().rev());
        } else {
            buf.extend(unicode_segmentation::UnicodeSegmentation::graphemes(v, true).rev());
        }
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_strpos(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "strpos";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let sub = Strs::new(arg(args, 1, F)?, F)?;
    let out: Int64Array = (0..shape.len)
        .map(|i| {
            let (v, needle) = (s.get(i)?, sub.get(i)?);
            Some(match v.find(needle) {
                Some(b) => char_count(&v[..b]) as i64 + 1,
                None => 0,
            })
        })
        .collect();
    shape.wrap(Arc::new(out))
}

/// The parts of `v` split at `delim`; an empty delimiter splits into characters.
fn split_parts<'a>(v: &'a str, delim: &'a str) -> Box<dyn Iterator<Item = &'a str> + 'a> {
    if delim.is_empty() {
        Box::new(v.char_indices().map(move |(b, c)| &v[b..b + c.len_utf8()]))
    } else {
        Box::new(v.split(delim))
    }
}

fn invoke_split_part(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "split_part";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let delim = Strs::new(arg(args, 1, F)?, F)?;
    let index = Prims::<Int64Type>::new(arg(args, 2, F)?, F)?;
    let out = build_utf8(F, shape.len, |i, buf| {
        let (Some(v), Some(d), Some(idx)) = (s.get(i), delim.get(i), index.get(i)) else {
            return Ok(false);
        };
        let part = if idx > 0 {
            split_parts(v, d).nth((idx - 1) as usize)
        } else if idx < 0 {
            let parts: Vec<&str> = split_parts(v, d).collect();
            usize::try_from(idx.unsigned_abs())
                .ok()
                .and_then(|back| parts.len().checked_sub(back))
                .map(|at| parts[at])
        } else {
            None
        };
        buf.push_str(part.unwrap_or(""));
        Ok(true)
    })?;
    shape.wrap(out)
}

fn invoke_string_split(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    const F: &str = "string_split";
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, F)?, F)?;
    let delim = Strs::new(arg(args, 1, F)?, F)?;
    let mut b = ListBuilder::new(StringBuilder::new());
    let mut total = 0usize;
    for i in 0..shape.len {
        let Some(v) = s.get(i) else {
            b.append_null();
            continue;
        };
        total += v.len();
        if total > i32::MAX as usize {
            return Err(too_long(F));
        }
        match delim.get(i) {
            // DuckDB: a NULL delimiter leaves the string whole.
            None => b.values().append_value(v),
            Some(d) if d.is_empty() && v.is_empty() => {}
            Some(d) => {
                for p in split_parts(v, d) {
                    b.values().append_value(p);
                }
            }
        }
        b.append(true);
    }
    shape.wrap(Arc::new(b.finish()))
}

fn invoke_ascii(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let s = Strs::new(arg(args, 0, "ascii")?, "ascii")?;
    let out: Int32Array = (0..shape.len)
        .map(|i| s.get(i).map(|v| v.chars().next().map_or(0, |c| c as i32)))
        .collect();
    shape.wrap(Arc::new(out))
}

fn invoke_chr(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let codes = Prims::<Int64Type>::new(arg(args, 0, "chr")?, "chr")?;
    let out = build_utf8("chr", shape.len, |i, buf| {
        let Some(c) = codes.get(i) else {
            return Ok(false);
        };
        let ch = u32::try_from(c).ok().and_then(char::from_u32).ok_or_else(|| {
            Error::Compute(format!(
                "`chr`: {c} is not a valid Unicode code point; expected 0 to 1114111 outside the surrogate range"
            ))
        })?;
        buf.push(ch);
        Ok(true)
    })?;
    shape.wrap(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::util::testing::{call, lit, null, scalar};
    use arrow::array::{ListArray, StringViewArray};

    fn s(v: &str) -> ColumnarValue {
        lit(v)
    }

    fn i(v: i64) -> ColumnarValue {
        lit(v)
    }

    fn null_str() -> ColumnarValue {
        null(DataType::Utf8)
    }

    /// A scalar string result (`None` for NULL).
    fn text(name: &str, args: Vec<ColumnarValue>) -> Option<String> {
        scalar(name, args).as_str().map(str::to_string)
    }

    fn int(name: &str, args: Vec<ColumnarValue>) -> Option<i64> {
        scalar(name, args).as_i64()
    }

    fn boolean(name: &str, args: Vec<ColumnarValue>) -> Option<bool> {
        scalar(name, args).as_bool()
    }

    #[track_caller]
    fn eq_text(name: &str, args: Vec<ColumnarValue>, want: &str) {
        assert_eq!(text(name, args).as_deref(), Some(want), "`{name}`");
    }

    #[track_caller]
    fn eq_bool(name: &str, args: Vec<ColumnarValue>, want: Option<bool>) {
        assert_eq!(boolean(name, args), want, "`{name}`");
    }

    #[track_caller]
    fn eq_int(name: &str, args: Vec<ColumnarValue>, want: Option<i64>) {
        assert_eq!(int(name, args), want, "`{name}`");
    }

    fn view(values: &[Option<&str>]) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(StringViewArray::from(values.to_vec())))
    }

    fn strings(out: ColumnarValue) -> Vec<Option<String>> {
        let a = out.to_array(1).unwrap();
        let a = a.as_string::<i32>();
        a.iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn case_mapping() {
        eq_text("lower", vec![s("ÀB")], "àb");
        eq_text("ucase", vec![s("àb")], "ÀB");
        assert_eq!(text("lower", vec![null_str()]), None);
        let arr = ColumnarValue::Array(Arc::new(StringArray::from(vec![
            Some("AbC"),
            None,
            Some("x"),
        ])));
        assert_eq!(
            strings(call("lower", vec![arr]).unwrap()),
            vec![Some("abc".into()), None, Some("x".into())]
        );
        let v = view(&[Some("Héllo"), None]);
        assert_eq!(
            strings(call("upper", vec![v]).unwrap()),
            vec![Some("HÉLLO".into()), None]
        );
        assert!(call("lower", vec![i(123)]).is_err());
    }

    #[test]
    fn lengths() {
        eq_int("length", vec![s("héllo")], Some(5));
        eq_int("strlen", vec![s("héllo")], Some(6));
        eq_int("len", vec![null_str()], None);
        eq_int("length", vec![s("👍🏽")], Some(2));
        let v = view(&[Some("abc"), None, Some("é")]);
        let out = call("length", vec![v]).unwrap().to_array(1).unwrap();
        assert_eq!(
            out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            vec![Some(3), None, Some(1)]
        );
        let ascii = ColumnarValue::Array(Arc::new(StringArray::from(vec!["ab", "abcd"])));
        let out = call("char_length", vec![ascii])
            .unwrap()
            .to_array(1)
            .unwrap();
        assert_eq!(
            out.as_primitive::<Int64Type>().values().to_vec(),
            vec![2, 4]
        );
    }

    #[test]
    fn substring_follows_duckdb() {
        // Verified with DuckDB 2.0.1.
        let cases: &[(i64, Option<i64>, &str)] = &[
            (0, Some(2), "h"),
            (-3, Some(2), "ll"),
            (-3, None, "llo"),
            (2, None, "ello"),
            (0, None, "hello"),
            (-10, Some(3), ""),
            (2, Some(-1), "h"),
            (6, None, ""),
            (-5, Some(2), "he"),
            (-6, Some(2), "h"),
            (3, Some(-2), "he"),
            (0, Some(-1), ""),
            (1, Some(0), ""),
            (7, Some(-3), "lo"),
            (10, Some(-7), "llo"),
            (-2, Some(-2), "el"),
        ];
        for &(start, len, want) in cases {
            let mut args = vec![s("hello"), i(start)];
            if let Some(l) = len {
                args.push(i(l));
            }
            assert_eq!(
                text("substring", args).as_deref(),
                Some(want),
                "substring('hello', {start}, {len:?})"
            );
        }
        eq_text("substr", vec![s("héllo"), i(2), i(2)], "él");
        let null_len = ColumnarValue::Scalar(ScalarValue::null(&DataType::Int64));
        assert_eq!(text("substring", vec![s("hello"), i(2), null_len]), None);
    }

    #[test]
    fn trims() {
        eq_text("trim", vec![s("  xx  ")], "xx");
        eq_text("ltrim", vec![s("  xx  ")], "xx  ");
        eq_text("rtrim", vec![s("  xx  ")], "  xx");
        eq_text("trim", vec![s("abchicba"), s("abc")], "hi");
        eq_text("trim", vec![s("\t a ")], "\t a");
        assert_eq!(text("trim", vec![s("xx"), null_str()]), None);
    }

    #[test]
    fn concatenation_skips_nulls() {
        eq_text("concat", vec![s("a"), null_str(), s("b")], "ab");
        eq_text("concat", vec![null_str(), null_str()], "");
        let f = ColumnarValue::Scalar(ScalarValue::from(2.5f64));
        eq_text("concat", vec![i(1), s("x"), f], "1x2.5");
        eq_text("concat_ws", vec![s(","), s("a"), null_str(), s("b")], "a,b");
        assert_eq!(text("concat_ws", vec![null_str(), s("a")]), None);
        eq_text("concat_ws", vec![s(","), null_str(), null_str()], "");
        assert!(call("concat", vec![]).is_err());
        let v = view(&[Some("x"), None]);
        assert_eq!(
            strings(call("concat", vec![v, s("!")]).unwrap()),
            vec![Some("x!".into()), Some("!".into())]
        );
    }

    #[test]
    fn replace_and_predicates() {
        eq_text("replace", vec![s("aaa"), s("a"), s("bb")], "bbbbbb");
        eq_text("replace", vec![s("abc"), s(""), s("x")], "abc");
        eq_bool("starts_with", vec![s("abc"), s("ab")], Some(true));
        eq_bool("prefix", vec![s("abc"), s("")], Some(true));
        eq_bool("ends_with", vec![s("abc"), s("bc")], Some(true));
        eq_bool("suffix", vec![s("abc"), s("b")], Some(false));
        eq_bool("contains", vec![s("abc"), s("b")], Some(true));
        eq_bool("contains", vec![s("abc"), null_str()], None);
        // A Utf8View column against a Utf8 literal.
        let v = view(&[Some("special requests"), Some("none"), None]);
        let out = call("contains", vec![v, s("special")])
            .unwrap()
            .to_array(1)
            .unwrap();
        assert_eq!(
            out.as_boolean().iter().collect::<Vec<_>>(),
            vec![Some(true), Some(false), None]
        );
    }

    #[test]
    fn regexp_functions() {
        eq_bool("regexp_matches", vec![s("abc"), s("B")], Some(false));
        eq_bool("regexp_matches", vec![s("abc"), s("B"), s("i")], Some(true));
        eq_bool("regexp_matches", vec![s("abc"), s("^b")], Some(false));
        eq_bool(
            "regexp_matches",
            vec![s("a.c"), s("a.c"), s("l")],
            Some(true),
        );
        eq_bool(
            "regexp_matches",
            vec![s("abc"), s("a.c"), s("l")],
            Some(false),
        );
        eq_bool("regexp_matches", vec![s("a\nb"), s("a.b")], Some(false));
        eq_bool(
            "regexp_matches",
            vec![s("a\nb"), s("a.b"), s("s")],
            Some(true),
        );
        eq_bool("regexp_matches", vec![null_str(), s("b")], None);
        eq_bool("regexp_full_match", vec![s("abc"), s("b")], Some(false));
        eq_bool("regexp_full_match", vec![s("abc"), s("a.c")], Some(true));
        let e = call("regexp_matches", vec![s("abc"), s("(")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("regexp_matches") && e.contains("`(`"), "{e}");
        assert!(call("regexp_matches", vec![s("abc"), s("b"), s("g")]).is_err());
        assert!(call("regexp_matches", vec![s("abc"), s("b"), s("x")]).is_err());

        eq_text("regexp_replace", vec![s("abab"), s("a"), s("x")], "xbab");
        eq_text(
            "regexp_replace",
            vec![s("abab"), s("a"), s("x"), s("g")],
            "xbxb",
        );
        eq_text(
            "regexp_replace",
            vec![s("ABab"), s("a"), s("x"), s("gi")],
            "xBxb",
        );
        eq_text(
            "regexp_replace",
            vec![s("abc"), s("(b)"), s("\\1\\1")],
            "abbc",
        );
        eq_text("regexp_replace", vec![s("abc"), s("(b)"), s("$1")], "a$1c");
        eq_text("regexp_replace", vec![s("abc"), s("b"), s("\\0X")], "abXc");
        assert!(call("regexp_replace", vec![s("abc"), s("(b)"), s("\\2")]).is_err());
        assert!(call("regexp_replace", vec![s("abc"), s("b"), s("\\x")]).is_err());

        eq_text("regexp_extract", vec![s("abc123"), s("[0-9]+")], "123");
        let groups = s("([a-z]+)([0-9]+)");
        eq_text("regexp_extract", vec![s("abc123"), groups, i(2)], "123");
        eq_text("regexp_extract", vec![s("abc"), s("[0-9]+")], "");
        eq_text("regexp_extract", vec![s("abc"), s("(x)?b"), i(1)], "");
        eq_text(
            "regexp_extract",
            vec![s("aBc"), s("(b)"), i(1), s("i")],
            "B",
        );
        assert!(call("regexp_extract", vec![s("abc"), s("b"), i(10)]).is_err());

        // A pattern column, compiled per distinct value.
        let pats = ColumnarValue::Array(Arc::new(StringArray::from(vec![
            Some("^a"),
            Some("c$"),
            None,
            Some("^a"),
        ])));
        let out = call("regexp_matches", vec![s("abc"), pats])
            .unwrap()
            .to_array(1)
            .unwrap();
        assert_eq!(
            out.as_boolean().iter().collect::<Vec<_>>(),
            vec![Some(true), Some(true), None, Some(true)]
        );
    }

    #[test]
    fn left_right_pad_repeat() {
        eq_text("left", vec![s("hello"), i(2)], "he");
        eq_text("left", vec![s("hello"), i(-2)], "hel");
        eq_text("right", vec![s("hello"), i(2)], "lo");
        eq_text("right", vec![s("hello"), i(-2)], "llo");
        eq_text("left", vec![s("hello"), i(10)], "hello");
        eq_text("right", vec![s("héllo"), i(4)], "éllo");
        eq_text("right", vec![s("hello"), i(-10)], "");
        eq_text("left", vec![s("hello"), i(-10)], "");
        eq_text("lpad", vec![s("hi"), i(5), s("xy")], "xyxhi");
        eq_text("rpad", vec![s("hi"), i(5), s("xy")], "hixyx");
        eq_text("lpad", vec![s("hello"), i(2), s("x")], "he");
        eq_text("rpad", vec![s("hello"), i(2), s("x")], "he");
        eq_text("lpad", vec![s("hi"), i(-1), s("x")], "");
        eq_text("lpad", vec![s("héllo"), i(7), s("é")], "ééhéllo");
        assert!(call("lpad", vec![s("hi"), i(5), s("")]).is_err());
        eq_text("repeat", vec![s("ab"), i(3)], "ababab");
        eq_text("repeat", vec![s("ab"), i(-1)], "");
        assert!(call("repeat", vec![s("ab"), i(i64::MAX)]).is_err());
        eq_text("reverse", vec![s("héllo")], "olléh");
    }

    #[test]
    fn positions_and_splits() {
        eq_int("strpos", vec![s("hello"), s("ll")], Some(3));
        eq_int("strpos", vec![s("hello"), s("z")], Some(0));
        eq_int("instr", vec![s("héllo"), s("l")], Some(3));
        eq_int("position", vec![s("abc"), s("")], Some(1));
        eq_text("split_part", vec![s("a,b,c"), s(","), i(2)], "b");
        eq_text("split_part", vec![s("a,b,c"), s(","), i(-1)], "c");
        eq_text("split_part", vec![s("a,b,c"), s(","), i(-3)], "a");
        eq_text("split_part", vec![s("a,b,c"), s(","), i(-4)], "");
        eq_text("split_part", vec![s("a,b,c"), s(","), i(0)], "");
        eq_text("split_part", vec![s("a,b,c"), s(","), i(5)], "");
        eq_text("split_part", vec![s("a,b,c"), s(""), i(2)], ",");
        assert_eq!(text("split_part", vec![s("a,b"), null_str(), i(1)]), None);

        let split = |v: &str, d: Option<&str>| -> Option<Vec<String>> {
            let d = d.map_or_else(null_str, s);
            let out = call("string_split", vec![s(v), d])
                .unwrap()
                .to_array(1)
                .unwrap();
            let list: &ListArray = out.as_list::<i32>();
            list.is_valid(0).then(|| {
                let vals = list.value(0);
                vals.as_string::<i32>()
                    .iter()
                    .map(|x| x.unwrap().to_string())
                    .collect()
            })
        };
        assert_eq!(
            split("a,b,,c", Some(",")),
            Some(vec!["a".into(), "b".into(), "".into(), "c".into()])
        );
        assert_eq!(
            split("abc", Some("")),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(split("", Some(",")), Some(vec!["".into()]));
        assert_eq!(split("", Some("")), Some(vec![]));
        assert_eq!(split("a,b", None), Some(vec!["a,b".into()]));
        assert_eq!(
            split("a::b", Some("::")),
            Some(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn ascii_and_chr() {
        eq_int("ascii", vec![s("A")], Some(65));
        eq_int("ascii", vec![s("")], Some(0));
        eq_int("ascii", vec![s("é")], Some(233));
        eq_text("chr", vec![i(65)], "A");
        eq_text("chr", vec![i(128512)], "😀");
        let e = call("chr", vec![i(-1)]).unwrap_err().to_string();
        assert!(e.contains("chr") && e.contains("-1"), "{e}");
        assert!(call("chr", vec![i(1114112)]).is_err());
    }
}
