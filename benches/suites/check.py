"""Answer check: two engines' results of a query are the same table up to row order.

Rows are compared as multisets (both sides put in the same order), columns by position (names
differ between engines). Numbers of every type compare as doubles within a relative
tolerance (1e-6 by default, plus 1e-9 absolute for values near zero); dates and times as
their ISO text; NULL equals NULL."""

import polars as pl

NUMERIC = (pl.Decimal, pl.Float32, pl.Float64, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.Int128,
           pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64, pl.Boolean)
INEXACT = (pl.Float32, pl.Float64)


def _normalize(df):
    """Columns c0, c1, ..: numbers as Float64, everything else as text."""
    cols = []
    for i, (name, dtype) in enumerate(df.schema.items()):
        e = pl.col(name)
        if isinstance(dtype, NUMERIC) or dtype in NUMERIC:
            e = e.cast(pl.Float64)
        elif dtype != pl.String:
            e = e.cast(pl.String)
        cols.append(e.alias(f"c{i}"))
    return df.select(cols)


def _inexact(schema):
    """The reference's columns of computed numbers (floats, decimals with a scale)."""
    return [
        f"c{i}"
        for i, dtype in enumerate(schema.values())
        if isinstance(dtype, INEXACT) or dtype in INEXACT or (isinstance(dtype, pl.Decimal) and dtype.scale > 0)
    ]


def _sorted(df, floats):
    # Order rows by a hash of their exact columns (text, integers), one key instead of a
    # many-column sort, then by the computed numbers. Result rows are nearly always told
    # apart by their exact columns, so numbers that differ in the last digits do not
    # reorder them; rows that tie on those carry numbers copied from the input, equal in
    # every engine.
    if df.height == 0:
        return df
    exact = [c for c in df.columns if c not in floats]
    if not exact:
        return df.sort(floats, nulls_last=False)
    key = df.select(exact).hash_rows(seed=42)
    return df.with_columns(key.alias("__key")).sort(["__key", *floats], nulls_last=False).drop("__key")


def _load(path):
    raw = pl.read_parquet(path)
    floats = _inexact(raw.schema)
    return _sorted(_normalize(raw), floats), floats


def compare_all(reference, others, rel=1e-6, abs_tol=1e-9):
    """Compares each of `others` (name -> Parquet path) with the `reference` answer (a
    Parquet path); returns name -> None when they match, else the first difference."""
    want, floats = _load(reference)
    return {name: _compare(path, want, floats, rel, abs_tol) for name, path in others.items()}


def _compare(path, want, floats, rel, abs_tol):
    got = _normalize(pl.read_parquet(path))
    if got.width != want.width:
        return f"{got.width} columns, reference has {want.width}"
    if got.height != want.height:
        return f"{got.height} rows, reference has {want.height}"
    got = _sorted(got, floats)
    for c in got.columns:
        pair = pl.DataFrame({"a": got[c], "b": want[c]})
        a, b = pl.col("a"), pl.col("b")
        close = ((a - b).abs() <= rel * pl.max_horizontal(a.abs(), b.abs()) + abs_tol) | (a == b)
        if got[c].dtype == pl.Float64:
            same = close.fill_null(False) | (a.is_null() & b.is_null()) | (a.is_nan() & b.is_nan()).fill_null(False)
        else:
            same = a.eq_missing(b)
        same = pair.select(same.alias("same")).to_series()
        if not same.all():
            row = int(same.arg_min())
            return f"row {row} column {int(c[1:]) + 1}: {got[c][row]!r}, reference {want[c][row]!r}"
    return None
