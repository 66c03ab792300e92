"""Benchmark: many queries x 2 years of daily Google Trends, against the fake Google server, two query sets.

Two query sets, each on its own simulated latent truth (real pytrends HTTP over loopback,
nothing mocked; the numbers are from SIMULATED data: they measure the methods, not Google):

* today's set - 10 queries over 500x in level (30000 .. 60 searches a day), steps, a few 4x spikes;
* wide-range  - 12 queries over 1000x (60000 .. 60), spikes of 80x, 20x, 8x and 3x their base,
                and a steady very common query (no trend, weak weekly cycle).

Methods:

* trendlib           - ``trendlib.fetch_trends`` (default ``batching="magnitude"``: probe,
                       ladder of batches of neighbours in level, joint ladder calibration,
                       re-pulls of swamped windows, overlapping windows stitched jointly, pinned);
* trendlib typed     - the same with ``batching="typed"`` (one probe-chosen anchor in every batch,
                       terms in typed order): today's plan, the request baseline;
* dailydata          - ``pytrends.dailydata.get_daily_data`` (month-by-month daily pulls scaled
                       by one monthly pull, one query at a time), as shipped in pytrends 4.9.2;
* naive              - non-overlapping 269-day daily windows, batches of 5, concatenated as is;
* gtab method (re-impl.) - a re-implementation of gtab's anchor-bank calibration, labelled so
                       (gtab 0.8 downloads from PyPI, but its bank builder is a no-op under pandas 3
                       copy-on-write and blocks on ``input()`` at a 429): a bank of 11 anchor
                       queries of graded popularity chained through the maxima of overlapping
                       5-anchor pulls, then for each query a binary search for an anchor whose
                       maximum and the query's are both >= 10 in one pull; the query's whole-span
                       (weekly) series is put on the bank's scale. Its errors are measured weekly.

Columns: HTTP requests sent (cookie + explore + widget calls), the share of values missing,
MALE = the median absolute log error of every (query, day) value against the latent truth after
one common scale factor, and the worst query's level error on the common scale: the largest
``|mean estimate / mean truth - 1|`` over queries after the same common factor (the median
query's log error removed). Targets (issue 13): worst level error <= 5 % and MALE <= 0.05 on
both sets, trendlib's requests at most 25 % above ``trendlib typed``.

Then, per query set, trendlib (both batchings) again over several seeds of the fake's sampling
(``--seeds``, default 42-46; the main table uses the first): MALE mean and spread, the worst level
error's largest value, and the *one-sample floor*: an oracle that knows the true scale and suffers
no rounding, only one Poisson sample of each day at the fake's sampling rate. A method beats that
floor only by combining several independent samples of a day (overlapping windows, batches).

Run:  .venv/bin/python benchmarks/bench_fetch.py     (a few minutes; prints the tables)
      .venv/bin/python benchmarks/bench_fetch.py --pandas22-python /path/to/venv-pandas22/bin/python
      (the second also runs dailydata where it works: a venv with pandas 2.2 and pytrends 4.9.2)
"""
from __future__ import annotations

import logging
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trendlib.testing import FakeGoogle, simulate
from trendlib.trends.client import TrendsClient, parse_multiline, pytrends_pointed_at
from trendlib.trends.fetch import fetch_trends

START, END = "2021-01-01", "2022-12-31"
TODAY = "2023-03-01"
GEO = "RU"
SAMPLE_RATE = 0.1   # the fake's share of searches in Google's sample


@dataclass(frozen=True)
class QuerySet:
    name: str
    terms: list[str]
    truth: pd.DataFrame


def todays_set() -> QuerySet:
    levels = [30000, 12000, 6000, 3000, 1500, 800, 400, 200, 120, 60]
    terms = [f"query{i}" for i in range(10)]
    curves = {}
    for i, (t, base) in enumerate(zip(terms, levels)):
        steps = [("2022-09-21", 1.0 + (i % 4))] if i % 2 == 0 else [("2022-02-24", 0.5 + 0.3 * (i % 3))]
        spikes = [("2022-03-05", 4.0, 5.0)] if i % 3 == 0 else []
        curves[(t, GEO)] = simulate.latent_curve("2020-06-01", "2023-02-28", baseline=base, weekly=0.2,
                                                 trend=0.1 * ((i % 5) - 2), steps=steps, spikes=spikes,
                                                 noise=0.08, seed=100 + i)
    return QuerySet("today's set (10 queries, 500x)", terms, simulate.latent_frame(curves))


