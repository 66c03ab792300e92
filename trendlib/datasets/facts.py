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

__all__ = ["FACTS_COLUMNS", "load_facts", "facts_in_window"]

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


def facts_in_window(facts: pd.DataFrame, start, end, *, queries=None, engines=None) -> pd.DataFrame:
    """Facts that overlap ``start..end`` (inclusive) and, when given, concern one of ``queries``.

    A fact concerns a study query when the query, lower-cased, is contained in the fact's
    ``query`` (so ``как сломать руку`` matches ``как сломать руку в домашних условиях`` and
    ``отсрочка от армии`` matches ``мобилизация / отсрочка от армии``); the matched study query
    is in the added column ``matched_query`` ('' when ``queries`` is None; a fact matching two
    queries appears once per query). ``engines`` keeps only those engines (e.g.
    ``["Google (Trends)"]``). Counts of facts left out, by reason, are in
    ``attrs['left_out']``: ``outside_window``, ``other_query``, ``other_engine``.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    inside = (facts["date_end"] >= start) & (facts["date_start"] <= end)
    engine_ok = facts["engine"].isin(list(engines)) if engines is not None else pd.Series(True, index=facts.index)
    matched_any = pd.Series(False, index=facts.index)
    if queries is None:
        chosen = facts[inside & engine_ok].copy()
        chosen["matched_query"] = ""
        matched_any[:] = True
    else:
        parts = []
        for q in queries:
            hit = facts["query"].str.lower().str.contains(str(q).lower(), regex=False)
            matched_any |= hit
            part = facts[inside & engine_ok & hit].copy()
            part["matched_query"] = q
            parts.append(part)
        chosen = pd.concat(parts) if parts else facts.iloc[0:0].assign(matched_query="")
    chosen = chosen.sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)
    chosen.attrs = dict(facts.attrs)
    chosen.attrs["left_out"] = {
        "outside_window": int((~inside).sum()),
        "other_engine": int((inside & ~engine_ok).sum()),
        "other_query": int((inside & engine_ok & ~matched_any).sum()),
    }
    return chosen
