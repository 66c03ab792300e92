"""Benchmark of the report suite: trendlib's runner against the plain papermill + nbconvert chain.

    .venv/bin/python benchmarks/bench_report.py            # full run (about 5-10 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_report.py --quick    # smaller sweeps
    .venv/bin/python benchmarks/bench_report.py --load     # only the load rows (about 10 minutes on 2 idle cores)

Measured in one run, on copies of the shipped studies and data in a temporary folder
(the repository is never modified):

- ``import trendlib`` and ``trendlib --help`` (best of 5, fresh interpreter each time);
- cold render of every shipped study (``--force``, empty output folder), its per-notebook
  times and the peak memory of the whole process tree;
- warm re-render with nothing changed;
- re-render after one study's data file changed (how many notebooks re-executed);
- the plain chain on the same studies and notebooks: ``papermill`` CLI, then
  ``jupyter nbconvert --to html`` twice (with and without code) per notebook;
- a sweep of N studies with 1 and 2 workers (speed-up), and the peak memory per worker
  process for a small and a large sweep (it should stay flat);
- load (``--load`` runs only these): sweeps of 25 and 100 studies (notebook 01 only, 2 workers:
  the full notebook set on 100 studies would take most of an hour on 2 cores), and one study of 10
  and of 50 queries over 5 years of daily data (ILLUSTRATIVE numbers made here; every shipped
  notebook): time per study or per query should stay flat (time linear in size), and so should the
  peak memory of one process.

Prints a Markdown table; ``--out FILE`` also writes it to a file.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")


class PeakMemory:
    """Samples the process tree under this benchmark: peak total RSS and peak RSS of one process."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.total, self.single = interval, 0, 0
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                procs = me.children(recursive=True)
                rss = [p.memory_info().rss for p in procs if p.is_running()]
            except psutil.Error:
                rss = []
            if rss:
                self.total = max(self.total, sum(rss))
                self.single = max(self.single, max(rss))
            time.sleep(self.interval)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run(cmd: list[str], *, cwd: Path, check: bool = True) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def best_of(cmd: list[str], n: int = 5) -> float:
    return min(run(cmd, cwd=ROOT) for _ in range(n))


def workspace() -> Path:
    """A copy of studies/, data/ and notebooks/ in a temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix="trendlib-bench-"))
    for sub in ("studies", "data", "notebooks"):
        shutil.copytree(ROOT / sub, tmp / sub)
    return tmp


def trendlib_cmd(*args: str) -> list[str]:
    return [str(BIN / "trendlib"), "report", *args]


def notebook_times(out: Path) -> dict[str, float]:
    times = {}
    for res in sorted(out.glob("*/results.json")):
        data = json.loads(res.read_text(encoding="utf-8"))
        for nb in data["notebooks"]:
            times[f"{res.parent.name}/{nb['notebook']}"] = nb["duration_s"]
    return times


def plain_chain(ws: Path, out: Path) -> float:
    """papermill CLI then nbconvert twice per notebook, as a typical project's Makefile does."""
    sys.path.insert(0, str(ROOT))
    from trendlib.study import load_study

    t0 = time.perf_counter()
    for study_file in sorted((ws / "studies").glob("*.yaml")):
        study = load_study(study_file)
        folder = out / study.name
        folder.mkdir(parents=True, exist_ok=True)
        params = {"study_file": str(study_file.resolve()), "output_dir": str(folder)}
        pfile = folder / "params.yaml"
        pfile.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
        for nb in sorted((ws / "notebooks").glob("[0-9][0-9]*-*.ipynb")):
            executed = folder / nb.name
            run([str(BIN / "papermill"), str(nb), str(executed), "-f", str(pfile), "--cwd", str(folder),
                 "-k", "python3", "--no-progress-bar"], cwd=ws)
            run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed),
                 "--output", f"{nb.stem}.report"], cwd=ws)
            run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)], cwd=ws)
    return time.perf_counter() - t0


def sweep_bench(ws: Path, n: int, workers: int) -> tuple[float, int]:
    """Render a sweep of n studies (notebook 01 only) with `workers` workers; wall time and peak RSS per process."""
    nbs = ws / f"nb-sweep-{n}-{workers}"
    nbs.mkdir()
    shutil.copy(ws / "notebooks" / "01-explore-search-interest.ipynb", nbs)
    dates = [f"2022-02-{d:02d}" for d in range(1, 29)] + [f"2022-01-{d:02d}" for d in range(1, 29)]
    sweep = ws / "studies" / f"bench-sweep-{n}.yaml.sweep"
    sweep.write_text(yaml.safe_dump({"name": f"bench-{n}-{workers}", "template": "invasion-2022.yaml",
                                     "vary": {"event_date": dates[:n]}}), encoding="utf-8")
    with PeakMemory() as mem:
        wall = run(trendlib_cmd("--sweep", str(sweep), "--out", str(ws / "sweeps"), "--jobs", str(workers),
                                "--notebooks", str(nbs), "--force"), cwd=ws)
    return wall, mem.single


