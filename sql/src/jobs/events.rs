//! What a running job tells its watcher: steps and sinks starting and ending, failed
//! attempts and the wait before the next one. The `quiver run` command shows them as live
//! progress lines or log lines; the Python package can forward them to `logging`.

use std::time::Duration;

use quiver_engine::Error;

use crate::jobs::report::{RunReport, SinkReport, SourceReport, StepReport};

/// One thing that happened during a run.
#[derive(Debug)]
pub enum Event<'a> {
    /// The run starts.
    JobStarted {
        /// The job's name.
        job: &'a str,
        /// Steps that will run on their own (materialized).
        steps: usize,
        /// Sinks that will be written.
        sinks: usize,
    },
    /// A source's files were found and opened.
    SourceOpened(&'a SourceReport),
    /// A step starts (its first attempt).
    StepStarted {
        /// The step.
        name: &'a str,
        /// The fused steps its plan includes.
        includes: &'a [String],
    },
    /// An attempt of a step or sink failed.
    AttemptFailed {
        /// `step` or `sink`.
        kind: &'static str,
        /// Its name.
        name: &'a str,
        /// The attempt that failed.
        attempt: u32,
        /// Attempts allowed.
        attempts: u32,
        /// The error.
        error: &'a Error,
        /// The wait before the next attempt, or `None` when giving up.
        retry_in: Option<Duration>,
    },
    /// A step ended (in any way), or was skipped.
    StepFinished(&'a StepReport),
    /// A sink starts writing.
    SinkStarted {
        /// The sink.
        name: &'a str,
    },
    /// A sink was written (staged), skipped or failed.
    SinkFinished(&'a SinkReport),
    /// The staged sinks were moved into place.
    Committed {
        /// How many.
        sinks: usize,
    },
    /// The run ended.
    JobFinished(&'a RunReport),
}

/// Watches a run.
pub trait Observer: Send + Sync {
    /// Called for each event, on the runner's thread.
    fn on_event(&self, event: &Event<'_>);
}

/// Ignores every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Observer for Silent {
    fn on_event(&self, _event: &Event<'_>) {}
}

impl<F: Fn(&Event<'_>) + Send + Sync> Observer for F {
    fn on_event(&self, event: &Event<'_>) {
        self(event)
    }
}
