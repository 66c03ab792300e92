"""The joint solver: weighted least squares on log values with per-kind extra variance.

Used by window stitching (one log factor per window from every overlap and pin period) and
by the ladder calibration (one log factor per batch from every shared anchor).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["solve", "joint_window_factors"]


def solve(X, y, var, kinds, n_iter: int = 6):
    """Weighted least squares ``y ~ X beta`` with a per-kind extra variance tau^2 estimated by moments.

    ``var`` is each equation's known (rounding) variance, ``kinds`` an integer label per
    equation; each kind gets its own tau^2, re-estimated from the residuals until stable.
    Returns ``beta``, its standard errors (residual variance at least 1) and ``{kind: tau^2}``.
    """
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



def joint_window_factors(grid: Any, eqs: Any, reached: set[int], *, use_pin: bool
                         ) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Log factor (and its standard error) of every window, jointly from all overlap and pin equations.

    With ``a_w`` the log factor of window ``w``, an overlap point of windows ``wa`` and ``wb``
    says ``a_wa - a_wb = log x_wb - log x_wa``; a pin period fully covered by ``w`` says
    ``a_w = log pin - log mean(x_w)``. Without a pin the first window with data is the
    reference (``a = 0``). Returns ``a``, ``se`` and the extra noise (log sd) of overlap and pin
    equations beyond rounding.
    """
    import numpy as np

    n_win, positive, order = grid.n_win, grid.positive, grid.order
    ref = next((w for w in order if positive[w]), order[0])
    a, se = np.zeros(n_win), np.zeros(n_win)
    free = [w for w in order if w in reached and positive[w] and (use_pin or w != ref)]
    col = {w: i for i, w in enumerate(free)}
    X_rows, y_all, v_all, kinds = [], [], [], []
    for wa, wb, yy, vv in eqs.overlap:
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
        rows = eqs.pin_rows
        Xp = np.zeros((len(rows), len(free)))
        for k, (w, *_rest) in enumerate(rows):
            if w in col:
                Xp[k, col[w]] = 1.0
        X_rows.append(Xp)
        y_all.append(np.array([math.log(r[3]) - math.log(r[5]) for r in rows]))
        v_all.append(np.array([r[4] + r[6] for r in rows]))
        kinds.append(np.ones(len(rows), dtype=int))
    if not (free and X_rows):
        return a, se, 0.0, 0.0
    beta, sds, tau2 = solve(np.vstack(X_rows), np.concatenate(y_all), np.concatenate(v_all),
                            np.concatenate(kinds))
    for w, i in col.items():
        a[w] = beta[i]
        se[w] = sds[i]
    return a, se, math.sqrt(tau2.get(0, 0.0)), math.sqrt(tau2.get(1, 0.0))
