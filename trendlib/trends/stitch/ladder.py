"""Batches of one window on one scale through a ladder of shared anchors, jointly.

A *ladder* (:func:`trendlib.trends.plan.make_plan` with ``batching="magnitude"``) groups terms
of similar level into batches and lets consecutive batches share one or more terms (the
*anchors* of that rung). :func:`calibrate_ladder` estimates one log factor per batch from
**every** shared anchor of **every** pair of batches at once, by weighted least squares
(:func:`trendlib.trends.stitch.solver.solve`), like the joint window stitching:

* each (pair of batches, shared term) gives one equation ``c_j - c_i = log(sum a_i / sum a_j)``
  over the dates where the term is usable in both (the ratio of sums of
  :func:`~trendlib.trends.stitch.batches.calibrate_batches`), with variance ``se^2`` from
  :func:`~trendlib.trends.stitch.batches.ratio_se`: integer rounding of both pulls, the
  observed scatter of the ratio (sampling noise that differs between requests) and rounding
  that does not average out;
* batch 0 is the reference (``c_0 = 0``); extra noise between equations beyond their stated
  variance is estimated from the residuals when the ladder has redundant anchors;
* each batch's factor interval is ``exp(c_b +/- 1.96 se_b)`` with ``se_b`` from the fit, so the
  errors of every rung below a batch are carried into its terms' ``value_low``/``value_high``.

Every term is then taken from the batch where it is best measured (largest mean reported
value, i.e. least rounding): a term squeezed by a spiking batch-mate in one pull is taken from
a re-pull without that term when there is one.
"""
from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trendlib.trends.errors import BadRequest, StitchError
from trendlib.trends.stitch.batches import ratio_se
from trendlib.trends.stitch.solver import solve
from trendlib.trends.stitch.validate import Z95, _keys, _prepare

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["LadderResult", "calibrate_ladder"]

log = logging.getLogger("trendlib.trends.stitch")


@dataclasses.dataclass(frozen=True, eq=False)
class LadderResult:
    """Batches of one window on one common scale through a ladder of anchors (see :func:`calibrate_ladder`).

    Attributes
    ----------
    frame : tidy, one row per (date, query[, geo]); ``value`` on the common scale (overall max
        100), ``value_low``/``value_high`` the value's rounding bounds times its batch factor's
        95 % interval, ``below_one``, ``is_partial``, ``batch`` (the batch the row comes from),
        and passed-through columns.
    factors : one row per batch: ``batch``, ``factor`` (multiplies the batch's reported values),
        ``factor_low``/``factor_high`` (95 % interval), ``factor_se`` (standard error of the log
        factor, every rung below included), ``n_links`` (anchor equations the batch is in).
    links : one row per anchor equation: ``batch_a``, ``batch_b``, ``term``, ``log_ratio``
        (``c_b - c_a`` it says), ``se``, ``n_points`` (dates used), ``residual`` (after the fit).
    scale : the final multiplier that made the overall max 100 (included in ``factors``).
    tau : extra noise (log sd) between anchor equations beyond their stated variance.
    unlinked : one dict per batch that neither an anchor nor the pin ties to batch 0 (only with
        ``drop_unlinked``): ``batch``, ``terms`` (those measured only there, whose rows are then
        marked below the measurable range: ``below_one`` true, ``value_low`` 0, ``value_high`` an
        upper bound, ``value`` its midpoint, ``batch`` -1), ``bound_via`` (the shared term that
        bounds them, or None: their rows are then NaN) and ``reason``.
    """

    frame: pd.DataFrame
    factors: pd.DataFrame
    links: pd.DataFrame
    scale: float
    tau: float
    unlinked: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        """The calibrated tidy frame (a copy)."""
        return self.frame.copy()

    def summary(self) -> str:
        lines = [f"Ladder calibration: {len(self.factors)} batches, {len(self.links)} anchor equations, "
                 f"extra noise (log sd) {self.tau:.3f}",
                 f"{'batch':>5}  {'factor':>9}  {'95% interval':<22}  {'se(log)':>7}  {'links':>5}"]
        for r in self.factors.itertuples(index=False):
            interval = f"[{r.factor_low:.4g}, {r.factor_high:.4g}]"
            lines.append(f"{r.batch:>5}  {r.factor:9.4g}  {interval:<22}  {r.factor_se:7.3f}  {r.n_links:>5}")
        lines.append("anchors: " + "; ".join(f"{r.batch_a}-{r.batch_b} via {r.term!r} (se {r.se:.3f})"
                                             for r in self.links.itertuples(index=False)))
        return "\n".join(lines)