def wide_set() -> QuerySet:
    """12 queries typed in no particular order over 1000x, spikes of 80x/20x/8x/3x, one steady giant."""
    levels = [60000, 400, 9000, 60, 2500, 150, 25000, 900, 100, 4000, 250, 1500]
    spikes = {1: ("2022-03-05", 80.0, 3.0), 4: ("2021-08-15", 20.0, 4.0), 7: ("2022-06-10", 8.0, 5.0),
              10: ("2021-11-20", 3.0, 6.0)}
    terms = [f"wide{i:02d}" for i in range(len(levels))]
    curves = {}
    for i, (t, base) in enumerate(zip(terms, levels)):
        steady = i == 0
        curves[(t, GEO)] = simulate.latent_curve(
            "2020-06-01", "2023-02-28", baseline=base, weekly=0.05 if steady else 0.2,
            trend=0.0 if steady else 0.1 * ((i % 5) - 2),
            steps=[] if steady else [("2022-02-24", 0.6 + 0.2 * (i % 4))],
            spikes=[spikes[i]] if i in spikes else [], noise=0.03 if steady else 0.08, seed=300 + i)
    return QuerySet("wide-range set (12 queries, 1000x, spikes up to 80x)", terms, simulate.latent_frame(curves))


# --------------------------------------------------------------------------- metrics

def metrics(est: pd.DataFrame | None, truth: pd.DataFrame, *, weekly: bool = False) -> dict[str, float]:
    """est: date, query, value (NaN allowed). ``weekly``: est holds Sunday-start weeks; truth is averaged so."""
    if est is None:
        return {}
    tr = truth[truth["date"].between(START, END)][["date", "query", "volume"]]
    if weekly:
        d = pd.to_datetime(tr["date"])
        tr = tr.assign(date=d - pd.to_timedelta((d.dt.day_of_week + 1) % 7, unit="D"))
        tr = tr.groupby(["date", "query"], as_index=False)["volume"].mean()
    m = tr.merge(est[["date", "query", "value"]], on=["date", "query"], how="left")
    missing = float(m["value"].isna().mean())
    ok = m[(m["value"] > 0) & m["value"].notna()].copy()
    ok["d"] = np.log(ok["value"]) - np.log(ok["volume"])
    male = float(np.median(np.abs(ok["d"] - ok["d"].median())))
    means = m.dropna(subset=["value"]).groupby("query")[["value", "volume"]].mean()
    means = means[means["value"] > 0]
    lv = np.log(means["value"]) - np.log(means["volume"])
    worst = float(np.max(np.abs(np.exp(lv - lv.median()) - 1))) if len(lv) else float("nan")
    if len(means) < truth["query"].nunique():
        worst = float("inf")  # a query with no positive estimate: its level is lost
    return {"missing": missing, "male": male, "worst": worst}


# --------------------------------------------------------------------------- methods

def run_trendlib(fake: FakeGoogle, qs: QuerySet, cache: Path, batching: str) -> tuple[pd.DataFrame, int]:
    n0 = fake.count()
    res = fetch_trends(qs.terms, geo=GEO, start=START, end=END, resolution="day", base_url=fake.url,
                       cache_dir=cache, fetch_day=TODAY, min_interval=0.0, backoff=0.01, batching=batching)
    return res.frame[["date", "query", "value"]], fake.count() - n0


