"""`qv.run_job`: job files run from Python with the same runner as `quiver run`."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

import pytest

import quiver as qv

JOB = """
[job]
name = "totals"

[job.params]
min_amount = "0"

[[sources]]
name = "sales"
path = "sales.csv"

[[steps]]
name = "big"
sql = "SELECT city, amount FROM sales WHERE amount >= ${min_amount}"

[[steps]]
name = "by_city"
sql = "SELECT city, sum(amount) AS total, count(*) AS n FROM big GROUP BY city ORDER BY city"
retry = { attempts = 4, backoff = "50ms", max_backoff = "200ms" }

[[sinks]]
name = "out"
from = "by_city"
path = "out/by_city.parquet"
"""


def write_job(folder: Path, job: str = JOB, data: bool = True) -> Path:
    if data:
        (folder / "sales.csv").write_text("city,amount\na,10\nb,5\na,7\nc,1\n")
    path = folder / "job.toml"
    path.write_text(job)
    return path


def test_run_job_writes_outputs_and_report(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    qv.reset_timings()
    job = write_job(tmp_path)
    with caplog.at_level(logging.INFO, logger="quiver.job"):
        run = qv.run_job(job, params={"min_amount": 5})
    assert run.succeeded and run.status == "succeeded" and run.reason is None
    assert run.params == {"min_amount": "5"}
    out = qv.read_parquet(tmp_path / "out" / "by_city.parquet")
    assert out.to_dict(as_series=False) == {"city": ["a", "b"], "total": [17, 5], "n": [2, 1]}
    assert run.step("by_city")["rows_out"] == 2
    assert run.sinks[0]["status"] == "committed"
    assert run.report_path is not None
    on_disk = json.loads(Path(run.report_path).read_text())
    assert on_disk["status"] == "succeeded" and on_disk == run.to_dict()
    assert any("by_city" in r.getMessage() for r in caplog.records)
    names = qv.timings()["name"].to_list()
    assert "totals" in names and "totals.by_city" in names


def test_invalid_job_lists_every_problem_and_runs_nothing(tmp_path: Path) -> None:
    bad = JOB.replace('from = "by_city"', 'from = "by_town"').replace("[[sources]]\nname", "[[sources]]\nnmae")
    job = write_job(tmp_path, bad)
    with pytest.raises(qv.exceptions.JobError) as info:
        qv.run_job(job)
    message = str(info.value)
    assert "by_town" in message and "job.toml:" in message
    assert not (tmp_path / "out").exists()


def test_failed_sql_raises_with_report_and_keeps_old_output(tmp_path: Path) -> None:
    job = write_job(tmp_path)
    qv.run_job(job)
    before = (tmp_path / "out" / "by_city.parquet").read_bytes()
    broken = write_job(tmp_path, JOB.replace("sum(amount)", "sum(amountt)"), data=False)
    with pytest.raises(qv.exceptions.JobFailedError, match="amountt") as info:
        qv.run_job(broken)
    report = info.value.report
    assert isinstance(report, qv.JobRun)
    assert report.status == "failed"
    # SQL errors are permanent: one attempt despite the step's retry policy.
    assert report.step("by_city")["attempts"] == 1
    assert (tmp_path / "out" / "by_city.parquet").read_bytes() == before
    run = qv.run_job(broken, raise_on_failure=False)
    assert run.status == "failed" and not run.succeeded


def test_late_source_is_retried(tmp_path: Path) -> None:
    job = write_job(tmp_path, JOB.replace("attempts = 4", "attempts = 8"), data=False)

    def arrive() -> None:
        time.sleep(0.25)
        # Published atomically, as a producer should.
        (tmp_path / "sales.tmp").write_text("city,amount\na,1\n")
        (tmp_path / "sales.tmp").rename(tmp_path / "sales.csv")

    threading.Thread(target=arrive).start()
    run = qv.run_job(job, write_report=False)
    assert run.succeeded and run.report_path is None
    step = run.step("by_city")
    assert step["attempts"] > 1 and all(e["category"] == "Io" for e in step["errors"])
    assert qv.read_parquet(tmp_path / "out" / "by_city.parquet").to_dict(as_series=False) == {"city": ["a"], "total": [1], "n": [1]}


def test_sample_job_runs(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    run = qv.run_job(
        root / "datasets" / "jobs" / "orders_by_status.toml",
        params={"year": 1995, "out": str(tmp_path / "orders")},
        report=tmp_path / "report.json",
    )
    assert run.succeeded
    assert (tmp_path / "report.json").exists()
    monthly = qv.scan_parquet(str(tmp_path / "orders" / "monthly" / "year=1995" / "*" / "*.parquet")).collect()
    assert monthly.height > 0
