//! Scalar functions: math family.

use crate::functions::FunctionRegistry;

pub(super) fn register(_r: &mut FunctionRegistry) {}