def run_dailydata(fake: FakeGoogle, qs: QuerySet) -> tuple[pd.DataFrame | None, int, str]:
    from pytrends.dailydata import get_daily_data
    n0 = fake.count()
    parts, note = [], ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytrends_pointed_at(fake.url):
                for t in qs.terms:
                    df = get_daily_data(t, 2021, 1, 2022, 12, geo=GEO, verbose=False, wait_time=0)
                    parts.append(pd.DataFrame({"date": df.index, "query": t, "value": df[t].to_numpy(float)}))
    except Exception as exc:  # noqa: BLE001 - the benchmark reports whatever pytrends raises
        note = f"failed: {type(exc).__name__}: {exc}"[:80]
    est = pd.concat(parts, ignore_index=True) if parts else None
    if est is not None:
        est["date"] = pd.to_datetime(est["date"]).dt.normalize()
        est = est.groupby(["date", "query"], as_index=False)["value"].mean()
    return est, fake.count() - n0, note


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


def run_dailydata_side(fake: FakeGoogle, qs: QuerySet, python: str, tmp: Path
                       ) -> tuple[pd.DataFrame | None, int, str]:
    """pytrends dailydata in another Python (e.g. a venv with pandas 2.2), against the same fake server."""
    import subprocess
    out = tmp / "dailydata.csv"
    n0 = fake.count()
    proc = subprocess.run([python, "-c", _SIDE_SCRIPT, fake.url, str(out), *qs.terms], capture_output=True,
                          text=True, timeout=1800)
    if proc.returncode != 0:
        return None, fake.count() - n0, f"failed: {proc.stderr.strip().splitlines()[-1][:80]}"
    est = pd.read_csv(out, parse_dates=["date"])
    est["date"] = est["date"].dt.normalize()
    est = est.groupby(["date", "query"], as_index=False)["value"].mean()
    return est, fake.count() - n0, f"pandas {proc.stdout.strip()} in {python}"


def run_naive(fake: FakeGoogle, qs: QuerySet) -> tuple[pd.DataFrame, int]:
    n0 = fake.count()
    client = TrendsClient(base_url=fake.url, min_interval=0.0, backoff=0.01)
    windows, s = [], pd.Timestamp(START)
    while s <= pd.Timestamp(END):
        e = min(s + pd.Timedelta(days=268), pd.Timestamp(END))
        windows.append((s, e))
        s = e + pd.Timedelta(days=1)
    parts = []
    for ws, we in windows:
        for i in range(0, len(qs.terms), 5):
            batch = qs.terms[i:i + 5]
            raw = client.interest_over_time(batch, timeframe=f"{ws:%Y-%m-%d} {we:%Y-%m-%d}", geo=GEO)
            parts.append(parse_multiline(raw.text, terms=batch, geo=GEO, resolution=raw.resolution, expected="day"))
    est = pd.concat(parts, ignore_index=True)
    return est[["date", "query", "value"]], fake.count() - n0


# gtab's method, re-implemented (labelled so in the table)
ANCHORS = [f"gtab_anchor{k:02d}" for k in range(11)]
ANCHOR_LEVELS = [300000 / 10 ** (k / 2) for k in range(11)]   # 300000 .. 3 a day: graded popularity


def anchor_curves() -> dict[tuple[str, str], pd.Series]:
    return {(a, GEO): simulate.latent_curve("2020-06-01", "2023-02-28", baseline=lv, weekly=0.1, noise=0.05,
                                            seed=900 + k) for k, (a, lv) in enumerate(zip(ANCHORS, ANCHOR_LEVELS))}


def _maxima(client: TrendsClient, terms: list[str]) -> pd.DataFrame:
    raw = client.interest_over_time(terms, timeframe=f"{START} {END}", geo=GEO)
    f = parse_multiline(raw.text, terms=terms, geo=GEO, resolution=raw.resolution, expected="week")
    return f[~f["is_partial"]]


