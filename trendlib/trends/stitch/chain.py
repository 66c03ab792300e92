"""The chain-of-ratios reference: each window rescaled to the previous one by the median day-by-day ratio.

The classic approach (DailyTrends, pytrends-style stitching), kept for comparison with the
joint solver: its errors compound window after window.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from trendlib.trends.errors import StitchError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["chain_window_factors"]


def chain_window_factors(grid: Any) -> tuple[np.ndarray, np.ndarray]:
    """Log factor of every window chained through the median log ratio over each overlap, and its se.

    The standard error of each median (normal approximation, ``1.2533 sd / sqrt(n)``) is
    accumulated along the chain. Windows without positive values are skipped.
    """
    import numpy as np

    V, B1 = grid.V, grid.B1
    a, se = np.zeros(grid.n_win), np.zeros(grid.n_win)
    prev = None
    for w in grid.order:
        if not grid.positive[w]:
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
        s = 1.2533 * float(np.std(lr, ddof=1)) / math.sqrt(len(lr)) if len(lr) > 1 else 0.0
        se[w] = math.sqrt(se[prev] ** 2 + s ** 2)
        prev = w
    return a, se
