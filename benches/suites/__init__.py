"""Benchmark suites for compare.py: the tables, the SQL (Quiver and DuckDB) and the Polars
versions of each query, the answer check and the report."""
