//! Per-session configuration and the execution context shared by a running query.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// Session settings.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Worker threads (default: all cores).
    pub threads: usize,
    /// Preferred rows per batch / morsel.
    pub batch_size: usize,
    /// A soft memory budget in bytes for pipeline breakers (not enforced yet).
    pub memory_limit: Option<usize>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            batch_size: 64 * 1024,
            memory_limit: None,
        }
    }
}

/// What every operator of a running query sees: the pool, the settings and the
/// cancellation flag.
#[derive(Clone)]
pub struct ExecContext {
    pool: Arc<rayon::ThreadPool>,
    config: SessionConfig,
    cancel: Arc<AtomicBool>,
}

impl std::fmt::Debug for ExecContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecContext")
            .field("config", &self.config)
            .finish()
    }
}

impl ExecContext {
    /// A context over a pool, with a cancellation flag.
    pub fn new(
        pool: Arc<rayon::ThreadPool>,
        config: SessionConfig,
        cancel: Arc<AtomicBool>,
    ) -> Self {
        Self {
            pool,
            config,
            cancel,
        }
    }

    /// The worker pool.
    pub fn pool(&self) -> &rayon::ThreadPool {
        &self.pool
    }

    /// The settings.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Preferred rows per batch.
    pub fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    /// Number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Fails with [`Error::Cancelled`] once the query was cancelled. Called at every
    /// morsel boundary.
    pub fn check_cancelled(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}
