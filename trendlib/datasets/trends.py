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
below_one    bool       optional: Google showed "<1" (stored as value 0; the true value is in [0, 1))
============ ========== ==============================================================

Further columns are kept as text.

Per-sample series
-----------------
Beside a trends file ``x.csv`` may lie ``x.samples.csv`` (:func:`samples_path`): one row per
``(date, query, geo, sample)``, the series as each separate Google sample (fetch day) returned
it, before averaging. Columns (:data:`SAMPLES_COLUMNS`): ``date`` (datetime64, period start),
``query``, ``geo``, ``sample`` (str, the sample's name, e.g. ``s1``), ``fetched_on``
(datetime64, UTC day of the fetch), ``value`` (float 0-100, NaN where Google had no data),
``below_one`` (bool), ``is_partial`` (bool), ``resolution`` (str). Values are never "searches": they are relative
index points (see the notebooks' explanation of Google's 0-100 index).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trendlib.datasets._csv import (check_unique, check_vocab, fail_first, line_of, parse_day, parse_flag,
                                    parse_number, read_csv_text)
from trendlib.datasets._dates import parse_date_column
from trendlib.datasets.errors import DataError

TRENDS_COLUMNS = ["date", "query", "geo", "value", "value_low", "value_high", "n_samples",
                  "is_partial", "resolution", "source"]
SAMPLES_COLUMNS = ["date", "query", "geo", "sample", "fetched_on", "value", "below_one", "is_partial",
                   "resolution"]
RESOLUTIONS = ("hour", "day", "week", "month")
GOOGLE_TRENDS_START = pd.Timestamp("2004-01-01")
_TRUE = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}


def load_trends(path: str | Path) -> pd.DataFrame:
    """Load a tidy series file, validating every row.

    Dates in an unambiguous other form (a time zone, DD.MM.YYYY, slashes whose order the column
    decides) are converted, and ``attrs['notes']`` says what was converted; anything else is refused
    naming the accepted form (:mod:`trendlib.datasets._dates`).

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
    dates, notes = parse_date_column(df["date"], file=f)
    _check_google_era(dates, file=f)
    out["date"] = dates
    for col in ("query", "geo", "resolution", "source"):
        out[col] = df[col].astype(str)
    blank = out["query"].str.strip() == ""
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError("query is empty", file=f, row=line_of(i), column="query")
    for col in ("value", "value_low", "value_high"):
        out[col] = _index_points(df, col, file=f)
    out["n_samples"] = _n_samples(df, file=f)
    out["is_partial"] = _is_partial(df, file=f)
    _check_band(out, file=f)
    if "below_one" in df.columns:
        out["below_one"] = parse_flag(df, "below_one", file=f, default=False)
        fail_first(out["below_one"] & (out["value"] >= 1),
                   lambda i: f"below_one is true but value is {out['value'].iloc[i]}; '<1' is stored as 0",
                   file=f, column="below_one")
    _check_resolution_and_duplicates(out, file=f)
    out = _ordered(df, out)
    out.attrs["file"] = f
    out.attrs["notes"] = notes
    return out


def _index_points(df: pd.DataFrame, col: str, *, file: str) -> pd.Series:
    """One of ``value, value_low, value_high`` as floats (empty = missing), checked against its range."""
    f = file
    num = pd.to_numeric(df[col].replace("", np.nan), errors="coerce")
    bad = num.isna() & (df[col] != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"value {df[col].iloc[i]!r} is not a number (use an empty cell for "
                        "missing data)", file=f, row=line_of(i), column=col)
    fail_first(np.isinf(num.to_numpy(dtype=float)), lambda i: f"value {df[col].iloc[i]!r} is not a finite "
               "number", file=f, column=col)
    # the value itself is on Google's 0-100 scale; a band from calibration or stitching
    # uncertainty may reach above 100 (the peak's own uncertainty), never below 0
    outside = (num < 0) | ((num > 100) if col == "value" else False)
    if outside.any():
        i = int(np.flatnonzero(outside.to_numpy())[0])
        what = "outside Google's 0-100 index range" if col == "value" else "negative"
        raise DataError(f"value {num.iloc[i]} is {what}", file=f, row=line_of(i), column=col)
    return num.astype(float)


def _n_samples(df: pd.DataFrame, *, file: str) -> pd.Series:
    """The ``n_samples`` column as whole numbers >= 0."""
    n = pd.to_numeric(df["n_samples"].replace("", np.nan), errors="coerce")
    bad = n.isna() | (n < 0) | (n != n.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"n_samples {df['n_samples'].iloc[i]!r} is not a whole number >= 0",
                        file=file, row=line_of(i), column="n_samples")
    return n.astype(int)


def _is_partial(df: pd.DataFrame, *, file: str) -> pd.Series:
    """The ``is_partial`` column as booleans (true/false, 1/0, yes/no, empty = false)."""
    flags = df["is_partial"].str.strip().str.lower()
    bad = ~flags.isin(list(_TRUE))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"is_partial {df['is_partial'].iloc[i]!r}; expected true or false",
                        file=file, row=line_of(i), column="is_partial")
    return flags.map(_TRUE).astype(bool)


def _check_band(out: pd.DataFrame, *, file: str) -> None:
    """``value_low <= value <= value_high`` on every row that has them."""
    fail_first(out["value_low"] > out["value"], lambda i: f"value_low {out['value_low'].iloc[i]} is above value "
               f"{out['value'].iloc[i]}", file=file, column="value_low")
    fail_first(out["value_high"] < out["value"], lambda i: f"value_high {out['value_high'].iloc[i]} is below "
               f"value {out['value'].iloc[i]}", file=file, column="value_high")


def _check_resolution_and_duplicates(out: pd.DataFrame, *, file: str) -> None:
    """A known resolution on every row, and one row per ``(date, query, geo)``."""
    bad = ~out["resolution"].isin(RESOLUTIONS)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"resolution {out['resolution'].iloc[i]!r}; accepted: {', '.join(RESOLUTIONS)}",
                        file=file, row=line_of(i), column="resolution")
    dup = out.duplicated(["date", "query", "geo"], keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(f"duplicate row for date {out['date'].iloc[i].date()}, query "
                        f"{out['query'].iloc[i]!r}, geo {out['geo'].iloc[i]!r}",
                        file=file, row=line_of(i))


def _ordered(df: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """The file's columns in the tidy order (then known optional ones, then extras), rows sorted."""
    extras = [c for c in df.columns if c not in TRENDS_COLUMNS and c not in out.columns]
    for col in extras:
        out[col] = df[col]
    known = [c for c in out.columns if c not in TRENDS_COLUMNS and c not in extras]
    out = out[TRENDS_COLUMNS + known + extras]
    return out.sort_values(["query", "geo", "date"], kind="stable").reset_index(drop=True)


