"""Synthetic Google-like pulls built with numpy, for the plan/stitch known-answer tests.

Independent of the fake server and of trendlib.testing.simulate on purpose: the truth, the scale
of every pull, the rounding and the noise are all set here, so the tests know the answer.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def latent(n_days: int, *, level: float, seed: int, weekly: float = 0.2, trend: float = 0.0,
           spikes: tuple[tuple[int, float, float], ...] = (), noise: float = 0.05) -> np.ndarray:
    """A positive daily series: level x weekly cycle x linear log-trend x decaying spikes x noise.

    spikes: (day index, height as a multiple of the level, decay in days).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n_days)
    x = level * (1 + weekly * np.sin(2 * np.pi * t / 7 + seed))
    x = x * np.exp(trend * t / max(n_days - 1, 1))
    for day, height, decay in spikes:
        after = t >= day
        x = x + np.where(after, level * height * np.exp(-(t - day) / decay), 0.0)
    return x * np.exp(rng.normal(0, noise, n_days))


def google_frame(truth: dict[str, np.ndarray], dates: pd.DatetimeIndex, *, lo: int, hi: int,
                 rng: np.random.Generator | None = None, sample_sd: float = 0.0,
                 partial_last: bool = False, geo: str | None = None) -> tuple[pd.DataFrame, float]:
    """What Google would report for terms ``truth`` over days ``lo..hi-1``.

    Optional multiplicative sampling noise (log-normal, sd ``sample_sd``, drawn per value), then
    scaling so the request's max is 100, rounding half up, ``"<1"`` for values in (0, 1).
    Returns the tidy frame and the request's scale ``M`` (true value = reported * M / 100).
    """
    block = {}
    for q, x in truth.items():
        v = x[lo:hi].astype(float)
        if sample_sd and rng is not None:
            v = v * np.exp(rng.normal(0, sample_sd, len(v)))
        block[q] = v
    top = max(float(v.max()) for v in block.values())
    rows = []
    for q, v in block.items():
        scaled = v / top * 100.0 if top > 0 else v
        rep = np.floor(scaled + 0.5)
        below = (scaled > 0) & (scaled < 1)
        rep[below] = 0
        part = np.zeros(len(v), dtype=bool)
        if partial_last:
            part[-1] = True
        frame = pd.DataFrame({"date": dates[lo:hi], "query": q, "value": rep, "below_one": below,
                              "is_partial": part})
        if geo is not None:
            frame.insert(2, "geo", geo)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True), top


def weekly_pin(truth: dict[str, np.ndarray], dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Google-style weekly pull over the whole span: Sunday-start weeks of the *complete* weeks inside
    the span (mean volume), scaled so the max is 100 and rounded."""
    sundays = [i for i, d in enumerate(dates) if d.day_of_week == 6]
    weeks = [(i, i + 7) for i in sundays if i + 7 <= len(dates)]
    means = {q: np.array([x[a:b].mean() for a, b in weeks]) for q, x in truth.items()}
    top = max(m.max() for m in means.values())
    rows = []
    for q, m in means.items():
        scaled = m / top * 100
        rep = np.floor(scaled + 0.5)
        below = (scaled > 0) & (scaled < 1)
        rep[below] = 0
        rows.append(pd.DataFrame({"date": [dates[a] for a, _ in weeks], "query": q, "value": rep,
                                  "below_one": below}))
    return pd.concat(rows, ignore_index=True)


def monthly_pin(truth: dict[str, np.ndarray], dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Google-style monthly pull: complete calendar months inside the span (mean volume), max 100, rounded."""
    months = pd.Series(np.arange(len(dates)), index=dates).groupby(dates.to_period("M"))
    spans = [(g.iloc[0], g.iloc[-1] + 1) for _, g in months
             if dates[g.iloc[0]].day == 1 and (dates[g.iloc[-1]] + pd.Timedelta(days=1)).day == 1]
    means = {q: np.array([x[a:b].mean() for a, b in spans]) for q, x in truth.items()}
    top = max(m.max() for m in means.values())
    rows = []
    for q, m in means.items():
        scaled = m / top * 100
        rows.append(pd.DataFrame({"date": [dates[a] for a, _ in spans], "query": q,
                                  "value": np.floor(scaled + 0.5), "below_one": (scaled > 0) & (scaled < 1)}))
    return pd.concat(rows, ignore_index=True)


def windows_of(n_days: int, *, length: int, overlap: int) -> list[tuple[int, int]]:
    """Index windows [lo, hi) the way trendlib.trends.plan spreads them."""
    from trendlib.trends.plan import _windows

    start = dt.date(2020, 1, 1)
    out = []
    for s, e in _windows(start, start + dt.timedelta(days=n_days - 1), max_days=length, overlap=overlap):
        out.append(((s - start).days, (e - start).days + 1))
    return out


def median_abs_log_error(est: pd.Series, truth: pd.Series) -> float:
    """Median |log(est/truth)| after removing the best common scale (both series positive)."""
    ok = (est > 0) & (truth > 0) & est.notna()
    lr = np.log(est[ok].to_numpy(float)) - np.log(truth[ok].to_numpy(float))
    lr = lr - np.median(lr)
    return float(np.median(np.abs(lr)))
