//! Everything checked before a job runs, with no data read: the file's fields
//! ([`parse`](super::parse)), parameters and their placeholders, `sql_file`s, the SQL of
//! every step (one query each), names (unique, and every reference known), cycles, sink
//! formats and options, and destinations written twice. The result is a [`Job`] ready to
//! run, or one [`JobError`] listing every problem with its line.
//!
//! Relative paths (sources, `sql_file`, sinks, the report) are resolved against the job
//! file's folder, so a job runs the same from any working directory (cron, CI).

use std::path::{Path, PathBuf};

use quiver_engine::io::FileFormat;
use quiver_engine::Result;
use sqlparser::ast::Statement;

use crate::jobs::graph::{referenced_tables, StepGraph};
use crate::jobs::params::Params;
use crate::jobs::parse::parse_job;
use crate::jobs::problems::{JobError, Problems};
use crate::jobs::spec::JobSpec;

/// A validated job, ready to run.
#[derive(Debug, Clone)]
pub struct Job {
    /// The job file.
    pub file: PathBuf,
    /// The folder relative paths resolve against (the job file's).
    pub base_dir: PathBuf,
    /// The spec with parameters substituted and `sql_file`s read.
    pub spec: JobSpec,
    /// The parameter values used.
    pub params: Params,
    /// Each step's parsed query.
    pub queries: Vec<Statement>,
    /// How the steps depend on each other and which are materialized.
    pub graph: StepGraph,
    /// Each source's resolved path.
    pub source_paths: Vec<PathBuf>,
    /// Each sink's resolved destination.
    pub sink_paths: Vec<PathBuf>,
    /// Each sink's format.
    pub sink_formats: Vec<FileFormat>,
}

impl Job {
    /// Reads and validates the job file at `path` with `--param` overrides.
    pub fn load(path: &Path, overrides: &[(String, String)]) -> Result<Self, JobError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| JobError::single(path, format!("cannot read the job file: {e}")))?;
        Self::from_text(path, &text, overrides)
    }

    /// Validates job text as if read from `path` (relative paths resolve beside it).
    pub fn from_text(
        path: &Path,
        text: &str,
        overrides: &[(String, String)],
    ) -> Result<Self, JobError> {
        let mut problems = Problems::new(text);
        let mut spec = parse_job(text, &mut problems);
        if spec.name.is_empty() && !problems.is_empty() && spec.steps.is_empty() {
            // Not even the outline was readable (e.g. a TOML syntax error).
            return Err(JobError::new(path, problems.items().to_vec()));
        }
        let base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let params = Params::resolve(&spec.params, overrides, &mut problems);

        // Placeholders, then the SQL files they may name.
        for s in &mut spec.sources {
            params.fill(
                &mut s.path,
                &format!("source `{}`: `path`", s.name),
                &mut problems,
            );
        }
        for s in &mut spec.sinks {
            params.fill(
                &mut s.path,
                &format!("sink `{}`: `path`", s.name),
                &mut problems,
            );
        }
        if let Some(report) = &mut spec.report {
            params.fill(report, "[job]: `report`", &mut problems);
        }
        for s in &mut spec.steps {
            let what = format!("step `{}`", s.name);
            if let Some(file) = &mut s.sql_file {
                if !params.fill(file, &format!("{what}: `sql_file`"), &mut problems) {
                    continue;
                }
                let full = base_dir.join(&file.text);
                match std::fs::read_to_string(&full) {
                    Ok(sql) => s.sql.text = sql,
                    Err(e) => {
                        problems.at_line(
                            Some(file.line),
                            format!("{what}: cannot read `sql_file` {}: {e}", full.display()),
                        );
                        continue;
                    }
                }
            }
            params.fill(&mut s.sql, &format!("{what}: `sql`"), &mut problems);
        }

        check_names(&spec, &mut problems);

        // Each step's SQL: one query.
        let mut queries = Vec::with_capacity(spec.steps.len());
        let mut references = Vec::with_capacity(spec.steps.len());
        for s in &spec.steps {
            match parse_query(&s.sql.text) {
                Ok(stmt) => {
                    references.push(referenced_tables(&stmt));
                    queries.push(Some(stmt));
                }
                Err(e) => {
                    problems.at_line(
                        Some(s.sql.line),
                        format!("step `{}`: {}", s.name, indent(&e.to_string())),
                    );
                    references.push(vec![]);
                    queries.push(None);
                }
            }
        }
        let graph = StepGraph::build(&spec, &references, &mut problems);

        let source_paths: Vec<PathBuf> = spec
            .sources
            .iter()
            .map(|s| resolve(&base_dir, &s.path.text))
            .collect();
        for (s, path) in spec.sources.iter().zip(&source_paths) {
            let format = s.format.or_else(|| format_from_extension(path));
            if let Some(format) = format {
                check_source_options(s, format, &mut problems);
            }
        }
        let sink_paths: Vec<PathBuf> = spec
            .sinks
            .iter()
            .map(|s| resolve(&base_dir, &s.path.text))
            .collect();
        let mut sink_formats = Vec::with_capacity(spec.sinks.len());
        for (k, (s, path)) in spec.sinks.iter().zip(&sink_paths).enumerate() {
            let format = s.format.or_else(|| format_from_extension(path));
            let Some(format) = format else {
                problems.at_line(
                    Some(s.path.line),
                    format!(
                        "sink `{}`: cannot tell the format of `{}` from its extension; set \
                         `format = \"parquet\"` (or csv, json, arrow)",
                        s.name, s.path.text
                    ),
                );
                sink_formats.push(FileFormat::Parquet);
                continue;
            };
            sink_formats.push(format);
            let csv_only = s.options.delimiter.is_some() || s.options.header.is_some();
            if csv_only && format != FileFormat::Csv {
                problems.at_line(
                    Some(s.line),
                    format!(
                        "sink `{}`: `delimiter` and `header` apply to CSV output, not {}",
                        s.name,
                        format.name()
                    ),
                );
            }
            if s.options.compression.is_some() && format != FileFormat::Parquet {
                problems.at_line(
                    Some(s.line),
                    format!(
                        "sink `{}`: `compression` applies to Parquet output, not {}",
                        s.name,
                        format.name()
                    ),
                );
            }
            if s.partition_by.iter().any(|c| c.trim().is_empty()) {
                problems.at_line(
                    Some(s.line),
                    format!("sink `{}`: `partition_by` has an empty column name", s.name),
                );
            }
            if let Some(j) = sink_paths[..k].iter().position(|p| same_path(p, path)) {
                problems.at_line(
                    Some(s.path.line),
                    format!(
                        "sink `{}` writes `{}`, as sink `{}` does: give each sink its own \
                         destination",
                        s.name, s.path.text, spec.sinks[j].name
                    ),
                );
            }
        }

        problems.into_result(path)?;
        Ok(Job {
            file: path.to_path_buf(),
            base_dir,
            spec,
            params,
            // Every query parsed, or there would be a problem.
            queries: queries.into_iter().flatten().collect(),
            graph,
            source_paths,
            sink_paths,
            sink_formats,
        })
    }

    /// Where the run report goes: `--report`, else `[job] report`, else
    /// `_quiver/runs/<job>-<timestamp>.json` in the folder holding every sink's output
    /// (the job file's folder when there are no sinks).
    pub fn report_path(&self, flag: Option<&Path>, run_id: &str) -> PathBuf {
        if let Some(p) = flag {
            return p.to_path_buf();
        }
        if let Some(r) = &self.spec.report {
            return resolve(&self.base_dir, &r.text);
        }
        let folders: Vec<PathBuf> = self
            .sink_paths
            .iter()
            .map(|p| p.parent().map(Path::to_path_buf).unwrap_or_default())
            .collect();
        // Outputs with nothing in common but the root go beside the job file instead.
        let dir = common_ancestor(&folders)
            .filter(|d| !d.as_os_str().is_empty() && d.parent().is_some())
            .unwrap_or_else(|| self.base_dir.clone());
        dir.join("_quiver")
            .join("runs")
            .join(format!("{run_id}.json"))
    }
}

