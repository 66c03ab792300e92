"""Input frames of the stitcher: validation, the standard columns, rounding bounds, small helpers.

A tidy input frame has one row per ``(date, query[, geo])`` and the columns described in
:mod:`trendlib.trends.stitch`. :func:`_prepare` checks one and fills in ``below_one``,
``is_partial`` and the rounding bounds ``value_low``/``value_high``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trendlib.trends.errors import BadRequest

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["rounding_bounds", "Z95", "KNOWN_COLUMNS"]

#: two-sided 95 % normal quantile, used for the factor intervals
Z95 = 1.959963984540054
#: the columns the stitcher interprets (every other column passes through)
KNOWN_COLUMNS = ("date", "query", "geo", "value", "value_low", "value_high", "below_one", "is_partial")


def _keys(df: pd.DataFrame) -> list[str]:
    return ["query", "geo"] if "geo" in df.columns else ["query"]


def rounding_bounds(value: Any, below_one: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of the true value behind Google's integers: ``[v - 0.5, v + 0.5]`` clipped at 0;
    ``(0, 1)`` where ``below_one``; ``[0, 0.5]`` for a plain 0; NaN stays NaN."""
    import numpy as np

    v = np.asarray(value, dtype=float)
    lo = np.clip(v - 0.5, 0.0, None)
    hi = v + 0.5
    if below_one is not None:
        b = np.asarray(below_one, dtype=bool)
        lo = np.where(b, 0.0, lo)
        hi = np.where(b, 1.0, hi)
    return lo, hi


def _prepare(df: Any, what: str) -> pd.DataFrame:
    """Validate one input frame and return a clean copy with the standard columns filled in."""
    import numpy as np
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise BadRequest(f"{what} is a {type(df).__name__}; accepted: a pandas DataFrame with columns "
                         "date, query, value (and optionally geo, below_one, is_partial)")
    missing = [c for c in ("date", "query", "value") if c not in df.columns]
    if missing:
        raise BadRequest(f"{what} lacks column(s) {', '.join(missing)}; has {', '.join(map(str, df.columns))}; "
                         "accepted: date, query, value, optionally geo, below_one, is_partial")
    out = df.copy()
    try:
        out["date"] = pd.to_datetime(out["date"])
    except (ValueError, TypeError) as exc:
        raise BadRequest(f"{what}: column date is not datetime-like ({exc})") from None
    value = pd.to_numeric(out["value"], errors="coerce").astype(float)
    bad = value.isna() & out["value"].notna()
    if bad.any():
        raise BadRequest(f"{what}: value {out['value'][bad].iloc[0]!r} is not a number; accepted: numbers, NaN "
                         "for no data (put Google's '<1' in below_one)")
    if (value < 0).any():
        raise BadRequest(f"{what}: value {value[value < 0].iloc[0]} is negative; accepted: values >= 0")
    out["value"] = value
    out["query"] = out["query"].astype(str)
    if "geo" in out.columns:
        out["geo"] = out["geo"].fillna("").astype(str)
    for col in ("below_one", "is_partial"):
        if col in out.columns:
            out[col] = out[col].fillna(False).astype(bool)
        else:
            out[col] = False
    if "value_low" in out.columns and "value_high" in out.columns:
        lo = pd.to_numeric(out["value_low"], errors="coerce").astype(float)
        hi = pd.to_numeric(out["value_high"], errors="coerce").astype(float)
        out["value_low"] = lo.where(lo.notna(), value)
        out["value_high"] = hi.where(hi.notna(), value)
    else:
        lo, hi = rounding_bounds(value.to_numpy(), out["below_one"].to_numpy())
        out["value_low"] = lo
        out["value_high"] = hi
    out.loc[out["value"].isna(), ["value_low", "value_high"]] = np.nan
    dup = out.duplicated(subset=["date", *_keys(out)])
    if dup.any():
        row = out[dup].iloc[0]
        raise BadRequest(f"{what}: date {row['date']:%Y-%m-%d} of query {row['query']!r} appears twice; "
                         "accepted: one row per (date, query, geo)")
    return out.reset_index(drop=True)


def _point(df: pd.DataFrame) -> np.ndarray:
    """Point value used when combining: the value, or for "<1" the midpoint of its bounds.

    The bounds are ``(0, 1)`` in Google's units (midpoint 0.5), or that interval rescaled
    when the frame is already calibrated (a "<1" of a batch with factor ``f`` lies in
    ``(0, f)`` on the common scale): using 0.5 there would put a rare term's "<1" days far
    above its real level.
    """
    import numpy as np

    mid = (df["value_low"].to_numpy(dtype=float) + df["value_high"].to_numpy(dtype=float)) / 2
    mid = np.where(np.isfinite(mid), mid, 0.5)
    return np.where(df["below_one"].to_numpy(), mid, df["value"].to_numpy(dtype=float))


def _rel_var(value: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Variance of log(value) from a uniform rounding error over [lo, hi]: ((hi - lo) / v)^2 / 12."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        return ((hi - lo) / value) ** 2 / 12.0


def _passthrough(frames: Sequence[pd.DataFrame], exclude: Sequence[str]) -> list[str]:
    cols: list[str] = []
    for f in frames:
        for c in f.columns:
            if c not in exclude and c not in cols:
                cols.append(c)
    return cols


def _fmt_date(x: Any) -> str:
    try:
        if getattr(x, "hour", 0):
            return f"{x:%Y-%m-%dT%H}"
        return f"{x:%Y-%m-%d}"
    except (TypeError, ValueError):
        return str(x)

