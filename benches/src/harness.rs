//! What the timing binaries share: flag parsing, the repetition loop with a per-query
//! timeout, saving the answer for `compare.py`'s check, and the JSON lines they print
//! (one object per query: `{"engine", "query", "rows", "times"}` or `{..., "error"}`).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use quiver_engine::io::{write_parquet, ParquetWriteOptions};
use quiver_engine::{Error, Result};

/// `--name value` flags and the remaining positional arguments.
#[derive(Debug, Clone)]
pub struct Flags {
    args: Vec<String>,
}

impl Flags {
    /// The process's arguments.
    pub fn from_env() -> Self {
        Self {
            args: std::env::args().skip(1).collect(),
        }
    }

    /// The value after `--name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.args.get(i + 1))
            .map(String::as_str)
    }

    /// The value after `--name` parsed, or `default`.
    pub fn parse<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| Error::InvalidData(format!("{name} takes a number, found `{v}`"))),
        }
    }

    /// Whether the switch `--name` is given.
    pub fn has(&self, name: &str) -> bool {
        self.args.iter().any(|a| a == name)
    }

    /// The arguments that are neither flags nor their values (`with_value` lists the
    /// flags that take one).
    pub fn positional(&self, with_value: &[&str]) -> Vec<String> {
        let mut out = vec![];
        let mut skip = false;
        for a in &self.args {
            if skip {
                skip = false;
            } else if with_value.contains(&a.as_str()) {
                skip = true;
            } else if !a.starts_with("--") {
                out.push(a.clone());
            }
        }
        out
    }
}

/// How each query is run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Timed runs.
    pub reps: usize,
    /// Untimed runs first (they warm the file cache and the allocator).
    pub warmup: usize,
    /// A query running longer is cancelled and reported as an error.
    pub timeout: Duration,
    /// Where to save each query's result as `<query>.parquet` (the last run's).
    pub answers: Option<std::path::PathBuf>,
}

impl RunConfig {
    /// `--reps` (5), `--warmup` (1), `--timeout` seconds (600) and `--answers DIR`.
    pub fn from_flags(flags: &Flags) -> Result<Self> {
        Ok(Self {
            reps: flags.parse("--reps", 5usize)?.max(1),
            warmup: flags.parse("--warmup", 1usize)?,
            timeout: Duration::from_secs_f64(flags.parse("--timeout", 600.0f64)?.max(0.001)),
            answers: flags.get("--answers").map(Into::into),
        })
    }
}

/// Cancels a running query when its deadline passes, by setting the session's cancel
/// flag (repeatedly: each query of a statement starts by clearing it).
pub struct Watchdog {
    deadline: Arc<Mutex<Option<Instant>>>,
    fired: Arc<AtomicBool>,
}

impl Watchdog {
    /// A watchdog thread over `cancel`.
    pub fn new(cancel: Arc<AtomicBool>) -> Self {
        let deadline: Arc<Mutex<Option<Instant>>> = Arc::default();
        let fired: Arc<AtomicBool> = Arc::default();
        let (d, f) = (deadline.clone(), fired.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(20));
            let due = d
                .lock()
                .map(|g| g.is_some_and(|t| Instant::now() >= t))
                .unwrap_or(false);
            if due {
                f.store(true, Ordering::SeqCst);
                cancel.store(true, Ordering::SeqCst);
            }
        });
        Self { deadline, fired }
    }

    fn arm(&self, timeout: Duration) {
        self.fired.store(false, Ordering::SeqCst);
        if let Ok(mut g) = self.deadline.lock() {
            *g = Some(Instant::now() + timeout);
        }
    }

    fn disarm(&self) -> bool {
        if let Ok(mut g) = self.deadline.lock() {
            *g = None;
        }
        self.fired.load(Ordering::SeqCst)
    }
}

/// A query's result: the schema and batches.
pub type Answer = (SchemaRef, Vec<RecordBatch>);

/// Runs `query` `warmup + reps` times, saves the last answer and prints the JSON line.
pub fn bench_query(
    engine: &str,
    name: &str,
    config: &RunConfig,
    watchdog: &Watchdog,
    query: impl Fn() -> Result<Answer>,
) {
    let mut times = vec![];
    let mut last = None;
    for i in 0..config.warmup + config.reps {
        // The previous result is freed first, as a client would before the next query.
        drop(last.take());
        watchdog.arm(config.timeout);
        let start = Instant::now();
        let result = query();
        let elapsed = start.elapsed().as_secs_f64();
        let timed_out = watchdog.disarm();
        match result {
            Ok(answer) => {
                if i >= config.warmup {
                    times.push(elapsed);
                }
                last = Some(answer);
            }
            Err(e) => {
                let message = if timed_out {
                    format!("timeout after {} s", config.timeout.as_secs_f64())
                } else {
                    e.to_string()
                };
                println!(
                    "{{\"engine\": {}, \"query\": {}, \"error\": {}}}",
                    json_string(engine),
                    json_string(name),
                    json_string(&message)
                );
                return;
            }
        }
    }
    let Some((schema, batches)) = last else {
        return;
    };
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    if let Some(dir) = &config.answers {
        if let Err(e) = save_answer(dir, name, &schema, &batches) {
            eprintln!("{name}: could not save the answer: {e}");
        }
    }
    let times: Vec<String> = times.iter().map(|t| format!("{t:.6}")).collect();
    println!(
        "{{\"engine\": {}, \"query\": {}, \"rows\": {rows}, \"times\": [{}]}}",
        json_string(engine),
        json_string(name),
        times.join(", ")
    );
}

fn save_answer(dir: &Path, name: &str, schema: &SchemaRef, batches: &[RecordBatch]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating `{}`", dir.display()), e))?;
    let opts = ParquetWriteOptions {
        overwrite: true,
        ..Default::default()
    };
    write_parquet(dir.join(format!("{name}.parquet")), schema, batches, &opts)?;
    Ok(())
}

/// `text` as a JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    #[test]
    fn flags_and_positionals() {
        let f = Flags {
            args: ["--reps", "3", "a.sql", "--explain", "b.sql"]
                .map(String::from)
                .to_vec(),
        };
        assert_eq!(f.parse("--reps", 5usize).unwrap(), 3);
        assert_eq!(f.parse("--warmup", 1usize).unwrap(), 1);
        assert!(f.has("--explain"));
        assert_eq!(f.positional(&["--reps"]), ["a.sql", "b.sql"]);
        let bad = Flags {
            args: vec!["--reps".into(), "x".into()],
        };
        assert!(bad.parse("--reps", 1usize).is_err());
    }
}