def run_gtab_method(fake: FakeGoogle, qs: QuerySet) -> tuple[pd.DataFrame, int]:
    """Anchor bank (chained maxima of overlapping 5-anchor pulls), then a binary search per query."""
    n0 = fake.count()
    client = TrendsClient(base_url=fake.url, min_interval=0.0, backoff=0.01)
    bank = {ANCHORS[0]: 1.0}
    i = 0
    while i < len(ANCHORS) - 1:  # groups of 5 sharing their last anchor with the next group
        group = ANCHORS[i:i + 5]
        mx = _maxima(client, group).groupby("query")["value"].max()
        for a in group[1:]:
            bank[a] = bank[group[0]] * max(float(mx[a]), 0.5) / float(mx[group[0]])
        i += 4
    parts = []
    for q in qs.terms:
        lo, hi = 0, len(ANCHORS) - 1
        best = None
        while lo <= hi:  # gtab: find an anchor with both maxima >= 10 in one pull
            k = (lo + hi) // 2
            f = _maxima(client, [ANCHORS[k], q])
            mx = f.groupby("query")["value"].max()
            best = (k, f, mx)
            if mx[ANCHORS[k]] < 10:
                hi = k - 1      # the anchor is too weak next to the query: a stronger one
            elif mx[q] < 10:
                lo = k + 1      # the query is too weak next to the anchor: a weaker one
            else:
                break
        k, f, mx = best
        scale = bank[ANCHORS[k]] / max(float(mx[ANCHORS[k]]), 0.5)
        part = f[f["query"] == q]
        parts.append(pd.DataFrame({"date": part["date"], "query": q, "value": part["value"] * scale}))
    return pd.concat(parts, ignore_index=True), fake.count() - n0


# --------------------------------------------------------------------------- table

def run_set(qs: QuerySet, args, tmp: Path) -> list[tuple[str, int, dict[str, float], str]]:
    import pandas
    truth = pd.concat([qs.truth, simulate.latent_frame(anchor_curves())], ignore_index=True)
    rows = []
    with FakeGoogle(truth, today=TODAY, seed=args.seeds[0], sample_rate=SAMPLE_RATE) as fake:
        for batching, name in (("magnitude", "trendlib"), ("typed", "trendlib typed (old plan)")):
            est, n = run_trendlib(fake, qs, tmp / f"cache-{qs.terms[0]}-{batching}", batching)
            rows.append((name, n, metrics(est, qs.truth), ""))
        est, n, note = run_dailydata(fake, qs)
        m = metrics(est, qs.truth)
        if m and m["missing"] > 0.5:
            note = (f"pandas {pandas.__version__}: ffill(inplace) on a column is a no-op under copy-on-write, "
                    f"{m['missing']:.0%} of values NaN" + ("" if args.pandas22_python else
                                                          " (add --pandas22-python to run it under pandas 2.2)"))
        rows.append(("pytrends dailydata", n, m, note))
        if args.pandas22_python:
            est, n, note = run_dailydata_side(fake, qs, args.pandas22_python, tmp)
            rows.append(("dailydata, pandas 2.2", n, metrics(est, qs.truth), note))
        est, n = run_naive(fake, qs)
        rows.append(("naive concatenation", n, metrics(est, qs.truth), ""))
        est, n = run_gtab_method(fake, qs)
        rows.append(("gtab method (re-impl.)", n, metrics(est, qs.truth, weekly=True),
                     "weekly values (one whole-span pull per query): errors measured on weeks"))
    return rows


def one_sample_floor(qs: QuerySet, seed: int) -> float:
    """MALE of an oracle: the true scale, no rounding, one Poisson sample of each day at the fake's rate."""
    tr = qs.truth[qs.truth["date"].between(START, END)]
    rng = np.random.default_rng(seed)
    est = tr.assign(value=rng.poisson(tr["volume"].to_numpy(float) * SAMPLE_RATE) / SAMPLE_RATE)
    return metrics(est[["date", "query", "value"]], qs.truth)["male"]


def run_seeds(qs: QuerySet, seeds: list[int], tmp: Path) -> list[tuple[str, list[dict[str, float]], list[int]]]:
    """trendlib (both batchings) over several seeds of the fake's sampling, and the one-sample floor."""
    truth = pd.concat([qs.truth, simulate.latent_frame(anchor_curves())], ignore_index=True)
    out = {"trendlib": ([], []), "trendlib typed (old plan)": ([], [])}
    for seed in seeds:
        with FakeGoogle(truth, today=TODAY, seed=seed, sample_rate=SAMPLE_RATE) as fake:
            for batching, name in (("magnitude", "trendlib"), ("typed", "trendlib typed (old plan)")):
                est, n = run_trendlib(fake, qs, tmp / f"seeds-{qs.terms[0]}-{batching}-{seed}", batching)
                out[name][0].append(metrics(est, qs.truth))
                out[name][1].append(n)
    rows = [(name, ms, ns) for name, (ms, ns) in out.items()]
    rows.append(("one-sample floor (oracle)", [{"male": one_sample_floor(qs, s)} for s in seeds], []))
    return rows


