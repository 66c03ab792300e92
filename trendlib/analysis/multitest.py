"""Multiple-testing correction across queries, events and lags.

Methods (statsmodels ``multipletests`` names): ``"holm"`` (family-wise error rate,
for small confirmatory families), ``"fdr_bh"`` (Benjamini-Hochberg false discovery
rate, for screening many queries/lags), ``"fdr_by"`` (Benjamini-Yekutieli, valid
under any dependence, e.g. overlapping lags). NaN p-values (tests that could not be
run) are left out of the family and stay NaN.
"""
from __future__ import annotations

import numpy as np

from trendlib.analysis.errors import AnalysisError

__all__ = ["METHODS", "adjust_pvalues"]

METHODS = ("holm", "fdr_bh", "fdr_by", "bonferroni")


def adjust_pvalues(pvalues, *, method: str = "fdr_bh") -> np.ndarray:
    """Adjusted p-values (q-values for FDR methods) in the order given.

    ``m`` = number of non-NaN p-values is the family size. Example (methods.md §3.9):
    ``[0.001, 0.02, 0.03, 0.2]`` -> BH ``[0.004, 0.04, 0.04, 0.2]``, Holm
    ``[0.004, 0.06, 0.06, 0.2]``.
    """
    if method not in METHODS:
        raise AnalysisError(f"multiple-testing method {method!r} is not supported; use one of {METHODS}")
    p = np.asarray(pvalues, dtype=float).reshape(-1)
    bad = (p < 0) | (p > 1)
    if np.any(bad):
        raise AnalysisError(f"p-value {p[np.flatnonzero(bad)[0]]!r} is outside [0, 1]")
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        from statsmodels.stats.multitest import multipletests

        out[ok] = multipletests(p[ok], method=method)[1]
    return out
