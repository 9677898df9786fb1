//! `quiver run --dry-run`: what a run would do, without running a query or writing a
//! file. Sources are opened (their files listed and their schemas read) so every step can
//! be planned; each materialized step shows its optimized logical and physical plan, with
//! its fused steps inlined, and the materialized steps it reads appear as scans of
//! `step `x``.

use std::fmt::Write as _;
use std::sync::Arc;

use quiver_engine::io::MemoryTable;
use quiver_engine::pipeline::{format_duration, RetryPolicy};

use crate::jobs::counting::CountingSource;
use crate::jobs::sinks::destination_exists;
use crate::jobs::sources::open_source;
use crate::jobs::validate::Job;
use crate::planner::SqlPlanner;
use crate::SqlContext;

/// The dry-run text, and the problems that a run would meet (sources that cannot be
/// opened yet, steps that do not plan).
pub fn explain_job(job: &Job, ctx: &SqlContext) -> (String, Vec<String>) {
    let spec = &job.spec;
    let g = &job.graph;
    let mut out = String::new();
    let mut problems = vec![];
    let _ = writeln!(out, "job `{}` ({})", spec.name, job.file.display());
    if let Some(d) = &spec.description {
        let _ = writeln!(out, "  {d}");
    }
    if !job.params.values().is_empty() {
        let values: Vec<String> = job
            .params
            .values()
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let _ = writeln!(out, "parameters: {}", values.join(", "));
    }

    let mut opened = vec![false; spec.sources.len()];
    for (s, source) in spec.sources.iter().enumerate() {
        let path = &job.source_paths[s];
        match open_source(source, path) {
            Ok((table, info)) => {
                opened[s] = true;
                ctx.session()
                    .catalog()
                    .register(&source.name, Arc::new(CountingSource::new(table, None)));
                let _ = writeln!(
                    out,
                    "source `{}`: {} ({} file{}, {}) {}",
                    source.name,
                    info.format.name(),
                    info.files,
                    if info.files == 1 { "" } else { "s" },
                    format_bytes(info.bytes),
                    path.display()
                );
            }
            Err(e) => {
                let _ = writeln!(
                    out,
                    "source `{}`: cannot open {} yet: {e}",
                    source.name,
                    path.display()
                );
                problems.push(format!("source `{}`: {e}", source.name));
            }
        }
    }
    {
        let mut views = ctx.views().write().unwrap_or_else(|e| e.into_inner());
        for (i, step) in spec.steps.iter().enumerate() {
            if !g.materialized[i] {
                views.insert(step.name.to_lowercase(), step.sql.text.clone());
            }
        }
    }

    for &i in &g.order {
        let step = &spec.steps[i];
        let _ = writeln!(out);
        if !g.materialized[i] {
            let into: Vec<String> = g.fused_into[i]
                .iter()
                .map(|&j| format!("`{}`", spec.steps[j].name))
                .collect();
            let _ = writeln!(
                out,
                "step `{}`: fused into {} ({})",
                step.name,
                into.join(", "),
                g.why[i]
            );
            continue;
        }
        let includes: Vec<String> = g
            .fused_members(i)
            .into_iter()
            .map(|m| format!("`{}`", spec.steps[m].name))
            .collect();
        let _ = write!(out, "step `{}`: materialized ({})", step.name, g.why[i]);
        if !includes.is_empty() {
            let _ = write!(out, "; its plan includes {}", includes.join(", "));
        }
        let _ = writeln!(out);
        let policy = step
            .retry
            .clone()
            .or_else(|| spec.retry.clone())
            .unwrap_or_default();
        let timeout = step.timeout.or(spec.timeout);
        let _ = writeln!(
            out,
            "  retry: {}; timeout: {}",
            describe_policy(&policy),
            timeout.map_or("none".to_string(), format_duration)
        );
        let waiting: Vec<&str> = g
            .sources_of(i)
            .into_iter()
            .filter(|&s| !opened[s])
            .map(|s| spec.sources[s].name.as_str())
            .collect();
        if !waiting.is_empty() {
            let _ = writeln!(
                out,
                "  not planned: it reads {} (not there yet)",
                quiver_engine::error::list_names(waiting)
            );
            continue;
        }
        let planner = SqlPlanner::new(ctx, &step.sql.text);
        let planned = planner
            .plan_query_statement(&job.queries[i])
            .and_then(|plan| {
                let schema = plan.schema().to_arrow();
                let text = ctx.session().explain(plan)?;
                Ok((schema, text))
            });
        match planned {
            Ok((schema, text)) => {
                for line in text.lines() {
                    if line.trim().is_empty() {
                        let _ = writeln!(out);
                    } else {
                        let _ = writeln!(out, "  {line}");
                    }
                }
                // Later steps read the result as a table.
                if let Ok(empty) = MemoryTable::try_new(schema, vec![]) {
                    let label = format!("step `{}` (materialized at run time)", step.name);
                    ctx.session().catalog().register(
                        &step.name,
                        Arc::new(CountingSource::new(Arc::new(empty), Some(label))),
                    );
                }
            }
            Err(e) => {
                let message = crate::errors::describe(&e);
                let _ = writeln!(out, "  does not plan: {message}");
                problems.push(format!(
                    "step `{}`: {}",
                    step.name,
                    message.lines().next().unwrap_or_default()
                ));
            }
        }
    }

    let _ = writeln!(out);
    for (k, sink) in spec.sinks.iter().enumerate() {
        let dest = &job.sink_paths[k];
        let exists = destination_exists(dest);
        let effect = match (sink.mode.name(), exists) {
            (_, false) => "will be created",
            ("overwrite", true) => "exists: will be replaced",
            ("append", true) => "exists: rows will be added",
            ("ignore", true) => "exists: the sink will be skipped",
            _ => "exists: the job will fail (error_if_exists)",
        };
        let partitions = if sink.partition_by.is_empty() {
            String::new()
        } else {
            format!(", partitioned by {}", sink.partition_by.join(", "))
        };
        let _ = writeln!(
            out,
            "sink `{}`: `{}` -> {} ({}, {}{partitions}; {effect})",
            sink.name,
            sink.from,
            dest.display(),
            job.sink_formats[k].name(),
            sink.mode.name()
        );
    }
    let _ = writeln!(
        out,
        "report: {}",
        job.report_path(None, &format!("{}-<timestamp>", spec.name))
            .display()
    );
    (out, problems)
}

fn describe_policy(p: &RetryPolicy) -> String {
    if p.attempts <= 1 {
        return "none".into();
    }
    format!(
        "{} attempts, backoff {} doubling up to {}",
        p.attempts,
        format_duration(p.backoff),
        format_duration(p.max_backoff)
    )
}

/// Bytes for people: `812 B`, `53.8 KB`, `1.2 GB` (powers of 1000, as DuckDB).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(format_bytes(812), "812 B");
        assert_eq!(format_bytes(53_829), "53.8 KB");
        assert_eq!(format_bytes(1_200_000_000), "1.2 GB");
    }
}
