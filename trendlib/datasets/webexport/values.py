"""Cell values and dates of website exports, in every form the interfaces write them.

* Index cells: ``42``, ``<1`` / ``< 1`` (any space, a no-break space included: below one, kept as
  value 0 with ``below_one`` as the tidy schema says, never a plain 0), empty (missing, NaN).
* Share cells of multi-term region maps: ``27%`` / ``27 %``.
* Growth cells of related files: ``+1,250%``, ``+1 250 %``, ``Mais 2.000%`` (thousands separators of
  any locale), or a word with no digits (``Breakout``, ``Aumento puntual``, ...) = breakout.
* Dates: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY-MM-DDTHH``; date ranges ``9/13/22 - 9/20/22`` or
  ``13/07/2020 – 13/07/2021`` read day-first or month-first as the file shows (a number above 12,
  dotted dates, or the header words' language), refused naming both readings when undecidable.
"""
from __future__ import annotations

import datetime as dt
import math
import re

__all__ = ["index_cell", "growth_cell", "parse_timeline_date", "date_order", "read_range", "SPACES"]

SPACES = " \t\u00a0\u202f\u2009\u2007"
_SPACE_RE = re.compile(f"[{SPACES}]+")
_NUMBER = re.compile(r"\d+(?:[.,' \u00a0\u202f\u2009’]\d+)*")
HOUR = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2})(?::\d{2}){0,2}(?:Z|[+-]\d{2}:?\d{2})?$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
_CLOCKS = re.compile(r",?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?\s?[Mm]\.?)?")
DATE_PARTS = re.compile(r"^(\d{1,4})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{1,4})\.?$")


def index_cell(cell: str) -> tuple[float, bool, bool] | None:
    """(value, below_one, is_share) of an index or share cell; None when it is neither.

    An empty cell is ``(nan, False, False)``. ``27 %`` is ``(27.0, False, True)``.
    """
    c = _SPACE_RE.sub("", cell)
    if c == "":
        return math.nan, False, False
    share = c.endswith("%")
    if share:
        c = c[:-1]
    if c == "<1":
        return 0.0, True, share
    if c.isdigit() and len(c) <= 3 and int(c) <= 100:
        return float(c), False, share
    return None


def _number(text: str) -> float | None:
    """A number written with any locale's thousands (and, for a group not of three digits, decimal) separator."""
    m = _NUMBER.search(text)
    if not m:
        return None
    groups = re.split(r"[.,' \u00a0\u202f\u2009’]", m.group(0))
    if len(groups) > 1 and len(groups[-1]) != 3:  # '1,5' or '12.25': the last separator is a decimal mark
        return float("".join(groups[:-1]) + "." + groups[-1])
    return float("".join(groups))


def growth_cell(cell: str) -> tuple[float, bool] | None:
    """(value, breakout) of a rising cell: a percent growth, or a word with no digit (breakout)."""
    c = cell.strip()
    if not c:
        return None
    if not any(ch.isdigit() for ch in c):
        return math.nan, True
    value = _number(c)
    if value is None:
        return None
    return (-value if re.search(r"^[\s]*[-−]", c) else value), False


def parse_timeline_date(key: str) -> tuple[str, dt.datetime] | None:
    """(form, datetime) of a timeline row's first cell: form 'hour', 'day' or 'month'; None otherwise."""
    try:
        m = HOUR.match(key)
        if m:
            return "hour", dt.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}:00")
        if DAY.match(key):
            return "day", dt.datetime.fromisoformat(key)
        if MONTH.match(key):
            return "month", dt.datetime.fromisoformat(key + "-01")
    except ValueError:
        return None
    return None


def date_order(dates: list[tuple[int, int, int]], languages: set[str], orders: dict[str, str]) -> tuple[str, str]:
    """('YMD'|'DMY'|'MDY', why) for dates written as three numbers, or ('', '') when the file cannot tell.

    In turn: a four-digit first number is a year; the interface language's order (``orders``), when
    all the header's languages agree and the dates are valid read that way (English only for the US
    form with a two-digit year, since en-GB writes day-first); a number above 12 is a day.
    """
    if all(a >= 1000 for a, _, _ in dates):
        return "YMD", "the year comes first"
    langs = {orders.get(lang, "") for lang in languages}
    english_us = languages == {"en"} and all(c < 100 for _, _, c in dates)
    if len(langs) == 1 and "" not in langs and (languages != {"en"} or english_us):
        order = langs.pop()
        if _valid(dates, order, languages):
            return order, (f"the interface words are in {'/'.join(sorted(languages))}, whose dates are "
                           f"{_NAMES[order]}")
    if any(a > 12 for a, _, _ in dates) and _valid(dates, "DMY", languages):
        return "DMY", "a first number above 12 is a day"
    if any(b > 12 for _, b, _ in dates) and _valid(dates, "MDY", languages):
        return "MDY", "a second number above 12 is a day"
    return "", ""


_NAMES = {"YMD": "year-first", "DMY": "day-first", "MDY": "month-first"}


def _valid(dates: list[tuple[int, int, int]], order: str, languages: set[str]) -> bool:
    try:
        for d in dates:
            _date(d, order, languages)
    except ValueError:
        return False
    return True


def _date(parts: tuple[int, int, int], order: str, languages: set[str] = frozenset()) -> dt.date:
    a, b, c = parts
    y, m, d = {"YMD": (a, b, c), "DMY": (c, b, a), "MDY": (c, a, b)}[order]
    if languages == {"th"}:  # the Thai interface counts years in the Buddhist era (2565 = 2022)
        y = (y + 2500 if y < 100 else y) - 543
    elif y < 100:
        y += 2000
    return dt.date(y, m, d)


_DATE_TOKEN = re.compile(r"(?<!\d)(\d{1,4})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{1,4})\.?(?!\d)")


def split_range(text: str) -> list[tuple[int, int, int]] | None:
    """The two dates of a range as number triples, whatever joins them ('9/13/22 - 9/20/22',
    '04.02.20 bis 04.03.20', '2019/08/18～2024/08/18', '9/23/23, 8:22 PM - 9/24/23, 8:22 PM');
    None unless the text holds exactly two dates."""
    text = _CLOCKS.sub(" ", text)
    found = _DATE_TOKEN.findall(text)
    if len(found) != 2:
        return None
    return [tuple(int(g) for g in m) for m in found]  # type: ignore[misc]


def read_range(triples: list[tuple[int, int, int]], order: str, languages: set[str] = frozenset()) -> tuple[str, str]:
    """ISO start and end of a range in the given order; ValueError if it is not a real, forward range."""
    a, b = (_date(t, order, languages) for t in triples)
    if b < a:
        raise ValueError(f"ends ({b}) before it starts ({a})")
    return a.isoformat(), b.isoformat()


def both_readings(triples: list[tuple[int, int, int]]) -> str:
    out = []
    for order, name in (("DMY", "day-first"), ("MDY", "month-first")):
        try:
            s, e = read_range(triples, order)
            out.append(f"{name}: {s} to {e}")
        except ValueError:
            pass
    return "; ".join(out)
