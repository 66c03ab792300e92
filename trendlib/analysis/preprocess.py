"""Turn tidy frames into regular series the analyses can use.

The tidy trends frame (``date, query, geo, value, ...``; see
:mod:`trendlib.datasets.trends`) holds one row per period. The analyses work on one
``pandas.Series`` per query: a regular :class:`~pandas.DatetimeIndex` (one entry per
day or per week, gaps filled with NaN), values in Google's index points (0-100,
relative to the peak of the download), and ``series.attrs["frequency"]`` set to
``"day"`` or ``"week"``.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from trendlib.analysis.errors import AnalysisError

__all__ = ["FREQUENCIES", "infer_frequency", "series_from_tidy", "regularize", "period_offset",
           "period_of"]

log = logging.getLogger("trendlib.analysis.preprocess")

#: frequency name -> length of one period
FREQUENCIES = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}


def infer_frequency(dates) -> str:
    """Return ``"day"`` or ``"week"`` from the spacing of ``dates`` (median gap).

    Raises :class:`AnalysisError` for fewer than two dates or another spacing
    (monthly and hourly series are not supported by the event study).
    """
    idx = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates).dropna().unique())).sort_values()
    if len(idx) < 2:
        raise AnalysisError(f"cannot tell the frequency of a series with {len(idx)} date(s); "
                            "need at least 2 daily or weekly dates")
    gap = pd.Series(idx[1:] - idx[:-1]).median()
    for name, step in FREQUENCIES.items():
        if gap == step:
            return name
    raise AnalysisError(f"series spacing {gap} is neither daily (1 day) nor weekly (7 days); "
                        "aggregate to days or weeks first")


def regularize(series: pd.Series, *, frequency: str | None = None) -> pd.Series:
    """Sort by date and reindex onto a complete daily or weekly grid (missing periods = NaN).

    Weekly grids keep the series' own week start (Google's weeks start on Sunday).
    """
    s = series.copy()
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index))
    s = s[~s.index.duplicated(keep="first")].sort_index().astype(float)
    freq = frequency or infer_frequency(s.index)
    if freq not in FREQUENCIES:
        raise AnalysisError(f"frequency {freq!r} is not supported; use one of {sorted(FREQUENCIES)}")
    grid = pd.date_range(s.index[0], s.index[-1], freq=FREQUENCIES[freq])
    off_grid = s.index.difference(grid)
    if len(off_grid):
        raise AnalysisError(f"date {off_grid[0].date()} is not on the {freq}ly grid starting "
                            f"{s.index[0].date()}; mixed week starts or resolutions cannot be combined")
    out = s.reindex(grid)
    out.index.name = "date"
    out.name = series.name
    out.attrs = dict(series.attrs)
    out.attrs["frequency"] = freq
    return out


def series_from_tidy(frame: pd.DataFrame, query: str, *, geo: str | None = None,
                     column: str = "value") -> pd.Series:
    """Extract one query's values from a tidy trends frame as a regular series.

    Parameters
    ----------
    frame : tidy frame with ``date, query, value`` (and optionally ``geo``, ``resolution``,
        ``source``)
    query : the term exactly as in the ``query`` column
    geo : keep only this geo (needed when the frame holds several)
    column : which value column to use (``value``, ``value_low``, ``value_high``)

    Returns
    -------
    pd.Series
        float values indexed by date, in index points (0-100), with ``attrs["frequency"]``
        (``"day"``/``"week"``, from ``resolution`` when present) and ``attrs["illustrative"]``
        (true when any row's ``source`` mentions "illustrative").
    """
    for col in ("date", "query", column):
        if col not in frame.columns:
            raise AnalysisError(f"trends frame has no column {col!r}; columns are {list(frame.columns)}")
    rows = frame[frame["query"] == query]
    if geo is not None and "geo" in rows.columns:
        rows = rows[rows["geo"] == geo]
    if rows.empty:
        known = sorted(map(str, frame["query"].unique()))
        raise AnalysisError(f"query {query!r} (geo {geo!r}) is not in the trends frame; queries are {known}")
    if "geo" in rows.columns and geo is None and rows["geo"].nunique() > 1:
        raise AnalysisError(f"query {query!r} appears for geos {sorted(rows['geo'].unique())}; pass geo=")
    frequency = None
    if "resolution" in rows.columns:
        res = rows["resolution"].dropna().unique()
        if len(res) > 1:
            raise AnalysisError(f"query {query!r} mixes resolutions {sorted(res)}; analyse one at a time")
        if len(res) == 1:
            frequency = str(res[0])
            if frequency not in FREQUENCIES:
                raise AnalysisError(f"query {query!r} has resolution {frequency!r}; the analyses accept "
                                    f"{sorted(FREQUENCIES)}")
    s = pd.Series(rows[column].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"]), name=query)
    if "source" in rows.columns:
        s.attrs["illustrative"] = bool(rows["source"].astype(str).str.contains("illustrative", case=False).any())
    return regularize(s, frequency=frequency)


def period_of(index: pd.DatetimeIndex, date, frequency: str) -> int:
    """Position in ``index`` of the period that contains ``date``.

    For a weekly series the period containing a Thursday event is the week that started
    on the Sunday before it. Raises :class:`AnalysisError` if ``date`` is outside the series.
    """
    ts = pd.Timestamp(date)
    step = FREQUENCIES[frequency]
    pos = int(index.searchsorted(ts, side="right")) - 1
    if pos < 0 or ts >= index[-1] + step:
        raise AnalysisError(f"date {ts.date()} is outside the series ({index[0].date()} to "
                            f"{(index[-1] + step - pd.Timedelta(days=1)).date()})")
    return pos


def period_offset(frequency: str) -> pd.Timedelta:
    """Length of one period of ``frequency``."""
    return FREQUENCIES[frequency]


def log_index(values, offset: float) -> np.ndarray:
    """``log(value + offset)`` as a float array (the scale every search analysis works on)."""
    if not offset > 0:
        raise AnalysisError(f"log offset c={offset!r} must be > 0 (log(value + c) with value >= 0)")
    return np.log(np.asarray(values, dtype=float) + offset)
