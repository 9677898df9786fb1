//! A session: settings, the owned worker pool, the catalog and the cancellation flag.
//!
//! Every query runs on its session's own rayon pool (never rayon's global pool), so a
//! process can host sessions with different thread counts side by side.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

use arrow::record_batch::RecordBatch;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::exec::{ExecContext, SessionConfig};
use crate::logical::LogicalPlan;
use crate::optimizer::optimize;
use crate::physical::{create_physical_plan, display_physical, ExecutionPlan};

/// A query session. Cheap to clone: clones share the pool, catalog and cancel flag.
#[derive(Clone)]
pub struct Session {
    config: SessionConfig,
    /// The worker pool; replaced (for every clone) by `SET threads`.
    pool: Arc<RwLock<Arc<rayon::ThreadPool>>>,
    catalog: Arc<Catalog>,
    cancel: Arc<AtomicBool>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .finish()
    }
}

static DEFAULT: LazyLock<Session> = LazyLock::new(|| {
    Session::try_new(SessionConfig::default())
        .unwrap_or_else(|e| panic!("cannot start the default session: {e}"))
});

impl Session {
    /// A session with its own pool of `config.threads` workers.
    pub fn try_new(config: SessionConfig) -> Result<Self> {
        let threads = config.threads.max(1);
        let pool = build_pool(threads)?;
        Ok(Self {
            config: SessionConfig { threads, ..config },
            pool: Arc::new(RwLock::new(pool)),
            catalog: Arc::new(Catalog::new()),
            cancel: Arc::new(AtomicBool::new(false)),
        })
    }

    /// A session with `threads` workers and default settings otherwise.
    pub fn with_threads(threads: usize) -> Result<Self> {
        Self::try_new(SessionConfig {
            threads,
            ..SessionConfig::default()
        })
    }

    /// The process-wide default session (all cores).
    pub fn default_session() -> Session {
        DEFAULT.clone()
    }

    /// A session sharing this one's pool, settings and catalog but with its own cancel
    /// flag, so cancelling one query (Ctrl-C in a Python thread) leaves others running.
    pub fn with_own_cancel_flag(&self) -> Session {
        Session {
            cancel: Arc::new(AtomicBool::new(false)),
            ..self.clone()
        }
    }

    /// A session sharing this one's pool and settings with an empty catalog of its own
    /// (for SQL contexts whose table names must not leak into other sessions).
    pub fn with_empty_catalog(&self) -> Session {
        Session {
            catalog: Arc::new(Catalog::new()),
            cancel: Arc::new(AtomicBool::new(false)),
            ..self.clone()
        }
    }

    /// The settings as the session was created (see [`Session::threads`] for the current
    /// thread count).
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The number of worker threads queries run on now.
    pub fn threads(&self) -> usize {
        self.current_pool().current_num_threads()
    }

    /// Replaces the worker pool with one of `threads` workers (`SET threads = N`), for this
    /// session and its clones; queries already running finish on the old pool.
    pub fn set_threads(&self, threads: usize) -> Result<()> {
        if threads == 0 {
            return Err(Error::Plan("threads must be at least 1".into()));
        }
        let pool = build_pool(threads)?;
        *self.pool.write().unwrap_or_else(|e| e.into_inner()) = pool;
        Ok(())
    }

    fn current_pool(&self) -> Arc<rayon::ThreadPool> {
        self.pool.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The catalog.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Asks running queries to stop at their next morsel boundary.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// The cancellation flag, for signal handlers.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// The execution context for one query (clears an earlier cancellation).
    pub fn exec_context(&self) -> ExecContext {
        self.cancel.store(false, Ordering::SeqCst);
        let pool = self.current_pool();
        let config = SessionConfig {
            threads: pool.current_num_threads(),
            ..self.config.clone()
        };
        ExecContext::new(pool, config, self.cancel.clone())
    }

    /// Optimizes a logical plan.
    pub fn optimize(&self, plan: Arc<LogicalPlan>) -> Result<Arc<LogicalPlan>> {
        optimize(plan)
    }

    /// Optimizes and plans physically.
    pub fn physical_plan(&self, plan: Arc<LogicalPlan>) -> Result<Arc<dyn ExecutionPlan>> {
        create_physical_plan(&*self.optimize(plan)?)
    }

    /// Runs a logical plan to completion.
    pub fn execute(&self, plan: Arc<LogicalPlan>) -> Result<Vec<RecordBatch>> {
        let physical = self.physical_plan(plan)?;
        let ctx = self.exec_context();
        crate::physical::collect(&physical, &ctx)
    }

    /// EXPLAIN text: the optimized logical plan and the physical plan.
    pub fn explain(&self, plan: Arc<LogicalPlan>) -> Result<String> {
        let optimized = self.optimize(plan)?;
        let physical = create_physical_plan(&optimized)?;
        Ok(format!(
            "logical plan:\n{}\nphysical plan:\n{}",
            optimized.display_indent(),
            display_physical(physical.as_ref())
        ))
    }
}

/// A rayon pool of `threads` named workers.
fn build_pool(threads: usize) -> Result<Arc<rayon::ThreadPool>> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("quiver-worker-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| Error::Internal(format!("cannot start {threads} worker threads: {e}")))
}

#[cfg(test)]
mod thread_tests {
    use super::*;

    #[test]
    fn set_threads_replaces_the_pool_for_every_clone() {
        let s = Session::with_threads(1).unwrap();
        let clone = s.clone();
        s.set_threads(3).unwrap();
        assert_eq!(clone.threads(), 3);
        assert_eq!(clone.exec_context().threads(), 3);
        assert!(s.set_threads(0).is_err());
    }
}
