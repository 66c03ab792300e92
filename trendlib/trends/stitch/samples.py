"""Average pulls of the same request made on different fetch days (Google's samples)."""
from __future__ import annotations

from typing import Any, Literal

from trendlib.trends.errors import BadRequest
from trendlib.trends.stitch.validate import _fmt_date, _keys

__all__ = ["average_samples"]


def average_samples(frame: pd.DataFrame, *, band: Literal["range", "envelope"] = "range") -> pd.DataFrame:
    """Average pulls of the same series made on different fetch days (Google's samples).

    Parameters
    ----------
    frame : tidy frame with a ``sample`` column (e.g. the fetch day) and ``date``, ``query``,
        ``value`` (optionally ``geo``, ``is_partial``, ``below_one``, ``value_low``/``value_high``).
        Each sample must be on the same scale (e.g. each already calibrated and stitched, max 100).
    band : ``'range'`` (default): ``value_low``/``value_high`` are the min and max of ``value``
        across samples (with one sample, both equal the value). ``'envelope'``: the min of the
        samples' ``value_low`` and the max of their ``value_high`` (covering rounding and
        calibration bands too), or of ``value`` where those columns are absent.

    Returns
    -------
    Tidy frame, one row per ``(date, query[, geo])``: ``value`` (mean across the samples that
    have data; NaN when none has), ``value_low``, ``value_high``, ``n_samples`` (samples with
    data), ``is_partial`` (any sample partial), ``below_one`` (every sample with data said "<1";
    only when the input has the column), then the other columns (first value).
    """
    import numpy as np
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise BadRequest(f"frame is a {type(frame).__name__}; accepted: a DataFrame with a sample column")
    missing = [c for c in ("sample", "date", "query", "value") if c not in frame.columns]
    if missing:
        raise BadRequest(f"frame lacks column(s) {', '.join(missing)}; accepted: sample, date, query, value, "
                         "optionally geo, is_partial, below_one, value_low, value_high")
    if band not in ("range", "envelope"):
        raise BadRequest(f"band {band!r} is not known; accepted: 'range', 'envelope'")
    df = frame.copy()
    df["date"] = pd.to_datetime(df["date"])
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
    keys = ["date", *_keys(df)]
    dup = df.duplicated(subset=[*keys, "sample"])
    if dup.any():
        r = df[dup].iloc[0]
        raise BadRequest(f"sample {r['sample']!r} has two rows for date {_fmt_date(r['date'])} and query "
                         f"{r['query']!r}; accepted: one row per (sample, date, query, geo)")
    if "is_partial" not in df.columns:
        df["is_partial"] = False
    df["is_partial"] = df["is_partial"].fillna(False).astype(bool)
    has = df["value"].notna()
    if band == "envelope" and "value_low" in df.columns and "value_high" in df.columns:
        df["_lo"] = pd.to_numeric(df["value_low"], errors="coerce").astype(float).where(has)
        df["_hi"] = pd.to_numeric(df["value_high"], errors="coerce").astype(float).where(has)
        df["_lo"] = df["_lo"].fillna(df["value"])
        df["_hi"] = df["_hi"].fillna(df["value"])
    else:
        df["_lo"] = df["value"]
        df["_hi"] = df["value"]
    agg: dict[str, Any] = {"value": ("value", "mean"), "value_low": ("_lo", "min"),
                           "value_high": ("_hi", "max"), "n_samples": ("value", "count"),
                           "is_partial": ("is_partial", "any")}
    if "below_one" in df.columns:
        df["_b1"] = df["below_one"].fillna(False).astype(bool) | ~has
        agg["below_one"] = ("_b1", "all")
    out = df.groupby(keys, sort=False, dropna=False).agg(**agg).reset_index()
    if "below_one" in out.columns:
        out["below_one"] = out["below_one"] & (out["n_samples"] > 0)
    out["n_samples"] = out["n_samples"].astype(int)
    skip = set(keys) | {"sample", "value", "value_low", "value_high", "n_samples", "is_partial", "below_one",
                        "_lo", "_hi", "_b1"}
    others = [c for c in frame.columns if c not in skip]
    if others:
        firsts = df.drop_duplicates(subset=keys, keep="first")[keys + others]
        out = out.merge(firsts, on=keys, how="left")
    out = out.sort_values(keys[1:] + ["date"], kind="stable").reset_index(drop=True)
    return out
