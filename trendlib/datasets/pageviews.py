"""Tidy Wikipedia pageviews files (what ``trendlib pageviews`` writes).

One row per ``(date, query)`` (and project). Columns:

============ ========== ==============================================================
column       type       meaning
============ ========== ==============================================================
date         datetime64 the UTC day the views were counted on (daily)
query        str        the article as given to ``trendlib pageviews``
value        int        views that day (a count of page loads, 0 where the API lists none)
source       str        'wikimedia-pageviews-api', 'non-wikimedia-server' or 'illustrative'
project      str        the Wikimedia project, e.g. 'ru.wikipedia'
access       str        optional: all-access, desktop, mobile-app or mobile-web
agent        str        optional: all-agents, user, spider or automated
article      str        optional: the title as the API stores it (underscores)
============ ========== ==============================================================

Views are counted per title, redirects not followed (see the file's provenance). Unlike a
Google Trends index these are absolute numbers, comparable between days and articles.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trendlib.datasets._csv import check_not_empty, check_unique, parse_day, parse_number, read_csv_text
from trendlib.datasets.errors import DataError

__all__ = ["PAGEVIEWS_COLUMNS", "load_pageviews", "select_pageviews", "describe_pageviews"]

PAGEVIEWS_COLUMNS = ["date", "query", "value", "source", "project"]
OPTIONAL = ["access", "agent", "article"]
FIRST_DAY = pd.Timestamp("2015-07-01")


def load_pageviews(path: str | Path) -> pd.DataFrame:
    """Load a tidy pageviews file, validating every row.

    Raises :class:`DataError` naming file, line and column for a missing column, a date that
    is not a calendar day (or before 2015-07-01, where the API has no daily views), a value that
    is not a whole number >= 0, an empty query, or a duplicate ``(date, query, project)``.
    """
    path = Path(path)
    df = read_csv_text(path, required=PAGEVIEWS_COLUMNS, kind="pageviews")
    f = str(path)
    if df.empty:
        raise DataError("has a header but no rows", file=f)
    dates = parse_day(df, "date", file=f)
    early = dates < FIRST_DAY
    if early.any():
        i = int(early.to_numpy().nonzero()[0][0])
        raise DataError(f"date {df['date'].iloc[i]!r} is before 2015-07-01, where per-article daily views begin",
                        file=f, row=i + 2, column="date")
    check_not_empty(df, "query", file=f)
    check_not_empty(df, "project", file=f)
    values = parse_number(df, "value", file=f, minimum=0, what="views", whole=True)
    out = pd.DataFrame({"date": dates, "query": df["query"].astype(str), "value": values.astype("int64"),
                        "source": df["source"].astype(str), "project": df["project"].astype(str)})
    for col in OPTIONAL:
        if col in df.columns:
            out[col] = df[col].astype(str)
    check_unique(df.assign(date=dates), ["date", "query", "project"], file=f, what="day of an article")
    return out.sort_values(["query", "date"], kind="stable").reset_index(drop=True)


def select_pageviews(frame: pd.DataFrame, *, articles, start, end) -> pd.DataFrame:
    """The rows of ``articles`` (names as in the ``query`` column, or objects with ``.article``) between
    ``start`` and ``end`` (inclusive), in the order given; ``attrs["left_out"]`` counts the rows of other
    articles and outside the dates. Raises :class:`DataError` naming an article the file lacks."""
    names = [getattr(a, "article", a) for a in articles]
    missing = [a for a in names if a not in set(frame["query"])]
    if missing:
        raise DataError(f"the pageviews file has no rows for {', '.join(map(repr, missing))}; it holds "
                        f"{sorted(frame['query'].unique())}")
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    mine = frame["query"].isin(names)
    inside = frame["date"].between(lo, hi)
    out = frame[mine & inside].copy()
    out["_o"] = out["query"].map({a: i for i, a in enumerate(names)})
    out = out.sort_values(["_o", "date"], kind="stable").drop(columns="_o").reset_index(drop=True)
    out.attrs["left_out"] = {"other_article": int((~mine).sum()), "outside_dates": int((mine & ~inside).sum())}
    return out


def describe_pageviews(frame: pd.DataFrame, *, labels=None) -> pd.DataFrame:
    """One row per article: label, days, total views, busiest day and its views, first day with views."""
    rows = []
    for q, d in frame.groupby("query", sort=False):
        seen = d[d["value"] > 0]
        top = d.loc[d["value"].idxmax()]
        rows.append({"query": q, "label": (labels or {}).get(q, q), "days": len(d), "total_views": int(d["value"].sum()),
                     "busiest_day": top["date"].date().isoformat(), "busiest_day_views": int(top["value"]),
                     "first_day_with_views": seen["date"].min().date().isoformat() if len(seen) else None})
    return pd.DataFrame(rows)
