//! Batch jobs (`quiver run job.toml`) as a data engineer uses them: late files retried,
//! wrong SQL failing at once, outputs committed all together or not at all, parameters,
//! the run report, validation listing every problem, and the command line (exit codes,
//! `--dry-run`, Ctrl-C).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use quiver_sql::jobs::{run_job_file, Event, Job, RunOptions, RunReport, RunStatus, Silent};

/// Writes `text` as `job.toml` in `dir` and returns its path.
fn job_file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("job.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(path: &Path, params: &[(&str, &str)]) -> RunReport {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let options = RunOptions {
        threads: Some(1),
        ..RunOptions::default()
    };
    run_job_file(path, &params, &options, &Silent).unwrap()
}

/// Every entry of a folder (hidden ones included), sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Writes a file the way a producer should: complete under a temporary name, then renamed.
fn publish(path: &Path, text: &str) {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

const COUNTS_JOB: &str = r#"
[job]
name = "counts"
retry = { attempts = 30, backoff = "20ms", max_backoff = "50ms" }

[[sources]]
name = "events"
path = "in/events.csv"

[[steps]]
name = "counts"
sql = "SELECT kind, count(*) AS n, sum(v) AS total FROM events GROUP BY kind ORDER BY kind"

[[sinks]]
name = "counts_csv"
from = "counts"
path = "out/counts.csv"
"#;

#[test]
fn a_source_that_appears_late_is_retried_until_it_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = job_file(dir.path(), COUNTS_JOB);
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    let source = dir.path().join("in/events.csv");
    let producer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        publish(&source, "kind,v\na,1\nb,2\na,3\n");
    });
    let report = run(&path, &[]);
    producer.join().unwrap();
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.reason);
    let step = &report.steps[0];
    assert!(step.timing.attempts > 1, "{step:?}");
    assert!(step
        .errors
        .iter()
        .all(|e| e.category == "Io" && e.retried && e.message.contains("events.csv")));
    assert_eq!(step.errors.len() as u32, step.timing.attempts - 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/counts.csv")).unwrap(),
        "kind,n,total\na,2,4\nb,1,2\n"
    );
}

#[test]
fn wrong_sql_fails_without_retrying_and_keeps_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in/events.csv"), "kind,v\na,1\n").unwrap();
    let path = job_file(dir.path(), COUNTS_JOB);
    assert_eq!(run(&path, &[]).status, RunStatus::Succeeded);
    let out = dir.path().join("out/counts.csv");
    let before = std::fs::read(&out).unwrap();

    // New data, and a mistake in the SQL: a column that does not exist.
    std::fs::write(dir.path().join("in/events.csv"), "kind,v\nz,9\n").unwrap();
    let path = job_file(
        dir.path(),
        &COUNTS_JOB.replace("sum(v) AS total", "sum(value) AS total"),
    );
    let report = run(&path, &[]);
    assert_eq!(report.status, RunStatus::Failed);
    let step = &report.steps[0];
    assert_eq!(step.timing.attempts, 1, "a binder error is not retried");
    assert_eq!(step.errors.len(), 1);
    assert_eq!(step.errors[0].category, "ColumnNotFound");
    assert!(!step.errors[0].retried);
    let reason = report.reason.unwrap();
    assert!(
        reason.starts_with("step `counts` failed after 1 attempt: Binder Error: column `value`"),
        "{reason}"
    );
    assert_eq!(report.sinks[0].status, "not_run");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(entries(&dir.path().join("out")), ["_quiver", "counts.csv"]);
}

const TWO_SINKS_JOB: &str = r#"
[job]
name = "two_sinks"

[[steps]]
name = "numbers"
sql = "SELECT range AS n, range % 3 AS k FROM range(1000)"

[[sinks]]
name = "first"
from = "numbers"
path = "out/numbers.parquet"

[[sinks]]
name = "second"
from = "numbers"
path = "out/parts"
format = "csv"
partition_by = ["k"]
"#;

