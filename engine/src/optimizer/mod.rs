//! The logical optimizer: rules that rewrite a plan into a cheaper equivalent.
//!
//! A rule has a name and a `rewrite` that returns the plan, changed or not; the driver runs
//! every rule in order, repeatedly, until nothing changes (or a pass limit is hit). One rule
//! per file.

pub mod type_coercion;
