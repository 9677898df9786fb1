//! Execution: the session's thread pool, morsel tasks, cancellation and metrics.
//!
//! A physical operator's `execute` returns [`Tasks`]: a list of closures, one per morsel,
//! in output order. Streaming operators (filter, projection, join probe) wrap each input
//! task in their own work, so a morsel goes from the scan through every streaming
//! operator on one worker thread without leaving its cache. Pipeline breakers
//! (aggregation, join build, sort) run their input's tasks on the pool, merge per-thread
//! state, and return tasks that hand out their result.

mod context;
mod tasks;

pub use context::{ExecContext, SessionConfig};
pub use tasks::{run_in_order, Task, Tasks};