def calibrate_ladder(frames: Sequence[pd.DataFrame], *, min_value: float = 2.0, drop_unlinked: bool = False,
                     pin: pd.DataFrame | None = None, pin_resolution: str = "week") -> LadderResult:
    """Put batches of one window on one scale through every term they share, jointly.

    Parameters
    ----------
    frames : one tidy frame per batch (see :mod:`trendlib.trends.stitch`), all over the same
        dates and geo; frame 0 is the reference scale. Batches are linked by the terms they
        share (any number, any pairs); every batch must be linked to batch 0 through them.
    min_value : a shared term links two batches when its mean reported value is at least this
        in both (default 2); then every complete shared date is used, whatever its value (selecting
        dates by a noisy reported value would bias the ratio). Rounding and sampling error of
        each link set its weight (:func:`~trendlib.trends.stitch.batches.ratio_se`).
    drop_unlinked : instead of raising :class:`StitchError` for a batch that nothing ties to
        batch 0, leave it out of the fit with a warning and mark the terms measured only there as
        below the measurable range in this window, bounded above through the shared anchor that
        was rounded away (see ``LadderResult.unlinked``); never dropped silently.
    pin : optional coarse pull of the whole span with the same terms on one scale (e.g. the
        probe's weekly pull), at ``pin_resolution``: an independent measurement of every term.
        Each batch's terms, as means over the pin's periods that the window covers completely,
        are linked to the pin (one more pseudo-batch in the joint fit, weighted like the anchors),
        so a batch that loses its rung (every shared anchor rounded to 0 or missing in one of the
        two pulls) is re-chained to batch 0 through the pin's scale.

    Returns
    -------
    LadderResult

    Raises
    ------
    BadRequest
        bad frames.
    StitchError
        a batch shares no usable term with the batches tied to batch 0 (every shared term is
        rounded to 0 in one of the two pulls).
    """
    import pandas as pd

    if isinstance(frames, pd.DataFrame) or not isinstance(frames, Sequence) or len(frames) == 0:
        raise BadRequest("frames is not a non-empty list of DataFrames (one per batch)")
    prepared = [_prepare(f, f"batch {i}") for i, f in enumerate(frames)]
    keys = _keys(prepared[0])
    if any(_keys(f) != keys for f in prepared):
        raise BadRequest("some batches have a geo column and others not; accepted: the same columns in all")
    links = _link_equations(prepared, keys, min_value)
    n = len(prepared)
    reached = _check_connected(n, links, prepared, raise_=False)
    if pin is not None:  # the pin is one more independent measurement of every batch (pseudo-batch n)
        pin_links = _pin_links(prepared, keys, pin, pin_resolution, min_value)
        if len(pin_links):
            # no batch link at all: the pin's links alone (concatenating an empty frame would make every
            # column object, and pandas 2.2 warns that this is changing)
            with_pin = pd.concat([links, pin_links], ignore_index=True) if len(links) else pin_links
            via_pin = _check_connected(n + 1, with_pin, prepared, raise_=False) - {n}
            if len(via_pin) > len(reached):
                log.info("batches %s re-chained to batch 0 through the pin", sorted(via_pin - reached))
            links, reached = with_pin, via_pin
    if len(reached) < n and not drop_unlinked:
        _check_connected(n, links, prepared, raise_=True)
    keep = sorted(reached) + ([n] if (links["batch_b"] == n).any() else [])
    lost = [b for b in range(n) if b not in reached]
    if lost:
        log.warning("batches %s share no usable anchor with batch 0 in this window (nor through the pin); "
                    "their own terms are marked below the measurable range here", lost)
    renum = {b: i for i, b in enumerate(keep)}
    kept = [prepared[b] for b in keep if b < n]
    links = links[links["batch_a"].isin(keep) & links["batch_b"].isin(keep)]
    links = links.assign(batch_a=links["batch_a"].map(renum), batch_b=links["batch_b"].map(renum))
    c, se, tau, resid = _solve_ladder(len(keep), links)
    links = links.assign(residual=resid)
    res = _assemble(kept, keys, c[:len(kept)], se[:len(kept)], links, tau)
    if not lost:
        return res
    factor = {b: float(res.factors["factor"].iloc[renum[b]]) for b in reached}
    bounded, notes = _bounded_rows(prepared, lost, factor, set(res.frame["query"]), min_value)
    frame = pd.concat([res.frame, bounded], ignore_index=True) if len(bounded) else res.frame
    return dataclasses.replace(res, frame=frame, unlinked=tuple(notes))


