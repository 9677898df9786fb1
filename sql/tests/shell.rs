//! The `quiver` binary as a user runs it: `-c`, `-f`, piped scripts, output modes, dot
//! commands, errors on standard error with exit status 1.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The binary under test.
fn quiver() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quiver"));
    // Keep the user's history file out of it; one thread keeps the tests light.
    cmd.env("HOME", scratch_dir("home"))
        .arg("--threads")
        .arg("1");
    cmd
}

/// A fresh directory for one test's files.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("shell-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    quiver().args(args).stdin(Stdio::null()).output().unwrap()
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = quiver()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[track_caller]
fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

#[test]
fn box_output_has_names_and_types() {
    let o = run(&["-c", "SELECT 1 AS a, 'x' AS b"]);
    assert_ok(&o);
    let expected = "\
┌─────────┬─────────┐
│    a    │    b    │
│ integer │ varchar │
├─────────┼─────────┤
│       1 │ x       │
└─────────┴─────────┘
";
    assert_eq!(stdout(&o), expected);
    assert_eq!(stderr(&o), "");
}

#[test]
fn every_statement_of_c_prints() {
    let o = run(&["-csv", "-c", "SELECT 1 AS a; SELECT * FROM range(3)"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "a\n1\nrange\n0\n1\n2\n");
}

#[test]
fn csv_with_and_without_header() {
    let sql = "SELECT 1 AS a, NULL AS b, 'x,y' AS c";
    let o = run(&["-csv", "-c", sql]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "a,b,c\n1,,\"x,y\"\n");
    let o = run(&["-csv", "-noheader", "-c", sql]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "1,,\"x,y\"\n");
}

#[test]
fn json_and_json_lines() {
    let o = run(&[
        "-json",
        "-c",
        "SELECT range AS i, 'v' || range AS s FROM range(2)",
    ]);
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        "[{\"i\":0,\"s\":\"v0\"},\n{\"i\":1,\"s\":\"v1\"}]\n"
    );
    let o = run(&["-jsonlines", "-c", "SELECT range AS i FROM range(2)"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "{\"i\":0}\n{\"i\":1}\n");
}

#[test]
fn line_and_markdown_modes() {
    let o = run(&["-line", "-c", "SELECT 1 AS a, 'x' AS bb"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), " a = 1\nbb = x\n");
    let o = run(&["-markdown", "-c", "SELECT 1 AS a, 'x' AS b"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "|   a | b   |\n|----:|-----|\n|   1 | x   |\n");
}

#[test]
fn long_results_are_elided() {
    let o = run(&["-c", "SELECT * FROM range(100)"]);
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.contains("100 rows"), "{out}");
    assert!(out.contains("(40 shown)"), "{out}");
    assert!(
        out.contains("│      99 │") || out.contains(" 99 │"),
        "{out}"
    );
    assert!(!out.contains(" 50 │"), "{out}");
}

#[test]
fn a_failing_statement_exits_with_status_one() {
    let o = run(&["-csv", "-c", "SELECT 1 AS a; SELEC 2; SELECT 3 AS c"]);
    assert_eq!(o.status.code(), Some(1));
    // The statement before the error ran; the one after it did not.
    assert_eq!(stdout(&o), "a\n1\n");
    let err = stderr(&o);
    assert!(err.starts_with("Parser Error: "), "{err}");
    assert!(err.contains("SELEC"), "{err}");

    let o = run(&["-c", "SELECT * FROM no_such_table"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("Catalog Error: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("no_such_table"), "{}", stderr(&o));
}

#[test]
fn piped_scripts_go_on_after_errors_but_exit_with_one() {
    let o = run_stdin(
        &["-csv"],
        "SELECT 1 AS a;\nSELECT * FROM nope;\nSELECT 2 AS b;\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "a\n1\nb\n2\n");
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
    // With -bail the script stops at the error.
    let o = run_stdin(
        &["-csv", "-bail"],
        "SELECT 1 AS a;\nSELECT * FROM nope;\nSELECT 2 AS b;\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "a\n1\n");
}

#[test]
fn piped_multi_line_statements_and_dot_commands() {
    let script = "\
.mode csv
CREATE TABLE t AS
  SELECT range AS id, 'name;' || range AS name
  FROM range(3);
-- a comment
SELECT name FROM t
WHERE id >= 1;
.mode json
SELECT count(*) AS n FROM t
";
    let o = run_stdin(&[], script);
    assert_ok(&o);
    assert_eq!(stdout(&o), "name\nname;1\nname;2\n[{\"n\":3}]\n");
}

#[test]
fn tables_and_schema() {
    let o = run_stdin(
        &[],
        "CREATE TABLE people AS SELECT 1 AS id, 'ann' AS name;\n.tables\n.schema people\n",
    );
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        "people\nCREATE TABLE people(id INTEGER, name VARCHAR);\n"
    );
    let o = run_stdin(&[], ".schema nobody\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nobody"), "{}", stderr(&o));
}

#[test]
fn file_argument_and_read_command() {
    let dir = scratch_dir("files");
    let inner = dir.join("inner.sql");
    std::fs::write(&inner, "SELECT 'inner' AS src;\n").unwrap();
    let main = dir.join("main.sql");
    std::fs::write(
        &main,
        format!(
            ".mode csv\nSELECT 'main' AS src;\n.read {}\n",
            inner.display()
        ),
    )
    .unwrap();
    let o = run(&["-f", main.to_str().unwrap()]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "src\nmain\nsrc\ninner\n");

    let o = run_stdin(&["-csv"], &format!(".read {}\n", inner.display()));
    assert_ok(&o);
    assert_eq!(stdout(&o), "src\ninner\n");

    let o = run(&["-f", dir.join("missing.sql").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.sql"), "{}", stderr(&o));
}

#[test]
fn output_and_once_redirect_results() {
    let dir = scratch_dir("output");
    let once = dir.join("once.csv");
    let all = dir.join("all.csv");
    let script = format!(
        ".mode csv\n.once {}\nSELECT 1 AS a;\nSELECT 2 AS b;\n.output {}\nSELECT 3 AS c;\n.output\nSELECT 4 AS d;\n",
        once.display(),
        all.display()
    );
    let o = run_stdin(&[], &script);
    assert_ok(&o);
    assert_eq!(stdout(&o), "b\n2\nd\n4\n");
    assert_eq!(std::fs::read_to_string(&once).unwrap(), "a\n1\n");
    assert_eq!(std::fs::read_to_string(&all).unwrap(), "c\n3\n");
}

#[test]
fn timer_prints_run_time() {
    let o = run_stdin(&["-csv"], ".timer on\nSELECT 1 AS a;\n");
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.starts_with("a\n1\nRun Time (s): real "), "{out}");
}

#[test]
fn unknown_dot_command_and_mode() {
    let o = run_stdin(&[], ".frobnicate\n.mode sideways\n");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("unknown command `.frobnicate`"), "{err}");
    assert!(err.contains("unknown output mode `sideways`"), "{err}");
}

#[test]
fn version_help_and_arguments() {
    let o = run(&["--version"]);
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        format!("quiver {}\n", env!("CARGO_PKG_VERSION"))
    );
    let o = run(&["-version"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("quiver "));
    let o = run(&["--help"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("--memory-limit"), "{}", stdout(&o));

    let o = run(&["--memory-limit", "4GB", "-csv", "-c", "SELECT 1 AS a"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "a\n1\n");
    let o = run(&["--memory-limit", "lots", "-c", "SELECT 1"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("lots"), "{}", stderr(&o));
}

#[test]
fn database_files_are_not_supported() {
    let o = run(&["my.db"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("persistent databases are not supported"),
        "{err}"
    );
    assert!(err.contains("FROM 'file.parquet'"), "{err}");
    // `:memory:` is what Quiver does anyway.
    let o = run(&[":memory:", "-csv", "-c", "SELECT 1 AS a"]);
    assert_ok(&o);
}

#[test]
fn a_last_statement_without_semicolon_runs() {
    let o = run_stdin(&["-csv"], "SELECT 1 AS a;\nSELECT 2 AS b");
    assert_ok(&o);
    assert_eq!(stdout(&o), "a\n1\nb\n2\n");
}

#[test]
fn datagen_writes_files_the_shell_reads() {
    let dir = scratch_dir("datagen");
    let out = dir.to_string_lossy().into_owned();
    let o = run(&["datagen", "tpch", "--sf", "0.001", "--out", &out]);
    assert_ok(&o);
    assert!(stdout(&o).contains("lineitem.parquet"), "{}", stdout(&o));
    for table in [
        "region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem",
    ] {
        assert!(dir.join(format!("{table}.parquet")).is_file(), "{table}");
    }
    let o = run(&[
        "datagen",
        "h2o-groupby",
        "--rows",
        "1e3",
        "--groups",
        "10",
        "--na",
        "5",
        "--format",
        "csv",
        "--out",
        &out,
    ]);
    assert_ok(&o);
    let csv = dir.join("G1_1e3_1e1_5_0.csv");
    assert!(csv.is_file());
    let sql = format!(
        "SELECT count(*) AS n, count(DISTINCT id1) AS k, count(v3) AS v FROM '{}'",
        csv.display()
    );
    let o = run(&["-csv", "-c", &sql]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "n,k,v\n1000,10,950\n");
    let sql = format!(
        "SELECT count(*) FROM '{}'",
        dir.join("region.parquet").display()
    );
    let o = run(&["-csv", "-noheader", "-c", &sql]);
    assert_eq!(stdout(&o), "5\n");
    // Bad arguments are usage errors.
    let o = run(&["datagen", "h2o-join", "--rows", "1e3", "--out", &out]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("at least 1e6 rows"), "{}", stderr(&o));
    let o = run(&["datagen", "tpch", "--sf", "zero", "--out", &out]);
    assert!(!o.status.success());
}
