//! The retry policy of a pipeline step: how many attempts, how long to wait between them
//! (exponential backoff from `backoff`, doubling up to `max_backoff`, shortened by a random
//! `jitter` fraction so that jobs failing together do not retry in lockstep) and which
//! errors are worth another attempt (by default the transient ones: IO failures, a file
//! that is not there yet; SQL, schema and data errors fail at once).
//!
//! [`RetryPolicy::run`] applies the policy to an operation returning the engine's
//! [`Error`]; [`RetryPolicy::run_with`] to any error type with a caller-given classifier
//! (the Python package's `@qv.retry` classifies Python exceptions). Waiting between attempts
//! stops early when the caller's cancel flag is raised.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Which errors a policy retries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RetryOn {
    /// Errors that [`Error::is_transient`] says may go away (the default).
    #[default]
    Transient,
    /// Errors of these categories ([`Error::category`] names, e.g. `Io`, `InvalidData`).
    Categories(Vec<String>),
}

/// How often, and after how long, a failed operation is tried again.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: no retries).
    pub attempts: u32,
    /// The wait before the second attempt; each later wait doubles.
    pub backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// A fraction from 0 to 1: each wait is shortened by a random part of up to this much.
    pub jitter: f64,
    /// Which errors are retried.
    pub retry_on: RetryOn,
}

impl Default for RetryPolicy {
    /// One attempt (no retries); when `attempts` is raised: 1s, 2s, 4s, ... up to 1 minute,
    /// with 10% jitter, for transient errors.
    fn default() -> Self {
        Self {
            attempts: 1,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            jitter: 0.1,
            retry_on: RetryOn::Transient,
        }
    }
}

/// What running an operation under a policy came to.
#[derive(Debug)]
pub struct Retried<T, E = Error> {
    /// The last attempt's result.
    pub result: Result<T, E>,
    /// Attempts made (at least 1).
    pub attempts: u32,
    /// Time spent waiting between attempts.
    pub waited: Duration,
    /// Whether the cancel flag stopped the retries (the result is then the last error).
    pub cancelled: bool,
}

/// A failed attempt, as reported to the `on_failure` callback of [`RetryPolicy::run_with`].
#[derive(Debug)]
pub struct AttemptFailure<'a, E> {
    /// The attempt that failed (1-based).
    pub attempt: u32,
    /// Its error.
    pub error: &'a E,
    /// The wait before the next attempt, or `None` when this was the last one (the error
    /// is permanent, or the attempts are used up).
    pub retry_in: Option<Duration>,
}

/// How often a waiting retry loop looks at the cancel flag.
const CANCEL_POLL: Duration = Duration::from_millis(20);

impl RetryPolicy {
    /// A policy of one attempt.
    pub fn no_retry() -> Self {
        Self::default()
    }

