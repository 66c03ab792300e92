"""Related-queries / related-topics exports -> the related schema shared with ``fetch --related-out``.

Layout: category line, an optional ``"term: (dates, geo)"`` line, then a ``TOP`` section of
``related,index`` rows and a ``RISING`` section of ``related,growth`` rows (``+1,250%``,
``+1 250 %``, ``Mais 2.000%``; a cell without digits, "Breakout" in any language, is a breakout).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from trendlib.datasets.webexport import geo as geo_names
from trendlib.datasets.webexport.errors import WebExportError
from trendlib.datasets.webexport.layout import SECTIONS, TERM, Head, Records
from trendlib.datasets.webexport.values import (both_readings, date_order, growth_cell, index_cell, read_range,
                                                split_range)
from trendlib.datasets.webexport.words import DATE_ORDER

__all__ = ["Related", "read_related"]


@dataclass
class Related:
    term: str
    geo_name: str
    geo: str
    start: str
    end: str
    rows: list[tuple[str, int, str, float, str, bool, bool]]  # kind, rank, related, value, formatted, breakout, below
    notes: list[str] = field(default_factory=list)


def read_related(records: Records, head: Head, *, query: str | None, geo: str | None) -> Related:
    f = records.file
    notes: list[str] = []
    term, geo_name, start, end = _term_line(head, f, notes)
    if query is not None:
        if term and term != query:
            notes.append(f"the file's term {term!r} was replaced by --query {query!r}")
        term = query
    elif not term:
        notes.append("the file does not name the term its related queries belong to; query '' recorded "
                     "(pass --query TERM)")
    code = geo if geo is not None else (geo_names.country_code(geo_name) if geo_name else "")
    if code is None:
        notes.append(f"geo name {geo_name!r} matched no country name; geo kept as written (pass --geo CODE)")
        code = geo_name
    rows = _sections(records, f)
    return Related(term=term, geo_name=geo_name, geo=code, start=start, end=end, rows=rows, notes=notes)


def _term_line(head: Head, f: str, notes: list[str]) -> tuple[str, str, str, str]:
    if not head.term_line:
        notes.append("the file has no 'term: (dates, geo)' line; term, span and geo are not stated")
        return "", "", "", ""
    m = TERM.match(head.term_line)
    assert m is not None  # layout.read_head only sets term_line when it matches
    term, paren = m.group("term").strip(), m.group("paren")
    dates, _, geo_name = paren.rpartition(",")
    if not dates:
        dates, geo_name = geo_name, ""
    triples = split_range(dates)
    if triples is None:
        notes.append(f"the date range {dates.strip()!r} could not be read; start and end are empty")
        return term, geo_name.strip(), "", ""
    order, why = date_order(triples, head.languages, DATE_ORDER)
    if not order:
        raise WebExportError(f"the date range {dates.strip()!r} can be read two ways ({both_readings(triples)}) and "
                             "the file does not say which; download it again with the interface in English",
                             file=f, row=(head.category_line or 0) + 1)
    start, end = read_range(triples, order, head.languages)
    notes.append(f"the date range {dates.strip()!r} was read {order} ({why})")
    return term, geo_name.strip(), start, end


def _sections(records: Records, f: str) -> list[tuple[str, int, str, float, str, bool, bool]]:
    rows = []
    kind = ""
    rank = 0
    for line, cells in records.rest():
        if len(cells) == 1 and cells[0].strip().lower() in SECTIONS:
            kind, rank = SECTIONS[cells[0].strip().lower()], 0
            continue
        if not kind:
            raise WebExportError(f"row {cells!r} comes before the TOP or RISING section", file=f, row=line)
        if len(cells) != 2:
            raise WebExportError(f"{len(cells)} cells; a related-queries row has 2 (query, value)", file=f, row=line)
        related, cell = cells
        rank += 1
        if kind == "top":
            parsed = index_cell(cell)
            if parsed is None or math.isnan(parsed[0]):
                if growth_cell(cell) is not None:
                    raise WebExportError(f"TOP value {cell!r} is a RISING value (a growth or a breakout): the 'RISING' "
                                         "line that starts the second section is missing (the file was edited?); "
                                         "download the original CSV again", file=f, row=line)
                raise WebExportError(f"TOP value {cell!r} is not an index value (0-100 or '<1')", file=f, row=line)
            rows.append((kind, rank, related, parsed[0], cell, False, parsed[1]))
        else:
            grown = growth_cell(cell)
            if grown is None:
                raise WebExportError(f"RISING value {cell!r} is neither a growth such as '+250%' nor a breakout word",
                                     file=f, row=line)
            rows.append((kind, rank, related, grown[0], cell, grown[1], False))
    if not rows:
        raise WebExportError("the TOP and RISING sections are empty", file=f)
    return rows


def looks_related(name: str) -> str:
    """'query' / 'topic' from the download's file name (relatedQueries / relatedEntities), else ''."""
    low = re.sub(r"[^a-z]", "", name.lower())
    return "query" if "relatedquer" in low else "topic" if "relatedentit" in low or "relatedtopic" in low else ""
