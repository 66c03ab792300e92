"""The reliability table: what the matrix tests recorded, summarised per category.

Every matrix test takes the ``case`` fixture (tests/reliability/conftest.py) and says how the case
ended: ``case.refused(...)`` (a clear message naming the problem and a non-zero exit) or
``case.recovered(...)`` (exit 0 with complete, correct data: a transient fault retried, a tolerated
input); ``case.lost(n)`` records how many previously written files (cache entries, outputs) were
missing or changed afterwards, measured by checksums. When ``TRENDLIB_RELIABILITY_RESULTS`` names a
file, the conftest appends one JSON line per case there; :func:`summarise` and :func:`markdown`
turn those lines into the README table.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: category key -> heading in the table, in the table's order
CATEGORIES = {
    "google": "Google side (fake server: 429, 500, cuts, bad bodies, HTML/captcha/consent answers, far-future Retry-After, hangs, refused)",
    "process": "Process and disk (SIGKILL / Ctrl-C + resume, concurrent fetches, read-only / full / damaged "
               "folders, a full disk or a kill while a fetch, import or report replaces its files, report folders)",
    "input": "Input side (malformed data files, study files, web exports, provenance, requests)",
    "notebook": "Notebook side (raises, timeout, wrong parameter type)",
    "security": "Security basics (safe YAML, no pickle/eval, escaping, formula injection in CSV, confinement, "
                "secrets)",
}
RESULTS_ENV = "TRENDLIB_RELIABILITY_RESULTS"


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """The JSON lines written by a matrix run (last record per case wins)."""
    out: dict[str, dict[str, Any]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["nodeid"]] = rec
    return list(out.values())


def summarise(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per category: cases, refused clearly, recovered, failing, files lost or changed."""
    rows = {k: {"category": k, "title": t, "cases": 0, "refused": 0, "recovered": 0, "failing": 0,
                "lost": 0, "unmeasured": 0} for k, t in CATEGORIES.items()}
    for rec in records:
        row = rows.setdefault(rec["category"], {"category": rec["category"], "title": rec["category"], "cases": 0,
                                                "refused": 0, "recovered": 0, "failing": 0, "lost": 0,
                                                "unmeasured": 0})
        row["cases"] += 1
        if rec["outcome"] == "passed" and rec.get("handled") in ("refused", "recovered"):
            row[rec["handled"]] += 1
        else:
            row["failing"] += 1
        if rec.get("lost") is None:
            row["unmeasured"] += 1
        else:
            row["lost"] += int(rec["lost"])
    return [r for r in rows.values() if r["cases"]]


def markdown(rows: list[dict[str, Any]]) -> str:
    """The README table (GitHub markdown)."""
    head = ("| category | cases tried | refused with a clear message, non-zero exit | recovered, exit 0, "
            "data complete | failing | cases with earlier files checksummed | files lost or changed |\n"
            "|---|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    total = {k: 0 for k in ("cases", "refused", "recovered", "failing", "checked", "lost")}
    for r in rows:
        r = dict(r, checked=r["cases"] - r["unmeasured"])
        lines.append(f"| {r['title']} | {r['cases']} | {r['refused']} | {r['recovered']} | {r['failing']} | "
                     f"{r['checked']} | {r['lost']} |")
        for k in total:
            total[k] += r[k]
    lines.append(f"| **all** | **{total['cases']}** | **{total['refused']}** | **{total['recovered']}** | "
                 f"**{total['failing']}** | **{total['checked']}** | **{total['lost']}** |")
    return "\n".join(lines)
