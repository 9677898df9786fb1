//! Counting outcomes: every record of a file ends as passed, failed (ran, wrong result or
//! wrong error), errored (an unexpected error, a panic or a timeout), skipped (with its
//! reason) or blocked (it did not pass and a setup statement above it had failed). A
//! record inside a loop counts once: it passes only if every iteration passes. The pass
//! rate is over all records, skipped and blocked included.
//!
//! [`Summary`] renders the per-file lines, the totals, a per-folder table, the most
//! common failure causes and a JSON report (per-file counts and capped failure details).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// The outcome of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Ran and matched.
    Passed,
    /// Ran but returned another result, or the wrong error.
    Failed,
    /// An unexpected error, a panic or a timeout.
    Errored,
    /// Not run, for the reason given.
    Skipped(String),
    /// Did not pass after a failed setup statement above it.
    Blocked,
}

impl Status {
    /// Which of two outcomes of the same record (two loop iterations) counts: the worse.
    fn severity(&self) -> u8 {
        match self {
            Status::Passed => 0,
            Status::Skipped(_) => 1,
            Status::Blocked => 2,
            Status::Failed => 3,
            Status::Errored => 4,
        }
    }

    /// The name used in reports.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Errored => "errored",
            Status::Skipped(_) => "skipped",
            Status::Blocked => "blocked",
        }
    }
}

/// What went wrong in a record that did not pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    /// The SQL as run (loop variables substituted).
    pub sql: String,
    /// The error or the mismatch, in full.
    pub message: String,
    /// A short, value-free cause used to group failures.
    pub cause: String,
    /// The first expected lines.
    pub expected: Vec<String>,
    /// The first returned lines.
    pub got: Vec<String>,
}

/// The outcome of one record of a file.
#[derive(Debug, Clone)]
pub struct RecordOutcome {
    /// 1-based line of the record's header.
    pub line: usize,
    /// The outcome.
    pub status: Status,
    /// Details when it did not pass (and was not skipped).
    pub detail: Option<Detail>,
}

impl RecordOutcome {
    /// Merges the outcome of another iteration of the same record: the worse one stays.
    pub fn merge(&mut self, other: RecordOutcome) {
        if other.status.severity() > self.status.severity() {
            *self = other;
        }
    }
}

/// Record counts by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed records.
    pub passed: usize,
    /// Failed records.
    pub failed: usize,
    /// Errored records.
    pub errored: usize,
    /// Skipped records.
    pub skipped: usize,
    /// Blocked records.
    pub blocked: usize,
}

impl Counts {
    /// All records.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.errored + self.skipped + self.blocked
    }

    /// Passed over all records, in percent (100 for no records).
    pub fn pass_rate(&self) -> f64 {
        if self.total() == 0 {
            100.0
        } else {
            100.0 * self.passed as f64 / self.total() as f64
        }
    }

    fn add_status(&mut self, status: &Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Errored => self.errored += 1,
            Status::Skipped(_) => self.skipped += 1,
            Status::Blocked => self.blocked += 1,
        }
    }

    fn add(&mut self, other: &Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.errored += other.errored;
        self.skipped += other.skipped;
        self.blocked += other.blocked;
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} errored, {} skipped, {} blocked",
            self.passed, self.failed, self.errored, self.skipped, self.blocked
        )
    }
}

/// The outcome of one test file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// The file's path as given or found.
    pub path: String,
    /// Its folder for the per-folder table: the first path component below the root it
    /// was found under (`aggregate` for `<root>/aggregate/x/y.test`).
    pub folder: String,
    /// One outcome per record, in file order.
    pub records: Vec<RecordOutcome>,
    /// Wall time spent on the file.
    pub elapsed: Duration,
}

impl FileReport {
    /// The file's counts.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.records {
            c.add_status(&r.status);
        }
        c
    }

    /// Records that did not pass and were not skipped.
    pub fn failures(&self) -> impl Iterator<Item = &RecordOutcome> {
        self.records
            .iter()
            .filter(|r| matches!(r.status, Status::Failed | Status::Errored | Status::Blocked))
    }

    /// The per-file line: `path: P passed, F failed, E errored, S skipped, B blocked`.
    pub fn line(&self) -> String {
        format!("{}: {}", self.path, self.counts())
    }
}

/// The outcome of a whole run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every file, in run order.
    pub files: Vec<FileReport>,
}

