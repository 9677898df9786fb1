//! Timing records of pipeline work: what ran (a name), when it started (wall clock, for
//! reports), how long it took (monotonic clock), how many attempts it made and how it
//! ended. A [`Timer`] measures one piece of work; a [`TimingLog`] collects records from any
//! thread (the Python package's `@qv.timed` appends to one).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::Error;

/// How a piece of work ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It finished.
    Succeeded,
    /// It failed with an error of `category` ([`Error::category`]).
    Failed {
        /// The error category.
        category: String,
        /// The error message.
        message: String,
    },
    /// It was stopped on request (Ctrl-C, an explicit cancel).
    Cancelled,
    /// It did not run because it was not needed (or an earlier failure stopped the job).
    Skipped,
}

impl Outcome {
    /// The outcome of a failure: [`Outcome::Cancelled`] for a cancellation.
    pub fn of_error(error: &Error) -> Self {
        match error {
            Error::Cancelled => Outcome::Cancelled,
            other => Outcome::Failed {
                category: other.category().to_string(),
                message: other.to_string(),
            },
        }
    }

    /// A short lower-case name: `succeeded`, `failed`, `cancelled`, `skipped`.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed { .. } => "failed",
            Outcome::Cancelled => "cancelled",
            Outcome::Skipped => "skipped",
        }
    }
}

/// The record of one piece of timed work.
#[derive(Debug, Clone, PartialEq)]
pub struct TimingRecord {
    /// What ran (a step, a sink, a function).
    pub name: String,
    /// When it started (wall clock).
    pub started_at: SystemTime,
    /// How long it took, retries and waits included.
    pub duration: Duration,
    /// Attempts made (0 for work that was skipped).
    pub attempts: u32,
    /// How it ended.
    pub outcome: Outcome,
}

impl TimingRecord {
    /// A record of work that did not run.
    pub fn skipped(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            started_at: SystemTime::now(),
            duration: Duration::ZERO,
            attempts: 0,
            outcome: Outcome::Skipped,
        }
    }

    /// The start as RFC 3339 UTC with milliseconds (`2025-01-31T02:00:00.123Z`).
    pub fn started_at_rfc3339(&self) -> String {
        rfc3339(self.started_at)
    }
}

/// Measures one piece of work from [`start`](Self::start) to [`finish`](Self::finish).
#[derive(Debug, Clone)]
pub struct Timer {
    name: String,
    started_at: SystemTime,
    started: Instant,
}

impl Timer {
    /// Starts timing `name` now.
    pub fn start(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            started_at: SystemTime::now(),
            started: Instant::now(),
        }
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// When the work started (wall clock).
    pub fn started_at(&self) -> SystemTime {
        self.started_at
    }

    /// Ends the measurement.
    pub fn finish(self, attempts: u32, outcome: Outcome) -> TimingRecord {
        TimingRecord {
            duration: self.started.elapsed(),
            name: self.name,
            started_at: self.started_at,
            attempts,
            outcome,
        }
    }
}

/// Timing records collected from any thread, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct TimingLog {
    records: Arc<Mutex<Vec<TimingRecord>>>,
}

impl TimingLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record.
    pub fn push(&self, record: TimingRecord) {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record);
    }

    /// A copy of the records so far.
    pub fn records(&self) -> Vec<TimingRecord> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Removes every record, returning them.
    pub fn take(&self) -> Vec<TimingRecord> {
        std::mem::take(&mut *self.records.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Times `work` under `name` and records it (one attempt).
    pub fn time<T>(
        &self,
        name: impl Into<String>,
        work: impl FnOnce() -> crate::Result<T>,
    ) -> crate::Result<T> {
        let timer = Timer::start(name);
        let result = work();
        let outcome = match &result {
            Ok(_) => Outcome::Succeeded,
            Err(e) => Outcome::of_error(e),
        };
        self.push(timer.finish(1, outcome));
        result
    }
}

/// A wall-clock time as RFC 3339 UTC with milliseconds (`2025-01-31T02:00:00.123Z`).
pub fn rfc3339(time: SystemTime) -> String {
    DateTime::<Utc>::from(time).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A wall-clock time for file names, UTC without separators (`20250131T020000Z`).
pub fn compact_timestamp(time: SystemTime) -> String {
    DateTime::<Utc>::from(time)
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_and_logs() {
        let log = TimingLog::new();
        let ok = log.time("load", || Ok(7));
        assert_eq!(ok.unwrap(), 7);
        let err: crate::Result<()> = log.time("parse", || Err(Error::Syntax("bad".into())));
        assert!(err.is_err());
        let _ = log.time("stop", || -> crate::Result<()> { Err(Error::Cancelled) });
        let records = log.take();
        assert_eq!(
            records.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["load", "parse", "stop"]
        );
        assert_eq!(records[0].outcome, Outcome::Succeeded);
        assert_eq!(records[1].outcome.name(), "failed");
        assert_eq!(
            records[1].outcome,
            Outcome::Failed {
                category: "Syntax".into(),
                message: "bad".into()
            }
        );
        assert_eq!(records[2].outcome, Outcome::Cancelled);
        assert!(log.records().is_empty());
        assert_eq!(TimingRecord::skipped("x").attempts, 0);
    }

    #[test]
    fn timestamps() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_738_288_800_123);
        assert_eq!(rfc3339(t), "2025-01-31T02:00:00.123Z");
        assert_eq!(compact_timestamp(t), "20250131T020000Z");
    }
}
