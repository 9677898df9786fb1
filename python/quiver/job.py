"""Batch pipeline jobs from Python: ``qv.run_job("job.toml", params={...})`` runs a job file
with the same runner as ``quiver run`` (validation first, retried transient failures, atomic
sinks, a JSON run report) and returns a :class:`JobRun`.

Progress goes to the ``quiver.job`` logger; the run and each step are added to
``qv.timings()`` as ``<job>`` and ``<job>.<step>``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from quiver import _quiver
from quiver.exceptions import JobFailedError

__all__ = ["JobRun", "run_job"]


@dataclass(frozen=True)
class JobRun:
    """What a job run did: ``status`` is ``succeeded``, ``failed`` or ``cancelled``;
    ``steps``, ``sinks`` and ``sources`` are the report's records (dicts, as in the JSON
    report), ``report_path`` where the report was written (``None`` when not written)."""

    job: str
    status: str
    reason: str | None
    duration_ms: int
    params: dict[str, Any]
    steps: list[dict[str, Any]]
    sinks: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    report_path: str | None
    raw: dict[str, Any] = field(repr=False)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    def step(self, name: str) -> dict[str, Any]:
        """The record of the step called ``name``."""
        for s in self.steps:
            if s.get("name") == name:
                return s
        raise KeyError(f"no step named {name!r}; the job's steps are {[s.get('name') for s in self.steps]}")

    def to_dict(self) -> dict[str, Any]:
        """The whole report, as written to the JSON file."""
        return dict(self.raw)


def run_job(
    path: str | os.PathLike[str],
    params: Mapping[str, object] | None = None,
    *,
    threads: int | None = None,
    report: str | os.PathLike[str] | None = None,
    write_report: bool = True,
    raise_on_failure: bool = True,
) -> JobRun:
    """Runs the job file at ``path``.

    ``params`` override the job's ``[job.params]`` (values are turned into text, as on the
    command line's ``-p key=value``). ``report`` sets the report's path (default
    ``_quiver/runs/<job>-<timestamp>.json`` beside the outputs).

    Raises :class:`quiver.exceptions.JobError` (nothing ran) when the file is invalid, and
    :class:`quiver.exceptions.JobFailedError` when a step or sink failed (no output was
    committed; ``error.report`` is the :class:`JobRun`) unless ``raise_on_failure=False``.
    Ctrl-C stops the run without committing anything and raises ``KeyboardInterrupt``.

    >>> run = qv.run_job("datasets/jobs/nightly_revenue.toml", params={"since": "1995-01-01"})
    >>> run.status
    'succeeded'
    """
    text_params = {str(k): _param_text(v) for k, v in (params or {}).items()}
    status, reason, report_json, report_path = _quiver.run_job_file(
        os.fspath(path),
        text_params,
        threads,
        os.fspath(report) if report is not None else None,
        write_report,
    )
    raw: dict[str, Any] = json.loads(report_json)
    run = JobRun(
        job=str(raw.get("job", "")),
        status=status,
        reason=reason,
        duration_ms=int(raw.get("duration_ms", 0)),
        params=dict(raw.get("params", {})),
        steps=list(raw.get("steps", [])),
        sinks=list(raw.get("sinks", [])),
        sources=list(raw.get("sources", [])),
        report_path=report_path,
        raw=raw,
    )
    if raise_on_failure and status != "succeeded":
        raise JobFailedError(f"job {run.job} {status}: {reason or 'unknown reason'}", run)
    return run


def _param_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
