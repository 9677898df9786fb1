"""Reading files: ``read_*`` return a DataFrame, ``scan_*`` a LazyFrame (projections and
filters are pushed into the scan). Paths may be globs or hive-partitioned folders."""

from __future__ import annotations

import os
from typing import Union

from quiver import _quiver
from quiver.frame import DataFrame, LazyFrame

__all__ = [
    "scan_csv",
    "scan_parquet",
    "scan_ndjson",
    "scan_ipc",
    "read_csv",
    "read_parquet",
    "read_ndjson",
    "read_ipc",
]

Path = Union[str, "os.PathLike[str]"]


def scan_csv(source: Path, *, has_header: bool = True, separator: str | None = None) -> LazyFrame:
    """A lazy scan of CSV files (the separator is sniffed unless given)."""
    return LazyFrame(_quiver.LazyFrame.scan_csv(os.fspath(source), has_header, separator))


def scan_parquet(source: Path) -> LazyFrame:
    return LazyFrame(_quiver.LazyFrame.scan_parquet(os.fspath(source)))


def scan_ndjson(source: Path) -> LazyFrame:
    return LazyFrame(_quiver.LazyFrame.scan_ndjson(os.fspath(source)))


def scan_ipc(source: Path) -> LazyFrame:
    return LazyFrame(_quiver.LazyFrame.scan_ipc(os.fspath(source)))


def read_csv(source: Path, *, has_header: bool = True, separator: str | None = None) -> DataFrame:
    return scan_csv(source, has_header=has_header, separator=separator).collect()


def read_parquet(source: Path) -> DataFrame:
    return scan_parquet(source).collect()


def read_ndjson(source: Path) -> DataFrame:
    return scan_ndjson(source).collect()


def read_ipc(source: Path) -> DataFrame:
    return scan_ipc(source).collect()
