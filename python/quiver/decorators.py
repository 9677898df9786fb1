"""Decorators for pipeline code: ``retry`` with exponential backoff and ``timed`` wall-time
recording (``timings()`` returns the records as a DataFrame).

Both use the job runner's own types (``quiver_engine::pipeline`` through the native module):
``retry`` waits as a job step's ``retry = {...}`` does (``attempts`` tries in all; the wait
before try ``n + 1`` is ``min(backoff * 2**(n - 1), max_backoff)`` seconds, shortened by a
random fraction of up to ``jitter`` so clients failing together spread out), and ``timed``
adds records to the same log that ``qv.run_job`` adds its steps to.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import random
import time
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast

from quiver import _quiver

if TYPE_CHECKING:
    from quiver.frame import DataFrame

__all__ = ["retry", "timed", "timings", "reset_timings", "backoff_delay"]

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("quiver.retry")

#: The jitter fraction ``jitter=True`` means: each wait is between half and all of the
#: exponential backoff.
DEFAULT_JITTER = 0.5


def _jitter_fraction(jitter: bool | float) -> float:
    if isinstance(jitter, bool):
        return DEFAULT_JITTER if jitter else 0.0
    return float(jitter)


def backoff_delay(failures: int, backoff: float, max_backoff: float, jitter: bool | float) -> float:
    """Seconds to wait after the ``failures``-th failed try (1-based)."""
    policy = _quiver.RetryPolicy(
        failures + 1, backoff, max(backoff, max_backoff), _jitter_fraction(jitter)
    )
    return float(policy.delay(failures, random.random()))


def retry(
    attempts: int = 3,
    backoff: float = 0.1,
    max_backoff: float = 30.0,
    jitter: bool | float = True,
    on: tuple[type[BaseException], ...] = (OSError,),
) -> Callable[[F], F]:
    """Retries a sync or async function when it raises one of ``on``; other exceptions,
    and the last failure, propagate unchanged. Each retry is logged at WARNING level on the
    ``quiver.retry`` logger."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1 (1 means no retries)")
    if backoff < 0 or max_backoff < 0:
        raise ValueError("backoff and max_backoff must not be negative")
    # The job runner's policy (validated there too: jitter in [0, 1]).
    policy = _quiver.RetryPolicy(attempts, backoff, max(backoff, max_backoff), _jitter_fraction(jitter))
    retry_on = tuple(on)

    def note(fn: Callable[..., Any], failure: int, error: BaseException, delay: float) -> None:
        log.warning(
            "%s failed (try %d of %d): %r; retrying in %.3fs",
            getattr(fn, "__qualname__", fn),
            failure,
            attempts,
            error,
            delay,
        )

    def decorate(fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                for n in range(1, attempts + 1):
                    try:
                        return await fn(*args, **kwargs)
                    except retry_on as e:
                        if n == attempts:
                            raise
                        delay = float(policy.delay(n, random.random()))
                        note(fn, n, e, delay)
                        await asyncio.sleep(delay)
                raise AssertionError("unreachable")

            return cast(F, async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for n in range(1, attempts + 1):
                try:
                    return fn(*args, **kwargs)
                except retry_on as e:
                    if n == attempts:
                        raise
                    delay = float(policy.delay(n, random.random()))
                    note(fn, n, e, delay)
                    time.sleep(delay)
            raise AssertionError("unreachable")

        return cast(F, wrapper)

    return decorate


def _record(name: str, started: float, t0: float, error: BaseException | None) -> None:
    seconds = time.perf_counter() - t0
    if error is None:
        _quiver.record_timing(name, started, seconds, 1, "succeeded")
    elif isinstance(error, (KeyboardInterrupt, asyncio.CancelledError)):
        _quiver.record_timing(name, started, seconds, 1, "cancelled")
    else:
        _quiver.record_timing(name, started, seconds, 1, "failed", type(error).__name__, str(error))


def timed(name: str | None = None) -> Callable[[F], F]:
    """Records the wall time of every call (sync or async), successful or not, in the log
    that ``timings()`` reads."""

    def decorate(fn: F) -> F:
        label: str = name or str(getattr(fn, "__qualname__", repr(fn)))
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                started, t0 = time.time(), time.perf_counter()
                try:
                    result = await fn(*args, **kwargs)
                except BaseException as e:
                    _record(label, started, t0, e)
                    raise
                _record(label, started, t0, None)
                return result

            return cast(F, async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started, t0 = time.time(), time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except BaseException as e:
                _record(label, started, t0, e)
                raise
            _record(label, started, t0, None)
            return result

        return cast(F, wrapper)

    return decorate


def timings() -> DataFrame:
    """Every recorded call and job step, in the order they ended: ``name``, ``started_at``
    (UTC), ``seconds``, ``attempts``, ``outcome`` (``succeeded``, ``failed``, ``cancelled``,
    ``skipped``) and ``error`` (the exception's class and message, for failures)."""
    import datetime as dt

    from quiver.frame import DataFrame

    records = _quiver.timing_records()
    return DataFrame(
        {
            "name": [r[0] for r in records],
            "started_at": [dt.datetime.fromtimestamp(r[1], dt.timezone.utc) for r in records],
            "seconds": [r[2] for r in records],
            "attempts": [r[3] for r in records],
            "outcome": [r[4] for r in records],
            "error": [r[5] for r in records],
        }
    )


def reset_timings() -> None:
    """Forgets the recorded calls."""
    _quiver.reset_timings()