def print_seeds(title: str, seeds: list[int], rows) -> None:
    print(f"{title}: over fake sampling seeds {', '.join(map(str, seeds))}")
    head = f"{'method':<28}{'HTTP req':>9}{'MALE mean':>10}{'MALE sd':>9}{'worst level err (max)':>23}"
    print(head)
    print("-" * len(head))
    for name, ms, ns in rows:
        male = np.array([m["male"] for m in ms])
        worst = max((m["worst"] for m in ms if "worst" in m), default=float("nan"))
        req = f"{min(ns)}-{max(ns)}" if ns and min(ns) != max(ns) else (str(ns[0]) if ns else "-")
        sd = f"{male.std(ddof=1):.4f}" if len(male) > 1 else "n/a"
        w = f"{worst:.1%}" if np.isfinite(worst) else "n/a"
        print(f"{name:<28}{req:>9}{male.mean():>10.4f}{sd:>9}{w:>23}")
    print()


def print_table(title: str, rows) -> None:
    head = f"{'method':<26}{'HTTP req':>9}{'missing':>9}{'MALE':>8}{'worst level err':>17}"
    print(title)
    print(head)
    print("-" * len(head))
    for name, n, m, note in rows:
        def fmt(k: str, pct: bool = False) -> str:
            if not m or not np.isfinite(m.get(k, np.nan)):
                return "lost" if m and k == "worst" else "n/a"
            return f"{m[k]:.1%}" if pct else f"{m[k]:.3f}"
        print(f"{name:<26}{n:>9}{fmt('missing', True):>9}{fmt('male'):>8}{fmt('worst', True):>17}")
        if note:
            print(f"  note: {note}")
    base = next(n for name, n, _m, _note in rows if name.startswith("trendlib typed"))
    ours = next(n for name, n, _m, _note in rows if name == "trendlib")
    print(f"trendlib requests vs the old plan: {ours} / {base} = {ours / base - 1:+.0%}\n")


def main(argv: list[str] | None = None) -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pandas22-python", metavar="PYTHON", default=None,
                    help="also run pytrends dailydata under this interpreter (a venv with pandas 2.2 and "
                         "pytrends 4.9.2), since it is broken on pandas 3")
    ap.add_argument("--seeds", default="42,43,44,45,46",
                    help="comma-separated seeds of the fake's sampling (default 42-46); the main table uses the "
                         "first, the seeds table runs trendlib over all")
    args = ap.parse_args(argv)
    try:
        args.seeds = [int(x) for x in str(args.seeds).split(",") if x.strip()]
    except ValueError:
        ap.error(f"--seeds {args.seeds!r}; accepted: comma-separated integers, e.g. 42,43,44")
    if not args.seeds:
        ap.error("--seeds is empty; accepted: comma-separated integers, e.g. 42,43,44")
    logging.basicConfig(level=logging.ERROR)
    print(f"2 years daily (2021-01-01..2022-12-31), fake Google (sampling seed {args.seeds[0]}, rate "
          f"{SAMPLE_RATE:g}), SIMULATED latent truth\n")
    with tempfile.TemporaryDirectory() as tmp:
        sets = (todays_set(), wide_set())
        for qs in sets:
            print_table(qs.name, run_set(qs, args, Path(tmp)))
        for qs in sets:
            print_seeds(qs.name, args.seeds, run_seeds(qs, args.seeds, Path(tmp)))
    print("MALE = median |log(estimate) - log(truth)| over all (query, day) values after one common scale "
          "factor;\nworst level err = max over queries of |mean estimate / mean truth - 1| after that factor. "
          "Lower is better.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
