"""Decorators for pipeline code: ``retry`` with exponential backoff and ``timed`` wall-time
recording (``timings()`` returns the records as a DataFrame).

``retry`` mirrors the Rust job runner's policy: ``attempts`` is the total number of tries,
the delay before try ``n + 1`` is ``min(backoff * 2**(n - 1), max_backoff)`` seconds, and
``jitter`` scales each delay by a random factor in [0.5, 1) so retrying clients spread out.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import random
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast

if TYPE_CHECKING:
    from quiver.frame import DataFrame

__all__ = ["retry", "timed", "timings", "reset_timings", "backoff_delay"]

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("quiver.retry")


def backoff_delay(failures: int, backoff: float, max_backoff: float, jitter: bool) -> float:
    """Seconds to wait after the ``failures``-th failed try (1-based)."""
    delay = min(backoff * 2 ** (failures - 1), max_backoff)
    if jitter:
        delay *= random.uniform(0.5, 1.0)
    return float(delay)


def retry(
    attempts: int = 3,
    backoff: float = 0.1,
    max_backoff: float = 30.0,
    jitter: bool = True,
    on: tuple[type[BaseException], ...] = (OSError,),
) -> Callable[[F], F]:
    """Retries a sync or async function when it raises one of ``on``; other exceptions,
    and the last failure, propagate unchanged. Each retry is logged at WARNING level on the
    ``quiver.retry`` logger."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if backoff < 0 or max_backoff < 0:
        raise ValueError("backoff and max_backoff must not be negative")
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
                        delay = backoff_delay(n, backoff, max_backoff, jitter)
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
                    delay = backoff_delay(n, backoff, max_backoff, jitter)
                    note(fn, n, e, delay)
                    time.sleep(delay)
            raise AssertionError("unreachable")

        return cast(F, wrapper)

    return decorate


_lock = threading.Lock()
_records: list[tuple[str, float, float, bool]] = []


def _record(name: str, started: float, seconds: float, ok: bool) -> None:
    with _lock:
        _records.append((name, started, seconds, ok))


def timed(name: str | None = None) -> Callable[[F], F]:
    """Records the wall time of every call (sync or async), successful or not."""

    def decorate(fn: F) -> F:
        label: str = name or str(getattr(fn, "__qualname__", repr(fn)))
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                started, t0, ok = time.time(), time.perf_counter(), False
                try:
                    result = await fn(*args, **kwargs)
                    ok = True
                    return result
                finally:
                    _record(label, started, time.perf_counter() - t0, ok)

            return cast(F, async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started, t0, ok = time.time(), time.perf_counter(), False
            try:
                result = fn(*args, **kwargs)
                ok = True
                return result
            finally:
                _record(label, started, time.perf_counter() - t0, ok)

        return cast(F, wrapper)

    return decorate


def timings() -> DataFrame:
    """Every recorded call: ``name``, ``started`` (Unix seconds), ``seconds``, ``ok``."""
    from quiver.frame import DataFrame

    with _lock:
        records = list(_records)
    return DataFrame(
        {
            "name": [r[0] for r in records],
            "started": [r[1] for r in records],
            "seconds": [r[2] for r in records],
            "ok": [r[3] for r in records],
        }
    )


def reset_timings() -> None:
    """Forgets the recorded calls."""
    with _lock:
        _records.clear()
