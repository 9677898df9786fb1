"""Tests of the answer check: `python -m unittest discover benches/suites`."""

import tempfile
import unittest
from pathlib import Path

import polars as pl

from check import compare_all


class CheckTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())

    def write(self, name, df):
        path = self.dir / f"{name}.parquet"
        df.write_parquet(path)
        return path

    def test_order_types_and_tolerance(self):
        ref = self.write("ref", pl.DataFrame({"k": ["a", "b", "c"], "n": [1, 2, 3], "x": [0.1, 2.5, None]}))
        same = self.write("same", pl.DataFrame({
            "key": ["c", "a", "b"],
            "n": pl.Series([3, 1, 2], dtype=pl.Decimal(10, 0)),
            "x": [None, 0.1 * (1 + 1e-9), 2.5],
        }))
        off = self.write("off", pl.DataFrame({"k": ["a", "b", "c"], "n": [1, 2, 3], "x": [0.1, 2.6, None]}))
        short = self.write("short", pl.DataFrame({"k": ["a", "b"], "n": [1, 2], "x": [0.1, 2.5]}))
        narrow = self.write("narrow", pl.DataFrame({"k": ["a", "b", "c"], "n": [1, 2, 3]}))
        got = compare_all(ref, {"same": same, "off": off, "short": short, "narrow": narrow})
        self.assertIsNone(got["same"])
        self.assertIn("column 3", got["off"])
        self.assertIn("2 rows", got["short"])
        self.assertIn("2 columns", got["narrow"])

    def test_duplicates_and_dates(self):
        from datetime import date

        ref = self.write("ref", pl.DataFrame({"d": [date(2020, 1, 1)] * 2 + [date(2021, 5, 6)], "v": [1, 1, 2]}))
        dup = self.write("dup", pl.DataFrame({"d": ["2021-05-06", "2020-01-01", "2020-01-01"], "v": [2, 1, 1]}))
        miss = self.write("miss", pl.DataFrame({"d": ["2021-05-06", "2021-05-06", "2020-01-01"], "v": [2, 2, 1]}))
        got = compare_all(ref, {"dup": dup, "miss": miss})
        self.assertIsNone(got["dup"])
        self.assertIsNotNone(got["miss"])


if __name__ == "__main__":
    unittest.main()