/// Parses a step's SQL: exactly one query.
pub fn parse_query(sql: &str) -> Result<Statement> {
    let mut stmts = crate::context::parse_sql(sql)?;
    match (stmts.len(), stmts.first()) {
        (1, Some(Statement::Query(_))) => Ok(stmts.remove(0)),
        (0, _) => Err(quiver_engine::Error::Plan("the SQL is empty".into())),
        (1, Some(other)) => Err(quiver_engine::Error::Plan(format!(
            "a step is one query (SELECT, FROM, WITH, VALUES ...), found `{}`",
            first_words(&other.to_string())
        ))),
        (n, _) => Err(quiver_engine::Error::Plan(format!(
            "a step is one query, found {n} statements; split them into steps"
        ))),
    }
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// Continuation lines of a multi-line message (a caret under the SQL) indented under it.
fn indent(message: &str) -> String {
    message.replace('\n', "\n      ")
}

fn check_names(spec: &JobSpec, problems: &mut Problems) {
    let mut seen: Vec<(String, &str, usize)> = vec![];
    let tables = spec
        .sources
        .iter()
        .map(|s| (&s.name, "source", s.line))
        .chain(spec.steps.iter().map(|s| (&s.name, "step", s.line)));
    for (name, kind, line) in tables {
        let lower = name.to_lowercase();
        if let Some((_, other, other_line)) = seen.iter().find(|(n, _, _)| *n == lower) {
            problems.at_line(
                Some(line),
                format!(
                    "{kind} `{name}`: the name is taken by the {other} on line {other_line} \
                     (sources and steps share one namespace, case-insensitively)"
                ),
            );
        } else {
            seen.push((lower, kind, line));
        }
    }
    let mut sinks: Vec<(String, usize)> = vec![];
    for s in &spec.sinks {
        let lower = s.name.to_lowercase();
        if let Some((_, line)) = sinks.iter().find(|(n, _)| *n == lower) {
            problems.at_line(
                Some(s.line),
                format!(
                    "sink `{}`: the name is taken by the sink on line {line}",
                    s.name
                ),
            );
        } else {
            sinks.push((lower, s.line));
        }
    }
}

fn check_source_options(
    s: &crate::jobs::spec::SourceSpec,
    format: FileFormat,
    problems: &mut Problems,
) {
    let o = &s.options;
    let csv_only = [
        ("delimiter", o.delimiter.is_some()),
        ("header", o.header.is_some()),
        ("quote", o.quote.is_some()),
        ("escape", o.escape.is_some()),
        ("null", o.null_values.is_some()),
        ("types", !o.types.is_empty()),
        ("date_format", o.date_format.is_some()),
        ("timestamp_format", o.timestamp_format.is_some()),
    ];
    let mut wrong: Vec<&str> = vec![];
    if format != FileFormat::Csv {
        wrong.extend(csv_only.iter().filter(|(_, set)| *set).map(|(k, _)| *k));
    }
    if o.schema.is_some() && !matches!(format, FileFormat::Csv | FileFormat::Json) {
        wrong.push("schema");
    }
    if !wrong.is_empty() {
        problems.at_line(
            Some(s.line),
            format!(
                "source `{}`: {} cannot be used with {} files",
                s.name,
                quiver_engine::error::list_names(wrong),
                format.name()
            ),
        );
    }
}

/// A path relative to the job's folder (absolute paths stay).
pub fn resolve(base_dir: &Path, text: &str) -> PathBuf {
    let p = Path::new(text);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base_dir.join(p)
    }
}

