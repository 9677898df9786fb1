//! How `quiver run` shows a running job: on a terminal, one live line per step and sink
//! (a spinner with the elapsed time, the attempt and the wait before a retry, then a tick
//! or a cross with rows and time); otherwise plain timestamped log lines, one per event,
//! for cron mail and CI logs. `--quiet` shows nothing but the final error; `--verbose`
//! adds sources, skipped work and every failed attempt's full message.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use quiver_engine::pipeline::timing::rfc3339;
use quiver_engine::pipeline::{format_duration, Outcome};

use crate::jobs::events::{Event, Observer};
use crate::jobs::explain::format_bytes;
use crate::jobs::report::{SinkReport, StepReport};

/// How much to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Nothing but errors.
    Quiet,
    /// Steps, sinks and retries.
    Normal,
    /// Also sources, skipped work and full error messages.
    Verbose,
}

/// Shows a run's events on standard error.
pub struct Progress {
    verbosity: Verbosity,
    live: Option<Live>,
}

struct Live {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Progress {
    /// Live lines when standard error is a terminal, log lines otherwise.
    pub fn new(verbosity: Verbosity) -> Self {
        let live =
            (verbosity != Verbosity::Quiet && std::io::stderr().is_terminal()).then(|| Live {
                multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                bars: Mutex::new(HashMap::new()),
            });
        Self { verbosity, live }
    }

    /// Log lines whatever standard error is (for tests).
    pub fn plain(verbosity: Verbosity) -> Self {
        Self {
            verbosity,
            live: None,
        }
    }

    fn line(&self, text: &str) {
        match &self.live {
            Some(live) => {
                let _ = live.multi.println(text);
            }
            None => eprintln!("{} {text}", rfc3339(SystemTime::now())),
        }
    }

    fn start_bar(&self, key: &str, label: String, message: String) {
        let Some(live) = &self.live else {
            self.line(&format!("{label} {message}"));
            return;
        };
        let style = ProgressStyle::with_template("{spinner} {prefix} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = live
            .multi
            .add(ProgressBar::new_spinner())
            .with_style(style)
            .with_prefix(label)
            .with_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
        live.bars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), bar);
    }

    fn update_bar(&self, key: &str, message: String) -> bool {
        let Some(live) = &self.live else {
            return false;
        };
        match live.bars.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
            Some(bar) => {
                bar.set_message(message);
                true
            }
            None => false,
        }
    }

    fn finish_bar(&self, key: &str, text: String) {
        let bar = self
            .live
            .as_ref()
            .and_then(|l| l.bars.lock().unwrap_or_else(|e| e.into_inner()).remove(key));
        match bar {
            Some(bar) => {
                bar.set_style(
                    ProgressStyle::with_template("{msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.finish_with_message(text);
            }
            None => self.line(&text),
        }
    }

    fn step_finished(&self, s: &StepReport) {
        let name = &s.timing.name;
        let key = format!("step {name}");
        match &s.timing.outcome {
            Outcome::Skipped => {
                if self.verbosity == Verbosity::Verbose {
                    let why = s.skip_reason.as_deref().unwrap_or("skipped");
                    self.line(&format!("- step {name}: {why}"));
                }
            }
            _ if s.run_as == "fused" => {
                if self.verbosity == Verbosity::Verbose {
                    self.line(&format!(
                        "  step {name}: {} (inlined into {})",
                        s.timing.outcome.name(),
                        s.fused_into.join(", ")
                    ));
                }
            }
            Outcome::Succeeded => {
                let retries = match s.timing.attempts {
                    0 | 1 => String::new(),
                    n => format!(", {n} attempts"),
                };
                self.finish_bar(
                    &key,
                    format!(
                        "✓ step {name}: {} ({} read) in {}{retries}",
                        rows(s.rows_out.unwrap_or(0)),
                        s.rows_in.unwrap_or(0),
                        format_duration(s.timing.duration)
                    ),
                );
            }
            Outcome::Cancelled => self.finish_bar(&key, format!("✗ step {name}: cancelled")),
            Outcome::Failed { category, .. } => self.finish_bar(
                &key,
                format!(
                    "✗ step {name}: failed ({category}) after {} attempt{} in {}",
                    s.timing.attempts,
                    if s.timing.attempts == 1 { "" } else { "s" },
                    format_duration(s.timing.duration)
                ),
            ),
        }
    }

    fn sink_finished(&self, s: &SinkReport) {
        let name = &s.timing.name;
        let key = format!("sink {name}");
        match s.status.as_str() {
            "staged" => self.finish_bar(
                &key,
                format!(
                    "✓ sink {name}: {}, {} written (committed when the job succeeds) in {}",
                    rows(s.rows.unwrap_or(0)),
                    format_bytes(s.bytes.unwrap_or(0)),
                    format_duration(s.timing.duration)
                ),
            ),
            "skipped" => {
                if self.verbosity != Verbosity::Quiet {
                    self.line(&format!(
                        "- sink {name}: skipped: {}",
                        s.skip_reason.as_deref().unwrap_or_default()
                    ));
                }
            }
            other => self.finish_bar(&key, format!("✗ sink {name}: {other}")),
        }
    }
}

fn rows(n: u64) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{n} rows")
    }
}

