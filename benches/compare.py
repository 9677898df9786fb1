"""Side-by-side benchmark: Quiver against DuckDB and Polars on the same Parquet files.

    python benches/compare.py --suite tpch --sf 1 --threads 2
    python benches/compare.py --suite h2o-groupby --rows 1e7 --threads 2
    python benches/compare.py --suite h2o-join --rows 1e7 --threads 2

Each engine runs in its own process, one after another, with the same thread count:
Quiver through SQL (the `sql_bench` binary, timed in-process) and, for TPC-H, through the
frame API where queries are written (`tpch_frame`, engine `quiver-frame`); DuckDB through
its Python API (`SET threads`); Polars through its lazy API (`POLARS_MAX_THREADS`). Each
query runs `--warmup` untimed times, then `--reps` timed times; the report gives the min
and median, the ratio of Quiver's median to the best other engine's and their geometric
mean, checks that every engine returned the same answer as the reference engine (DuckDB),
and writes a Markdown table, a PNG chart and the raw numbers under `benches/results/`.

Missing data is generated first with `quiver datagen` into `datasets/generated/`.
`--mode memory` loads the tables into each engine's memory before timing instead of
querying the files (DuckDB / Quiver `CREATE TABLE`, Polars `read_parquet`).
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from suites import h2o, tpch  # noqa: E402

ENGINES = ["quiver", "quiver-frame", "duckdb", "polars"]
OTHERS = ["duckdb", "polars"]
REFERENCE = "duckdb"


# ---------------------------------------------------------------------------- suites


def suite_plan(args):
    """Tables (name -> path), queries (name -> SQL), labels and the data set's title."""
    gen = REPO / "datasets" / "generated"
    if args.suite == "tpch":
        sf = f"{float(args.sf):g}"
        data = Path(args.data) if args.data else gen / f"tpch-sf{sf}"
        tables = {t: data / f"{t}.parquet" for t in tpch.TABLES}
        qdir = Path(args.tpch_queries)
        if not (qdir / "q01.sql").exists():
            sys.exit(f"no TPC-H queries in {qdir}: pass --tpch-queries DIR (the folder of q01.sql .. q22.sql)")
        queries = {q: tpch.sql(qdir, q) for q in tpch.QUERIES}
        datagen = ["tpch", "--sf", sf, "--out", str(data)]
        return tables, queries, {}, f"TPC-H SF{sf}", f"tpch-sf{sf}", datagen
    rows = h2o_count(args.rows)
    data = Path(args.data) if args.data else gen / "h2o"
    if args.suite == "h2o-groupby":
        files = h2o.groupby_files(rows, h2o_count(args.groups), args.na, args.sorted)
        datagen = ["h2o-groupby", "--rows", str(rows), "--groups", str(h2o_count(args.groups)), "--na", str(args.na)]
        queries, labels = h2o.GROUPBY_SQL, h2o.GROUPBY_NAMES
        stem = Path(files["x"]).stem
    else:
        files = h2o.join_files(rows, args.na, args.sorted)
        datagen = ["h2o-join", "--rows", str(rows), "--na", str(args.na)]
        queries, labels = h2o.JOIN_SQL, h2o.JOIN_NAMES
        stem = Path(files["x"]).stem
    if args.sorted:
        datagen.append("--sorted")
    datagen += ["--out", str(data)]
    tables = {t: data / f for t, f in files.items()}
    return tables, dict(queries), labels, f"h2o {args.suite[4:]} {stem}", stem, datagen


def h2o_count(text):
    v = float(text)
    if v != int(v) or v < 1:
        sys.exit(f"expected a whole number such as 1e7, found {text}")
    return int(v)


def polars_functions(suite):
    if suite == "tpch":
        return tpch.polars_queries()
    if suite == "h2o-groupby":
        return h2o.groupby_polars()
    return h2o.join_polars()


# ---------------------------------------------------------------------------- workers


def setup_sql(tables, mode):
    verb = "TABLE" if mode == "memory" else "VIEW"
    return "\n".join(
        f"CREATE {verb} {name} AS SELECT * FROM read_parquet('{path}');" for name, path in tables.items()
    )


