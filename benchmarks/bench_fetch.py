"""Benchmark: 10 queries x 2 years of daily Google Trends, against the fake Google server.

Compares, on the same simulated latent truth and the same fake server (real pytrends HTTP
over loopback, nothing mocked):

* trendlib      - ``trendlib.fetch_trends`` (anchored batches, overlapping windows stitched
                  jointly, pinned to a weekly pull, probe-chosen anchor);
* dailydata     - ``pytrends.dailydata.get_daily_data`` (month-by-month daily pulls scaled
                  by one monthly pull, one query at a time), as shipped in pytrends 4.9.2;
* naive         - non-overlapping 269-day daily windows, batches of 5, concatenated as is.

Columns: HTTP requests sent (cookie + explore + widget calls), wall time measured here
(no rate limit) and projected at one request every 5 s, the share of values missing,
the median absolute log error against the latent truth (after one common scale factor for
all queries; and after one factor per query, which ignores cross-query calibration), and
the median absolute log error of cross-query ratios (of 2-year means, over all 45 pairs).

Run:  .venv/bin/python benchmarks/bench_fetch.py     (about 20 s; prints a table)
      .venv/bin/python benchmarks/bench_fetch.py --pandas22-python /path/to/venv-pandas22/bin/python
      (the second also runs dailydata where it works: a venv with pandas 2.2 and pytrends 4.9.2)
The numbers are from simulated data: they measure the methods, not Google.
"""
from __future__ import annotations

import itertools
import logging
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from trendlib.testing import simulate
from trendlib.testing.fakegoogle import FakeGoogle
from trendlib.trends.client import TrendsClient, parse_multiline, pytrends_pointed_at
from trendlib.trends.fetch import fetch_trends

START, END = "2021-01-01", "2022-12-31"
TODAY = "2023-03-01"
RATE = 5.0  # seconds per request for the projected wall time
LEVELS = [30000, 12000, 6000, 3000, 1500, 800, 400, 200, 120, 60]
TERMS = [f"query{i}" for i in range(10)]


def make_truth() -> pd.DataFrame:
    curves = {}
    for i, (t, base) in enumerate(zip(TERMS, LEVELS)):
        steps = [("2022-09-21", 1.0 + (i % 4))] if i % 2 == 0 else [("2022-02-24", 0.5 + 0.3 * (i % 3))]
        spikes = [("2022-03-05", 4.0, 5.0)] if i % 3 == 0 else []
        curves[(t, "RU")] = simulate.latent_curve("2020-06-01", "2023-02-28", baseline=base, weekly=0.2,
                                                  trend=0.1 * ((i % 5) - 2), steps=steps, spikes=spikes,
                                                  noise=0.08, seed=100 + i)
    return simulate.latent_frame(curves)


