"""Reading a date column that a person or another program wrote: what is unambiguous is converted (and said),
the rest is refused naming the accepted form.

Accepted as they are: ``YYYY-MM-DD`` and ISO timestamps without a zone (``YYYY-MM-DD HH:MM[:SS]``, ``T`` or
space). Converted, with a note: ISO timestamps with a zone (``Z``, ``+03:00``; midnight values become the
date they name, other times become UTC), ``DD.MM.YYYY`` (always day-first), and ``A/B/YYYY`` when the column
itself decides the order (some first number above 12: day-first; some second number above 12: month-first).
Refused: ``A/B/YYYY`` columns where every value reads both ways, and anything else.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trendlib.datasets.errors import DataError

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_ISO_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ACCEPTED = "YYYY-MM-DD (or YYYY-MM-DD HH:MM for hourly data)"


def parse_date_column(values: pd.Series, *, file: str, column: str = "date") -> tuple[pd.Series, list[str]]:
    """Parse ``values`` (text) into naive datetime64 values; return them and notes on what was converted."""
    from trendlib.datasets._csv import line_of

    text = values.astype(str).str.strip()
    forms = text.map(_form)
    unknown = forms == ""
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError(f"date {values.iloc[i]!r} is not in an accepted form; write dates as {ACCEPTED}",
                        file=file, row=line_of(i), column=column)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    notes: list[str] = []
    plain = forms.isin(["day", "time"])
    if plain.any():
        out[plain] = pd.to_datetime(text[plain], format="ISO8601", errors="coerce")
    zoned = forms == "zoned"
    if zoned.any():
        out[zoned], note = _zoned(text[zoned])
        notes.append(note)
    dotted = forms == "dotted"
    if dotted.any():
        out[dotted] = pd.to_datetime(text[dotted], format="%d.%m.%Y", errors="coerce")
        notes.append(f"{int(dotted.sum())} dates written DD.MM.YYYY (e.g. {text[dotted].iloc[0]!r}) were read "
                     "day-first")
    slashed = forms == "slashed"
    if slashed.any():
        out[slashed], note = _slashed(text[slashed], file=file, column=column)
        notes.append(note)
    bad = out.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"date {values.iloc[i]!r} is not a real calendar date", file=file, row=line_of(i),
                        column=column)
    return out, [f"{file}: {n}" for n in notes]


def _form(value: str) -> str:
    if _ISO_DAY.match(value):
        return "day"
    if _ISO_TIME.match(value):
        return "time"
    if _ISO_ZONED.match(value):
        return "zoned"
    if _DOTTED.match(value):
        return "dotted"
    if _SLASHED.match(value):
        return "slashed"
    return ""


def _zoned(text: pd.Series) -> tuple[pd.Series, str]:
    local = [pd.Timestamp(t) for t in text]
    midnight = all(t.hour == 0 and t.minute == 0 and t.second == 0 for t in local)
    if midnight:
        values = pd.Series([pd.Timestamp(t.date()) for t in local], index=text.index)
        return values, (f"{len(text)} dates written with a time zone (e.g. {text.iloc[0]!r}) were read as the "
                        "calendar days they name")
    values = pd.Series([t.tz_convert("UTC").tz_localize(None) if t.tzinfo else t for t in local], index=text.index)
    return values, (f"{len(text)} timestamps with a time zone (e.g. {text.iloc[0]!r}) were converted to UTC "
                    "and stored without a zone")


def _slashed(text: pd.Series, *, file: str, column: str) -> tuple[pd.Series, str]:
    from trendlib.datasets._csv import line_of

    parts = text.str.extract(_SLASHED).astype(int)
    first_big, second_big = (parts[0] > 12).any(), (parts[1] > 12).any()
    # the frames trendlib reads have a RangeIndex, so an index label is the row's position in the file
    if first_big and second_big:
        i = int(parts.index[(parts[1] > 12).to_numpy()][0])
        raise DataError(f"dates mix day-first and month-first forms (e.g. {text.loc[i]!r}); write dates as "
                        f"{ACCEPTED}", file=file, row=line_of(i), column=column)
    if not first_big and not second_big:
        i = int(text.index[0])
        a, b, y = (int(x) for x in _SLASHED.match(text.loc[i]).groups())
        raise DataError(f"date {text.loc[i]!r} could be {_day(a, b, y)} (day-first) or {_day(b, a, y)} "
                        f"(month-first), and no date in the column decides it; write dates as {ACCEPTED}",
                        file=file, row=line_of(i), column=column)
    fmt, order = ("%d/%m/%Y", "day-first") if first_big else ("%m/%d/%Y", "month-first")
    values = pd.to_datetime(text, format=fmt, errors="coerce")
    return values, (f"{len(text)} dates written with slashes (e.g. {text.iloc[0]!r}) were read {order}, as "
                    "the dates above 12 in the column show")


def _day(d: int, m: int, y: int) -> str:
    import calendar
    return f"{d} {calendar.month_name[m]} {y}" if 1 <= m <= 12 else f"{d}/{m}/{y}"