#[test]
fn an_interrupted_sink_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = job_file(dir.path(), TWO_SINKS_JOB);
    // Ctrl-C arrives while the second sink is being written.
    let options = RunOptions {
        threads: Some(1),
        ..RunOptions::default()
    };
    let cancel = options.cancel.clone();
    let observer = move |event: &Event<'_>| {
        if let Event::SinkStarted { name: "second" } = event {
            cancel.store(true, Ordering::SeqCst);
        }
    };
    let report = run_job_file(&path, &[], &options, &observer).unwrap();
    assert_eq!(report.status, RunStatus::Cancelled);
    assert!(report
        .reason
        .as_deref()
        .unwrap()
        .contains("nothing was committed"));
    let statuses: Vec<&str> = report.sinks.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(statuses, ["discarded", "discarded"]);
    // Neither output, nor any temporary file, is left behind: only the run report.
    assert_eq!(entries(&dir.path().join("out")), ["_quiver"]);
    let runs = dir.path().join("out/_quiver/runs");
    let report_file = runs.join(&entries(&runs)[0]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report_file).unwrap()).unwrap();
    assert_eq!(json["status"], "cancelled");
}

#[test]
fn a_failing_sink_leaves_every_earlier_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::fs::write(
        dir.path().join("out/numbers.parquet"),
        b"yesterday's output",
    )
    .unwrap();
    // The second sink partitions by a column that does not exist: the first sink's new
    // output, already written, must not replace yesterday's.
    let path = job_file(
        dir.path(),
        &TWO_SINKS_JOB.replace("partition_by = [\"k\"]", "partition_by = [\"kk\"]"),
    );
    let report = run(&path, &[]);
    assert_eq!(report.status, RunStatus::Failed);
    let reason = report.reason.unwrap();
    assert!(
        reason.starts_with("sink `second` failed after 1 attempt"),
        "{reason}"
    );
    assert!(reason.contains("did you mean `k`?"), "{reason}");
    assert_eq!(report.sinks[0].status, "discarded");
    assert_eq!(report.sinks[1].status, "failed");
    assert_eq!(
        std::fs::read(dir.path().join("out/numbers.parquet")).unwrap(),
        b"yesterday's output"
    );
    assert_eq!(
        entries(&dir.path().join("out")),
        ["_quiver", "numbers.parquet"]
    );
}

#[test]
fn parameters_fill_paths_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in/2024-01-02")).unwrap();
    std::fs::write(
        dir.path().join("in/2024-01-02/sales.csv"),
        "day,amount\n2024-01-01,5\n2024-01-02,7\n2024-01-02,8\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("daily.sql"),
        "SELECT '$${literal}' AS note, sum(amount) AS total, ${factor} AS factor \
         FROM sales WHERE day = DATE '${day}'",
    )
    .unwrap();
    let path = job_file(
        dir.path(),
        r#"
[job]
name = "daily"
[job.params]
day = "2024-01-01"
factor = 1
out = "out"

[[sources]]
name = "sales"
path = "in/${day}/sales.csv"

[[steps]]
name = "daily"
sql_file = "daily.sql"

[[sinks]]
name = "daily_csv"
from = "daily"
path = "${out}/daily-${day}.csv"
"#,
    );
    let report = run(&path, &[("day", "2024-01-02"), ("factor", "10")]);
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.reason);
    assert_eq!(
        report.params,
        [
            ("day".to_string(), "2024-01-02".to_string()),
            ("factor".to_string(), "10".to_string()),
            ("out".to_string(), "out".to_string())
        ]
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/daily-2024-01-02.csv")).unwrap(),
        "note,total,factor\n${literal},15,10\n"
    );

    // An undeclared override, and a missing file for the default day, are reported before
    // anything runs (the first) or when the step needs the source (the second).
    let err = Job::load(&path, &[("dya".to_string(), "x".to_string())]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: --param dya: no such parameter; declared: `day`, `factor`, `out`; did you mean `day`?",
            path.display()
        )
    );
}

