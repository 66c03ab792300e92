"""Batches of one window on one scale through their shared anchor term (ratio of sums, with bounds)."""
from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from trendlib.trends.errors import BadRequest, StitchError
from trendlib.trends.stitch.validate import Z95, _keys, _prepare

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["CalibrationResult", "calibrate_batches", "ratio_se"]

log = logging.getLogger("trendlib.trends.stitch")


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
    prepared, keys = _check_batches(frames, anchor)
    on = ["date"] + [k for k in keys if k != "query"]
    ref = prepared[0][prepared[0]["query"] == anchor]
    rows = [{"batch": 0, "factor": 1.0, "factor_low": 1.0, "factor_high": 1.0, "factor_se": 0.0,
             "bound_low": 1.0, "bound_high": 1.0,
             "n_points": int(ref["value"].notna().sum()), "anchor_mean": float(ref["value"].mean())}]
    for b in range(1, len(prepared)):
        cur = prepared[b][prepared[b]["query"] == anchor]
        m = ref.merge(cur, on=on, suffixes=("_0", "_b"), how="inner")
        rows.append(_anchor_factor(m, b, anchor, min_value))
    return _apply_factors(prepared, rows, keys, anchor)


def _check_batches(frames: Sequence[pd.DataFrame], anchor: str) -> tuple[list[pd.DataFrame], list[str]]:
    """Prepared batch frames (each holding the anchor; every other term in one batch only) and the keys."""
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
    return prepared, _keys(prepared[0])


def _usable_anchor_dates(m: pd.DataFrame, b: int, anchor: str, min_value: float) -> pd.Series:
    """Shared anchor dates to calibrate on: values >= ``min_value`` in both, else every shared date."""
    present = m["value_0"].notna() & m["value_b"].notna() & ~m["is_partial_0"] & ~m["is_partial_b"]
    high = present & (m["value_0"] >= min_value) & (m["value_b"] >= min_value) \
        & ~m["below_one_0"] & ~m["below_one_b"]
    if high.sum() >= min(10, int(present.sum())) and high.any():
        return high
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
    return use


def ratio_se(a0: np.ndarray, ab: np.ndarray, lo0: np.ndarray, hi0: np.ndarray, lob: np.ndarray,
             hib: np.ndarray) -> float:
    """Standard error of log(sum a0 / sum ab): rounding, observed scatter, and rounding that does not average.

    * rounding as independent uniform errors within the bounds (delta method on the two sums);
    * the observed scatter of the ratio estimator when larger (sampling noise that differs by request);
    * rounding does not average out when an anchor's true values sit in a narrow band (sd < ~1 point):
      the mean rounding error of values with sd s is up to exp(-2 pi^2 s^2) / pi (first Fourier term
      of the saw-tooth); with an unknown phase its sd is that over sqrt(2).
    """
    import numpy as np

    f = float(a0.sum() / ab.sum())
    se_round = math.sqrt(np.sum((hi0 - lo0) ** 2 / 12) / a0.sum() ** 2
                         + np.sum((hib - lob) ** 2 / 12) / ab.sum() ** 2)
    se_scatter = 0.0
    if len(a0) >= 3:
        resid = a0 - f * ab
        se_scatter = float(math.sqrt(np.sum(resid ** 2) * len(a0) / (len(a0) - 1)) / ab.sum() / f)
    se_sys2 = 0.0
    for a in (a0, ab):
        s_true = math.sqrt(max(float(np.var(a)) - 1 / 12, 0.0))
        se_sys2 += (math.exp(-2 * math.pi ** 2 * s_true ** 2) / (math.pi * math.sqrt(2)) / float(a.mean())) ** 2
    return math.sqrt(max(se_round, se_scatter) ** 2 + se_sys2)


def _anchor_factor(m: pd.DataFrame, b: int, anchor: str, min_value: float) -> dict:
    """Factor row of batch ``b`` from the merged anchor values (``*_0`` batch 0, ``*_b`` batch b)."""
    import numpy as np

    u = m[_usable_anchor_dates(m, b, anchor, min_value)]
    a0 = np.where(u["below_one_0"], 0.5, u["value_0"].to_numpy(float))
    ab = np.where(u["below_one_b"], 0.5, u["value_b"].to_numpy(float))
    f = float(a0.sum() / ab.sum())
    lo0, hi0 = u["value_low_0"].to_numpy(float), u["value_high_0"].to_numpy(float)
    lob, hib = u["value_low_b"].to_numpy(float), u["value_high_b"].to_numpy(float)
    bound_low, bound_high = _ratio_bounds(a0, ab, lo0, hi0, lob, hib)
    se = ratio_se(a0, ab, lo0, hi0, lob, hib)
    return {"batch": b, "factor": f, "factor_low": f * math.exp(-Z95 * se),
            "factor_high": f * math.exp(Z95 * se), "factor_se": se,
            "bound_low": min(bound_low, f), "bound_high": max(bound_high, f),
            "n_points": int(len(u)), "anchor_mean": float(ab.mean())}


def _apply_factors(prepared: list[pd.DataFrame], rows: list[dict], keys: list[str], anchor: str
                   ) -> CalibrationResult:
    """Multiply every batch by its factor (anchor rows from batch 0), then scale the max to 100."""
    import pandas as pd

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

