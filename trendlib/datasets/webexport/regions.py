"""Interest-by-region exports (``geoMap.csv``) -> the region schema shared with ``fetch --regions-out``.

Country names (any language) get ISO 3166-1 codes from CLDR; subregion names get ISO 3166-2 codes
within the parent country (given with ``geo=``, or inferred when most names are subdivisions of one
country); US metro (DMA) names get Google's numeric DMA code; cities get no code (Google gives
coordinates, not codes). The name is always kept beside the code; :mod:`.geo` has the rules. The header's date range is read day-first or
month-first as the file decides (:func:`trendlib.datasets.webexport.values.date_order`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from trendlib.datasets.webexport import geo as geo_names
from trendlib.datasets.webexport.errors import WebExportError
from trendlib.datasets.webexport.layout import Head, Records, header_terms
from trendlib.datasets.webexport.values import both_readings, date_order, index_cell, read_range, split_range
from trendlib.datasets.webexport.words import DATE_ORDER, level_of

__all__ = ["RegionMap", "read_regions"]


@dataclass
class RegionMap:
    terms: list[str]
    names: list[str]
    cells: list[list[tuple[float, bool, str]]]  # per row, per term: (value, below_one, formatted)
    codes: dict[str, str]
    level: str
    parent: str
    start: str
    end: str
    measure: str
    below: int = 0
    empty: int = 0
    notes: list[str] = field(default_factory=list)


def read_regions(records: Records, head: Head, *, geo: str | None, query: str | None) -> RegionMap:
    f = records.file
    terms, parens = header_terms(head, f, query)
    if len(set(terms)) != len(terms):
        raise WebExportError(f"header names a term twice: {terms}", file=f, row=head.header_line)
    start, end, notes = _span(parens, head, f)
    width = len(head.header)
    names, rows, seen = [], [], set()
    below = empty = shares = 0
    for line, cells in records.rest():
        if len(cells) > width:
            raise WebExportError(f"{len(cells)} cells; the header has {width}", file=f, row=line)
        cells = cells + [""] * (width - len(cells))
        if cells[0] in seen:
            raise WebExportError(f"region {cells[0]!r} appears twice", file=f, row=line, column=head.header[0])
        seen.add(cells[0])
        row = []
        for j, cell in enumerate(cells[1:]):
            parsed = index_cell(cell)
            if parsed is None:
                raise WebExportError(f"value {cell!r} is not an index value or share; expected a whole number "
                                     "0-100, '<1', a percentage such as '27 %' or empty", file=f, row=line,
                                     column=head.header[j + 1])
            value, is_below, is_share = parsed
            below += is_below
            empty += math.isnan(value)
            shares += is_share
            row.append((value, is_below, cell))
        names.append(cells[0])
        rows.append(row)
    if not rows:
        raise WebExportError(f"no data rows after the header; {head.where()}", file=f, row=head.header_line)
    measure = "share_percent" if shares else "index"
    if measure == "share_percent":
        notes.append("values are each region's share (%) of the terms' total search interest there, not index "
                     "points (Google's multi-term region map)")
    elif len(terms) > 1:
        notes.append("values of the several terms are index points on one scale (100 = the highest value of any "
                     "term in any region), as older multi-term region maps were written (no '%' in the cells)")
    codes, level, parent = _codes(names, head, geo, notes)
    return RegionMap(terms=terms, names=names, cells=rows, codes=codes, level=level, parent=parent, start=start,
                     end=end, measure=measure, below=below, empty=empty, notes=notes)


def _span(parens: list[str | None], head: Head, f: str) -> tuple[str, str, list[str]]:
    texts = sorted({p for p in parens if p})
    notes: list[str] = []
    if not texts:
        notes.append("the header states no date range; start and end are empty")
        return "", "", notes
    if len(texts) > 1:
        raise WebExportError(f"the term columns cover different date ranges {texts}; import each download on "
                             "its own", file=f, row=head.header_line)
    text = texts[0]
    triples = split_range(text)
    if triples is None:
        notes.append(f"the header's date range {text!r} could not be read as two dates; start and end are empty")
        return "", "", notes
    order, why = date_order(triples, head.languages, DATE_ORDER)
    if not order:
        raise WebExportError(f"the date range {text!r} can be read two ways ({both_readings(triples)}) and the file "
                             "does not say which (no day above 12; the header words do not tell the interface "
                             "language); download the file again with the interface in English (hl=en-US)",
                             file=f, row=head.header_line)
    try:
        start, end = read_range(triples, order, head.languages)
    except ValueError as exc:
        raise WebExportError(f"the date range {text!r} read {order} ({why}) {exc}", file=f,
                             row=head.header_line) from None
    notes.append(f"the date range {text!r} was read {order} ({why})")
    return start, end, notes


def _codes(names: list[str], head: Head, geo: str | None, notes: list[str]) -> tuple[dict[str, str], str, str]:
    """(name -> code, level, parent geo)."""
    words = level_of(head.header[0])
    countries = {n: geo_names.country_code(n, thorough=False) for n in names} if geo in (None, "") else {}
    matched = sum(1 for c in countries.values() if c)
    if countries and matched * 2 >= len(names) and (not words or "country" in words):
        unmatched = [n for n, c in countries.items() if not c]
        if unmatched:
            notes.append(f"{len(unmatched)} country name(s) matched no CLDR name (nor trendlib's table of Google's "
                         f"own spellings) or two countries; their region_code is empty: {unmatched[:5]}")
        return {n: c or "" for n, c in countries.items()}, "country", ""
    level = _level(words, head)
    if level == "metro":
        return _metro_codes(names, geo, notes), level, geo or "US"
    parent = geo or _infer_parent(names, notes)
    if level == "city":
        notes.append("city rows have no code (Google identifies cities by coordinates, not a code); region_code is "
                     "empty and the name is kept")
        return {n: "" for n in names}, level, parent
    if not parent:
        return {n: "" for n in names}, "region", parent
    codes = geo_names.subdivision_codes(names, parent)
    missing = [n for n, c in codes.items() if not c]
    if missing:
        notes.append(f"{len(missing)} of {len(names)} region names have no unambiguous ISO 3166-2 match in {parent}; "
                     f"their region_code is empty and the name is kept (e.g. {missing[:3]})")
    return codes, "region", parent


def _infer_parent(names: list[str], notes: list[str]) -> str:
    parent, n = geo_names.infer_parent(names)
    if parent:
        notes.append(f"the file does not name its country; {parent} inferred ({n} of {len(names)} region names "
                     "are its ISO 3166-2 subdivisions; pass --geo CODE to set it)")
    else:
        notes.append("the file does not name the geo its regions belong to; geo '' recorded (pass --geo CODE)")
    return parent


def _metro_codes(names: list[str], geo: str | None, notes: list[str]) -> dict[str, str]:
    """Google's DMA codes of US metro names (trendlib/data/us_dma.csv), '' where no one entry matches.
    Metros (Nielsen DMAs) exist only in the US: the geo is US unless the caller says otherwise."""
    if not geo:
        notes.append("metro (DMA) regions exist only in the United States; geo US recorded")
    codes = geo_names.metro_codes(names)
    missing = [n for n, c in codes.items() if not c]
    if missing:
        notes.append(f"{len(missing)} of {len(names)} metro names match no one Nielsen DMA name; their region_code "
                     f"is empty and the name is kept (e.g. {missing[:3]})")
    return codes


def _level(words: set[str], head: Head) -> str:
    for level in ("metro", "city", "region"):
        if words == {level}:
            return level
    if not words:
        head.notes.append(f"the first header cell {head.header[0]!r} is not a level word trendlib knows; read as "
                          "subregions")
    return "region"
