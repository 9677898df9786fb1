//! Runs our own SQL logic tests (`sql/tests/slt/**/*.test`, DuckDB's sqllogictest format,
//! expected results taken from DuckDB) through the `quiver-slt` runner and requires every
//! record to pass.

use std::path::PathBuf;
use std::time::Duration;

use quiver_sql::slt::{discover, Runner, RunnerConfig, Status};

#[test]
fn every_slt_record_passes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("slt");
    let files = discover(&[root], false).expect("the slt folder exists");
    assert!(!files.is_empty(), "no .test files under sql/tests/slt");
    let runner = Runner::new(RunnerConfig {
        threads: 2,
        timeout: Duration::from_secs(60),
    });
    let summary = runner.run_files(&files, |_| {});
    let totals = summary.totals();
    let mut problems = Vec::new();
    for file in &summary.files {
        for r in file.records.iter().filter(|r| r.status != Status::Passed) {
            let mut text = format!("{}:{} {}", file.path, r.line, r.status.name());
            if let Status::Skipped(reason) = &r.status {
                text.push_str(&format!(" ({reason})"));
            }
            if let Some(d) = &r.detail {
                text.push_str(&format!(
                    "\n    sql: {}\n    {}",
                    d.sql.replace('\n', " "),
                    d.message.replace('\n', "\n    ")
                ));
                if !d.expected.is_empty() || !d.got.is_empty() {
                    text.push_str(&format!(
                        "\n    expected: {:?}\n    got:      {:?}",
                        d.expected, d.got
                    ));
                }
            }
            problems.push(text);
        }
    }
    assert!(totals.passed > 0, "no record ran");
    assert!(
        problems.is_empty(),
        "{} of {} records did not pass:\n{}",
        problems.len(),
        totals.total(),
        problems.join("\n")
    );
}