def emit(record):
    print(json.dumps(record), flush=True)


def time_runs(spec, name, run, save, interrupt=None):
    """Runs `run` warmup + reps times; emits the JSON line; saves the last result."""
    times, result = [], None
    for i in range(spec["warmup"] + spec["reps"]):
        result = None
        timer = threading.Timer(spec["timeout"], interrupt) if interrupt else None
        if timer:
            timer.start()
        start = time.perf_counter()
        try:
            result = run()
        except Exception as e:  # noqa: BLE001 - any engine error is a result
            timed_out = timer is not None and not timer.is_alive()
            emit({"query": name, "error": f"timeout after {spec['timeout']:g} s" if timed_out else str(e)})
            return
        finally:
            elapsed = time.perf_counter() - start
            if timer:
                timer.cancel()
        if i >= spec["warmup"]:
            times.append(elapsed)
    rows = save(result, Path(spec["answers"]) / f"{name}.parquet")
    emit({"query": name, "rows": rows, "times": times})


def duckdb_worker(spec):
    import duckdb
    import pyarrow.parquet as pq

    con = duckdb.connect()
    con.execute(f"SET threads = {spec['threads']}")
    start = time.perf_counter()
    con.execute(spec["setup"])
    print(f"setup: {time.perf_counter() - start:.3f} s", file=sys.stderr)

    def save(table, path):
        pq.write_table(table, path)
        return table.num_rows

    for q in spec["queries"]:
        time_runs(spec, q["name"], lambda q=q: con.sql(q["sql"]).to_arrow_table(), save, con.interrupt)


def polars_worker(spec):
    os.environ["POLARS_MAX_THREADS"] = str(spec["threads"])
    import polars as pl

    if pl.thread_pool_size() != spec["threads"]:
        sys.exit("POLARS_MAX_THREADS must be set before polars is imported")
    start = time.perf_counter()
    if spec["mode"] == "memory":
        tables = {n: pl.read_parquet(p).lazy() for n, p in spec["tables"].items()}
    else:
        tables = {n: pl.scan_parquet(p) for n, p in spec["tables"].items()}
    print(f"setup: {time.perf_counter() - start:.3f} s", file=sys.stderr)
    functions = polars_functions(spec["suite"])

    def save(df, path):
        df.write_parquet(path)
        return df.height

    for q in spec["queries"]:
        fn = functions.get(q["name"])
        if fn is None:
            emit({"query": q["name"], "missing": True})
            continue
        time_runs(spec, q["name"], lambda fn=fn: fn(tables).collect(), save)


# ---------------------------------------------------------------------------- driver


def cargo_target_dir():
    # cargo metadata honours CARGO_TARGET_DIR and .cargo/config.
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO,
                         check=True, capture_output=True, text=True).stdout
    return Path(json.loads(out)["target_directory"])


def binaries(args):
    if args.bin_dir:
        return Path(args.bin_dir)
    if not args.no_build:
        print("building the release binaries (cargo build --release) ...", flush=True)
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "quiver-sql", "--bin", "quiver",
                        "-p", "quiver-benches", "--bin", "sql_bench", "--bin", "tpch_frame"], cwd=REPO, check=True)
    return cargo_target_dir() / "release"


def ensure_data(args, tables, datagen, bins):
    missing = [p for p in tables.values() if not p.exists()]
    if not missing:
        return
    print(f"generating {', '.join(p.name for p in missing)} ...", flush=True)
    cmd = [str(bins / "quiver"), "--threads", str(args.threads), "datagen", *datagen]
    subprocess.run(cmd, check=True)
    still = [p for p in tables.values() if not p.exists()]
    if still:
        sys.exit(f"datagen did not write {still}")


