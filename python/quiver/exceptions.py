"""Quiver's exceptions: one class per engine error category, all subclasses of QuiverError.

The native module raises these with the engine's message (see ``python/src/error.rs``).
"""

from __future__ import annotations

__all__ = [
    "QuiverError",
    "ColumnNotFoundError",
    "SQLSyntaxError",
    "TableNotFoundError",
    "FunctionNotFoundError",
    "SchemaError",
    "ComputeError",
    "ConversionError",
    "PlanError",
    "InvalidDataError",
    "QuiverIOError",
    "NotSupportedError",
    "CancelledError",
    "InternalError",
    "JobError",
    "JobFailedError",
]


class QuiverError(Exception):
    """Base class of every error Quiver raises."""


class ColumnNotFoundError(QuiverError):
    """A column name does not resolve against the input's schema."""


class SQLSyntaxError(QuiverError):
    """SQL text that does not parse (the message shows where)."""


class TableNotFoundError(QuiverError):
    """A table or file name does not resolve."""


class FunctionNotFoundError(QuiverError):
    """A function name does not resolve."""


class SchemaError(QuiverError):
    """Types or schemas that do not fit together."""


class ComputeError(QuiverError):
    """A failure while computing values (overflow, a bad argument, ...)."""


class ConversionError(QuiverError):
    """A value that does not convert to the requested type."""


class PlanError(QuiverError):
    """A query that cannot be planned as written."""


class InvalidDataError(QuiverError):
    """Malformed input data (a bad CSV row, a truncated Parquet file)."""


class QuiverIOError(QuiverError, OSError):
    """An operating-system IO failure; also an ``OSError``, so ``retry(on=(OSError,))`` retries it."""


class NotSupportedError(QuiverError):
    """A feature Quiver does not support yet."""


class CancelledError(QuiverError):
    """The query was cancelled."""


class InternalError(QuiverError):
    """A bug in Quiver: please report it."""


class JobError(QuiverError, ValueError):
    """A job file that cannot run as written; the message lists every problem with its line.
    Nothing ran."""


class JobFailedError(QuiverError):
    """A job run that failed: no output was committed. ``report`` is the run's
    :class:`quiver.JobRun` (per-step status, attempts, errors)."""

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report
