"""Benchmark: the cost of reading or refusing website exports (``trendlib.read_web_export``).

Cases: the whole corpus of real exports (tests/fixtures/webexports/real, read or refused as its
manifest says), and 50 MB malformed files of the kinds that cost the old parser 107 s and 3.6 GB: a
valid head followed by millions of rows (a concatenation), one enormous line, random binary bytes,
and a 1.3 MB file with its one bad value on the last row (so the whole file must be read first).
Each case runs in a fresh Python process so that its peak memory (max RSS, Python and pandas
included) is its own. The generated files are written to a temporary folder and removed.

Run:  .venv/bin/python benchmarks/bench_import.py      (about 20 s; prints a table)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "webexports" / "real"
MB = 1_000_000

CHILD = r"""
import json, resource, sys, time
from trendlib.datasets.webexport import WebExportError, read_web_export
t = time.perf_counter(); c = time.process_time(); read = refused = 0; last = ""
for p in sys.argv[1:]:
    try:
        read_web_export(p); read += 1
    except WebExportError as exc:
        refused += 1; last = str(exc).split(": ", 1)[-1][:70]
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "read": read, "refused": refused, "message": last,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _generate(folder: Path) -> dict[str, list[Path]]:
    head = "Category: All categories\n\nWeek,visa: (Russia)\n"
    concat = folder / "concatenated_50MB.csv"
    with open(concat, "w", encoding="utf-8") as fh:
        fh.write(head)
        fh.write("2022-09-04,3\n" * (50 * MB // 13))
    line = folder / "one_line_50MB.csv"
    line.write_text(head + "2022-09-04," + "9" * (50 * MB) + "\n", encoding="utf-8")
    binary = folder / "binary_50MB.csv"
    binary.write_bytes(os.urandom(50 * MB))
    late = folder / "bad_last_row_1MB.csv"
    import datetime as dt
    with open(late, "w", encoding="utf-8") as fh:
        fh.write("Category: All categories\n\nDay,visa: (Russia)\n")
        d = dt.date(2004, 1, 1)
        for _ in range(99_990):
            fh.write(f"{d.isoformat()},3\n")
            d += dt.timedelta(days=1)
        fh.write(f"{d.isoformat()},101\n")
    return {"concatenation (valid head, 3.8 M rows)": [concat], "one 50 MB line": [line],
            "random binary bytes": [binary], "bad value on the last of 99,991 rows": [late]}


def _run(paths: list[Path]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", CHILD, *map(str, paths)], capture_output=True, text=True, env=env,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    rows = []
    corpus = sorted(CORPUS.glob("*.csv"))
    r = _run(corpus)
    size = sum(p.stat().st_size for p in corpus) / MB
    rows.append((f"real corpus ({len(corpus)} files)", f"{size:.2f}", f"{r['read']} read, {r['refused']} refused",
                 r["seconds"], r["cpu"], r["max_rss_mb"], ""))
    with tempfile.TemporaryDirectory() as tmp:
        for name, paths in _generate(Path(tmp)).items():
            r = _run(paths)
            size = sum(p.stat().st_size for p in paths) / MB
            rows.append((name, f"{size:.1f}", "refused" if r["refused"] else "read", r["seconds"], r["cpu"],
                         r["max_rss_mb"], r["message"]))
    print("| case | MB | outcome | wall s | CPU s | peak memory MB (whole process) | message (start) |")
    print("|---|---:|---|---:|---:|---:|---|")
    for name, size, outcome, secs, cpu, rss, msg in rows:
        print(f"| {name} | {size} | {outcome} | {secs:.2f} | {cpu:.2f} | {rss:.0f} | {msg} |")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} cores; seconds exclude interpreter start-up; the "
          "corpus row includes building the CLDR and ISO 3166-2 name indexes once; measured "
          f"{time.strftime('%Y-%m-%d')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