def run_worker(engine, cmd, env, log, budget):
    """Runs one worker process, streaming its JSON lines; returns (name -> record, how it
    ended: None, 'killed' or the exit status)."""
    results = {}
    with open(log, "a") as err:
        err.write(f"== {engine}: {' '.join(cmd)}\n")
        err.flush()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env, cwd=REPO)
        killer = threading.Timer(budget, proc.kill)
        killer.start()
        try:
            for line in proc.stdout:
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    continue
                results[r["query"]] = r
                if "times" in r:
                    t = r["times"]
                    print(f"  {r['query']:>4}  min {min(t):8.3f} s  median {statistics.median(t):8.3f} s  "
                          f"{r['rows']} rows", flush=True)
                elif "error" in r:
                    print(f"  {r['query']:>4}  error: {r['error'][:200]}", flush=True)
            proc.wait()
        finally:
            killed = not killer.is_alive() and proc.returncode != 0
            killer.cancel()
    return results, ("killed" if killed else proc.returncode or None)


def run_engine(engine, make_cmd, env, log, budget, queries):
    """Runs an engine's queries in order; when its process dies (a crash, out of memory),
    the query it was running is reported and a new process runs the rest."""
    print(f"== {engine}", flush=True)
    results = {}
    remaining = list(queries)
    while remaining:
        got, ended = run_worker(engine, make_cmd(remaining), env, log, budget)
        results.update(got)
        remaining = [q for q in remaining if q not in results]
        if ended is None or not remaining:
            break
        if ended == "killed":
            for q in remaining:
                results[q] = {"query": q, "error": f"worker killed after {budget:.0f} s"}
            break
        results[remaining[0]] = {"query": remaining[0], "error": f"the process died (exit status {ended}, see {log.name})"}
        print(f"  {remaining[0]:>4}  error: the process died (exit status {ended})", flush=True)
        remaining = remaining[1:]
    for q in queries:
        results.setdefault(q, {"query": q, "missing": True})
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", choices=["tpch", "h2o-groupby", "h2o-join"], default="tpch")
    ap.add_argument("--sf", default="1", help="TPC-H scale factor")
    ap.add_argument("--rows", default="1e7", help="h2o rows (N)")
    ap.add_argument("--groups", default="100", help="h2o group-by groups (K)")
    ap.add_argument("--na", type=int, default=0, help="h2o NA percentage")
    ap.add_argument("--sorted", action="store_true", help="h2o data sorted by the keys")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5, help="timed runs per query")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per query first")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per query run")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ",".join(ENGINES))
    ap.add_argument("--queries", help="comma-separated subset, e.g. q01,q06 or j1")
    ap.add_argument("--mode", choices=["files", "memory"], default="files")
    ap.add_argument("--data", help="folder of the data files (default datasets/generated/...)")
    ap.add_argument("--tpch-queries", default=str(REPO.parent / "shared" / "tpch" / "queries"))
    ap.add_argument("--out", default=str(HERE / "results"), help="folder for the report")
    ap.add_argument("--bin-dir", help="folder with the quiver, sql_bench and tpch_frame binaries (skips the build)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries in the cargo target dir as they are")
    ap.add_argument("--no-check", action="store_true", help="skip the answer check")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        spec = json.loads(Path(args.spec).read_text())
        {"duckdb": duckdb_worker, "polars": polars_worker}[args.worker](spec)
        return 0

    started = time.perf_counter()
    tables, queries, labels, title, stem, datagen = suite_plan(args)
    if args.queries:
        wanted = args.queries.split(",")
        unknown = [q for q in wanted if q not in queries]
        if unknown:
            sys.exit(f"unknown queries {unknown}; the suite has {list(queries)}")
        queries = {q: s for q, s in queries.items() if q in wanted}
    engines = [e for e in args.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            sys.exit(f"unknown engine {e}; choose from {ENGINES}")
    if args.suite != "tpch" and "quiver-frame" in engines:
        engines.remove("quiver-frame")

    bins = binaries(args)
    ensure_data(args, tables, datagen, bins)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = f"{stem}-t{args.threads}" + ("-memory" if args.mode == "memory" else "")
    work = Path(tempfile.mkdtemp(prefix="quiver-compare-"))
    log = out / f"{name}.log"
    log.write_text("")
    tables = {t: p.resolve() for t, p in tables.items()}
    budget = args.timeout * (args.reps + args.warmup) * len(queries) + 300

    results = {}
    try:
        for engine in engines:
            answers = work / engine
            answers.mkdir()
            env = dict(os.environ)
            names = list(queries)
            common = ["--threads", str(args.threads), "--reps", str(args.reps), "--warmup", str(args.warmup),
                      "--timeout", str(args.timeout), "--answers", str(answers)]
            if engine == "quiver":
                sql_dir = work / "sql"
                sql_dir.mkdir(exist_ok=True)
                (sql_dir / "setup.sql").write_text(setup_sql(tables, args.mode))
                for q, text in queries.items():
                    (sql_dir / f"{q}.sql").write_text(text)

                def make_cmd(qs, sql_dir=sql_dir, common=common):
                    return [str(bins / "sql_bench"), *common, "--setup", str(sql_dir / "setup.sql"),
                            *[str(sql_dir / f"{q}.sql") for q in qs]]
            elif engine == "quiver-frame":
                written = subprocess.run([str(bins / "tpch_frame"), "--list"], check=True, capture_output=True,
                                         text=True).stdout.split()
                names = [q for q in names if q in written]
                data = tables["lineitem"].parent

                def make_cmd(qs, data=data, common=common):
                    return [str(bins / "tpch_frame"), *common, "--data", str(data), "--queries", ",".join(qs)]
            else:
                if engine == "polars":
                    env["POLARS_MAX_THREADS"] = str(args.threads)

                def make_cmd(qs, engine=engine, answers=answers):
                    spec = {
                        "suite": args.suite, "threads": args.threads, "reps": args.reps, "warmup": args.warmup,
                        "timeout": args.timeout, "mode": args.mode, "answers": str(answers),
                        "tables": {t: str(p) for t, p in tables.items()}, "setup": setup_sql(tables, args.mode),
                        "queries": [{"name": q, "sql": queries[q]} for q in qs],
                    }
                    spec_path = work / f"{engine}.json"
                    spec_path.write_text(json.dumps(spec))
                    return [sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--spec", str(spec_path)]

            got = run_engine(engine, make_cmd, env, log, budget, names)
            results[engine] = {q: got.get(q, {"query": q, "missing": True}) for q in queries}

        checks = {} if args.no_check else check_answers(work, engines, queries)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    from suites import report

    meta = {
        "title": title, "suite": args.suite, "threads": args.threads, "reps": args.reps, "warmup": args.warmup,
        "mode": args.mode, "cores": os.cpu_count(), "machine": f"{platform.system()} {platform.machine()}",
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "versions": versions(engines),
        "command": "python benches/compare.py " + " ".join(sys.argv[1:]),
        "elapsed": time.perf_counter() - started,
    }
    md = report.write(out / name, meta, engines, list(queries), labels, results, checks)
    print()
    print(md)
    print(f"wrote {out / name}.md, .png, .json and .log in {meta['elapsed']:.0f} s")
    return 0


def check_answers(work, engines, queries):
    """(engine, query) -> None (same as the reference) or the first difference;
    ("reference", query) -> the reference engine."""
    from suites.check import compare_all

    start = time.perf_counter()
    checks = {}
    for q in queries:
        answers = {e: work / e / f"{q}.parquet" for e in engines if (work / e / f"{q}.parquet").exists()}
        ref = next((e for e in [REFERENCE, *engines] if e in answers), None)
        if ref is None:
            continue
        checks[("reference", q)] = ref
        checks[(ref, q)] = None
        others = {e: p for e, p in answers.items() if e != ref}
        try:
            for e, diff in compare_all(answers[ref], others).items():
                checks[(e, q)] = diff
        except Exception as ex:  # noqa: BLE001 - report, don't stop the run
            for e in others:
                checks[(e, q)] = f"check failed: {ex}"
    print(f"checked the answers in {time.perf_counter() - start:.1f} s", flush=True)
    return checks


def versions(engines):
    v = {}
    if "duckdb" in engines:
        import duckdb

        v["duckdb"] = duckdb.__version__
    if "polars" in engines:
        out = subprocess.run([sys.executable, "-c", "import polars; print(polars.__version__)"],
                             capture_output=True, text=True)
        v["polars"] = out.stdout.strip()
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        v["quiver"] = rev.stdout.strip() or "?"
    except OSError:
        v["quiver"] = "?"
    return v


if __name__ == "__main__":
    sys.exit(main())
