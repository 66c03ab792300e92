"""Dated events (announcements, decrees, border rules) drawn on every chart.

Columns of the loaded frame:

=============== ========== ===========================================================
column          type       meaning
=============== ========== ===========================================================
date            datetime64 day of the event (first day of the month when only the month is known)
date_precision  str        'day' or 'month' (a source that gives only 'YYYY-MM')
time_local      str        local time when known, free text ('09:00 MSK', 'evening'), else ''
event           str        what happened, one sentence
label           str        short label for charts (from the file, else the event text shortened)
category        str        kind of event (mobilization, entry_ban, visa_policy, ...)
source_url      str        where the event is reported
confidence      str        HIGH, MEDIUM or LOW (see data/README.md)
=============== ========== ===========================================================

Further columns (actor, details, source_org, ...) are kept as text.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from trendlib.datasets._csv import check_not_empty, check_unique, line_of, read_csv_text
from trendlib.datasets.errors import DataError

EVENTS_COLUMNS = ["date", "time_local", "event", "category", "source_url", "confidence"]
CONFIDENCE = ("HIGH", "MEDIUM", "LOW")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def load_events(path: str | Path) -> pd.DataFrame:
    """Load and validate an events file (dates, event text, source, confidence).

    Raises :class:`DataError` naming file, line and column for: a missing column, an empty
    file, an empty or duplicate ``id`` (when the file has ids), an empty source_url, a date
    that is not ``YYYY-MM-DD``/``YYYY-MM`` or not a real calendar date, empty event text, an
    unknown confidence, and a duplicate event (same date and text).
    """
    path = Path(path)
    f = str(path)
    df = read_csv_text(path, required=EVENTS_COLUMNS, kind="events")
    if df.empty:
        raise DataError("has a header but no rows", file=f)
    if "id" in df.columns:
        check_not_empty(df, "id", file=f)
        check_unique(df, ["id"], file=f, what="id")
    check_not_empty(df, "source_url", file=f)
    dates, precision = [], []
    for i, text in enumerate(df["date"].str.strip()):
        if _DAY.match(text):
            fmt, prec = "%Y-%m-%d", "day"
        elif _MONTH.match(text):
            fmt, prec = "%Y-%m", "month"
        else:
            raise DataError(f"date {text!r}; expected YYYY-MM-DD (or YYYY-MM when only the month is known)",
                            file=f, row=line_of(i), column="date")
        value = pd.to_datetime(text, format=fmt, errors="coerce")
        if pd.isna(value):
            raise DataError(f"date {text!r} is not a real calendar date", file=f, row=line_of(i), column="date")
        dates.append(value)
        precision.append(prec)
    out = df.copy()
    out["date"] = pd.to_datetime(pd.Series(dates, index=df.index))
    out["date_precision"] = precision
    empty = df["event"].str.strip() == ""
    if empty.any():
        i = int(np.flatnonzero(empty.to_numpy())[0])
        raise DataError("event text is empty", file=f, row=line_of(i), column="event")
    conf = df["confidence"].str.strip().str.upper()
    bad = ~conf.isin(CONFIDENCE)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"confidence {df['confidence'].iloc[i]!r}; accepted: {', '.join(CONFIDENCE)}",
                        file=f, row=line_of(i), column="confidence")
    out["confidence"] = conf
    if "label" not in out.columns:
        out["label"] = ""
    out["label"] = [lab.strip() or _short(ev) for lab, ev in zip(out["label"], out["event"])]
    dup = out.duplicated(["date", "event"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError("duplicate event (same date and text)", file=f, row=line_of(i))
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    out.attrs["file"] = f
    return out


def events_in_window(events: pd.DataFrame, start, end) -> pd.DataFrame:
    """Events whose day falls in ``start..end`` (inclusive), day-precision only.

    Month-precision events are left out of charts because they have no day to
    draw at; the count of rows left out is in ``attrs['left_out']``.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    inside = events["date"].between(start, end)
    dayly = events["date_precision"] == "day"
    chosen = events[inside & dayly].reset_index(drop=True)
    chosen.attrs["left_out"] = {"outside_window": int((~inside).sum()),
                                "month_precision_only": int((inside & ~dayly).sum())}
    return chosen