def metrics(est: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """est: date, query, value (NaN allowed)."""
    tr = truth[truth["date"].between(START, END)][["date", "query", "volume"]]
    m = tr.merge(est[["date", "query", "value"]], on=["date", "query"], how="left")
    missing = float(m["value"].isna().mean())
    ok = m[(m["value"] > 0) & m["value"].notna()].copy()
    ok["d"] = np.log(ok["value"]) - np.log(ok["volume"])
    one = float(np.median(np.abs(ok["d"] - ok["d"].median())))
    per = float(np.median(np.abs(ok["d"] - ok.groupby("query")["d"].transform("median"))))
    means = m.dropna(subset=["value"]).groupby("query")[["value", "volume"]].mean()
    ratio_err = []
    for a, b in itertools.combinations(means.index, 2):
        if means.loc[a, "value"] > 0 and means.loc[b, "value"] > 0:
            ratio_err.append(abs(np.log((means.loc[a, "value"] / means.loc[b, "value"])
                                        / (means.loc[a, "volume"] / means.loc[b, "volume"]))))
    return {"missing": missing, "male_one_scale": one, "male_per_query": per,
            "ratio_err": float(np.median(ratio_err)) if ratio_err else float("nan")}


def run_trendlib(fake: FakeGoogle, cache: Path) -> tuple[pd.DataFrame, int, float]:
    n0, t0 = fake.count(), time.perf_counter()
    res = fetch_trends(TERMS, geo="RU", start=START, end=END, resolution="day", base_url=fake.url,
                       cache_dir=cache, fetch_day=TODAY, min_interval=0.0, backoff=0.01)
    return res.frame[["date", "query", "value"]], fake.count() - n0, time.perf_counter() - t0


def run_dailydata(fake: FakeGoogle) -> tuple[pd.DataFrame | None, int, float, str]:
    from pytrends.dailydata import get_daily_data
    n0, t0 = fake.count(), time.perf_counter()
    parts, note = [], ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytrends_pointed_at(fake.url):
                for t in TERMS:
                    df = get_daily_data(t, 2021, 1, 2022, 12, geo="RU", verbose=False, wait_time=0)
                    parts.append(pd.DataFrame({"date": df.index, "query": t, "value": df[t].to_numpy(float)}))
    except Exception as exc:  # noqa: BLE001 - the benchmark reports whatever pytrends raises
        note = f"failed: {type(exc).__name__}: {exc}"[:80]
    est = pd.concat(parts, ignore_index=True) if parts else None
    if est is not None:
        est["date"] = pd.to_datetime(est["date"]).dt.normalize()
        est = est.groupby(["date", "query"], as_index=False)["value"].mean()
    return est, fake.count() - n0, time.perf_counter() - t0, note


_SIDE_SCRIPT = r"""
import sys, warnings
import pandas as pd
from pytrends import request as pr
from pytrends.dailydata import get_daily_data
url, out, terms = sys.argv[1], sys.argv[2], sys.argv[3:]
base = pr.BASE_TRENDS_URL
pr.BASE_TRENDS_URL = url
for n in [n for n in vars(pr.TrendReq) if n.endswith("_URL")]:
    setattr(pr.TrendReq, n, url + getattr(pr.TrendReq, n)[len(base):])
parts = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for t in terms:
        df = get_daily_data(t, 2021, 1, 2022, 12, geo="RU", verbose=False, wait_time=0)
        parts.append(pd.DataFrame({"date": df.index, "query": t, "value": df[t].to_numpy(float)}))
pd.concat(parts).to_csv(out, index=False)
print(pd.__version__)
"""


def run_dailydata_side(fake: FakeGoogle, python: str, tmp: Path) -> tuple[pd.DataFrame | None, int, float, str]:
    """pytrends dailydata in another Python (e.g. a venv with pandas 2.2), against the same fake server."""
    import subprocess
    out = tmp / "dailydata.csv"
    n0, t0 = fake.count(), time.perf_counter()
    proc = subprocess.run([python, "-c", _SIDE_SCRIPT, fake.url, str(out), *TERMS], capture_output=True, text=True,
                          timeout=1800)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return None, fake.count() - n0, wall, f"failed: {proc.stderr.strip().splitlines()[-1][:80]}"
    est = pd.read_csv(out, parse_dates=["date"])
    est["date"] = est["date"].dt.normalize()
    est = est.groupby(["date", "query"], as_index=False)["value"].mean()
    return est, fake.count() - n0, wall, f"pandas {proc.stdout.strip()} in {python}"


def run_naive(fake: FakeGoogle) -> tuple[pd.DataFrame, int, float]:
    n0, t0 = fake.count(), time.perf_counter()
    client = TrendsClient(base_url=fake.url, min_interval=0.0, backoff=0.01)
    windows, s = [], pd.Timestamp(START)
    while s <= pd.Timestamp(END):
        e = min(s + pd.Timedelta(days=268), pd.Timestamp(END))
        windows.append((s, e))
        s = e + pd.Timedelta(days=1)
    parts = []
    for ws, we in windows:
        for batch in (TERMS[:5], TERMS[5:]):
            tf = f"{ws:%Y-%m-%d} {we:%Y-%m-%d}"
            raw = client.interest_over_time(batch, timeframe=tf, geo="RU")
            parts.append(parse_multiline(raw.text, terms=batch, geo="RU", resolution=raw.resolution, expected="day"))
    est = pd.concat(parts, ignore_index=True)
    return est[["date", "query", "value"]], fake.count() - n0, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pandas22-python", metavar="PYTHON", default=None,
                    help="also run pytrends dailydata under this interpreter (a venv with pandas 2.2 and "
                         "pytrends 4.9.2), since it is broken on pandas 3")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    truth = make_truth()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, FakeGoogle(truth, today=TODAY, seed=42, sample_rate=0.1) as fake:
        est, n, wall = run_trendlib(fake, Path(tmp) / "cache")
        rows.append(("trendlib", n, wall, metrics(est, truth), ""))
        est, n, wall, note = run_dailydata(fake)
        m = metrics(est, truth) if est is not None else {}
        import pandas
        if m and m["missing"] > 0.5:
            note = (f"pandas {pandas.__version__}: ffill(inplace) on a column is a no-op under copy-on-write, "
                    f"{m['missing']:.0%} of values NaN" + ("" if args.pandas22_python else
                                                          " (add --pandas22-python to run it under pandas 2.2)"))
        rows.append(("pytrends dailydata", n, wall, m, note))
        if args.pandas22_python:
            est, n, wall, note = run_dailydata_side(fake, args.pandas22_python, Path(tmp))
            rows.append(("dailydata, pandas 2.2", n, wall, metrics(est, truth) if est is not None else {}, note))
        est, n, wall = run_naive(fake)
        rows.append(("naive concatenation", n, wall, metrics(est, truth), ""))
    head = (f"{'method':<22}{'HTTP req':>9}{'wall s':>8}{'@5s/req':>9}{'missing':>9}{'MALE 1 scale':>14}"
            f"{'MALE per q':>12}{'ratio err':>11}")
    print("10 queries x 2 years daily (2021-01-01..2022-12-31), fake Google, simulated latent truth")
    print(head)
    print("-" * len(head))
    for name, n, wall, m, note in rows:
        fmt = (lambda k: f"{m[k]:.3f}" if m and np.isfinite(m[k]) else "n/a")
        print(f"{name:<22}{n:>9}{wall:>8.1f}{n * RATE / 60:>8.0f}m{(m.get('missing', float('nan'))):>9.1%}"
              f"{fmt('male_one_scale'):>14}{fmt('male_per_query'):>12}{fmt('ratio_err'):>11}")
        if note:
            print(f"  note: {note}")
    print("MALE = median |log(estimate) - log(truth)| after one common scale factor (1 scale) or one per query;"
          "\nratio err = median |log error| of the 45 cross-query ratios of 2-year means. Lower is better.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