    /// Checks the settings, describing the first one out of range.
    pub fn validate(&self) -> Result<(), String> {
        if self.attempts == 0 {
            return Err("`attempts` must be at least 1 (1 means no retries)".into());
        }
        if self.max_backoff < self.backoff {
            return Err(format!(
                "`max_backoff` ({:?}) is shorter than `backoff` ({:?})",
                self.max_backoff, self.backoff
            ));
        }
        if !(0.0..=1.0).contains(&self.jitter) {
            return Err(format!(
                "`jitter` must be between 0 and 1, found {}",
                self.jitter
            ));
        }
        if let RetryOn::Categories(names) = &self.retry_on {
            for name in names {
                if !Error::CATEGORIES.contains(&name.as_str()) {
                    return Err(format!(
                        "unknown error category `{name}` in `retry_on`; expected one of {}{}",
                        crate::error::list_names(Error::CATEGORIES.iter().copied()),
                        crate::error::did_you_mean(name, Error::CATEGORIES.iter().copied())
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether the policy retries `error` (cancellation never is).
    pub fn retries(&self, error: &Error) -> bool {
        if matches!(error, Error::Cancelled) {
            return false;
        }
        match &self.retry_on {
            RetryOn::Transient => error.is_transient(),
            RetryOn::Categories(names) => names.iter().any(|n| n == error.category()),
        }
    }

    /// The wait before retry number `retry` (1 for the wait after the first attempt), before
    /// jitter: `backoff * 2^(retry-1)`, at most `max_backoff`.
    pub fn base_delay(&self, retry: u32) -> Duration {
        let factor = 2f64.powi(retry.saturating_sub(1).min(62) as i32);
        let secs = (self.backoff.as_secs_f64() * factor).min(self.max_backoff.as_secs_f64());
        Duration::from_secs_f64(secs.max(0.0))
    }

    /// The wait before retry number `retry` with jitter applied for `random` in `[0, 1)`.
    pub fn delay(&self, retry: u32, random: f64) -> Duration {
        let shrink = 1.0 - self.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        self.base_delay(retry).mul_f64(shrink)
    }

    /// Runs `op` (given the attempt number, from 1) until it succeeds, fails with an error
    /// the policy does not retry, or runs out of attempts. `cancelled` is polled while
    /// waiting between attempts.
    pub fn run<T>(
        &self,
        cancelled: &dyn Fn() -> bool,
        on_failure: impl FnMut(&AttemptFailure<'_, Error>),
        op: impl FnMut(u32) -> Result<T, Error>,
    ) -> Retried<T, Error> {
        self.run_with(cancelled, |e| self.retries(e), on_failure, op)
    }

    /// [`run`](Self::run) for any error type, with `should_retry` deciding which errors
    /// are retried.
    pub fn run_with<T, E>(
        &self,
        cancelled: &dyn Fn() -> bool,
        should_retry: impl Fn(&E) -> bool,
        mut on_failure: impl FnMut(&AttemptFailure<'_, E>),
        mut op: impl FnMut(u32) -> Result<T, E>,
    ) -> Retried<T, E> {
        let attempts = self.attempts.max(1);
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        loop {
            let error = match op(attempt) {
                Ok(value) => {
                    return Retried {
                        result: Ok(value),
                        attempts: attempt,
                        waited,
                        cancelled: false,
                    }
                }
                Err(e) => e,
            };
            let retry_in = (attempt < attempts && should_retry(&error) && !cancelled())
                .then(|| self.delay(attempt, random_fraction()));
            on_failure(&AttemptFailure {
                attempt,
                error: &error,
                retry_in,
            });
            let Some(delay) = retry_in else {
                return Retried {
                    result: Err(error),
                    attempts: attempt,
                    waited,
                    cancelled: cancelled(),
                };
            };
            if !sleep_unless_cancelled(delay, cancelled) {
                return Retried {
                    result: Err(error),
                    attempts: attempt,
                    waited: waited + delay,
                    cancelled: true,
                };
            }
            waited += delay;
            attempt += 1;
        }
    }
}

/// Sleeps for `delay`, waking early (and returning false) when `cancelled` turns true.
fn sleep_unless_cancelled(delay: Duration, cancelled: &dyn Fn() -> bool) -> bool {
    let deadline = Instant::now() + delay;
    loop {
        if cancelled() {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        std::thread::sleep((deadline - now).min(CANCEL_POLL));
    }
}

/// A random number in `[0, 1)` for jitter: a SplitMix64 step over the clock and a
/// counter (no cryptographic needs; two processes starting together still differ by pid).
fn random_fraction() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let seed = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        ^ nanos
        ^ (u64::from(std::process::id()) << 32);
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn policy(attempts: u32) -> RetryPolicy {
        RetryPolicy {
            attempts,
            backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
            jitter: 0.0,
            retry_on: RetryOn::Transient,
        }
    }

    fn io_error() -> Error {
        Error::io(
            "reading `late.csv`",
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        )
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            jitter: 0.5,
            ..policy(10)
        };
        let delays: Vec<u128> = (1..=4).map(|r| p.base_delay(r).as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 350, 350]);
        assert_eq!(p.delay(2, 0.0), Duration::from_millis(200));
        assert_eq!(p.delay(2, 0.999_999).as_millis(), 100);
        assert!(p.base_delay(u32::MAX) <= p.max_backoff);
        let r = random_fraction();
        assert!((0.0..1.0).contains(&r));
    }

    #[test]
    fn transient_errors_are_retried_until_success() {
        let calls = Cell::new(0);
        let mut seen = vec![];
        let out = policy(5).run(
            &|| false,
            |f| seen.push((f.attempt, f.retry_in.is_some())),
            |attempt| {
                calls.set(calls.get() + 1);
                if attempt < 3 {
                    Err(io_error())
                } else {
                    Ok(attempt)
                }
            },
        );
        assert_eq!(out.result.unwrap(), 3);
        assert_eq!(out.attempts, 3);
        assert_eq!(seen, vec![(1, true), (2, true)]);
        assert!(!out.cancelled);
    }

    #[test]
    fn permanent_errors_fail_at_once() {
        let calls = Cell::new(0);
        let out: Retried<()> = policy(5).run(
            &|| false,
            |f| assert!(f.retry_in.is_none()),
            |_| {
                calls.set(calls.get() + 1);
                Err(Error::Syntax("syntax error at `SELEC`".into()))
            },
        );
        assert_eq!(calls.get(), 1);
        assert_eq!(out.attempts, 1);
        assert_eq!(out.result.unwrap_err().category(), "Syntax");
    }

    #[test]
    fn attempts_run_out() {
        let out: Retried<()> = policy(3).run(&|| false, |_| {}, |_| Err(io_error()));
        assert_eq!(out.attempts, 3);
        assert!(out.result.is_err());
        assert!(out.waited >= Duration::from_millis(3));
    }

    #[test]
    fn categories_and_cancellation() {
        let p = RetryPolicy {
            retry_on: RetryOn::Categories(vec!["InvalidData".into()]),
            ..policy(3)
        };
        assert!(p.retries(&Error::InvalidData("bad row".into())));
        assert!(!p.retries(&io_error()));
        assert!(!p.retries(&Error::Cancelled));
        assert!(p.validate().is_ok());
        let bad = RetryPolicy {
            retry_on: RetryOn::Categories(vec!["IO".into()]),
            ..policy(3)
        };
        assert!(bad.validate().unwrap_err().contains("did you mean `Io`"));
        assert!(policy(0).validate().is_err());

        // A raised cancel flag stops the waiting.
        let slow = RetryPolicy {
            backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30),
            ..policy(3)
        };
        let calls = Cell::new(0);
        let started = Instant::now();
        let out: Retried<()> = slow.run(
            &|| calls.get() >= 1,
            |_| {},
            |_| {
                calls.set(calls.get() + 1);
                Err(io_error())
            },
        );
        assert!(out.cancelled);
        assert_eq!(out.attempts, 1);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn any_error_type_with_a_classifier() {
        let out = policy(4).run_with(
            &|| false,
            |e: &String| e.starts_with("busy"),
            |_| {},
            |attempt| {
                if attempt < 2 {
                    Err("busy".to_string())
                } else {
                    Ok(attempt)
                }
            },
        );
        assert_eq!(out.result, Ok(2));
    }
}