impl Observer for Progress {
    fn on_event(&self, event: &Event<'_>) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        match event {
            Event::JobStarted { job, steps, sinks } => self.line(&format!(
                "job {job}: {steps} step{} to run, {sinks} sink{}",
                if *steps == 1 { "" } else { "s" },
                if *sinks == 1 { "" } else { "s" }
            )),
            Event::SourceOpened(s) => {
                if self.verbosity == Verbosity::Verbose {
                    self.line(&format!(
                        "  source {}: {} file(s), {} ({})",
                        s.name,
                        s.files.unwrap_or(0),
                        format_bytes(s.bytes.unwrap_or(0)),
                        s.path
                    ));
                }
            }
            Event::StepStarted { name, includes } => {
                let message = if includes.is_empty() {
                    "running".to_string()
                } else {
                    format!("running (includes {})", includes.join(", "))
                };
                self.start_bar(&format!("step {name}"), format!("step {name}:"), message);
            }
            Event::AttemptFailed {
                kind,
                name,
                attempt,
                attempts,
                error,
                retry_in,
            } => {
                if matches!(error, quiver_engine::Error::Cancelled) {
                    return;
                }
                let first = error.to_string();
                let first = first.lines().next().unwrap_or_default();
                let text = match retry_in {
                    Some(wait) => format!(
                        "attempt {attempt}/{attempts} failed ({}): {first}; retrying in {}",
                        error.category(),
                        format_duration(*wait)
                    ),
                    None => format!(
                        "attempt {attempt}/{attempts} failed ({}): {first}",
                        error.category()
                    ),
                };
                let key = format!("{kind} {name}");
                if self.verbosity == Verbosity::Verbose
                    || self.live.is_none()
                    || !self.update_bar(&key, text.clone())
                {
                    self.line(&format!("{kind} {name}: {text}"));
                }
            }
            Event::StepFinished(s) => self.step_finished(s),
            Event::SinkStarted { name } => self.start_bar(
                &format!("sink {name}"),
                format!("sink {name}:"),
                "writing".into(),
            ),
            Event::SinkFinished(s) => self.sink_finished(s),
            Event::Committed { sinks } => {
                if *sinks > 0 {
                    self.line(&format!(
                        "committed {sinks} output{}",
                        if *sinks == 1 { "" } else { "s" }
                    ));
                }
            }
            Event::JobFinished(_) => {
                if let Some(live) = &self.live {
                    let bars: Vec<ProgressBar> = live
                        .bars
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .drain()
                        .map(|(_, b)| b)
                        .collect();
                    for bar in bars {
                        bar.finish_and_clear();
                    }
                }
            }
        }
    }
}
