//! Scalar functions: one value out per row in, one family per file.

mod bins;
mod conditional;
mod date_names;
mod datetime;
mod digest;
mod encoding;
mod format;
mod generic;
mod grapheme;
pub mod interval_ctor;
mod list;
mod list_aggregate;
mod list_ops;
mod list_resize;
mod list_set;
mod list_sort;
mod list_zip;
mod make_temporal;
mod map;
mod math;
mod numeric;
mod numfmt;
mod path;
mod regexp_extract_all;
pub mod row_in;
pub mod sequence;
mod similarity;
mod slice;
mod string;
mod struct_ops;
mod text;
mod text_units;
mod time_bucket;
mod util;
mod uuid;
mod vector_distance;

use super::{ColumnarValue, FunctionRegistry, SignatureFn};
use crate::error::Result;

/// A scalar function's definition.
pub struct ScalarFunctionDef {
    /// The canonical name, lower case.
    pub name: &'static str,
    /// Other names it answers to.
    pub aliases: &'static [&'static str],
    /// Argument checking, casts and the return type.
    pub signature: SignatureFn,
    /// The implementation: arguments already cast to the signature's types, and the
    /// number of rows (for functions whose arguments are all scalars).
    pub invoke: fn(&[ColumnarValue], usize) -> Result<ColumnarValue>,
    /// Gives a different value per call (never constant-folded).
    pub volatile: bool,
}

impl std::fmt::Debug for ScalarFunctionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScalarFunctionDef")
            .field("name", &self.name)
            .finish()
    }
}

pub(super) fn register_all(r: &mut FunctionRegistry) {
    string::register(r);
    datetime::register(r);
    math::register(r);
    conditional::register(r);
    list::register(r);
    format::register(r);
    text::register(r);
    list_ops::register(r);
    similarity::register(r);
    sequence::register(r);
    regexp_extract_all::register(r);
    interval_ctor::register(r);
    map::register(r);
    bins::register(r);
    time_bucket::register(r);
    grapheme::register(r);
    encoding::register(r);
    digest::register(r);
    numfmt::register(r);
    numeric::register(r);
    make_temporal::register(r);
    generic::register(r);
    uuid::register(r);
    path::register(r);
    date_names::register(r);
    text_units::register(r);
    slice::register(r);
    list_aggregate::register(r);
    list_resize::register(r);
    list_set::register(r);
    list_sort::register(r);
    list_zip::register(r);
    struct_ops::register(r);
    row_in::register(r);
    vector_distance::register(r);
}
