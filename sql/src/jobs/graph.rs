//! The step graph: which sources and steps each step's SQL reads (found in the parsed
//! query: plain table names that are not CTEs or table functions), the order steps run in,
//! cycles, and which steps are *materialized*.
//!
//! A step read by exactly one other step, and by no sink, is not run on its own: it is a
//! view that its reader's query inlines, so a chain of steps runs as one optimized plan
//! (filters and projections pushed through the whole chain, no intermediate results kept).
//! A step is materialized (run on its own, its result kept in memory for its readers) when
//! a sink writes it, when several steps read it (so it is computed once), when nothing
//! reads it (it runs as a check), or when it sets its own `retry` or `timeout` (so the
//! policy covers exactly its work). `materialize = true/false` overrides the choice.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use quiver_engine::error::did_you_mean;
use sqlparser::ast::{Statement, TableFactor, Visit, Visitor};

use crate::jobs::problems::Problems;
use crate::jobs::spec::JobSpec;

/// The plain table names a statement reads, lower-cased, in order of first appearance.
/// CTE names, table functions (`range(10)`) and quoted file paths (`'x.csv'`) are left out.
pub fn referenced_tables(stmt: &Statement) -> Vec<String> {
    #[derive(Default)]
    struct Names {
        ctes: BTreeSet<String>,
        found: Vec<String>,
    }
    impl Visitor for Names {
        type Break = ();
        fn pre_visit_query(&mut self, q: &sqlparser::ast::Query) -> ControlFlow<()> {
            if let Some(with) = &q.with {
                for cte in &with.cte_tables {
                    self.ctes.insert(cte.alias.name.value.to_lowercase());
                }
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
            if let TableFactor::Table {
                name, args: None, ..
            } = tf
            {
                if let [part] = name.0.as_slice() {
                    if let Some(ident) = part.as_ident() {
                        let lower = ident.value.to_lowercase();
                        if ident.quote_style != Some('\'') && !self.found.contains(&lower) {
                            self.found.push(lower);
                        }
                    }
                }
            }
            ControlFlow::Continue(())
        }
    }
    let mut names = Names::default();
    let _ = stmt.visit(&mut names);
    let Names { ctes, found } = names;
    found.into_iter().filter(|n| !ctes.contains(n)).collect()
}

/// How the steps of a job depend on each other and how each one runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepGraph {
    /// For each step, the steps it reads.
    pub step_inputs: Vec<Vec<usize>>,
    /// For each step, the sources it reads.
    pub source_inputs: Vec<Vec<usize>>,
    /// For each step, the steps that read it.
    pub step_readers: Vec<Vec<usize>>,
    /// For each step, the sinks that write it.
    pub sink_readers: Vec<Vec<usize>>,
    /// Steps in an order where every step comes after the steps it reads (file order
    /// among independent steps).
    pub order: Vec<usize>,
    /// For each step, whether it runs on its own with its result kept.
    pub materialized: Vec<bool>,
    /// Why each step is materialized or fused, for the report and `--dry-run`.
    pub why: Vec<String>,
    /// For each fused step, the materialized steps whose plans inline it.
    pub fused_into: Vec<Vec<usize>>,
}

