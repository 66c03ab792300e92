"""Put Google Trends pulls on one scale: calibrate batches, stitch windows, average samples.

Pure functions on pandas frames: no HTTP, no files, no clock.

Why this is needed
------------------
Google scales every request on its own: the largest value over the request's terms and
window becomes 100 and every value is rounded to an integer (a value in (0, 1) is shown
as ``"<1"``). Two requests are therefore on different, unknown scales:

* more than 5 terms need several requests (*batches*) that share an *anchor* term:
  :func:`calibrate_batches` rescales each batch to the first through the anchor;
* a daily series longer than 269 days needs several overlapping windows:
  :func:`stitch_windows` estimates one scale factor per window *jointly* from every
  overlap (weighted least squares on log values; not a chain of ratios, whose errors
  compound window after window) and ties the long-run level to a coarse *pin* pull of the
  whole span (weekly or monthly), so slow drift follows Google's own coarse series;
* Google answers from a sample that changes from day to day: :func:`average_samples`
  averages pulls of the same request made on different days and reports the spread.

Recommended order for one fetch day: for each window, :func:`calibrate_batches` across the
batches (and once for the pin pulls), then :func:`stitch_windows` over the calibrated
windows with the calibrated pin; finally :func:`average_samples` over the fetch days.

Input frames (tidy, one row per ``(date, query[, geo])``)
----------------------------------------------------------
============ ======== ==============================================================
column       required meaning
============ ======== ==============================================================
date         yes      period start (datetime-like); daily windows, or weekly/monthly pins
query        yes      the term
geo          no       the geo code; when present it is part of the series key
value        yes      the reported index (float); NaN = no data (Google's ``hasData: false``)
below_one    no       Google said ``"<1"``: the true value lies in (0, 1) (``value`` is then 0)
is_partial   no       the period was incomplete when fetched (never used to estimate scales)
value_low,   no       bounds of the true value; default: integer rounding, ``[v - 0.5, v + 0.5]``
value_high            (clipped at 0), ``(0, 1)`` for ``"<1"``, ``[0, 0.5]`` for a reported 0
============ ======== ==============================================================

Other columns pass through (their first value per row). Zeros stay zeros (a true 0 is
not rescaled into anything else), NaN stays NaN (never 0), ``"<1"`` rows are never used
to estimate a scale and are shown at the midpoint of their interval, ``0.5`` in the input
units, with ``below_one`` kept true.
"""
from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from trendlib.trends.errors import BadRequest, StitchError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["CalibrationResult", "StitchResult", "calibrate_batches", "stitch_windows", "average_samples",
           "aggregate_periods", "rounding_bounds", "Z95"]

log = logging.getLogger("trendlib.trends.stitch")

#: two-sided 95 % normal quantile, used for the factor intervals
Z95 = 1.959963984540054
_KNOWN = ("date", "query", "geo", "value", "value_low", "value_high", "below_one", "is_partial")


# --------------------------------------------------------------------------- helpers

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
    """Point value used when combining: the value, or 0.5 (midpoint of (0, 1)) for "<1"."""
    import numpy as np

    return np.where(df["below_one"].to_numpy(), 0.5, df["value"].to_numpy(dtype=float))


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


# --------------------------------------------------------------------------- calibration