SWEEP_SIZES = (25, 100)
QUERY_COUNTS = (10, 50)


def load_sweeps(ws: Path, jobs: int) -> list[tuple[str, str, str]]:
    """Sweeps of SWEEP_SIZES studies: seconds per study and peak RSS of one process, per size."""
    import datetime as dt
    nbs = ws / "nb-load"
    nbs.mkdir(exist_ok=True)
    shutil.copy(ws / "notebooks" / "01-explore-search-interest.ipynb", nbs)
    measured = []
    for n in SWEEP_SIZES:
        dates = [(dt.date(2021, 6, 1) + dt.timedelta(days=i)).isoformat() for i in range(n)]
        sweep = ws / "studies" / f"load-sweep-{n}.yaml.sweep"
        sweep.write_text(yaml.safe_dump({"name": f"load-{n}", "template": "invasion-2022.yaml",
                                         "vary": {"event_date": dates}}), encoding="utf-8")
        with PeakMemory() as mem:
            wall = run(trendlib_cmd("--sweep", str(sweep), "--out", str(ws / "load-sweeps"), "--jobs", str(jobs),
                                    "--notebooks", str(nbs), "--force"), cwd=ws)
        measured.append((n, wall, mem.single))
        shutil.rmtree(ws / "load-sweeps", ignore_errors=True)
    per = [w / n for n, w, _ in measured]
    return [(f"sweep of {' / '.join(str(n) for n, _, _ in measured)} studies (load)",
             " / ".join(f"{w:.0f}" for _, w, _ in measured) + " s",
             f"notebook 01 only, --jobs {jobs}; per study {' / '.join(f'{p:.2f}' for p in per)} s "
             f"(linear: largest/smallest {per[-1] / per[0]:.2f}); peak RSS of one process "
             + " / ".join(f"{m / 2**20:.0f}" for _, _, m in measured) + " MiB")]


def big_study(ws: Path, n_queries: int, *, years: int = 5) -> Path:
    """A study of ``n_queries`` daily series over ``years`` years: ILLUSTRATIVE numbers (a random walk
    per query, seeded), written as ``*_illustrative.csv`` so the report marks every page."""
    import datetime as dt

    import numpy as np
    import pandas as pd
    start, end = dt.date(2018, 1, 1), dt.date(2018 + years - 1, 12, 31)
    days = pd.date_range(start, end, freq="D")
    rng = np.random.default_rng(n_queries)
    frames = []
    for q in range(n_queries):
        walk = np.cumsum(rng.normal(0, 1, len(days)))
        value = np.round(100 * (walk - walk.min()) / (np.ptp(walk) or 1)).astype(int)
        frames.append(pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "query": f"query {q:02d}", "geo": "RU",
                                    "value": value, "value_low": value, "value_high": value, "n_samples": 1,
                                    "is_partial": "false", "resolution": "day",
                                    "source": "illustrative-load-benchmark"}))
    data = ws / "data" / "trends" / f"load-{n_queries}q_illustrative.csv"
    pd.concat(frames).to_csv(data, index=False, lineterminator="\n")
    study = ws / "studies" / f"load-{n_queries}q.yaml"
    study.write_text(yaml.safe_dump({
        "title": f"Load test: {n_queries} queries, {years} years of daily data (ILLUSTRATIVE)",
        "geo": "RU", "start": start.isoformat(), "end": end.isoformat(), "event_date": "2022-02-24",
        "queries": [{"term": f"query {q:02d}", "label": f"query {q:02d}"} for q in range(n_queries)],
        "trends": f"../data/trends/{data.name}", "events": "../data/events/events_2022.csv"},
        allow_unicode=True), encoding="utf-8")
    return study


