"""Benchmark: calibration of the event study and of the lead/lag tests under persistent noise.

Known-answer simulations (trendlib.analysis.calibration; simulated data only):

* Event study, nominal 5 % / 95 %, Google-like index rounded to integers (0-100), AR(1)
  noise with phi in {0, 0.5, 0.9} (marginal sd 0.15 on the log scale), weekly (52
  baseline weeks, fold window weeks 0-1) and daily (60 baseline days with a weekly
  pattern, fold window days 0-6). Columns: false-positive rate (null runs with p < 5 %),
  coverage of the true fold by the 95 % interval, bias of the log fold (about percent) and
  power (p < 5 % and fold > 1) for an effect of x1.5, for trendlib beside the simple
  alternatives a user might pick: the pre-period mean and sd (points treated as
  independent) and a statsmodels SARIMAX(1,0,0) forecast with plug-in intervals.
* Lead/lag: two independent series (random walks, AR(1) with phi 0.5 and 0.9) of 60,
  120 and 365 days: share of runs with any relation significant after the Holm
  correction, share whose words claim a direction (the sentence a reader sees,
  trendlib.text.lead_lag_phrase: it names one only when a test at that lag survives), and
  how often the earlier phrase (built from the peak correlation) named one; plus a planted
  3-day lead to show the lag is recovered with the right sign.

Targets (issue 12): false positives <= 6 % and coverage >= 92 % in every event-study
cell, power within a few points of the earlier method; lead/lag false positives <= 6 %.

Run:  .venv/bin/python benchmarks/bench_calibration.py               (400 runs per cell; ~30 min on 2 busy cores)
      .venv/bin/python benchmarks/bench_calibration.py --runs 40     (a quick look)
Options: --runs N, --sarimax-runs N (the slow alternative; default 100), --jobs N (processes;
default 2), --only event|leadlag, --out FILE (markdown).
"""
from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # tiny matrices: threaded BLAS only adds contention between processes

import argparse
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import pandas as pd

from trendlib.analysis import calibration as cal

EVENT_CELLS = [(f, phi) for f in ("week", "day") for phi in (0.0, 0.5, 0.9)]
LEADLAG_NULL = [("random walk", 0.0, n) for n in (60, 120, 365)] + [
    ("ar1", phi, n) for phi in (0.5, 0.9) for n in (60, 120, 365)]


def _md(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.1f}" if isinstance(v, float) else str(v) for v in row) + " |")
    return "\n".join(lines)


def event_table(runs: int, sarimax_runs: int, pool) -> pd.DataFrame:
    frames = []
    fast = ["trendlib", "pre-period mean and sd"]
    for freq, phi in EVENT_CELLS:
        t = time.time()
        frames.append(cal.event_cell(freq, phi, runs=runs, pool=pool, methods=fast))
        if sarimax_runs:
            frames.append(cal.event_cell(freq, phi, runs=sarimax_runs, pool=pool, methods=["SARIMAX(1,0,0) plug-in"]))
        print(f"  event study {freq} phi={phi:g}: {time.time() - t:.0f} s", file=sys.stderr, flush=True)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "series", [("weekly, 52 wk" if f == "week" else "daily, 60 d") for f in out.pop("frequency")])
    return out.rename(columns={"false_positive_pct": "false pos. %", "coverage_pct": "coverage %",
                               "bias_pct": "bias %", "power_pct": "power % (x1.5)"})


def leadlag_table(runs: int, pool) -> pd.DataFrame:
    rows = []
    for kind, phi, n in LEADLAG_NULL:
        t = time.time()
        rows.append(cal.leadlag_cell(kind, n, runs=runs, phi=phi, pool=pool))
        print(f"  lead/lag {kind} phi={phi:g} n={n}: {time.time() - t:.0f} s", file=sys.stderr, flush=True)
    for kind, phi in (("random walk", 0.0), ("ar1", 0.5)):
        r = cal.leadlag_cell(kind, 120, runs=max(runs // 4, 10), phi=phi, pool=pool, lead=3)
        r["series"] += ", searches lead by 3 days"
        rows.append(r)
    out = pd.DataFrame(rows)
    out["right lag %"] = out.pop("right_lag_pct") if "right_lag_pct" in out else float("nan")
    return out.rename(columns={"significant_pct": "significant %", "words_claim_direction_pct": "words claim a lead/lag %",
                               "peak_lag_words_pct": "earlier phrase named one %", "tests_that_fired": "tests that fired"})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=400, help="runs per cell (null and effect each; default 400)")
    ap.add_argument("--sarimax-runs", type=int, default=100,
                    help="runs per cell for the SARIMAX alternative (about 1 s per fit; default 100, 0 = skip)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--only", choices=("event", "leadlag"), default=None)
    ap.add_argument("--out", type=Path, help="also write the tables (markdown) to this file")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.jobs < 1:
        ap.error(f"--runs {args.runs} and --jobs {args.jobs} must be at least 1")
    parts = []
    t0 = time.time()
    with Pool(args.jobs) as pool:
        if args.only in (None, "event"):
            parts.append(f"Event study, nominal 5 % / 95 %, `runs` null + `runs` effect runs per cell\n\n"
                         + _md(event_table(args.runs, min(args.sarimax_runs, args.runs), pool)))
        if args.only in (None, "leadlag"):
            parts.append(f"Lead/lag on independent series (Holm across all tests of a pair), {args.runs} runs per "
                         "cell (planted leads: a quarter of that)\n\n" + _md(leadlag_table(args.runs, pool)))
    text = "\n\n".join(parts) + f"\n\n(simulated data; {time.time() - t0:.0f} s with {args.jobs} processes)\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
