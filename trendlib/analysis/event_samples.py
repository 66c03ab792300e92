"""The event study re-estimated on each Google sample of one query (Google's sampling spread).

Google computes its index from a sample of searches; a download made on another day is
another sample. :func:`event_study_by_sample` re-runs the event study on each stored
sample and reports the spread of the fold increase and the reliability flags of
methods.md §3.0 (thresholds are the spec's proposal).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.event_study import event_study
from trendlib.analysis.preprocess import series_from_tidy

__all__ = ["SampleSpread", "event_study_by_sample"]


@dataclasses.dataclass(frozen=True, eq=False)
class SampleSpread:
    """The event study re-estimated on each Google sample of one query.

    ``per_sample`` has one row per sample (sample, fold_increase, fold_low, fold_high,
    p_value); ``fold_min``/``fold_max`` are the range of the point estimates across
    samples (Google's sampling spread, in multiples of baseline); ``log_sd`` the standard
    deviation of the log fold increase across samples. ``status`` is ``"single_sample"``
    when only one sample exists (no spread can be reported).

    Reliability (methods.md §3.0, thresholds are the spec's proposal): ``baseline_cv`` is
    the mean over baseline periods of the between-sample coefficient of variation,
    ``baseline_zero_share`` the share of baseline values (all samples) that are 0;
    ``unreliable`` is true when ``baseline_cv > 0.5`` or ``baseline_zero_share > 0.2``.
    """

    query: str
    event_date: dt.date
    n_samples: int
    status: str
    fold_min: float
    fold_median: float
    fold_max: float
    log_sd: float
    baseline_cv: float
    baseline_zero_share: float
    unreliable: bool
    per_sample: pd.DataFrame = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        out = self.per_sample.copy()
        out.insert(0, "event_date", pd.Timestamp(self.event_date))
        out.insert(0, "query", self.query)
        return out

    def summary(self) -> str:
        if self.status != "ok":
            return f"{self.query!r}: one Google sample only - sampling spread cannot be estimated"
        from trendlib.text import percent, spread_sentence  # one formatter for every number a reader sees

        return (f"{self.query!r}: " + spread_sentence(self.n_samples, self.fold_min, self.fold_median, self.fold_max)
                + f"; sd of log {self.log_sd:.2f}; before the event the samples disagreed by "
                f"{percent(self.baseline_cv)} on average (CV) and {percent(self.baseline_zero_share)} of values were 0"
                + (" - UNRELIABLE (CV > 50% or > 20% zeros)" if self.unreliable else ""))


def _reliability(base: pd.DataFrame, n: int) -> tuple[float, float, bool]:
    """(mean between-sample CV of the baseline, share of zeros, unreliable flag)."""
    zero_share = float((base == 0).to_numpy().mean()) if base.size else math.nan
    baseline_cv = math.nan
    if n > 1:
        mean = base.mean(axis=1)
        cv = (base.std(axis=1, ddof=1) / mean.where(mean > 0)).dropna()
        baseline_cv = float(cv.mean()) if len(cv) else math.nan
    unreliable = bool((math.isfinite(baseline_cv) and baseline_cv > 0.5) or zero_share > 0.2)
    return baseline_cv, zero_share, unreliable


def event_study_by_sample(samples: pd.DataFrame, query: str, event_date, *, geo: str | None = None,
                          **options) -> SampleSpread:
    """Re-run :func:`event_study` on each Google sample of ``query``.

    ``samples`` is a tidy frame with ``date, query, sample, value`` (and optionally
    ``geo``, ``resolution``), e.g. from ``trendlib.datasets.load_trend_samples``. A frame
    without a ``sample`` column is treated as a single sample. Windows as in
    :func:`event_study` (periods of the series: days or weeks).
    """
    frame = samples if "sample" in samples.columns else samples.assign(sample=0)
    frame = frame[frame["query"] == query]
    if geo is not None and "geo" in frame.columns:
        frame = frame[frame["geo"] == geo]
    if frame.empty:
        raise AnalysisError(f"query {query!r} has no rows in the samples frame")
    rows = []
    base_values = {}
    for sample, part in frame.groupby("sample", sort=True):
        s = series_from_tidy(part, query)
        r = event_study(s, event_date, query=query, **options)
        rows.append({"sample": sample, "fold_increase": r.fold_increase, "fold_low": r.fold_low,
                     "fold_high": r.fold_high, "p_value": r.p_value, "baseline_note": r.baseline_note})
        est = r.path[r.path["window"] == "estimation"]
        base_values[sample] = pd.Series(est["value"].to_numpy(), index=est["date"])
    per = pd.DataFrame(rows)
    folds = per["fold_increase"].to_numpy()
    n = len(per)
    baseline_cv, zero_share, unreliable = _reliability(pd.DataFrame(base_values), n)
    return SampleSpread(query=query, event_date=pd.Timestamp(event_date).date(), n_samples=n,
                        status="ok" if n > 1 else "single_sample", fold_min=float(folds.min()),
                        fold_median=float(np.median(folds)), fold_max=float(folds.max()),
                        log_sd=float(np.std(np.log(folds), ddof=1)) if n > 1 else math.nan,
                        baseline_cv=baseline_cv, baseline_zero_share=zero_share, unreliable=unreliable,
                        per_sample=per)
