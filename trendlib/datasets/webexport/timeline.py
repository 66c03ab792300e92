"""Interest-over-time exports (``multiTimeline.csv``) -> the tidy series format.

The resolution comes from the dates: ``YYYY-MM-DDTHH`` is hourly, ``YYYY-MM`` monthly, and
``YYYY-MM-DD`` daily or weekly by the step between rows; only a one-row file needs the header word
(:mod:`.words`). Dates a spreadsheet re-wrote (``18/09/2022``) are read when the order is decided
by the file, and the repair is recorded.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from trendlib.datasets.webexport import geo as geo_names
from trendlib.datasets.webexport.errors import WebExportError
from trendlib.datasets.webexport.layout import Head, Records, header_terms
from trendlib.datasets.webexport.values import DATE_PARTS, date_order, index_cell, parse_timeline_date
from trendlib.datasets.webexport.words import DATE_ORDER, period_of

__all__ = ["Timeline", "read_timeline"]


@dataclass
class Timeline:
    terms: list[str]
    geo_names: list[str]
    dates: list[dt.datetime]
    values: list[list[tuple[float, bool]]]  # per row, per term: (value, below_one)
    resolution: str
    below: int = 0
    empty: int = 0
    notes: list[str] = field(default_factory=list)


def read_timeline(records: Records, head: Head, *, query: str | None) -> Timeline:
    f = records.file
    terms, parens = header_terms(head, f, query)
    width = len(head.header)
    keys: list[tuple[int, str]] = []
    rows: list[list[tuple[float, bool]]] = []
    below = empty = 0
    for line, cells in records.rest():
        cells = _fit(cells, width, line, f, head)
        keys.append((line, cells[0]))
        row = []
        for j, cell in enumerate(cells[1:]):
            parsed = index_cell(cell)
            if parsed is None or parsed[2]:
                raise WebExportError(f"value {cell!r} is not an index value; expected a whole number 0-100, '<1' or "
                                     "empty", file=f, row=line, column=head.header[j + 1])
            value, is_below, _ = parsed
            below += is_below
            empty += math.isnan(value)
            row.append((value, is_below))
        rows.append(row)
    if not rows:
        raise WebExportError(f"no data rows after the header; {head.where()}", file=f, row=head.header_line)
    notes: list[str] = []
    dates, form = _dates(keys, head, f, notes)
    resolution = _resolution(dates, form, head, f)
    geos = [p if p is not None else "" for p in parens]
    if any(p is None for p in parens):
        notes.append("the header names terms without a geo ('term' instead of 'term: (Country)'); the geo is "
                     "not stated in the file (pass --geo CODE)")
    return Timeline(terms=terms, geo_names=geos, dates=dates, values=rows, resolution=resolution, below=below,
                    empty=empty, notes=notes)


def _fit(cells: list[str], width: int, line: int, f: str, head: Head) -> list[str]:
    if len(cells) < width:  # trailing empty cells were removed: a missing last value
        return cells + [""] * (width - len(cells))
    if len(cells) > width:
        raise WebExportError(f"{len(cells)} cells; the header has {width}", file=f, row=line)
    return cells


def _dates(keys: list[tuple[int, str]], head: Head, f: str, notes: list[str]) -> tuple[list[dt.datetime], str]:
    forms = set()
    out = []
    locale_dates = []
    for line, key in keys:
        parsed = parse_timeline_date(key)
        if parsed is None:
            m = DATE_PARTS.match(key)
            if not m:
                raise WebExportError(f"date {key!r} is not a date of this export; expected YYYY-MM-DD (day or week), "
                                     "YYYY-MM (month) or YYYY-MM-DDTHH (hour) like the rows above",
                                     file=f, row=line, column=head.header[0])
            locale_dates.append((line, key, tuple(int(g) for g in m.groups())))
            continue
        if parsed[0] == "hour" and len(key) >= 16 and key[14:16] != "00":
            raise WebExportError(f"time {key!r} has minutes: exports of the past hour or past 4 hours (one value "
                                 "per minute) are not supported; the tidy series' finest resolution is the hour",
                                 file=f, row=line, column=head.header[0])
        forms.add(parsed[0])
        out.append(parsed[1])
    if locale_dates:
        if out:
            line, key, _ = locale_dates[0]
            raise WebExportError(f"date {key!r} is not in the form of the other rows (YYYY-MM-DD): the dates were "
                                 "edited by hand or by a spreadsheet", file=f, row=line, column=head.header[0])
        return _locale_dates(locale_dates, head, f, notes), "day"
    if len(forms) > 1:
        raise WebExportError(f"the date column mixes forms {sorted(forms)}", file=f, column=head.header[0])
    return out, forms.pop()


def _locale_dates(items, head: Head, f: str, notes: list[str]) -> list[dt.datetime]:
    order, why = date_order([t for _, _, t in items], head.languages, DATE_ORDER)
    line, key, _ = items[0]
    if not order:
        raise WebExportError(f"dates like {key!r} were re-written by a spreadsheet and can be read day-first or "
                             "month-first (no day above 12, and the header words do not tell the interface "
                             "language); download the CSV again from the Trends website", file=f, row=line,
                             column=head.header[0])
    out = []
    for line, key, (a, b, c) in items:
        y, m, d = {"YMD": (a, b, c), "DMY": (c, b, a), "MDY": (c, a, b)}[order]
        try:
            out.append(dt.datetime(y + 2000 if y < 100 else y, m, d))
        except ValueError:
            raise WebExportError(f"date {key!r} is not a real calendar date read {order}", file=f, row=line,
                                 column=head.header[0]) from None
    notes.append(f"the dates were re-written by a spreadsheet (e.g. {key!r}); read {order} because {why}")
    return out


def _resolution(dates: list[dt.datetime], form: str, head: Head, f: str) -> str:
    if form in ("hour", "month"):
        return form
    steps = {(b - a).days for a, b in zip(dates, dates[1:])}
    if steps == {1}:
        return "day"
    if steps == {7}:
        return "week"
    if not steps:
        named = period_of(head.header[0]) & {"day", "week"}
        if len(named) == 1:
            return named.pop()
        raise WebExportError(f"a one-row export cannot show whether {dates[0].date()} is a day or a week, and the "
                             f"first header cell {head.header[0]!r} does not say (readings: day, week)",
                             file=f, row=head.header_line, column=head.header[0])
    raise WebExportError(f"rows are {sorted(steps)} days apart; a Trends timeline has daily or weekly steps (rows "
                         "deleted or sorted by hand?)", file=f, column=head.header[0])


def geo_codes(names: list[str], geo: str | None, notes: list[str]) -> dict[str, str]:
    """Geo code of each header geo name: ``geo`` when given, else CLDR's code, else the name kept (noted)."""
    out = {}
    for name in dict.fromkeys(names):
        if geo is not None:
            out[name] = geo
            continue
        code = geo_names.country_code(name) if name else None
        if code is None:
            notes.append(f"geo name {name!r} is not a country name trendlib can match (CLDR names in every language); "
                         "kept as written (pass --geo CODE to set the Google geo code)" if name else
                         "the geo is not stated; '' recorded (pass --geo CODE)")
            code = name
        out[name] = code
    return out