#[test]
fn chained_steps_run_as_one_plan_and_the_report_has_every_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    std::fs::write(
        dir.path().join("in/events.csv"),
        "kind,v\na,1\nb,2\na,3\nc,4\n",
    )
    .unwrap();
    let path = job_file(
        dir.path(),
        r#"
[job]
name = "chain"
[[sources]]
name = "events"
path = "in/events.csv"
[[steps]]
name = "big"
sql = "SELECT * FROM events WHERE v > 1"
[[steps]]
name = "by_kind"
sql = "SELECT kind, sum(v) AS total FROM big GROUP BY kind ORDER BY kind"
[[steps]]
name = "check"
sql = "SELECT count(*) AS kinds FROM by_kind"
[[sinks]]
name = "out"
from = "by_kind"
path = "out/by_kind.parquet"
"#,
    );
    let report = run(&path, &[]);
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.reason);
    let run_as: Vec<&str> = report.steps.iter().map(|s| s.run_as).collect();
    assert_eq!(run_as, ["fused", "materialized", "materialized"]);
    assert_eq!(report.steps[0].fused_into, ["by_kind"]);
    assert_eq!(report.steps[1].includes, ["big"]);
    assert_eq!(report.steps[1].rows_in, Some(4));
    assert_eq!(report.steps[1].rows_out, Some(3));
    assert_eq!(report.steps[2].rows_in, Some(3));
    assert_eq!(report.steps[2].rows_out, Some(1));

    let file = report.report_path.clone().unwrap();
    assert!(
        file.starts_with(dir.path().join("out/_quiver/runs")),
        "{file:?}"
    );
    assert!(file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("chain-"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["job"], "chain");
    assert_eq!(json["status"], "succeeded");
    assert_eq!(json["reason"], serde_json::Value::Null);
    assert!(json["run_id"].as_str().unwrap().starts_with("chain-"));
    for key in [
        "started_at",
        "finished_at",
        "duration_ms",
        "params",
        "sources",
    ] {
        assert!(!json[key].is_null(), "{key} missing in {json}");
    }
    let step = &json["steps"][1];
    assert_eq!(step["name"], "by_kind");
    assert_eq!(step["status"], "succeeded");
    assert_eq!(step["attempts"], 1);
    assert_eq!(step["rows_in"], 4);
    assert_eq!(step["rows_out"], 3);
    assert!(step["bytes"].as_u64().unwrap() > 0);
    assert!(step["duration_ms"].is_u64());
    assert!(step["started_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(step["errors"], serde_json::json!([]));
    let sink = &json["sinks"][0];
    assert_eq!(sink["status"], "committed");
    assert_eq!(sink["rows"], 3);
    assert_eq!(sink["mode"], "overwrite");
    assert_eq!(sink["format"], "parquet");
    assert!(sink["bytes"].as_u64().unwrap() > 0);
    assert_eq!(json["sources"][0]["rows_read"], 4);
    assert_eq!(json["sources"][0]["files"], 1);
}

#[test]
fn ignore_skips_work_and_error_if_exists_fails_first() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"
[job]
name = "modes"
[[steps]]
name = "numbers"
sql = "SELECT range AS n FROM range(5)"
[[sinks]]
name = "once"
from = "numbers"
path = "out/numbers.json"
mode = "ignore"
"#;
    let path = job_file(dir.path(), text);
    assert_eq!(run(&path, &[]).status, RunStatus::Succeeded);
    let report = run(&path, &[]);
    assert_eq!(report.status, RunStatus::Succeeded);
    assert_eq!(report.sinks[0].status, "skipped");
    assert_eq!(
        report.steps[0].timing.attempts, 0,
        "nothing needed the step"
    );
    assert!(report.steps[0]
        .skip_reason
        .as_deref()
        .unwrap()
        .starts_with("not needed"));

    let path = job_file(
        dir.path(),
        &text.replace("\"ignore\"", "\"error_if_exists\""),
    );
    let report = run(&path, &[]);
    assert_eq!(report.status, RunStatus::Failed);
    assert!(report
        .reason
        .unwrap()
        .contains("already exists (mode `error_if_exists`)"));
    assert_eq!(report.steps[0].timing.attempts, 0);

    let path = job_file(dir.path(), &text.replace("\"ignore\"", "\"append\""));
    assert_eq!(run(&path, &[]).status, RunStatus::Succeeded);
    let lines = std::fs::read_to_string(dir.path().join("out/numbers.json")).unwrap();
    assert_eq!(lines.lines().count(), 10);
}

#[test]
fn validation_lists_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = job_file(
        dir.path(),
        r#"[job]
name = "broken"

[[sources]]
name = "orders"
path = "orders.parquet"
formt = "parquet"

[[steps]]
name = "recent"
sql = "SELECT * FROM ordrs"

[[steps]]
name = "loop_a"
sql = "SELECT * FROM loop_b"

[[steps]]
name = "loop_b"
sql = "SELECT * FROM loop_a"

[[sinks]]
name = "out"
from = "recent"
path = "out/recent.parquet"
mode = "replace"
retry = { attempts = 0 }
"#,
    );
    let err = Job::load(&path, &[]).unwrap_err();
    let lines: Vec<(Option<usize>, &str)> = err
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (Some(7), "source `orders`: unknown key `formt`; did you mean `format`?"),
            (
                Some(11),
                "step `recent` reads `ordrs`, which is neither a source nor a step; did you mean `orders`?"
            ),
            (
                Some(13),
                "steps read each other in a cycle: `loop_a` -> `loop_b` -> `loop_a` (each reads the next)"
            ),
            (
                Some(25),
                "sink `out`: unknown mode `replace`; expected one of `overwrite`, `append`, `error_if_exists`, `ignore`"
            ),
            (
                Some(26),
                "sink `out`: `retry`: `attempts` must be from 1 (no retries) to 1000, found 0"
            ),
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{} has 5 problems:\n", path.display())),
        "{text}"
    );
    assert!(text.contains(&format!("\n  {}:11: step `recent`", path.display())));
}