@dataclasses.dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Batches of one window on one common scale (see :func:`calibrate_batches`).

    Attributes
    ----------
    frame : tidy, one row per (date, query[, geo]); ``value`` on the common scale (overall
        max 100), ``value_low``/``value_high`` bounds from the value's own rounding and its batch
        factor's interval, ``below_one``, ``is_partial``, ``batch`` (where the row came from), and
        passed-through columns. The anchor's rows come from batch 0.
    factors : one row per batch: ``batch``, ``factor`` (multiplies the batch's reported values),
        ``factor_low``/``factor_high`` (95 % interval: the +/-0.5 rounding of every anchor value
        treated as independent uniform errors, or the observed scatter of the anchor ratios when
        larger), ``factor_se`` (its standard error of log factor), ``bound_low``/``bound_high``
        (worst-case bounds: every rounding error aligned against the estimate; guaranteed to hold
        the true factor when the two pulls differ only by rounding), ``n_points`` (anchor dates
        used), ``anchor_mean`` (mean reported anchor value in the batch on those dates).
    anchor : the anchor term
    scale : the final multiplier that made the overall max 100 (included in ``factors``)
    """

    frame: pd.DataFrame
    factors: pd.DataFrame
    anchor: str
    scale: float

    def to_frame(self) -> pd.DataFrame:
        """The calibrated tidy frame (a copy)."""
        return self.frame.copy()

    def summary(self) -> str:
        lines = [f"Batch calibration through anchor {self.anchor!r}",
                 f"batches: {len(self.factors)}; queries: {self.frame['query'].nunique()}; "
                 f"dates: {self.frame['date'].nunique()}",
                 f"{'batch':>5}  {'factor':>9}  {'95% interval':<22}  {'se(log)':>7}  {'worst-case bounds':<22}  "
                 f"{'n_points':>8}  {'anchor mean':>11}"]
        for r in self.factors.itertuples(index=False):
            interval = f"[{r.factor_low:.4g}, {r.factor_high:.4g}]"
            bounds = f"[{r.bound_low:.4g}, {r.bound_high:.4g}]"
            lines.append(f"{r.batch:>5}  {r.factor:9.4g}  {interval:<22}  {r.factor_se:7.3f}  {bounds:<22}  "
                         f"{r.n_points:>8}  {r.anchor_mean:11.1f}")
        lines.append("factor = multiplier from the batch's 0-100 scale to the common scale (max 100).")
        return "\n".join(lines)


def _ratio_bounds(a0: np.ndarray, ab: np.ndarray, lo0: np.ndarray, hi0: np.ndarray, lob: np.ndarray,
                  hib: np.ndarray) -> tuple[float, float]:
    """Interval of sum(true a0) / sum(true ab) over the best nested subset of dates.

    Subsets keep the dates whose smaller value is >= t, for each threshold t; every subset
    gives a valid interval for the same true ratio (when the two pulls differ only by
    rounding), and the narrowest is returned.
    """
    import numpy as np

    order = np.argsort(-np.minimum(a0, ab), kind="stable")
    c_lo0 = np.cumsum(lo0[order])
    c_hi0 = np.cumsum(hi0[order])
    c_lob = np.cumsum(lob[order])
    c_hib = np.cumsum(hib[order])
    with np.errstate(divide="ignore", invalid="ignore"):
        low = c_lo0 / c_hib
        high = np.where(c_lob > 0, c_hi0 / c_lob, np.inf)
        width = np.log(high) - np.log(low)
    width = np.where(np.isfinite(width), width, np.inf)
    i = int(np.argmin(width))
    return float(low[i]), float(high[i])


def calibrate_batches(frames: Sequence[pd.DataFrame], *, anchor: str, min_value: float = 5.0
                      ) -> CalibrationResult:
    """Put batches of the same window on one scale through their shared ``anchor`` term.

    Parameters
    ----------
    frames : one tidy frame per batch (see the module docstring), all over the same dates and
        geo, each containing ``anchor``; frame 0 is the reference scale.
    anchor : the term every batch contains.
    min_value : anchor dates are used only where the anchor is reported at least this high in
        both batches (and not ``"<1"``, not partial, not missing), so rounding is small
        relative to the value (default 5, i.e. at most 10 % rounding error). When no date
        qualifies, every date with both values >= 1 is used, with a warning.

    Method
    ------
    Batch ``b``'s factor is the ratio of sums of the anchor over the usable dates,
    ``f_b = sum(anchor in batch 0) / sum(anchor in batch b)``, which weights each date by its
    size (large values carry the least rounding). Integer rounding is propagated two ways:

    * ``factor_low``/``factor_high``, the 95 % interval ``f_b * exp(+/-1.96 se)``: ``se`` is the
      larger of the rounding error of the two sums (each value uniform within its bounds,
      independent across dates, delta method) and the observed scatter of the ratio estimator
      (``sum((a0 - f a_b)^2)`` over the sum of ``a_b``), which also captures sampling noise that
      differs between the two requests;
    * ``bound_low``/``bound_high``, interval arithmetic with every value at the end of its
      rounding bounds (:func:`rounding_bounds`; the narrowest over nested subsets of dates ranked
      by value). Guaranteed but pessimistic: with an anchor reported around 2 in one batch it
      is +/-25 % while the real error is about 1 %.

    Then every value is multiplied by its batch factor and everything by one constant so the
    largest value is 100; ``value_low``/``value_high`` are each value's rounding bounds times
    its factor's 95 % interval.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    BadRequest
        bad frames, the anchor missing from a batch, or a term in two batches.
    StitchError
        the anchor has no usable dates in common between batch 0 and a batch (e.g. it is
        rounded to 0 next to much larger terms: choose a more popular anchor,
        :func:`trendlib.trends.plan.choose_anchor`).
    """
    import numpy as np
    import pandas as pd

    if isinstance(frames, pd.DataFrame) or not isinstance(frames, Sequence) or len(frames) == 0:
        raise BadRequest("frames is not a non-empty list of DataFrames (one per batch)")
    if not isinstance(anchor, str):
        raise BadRequest(f"anchor {anchor!r} is not a string; accepted: the term every batch contains")
    prepared = [_prepare(f, f"batch {i}") for i, f in enumerate(frames)]
    owner: dict[str, int] = {}
    for i, f in enumerate(prepared):
        queries = list(dict.fromkeys(f["query"]))
        if anchor not in queries:
            raise BadRequest(f"batch {i} does not contain the anchor {anchor!r}; its queries: "
                             + ", ".join(map(repr, queries)))
        for q in queries:
            if q != anchor and q in owner:
                raise BadRequest(f"query {q!r} is in batches {owner[q]} and {i}; accepted: every term in one "
                                 "batch, except the anchor")
            owner.setdefault(q, i)
    keys = _keys(prepared[0])
    on = ["date"] + [k for k in keys if k != "query"]

    ref = prepared[0][prepared[0]["query"] == anchor]
    rows = [{"batch": 0, "factor": 1.0, "factor_low": 1.0, "factor_high": 1.0, "factor_se": 0.0,
             "bound_low": 1.0, "bound_high": 1.0,
             "n_points": int(ref["value"].notna().sum()), "anchor_mean": float(ref["value"].mean())}]
    for b in range(1, len(prepared)):
        cur = prepared[b][prepared[b]["query"] == anchor]
        m = ref.merge(cur, on=on, suffixes=("_0", "_b"), how="inner")
        present = m["value_0"].notna() & m["value_b"].notna() & ~m["is_partial_0"] & ~m["is_partial_b"]
        high = present & (m["value_0"] >= min_value) & (m["value_b"] >= min_value) \
            & ~m["below_one_0"] & ~m["below_one_b"]
        if high.sum() >= min(10, int(present.sum())) and high.any():
            use = high
        else:
            # the anchor is small in some batch: use every shared date (zeros as 0, "<1" at 0.5), since
            # keeping only the dates that happened to round up would bias the ratio
            use = present
            if not (present & (m["value_0"] >= 1) & (m["value_b"] >= 1)).any():
                use = present & False
            elif use.any():
                log.info("batch %d: the anchor %r is below %g on most shared dates; calibrating on all %d "
                         "shared dates (wider interval)", b, anchor, min_value, int(use.sum()))
        if not use.any():
            raise StitchError(
                f"batch {b}: the anchor {anchor!r} has no date reported >= 1 in both batch 0 and batch {b} "
                f"({len(m)} shared dates; max in batch 0 {m['value_0'].max()!r}, in batch {b} "
                f"{m['value_b'].max()!r}); it is rounded away next to larger terms: choose an anchor nearer "
                "the middle of the terms' levels (trendlib.trends.plan.choose_anchor)")
        u = m[use]
        a0 = np.where(u["below_one_0"], 0.5, u["value_0"].to_numpy(float))
        ab = np.where(u["below_one_b"], 0.5, u["value_b"].to_numpy(float))
        f = float(a0.sum() / ab.sum())
        lo0, hi0 = u["value_low_0"].to_numpy(float), u["value_high_0"].to_numpy(float)
        lob, hib = u["value_low_b"].to_numpy(float), u["value_high_b"].to_numpy(float)
        bound_low, bound_high = _ratio_bounds(a0, ab, lo0, hi0, lob, hib)
        # 95 % interval: rounding as independent uniform errors (delta method on the two sums), or the
        # observed scatter of the ratio estimator when larger (sampling noise that differs by request)
        se_round = math.sqrt(np.sum((hi0 - lo0) ** 2 / 12) / a0.sum() ** 2
                             + np.sum((hib - lob) ** 2 / 12) / ab.sum() ** 2)
        se_scatter = 0.0
        if len(u) >= 3:
            resid = a0 - f * ab
            se_scatter = float(math.sqrt(np.sum(resid ** 2) * len(u) / (len(u) - 1)) / ab.sum() / f)
        # rounding does not average out when an anchor's true values sit in a narrow band (sd < ~1 point):
        # the mean rounding error of values with sd s is up to exp(-2 pi^2 s^2) / pi (first Fourier term of
        # the saw-tooth); with an unknown phase its sd is that over sqrt(2)
        se_sys2 = 0.0
        for a in (a0, ab):
            s_true = math.sqrt(max(float(np.var(a)) - 1 / 12, 0.0))
            se_sys2 += (math.exp(-2 * math.pi ** 2 * s_true ** 2) / (math.pi * math.sqrt(2)) / float(a.mean())) ** 2
        se = math.sqrt(max(se_round, se_scatter) ** 2 + se_sys2)
        rows.append({"batch": b, "factor": f, "factor_low": f * math.exp(-Z95 * se),
                     "factor_high": f * math.exp(Z95 * se), "factor_se": se,
                     "bound_low": min(bound_low, f), "bound_high": max(bound_high, f),
                     "n_points": int(len(u)), "anchor_mean": float(ab.mean())})
    factors = pd.DataFrame(rows)

    parts = []
    for b, f in enumerate(prepared):
        part = f if b == 0 else f[f["query"] != anchor]
        part = part.copy()
        r = factors.iloc[b]
        part["value"] = part["value"] * r["factor"]
        part["value_low"] = part["value_low"] * r["factor_low"]
        part["value_high"] = part["value_high"] * r["factor_high"]
        part["batch"] = b
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    top = out["value"].max()
    scale = 100.0 / float(top) if pd.notna(top) and top > 0 else 1.0
    for c in ("value", "value_low", "value_high"):
        out[c] = out[c] * scale
    for c in ("factor", "factor_low", "factor_high", "bound_low", "bound_high"):
        factors[c] = factors[c] * scale
    order = list(dict.fromkeys(out["query"]))
    out["_q"] = out["query"].map({q: i for i, q in enumerate(order)})
    out = out.sort_values(["_q", *[k for k in keys if k != "query"], "date"], kind="stable")
    out = out.drop(columns="_q").reset_index(drop=True)
    front = ["date", *keys, "value", "value_low", "value_high", "below_one", "is_partial", "batch"]
    out = out[front + [c for c in out.columns if c not in front]]
    return CalibrationResult(frame=out, factors=factors, anchor=anchor, scale=scale)


# --------------------------------------------------------------------------- periods

def _period_end(starts: pd.DatetimeIndex | pd.Series, resolution: str):
    """Exclusive end of each period starting at ``starts``."""
    import pandas as pd

    if resolution == "day":
        return starts + pd.Timedelta(days=1)
    if resolution == "week":
        return starts + pd.Timedelta(days=7)
    if resolution == "month":
        return starts + pd.offsets.MonthBegin(1)
    raise BadRequest(f"pin_resolution {resolution!r} is not known; accepted: 'day', 'week', 'month'")


def _period_start(dates: pd.Series, resolution: str) -> pd.Series:
    import pandas as pd

    d = pd.to_datetime(dates).dt.normalize()
    if resolution == "day":
        return d
    if resolution == "week":  # Google's weeks start on Sunday
        return d - pd.to_timedelta((d.dt.day_of_week + 1) % 7, unit="D")
    if resolution == "month":
        return d - pd.to_timedelta(d.dt.day - 1, unit="D")
    raise BadRequest(f"resolution {resolution!r} is not known; accepted: 'day', 'week', 'month'")


def aggregate_periods(frame: pd.DataFrame, *, resolution: str = "week", complete_only: bool = True
                      ) -> pd.DataFrame:
    """Mean of a daily tidy series per Google period: Sunday-start weeks, calendar months.

    Returns ``date`` (period start), the key columns, ``value`` (mean of the daily values in
    the period, ``"<1"`` days counted at their ``value``), and ``n_days``. With
    ``complete_only`` a period is kept only when every one of its days has a value.
    """
    import pandas as pd

    df = _prepare(frame, "frame")
    keys = _keys(df)
    df = df[df["value"].notna()].copy()
    df["period"] = _period_start(df["date"], resolution)
    g = df.groupby([*keys, "period"], sort=True)
    out = g.agg(value=("value", "mean"), n_days=("value", "size")).reset_index()
    out = out.rename(columns={"period": "date"})
    if complete_only:
        length = (_period_end(out["date"], resolution) - out["date"]).dt.days
        out = out[out["n_days"] == length]
    return out[["date", *keys, "value", "n_days"]].reset_index(drop=True)


# --------------------------------------------------------------------------- stitching

@dataclasses.dataclass(frozen=True, eq=False)
class StitchResult:
    """Overlapping windows on one scale (see :func:`stitch_windows`).

    Attributes
    ----------
    frame : tidy, one row per (date, query[, geo]): ``value`` (mean of the rescaled windows
        covering the date; overall max 100 when normalised), ``value_low``/``value_high``
        (each window's value bounds times its factor's 95 % interval, averaged), ``below_one``
        (every covering window said "<1"), ``is_partial``, ``n_windows`` and passed-through columns
    factors : one row per window (in the order given): ``window``, ``start``, ``end``, ``factor``
        (multiplies the window's values), ``factor_low``/``factor_high`` (95 % interval),
        ``log_se`` (standard error of log factor), ``n_overlap_points`` (overlap equations the
        window is in), ``n_pin_points`` (pin periods it covers and was fitted to), ``informative``
    method : ``'joint'`` or ``'chain'``
    pin_resolution : resolution of the pin, or None without a pin
    pin_fit : one row per pin period used: ``date``, key columns, ``pin`` (the coarse pull, on the
        output scale), ``stitched`` (mean of the stitched daily values over the period), ``log_ratio``
    tau_overlap, tau_pin : estimated extra noise (log scale) of overlap and pin equations beyond rounding
    scale : the final multiplier that made the overall max 100 (1.0 when not normalised; included
        in ``factors``)
    """

    frame: pd.DataFrame
    factors: pd.DataFrame
    method: str
    pin_resolution: str | None
    pin_fit: pd.DataFrame
    tau_overlap: float
    tau_pin: float
    scale: float

    def to_frame(self) -> pd.DataFrame:
        """The stitched tidy frame (a copy)."""
        return self.frame.copy()

    def summary(self) -> str:
        lines = [f"Window stitching ({self.method}"
                 + (f", pinned to a {self.pin_resolution}ly pull" if self.pin_resolution else ", no pin") + ")",
                 f"windows: {len(self.factors)}; queries: {self.frame['query'].nunique()}; "
                 f"dates: {self.frame['date'].nunique()}",
                 f"{'window':>6}  {'start':<10}  {'end':<10}  {'factor':>9}  {'95% interval':<22}  {'se(log)':>7}  "
                 f"{'overlap pts':>11}  {'pin pts':>7}"]
        for r in self.factors.itertuples(index=False):
            interval = f"[{r.factor_low:.4g}, {r.factor_high:.4g}]"
            lines.append(f"{r.window:>6}  {_fmt_date(r.start):<10}  {_fmt_date(r.end):<10}  {r.factor:9.4g}  "
                         f"{interval:<22}  {r.log_se:7.3f}  {r.n_overlap_points:>11}  {r.n_pin_points:>7}"
                         + ("" if r.informative else "  (no positive values: factor irrelevant)"))
        lines.append(f"extra noise beyond rounding (log sd): overlaps {self.tau_overlap:.3f}, pin {self.tau_pin:.3f}")
        if len(self.pin_fit):
            lr = self.pin_fit["log_ratio"].abs()
            lines.append(f"pin fit: {len(self.pin_fit)} periods, median |log(stitched/pin)| {lr.median():.3f}")
        return "\n".join(lines)


def _solve(X, y, var, kinds, n_iter: int = 6):
    """Weighted least squares with a per-kind extra variance tau^2 estimated by moments."""
    import numpy as np

    tau2 = {k: 0.0 for k in set(kinds.tolist())}
    for _ in range(n_iter):
        extra = np.array([tau2[k] for k in kinds]) if len(kinds) else np.zeros(0)
        w = 1.0 / np.maximum(var + extra, 1e-12)
        sw = np.sqrt(w)
        beta, *_ = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)
        r = y - X @ beta
        new = {}
        for k in tau2:
            sel = kinds == k
            n_k = int(sel.sum())
            p_k = min(X.shape[1], max(n_k - 1, 0))
            dof = max(n_k - p_k, 1)
            new[k] = max(0.0, float(np.sum(r[sel] ** 2 - var[sel]) / dof)) if n_k else 0.0
        if all(abs(new[k] - tau2[k]) < 1e-10 for k in tau2):
            tau2 = new
            break
        tau2 = new
    extra = np.array([tau2[k] for k in kinds]) if len(kinds) else np.zeros(0)
    w = 1.0 / np.maximum(var + extra, 1e-12)
    sw = np.sqrt(w)
    Xw = X * sw[:, None]
    beta, *_ = np.linalg.lstsq(Xw, y * sw, rcond=None)
    r = (y - X @ beta) * sw
    dof = len(y) - X.shape[1]
    s2 = max(1.0, float(np.sum(r ** 2) / dof)) if dof > 0 else 1.0
    cov = np.linalg.pinv(Xw.T @ Xw) * s2
    return beta, np.sqrt(np.clip(np.diag(cov), 0, None)), tau2


def stitch_windows(frames: Sequence[pd.DataFrame], *, pin: pd.DataFrame | None = None,
                   pin_resolution: str = "week", method: Literal["joint", "chain"] = "joint",
                   min_value: float = 5.0, min_overlap_days: int = 7, min_points: int = 5,
                   normalize: bool = True) -> StitchResult:
    """Stitch overlapping windows of a daily (or hourly) series into one series on one scale.

    Parameters
    ----------
    frames : one tidy frame per window (see the module docstring); each may hold several
        queries already on one scale (e.g. a :class:`CalibrationResult` frame). Windows are
        ordered by their first date; consecutive windows must share at least
        ``min_overlap_days`` dates.
    pin : optional tidy frame of one coarse pull over the whole span (same queries, one scale),
        at ``pin_resolution``; its dates are period starts (Google's weeks start on Sunday).
    pin_resolution : ``'week'`` (default), ``'month'`` or ``'day'``.
    method : ``'joint'`` (default): one log scale factor per window, estimated jointly by
        weighted least squares over every overlap of every pair of windows (and every pin
        period) at once. ``'chain'``: each window rescaled to the previous one by the median
        of the day-by-day ratios over their overlap, chained (the classic approach, kept for
        comparison: its errors compound); with a pin, one overall factor is fitted to it.
    min_value : overlap and pin points are used only where both values are at least this
        (default 5) and neither is ``"<1"``, partial or missing; a pair of windows with fewer
        than ``min_points`` such points falls back to values >= 1, with a warning.
    min_overlap_days : minimum number of shared dates between consecutive windows (default 7).
    min_points : minimum usable points for a pair of windows to enter the fit (default 5).
    normalize : rescale the result so its overall max is 100 (default). Without it the
        values are on the pin's scale (with a pin) or the first window's scale.

    Method (``'joint'``)
    --------------------
    With ``a_w`` the log factor of window ``w`` and ``x`` reported values, every usable overlap
    point of windows ``w`` and ``u`` gives ``a_w - a_u = log x_u - log x_w``; every pin period
    ``p`` fully covered by window ``w`` gives ``a_w = log pin_p - log mean_{d in p} x_w,d``
    (the pin's scale is the reference; without a pin the first window's ``a`` is fixed at 0).
    Weights are ``1 / (rounding variance + tau^2)``: rounding variance ``((hi - lo)/x)^2 / 12``
    per value, ``tau^2`` the extra (sampling) noise of each kind of equation, estimated from the
    residuals. Standard errors come from the weighted fit (residual variance at least 1).
    Overlapping dates are combined by the mean of the rescaled values of the windows that cover
    them (partial rows are used only when no complete one covers the date).

    Returns
    -------
    StitchResult

    Raises
    ------
    BadRequest
        bad frames or options.
    StitchError
        consecutive windows share fewer than ``min_overlap_days`` dates, or a window with
        positive values cannot be tied to the others (too few usable overlap points and no pin).
    """
    import numpy as np
    import pandas as pd

    if isinstance(frames, pd.DataFrame) or not isinstance(frames, Sequence) or len(frames) == 0:
        raise BadRequest("frames is not a non-empty list of DataFrames (one per window)")
    if method not in ("joint", "chain"):
        raise BadRequest(f"method {method!r} is not known; accepted: 'joint', 'chain'")
    if pin is not None and pin_resolution not in ("day", "week", "month"):
        raise BadRequest(f"pin_resolution {pin_resolution!r} is not known; accepted: 'day', 'week', 'month'")
    for name, val, lo in (("min_overlap_days", min_overlap_days, 1), ("min_points", min_points, 1)):
        if isinstance(val, bool) or not isinstance(val, int) or val < lo:
            raise BadRequest(f"{name} {val!r}; accepted: an integer >= {lo}")
    if not (isinstance(min_value, (int, float)) and min_value > 0):
        raise BadRequest(f"min_value {min_value!r}; accepted: a number > 0")

    prepared = [_prepare(f, f"window {i}") for i, f in enumerate(frames)]
    nonempty = [f for f in prepared if len(f)]
    if not nonempty:
        raise BadRequest("every window frame is empty; accepted: at least one row")
    keys = _keys(prepared[0])
    if any(_keys(f) != keys for f in prepared):
        raise BadRequest("some windows have a geo column and others not; accepted: the same columns in all")
    n_win = len(prepared)
    bounds = [(f["date"].min(), f["date"].max()) for f in prepared]
    order = sorted(range(n_win), key=lambda i: (pd.Timestamp(bounds[i][0]) if len(prepared[i])
                                                else pd.Timestamp.max, i))

    # structural check: consecutive windows overlap
    for a, b in zip(order, order[1:]):
        if not len(prepared[a]) or not len(prepared[b]):
            continue
        shared = len(set(prepared[a]["date"]) & set(prepared[b]["date"]))
        if shared < min_overlap_days:
            raise StitchError(
                f"windows {a} ({_fmt_date(bounds[a][0])}..{_fmt_date(bounds[a][1])}) and {b} "
                f"({_fmt_date(bounds[b][0])}..{_fmt_date(bounds[b][1])}) share {shared} dates; accepted: at "
                f"least {min_overlap_days} (plan the fetch with a larger overlap_days)")

    # one matrix of values: rows = (key, date), columns = windows
    allrows = pd.concat([f[[*keys, "date"]] for f in prepared], ignore_index=True).drop_duplicates()
    allrows = allrows.sort_values([*keys, "date"], kind="stable").reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(allrows[[*keys, "date"]])
    n_rows = len(allrows)
    V = np.full((n_rows, n_win), np.nan)
    P = np.full((n_rows, n_win), np.nan)  # point values ("<1" at 0.5)
    LO = np.full((n_rows, n_win), np.nan)
    HI = np.full((n_rows, n_win), np.nan)
    B1 = np.zeros((n_rows, n_win), dtype=bool)
    PART = np.zeros((n_rows, n_win), dtype=bool)
    for w, f in enumerate(prepared):
        if not len(f):
            continue
        pos = idx.get_indexer(pd.MultiIndex.from_frame(f[[*keys, "date"]]))
        V[pos, w] = f["value"].to_numpy(float)
        P[pos, w] = np.where(f["value"].isna(), np.nan, _point(f))
        LO[pos, w] = f["value_low"].to_numpy(float)
        HI[pos, w] = f["value_high"].to_numpy(float)
        B1[pos, w] = f["below_one"].to_numpy(bool)
        PART[pos, w] = f["is_partial"].to_numpy(bool)
    clean = np.isfinite(V) & ~B1 & ~PART
    informative = np.array([bool(np.any(np.nan_to_num(V[:, w]) > 0) or np.any(B1[:, w]))
                            for w in range(n_win)])
    positive = np.array([bool(np.any(np.nan_to_num(V[:, w]) > 0)) for w in range(n_win)])

    # overlap equations for every pair of windows
    eq_i, eq_j, eq_y, eq_v = [], [], [], []
    pair_points: dict[tuple[int, int], int] = {}
    for ia in range(n_win):
        for ib in range(ia + 1, n_win):
            both = clean[:, ia] & clean[:, ib]
            if not both.any():
                continue
            use = both & (V[:, ia] >= min_value) & (V[:, ib] >= min_value)
            if use.sum() < min_points:
                loose = both & (V[:, ia] >= 1) & (V[:, ib] >= 1)
                if loose.sum() > use.sum() and positive[ia] and positive[ib]:
                    if loose.sum() >= min_points:
                        log.info("windows %d and %d: fewer than %d shared values >= %g; using %d values "
                                 ">= 1 (noisier)", ia, ib, min_points, min_value, int(loose.sum()))
                    use = loose
            if use.sum() < min_points:
                continue
            xa, xb = V[use, ia], V[use, ib]
            va = _rel_var(xa, LO[use, ia], HI[use, ia])
            vb = _rel_var(xb, LO[use, ib], HI[use, ib])
            eq_i.append(np.full(use.sum(), ia))
            eq_j.append(np.full(use.sum(), ib))
            eq_y.append(np.log(xb) - np.log(xa))
            eq_v.append(va + vb)
            pair_points[(ia, ib)] = int(use.sum())

    # pin equations
    pin_rows = []  # (window, key tuple, period start, pin value, pin var, window mean, mean var)
    pin_df = None
    if pin is not None:
        pin_df = _prepare(pin, "pin")
        if _keys(pin_df) != keys:
            raise BadRequest("the pin and the windows differ in having a geo column; accepted: the same columns")
        pin_df = pin_df[pin_df["value"].notna() & ~pin_df["below_one"] & ~pin_df["is_partial"]
                        & (pin_df["value"] >= min_value)]
        if len(pin_df) == 0:
            log.warning("the pin has no period with a value >= %g; stitching without it", min_value)
        if len(pin_df):
            # each pin row covers [date, date + period); map every window row to the period holding it
            starts = pd.DatetimeIndex(sorted(set(pin_df["date"])))
            ends = pd.DatetimeIndex(_period_end(starts, pin_resolution))
            length = np.asarray((ends - starts) / pd.Timedelta(days=1), dtype=float)
            row_dates = pd.DatetimeIndex(allrows["date"])
            j = starts.searchsorted(row_dates, side="right") - 1
            inside = j >= 0
            inside[inside] = row_dates[inside] < ends[j[inside]]
            key_codes, key_uniques = pd.MultiIndex.from_frame(allrows[keys]).factorize()
            n_groups = len(key_uniques) * len(starts)
            gid = np.where(inside, key_codes * len(starts) + np.maximum(j, 0), n_groups)
            pin_keys = pd.MultiIndex.from_frame(pin_df[keys])
            pin_kc = pd.Index(key_uniques).get_indexer(pin_keys)
            pin_j = starts.get_indexer(pd.DatetimeIndex(pin_df["date"]))
            known = pin_kc >= 0
            pin_gid = pin_kc * len(starts) + pin_j
            pv = pin_df["value"].to_numpy(float)
            var_pin = ((pin_df["value_high"].to_numpy(float) - pin_df["value_low"].to_numpy(float)) / pv) ** 2 / 12
            pin_dates = pd.DatetimeIndex(pin_df["date"])
            var_round = np.where(np.isfinite(HI - LO), (HI - LO) ** 2 / 12.0, 0.0)
            for w in range(n_win):
                if not positive[w]:
                    continue
                ok = np.isfinite(P[:, w]) & ~PART[:, w]
                cnt = np.bincount(gid, weights=ok.astype(float), minlength=n_groups + 1)
                tot = np.bincount(gid, weights=np.where(ok, P[:, w], 0.0), minlength=n_groups + 1)
                vr = np.bincount(gid, weights=np.where(ok, var_round[:, w], 0.0), minlength=n_groups + 1)
                for k in np.flatnonzero(known):
                    g = pin_gid[k]
                    n_days = length[pin_j[k]]
                    if cnt[g] != n_days or tot[g] <= 0:
                        continue
                    m = tot[g] / n_days
                    var_m = vr[g] / n_days ** 2 / m ** 2
                    pin_rows.append((w, tuple(pin_keys[k]), pin_dates[k], float(pv[k]), float(var_pin[k]),
                                     float(m), float(var_m)))
    n_pin_w = np.zeros(n_win, dtype=int)
    for r in pin_rows:
        n_pin_w[r[0]] += 1
    use_pin = pin is not None and len(pin_rows) > 0

    # which windows can be tied together
    n_ov = np.zeros(n_win, dtype=int)
    adj: dict[int, set[int]] = {w: set() for w in range(n_win)}
    for (ia, ib), k in pair_points.items():
        adj[ia].add(ib)
        adj[ib].add(ia)
        n_ov[ia] += k
        n_ov[ib] += k
    ref = next((w for w in order if positive[w]), order[0])
    roots = {w for w in range(n_win) if n_pin_w[w] > 0} if (use_pin and method == "joint") else {ref}
    if not roots:
        roots = {ref}
    reached, stack = set(roots), list(roots)
    while stack:
        w = stack.pop()
        for u in adj[w]:
            if u not in reached:
                reached.add(u)
                stack.append(u)
    for w in order:
        if positive[w] and w not in reached:
            raise StitchError(
                f"window {w} ({_fmt_date(bounds[w][0])}..{_fmt_date(bounds[w][1])}) cannot be put on the common "
                f"scale: it shares fewer than {min_points} usable values (>= 1, not '<1', not partial) with any "
                "window tied to the reference" + (" and covers no usable pin period" if pin is not None else "")
                + "; accepted: larger overlaps (plan overlap_days) or terms with more search volume")

    a = np.zeros(n_win)
    se = np.zeros(n_win)
    tau_o = tau_p = 0.0
    if method == "joint":
        free = [w for w in order if w in reached and positive[w] and (use_pin or w != ref)]
        col = {w: i for i, w in enumerate(free)}
        X_rows, y_all, v_all, kinds = [], [], [], []
        for ii, jj, yy, vv in zip(eq_i, eq_j, eq_y, eq_v):
            wa, wb = int(ii[0]), int(jj[0])
            if not (positive[wa] and positive[wb]):
                continue
            Xb = np.zeros((len(yy), len(free)))
            if wa in col:
                Xb[:, col[wa]] = 1.0
            if wb in col:
                Xb[:, col[wb]] = -1.0
            X_rows.append(Xb)
            y_all.append(yy)
            v_all.append(vv)
            kinds.append(np.zeros(len(yy), dtype=int))
        if use_pin:
            Xp = np.zeros((len(pin_rows), len(free)))
            yp = np.empty(len(pin_rows))
            vp = np.empty(len(pin_rows))
            for k, (w, _key, _d, pv, var_p, m, var_m) in enumerate(pin_rows):
                if w in col:
                    Xp[k, col[w]] = 1.0
                yp[k] = math.log(pv) - math.log(m)
                vp[k] = var_p + var_m
            X_rows.append(Xp)
            y_all.append(yp)
            v_all.append(vp)
            kinds.append(np.ones(len(pin_rows), dtype=int))
        if free and X_rows:
            X = np.vstack(X_rows)
            y = np.concatenate(y_all)
            var = np.concatenate(v_all)
            kind = np.concatenate(kinds)
            beta, sds, tau2 = _solve(X, y, var, kind)
            for w, i in col.items():
                a[w] = beta[i]
                se[w] = sds[i]
            tau_o = math.sqrt(tau2.get(0, 0.0))
            tau_p = math.sqrt(tau2.get(1, 0.0))
    else:  # chain of median ratios, window by window
        prev = None
        for w in order:
            if not positive[w]:
                continue
            if prev is None:
                prev = w
                continue
            both = np.isfinite(V[:, prev]) & np.isfinite(V[:, w]) & (V[:, prev] > 0) & (V[:, w] > 0) \
                & ~B1[:, prev] & ~B1[:, w]
            if not both.any():
                raise StitchError(f"windows {prev} and {w} share no positive values; cannot chain them")
            lr = np.log(V[both, prev]) - np.log(V[both, w])
            a[w] = a[prev] + float(np.median(lr))
            # the median's standard error (normal approximation), accumulated along the chain
            s = 1.2533 * float(np.std(lr, ddof=1)) / math.sqrt(len(lr)) if len(lr) > 1 else 0.0
            se[w] = math.sqrt(se[prev] ** 2 + s ** 2)
            prev = w

    # windows without positive values: their factor only scales zeros and "<1"; borrow a neighbour's
    for w in order:
        if not positive[w]:
            near = [u for u in order if positive[u]]
            if near:
                u = min(near, key=lambda u: abs(order.index(u) - order.index(w)))
                a[w], se[w] = a[u], se[u]

    # combine
    f = np.exp(a)
    f_lo = np.exp(a - Z95 * se)
    f_hi = np.exp(a + Z95 * se)
    have = np.isfinite(V)
    complete = have & ~PART
    use_rows = np.where(complete.any(axis=1)[:, None], complete, have)
    cnt = use_rows.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = np.where(use_rows, P * f, 0.0).sum(axis=1) / cnt
        lo = np.where(use_rows, LO * f_lo, 0.0).sum(axis=1) / cnt
        hi = np.where(use_rows, HI * f_hi, 0.0).sum(axis=1) / cnt
    val = np.where(cnt > 0, val, np.nan)
    lo = np.where(cnt > 0, lo, np.nan)
    hi = np.where(cnt > 0, hi, np.nan)
    below = (cnt > 0) & np.all(np.where(use_rows, B1, True), axis=1)
    partial = (cnt > 0) & ~complete.any(axis=1) & have.any(axis=1)

    out = allrows.copy()
    out["value"] = val
    out["value_low"] = lo
    out["value_high"] = hi
    out["below_one"] = below
    out["is_partial"] = partial
    out["n_windows"] = cnt.astype(int)
    extra = _passthrough(prepared, list(_KNOWN) + ["n_windows"])
    if extra:
        firsts = (pd.concat([f[[*keys, "date", *[c for c in extra if c in f.columns]]] for f in prepared],
                            ignore_index=True)
                  .drop_duplicates(subset=[*keys, "date"], keep="first"))
        out = out.merge(firsts, on=[*keys, "date"], how="left")

    # pin diagnostics (and, for the chain or a pin that entered no equation, one overall pin factor g)
    pin_fit = pd.DataFrame(columns=["date", *keys, "pin", "stitched", "log_ratio"])
    g = 1.0
    if pin_df is not None and len(pin_df):
        agg = aggregate_periods(out[[*keys, "date", "value"]], resolution=pin_resolution)
        pf = pin_df[[*keys, "date", "value"]].rename(columns={"value": "pin"}).merge(
            agg.rename(columns={"value": "stitched"}), on=[*keys, "date"], how="inner")
        pf = pf[(pf["stitched"] > 0) & (pf["pin"] > 0)]
        if len(pf):
            lr = np.log(pf["stitched"].to_numpy(float)) - np.log(pf["pin"].to_numpy(float))
            if method == "chain" or not use_pin:
                w8 = pf["pin"].to_numpy(float) ** 2
                g = math.exp(-float(np.sum(w8 * lr) / np.sum(w8)))
            pin_fit = pf.assign(stitched=pf["stitched"] * g, log_ratio=lr + math.log(g))
            pin_fit = pin_fit[["date", *keys, "pin", "stitched", "log_ratio"]].reset_index(drop=True)
    c = 1.0
    if normalize:
        vals = out["value"].to_numpy(float) * g
        top = np.nanmax(vals) if np.isfinite(vals).any() else np.nan
        if np.isfinite(top) and top > 0:
            c = 100.0 / top
    scale = g * c
    for col_name in ("value", "value_low", "value_high"):
        out[col_name] = out[col_name] * scale
    if len(pin_fit):
        pin_fit["pin"] = pin_fit["pin"] * c
        pin_fit["stitched"] = pin_fit["stitched"] * c

    front = ["date", *keys, "value", "value_low", "value_high", "below_one", "is_partial", "n_windows"]
    qorder = {q: i for i, q in enumerate(dict.fromkeys(pd.concat([f["query"] for f in prepared])))}
    out = out.assign(_q=out["query"].map(qorder)).sort_values(
        ["_q", *[k for k in keys if k != "query"], "date"], kind="stable").drop(columns="_q")
    out = out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)

    factors = pd.DataFrame({
        "window": np.arange(n_win),
        "start": [b[0] for b in bounds], "end": [b[1] for b in bounds],
        "factor": f * scale, "factor_low": f_lo * scale, "factor_high": f_hi * scale, "log_se": se,
        "n_overlap_points": n_ov, "n_pin_points": n_pin_w if method == "joint" else np.zeros(n_win, int),
        "informative": informative,
    })
    return StitchResult(frame=out, factors=factors, method=method,
                        pin_resolution=pin_resolution if pin is not None else None, pin_fit=pin_fit,
                        tau_overlap=tau_o, tau_pin=tau_p, scale=scale)


# --------------------------------------------------------------------------- samples

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