impl StepGraph {
    /// Builds the graph from each step's referenced names; unknown names, cycles and
    /// impossible `materialize` settings become problems.
    pub fn build(spec: &JobSpec, references: &[Vec<String>], problems: &mut Problems) -> Self {
        let n = spec.steps.len();
        let step_index = |name: &str| {
            spec.steps
                .iter()
                .position(|s| s.name.eq_ignore_ascii_case(name))
        };
        let source_index = |name: &str| {
            spec.sources
                .iter()
                .position(|s| s.name.eq_ignore_ascii_case(name))
        };
        let known: Vec<&str> = spec
            .sources
            .iter()
            .map(|s| s.name.as_str())
            .chain(spec.steps.iter().map(|s| s.name.as_str()))
            .collect();

        let mut g = StepGraph {
            step_inputs: vec![vec![]; n],
            source_inputs: vec![vec![]; n],
            step_readers: vec![vec![]; n],
            sink_readers: vec![vec![]; n],
            ..Default::default()
        };
        for (i, names) in references.iter().enumerate() {
            let step = &spec.steps[i];
            for name in names {
                if let Some(j) = step_index(name) {
                    if j == i {
                        problems.at_line(
                            Some(step.sql.line),
                            format!("step `{}` reads itself", step.name),
                        );
                    } else {
                        g.step_inputs[i].push(j);
                        g.step_readers[j].push(i);
                    }
                } else if let Some(j) = source_index(name) {
                    g.source_inputs[i].push(j);
                } else {
                    problems.at_line(
                        Some(step.sql.line),
                        format!(
                            "step `{}` reads `{name}`, which is neither a source nor a step{}",
                            step.name,
                            did_you_mean(name, known.iter().copied())
                        ),
                    );
                }
            }
        }
        for (k, sink) in spec.sinks.iter().enumerate() {
            match step_index(&sink.from) {
                Some(i) => g.sink_readers[i].push(k),
                None => {
                    let hint = if source_index(&sink.from).is_some() {
                        format!(
                            "; `{}` is a source: sinks write steps (add a step \
                             `SELECT * FROM {}`)",
                            sink.from, sink.from
                        )
                    } else {
                        did_you_mean(&sink.from, spec.steps.iter().map(|s| s.name.as_str()))
                    };
                    problems.at_line(
                        Some(sink.from_line),
                        format!(
                            "sink `{}` writes `{}`, which is not a step{hint}",
                            sink.name, sink.from
                        ),
                    );
                }
            }
        }
        g.order = g.topological_order(spec, problems);
        g.choose_materialized(spec, problems);
        g
    }

    /// Kahn's algorithm, taking the first ready step in file order; steps left over are on
    /// or behind a cycle, which is reported once per cycle.
    fn topological_order(&self, spec: &JobSpec, problems: &mut Problems) -> Vec<usize> {
        let n = self.step_inputs.len();
        let mut missing: Vec<usize> = self
            .step_inputs
            .iter()
            .map(|inputs| inputs.iter().collect::<BTreeSet<_>>().len())
            .collect();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while let Some(i) = (0..n).find(|&i| !done[i] && missing[i] == 0) {
            done[i] = true;
            order.push(i);
            for &r in self.step_readers[i].iter().collect::<BTreeSet<_>>() {
                missing[r] -= 1;
            }
        }
        let mut reported = BTreeSet::new();
        for start in 0..n {
            if done[start] || reported.contains(&start) {
                continue;
            }
            if let Some(cycle) = self.cycle_from(start, &done) {
                if cycle.iter().any(|c| reported.contains(c)) {
                    continue;
                }
                reported.extend(cycle.iter().copied());
                let first = *cycle.iter().min().unwrap_or(&start);
                let pos = cycle.iter().position(|&c| c == first).unwrap_or(0);
                let mut path: Vec<String> = cycle[pos..]
                    .iter()
                    .chain(&cycle[..pos])
                    .map(|&c| format!("`{}`", spec.steps[c].name))
                    .collect();
                path.push(format!("`{}`", spec.steps[first].name));
                problems.at_line(
                    Some(spec.steps[first].line),
                    format!(
                        "steps read each other in a cycle: {} (each reads the next)",
                        path.join(" -> ")
                    ),
                );
            }
        }
        order
    }