// ---- the command line ----

fn quiver() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quiver"));
    cmd.stdin(Stdio::null());
    cmd
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../datasets/jobs/{name}"))
}

#[test]
fn the_command_line_runs_the_example_and_reports_failures_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("revenue");
    let o = quiver()
        .args(["--threads", "1", "run"])
        .arg(example("nightly_revenue.toml"))
        .arg("--param")
        .arg(format!("out={}", out.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("job nightly_revenue succeeded in"),
        "{stderr}"
    );
    assert!(out.join("revenue_by_nation.parquet").exists());
    let csv = std::fs::read_to_string(out.join("revenue_by_nation.csv")).unwrap();
    assert!(csv.starts_with("nation,month,orders,revenue\n"), "{csv}");
    assert_eq!(entries(&out.join("_quiver/runs")).len(), 1);

    // Dry run: plans, nothing written.
    let o = quiver()
        .args(["run", "--dry-run"])
        .arg(example("nightly_revenue.toml"))
        .arg("-p")
        .arg(format!("out={}", dir.path().join("dry").display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("step `recent_orders`: fused into `revenue_by_nation`"),
        "{stdout}"
    );
    assert!(stdout.contains("logical plan:"), "{stdout}");
    assert!(
        stdout.contains("pruning=[o_orderdate >= DATE '1996-01-01'"),
        "{stdout}"
    );
    assert!(!dir.path().join("dry").exists());

    // A required parameter left out: invalid job, exit status 2.
    let o = quiver()
        .arg("run")
        .arg(example("orders_by_status.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("parameter `year` has no default: pass --param year=..."),
        "{stderr}"
    );

    // A step that fails: exit status 1 and a one-line reason.
    let path = job_file(
        dir.path(),
        "[job]\nname = \"fails\"\n[[steps]]\nname = \"x\"\nsql = \"SELECT 1 / 0 AS y, error('boom')\"\n",
    );
    let o = quiver()
        .arg("run")
        .arg(&path)
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("Error: job fails failed: step `x` failed after 1 attempt:"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_stops_the_job_cleanly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let path = job_file(
        dir.path(),
        r#"
[job]
name = "slow"
[[steps]]
name = "spin"
sql = "SELECT count(*) AS n FROM range(20000000) a, range(1000) b WHERE a.range + b.range < 0"
[[sinks]]
name = "out"
from = "spin"
path = "out/spin.csv"
"#,
    );
    let mut child = quiver()
        .args(["--threads", "1", "run"])
        .arg(&path)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("step spin: running") {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(
        rest.iter()
            .any(|l| l.starts_with("Error: job slow cancelled: stopped on request")),
        "{rest:?}"
    );
    assert_eq!(entries(&dir.path().join("out")), ["_quiver"]);
}
