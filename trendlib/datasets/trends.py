"""Tidy Google Trends series files.

One row per ``(date, query, geo)``. Columns:

============ ========== ==============================================================
column       type       meaning
============ ========== ==============================================================
date         datetime64 start of the period the value covers (day, week or month start)
query        str        the term exactly as sent to Google
geo          str        Google geo code ('' = worldwide)
value        float      index points 0-100 relative to the peak of the request(s); NaN = no data
value_low    float      low end of the band across Google samples (= value for one sample)
value_high   float      high end of the band across Google samples
n_samples    int        number of Google samples behind the value
is_partial   bool       the period was not complete when fetched
resolution   str        'hour', 'day', 'week' or 'month'
source       str        where the row comes from (e.g. 'google-trends-api', 'illustrative')
============ ========== ==============================================================

Further columns are kept as text. Values are never "searches": they are relative
index points (see the notebooks' explanation of Google's 0-100 index).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trendlib.datasets._csv import line_of, read_csv_text
from trendlib.datasets.errors import DataError

TRENDS_COLUMNS = ["date", "query", "geo", "value", "value_low", "value_high", "n_samples",
                  "is_partial", "resolution", "source"]
RESOLUTIONS = ("hour", "day", "week", "month")
_TRUE = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}


def load_trends(path: str | Path) -> pd.DataFrame:
    """Load a tidy series file, validating every row.

    Raises :class:`DataError` for a missing column, an unparseable date, a value
    outside 0-100 or not numeric (``"<1"`` belongs in the raw cache, not here),
    an unknown resolution, or a duplicate ``(date, query, geo)``.
    """
    path = Path(path)
    df = read_csv_text(path, required=TRENDS_COLUMNS, kind="trends")
    f = str(path)
    if df.empty:
        raise DataError("has a header but no rows", file=f)
    out = pd.DataFrame(index=df.index)
    dates = pd.to_datetime(df["date"], format="ISO8601", errors="coerce")
    bad = dates.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"date {df['date'].iloc[i]!r} is not an ISO date (YYYY-MM-DD)",
                        file=f, row=line_of(i), column="date")
    out["date"] = dates
    for col in ("query", "geo", "resolution", "source"):
        out[col] = df[col].astype(str)
    blank = out["query"].str.strip() == ""
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError("query is empty", file=f, row=line_of(i), column="query")
    for col in ("value", "value_low", "value_high"):
        num = pd.to_numeric(df[col].replace("", np.nan), errors="coerce")
        bad = num.isna() & (df[col] != "")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"value {df[col].iloc[i]!r} is not a number (use an empty cell for "
                            "missing data)", file=f, row=line_of(i), column=col)
        outside = (num < 0) | (num > 100)
        if outside.any():
            i = int(np.flatnonzero(outside.to_numpy())[0])
            raise DataError(f"value {num.iloc[i]} is outside Google's 0-100 index range",
                            file=f, row=line_of(i), column=col)
        out[col] = num.astype(float)
    n = pd.to_numeric(df["n_samples"].replace("", np.nan), errors="coerce")
    bad = n.isna() | (n < 0) | (n != n.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"n_samples {df['n_samples'].iloc[i]!r} is not a whole number >= 0",
                        file=f, row=line_of(i), column="n_samples")
    out["n_samples"] = n.astype(int)
    flags = df["is_partial"].str.strip().str.lower()
    bad = ~flags.isin(list(_TRUE))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"is_partial {df['is_partial'].iloc[i]!r}; expected true or false",
                        file=f, row=line_of(i), column="is_partial")
    out["is_partial"] = flags.map(_TRUE).astype(bool)
    bad = ~out["resolution"].isin(RESOLUTIONS)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"resolution {out['resolution'].iloc[i]!r}; accepted: {', '.join(RESOLUTIONS)}",
                        file=f, row=line_of(i), column="resolution")
    dup = out.duplicated(["date", "query", "geo"], keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(f"duplicate row for date {out['date'].iloc[i].date()}, query "
                        f"{out['query'].iloc[i]!r}, geo {out['geo'].iloc[i]!r}",
                        file=f, row=line_of(i))
    extras = [c for c in df.columns if c not in TRENDS_COLUMNS]
    for col in extras:
        out[col] = df[col]
    out = out[TRENDS_COLUMNS + extras]
    out = out.sort_values(["query", "geo", "date"], kind="stable").reset_index(drop=True)
    out.attrs["file"] = f
    return out
