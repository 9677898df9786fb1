//! Window functions (being written; replaced by the real operator).

use std::sync::Arc;

use crate::error::Result;
use crate::physical::ExecutionPlan;

/// Placeholder type until the window operator lands.
#[derive(Debug)]
pub struct WindowExec;

/// Builds the window operator.
pub fn create_window_exec(_w: &crate::logical::Window, _input: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    Err(crate::not_supported!("window functions"))
}
