//! Running engine work from Python: the GIL is released while the query runs on its own
//! thread, and the calling thread polls for signals so Ctrl-C cancels the query (through
//! the session's cancel flag) and raises `KeyboardInterrupt` within a fraction of a second.

use std::sync::{mpsc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use quiver_engine::{Result, Session};

use crate::error::IntoPy;

/// How often the waiting thread checks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work` on a helper thread; `session` is cancelled if a signal handler raises.
pub fn run<T: Send + 'static>(
    py: Python<'_>,
    session: &Session,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> PyResult<T> {
    let session = session.clone();
    run_cancellable(py, move || session.cancel(), work)
}

/// Runs `work` on a helper thread; `cancel` is called if a signal handler raises, and
/// the interrupt is re-raised once `work` has stopped.
pub fn run_cancellable<T: Send + 'static>(
    py: Python<'_>,
    cancel: impl FnOnce(),
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> PyResult<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("quiver-query".into())
        .spawn(move || {
            // The receiver may be gone after a Ctrl-C: nothing waits for the result then.
            let _ = tx.send(work());
        })
        .map_err(|e| {
            pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start a query thread: {e}"))
        })?;
    // `detach` needs a `Send` closure; the receiver is `Send` but not `Sync`.
    let rx = Mutex::new(rx);
    let recv = |timeout: Option<Duration>| {
        let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
        match timeout {
            Some(t) => rx.recv_timeout(t),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        }
    };
    loop {
        match py.detach(|| recv(Some(POLL))) {
            Ok(result) => return result.py_err(),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    cancel();
                    // Wait for the workers to stop so no query outlives the interrupt.
                    let _ = py.detach(|| recv(None));
                    return Err(interrupt);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "the query thread stopped without a result (a panic in Quiver)",
                ))
            }
        }
    }
}