    /// A cycle among the steps not yet ordered, following inputs from `start`.
    fn cycle_from(&self, start: usize, done: &[bool]) -> Option<Vec<usize>> {
        let mut path = vec![start];
        let mut on_path = vec![false; done.len()];
        on_path[start] = true;
        let mut cursor = vec![0usize];
        while let Some(&node) = path.last() {
            let depth = path.len() - 1;
            let inputs = &self.step_inputs[node];
            if cursor[depth] >= inputs.len() {
                on_path[node] = false;
                path.pop();
                cursor.pop();
                continue;
            }
            let next = inputs[cursor[depth]];
            cursor[depth] += 1;
            if done[next] {
                continue;
            }
            if on_path[next] {
                let from = path.iter().position(|&p| p == next).unwrap_or(0);
                return Some(path[from..].to_vec());
            }
            if path.len() > done.len() {
                return None;
            }
            on_path[next] = true;
            path.push(next);
            cursor.push(0);
        }
        None
    }

    fn choose_materialized(&mut self, spec: &JobSpec, problems: &mut Problems) {
        let n = spec.steps.len();
        self.materialized = vec![true; n];
        self.why = vec![String::new(); n];
        for (i, step) in spec.steps.iter().enumerate() {
            let readers = self.step_readers[i].iter().collect::<BTreeSet<_>>().len();
            let sinks = &self.sink_readers[i];
            let (chosen, why) = if !sinks.is_empty() {
                let names: Vec<String> = sinks
                    .iter()
                    .map(|&k| format!("`{}`", spec.sinks[k].name))
                    .collect();
                let noun = if names.len() == 1 { "sink" } else { "sinks" };
                (true, format!("written by {noun} {}", names.join(", ")))
            } else if readers == 0 {
                (true, "read by no step or sink: runs as a check".to_string())
            } else if readers > 1 {
                (true, format!("read by {readers} steps: computed once"))
            } else if step.retry.is_some() || step.timeout.is_some() {
                (true, "has its own retry or timeout".to_string())
            } else {
                let reader = &spec.steps[self.step_readers[i][0]].name;
                (
                    false,
                    format!("read only by `{reader}`: inlined into its plan"),
                )
            };
            self.materialized[i] = chosen;
            self.why[i] = why;
            match step.materialize {
                Some(true) if !chosen => {
                    self.materialized[i] = true;
                    self.why[i] = "materialize = true".into();
                }
                Some(false) if chosen && !sinks.is_empty() => problems.at_line(
                    Some(step.line),
                    format!(
                        "step `{}`: `materialize = false`, but a sink writes it (sinks need \
                         the result)",
                        step.name
                    ),
                ),
                Some(false) if chosen && readers == 0 => problems.at_line(
                    Some(step.line),
                    format!(
                        "step `{}`: `materialize = false`, but nothing reads it, so it would \
                         never run",
                        step.name
                    ),
                ),
                Some(false) if chosen => {
                    self.materialized[i] = false;
                    self.why[i] = "materialize = false: inlined into each reader".into();
                }
                _ => {}
            }
        }
        // Fused steps run inside the nearest materialized steps downstream.
        self.fused_into = vec![vec![]; n];
        for &i in self.order.iter().rev() {
            if self.materialized[i] {
                continue;
            }
            let mut into = BTreeSet::new();
            for &r in &self.step_readers[i] {
                if self.materialized[r] {
                    into.insert(r);
                } else {
                    into.extend(self.fused_into[r].iter().copied());
                }
            }
            self.fused_into[i] = into.into_iter().collect();
        }
    }

    /// The fused steps a materialized step's plan inlines, in run order.
    pub fn fused_members(&self, step: usize) -> Vec<usize> {
        self.order
            .iter()
            .copied()
            .filter(|&i| !self.materialized[i] && self.fused_into[i].contains(&step))
            .collect()
    }

    /// The sources a materialized step reads, directly or through its fused steps.
    pub fn sources_of(&self, step: usize) -> Vec<usize> {
        let mut out = BTreeSet::new();
        for i in self.fused_members(step).into_iter().chain([step]) {
            out.extend(self.source_inputs[i].iter().copied());
        }
        out.into_iter().collect()
    }