def _pin_links(prepared: list[pd.DataFrame], keys: list[str], pin: pd.DataFrame, pin_resolution: str,
               min_value: float) -> pd.DataFrame:
    """One equation per (batch, term) against the pin (pseudo-batch ``len(prepared)``): the ratio of
    the term's period means in the batch (complete periods of clean days) to the pin's values."""
    import numpy as np
    import pandas as pd

    from trendlib.trends.stitch.periods import aggregate_periods

    pin_df = _prepare(pin, "pin")
    if _keys(pin_df) != keys:
        raise BadRequest("the pin and the batches differ in having a geo column; accepted: the same columns")
    pin_df = pin_df[pin_df["value"].gt(0) & ~pin_df["below_one"] & ~pin_df["is_partial"]]
    on = ["date", *keys]
    rows = []
    for b, f in enumerate(prepared):
        clean = f.assign(value=f["value"].where(~f["below_one"] & ~f["is_partial"]))
        agg = aggregate_periods(clean[[*on, "value"]], resolution=pin_resolution)
        m = agg.merge(pin_df[[*on, "value", "value_low", "value_high"]], on=on, suffixes=("_0", "_b"))
        for term, u in m.groupby("query", sort=False):
            ai, aj = u["value_0"].to_numpy(float), u["value_b"].to_numpy(float)
            if not len(u) or ai.mean() < min_value or ai.sum() <= 0:
                continue
            half = 0.5 / np.sqrt(u["n_days"].to_numpy(float))  # rounding of a mean of daily integers
            se = ratio_se(ai, aj, ai - half, ai + half, u["value_low"].to_numpy(float),
                          u["value_high"].to_numpy(float))
            rows.append({"batch_a": b, "batch_b": len(prepared), "term": f"pin:{term}",
                         "log_ratio": math.log(ai.sum() / aj.sum()), "se": max(se, 1e-6), "n_points": int(len(u))})
    return pd.DataFrame(rows, columns=["batch_a", "batch_b", "term", "log_ratio", "se", "n_points"])


def _bounded_rows(prepared: list[pd.DataFrame], lost: list[int], factor: dict[int, float], have: set[str],
                  min_value: float) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Rows of the terms measured only in unlinked batches, bounded above through a shared anchor.

    The anchor ``A`` shared with a linked batch ``r`` was rounded away there (mean reported below
    ``min_value``), so on the common scale its mean is below the mean of its upper rounding bounds
    there times ``f_r`` (``min_value * f_r`` where ``A`` has no data in ``r``); the unlinked batch
    measured ``A`` too, so its factor is at most that over ``A``'s mean in it, and each of its values
    at most its own upper bound times that factor.
    """
    import numpy as np
    import pandas as pd

    parts, notes = [], []
    for u in lost:
        f = prepared[u]
        own = [t for t in _terms(f) if t not in have]
        best = None
        for r, fr in factor.items():
            for term in set(_terms(f)) & set(_terms(prepared[r])):
                mean_u = _point_mean(f, term)
                hi_r = prepared[r].loc[prepared[r]["query"] == term, "value_high"].mean()
                if mean_u > 0:
                    cap = (float(hi_r) if hi_r == hi_r else min_value) * fr / mean_u
                    if best is None or cap < best[0]:
                        best = (cap, term)
        rows = f[f["query"].isin(own)].copy()
        cap, via = best if best else (np.nan, None)
        rows["value_high"] = rows["value_high"] * cap
        rows["value"] = rows["value_high"] / 2
        rows["value_low"] = np.where(rows["value"].notna(), 0.0, np.nan)
        rows["below_one"] = rows["value"].notna()
        rows["batch"] = -1
        parts.append(rows)
        reason = (f"batch {u} lost its rung in this window: every anchor it shares with the batches on the "
                  "scale is rounded to 0 or missing there (and the pin does not re-chain it)"
                  + (f"; bounded above through {via!r}" if via else "; no shared term bounds it: no value"))
        notes.append({"batch": u, "terms": own, "bound_via": via, "reason": reason})
    return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()), notes


def _point_mean(f: pd.DataFrame, term: str) -> float:
    """Mean of a term's point values in one batch ("<1" at 0.5 of its bounds), NaN if it has none."""
    v = f.loc[f["query"] == term]
    v = v["value"].where(~v["below_one"], (v["value_low"] + v["value_high"]) / 2)
    return float(v.mean()) if v.notna().any() else float("nan")


