"""Published facts about search interest (peak times, index values, fold changes, query counts).

Facts are printed beside charts or used to check a pull; they are not a series.
Google Trends facts are 0-100 index values or ratios of them; Yandex Wordstat facts
are absolute query impressions per week or month: never draw both on one axis.

Columns of the loaded frame:

============== ========== ====================================================================
column         type       meaning
============== ========== ====================================================================
id             str        stable row id (``sf001`` ...)
date_start     datetime64 first day the fact covers (inclusive)
date_end       datetime64 last day it covers (= date_start for a single day)
date_text      str        the date as written in the source compilation (``2022-09-12..2022-09-18``)
date_precision str        ``day``, ``period``, ``month`` or ``list`` (several dates, see date_text)
time_local     str        time of day when stated (``18:00 MSK``), else ''
geo            str        geography as reported (``RU``)
engine         str        ``Google (Trends)``, ``Google (Trends, hourly)``, ``Yandex (Wordstat)``
query          str        the query or topic, as reported
query_en       str        English gloss
metric         str        ``peak_time_of_index``, ``index_value``, ``fold_change``, ``query_count``,
                          ``record_high``, ``relative_peak``, ``local_peak_dates``, ``intraday_shape``
value          float      the number, where the reported wording is one; NaN otherwise
qualifier      str        how to read ``value``: ``as_reported``, ``approx``, ``lower_bound``,
                          ``upper_bound``; '' when value is NaN
value_text     str        the reported wording, verbatim (always present)
timestamp      str        ISO timestamp with offset for ``peak_time_of_index`` facts, else ''
unit           str        ``google_trends_index_0_100``, ``queries_per_week``, ``queries_per_month``,
                          ``ratio_text``, ``timestamp``, ``dates``, ``qualitative``
unit_text      str        the unit as reported, with its wording note
index_window   str        the Trends view the value was read from, when stated
source_org     str        who reported it, through which outlet
source_url     str        where it was read
confidence     str        ``HIGH``, ``MEDIUM``, ``LOW``
notes          str        caveats and conflicts
============== ========== ====================================================================
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trendlib.datasets._csv import (check_not_empty, check_unique, check_vocab, fail_first, parse_day,
                                    parse_number, read_csv_text)
from trendlib.datasets.errors import DataError

__all__ = ["FACTS_COLUMNS", "load_facts"]

FACTS_COLUMNS = ["id", "date_start", "date_end", "engine", "query", "metric", "value", "value_text",
                 "unit", "source_url", "confidence"]
QUALIFIERS = ("", "as_reported", "approx", "lower_bound", "upper_bound")
CONFIDENCE = ("HIGH", "MEDIUM", "LOW")
_OPTIONAL = {"date_text": "", "date_precision": "", "time_local": "", "geo": "", "query_en": "",
             "qualifier": "", "timestamp": "", "unit_text": "", "index_window": "", "source_org": "",
             "notes": ""}
_ORDER = ["id", "date_start", "date_end", "date_text", "date_precision", "time_local", "geo", "engine",
          "query", "query_en", "metric", "value", "qualifier", "value_text", "timestamp", "unit", "unit_text",
          "index_window", "source_org", "source_url", "confidence", "notes"]


def load_facts(path: str | Path) -> pd.DataFrame:
    """Load and validate a published-facts file (columns in the module doc).

    Raises :class:`~trendlib.datasets.DataError` naming file, line and column for: a missing
    column, an empty or duplicate id, an unparseable or impossible date, ``date_end`` before
    ``date_start``, a value that is not a number or is negative, a number without its
    verbatim ``value_text``, an unknown qualifier or confidence, an empty query, metric or
    source_url, an unparseable ``timestamp``, and a duplicate fact.
    """
    path = Path(path)
    f = str(path)
    df = read_csv_text(path, required=FACTS_COLUMNS, kind="facts")
    if df.empty:
        raise DataError("has a header but no rows", file=f)
    has_qualifier = "qualifier" in df.columns
    for col, default in _OPTIONAL.items():
        if col not in df.columns:
            df[col] = default
    check_not_empty(df, "id", file=f)
    check_unique(df, ["id"], file=f, what="id")
    out = df.copy()
    out["date_start"] = parse_day(df, "date_start", file=f)
    out["date_end"] = parse_day(df, "date_end", file=f)
    fail_first(out["date_end"] < out["date_start"],
               lambda i: f"date_end {df['date_end'].iloc[i]} is before date_start {df['date_start'].iloc[i]}",
               file=f, column="date_end")
    for col in ("query", "metric", "engine", "value_text", "source_url"):
        check_not_empty(df, col, file=f)
    out["value"] = parse_number(df, "value", file=f, allow_empty=True, minimum=0)
    out["qualifier"] = check_vocab(df, "qualifier", QUALIFIERS, file=f, what="qualifier")
    fail_first(out["value"].notna() & (out["qualifier"] == "") & has_qualifier,
               lambda i: "value has no qualifier; accepted: " + ", ".join(q for q in QUALIFIERS if q),
               file=f, column="qualifier")
    stamps = df["timestamp"].str.strip()
    parsed = pd.to_datetime(stamps.where(stamps != "", None), format="ISO8601", errors="coerce", utc=True)
    fail_first(parsed.isna() & (stamps != ""),
               lambda i: f"timestamp {stamps.iloc[i]!r} is not an ISO timestamp such as 2022-09-20T18:00+03:00",
               file=f, column="timestamp")
    out["confidence"] = check_vocab(df.assign(confidence=df["confidence"].str.upper()), "confidence",
                                    CONFIDENCE, file=f)
    check_unique(df, ["date_start", "date_end", "engine", "query", "metric", "value_text", "source_url"],
                 file=f, what="fact")
    extras = [c for c in df.columns if c not in _ORDER]
    out = out[_ORDER + extras].reset_index(drop=True)
    out.attrs["file"] = f
    return out
