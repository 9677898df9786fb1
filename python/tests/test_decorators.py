"""`qv.retry` and `qv.timed`."""

from __future__ import annotations

import asyncio
import inspect
import logging

import pytest

import quiver as qv
from quiver.decorators import backoff_delay


def test_retry_sync_until_success(caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    @qv.retry(attempts=3, backoff=0.001, jitter=False, on=(OSError,))
    def flaky(x: int) -> int:
        """Fails twice."""
        calls.append(x)
        if len(calls) < 3:
            raise OSError("transient")
        return x * 2

    with caplog.at_level(logging.WARNING, logger="quiver.retry"):
        assert flaky(21) == 42
    assert len(calls) == 3
    assert len([r for r in caplog.records if "retrying" in r.getMessage()]) == 2
    assert flaky.__name__ == "flaky" and flaky.__doc__ == "Fails twice."
    assert list(inspect.signature(flaky).parameters) == ["x"]


def test_retry_gives_up_after_attempts() -> None:
    calls = []

    @qv.retry(attempts=2, backoff=0.0)
    def always() -> None:
        calls.append(1)
        raise OSError("down")

    with pytest.raises(OSError, match="down"):
        always()
    assert len(calls) == 2


def test_unlisted_exceptions_propagate_at_once() -> None:
    calls = []

    @qv.retry(attempts=5, backoff=0.0, on=(OSError,))
    def bad() -> None:
        calls.append(1)
        raise ValueError("permanent")

    with pytest.raises(ValueError):
        bad()
    assert len(calls) == 1


def test_quiver_io_errors_are_retried_as_oserror() -> None:
    calls = []

    @qv.retry(attempts=2, backoff=0.0)
    def read() -> qv.DataFrame:
        calls.append(1)
        return qv.read_parquet("/nonexistent/x.parquet")

    with pytest.raises(qv.exceptions.QuiverIOError):
        read()
    assert len(calls) == 2


def test_retry_async() -> None:
    calls = []

    @qv.retry(attempts=3, backoff=0.001, on=(ConnectionError,))
    async def fetch() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("reset")
        return "ok"

    assert inspect.iscoroutinefunction(fetch)
    assert asyncio.run(fetch()) == "ok"
    assert len(calls) == 2


def test_backoff_is_exponential_and_capped() -> None:
    assert [backoff_delay(n, 0.1, 0.5, False) for n in (1, 2, 3, 4)] == [0.1, 0.2, 0.4, 0.5]
    for n in range(1, 6):
        d = backoff_delay(n, 0.1, 1.0, True)
        full = min(0.1 * 2 ** (n - 1), 1.0)
        assert full * 0.5 <= d <= full


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        qv.retry(attempts=0)


def test_timed_records_calls() -> None:
    qv.reset_timings()

    @qv.timed()
    def work(n: int) -> int:
        return sum(range(n))

    @qv.timed(name="async-step")
    async def step() -> int:
        await asyncio.sleep(0.01)
        return 1

    @qv.timed(name="boom")
    def boom() -> None:
        raise RuntimeError("x")

    assert work(1000) == sum(range(1000))
    work(10)
    asyncio.run(step())
    with pytest.raises(RuntimeError):
        boom()
    t = qv.timings()
    assert isinstance(t, qv.DataFrame)
    assert t.columns == ["name", "started_at", "seconds", "attempts", "outcome", "error"]
    names = t["name"].to_list()
    assert names.count("test_timed_records_calls.<locals>.work") == 2
    assert "async-step" in names
    by_name = {r["name"]: r for r in t.to_dicts()}
    assert by_name["async-step"]["seconds"] >= 0.01
    assert by_name["boom"]["outcome"] == "failed"
    assert by_name["boom"]["error"] == "RuntimeError: x"
    assert by_name["async-step"]["outcome"] == "succeeded" and by_name["async-step"]["error"] is None
    assert by_name["async-step"]["attempts"] == 1
    assert work.__name__ == "work"
    qv.reset_timings()
    assert qv.timings().height == 0


def test_jitter_fraction_and_policy_validation() -> None:
    # A float jitter is the fraction each wait may be shortened by, as in a job's retry.
    for n in range(1, 5):
        d = backoff_delay(n, 0.2, 10.0, 0.1)
        full = 0.2 * 2 ** (n - 1)
        assert full * 0.9 <= d <= full
    with pytest.raises(ValueError, match="jitter"):
        qv.retry(jitter=1.5)