def _terms(f: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(f["query"]))


def _link_equations(prepared: list[pd.DataFrame], keys: list[str], min_value: float) -> pd.DataFrame:
    """One equation per (pair of batches, shared term) with a usable date in both."""
    import numpy as np
    import pandas as pd

    on = ["date"] + [k for k in keys if k != "query"]
    rows = []
    for i in range(len(prepared)):
        for j in range(i + 1, len(prepared)):
            for term in [t for t in _terms(prepared[i]) if t in set(_terms(prepared[j]))]:
                a = prepared[i][prepared[i]["query"] == term]
                b = prepared[j][prepared[j]["query"] == term]
                m = a.merge(b, on=on, suffixes=("_0", "_b"), how="inner")
                u = m[_shared_dates(m, min_value)]
                if not len(u):
                    continue  # the term is rounded away in one of the two pulls: no information
                ai = np.where(u["below_one_0"], 0.5, u["value_0"].to_numpy(float))
                aj = np.where(u["below_one_b"], 0.5, u["value_b"].to_numpy(float))
                if ai.sum() <= 0 or aj.sum() <= 0:
                    continue
                se = ratio_se(ai, aj, u["value_low_0"].to_numpy(float), u["value_high_0"].to_numpy(float),
                              u["value_low_b"].to_numpy(float), u["value_high_b"].to_numpy(float))
                rows.append({"batch_a": i, "batch_b": j, "term": term,
                             "log_ratio": math.log(ai.sum() / aj.sum()), "se": max(se, 1e-6),
                             "n_points": int(len(u))})
    return pd.DataFrame(rows, columns=["batch_a", "batch_b", "term", "log_ratio", "se", "n_points"])


def _shared_dates(m: pd.DataFrame, min_value: float) -> pd.Series:
    """Every complete shared date when the term is typically >= ``min_value`` in both pulls, else none.

    The dates are not selected by their reported values: keeping only the dates a noisy pull
    happened to report high would bias the ratio (Google samples each request on its own). A
    term whose mean is below ``min_value`` in either pull is too rounded to link them.
    """
    present = m["value_0"].notna() & m["value_b"].notna() & ~m["is_partial_0"] & ~m["is_partial_b"]
    if not present.any():
        return present
    p0 = m["value_0"].where(~m["below_one_0"], 0.5)[present].mean()
    pb = m["value_b"].where(~m["below_one_b"], 0.5)[present].mean()
    return present & bool(min(p0, pb) >= min_value)


def _check_connected(n: int, links: pd.DataFrame, prepared: list[pd.DataFrame], *, raise_: bool = True
                     ) -> set[int]:
    """The batches tied to batch 0 through links; with ``raise_``, a StitchError naming the first that is not."""
    adj: dict[int, set[int]] = {b: set() for b in range(n)}
    for r in links.itertuples(index=False):
        adj[r.batch_a].add(r.batch_b)
        adj[r.batch_b].add(r.batch_a)
    reached, stack = {0}, [0]
    while stack:
        for u in adj[stack.pop()] - reached:
            reached.add(u)
            stack.append(u)
    for b in range(n):
        if b not in reached and raise_:
            raise StitchError(
                f"batch {b} ({', '.join(map(repr, _terms(prepared[b])))}) shares no term reported >= 1 with the "
                "batches tied to batch 0: every shared anchor is rounded away in one of the two pulls; "
                "accepted: batches whose shared terms are within about 100x of each batch's largest term "
                "(trendlib.trends.plan.make_plan with batching='magnitude' builds such a ladder from a probe)")
    return reached


