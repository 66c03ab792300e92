"""Placebo tests of the event study: does the event stand out from ordinary dates?

Two reference sets, both analysed exactly like the event (same windows, same model):

* **placebo dates**: every usable date before the event whose fold window ends before the
  real estimation window ends (so no placebo touches the anticipation gap or the event).
  Their own p-values give the model's **false-alarm rate** on this series: about
  ``alpha`` when its ranges are honest, more when the series is spikier than the model
  assumes.
* **resampled baselines** (the permutation design, issue 12 point 6): a one-year weekly
  series has only about 30 placebo dates, so the smallest attainable placebo p-value,
  ``1 / (n + 1)``, sat at 1/32 or 1/11 for every query and could not tell them apart.
  ``n_resamples`` (default 99) more null series are built by a moving-block bootstrap of
  the pre-event data (blocks of 14 days, aligned on the day of the week, or 8 weeks), so
  they keep the series' own short-range persistence, weekly pattern and spikes but place
  no event at the event date.

``placebo_p = (1 + #{reference |t| >= observed |t|}) / (1 + n)`` over both sets (``n`` =
``n_placebos``); ``min_p = 1 / (1 + n)`` is stated with it. ``t`` is the study's signed
standard-normal equivalent of its model p-value.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.event_study import MIN_ESTIMATION, fit_event, prepare_series, resolve_windows
from trendlib.analysis.preprocess import period_of

__all__ = ["PlaceboResult", "placebo_test"]

log = logging.getLogger("trendlib.analysis.event_study")

#: frequency -> bootstrap block length in periods
BLOCK = {"day": 14, "week": 8}


@dataclasses.dataclass(frozen=True, eq=False)
class PlaceboResult:
    """The event study repeated on non-event dates and on resampled baselines.

    ``placebo_p``: share of the ``n_placebos`` references (``n_dates`` real placebo dates +
    ``n_resampled`` resampled series) at least as unusual as the event, counting the event
    itself (``min_p = 1 / (n_placebos + 1)`` is the smallest it can be).
    ``false_positive_rate`` = share of real placebo dates whose own p < ``alpha`` (the
    false-alarm rate, about ``alpha`` when the model is right); NaN without dates.
    ``status`` is ``"too_few"`` (numbers NaN) when fewer than ``min_placebos`` references
    could be built, and ``"unusable"`` (numbers NaN, no references) when the event itself could
    not be studied (``reason`` says why, e.g. too short a baseline); otherwise ``"ok"``.
    """

    query: str
    event_date: dt.date
    frequency: str
    status: str
    reason: str
    observed_t: float
    placebo_p: float
    min_p: float
    false_positive_rate: float
    alpha: float
    n_placebos: int
    n_dates: int
    n_resampled: int
    placebos: pd.DataFrame = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Tidy frame: one row per reference (kind ``date``/``resampled``, date, t_stat, p_value, fold)."""
        out = self.placebos.copy()
        out.insert(0, "query", self.query)
        return out

    def summary(self) -> str:
        if self.status != "ok":
            return f"Placebo test for {self.query!r} at {self.event_date}: not run - {self.reason}"
        from trendlib.text import p_equals, p_text, percent  # one formatter for every number a reader sees

        fpr = (f"; {percent(self.false_positive_rate)} of the {self.n_dates} placebo dates had p < "
               f"{self.alpha:g}" if self.n_dates else "; no real placebo dates fit before the event")
        return (f"Placebo test for {self.query!r} at {self.event_date}: {self.n_dates} non-event "
                f"{self.frequency}s and {self.n_resampled} resampled baselines; {p_equals(self.placebo_p, 'placebo p')} "
                f"(smallest possible {p_text(self.min_p)})" + fpr)


def _placebo_dates(s, t0, fit_kw, est, fold, need, max_placebos) -> list[dict]:
    last = t0 + est[1] - fold[1]
    first = max(need - 1 - est[1], 0)
    cands = np.arange(first, last + 1)
    if len(cands) > max_placebos:
        cands = np.unique(np.linspace(first, last, max_placebos).round().astype(int))
    rows = []
    for p in cands:
        try:
            r = fit_event(s, int(p), **fit_kw)
        except AnalysisError as exc:
            log.debug("placebo %s skipped: %s", s.index[p].date(), exc)
            continue
        rows.append({"kind": "date", "date": s.index[p], "t_stat": r["t_stat"], "p_value": r["p_value"],
                     "fold_increase": r["fold_increase"]})
    return rows


