//! Building blocks for batch pipelines that every front end shares: the SQL job runner
//! (`quiver run job.toml`) and the Python package (`qv.run_job`, `@qv.retry`, `@qv.timed`).
//!
//! - [`retry`]: a retry policy (attempts, exponential backoff with a cap, jitter, which
//!   errors retry) and the loop that applies it, interruptible by a cancel flag;
//! - [`duration`]: durations as people write them (`500ms`, `2s`, `1h30m`);
//! - [`timing`]: timing records (name, start, duration, attempts, outcome) and a
//!   thread-safe log to collect them.

pub mod duration;
pub mod retry;
pub mod timing;

pub use duration::{format_duration, parse_duration};
pub use retry::{AttemptFailure, Retried, RetryOn, RetryPolicy};
pub use timing::{Outcome, Timer, TimingLog, TimingRecord};
