//! The retry policy and timing records of `@qv.retry` / `@qv.timed`: the same
//! `quiver_engine::pipeline` types the job runner uses, so a Python function and a job step
//! wait the same way between attempts and leave the same kind of record in `qv.timings()`.

use std::sync::LazyLock;
use std::time::{Duration, UNIX_EPOCH};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use quiver_engine::pipeline::{Outcome, RetryPolicy, TimingLog, TimingRecord};

/// Every timed call and job step of this process, in the order they ended.
pub static TIMINGS: LazyLock<TimingLog> = LazyLock::new(TimingLog::new);

fn seconds(value: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be a non-negative number of seconds, found {value}"
        ))
    })
}

/// A retry policy: attempts in all, the first wait (doubling up to `max_backoff`) and the
/// jitter fraction each wait may be shortened by.
#[pyclass(name = "RetryPolicy", module = "quiver._quiver", frozen)]
pub struct PyRetryPolicy {
    policy: RetryPolicy,
}

#[pymethods]
impl PyRetryPolicy {
    #[new]
    fn new(attempts: u32, backoff: f64, max_backoff: f64, jitter: f64) -> PyResult<Self> {
        let policy = RetryPolicy {
            attempts,
            backoff: seconds(backoff, "backoff")?,
            max_backoff: seconds(max_backoff, "max_backoff")?,
            jitter,
            ..RetryPolicy::default()
        };
        policy.validate().map_err(PyValueError::new_err)?;
        Ok(Self { policy })
    }

    /// Attempts in all.
    #[getter]
    fn attempts(&self) -> u32 {
        self.policy.attempts
    }

    /// Seconds to wait before retry number `retry` (1 after the first failure), for a
    /// uniform `random` in [0, 1).
    fn delay(&self, retry: u32, random: f64) -> f64 {
        self.policy.delay(retry, random).as_secs_f64()
    }
}

/// Records one timed piece of work: `outcome` is `succeeded`, `failed` (with the
/// exception's class name and message) or `cancelled`.
#[pyfunction]
#[pyo3(signature = (name, started_at, seconds, attempts, outcome, error_type=None, message=None))]
pub fn record_timing(
    name: String,
    started_at: f64,
    seconds: f64,
    attempts: u32,
    outcome: &str,
    error_type: Option<String>,
    message: Option<String>,
) -> PyResult<()> {
    let outcome = match outcome {
        "succeeded" => Outcome::Succeeded,
        "cancelled" => Outcome::Cancelled,
        "skipped" => Outcome::Skipped,
        "failed" => Outcome::Failed {
            category: error_type.unwrap_or_default(),
            message: message.unwrap_or_default(),
        },
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown outcome `{other}`; expected succeeded, failed, cancelled or skipped"
            )))
        }
    };
    TIMINGS.push(TimingRecord {
        name,
        started_at: UNIX_EPOCH
            + Duration::try_from_secs_f64(started_at.max(0.0)).unwrap_or_default(),
        duration: Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or_default(),
        attempts,
        outcome,
    });
    Ok(())
}

/// A row of `qv.timings()`: name, start (Unix seconds), seconds, attempts, outcome, error.
type TimingRow = (String, f64, f64, u32, &'static str, Option<String>);

fn row(r: &TimingRecord) -> TimingRow {
    let started = r
        .started_at
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let error = match &r.outcome {
        Outcome::Failed { category, message } if message.is_empty() => Some(category.clone()),
        Outcome::Failed { category, message } => Some(format!("{category}: {message}")),
        _ => None,
    };
    (
        r.name.clone(),
        started,
        r.duration.as_secs_f64(),
        r.attempts,
        r.outcome.name(),
        error,
    )
}

/// The records so far.
#[pyfunction]
pub fn timing_records() -> Vec<TimingRow> {
    TIMINGS.records().iter().map(row).collect()
}

/// Forgets the records.
#[pyfunction]
pub fn reset_timings() {
    TIMINGS.take();
}
