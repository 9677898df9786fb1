//! The spinner shown on standard error while a query runs for more than two seconds, when
//! standard error is a terminal; it disappears when the query ends.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a query runs before the spinner appears.
const DELAY: Duration = Duration::from_secs(2);

/// Progress display for one query.
pub struct Progress {
    start: Instant,
    enabled: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Starts timing a query; the spinner shows only if `enabled` and stderr is a terminal.
    pub fn start(enabled: bool) -> Self {
        Self {
            start: Instant::now(),
            enabled: enabled && std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    /// Called while waiting: shows the spinner once the query has run past the delay.
    pub fn tick(&mut self) {
        if !self.enabled || self.bar.is_some() || self.start.elapsed() < DELAY {
            return;
        }
        let style =
            ProgressStyle::with_template("{spinner} running for {elapsed} (Ctrl-C cancels)")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
            .with_style(style)
            .with_elapsed(self.start.elapsed());
        bar.enable_steady_tick(Duration::from_millis(100));
        self.bar = Some(bar);
    }

    /// Clears the spinner, if it was shown.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
