"""The comparison's report: a Markdown table (min / median seconds per engine and query,
Quiver's median over the best other engine's, the answer check), the geometric means, a
PNG chart of the per-query ratios, and the raw numbers as JSON."""

import json
import math
import statistics

OTHERS = ["duckdb", "polars"]


def _stats(r):
    if r and "times" in r:
        return min(r["times"]), statistics.median(r["times"])
    return None


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def ratios(engines, queries, results):
    """query -> Quiver's median / the best other engine's median (when both ran)."""
    out = {}
    for q in queries:
        mine = _stats(results.get("quiver", {}).get(q))
        others = [s[1] for e in OTHERS if e in engines for s in [_stats(results[e].get(q))] if s]
        if mine and others and min(others) > 0:
            out[q] = mine[1] / min(others)
    return out


def _path(stem, ext):
    # Not with_suffix: names such as tpch-sf0.1-t2 have dots.
    return stem.parent / (stem.name + ext)


def write(stem, meta, engines, queries, labels, results, checks):
    rat = ratios(engines, queries, results)
    notes = []
    lines = [
        f"## {meta['title']}: {meta['threads']} threads",
        "",
        f"{meta['date']}, {meta['machine']}, {meta['cores']} cores; "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + f"; {'tables loaded in memory' if meta['mode'] == 'memory' else 'queries on the Parquet files'}; "
        f"min / median seconds of {meta['reps']} runs after {meta['warmup']} warm-up"
        + (f" (run took {meta['elapsed']:.0f} s)" if meta.get("elapsed") else ""),
        "",
        f"`{meta['command']}`",
        "",
        "| query | " + " | ".join(engines) + " | Quiver / best other | answers |",
        "|---|" + "---|" * len(engines) + "---|---|",
    ]
    for q in queries:
        label = f"{q} ({labels[q]})" if q in labels else q
        cells = []
        bad = []
        for e in engines:
            r = results.get(e, {}).get(q)
            s = _stats(r)
            if s:
                cell = f"{s[0]:.3f} / {s[1]:.3f}"
                diff = checks.get((e, q))
                if diff:
                    cell += " ✗"
                    bad.append(e)
                    notes.append(f"- {q} {e}: answer differs from {checks.get(('reference', q))}: {diff}")
            elif r and r.get("error"):
                cell = "error"
                notes.append(f"- {q} {e}: {r['error'][:300]}")
            else:
                cell = "n/a"
            cells.append(cell)
        compared = [e for e in engines if (e, q) in checks and e != checks.get(("reference", q))]
        if not checks:
            answer = "not checked"
        elif not compared:
            answer = "–"
        elif bad:
            answer = "differ: " + ", ".join(bad)
        else:
            answer = "same"
        ratio = f"{rat[q]:.2f}x" if q in rat else "–"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} | {answer} |")
    lines.append("")
    g = geomean(list(rat.values()))
    if g:
        lines.append(f"Geometric mean of Quiver / best other over {len(rat)} of {len(queries)} queries: **{g:.2f}x**"
                     + " (below 1: Quiver is faster).")
    for e in OTHERS:
        if e in engines and "quiver" in engines:
            pairs = [(_stats(results["quiver"].get(q)), _stats(results[e].get(q))) for q in queries]
            rs = [a[1] / b[1] for a, b in pairs if a and b and b[1] > 0]
            if rs:
                lines.append(f"Quiver / {e}: geometric mean {geomean(rs):.2f}x over {len(rs)} queries.")
    if notes:
        lines += ["", "Notes:", ""] + notes
    md = "\n".join(lines) + "\n"
    _path(stem, ".md").write_text(md)
    raw = {
        "meta": meta,
        "results": results,
        "ratios": rat,
        "checks": {f"{e}/{q}": v for (e, q), v in checks.items()},
    }
    _path(stem, ".json").write_text(json.dumps(raw, indent=1))
    chart(_path(stem, ".png"), meta, engines, queries, results, rat)
    return md


def chart(path, meta, engines, queries, results, rat):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(max(8, 0.55 * len(queries) + 3), 8), sharex=True)
    xs = range(len(queries))
    values = [rat.get(q) for q in queries]
    colors = ["#2e7d32" if v and v <= 1 else "#c62828" for v in values]
    top.bar(xs, [v or 0 for v in values], color=colors)
    top.axhline(1, color="black", linewidth=0.8)
    if any(values):
        top.set_yscale("log")
        plain = FuncFormatter(lambda v, _: f"{v:g}")
        top.yaxis.set_major_formatter(plain)
        top.yaxis.set_minor_formatter(plain)
    for x, v in zip(xs, values):
        top.annotate(f"{v:.2f}" if v else "n/a", (x, v or 1), ha="center", va="bottom", fontsize=8)
    g = geomean([v for v in values if v])
    top.set_ylabel("Quiver median / best other")
    top.set_title(f"{meta['title']}, {meta['threads']} threads"
                  + (f": geometric mean {g:.2f}x" if g else ""))
    width = 0.8 / len(engines)
    for i, e in enumerate(engines):
        med = [(_stats(results.get(e, {}).get(q)) or (None, None))[1] for q in queries]
        bottom.bar([x - 0.4 + width * (i + 0.5) for x in xs], [m or 0 for m in med], width, label=e)
    bottom.set_yscale("log")
    bottom.set_ylabel("median seconds")
    bottom.legend(fontsize=8)
    bottom.set_xticks(list(xs))
    bottom.set_xticklabels(queries, rotation=0 if len(queries) <= 12 else 45)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