def _resample(values: np.ndarray, n_out: int, out_start: int, period: int, block: int, rng) -> np.ndarray:
    """A moving-block bootstrap series of length ``n_out`` from ``values`` (phase-aligned to ``period``)."""
    m = len(values)
    out = np.empty(n_out)
    o = 0
    while o < n_out:
        phase = (out_start + o) % period
        starts = np.arange(phase, m - block + 1, period) if period > 1 else np.arange(0, m - block + 1)
        u = int(rng.choice(starts))
        k = min(block, n_out - o)
        out[o:o + k] = values[u:u + k]
        o += k
    return out


def _resampled(s, t0, fit_kw, est, fold, n_resamples, seed) -> list[dict]:
    freq = s.attrs["frequency"]
    pre = s.to_numpy()[:t0 + est[1] + 1]
    block = BLOCK[freq]
    if n_resamples <= 0 or np.count_nonzero(~np.isnan(pre)) < 2 * block:
        return []
    start = max(t0 + est[0], 0)
    idx = s.index[start:t0 + fold[1] + 1]
    rng = np.random.default_rng(seed)
    rows = []
    for b in range(n_resamples):
        vals = _resample(pre, len(idx), start, 7 if freq == "day" else 1, block, rng)
        fake = pd.Series(vals, index=idx)
        fake.attrs = dict(s.attrs)
        try:
            r = fit_event(fake, t0 - start, **fit_kw)
        except AnalysisError:
            continue
        rows.append({"kind": "resampled", "date": pd.NaT, "t_stat": r["t_stat"], "p_value": r["p_value"],
                     "fold_increase": r["fold_increase"]})
    return rows


def placebo_test(series: pd.Series, event_date, *, frequency: str | None = None,
                 estimation: Sequence[int] | None = None, event_window: Sequence[int] | None = None,
                 fold_window: Sequence[int] | None = None, offset: float = 1.0, alpha: float = 0.05,
                 min_estimation: int | None = None, min_placebos: int = 8, max_placebos: int = 200,
                 n_resamples: int = 99, seed: int = 0, trend: bool = False,
                 query: str | None = None) -> PlaceboResult:
    """Repeat the event study at non-event dates before ``event_date`` and on resampled baselines.

    Windows are periods of the series (days or weeks), as in
    :func:`~trendlib.analysis.event_study.event_study`. At most ``max_placebos`` evenly
    spaced real dates are used; ``n_resamples`` block-bootstrap series (``seed`` makes them
    reproducible; 0 turns the design off). See the module docstring.
    """
    s = prepare_series(series, frequency)
    freq = s.attrs["frequency"]
    est, evt, fold = resolve_windows(freq, estimation, event_window, fold_window)
    q = query if query is not None else (str(s.name) if s.name is not None else "series")
    kw = dict(frequency=freq, offset=offset, alpha=alpha, est=est, evt=(evt[0], fold[1]), fold=fold,
              low_baseline=0.0, min_estimation=min_estimation, trend=trend, diagnostics=False)
    try:
        t0 = period_of(s.index, event_date, freq)
        real = fit_event(s, t0, **kw)
    except AnalysisError as exc:  # nothing to compare placebo dates with: said, not raised (as lead/lag does)
        return PlaceboResult(query=q, event_date=pd.Timestamp(event_date).date(), frequency=freq, status="unusable",
                             reason=f"the event itself could not be studied: {exc}", observed_t=math.nan,
                             placebo_p=math.nan, min_p=math.nan, false_positive_rate=math.nan, alpha=alpha,
                             n_placebos=0, n_dates=0, n_resampled=0,
                             placebos=pd.DataFrame(columns=["kind", "date", "t_stat", "p_value", "fold_increase"]))
    need = min_estimation if min_estimation is not None else MIN_ESTIMATION[freq]
    dates = _placebo_dates(s, t0, kw, est, fold, need, max_placebos)
    resampled = _resampled(s, t0, kw, est, fold, n_resamples, seed)
    frame = pd.DataFrame(dates + resampled, columns=["kind", "date", "t_stat", "p_value", "fold_increase"])
    n, n_dates = len(frame), len(dates)
    fpr = float((frame.loc[frame["kind"] == "date", "p_value"] < alpha).mean()) if n_dates else math.nan
    base = dict(query=q, event_date=pd.Timestamp(event_date).date(), frequency=freq, observed_t=real["t_stat"],
                alpha=alpha, n_placebos=n, n_dates=n_dates, n_resampled=len(resampled), placebos=frame)
    if n < min_placebos:
        return PlaceboResult(status="too_few", reason=f"only {n} placebo references could be built (need "
                             f"{min_placebos}); the series does not start early enough", placebo_p=math.nan,
                             min_p=math.nan, false_positive_rate=fpr, **base)
    ge = int((frame["t_stat"].abs() >= abs(real["t_stat"])).sum())
    return PlaceboResult(status="ok", reason="", placebo_p=(1 + ge) / (1 + n), min_p=1 / (1 + n),
                         false_positive_rate=fpr, **base)
