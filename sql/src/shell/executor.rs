//! Runs one statement for the shell: on a worker thread, so the shell thread can show
//! progress and turn Ctrl-C into a cancellation while the query runs.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use quiver_engine::{Error, Result};
use sqlparser::ast::Statement;

use crate::shell::interrupt::Interrupts;
use crate::shell::progress::Progress;
use crate::{QueryResult, SqlContext};

/// Stack of the query thread: planning recurses over deeply nested SQL.
const STACK_SIZE: usize = 64 * 1024 * 1024;
/// How often the shell thread looks at Ctrl-C and the spinner.
const POLL: Duration = Duration::from_millis(50);

/// Runs `stmt` (whose text is `sql`) to completion, cancelling it on Ctrl-C.
pub fn execute(
    ctx: &SqlContext,
    stmt: &Statement,
    sql: &str,
    interrupts: &Interrupts,
    show_progress: bool,
) -> Result<QueryResult> {
    interrupts.query_started();
    let mut progress = Progress::start(show_progress);
    let result = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("quiver-query".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, move || {
                // The receiver outlives the thread unless the shell itself is going away.
                let _ = tx.send(ctx.execute_statement(stmt, sql));
            })
            .map_err(|e| Error::Internal(format!("cannot start the query thread: {e}")))?;
        loop {
            match rx.recv_timeout(POLL) {
                Ok(result) => {
                    let _ = worker.join();
                    return result;
                }
                Err(RecvTimeoutError::Timeout) => {
                    // Keep asking until the query stops: a query that had not reached
                    // execution yet clears the flag when it starts.
                    if interrupts.pressed() {
                        ctx.session().cancel();
                    }
                    progress.tick();
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let panic = worker.join().err().map(|p| {
                        p.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default()
                    });
                    return Err(Error::Internal(format!(
                        "the query stopped without a result: {}",
                        panic.unwrap_or_default()
                    )));
                }
            }
        }
    });
    progress.finish();
    interrupts.query_finished();
    result
}
