"""Pick a study's series out of a tidy trends file, and describe them.

Kept apart from the loaders: loading validates a file; selecting applies a study
(queries, geo, dates) and counts every row it leaves out, so nothing disappears
silently between the file and a chart.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from trendlib.datasets.errors import DataError

__all__ = ["select_series", "describe_series"]


def select_series(trends: pd.DataFrame, *, queries: Sequence[str], geo: str, start, end,
                  file: str = "") -> pd.DataFrame:
    """Rows of ``trends`` for the given queries and geo with ``start <= date <= end``.

    Raises :class:`DataError` when a query has no rows for ``geo`` at all (the study
    asks for a series the file does not hold). The counts of rows left out, by reason,
    are in ``attrs['left_out']`` (``other_query``, ``other_geo``, ``outside_dates``).
    """
    file = file or trends.attrs.get("file", "trends file")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    in_query = trends["query"].isin(list(queries))
    in_geo = trends["geo"] == geo
    present = set(trends.loc[in_query & in_geo, "query"])
    missing = [q for q in queries if q not in present]
    if missing:
        geos = sorted(set(trends["geo"]))
        raise DataError(f"no rows for quer{'y' if len(missing) == 1 else 'ies'} "
                        f"{', '.join(map(repr, missing))} with geo {geo!r}; the file holds queries "
                        f"{', '.join(map(repr, sorted(set(trends['query']))))} and geos {geos}", file=file)
    in_dates = trends["date"].between(start, end)
    chosen = trends[in_query & in_geo & in_dates].reset_index(drop=True)
    if chosen.empty:
        raise DataError(f"no rows between {start.date()} and {end.date()} for the study's queries", file=file)
    chosen.attrs = dict(trends.attrs)
    chosen.attrs["left_out"] = {
        "other_query": int((~in_query).sum()),
        "other_geo": int((in_query & ~in_geo).sum()),
        "outside_dates": int((in_query & in_geo & ~in_dates).sum()),
    }
    return chosen


def describe_series(series: pd.DataFrame, *, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per query: period covered, points, resolution, mean, peak and its date, zeros, gaps.

    Columns: ``query, label, resolution, first, last, n_points, n_missing, n_partial,
    share_zero, mean, peak_value, peak_date, max_samples``. Values are index points
    (0-100 relative to the download's peak), not counts of searches.
    """
    labels = labels or {}
    rows = []
    for query, d in series.groupby("query", sort=False):
        d = d.sort_values("date")
        v = d["value"]
        peak_idx = v.idxmax() if v.notna().any() else None
        rows.append({
            "query": query,
            "label": labels.get(query, query),
            "resolution": ",".join(sorted(set(d["resolution"]))),
            "first": d["date"].min().date(),
            "last": d["date"].max().date(),
            "n_points": int(len(d)),
            "n_missing": int(v.isna().sum()),
            "n_partial": int(d["is_partial"].sum()),
            "share_zero": float((v == 0).mean()),
            "mean": float(v.mean()),
            "peak_value": float(v.max()),
            "peak_date": None if peak_idx is None else d.loc[peak_idx, "date"].date(),
            "max_samples": int(d["n_samples"].max()),
        })
    order = {q: i for i, q in enumerate(labels)}
    out = pd.DataFrame(rows)
    return out.sort_values("query", key=lambda s: s.map(lambda q: order.get(q, len(order)))).reset_index(drop=True)
