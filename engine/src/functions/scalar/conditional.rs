//! Scalar functions: conditional family.

use crate::functions::FunctionRegistry;

pub(super) fn register(_r: &mut FunctionRegistry) {}
