//! Runs one step's work (planning and executing its query) on a worker thread, while the
//! calling thread watches the step's timeout and the job's cancel flag; either one cancels
//! the query through the session's flag, and the query stops at its next morsel boundary.
//! A timeout is reported as a transient IO error (`TimedOut`), so the step's retry policy
//! may try again; a cancellation as [`Error::Cancelled`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use quiver_engine::pipeline::format_duration;
use quiver_engine::{Error, Result};

use crate::SqlContext;

/// Stack of the worker thread: planning recurses over deeply nested SQL.
const STACK_SIZE: usize = 64 * 1024 * 1024;
/// How often the watching thread looks at the clock and the cancel flag.
const POLL: Duration = Duration::from_millis(20);

/// Runs `work` against `ctx` with an optional time limit, stopping it when `cancel` is
/// raised. `what` names the work in the timeout error.
pub fn run_limited<T: Send>(
    ctx: &SqlContext,
    what: &str,
    timeout: Option<Duration>,
    cancel: &AtomicBool,
    work: impl FnOnce(&SqlContext) -> Result<T> + Send,
) -> Result<T> {
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Cancelled);
    }
    let started = Instant::now();
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("quiver-job-step".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, move || {
                let _ = tx.send(work(ctx));
            })
            .map_err(|e| Error::Internal(format!("cannot start a step thread: {e}")))?;
        let mut timed_out = false;
        loop {
            match rx.recv_timeout(POLL) {
                Ok(result) => {
                    let _ = worker.join();
                    return match result {
                        Err(Error::Cancelled) if timed_out => {
                            let limit = timeout.unwrap_or_default();
                            Err(Error::io(
                                format!(
                                    "{what} ran longer than its timeout of {}",
                                    format_duration(limit)
                                ),
                                std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"),
                            ))
                        }
                        other => other,
                    };
                }
                Err(RecvTimeoutError::Timeout) => {
                    if timeout.is_some_and(|t| started.elapsed() >= t) {
                        timed_out = true;
                    }
                    // Keep asking until the query stops: a query that had not started
                    // executing yet clears the flag when it starts.
                    if timed_out || cancel.load(Ordering::SeqCst) {
                        ctx.session().cancel();
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let panic = worker.join().err().map(|p| {
                        p.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default()
                    });
                    return Err(Error::Internal(format!(
                        "{what} stopped without a result: {}",
                        panic.unwrap_or_default()
                    )));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quiver_engine::Session;

    fn ctx() -> SqlContext {
        SqlContext::new(Session::with_threads(1).unwrap())
    }

    #[test]
    fn results_pass_through() {
        let never = AtomicBool::new(false);
        let out = run_limited(&ctx(), "step `a`", None, &never, |c| {
            c.sql("SELECT 42 AS x").map(|r| r.num_rows())
        });
        assert_eq!(out.unwrap(), 1);
    }

    #[test]
    fn a_slow_query_times_out_as_a_transient_error() {
        let never = AtomicBool::new(false);
        let sql =
            "SELECT count(*) FROM range(20000000) a, range(1000) b WHERE a.range + b.range < 0";
        let err = run_limited(
            &ctx(),
            "step `slow`",
            Some(Duration::from_millis(100)),
            &never,
            |c| c.sql(sql).map(|r| r.num_rows()),
        )
        .unwrap_err();
        assert!(err.is_transient(), "{err}");
        assert!(
            err.to_string()
                .starts_with("step `slow` ran longer than its timeout of 100ms"),
            "{err}"
        );
        let raised = AtomicBool::new(true);
        let err = run_limited(&ctx(), "step `x`", None, &raised, |c| {
            c.sql("SELECT 1").map(|r| r.num_rows())
        })
        .unwrap_err();
        assert!(matches!(err, Error::Cancelled));
    }
}
