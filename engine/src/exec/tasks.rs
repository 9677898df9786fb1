//! Morsel tasks and how they run on the pool.

use arrow::record_batch::RecordBatch;
use rayon::prelude::*;

use super::ExecContext;
use crate::error::Result;

/// One morsel's work: produces that morsel's output batches.
pub type Task = Box<dyn FnOnce() -> Result<Vec<RecordBatch>> + Send>;

/// An operator's output: tasks in output order.
pub struct Tasks {
    /// The tasks, in order.
    pub tasks: Vec<Task>,
}

impl Tasks {
    /// Tasks that hand out already computed batches, a few batches per task so that
    /// streaming operators above still run in parallel.
    pub fn ready(batches: Vec<RecordBatch>) -> Self {
        let mut tasks: Vec<Task> = Vec::with_capacity(batches.len());
        for b in batches {
            if b.num_rows() > 0 || tasks.is_empty() {
                tasks.push(Box::new(move || Ok(vec![b])));
            }
        }
        Self { tasks }
    }

    /// Wraps every task with a per-morsel transformation (a streaming operator).
    pub fn map(
        self,
        f: impl Fn(Vec<RecordBatch>) -> Result<Vec<RecordBatch>> + Send + Sync + Clone + 'static,
    ) -> Self {
        Self {
            tasks: self
                .tasks
                .into_iter()
                .map(|t| {
                    let f = f.clone();
                    Box::new(move || f(t()?)) as Task
                })
                .collect(),
        }
    }

    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether there are no tasks.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Runs every task on the pool and returns all batches in task order.
    pub fn collect(self, ctx: &ExecContext) -> Result<Vec<RecordBatch>> {
        let parts: Vec<Vec<RecordBatch>> = ctx.pool().install(|| {
            self.tasks
                .into_par_iter()
                .with_max_len(1)
                .map(|t| {
                    ctx.check_cancelled()?;
                    t()
                })
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(parts
            .into_iter()
            .flatten()
            .filter(|b| b.num_rows() > 0)
            .collect())
    }

    /// Runs every task on the pool, folding each task's batches into per-thread state
    /// created by `init`; returns the states (in input order) for the caller to merge.
    pub fn fold<S: Send>(
        self,
        ctx: &ExecContext,
        init: impl Fn() -> S + Send + Sync,
        step: impl Fn(&mut S, Vec<RecordBatch>) -> Result<()> + Send + Sync,
    ) -> Result<Vec<S>> {
        ctx.pool()
            .install(|| {
                self.tasks
                    .into_par_iter()
                    .with_max_len(1)
                    .try_fold(
                        || (init(), false),
                        |(mut state, _), t| {
                            ctx.check_cancelled()?;
                            step(&mut state, t()?)?;
                            Ok((state, true))
                        },
                    )
                    .collect::<Result<Vec<_>>>()
            })
            .map(|states| {
                // rayon may create states that saw no task; drop those unless all are empty.
                let used: Vec<S> = states
                    .into_iter()
                    .filter(|(_, used)| *used)
                    .map(|(s, _)| s)
                    .collect();
                used
            })
    }
}

/// Runs tasks in order, a wave of a few per thread at a time, until `enough` says the
/// rows gathered suffice (for LIMIT without ORDER BY). Returns the batches in order.
pub fn run_in_order(
    tasks: Tasks,
    ctx: &ExecContext,
    mut enough: impl FnMut(&[RecordBatch]) -> bool,
) -> Result<Vec<RecordBatch>> {
    let wave = (ctx.threads() * 2).max(2);
    let mut out = Vec::new();
    let mut iter = tasks.tasks.into_iter();
    loop {
        let batch: Vec<Task> = iter.by_ref().take(wave).collect();
        if batch.is_empty() {
            break;
        }
        let mut got = Tasks { tasks: batch }.collect(ctx)?;
        out.append(&mut got);
        if enough(&out) {
            break;
        }
    }
    Ok(out)
}
