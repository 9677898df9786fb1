"""The GIL is released during queries and Ctrl-C cancels a running query."""

from __future__ import annotations

import _thread
import threading
import time

import pytest

import quiver as qv


def _slow_query() -> qv.LazyFrame:
    n = qv.DataFrame({"a": list(range(4000))}).lazy()
    # A 16-million-row cross join with an aggregate: seconds of work.
    return n.join(n.rename({"a": "b"}), how="cross").select((qv.col("a") * qv.col("b") % 7).sum().alias("s"))


def test_ctrl_c_interrupts_a_query() -> None:
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        for _ in range(20):
            _slow_query().collect()
    elapsed = time.monotonic() - start
    timer.cancel()
    assert elapsed < 0.3 + 1.5, elapsed


def test_other_threads_run_during_a_query() -> None:
    ticks = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    df = qv.DataFrame({"a": list(range(2000))}).lazy()
    df.join(df.rename({"a": "b"}), how="cross").select(qv.len()).collect()
    stop.set()
    t.join()
    assert len(ticks) > 5


def test_queries_from_several_threads() -> None:
    df = qv.DataFrame({"a": list(range(1000))})
    results: list[int] = []

    def work() -> None:
        results.append(df.select(qv.col("a").sum()).item())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [499500] * 4