impl Summary {
    /// Counts over all files.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.files {
            c.add(&f.counts());
        }
        c
    }

    /// Skipped records by reason, most common first.
    pub fn skipped_by_reason(&self) -> Vec<(String, usize)> {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.files.iter().flat_map(|f| &f.records) {
            if let Status::Skipped(reason) = &r.status {
                *map.entry(reason.clone()).or_default() += 1;
            }
        }
        sorted_desc(map)
    }

    /// Counts per folder.
    pub fn by_folder(&self) -> BTreeMap<String, Counts> {
        let mut map: BTreeMap<String, Counts> = BTreeMap::new();
        for f in &self.files {
            map.entry(f.folder.clone()).or_default().add(&f.counts());
        }
        map
    }

    /// The most common causes of failed and errored records, most common first.
    pub fn top_causes(&self, n: usize) -> Vec<(String, usize)> {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.files.iter().flat_map(|f| &f.records) {
            if matches!(r.status, Status::Failed | Status::Errored) {
                let cause = r.detail.as_ref().map_or("unknown", |d| d.cause.as_str());
                *map.entry(cause.to_string()).or_default() += 1;
            }
        }
        let mut v = sorted_desc(map);
        v.truncate(n);
        v
    }

    /// What blocked records most often: the causes of the failed setup statements above
    /// them, with the number of records each blocked.
    pub fn top_blockers(&self, n: usize) -> Vec<(String, usize)> {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.files.iter().flat_map(|f| &f.records) {
            if r.status == Status::Blocked {
                let cause = r.detail.as_ref().map_or("unknown", |d| d.cause.as_str());
                *map.entry(cause.to_string()).or_default() += 1;
            }
        }
        let mut v = sorted_desc(map);
        v.truncate(n);
        v
    }

    /// The most common first lines of the messages of failed and errored records, values
    /// kept (which function is missing, which expression is not supported), cut to 120
    /// characters.
    pub fn top_messages(&self, n: usize) -> Vec<(String, usize)> {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.files.iter().flat_map(|f| &f.records) {
            if let (Status::Failed | Status::Errored, Some(d)) = (&r.status, &r.detail) {
                let first = d.message.lines().next().unwrap_or("").trim();
                *map.entry(first.chars().take(120).collect()).or_default() += 1;
            }
        }
        let mut v = sorted_desc(map);
        v.truncate(n);
        v
    }

    /// The closing text: totals, skipped by reason, the per-folder table (when there is
    /// more than one folder), the top causes and the pass rate.
    pub fn render(&self, top: usize) -> String {
        let mut out = String::new();
        let totals = self.totals();
        let _ = writeln!(
            out,
            "\n{} files, {} records: {totals}",
            self.files.len(),
            totals.total()
        );
        let skipped = self.skipped_by_reason();
        if !skipped.is_empty() {
            let _ = writeln!(out, "skipped by reason:");
            for (reason, n) in skipped {
                let _ = writeln!(out, "  {n:>6}  {reason}");
            }
        }
        let folders = self.by_folder();
        if folders.len() > 1 {
            let _ = writeln!(out, "by folder:");
            let _ = writeln!(
                out,
                "  {:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
                "folder", "records", "passed", "failed", "errored", "skipped", "blocked", "rate"
            );
            for (folder, c) in &folders {
                let _ = writeln!(
                    out,
                    "  {:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6.1}%",
                    folder,
                    c.total(),
                    c.passed,
                    c.failed,
                    c.errored,
                    c.skipped,
                    c.blocked,
                    c.pass_rate()
                );
            }
        }
        let causes = self.top_causes(top);
        if !causes.is_empty() {
            let _ = writeln!(out, "top failure causes:");
            for (cause, n) in causes {
                let _ = writeln!(out, "  {n:>6}  {cause}");
            }
        }
        let blockers = self.top_blockers(top.min(5));
        if !blockers.is_empty() {
            let _ = writeln!(out, "records blocked by:");
            for (cause, n) in blockers {
                let _ = writeln!(out, "  {n:>6}  {cause}");
            }
        }
        let _ = writeln!(
            out,
            "pass rate: {:.1}% ({} of {} records)",
            totals.pass_rate(),
            totals.passed,
            totals.total()
        );
        out
    }

    /// The JSON report: totals, skipped by reason, folders, top causes, and per file its
    /// counts and up to `max_failures` failure details (each field capped in size).
    pub fn to_json(&self, max_failures: usize) -> String {
        let totals = self.totals();
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"totals\": {},", counts_json(&totals));
        let _ = writeln!(out, "  \"pass_rate\": {:.3},", totals.pass_rate());
        let pairs = |v: Vec<(String, usize)>| {
            v.iter()
                .map(|(k, n)| format!("{}: {n}", json_str(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "  \"skipped_by_reason\": {{{}}},",
            pairs(self.skipped_by_reason())
        );
        let _ = writeln!(out, "  \"top_causes\": {{{}}},", pairs(self.top_causes(50)));
        let _ = writeln!(
            out,
            "  \"top_blockers\": {{{}}},",
            pairs(self.top_blockers(50))
        );
        let _ = writeln!(
            out,
            "  \"top_messages\": {{{}}},",
            pairs(self.top_messages(100))
        );
        let folders: Vec<String> = self
            .by_folder()
            .iter()
            .map(|(k, c)| format!("{}: {}", json_str(k), counts_json(c)))
            .collect();
        let _ = writeln!(out, "  \"folders\": {{{}}},", folders.join(", "));
        out.push_str("  \"files\": [\n");
        for (i, f) in self.files.iter().enumerate() {
            let _ = write!(
                out,
                "    {{\"path\": {}, \"folder\": {}, \"seconds\": {:.3}, \"counts\": {}, \"failures\": [",
                json_str(&f.path),
                json_str(&f.folder),
                f.elapsed.as_secs_f64(),
                counts_json(&f.counts())
            );
            for (j, r) in f.failures().take(max_failures).enumerate() {
                let d = r.detail.clone().unwrap_or_default();
                let lines = |v: &[String]| {
                    v.iter()
                        .take(10)
                        .map(|l| json_str(&cap(l, 300)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = write!(
                    out,
                    "{}\n      {{\"at\": {}, \"status\": \"{}\", \"cause\": {}, \"sql\": {}, \"message\": {}, \"expected\": [{}], \"got\": [{}]}}",
                    if j > 0 { "," } else { "" },
                    json_str(&format!("{}:{}", f.path, r.line)),
                    r.status.name(),
                    json_str(&d.cause),
                    json_str(&cap(&d.sql, 2000)),
                    json_str(&cap(&d.message, 1000)),
                    lines(&d.expected),
                    lines(&d.got)
                );
            }
            let _ = writeln!(
                out,
                "]}}{}",
                if i + 1 < self.files.len() { "," } else { "" }
            );
        }
        out.push_str("  ]\n}\n");
        out
    }
}

fn sorted_desc(map: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

fn counts_json(c: &Counts) -> String {
    format!(
        "{{\"records\": {}, \"passed\": {}, \"failed\": {}, \"errored\": {}, \"skipped\": {}, \"blocked\": {}}}",
        c.total(),
        c.passed,
        c.failed,
        c.errored,
        c.skipped,
        c.blocked
    )
}

/// `s` cut to at most `max` bytes (on a character boundary), marked when cut.
pub fn cap(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value-free prefix of an error message for grouping: its first line up to a `; `
/// (where suggestions start), with quoted names and numbers replaced by placeholders,
/// cut to 80 characters.
pub fn cause_of_message(message: &str) -> String {
    let first = message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    // A suggestion after `; ` ("did you mean ..") is not part of the cause.
    let first = first.split("; ").next().unwrap_or(first);
    let mut out = String::new();
    let mut chars = first.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '\'' | '"' => {
                // A quoted name: keep the quotes, drop what is inside.
                let mut inner = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == c {
                        closed = true;
                        break;
                    }
                    inner.push(d);
                }
                if closed {
                    out.push(c);
                    out.push('_');
                    out.push(c);
                } else {
                    out.push(c);
                    out.push_str(&inner);
                }
            }
            d if d.is_ascii_digit() => {
                while chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_digit() || *n == '.')
                {
                    chars.next();
                }
                out.push('N');
            }
            c => out.push(c),
        }
        if out.chars().count() >= 80 {
            break;
        }
    }
    out.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(line: usize, status: Status) -> RecordOutcome {
        RecordOutcome {
            line,
            status,
            detail: None,
        }
    }

    #[test]
    fn counts_and_rate() {
        let f = FileReport {
            path: "a/x.test".into(),
            folder: "a".into(),
            records: vec![
                outcome(1, Status::Passed),
                outcome(2, Status::Skipped("require icu".into())),
                outcome(3, Status::Blocked),
                outcome(4, Status::Failed),
            ],
            elapsed: Duration::ZERO,
        };
        let s = Summary { files: vec![f] };
        assert_eq!(s.totals().total(), 4);
        assert_eq!(s.totals().pass_rate(), 25.0);
        assert_eq!(
            s.files[0].line(),
            "a/x.test: 1 passed, 1 failed, 0 errored, 1 skipped, 1 blocked"
        );
        assert_eq!(s.skipped_by_reason(), vec![("require icu".to_string(), 1)]);
        assert!(s.to_json(10).contains("\"pass_rate\": 25.000"));
    }

    #[test]
    fn merge_keeps_the_worse() {
        let mut a = outcome(1, Status::Passed);
        a.merge(outcome(1, Status::Failed));
        a.merge(outcome(1, Status::Passed));
        assert_eq!(a.status, Status::Failed);
    }

    #[test]
    fn causes_drop_values() {
        assert_eq!(
            cause_of_message("column `x1` not found in 3 tables\nmore"),
            "column `_` not found in N tables"
        );
        assert_eq!(
            cause_of_message("scalar function `f` does not exist; did you mean `g`?"),
            "scalar function `_` does not exist"
        );
        assert_eq!(json_str("a\"b\n"), "\"a\\\"b\\n\"");
        assert_eq!(cap("héllo", 2), "h...");
    }
}