    /// The materialized steps whose results a materialized step reads.
    pub fn materialized_inputs_of(&self, step: usize) -> Vec<usize> {
        let mut out = BTreeSet::new();
        for i in self.fused_members(step).into_iter().chain([step]) {
            out.extend(
                self.step_inputs[i]
                    .iter()
                    .copied()
                    .filter(|&j| self.materialized[j]),
            );
        }
        out.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::spec::{Located, SinkSpec, SourceSpec, StepSpec};

    fn refs(sql: &str) -> Vec<String> {
        let stmts =
            sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::DuckDbDialect {}, sql)
                .unwrap();
        referenced_tables(&stmts[0])
    }

    #[test]
    fn references_skip_ctes_functions_and_files() {
        assert_eq!(
            refs(
                "WITH t AS (SELECT * FROM Orders) SELECT * FROM t JOIN lineitem USING (k), \
                 range(3), 'x.csv' WHERE k IN (SELECT k FROM nation) AND EXISTS (FROM region)"
            ),
            ["orders", "lineitem", "nation", "region"]
        );
        assert_eq!(refs("FROM a UNION ALL FROM b UNION ALL FROM a"), ["a", "b"]);
    }

    fn step(name: &str, line: usize) -> StepSpec {
        StepSpec {
            name: name.into(),
            sql: Located {
                text: String::new(),
                line,
            },
            sql_file: None,
            retry: None,
            timeout: None,
            materialize: None,
            line,
        }
    }

    fn job(steps: &[&str], sinks: &[(&str, &str)]) -> JobSpec {
        JobSpec {
            sources: vec![SourceSpec {
                name: "src".into(),
                path: Located::default(),
                format: None,
                options: Default::default(),
                line: 1,
            }],
            steps: steps
                .iter()
                .enumerate()
                .map(|(i, s)| step(s, 10 * (i + 1)))
                .collect(),
            sinks: sinks
                .iter()
                .map(|(name, from)| SinkSpec {
                    name: name.to_string(),
                    from: from.to_string(),
                    from_line: 99,
                    path: Located::default(),
                    format: None,
                    mode: Default::default(),
                    partition_by: vec![],
                    options: Default::default(),
                    retry: None,
                    line: 98,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn strings(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|x| x.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn chains_fuse_and_shared_steps_materialize() {
        // a <- b <- c -> sink; a is also read by d -> sink.
        let spec = job(&["c", "b", "a", "d"], &[("out", "c"), ("out2", "d")]);
        let references = strings(&[&["b"], &["a"], &["src"], &["a"]]);
        let mut problems = Problems::new("");
        let g = StepGraph::build(&spec, &references, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(g.order, vec![2, 1, 0, 3]);
        assert_eq!(g.materialized, vec![true, false, true, true]);
        assert_eq!(g.fused_into[1], vec![0]);
        assert_eq!(g.fused_members(0), vec![1]);
        assert_eq!(g.sources_of(2), vec![0]);
        assert_eq!(g.materialized_inputs_of(0), vec![2]);
        assert!(g.why[2].contains("read by 2 steps"), "{}", g.why[2]);
    }

    #[test]
    fn unknown_names_and_cycles() {
        let spec = job(&["a", "b", "c", "ok"], &[("s", "bb"), ("t", "src")]);
        let references = strings(&[&["c"], &["a", "srcc"], &["b"], &["src"]]);
        let mut problems = Problems::new("");
        let g = StepGraph::build(&spec, &references, &mut problems);
        assert_eq!(g.order, vec![3]);
        let messages: Vec<String> = problems
            .items()
            .iter()
            .map(|p| format!("{}: {}", p.line.unwrap_or(0), p.message))
            .collect();
        assert_eq!(
            messages,
            [
                "20: step `b` reads `srcc`, which is neither a source nor a step; did you mean `src`?",
                "99: sink `s` writes `bb`, which is not a step; did you mean `b`?",
                "99: sink `t` writes `src`, which is not a step; `src` is a source: sinks write steps (add a step `SELECT * FROM src`)",
                "10: steps read each other in a cycle: `a` -> `c` -> `b` -> `a` (each reads the next)",
            ]
        );
    }
}