def load_big_study(ws: Path, jobs: int) -> list[tuple[str, str, str]]:
    """One study of QUERY_COUNTS queries x 5 years daily, every shipped notebook: time and peak RSS."""
    measured = []
    for n in QUERY_COUNTS:
        study = big_study(ws, n)
        with PeakMemory() as mem:
            wall = run(trendlib_cmd(str(study), "--out", str(ws / "load-big"), "--jobs", str(jobs), "--force"),
                       cwd=ws)
        measured.append((n, wall, mem.single))
    per = [w / n for n, w, _ in measured]
    return [(f"one study of {' / '.join(str(n) for n, _, _ in measured)} queries, 5 years daily (load)",
             " / ".join(f"{w:.0f}" for _, w, _ in measured) + " s",
             f"every shipped notebook, --jobs {jobs}, ILLUSTRATIVE data; per query "
             f"{' / '.join(f'{p:.2f}' for p in per)} s; peak RSS of one process "
             + " / ".join(f"{m / 2**20:.0f}" for _, _, m in measured) + " MiB")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sweeps of 4 and 8 studies instead of 5 and 20")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", type=Path, help="also write the table to this file")
    ap.add_argument("--load", action="store_true", help="only the load rows (100-study sweep, 50-query study)")
    args = ap.parse_args()
    ws = workspace()
    rows: list[tuple[str, str, str]] = []
    try:
        if args.load:
            rows += load_sweeps(ws, args.jobs) + load_big_study(ws, args.jobs)
            return _print(rows, args.out)
        t_import = best_of([sys.executable, "-c", "import trendlib"])
        t_help = best_of([str(BIN / "trendlib"), "--help"])

        out = ws / "outputs"
        with PeakMemory() as mem:
            t_cold = run(trendlib_cmd("--all", "--force", "--out", str(out), "--jobs", str(args.jobs)), cwd=ws)
        per_nb = notebook_times(out)
        t_warm = run(trendlib_cmd("--all", "--out", str(out), "--jobs", str(args.jobs)), cwd=ws)
        # change one study's trends file (a trailing blank line: new sha256, same numbers) and re-render;
        # only that study's notebooks read it
        study = ws / "studies" / "invasion-2022.yaml"
        trends = (study.parent / yaml.safe_load(study.read_text(encoding="utf-8"))["trends"]).resolve()
        with trends.open("a", encoding="utf-8") as fh:
            fh.write("\n")
        t_changed = run(trendlib_cmd("--all", "--out", str(out), "--jobs", str(args.jobs)), cwd=ws)
        reexec = sum(1 for res in out.glob("*/results.json")
                     for nb in json.loads(res.read_text(encoding="utf-8"))["notebooks"] if not nb["reused"])
        t_plain = plain_chain(ws, ws / "plain")

        small, large = (4, 8) if args.quick else (5, 20)
        t1, mem1 = sweep_bench(ws, large, 1)
        t2, mem2 = sweep_bench(ws, large, 2)
        ts, mems = sweep_bench(ws, small, 2)

        n_nb = len(per_nb)
        rows += [
            ("`import trendlib`", f"{t_import * 1000:.0f} ms", "best of 5, fresh interpreter"),
            ("`trendlib --help`", f"{t_help * 1000:.0f} ms", "target < 500 ms"),
            ("cold render, all shipped studies", f"{t_cold:.1f} s", f"{n_nb} notebooks, --jobs {args.jobs}"),
            ("plain chain (papermill CLI + 2x nbconvert)", f"{t_plain:.1f} s", "same notebooks, sequential"),
            ("speed-up over the plain chain", f"{t_plain / t_cold:.1f}x", "target >= 4x"),
            ("warm re-render, nothing changed", f"{t_warm:.2f} s", "target < 2 s"),
            ("re-render after one data file changed", f"{t_changed:.1f} s",
             f"{reexec} of {n_nb} notebooks re-executed"),
            ("peak memory, cold render (process tree)", f"{mem.total / 2**20:.0f} MiB",
             f"largest single process {mem.single / 2**20:.0f} MiB"),
            (f"sweep of {large} studies, 1 worker", f"{t1:.1f} s", "notebook 01 only"),
            (f"sweep of {large} studies, 2 workers", f"{t2:.1f} s", f"speed-up {t1 / t2:.2f}x"),
            (f"peak RSS per process, sweep of {small} / {large}", f"{mems / 2**20:.0f} / {mem2 / 2**20:.0f} MiB",
             "flat as the sweep grows"),
        ]
        for name, secs in sorted(per_nb.items()):
            rows.append((f"notebook {name}", f"{secs:.1f} s", "cold, in the kernel"))
        rows += load_sweeps(ws, args.jobs) + load_big_study(ws, args.jobs)
    finally:
        shutil.rmtree(ws, ignore_errors=True)
    return _print(rows, args.out)


def _print(rows: list[tuple[str, str, str]], out: Path | None) -> int:
    cpu = platform.processor() or platform.machine()
    header = (f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, "
              f"{psutil.virtual_memory().total / 2**30:.0f} GiB, {cpu}, Python {platform.python_version()}.\n\n")
    table = "| measure | result | note |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    print(header + table, flush=True)
    if out:
        out.write_text(header + table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