def _solve_ladder(n: int, links: pd.DataFrame) -> tuple[Any, Any, float, Any]:
    """Log factor and se per batch (batch 0 fixed at 0), the extra noise tau, and the residuals."""
    import numpy as np

    c, se = np.zeros(n), np.zeros(n)
    if n == 1 or not len(links):
        return c, se, 0.0, np.zeros(len(links))
    X = np.zeros((len(links), n - 1))
    for k, r in enumerate(links.itertuples(index=False)):
        if r.batch_b > 0:
            X[k, r.batch_b - 1] = 1.0
        if r.batch_a > 0:
            X[k, r.batch_a - 1] = -1.0
    y = links["log_ratio"].to_numpy(float)
    var = links["se"].to_numpy(float) ** 2
    beta, sds, tau2 = solve(X, y, var, np.zeros(len(y), dtype=int))
    c[1:], se[1:] = beta, sds
    return c, se, math.sqrt(tau2.get(0, 0.0)), y - X @ beta


#: a term is taken from every batch where its mean reported value is at least this (besides its best
#: batch): there rounding is dithered by Google's sampling noise and adds a known variance, not a bias
SOURCE_MIN_MEAN = 3.0


def _sources(prepared: list[pd.DataFrame]) -> dict[str, list[int]]:
    """Per term, the batches it is taken from: the one where it is reported highest on average (least
    rounding), plus every other where its mean is at least :data:`SOURCE_MIN_MEAN` points (an
    independent Google sample, weighted in by its variance). The best batch comes first."""
    means: dict[str, list[tuple[float, int]]] = {}
    for b, f in enumerate(prepared):
        for term, mean in f.groupby("query", sort=False)["value"].mean().items():
            means.setdefault(term, []).append((float(mean) if mean == mean else -1.0, b))
    out = {}
    for term, lst in means.items():
        lst.sort(key=lambda x: -x[0])
        out[term] = [b for m, b in lst if b == lst[0][1] or m >= SOURCE_MIN_MEAN]
    return out


def sampling_dispersion(x: Any, rvar: Any, group: Any) -> float:
    """Google's sampling variance per unit of value, ``phi`` in ``var(x) = phi * x + rounding``, or NaN.

    Estimated by moments from every group (one term and date) measured by two or more pulls,
    which Google samples independently: the within-group sum of squares minus its expected
    rounding share, over ``(n - 1) * mean``. ``x`` are the values on one scale, ``rvar`` their
    rounding variances on that scale, ``group`` the group codes (NaN ``x`` are left out).
    A Poisson sample of ``lambda * x`` searches has ``phi = 1 / lambda``.
    """
    import numpy as np

    x, rvar, group = np.asarray(x, float), np.asarray(rvar, float), np.asarray(group)
    ok = np.isfinite(x) & np.isfinite(rvar)
    x, rvar, group = x[ok], rvar[ok], group[ok]
    if not len(x):
        return float("nan")
    _, g = np.unique(group, return_inverse=True)
    n = np.bincount(g)
    mean = np.bincount(g, weights=x) / n
    ss = np.bincount(g, weights=(x - mean[g]) ** 2)
    rs = np.bincount(g, weights=rvar)
    multi = n >= 2
    den = float(np.sum((n[multi] - 1) * mean[multi]))
    if not multi.any() or den <= 0:
        return float("nan")
    num = float(np.sum(ss[multi] - (n[multi] - 1) / n[multi] * rs[multi]))
    return max(num, 0.0) / den


