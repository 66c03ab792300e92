"""Overlapping windows of one series on one scale: the data grid, the equations, and the result.

:func:`stitch_windows` builds a grid of values (rows = (key, date), columns = windows), the
overlap equations of every pair of windows and the pin equations, then hands them to the
joint solver (:mod:`trendlib.trends.stitch.solver`) or the chain-of-ratios reference
(:mod:`trendlib.trends.stitch.chain`), and combines the rescaled windows.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from trendlib.trends.errors import BadRequest, StitchError
from trendlib.trends.stitch.periods import _period_end, aggregate_periods
from trendlib.trends.stitch.validate import (KNOWN_COLUMNS, Z95, _fmt_date, _keys, _passthrough, _point, _prepare,
                                              _rel_var)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["StitchResult", "stitch_windows", "Grid", "Equations"]

log = logging.getLogger("trendlib.trends.stitch")


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




@dataclasses.dataclass
class Grid:
    """The windows' values on one grid: rows = (key, date) of ``allrows``, columns = windows.

    ``V`` reported values, ``P`` point values ("<1" at 0.5), ``LO``/``HI`` rounding bounds,
    ``B1`` "<1", ``PART`` partial; NaN where a window does not cover a row. ``VA``/``VB`` the
    values' variance model ``VA * value + VB`` in the window's units (sampling and rounding, from
    the input columns ``var_sampling``/``var_rounding``, e.g. :func:`calibrate_ladder`'s); NaN where
    not given.
    """

    allrows: Any
    keys: list[str]
    bounds: list[tuple[Any, Any]]
    order: list[int]
    V: Any
    P: Any
    LO: Any
    HI: Any
    B1: Any
    PART: Any
    VA: Any = None
    VB: Any = None

    @property
    def n_win(self) -> int:
        return self.V.shape[1]

    @functools.cached_property
    def clean(self) -> Any:
        import numpy as np
        return np.isfinite(self.V) & ~self.B1 & ~self.PART

    @functools.cached_property
    def positive(self) -> Any:
        import numpy as np
        return np.array([bool(np.any(np.nan_to_num(self.V[:, w]) > 0)) for w in range(self.n_win)])

    @functools.cached_property
    def informative(self) -> Any:
        import numpy as np
        return np.array([bool(np.any(np.nan_to_num(self.V[:, w]) > 0) or np.any(self.B1[:, w]))
                         for w in range(self.n_win)])


@dataclasses.dataclass
class Equations:
    """Overlap equations ``a_wb - a_wa = y`` (log ratios, variance ``v``) and pin equations.

    ``overlap``: one ``(wa, wb, y, v)`` block per pair of windows; ``pairs``: points per pair;
    ``pin_rows``: ``(window, key, period start, pin value, pin var, window mean, mean var)``.
    """

    overlap: list[tuple[int, int, Any, Any]]
    pairs: dict[tuple[int, int], int]
    pin_rows: list[tuple]


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
    _check_options(frames, pin=pin, pin_resolution=pin_resolution, method=method, min_value=min_value,
                   min_overlap_days=min_overlap_days, min_points=min_points)
    prepared, keys = _prepare_windows(frames)
    grid = _grid(prepared, keys)
    _check_overlaps(prepared, grid, min_overlap_days)
    eqs = _overlap_equations(grid, min_value, min_points)
    pin_df = _prepare_pin(pin, keys, min_value)
    if pin_df is not None and len(pin_df):
        eqs.pin_rows = _pin_equations(grid, pin_df, pin_resolution)
    use_pin = pin is not None and len(eqs.pin_rows) > 0
    reached, n_ov = _reachable(grid, eqs, use_pin=use_pin, joint=method == "joint", min_points=min_points,
                               has_pin=pin is not None)
    a, se, tau_o, tau_p = _window_factors(grid, eqs, reached, method=method, use_pin=use_pin)
    _borrow_factors(grid, a, se)
    out = _combine(grid, prepared, a, se)
    pin_fit, g = _pin_fit(out, pin_df, keys, pin_resolution, refit=method == "chain" or not use_pin)
    return _finish(grid, prepared, out, pin_fit, g, a, se, n_ov, eqs, method=method, normalize=normalize,
                   pin_resolution=pin_resolution if pin is not None else None, tau=(tau_o, tau_p))


def _check_options(frames: Any, *, pin: Any, pin_resolution: str, method: str, min_value: Any,
                   min_overlap_days: Any, min_points: Any) -> None:
    """BadRequest for frames that are not a non-empty list, or an unknown or out-of-range option."""
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


def _prepare_windows(frames: Sequence[pd.DataFrame]) -> tuple[list[pd.DataFrame], list[str]]:
    """The checked window frames and their key columns (``query``, and ``geo`` when present)."""
    prepared = [_prepare(f, f"window {i}") for i, f in enumerate(frames)]
    if not any(len(f) for f in prepared):
        raise BadRequest("every window frame is empty; accepted: at least one row")
    keys = _keys(prepared[0])
    if any(_keys(f) != keys for f in prepared):
        raise BadRequest("some windows have a geo column and others not; accepted: the same columns in all")
    return prepared, keys


def _window_factors(grid: Grid, eqs: Equations, reached: Any, *, method: str, use_pin: bool) -> tuple:
    """Log factor and se of each window, and the extra noise (tau) of overlap and pin equations."""
    if method == "joint":
        from trendlib.trends.stitch.solver import joint_window_factors
        return joint_window_factors(grid, eqs, reached, use_pin=use_pin)
    from trendlib.trends.stitch.chain import chain_window_factors
    a, se = chain_window_factors(grid)
    return a, se, 0.0, 0.0


def _grid(prepared: list[pd.DataFrame], keys: list[str]) -> Grid:
    """One matrix of values per field: rows = (key, date) over all windows, columns = windows."""
    import numpy as np
    import pandas as pd

    n_win = len(prepared)
    bounds = [(f["date"].min(), f["date"].max()) for f in prepared]
    order = sorted(range(n_win), key=lambda i: (pd.Timestamp(bounds[i][0]) if len(prepared[i])
                                                else pd.Timestamp.max, i))
    allrows = pd.concat([f[[*keys, "date"]] for f in prepared], ignore_index=True).drop_duplicates()
    allrows = allrows.sort_values([*keys, "date"], kind="stable").reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(allrows[[*keys, "date"]])
    shape = (len(allrows), n_win)
    g = Grid(allrows=allrows, keys=keys, bounds=bounds, order=order, V=np.full(shape, np.nan),
             P=np.full(shape, np.nan), LO=np.full(shape, np.nan), HI=np.full(shape, np.nan),
             B1=np.zeros(shape, dtype=bool), PART=np.zeros(shape, dtype=bool), VA=np.full(shape, np.nan),
             VB=np.full(shape, np.nan))
    for w, f in enumerate(prepared):
        if not len(f):
            continue
        pos = idx.get_indexer(pd.MultiIndex.from_frame(f[[*keys, "date"]]))
        g.V[pos, w] = f["value"].to_numpy(float)
        g.P[pos, w] = np.where(f["value"].isna(), np.nan, _point(f))
        g.LO[pos, w] = f["value_low"].to_numpy(float)
        g.HI[pos, w] = f["value_high"].to_numpy(float)
        g.B1[pos, w] = f["below_one"].to_numpy(bool)
        g.PART[pos, w] = f["is_partial"].to_numpy(bool)
        if "var_sampling" in f.columns and "var_rounding" in f.columns:
            g.VA[pos, w] = pd.to_numeric(f["var_sampling"], errors="coerce").to_numpy(float)
            g.VB[pos, w] = pd.to_numeric(f["var_rounding"], errors="coerce").to_numpy(float)
    return g


def _check_overlaps(prepared: list[pd.DataFrame], grid: Grid, min_overlap_days: int) -> None:
    """Consecutive windows (by first date) share at least ``min_overlap_days`` dates."""
    order, bounds = grid.order, grid.bounds
    for a, b in zip(order, order[1:]):
        if not len(prepared[a]) or not len(prepared[b]):
            continue
        shared = len(set(prepared[a]["date"]) & set(prepared[b]["date"]))
        if shared < min_overlap_days:
            raise StitchError(
                f"windows {a} ({_fmt_date(bounds[a][0])}..{_fmt_date(bounds[a][1])}) and {b} "
                f"({_fmt_date(bounds[b][0])}..{_fmt_date(bounds[b][1])}) share {shared} dates; accepted: at "
                f"least {min_overlap_days} (plan the fetch with a larger overlap_days)")


def _overlap_equations(grid: Grid, min_value: float, min_points: int) -> Equations:
    """Every pair of windows: ``log x_b - log x_a`` at shared clean values >= ``min_value`` (else >= 1)."""
    import numpy as np

    V, LO, HI, clean, positive = grid.V, grid.LO, grid.HI, grid.clean, grid.positive
    blocks, pairs = [], {}
    for ia in range(grid.n_win):
        for ib in range(ia + 1, grid.n_win):
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
            v = _rel_var(xa, LO[use, ia], HI[use, ia]) + _rel_var(xb, LO[use, ib], HI[use, ib])
            blocks.append((ia, ib, np.log(xb) - np.log(xa), v))
            pairs[(ia, ib)] = int(use.sum())
    return Equations(overlap=blocks, pairs=pairs, pin_rows=[])


def _prepare_pin(pin: Any, keys: list[str], min_value: float) -> pd.DataFrame | None:
    """The pin's usable periods (value >= ``min_value``, not "<1", not partial), or None without a pin."""
    if pin is None:
        return None
    pin_df = _prepare(pin, "pin")
    if _keys(pin_df) != keys:
        raise BadRequest("the pin and the windows differ in having a geo column; accepted: the same columns")
    pin_df = pin_df[pin_df["value"].notna() & ~pin_df["below_one"] & ~pin_df["is_partial"]
                    & (pin_df["value"] >= min_value)]
    if len(pin_df) == 0:
        log.warning("the pin has no period with a value >= %g; stitching without it", min_value)
    return pin_df


def _pin_equations(grid: Grid, pin_df: pd.DataFrame, pin_resolution: str) -> list[tuple]:
    """One equation per (window, pin period) the window covers completely: ``a_w = log pin - log mean``."""
    import numpy as np
    import pandas as pd

    keys, allrows = grid.keys, grid.allrows
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
    known = np.flatnonzero(pin_kc >= 0)
    pin_gid = pin_kc * len(starts) + pin_j
    pv = pin_df["value"].to_numpy(float)
    var_pin = ((pin_df["value_high"].to_numpy(float) - pin_df["value_low"].to_numpy(float)) / pv) ** 2 / 12
    pin_dates = pd.DatetimeIndex(pin_df["date"])
    var_round = np.where(np.isfinite(grid.HI - grid.LO), (grid.HI - grid.LO) ** 2 / 12.0, 0.0)
    rows, positive = [], grid.positive
    for w in range(grid.n_win):
        if not positive[w]:
            continue
        ok = np.isfinite(grid.P[:, w]) & ~grid.PART[:, w]
        cnt = np.bincount(gid, weights=ok.astype(float), minlength=n_groups + 1)
        tot = np.bincount(gid, weights=np.where(ok, grid.P[:, w], 0.0), minlength=n_groups + 1)
        vr = np.bincount(gid, weights=np.where(ok, var_round[:, w], 0.0), minlength=n_groups + 1)
        for k in known:
            g = pin_gid[k]
            n_days = length[pin_j[k]]
            if cnt[g] != n_days or tot[g] <= 0:
                continue
            m = tot[g] / n_days
            rows.append((w, tuple(pin_keys[k]), pin_dates[k], float(pv[k]), float(var_pin[k]), float(m),
                         float(vr[g] / n_days ** 2 / m ** 2)))
    return rows


def _reachable(grid: Grid, eqs: Equations, *, use_pin: bool, joint: bool, min_points: int, has_pin: bool
               ) -> tuple[set[int], Any]:
    """Windows tied to the reference (or to a pinned window) through overlaps; raise if one with data is not."""
    import numpy as np

    n_ov = np.zeros(grid.n_win, dtype=int)
    adj: dict[int, set[int]] = {w: set() for w in range(grid.n_win)}
    for (ia, ib), k in eqs.pairs.items():
        adj[ia].add(ib)
        adj[ib].add(ia)
        n_ov[ia] += k
        n_ov[ib] += k
    positive, order = grid.positive, grid.order
    ref = next((w for w in order if positive[w]), order[0])
    pinned = {r[0] for r in eqs.pin_rows}
    roots = (pinned if (use_pin and joint) else set()) or {ref}
    reached, stack = set(roots), list(roots)
    while stack:
        w = stack.pop()
        for u in adj[w]:
            if u not in reached:
                reached.add(u)
                stack.append(u)
    for w in order:
        if positive[w] and w not in reached:
            b = grid.bounds[w]
            raise StitchError(
                f"window {w} ({_fmt_date(b[0])}..{_fmt_date(b[1])}) cannot be put on the common "
                f"scale: it shares fewer than {min_points} usable values (>= 1, not '<1', not partial) with any "
                "window tied to the reference" + (" and covers no usable pin period" if has_pin else "")
                + "; accepted: larger overlaps (plan overlap_days) or terms with more search volume")
    return reached, n_ov


def _borrow_factors(grid: Grid, a: Any, se: Any) -> None:
    """Windows without positive values: their factor only scales zeros and "<1"; borrow a neighbour's."""
    order, positive = grid.order, grid.positive
    near = [u for u in order if positive[u]]
    for w in order:
        if not positive[w] and near:
            u = min(near, key=lambda u: abs(order.index(u) - order.index(w)))
            a[w], se[w] = a[u], se[u]


def _combine(grid: Grid, prepared: list[pd.DataFrame], a: Any, se: Any) -> pd.DataFrame:
    """Weighted mean of the rescaled windows covering each row (partial rows only where no complete one
    covers it). Each window is an independent Google sample: when every covering window states its
    variance model (``var_sampling``, ``var_rounding``), a window with factor ``f`` has variance
    ``f * var_sampling * x + f^2 * var_rounding`` at the rows' common value ``x`` (the plain mean of
    the rescaled windows, so that a window is not favoured for coming out low), and the weights are
    its inverse; otherwise equal weights."""
    import numpy as np
    import pandas as pd

    f, f_lo, f_hi = np.exp(a), np.exp(a - Z95 * se), np.exp(a + Z95 * se)
    have = np.isfinite(grid.V)
    complete = have & ~grid.PART
    use_rows = np.where(complete.any(axis=1)[:, None], complete, have)
    cnt = use_rows.sum(axis=1)
    w = np.where(use_rows, 1.0, 0.0)
    if grid.VA is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            xbar = np.clip((np.where(use_rows, grid.P * f, 0.0)).sum(axis=1) / cnt, 0.0, None)
            var = f[None, :] * grid.VA * xbar[:, None] + f[None, :] ** 2 * grid.VB
        weighted = np.all(np.where(use_rows, np.isfinite(var) & (var > 0), True), axis=1) & (cnt > 0)
        w = np.where(use_rows & weighted[:, None], 1.0 / np.where(var > 0, var, 1.0), w)
    tot = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = (np.where(use_rows, grid.P * f, 0.0) * w).sum(axis=1) / tot
        lo = (np.where(use_rows, grid.LO * f_lo, 0.0) * w).sum(axis=1) / tot
        hi = (np.where(use_rows, grid.HI * f_hi, 0.0) * w).sum(axis=1) / tot
    out = grid.allrows.copy()
    out["value"] = np.where(cnt > 0, val, np.nan)
    out["value_low"] = np.where(cnt > 0, lo, np.nan)
    out["value_high"] = np.where(cnt > 0, hi, np.nan)
    out["below_one"] = (cnt > 0) & np.all(np.where(use_rows, grid.B1, True), axis=1)
    out["is_partial"] = (cnt > 0) & ~complete.any(axis=1) & have.any(axis=1)
    out["n_windows"] = cnt.astype(int)
    keys = grid.keys
    extra = _passthrough(prepared, list(KNOWN_COLUMNS) + ["n_windows", "var_sampling", "var_rounding"])
    if extra:
        firsts = (pd.concat([f[[*keys, "date", *[c for c in extra if c in f.columns]]] for f in prepared],
                            ignore_index=True)
                  .drop_duplicates(subset=[*keys, "date"], keep="first"))
        out = out.merge(firsts, on=[*keys, "date"], how="left")
    return out


def _pin_fit(out: pd.DataFrame, pin_df: pd.DataFrame | None, keys: list[str], pin_resolution: str, *,
             refit: bool) -> tuple[pd.DataFrame, float]:
    """Stitched periods against the pin; with ``refit`` (chain, or a pin in no equation) one factor g to it."""
    import numpy as np
    import pandas as pd

    pin_fit = pd.DataFrame(columns=["date", *keys, "pin", "stitched", "log_ratio"])
    g = 1.0
    if pin_df is None or not len(pin_df):
        return pin_fit, g
    agg = aggregate_periods(out[[*keys, "date", "value"]], resolution=pin_resolution)
    pf = pin_df[[*keys, "date", "value"]].rename(columns={"value": "pin"}).merge(
        agg.rename(columns={"value": "stitched"}), on=[*keys, "date"], how="inner")
    pf = pf[(pf["stitched"] > 0) & (pf["pin"] > 0)]
    if len(pf):
        lr = np.log(pf["stitched"].to_numpy(float)) - np.log(pf["pin"].to_numpy(float))
        if refit:
            w8 = pf["pin"].to_numpy(float) ** 2
            g = math.exp(-float(np.sum(w8 * lr) / np.sum(w8)))
        pin_fit = pf.assign(stitched=pf["stitched"] * g, log_ratio=lr + math.log(g))
        pin_fit = pin_fit[["date", *keys, "pin", "stitched", "log_ratio"]].reset_index(drop=True)
    return pin_fit, g


def _finish(grid: Grid, prepared: list[pd.DataFrame], out: pd.DataFrame, pin_fit: pd.DataFrame, g: float,
            a: Any, se: Any, n_ov: Any, eqs: Equations, *, method: str, normalize: bool,
            pin_resolution: str | None, tau: tuple[float, float]) -> StitchResult:
    """Scale (max 100 when ``normalize``), order the rows as the queries came, and build the factors table."""
    import numpy as np
    import pandas as pd

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
    keys = grid.keys
    front = ["date", *keys, "value", "value_low", "value_high", "below_one", "is_partial", "n_windows"]
    qorder = {q: i for i, q in enumerate(dict.fromkeys(pd.concat([f["query"] for f in prepared])))}
    out = out.assign(_q=out["query"].map(qorder)).sort_values(
        ["_q", *[k for k in keys if k != "query"], "date"], kind="stable").drop(columns="_q")
    out = out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)
    n_pin_w = np.zeros(grid.n_win, dtype=int)
    for r in eqs.pin_rows:
        n_pin_w[r[0]] += 1
    factors = pd.DataFrame({
        "window": np.arange(grid.n_win),
        "start": [b[0] for b in grid.bounds], "end": [b[1] for b in grid.bounds],
        "factor": np.exp(a) * scale, "factor_low": np.exp(a - Z95 * se) * scale,
        "factor_high": np.exp(a + Z95 * se) * scale, "log_se": se,
        "n_overlap_points": n_ov, "n_pin_points": n_pin_w if method == "joint" else np.zeros(grid.n_win, int),
        "informative": grid.informative,
    })
    return StitchResult(frame=out, factors=factors, method=method, pin_resolution=pin_resolution,
                        pin_fit=pin_fit, tau_overlap=tau[0], tau_pin=tau[1], scale=scale)