/// The format a path's extension names, if any (no file system access).
pub fn format_from_extension(path: &Path) -> Option<FileFormat> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    FileFormat::ALL.into_iter().find(|f| {
        f.extensions()
            .iter()
            .any(|e| name.ends_with(&format!(".{e}")))
    })
}

fn same_path(a: &Path, b: &Path) -> bool {
    normalize(a) == normalize(b)
}

/// Removes `.` parts and folds `x/..` without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if out
                    .components()
                    .next_back()
                    .is_some_and(|l| matches!(l, std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The deepest folder containing all `dirs`.
fn common_ancestor(dirs: &[PathBuf]) -> Option<PathBuf> {
    let mut iter = dirs.iter().map(|d| normalize(d));
    let mut common = iter.next()?;
    for d in iter {
        while !d.starts_with(&common) {
            if !common.pop() {
                return Some(PathBuf::new());
            }
        }
    }
    Some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.csv")),
            PathBuf::from("a/c.csv")
        );
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(
            common_ancestor(&[PathBuf::from("j/out/a"), PathBuf::from("j/out")]),
            Some(PathBuf::from("j/out"))
        );
        assert_eq!(
            common_ancestor(&[PathBuf::from("x/a"), PathBuf::from("y/b")]),
            Some(PathBuf::new())
        );
        assert_eq!(resolve(Path::new("jobs"), "/abs"), PathBuf::from("/abs"));
        assert_eq!(
            format_from_extension(Path::new("o/x.PARQUET")),
            Some(FileFormat::Parquet)
        );
        assert_eq!(format_from_extension(Path::new("o/parts")), None);
    }

    #[test]
    fn reports_go_beside_the_outputs() {
        let text = |a: &str, b: &str| {
            format!(
                "[job]\nname = \"j\"\n[[steps]]\nname = \"s\"\nsql = \"SELECT 1\"\n\
                 [[sinks]]\nname = \"a\"\nfrom = \"s\"\npath = \"{a}\"\n\
                 [[sinks]]\nname = \"b\"\nfrom = \"s\"\npath = \"{b}\"\n"
            )
        };
        let job =
            |a: &str, b: &str| Job::from_text(Path::new("jobs/j.toml"), &text(a, b), &[]).unwrap();
        assert_eq!(
            job("out/a.csv", "out/x/b.csv").report_path(None, "j-1"),
            PathBuf::from("jobs/out/_quiver/runs/j-1.json")
        );
        assert_eq!(
            job("/data/a.csv", "/srv/b.csv").report_path(None, "j-1"),
            PathBuf::from("jobs/_quiver/runs/j-1.json")
        );
        assert_eq!(
            job("a.csv", "b.csv").report_path(Some(Path::new("r.json")), "j-1"),
            PathBuf::from("r.json")
        );
    }

    #[test]
    fn one_query_per_step() {
        assert!(parse_query("SELECT 1").is_ok());
        assert!(parse_query("FROM t").is_ok());
        let e = parse_query("SELECT 1; SELECT 2").unwrap_err();
        assert!(e.to_string().contains("2 statements"), "{e}");
        let e = parse_query("CREATE TABLE t (a INT)").unwrap_err();
        assert!(e.to_string().contains("found `CREATE TABLE t`"), "{e}");
        assert_eq!(parse_query("SELEC 1").unwrap_err().category(), "Syntax");
    }
}