def _average_sources(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per (key, date): the inverse-variance weighted mean of its batches' calibrated values and
    bounds; flags and other columns from the best batch; "<1" only when every batch said so.

    A batch's value has variance ``phi * x + r_b``: Google's sampling (``phi`` from
    :func:`sampling_dispersion`, ``x`` the mean of the batches' values for that row, so weights do
    not favour pulls that happened to come out low) plus the batch's rounding ``r_b = f_b^2 / 12``.
    The combined value's variance ``var_sampling * value + var_rounding`` is returned in those two
    columns (NaN when ``phi`` cannot be estimated in this window: every term in one batch).
    """
    import numpy as np

    on = [*keys, "date"]
    gid = rows.groupby(on, sort=False).ngroup().to_numpy()
    x = rows["value"].to_numpy(float)
    clean = ~rows["below_one"].to_numpy(bool) & ~rows["is_partial"].to_numpy(bool)
    rvar = rows["_rvar"].to_numpy(float)
    phi = sampling_dispersion(np.where(clean, x, np.nan), rvar, gid)
    known = phi == phi
    xbar = np.clip(np.nan_to_num(rows.groupby(gid)["value"].transform("mean").to_numpy(float)), 0.0, None)
    w = np.where(np.isfinite(x), 1.0 / np.maximum((phi if known else 0.0) * xbar + rvar, 1e-12), 0.0)
    tot = np.bincount(gid, weights=w)
    wn = np.where(tot[gid] > 0, w / np.where(tot[gid] > 0, tot[gid], 1.0), 1.0 / np.bincount(gid)[gid])
    rows = rows.assign(_w=wn, _a=wn ** 2 * (phi if known else np.nan), _b=wn ** 2 * rvar)
    for col in ("value", "value_low", "value_high"):
        rows[col] = rows[col] * wn
    num = rows.groupby(on, sort=False)[["value", "value_low", "value_high", "_a", "_b"]].sum(min_count=1)
    b1 = rows.groupby(on, sort=False)["below_one"].all()
    best = rows[rows["_best"]].drop(columns="_best").set_index(on)
    best[["value", "value_low", "value_high"]] = num[["value", "value_low", "value_high"]].reindex(best.index)
    best["below_one"] = b1.reindex(best.index).astype(bool)
    best["var_sampling"] = num["_a"].reindex(best.index) if known else np.nan
    best["var_rounding"] = num["_b"].reindex(best.index)
    return best.drop(columns=["_w", "_a", "_b", "_rvar"]).reset_index()


def _assemble(prepared: list[pd.DataFrame], keys: list[str], c: Any, se: Any, links: pd.DataFrame,
              tau: float) -> LadderResult:
    """Rows of every term from its best batch, times that batch's factor; overall max 100."""
    import numpy as np
    import pandas as pd

    sources = _sources(prepared)
    f, f_lo, f_hi = np.exp(c), np.exp(c - Z95 * se), np.exp(c + Z95 * se)
    parts = []
    for b, frame in enumerate(prepared):
        part = frame[frame["query"].map(lambda q: b in sources.get(q, ()))].copy()
        part["_rvar"] = f[b] ** 2 / 12.0  # one reporting step of this batch, whatever the value
        part["value"] = part["value"] * f[b]
        part["value_low"] = part["value_low"] * f_lo[b]
        part["value_high"] = part["value_high"] * f_hi[b]
        part["batch"] = part["query"].map(lambda q: sources[q][0])
        part["_best"] = part["query"].map(lambda q: sources[q][0]) == b
        parts.append(part)
    out = _average_sources(pd.concat(parts, ignore_index=True), keys)
    top = out["value"].max()
    scale = 100.0 / float(top) if pd.notna(top) and top > 0 else 1.0
    for col in ("value", "value_low", "value_high"):
        out[col] = out[col] * scale
    out["var_sampling"] = out["var_sampling"] * scale
    out["var_rounding"] = out["var_rounding"] * scale ** 2
    order = {q: i for i, q in enumerate(dict.fromkeys(pd.concat([p["query"] for p in prepared])))}
    out = out.assign(_q=out["query"].map(order)).sort_values(
        ["_q", *[k for k in keys if k != "query"], "date"], kind="stable").drop(columns="_q")
    front = ["date", *keys, "value", "value_low", "value_high", "below_one", "is_partial", "batch"]
    out = out[front + [col for col in out.columns if col not in front]].reset_index(drop=True)
    n_links = [int(((links["batch_a"] == b) | (links["batch_b"] == b)).sum()) for b in range(len(prepared))]
    factors = pd.DataFrame({"batch": np.arange(len(prepared)), "factor": f * scale, "factor_low": f_lo * scale,
                            "factor_high": f_hi * scale, "factor_se": se, "n_links": n_links})
    return LadderResult(frame=out, factors=factors, links=links.reset_index(drop=True), scale=scale, tau=tau)