def _check_google_era(dates: pd.Series, *, file: str) -> None:
    """Google Trends begins on 2004-01-01: an earlier date cannot be a Trends value (a typo, a
    spreadsheet's 1900 date system, or another data set)."""
    fail_first(dates < GOOGLE_TRENDS_START, lambda i: f"date {dates.iloc[i].date()} is before "
               f"{GOOGLE_TRENDS_START.date()}, when Google Trends data begin", file=file, column="date")


def samples_path(trends_path: str | Path) -> Path:
    """The per-sample file that belongs to a trends file: ``x.csv`` -> ``x.samples.csv``."""
    p = Path(trends_path)
    if p.name.endswith(".samples.csv"):
        return p
    return p.with_name(p.stem + ".samples.csv")


def load_trend_samples(path: str | Path, *, missing_ok: bool = False) -> pd.DataFrame:
    """Load the per-sample series beside a trends file (or a ``.samples.csv`` given directly).

    ``path`` may name the trends file (``x.csv``; its ``x.samples.csv`` is read) or the
    samples file itself. With ``missing_ok=True`` a missing samples file gives an empty
    frame with :data:`SAMPLES_COLUMNS` (``attrs['missing'] = True``) instead of an error.

    Raises :class:`DataError` for a missing column, an unparseable date or fetch day, a value
    not a number or outside 0-100, ``below_one`` true with a value of 1 or more, an unknown
    resolution, an empty sample name, or a duplicate ``(date, query, geo, sample)``.
    """
    sp = samples_path(path)
    f = str(sp)
    if not sp.is_file() and missing_ok:
        from trendlib.provenance import ABSENT, note_read
        note_read(sp, sha256=ABSENT)  # its later appearance is a change the report must notice
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in SAMPLES_COLUMNS})
        empty.attrs.update(file=f, missing=True)
        return empty
    df = read_csv_text(sp, required=SAMPLES_COLUMNS, kind="trend samples")
    if df.empty:
        raise DataError("has a header but no rows", file=f)
    out = pd.DataFrame(index=df.index)
    dates = pd.to_datetime(df["date"].str.strip(), format="ISO8601", errors="coerce")
    fail_first(dates.isna(), lambda i: f"date {df['date'].iloc[i]!r} is not an ISO date (YYYY-MM-DD)",
               file=f, column="date")
    _check_google_era(dates, file=f)
    out["date"] = dates
    for col in ("query", "geo"):
        out[col] = df[col].astype(str)
    fail_first(out["query"].str.strip() == "", lambda i: "query is empty", file=f, column="query")
    out["sample"] = df["sample"].str.strip()
    fail_first(out["sample"] == "", lambda i: "sample is empty; name each Google sample (e.g. s1)",
               file=f, column="sample")
    out["fetched_on"] = parse_day(df, "fetched_on", file=f)
    out["value"] = parse_number(df, "value", file=f, allow_empty=True, minimum=0, maximum=100)
    out["below_one"] = parse_flag(df, "below_one", file=f, default=False)
    fail_first(out["below_one"] & (out["value"] >= 1),
               lambda i: f"below_one is true but value is {out['value'].iloc[i]}; '<1' is stored as 0",
               file=f, column="below_one")
    out["is_partial"] = parse_flag(df, "is_partial", file=f, default=False)
    out["resolution"] = check_vocab(df, "resolution", RESOLUTIONS, file=f)
    check_unique(out, ["date", "query", "geo", "sample"], file=f, what="row")
    out = out.sort_values(["query", "geo", "sample", "date"], kind="stable").reset_index(drop=True)
    out.attrs["file"] = f
    return out
