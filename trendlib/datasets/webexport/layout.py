"""The shape of a website export, found from its structure in any interface language.

Every export is: an optional *category line* (one cell, ``<word>: <value>`` or with a full-width
colon, in any language), blank lines, then either

* a *table*: a header whose first cell names the period or the region level (any word) and whose
  other cells are ``term: (geo)`` / ``term: (dates)`` (or a bare term in some locales), then rows
  (a timeline when the first cells are dates, a region map otherwise); or
* *sections* of a related-queries or related-topics export: an optional ``term: (dates, geo)`` line,
  then ``TOP`` and ``RISING`` sections of ``related,value`` rows.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from trendlib.datasets.webexport.errors import WebExportError
from trendlib.datasets.webexport.text import Source
from trendlib.datasets.webexport.values import DATE_PARTS, DAY, HOUR, MONTH, parse_timeline_date
from trendlib.datasets.webexport.words import category_languages, languages_of, level_of, period_of

__all__ = ["Head", "Records", "read_head", "TERM", "SECTIONS"]

TERM = re.compile(r"^(?P<term>.*?)\s*[:：]\s*[(（](?P<paren>[^()（）]*)[)）]\s*$")
_CATEGORY = re.compile(r"^(?P<word>[^:：()（）\d]{1,40}?)\s*[:：]\s*(?P<value>[^()（）]*)$")
SECTIONS = {"top": "top", "rising": "rising"}
_TIDY = {"date", "query", "geo", "value"}


class Records:
    """Non-blank records with their line numbers, trailing empty cells removed, one record of look-ahead."""

    def __init__(self, source: Source):
        self.file = str(source.path)
        self._it: Iterator[tuple[int, list[str]]] = source.records()
        self._peeked: tuple[int, list[str]] | None = None
        self.trailing_stripped = 0
        #: the header's width, once known: only cells beyond it count as a re-save's trailing separators
        self.width: int | None = None

    def _pull(self) -> tuple[int, list[str]] | None:
        for line, cells in self._it:
            raw = len(cells)
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                if raw > len(cells) and raw > (self.width or 1):
                    self.trailing_stripped += 1
                return line, cells
        return None

    def peek(self) -> tuple[int, list[str]] | None:
        if self._peeked is None:
            self._peeked = self._pull()
        return self._peeked

    def next(self) -> tuple[int, list[str]] | None:
        rec = self.peek()
        self._peeked = None
        return rec

    def rest(self) -> Iterator[tuple[int, list[str]]]:
        while (rec := self.next()) is not None:
            yield rec


@dataclass
class Head:
    """What the first records say: kind ('timeline', 'regions', 'related'), category, header, languages."""

    kind: str
    category: str = ""
    category_line: int | None = None
    header: list[str] = field(default_factory=list)
    header_line: int | None = None
    header_raw_width: int = 0
    term_line: str = ""
    languages: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def where(self) -> str:
        """Context for a message: where the category line and header are."""
        if self.category_line is None:
            return "the file has no category line"
        lang = "a category line" if self.languages else "a category line in a language trendlib does not list"
        return (f"line {self.category_line} is {lang} ({self.category_text!r})"
                + (f"; the header is on line {self.header_line}" if self.header_line else ""))

    category_text: str = ""


def read_head(records: Records) -> Head:
    """Classify the file from its first records; raise naming the true cause when it is no export."""
    f = records.file
    first = records.peek()
    if first is None:
        raise WebExportError("file has no text records; expected a Google Trends website CSV", file=f)
    head = Head(kind="")
    line, cells = first
    m = _CATEGORY.match(cells[0]) if len(cells) == 1 else None
    if m and not TERM.match(cells[0]):
        records.next()
        head.category, head.category_line, head.category_text = m.group("value").strip(), line, cells[0]
        head.languages = category_languages(m.group("word"))
        if not head.languages:
            head.notes.append(f"line {line} is a category line in a language trendlib's word table does not list "
                              f"({cells[0]!r}); the file was read by its shape")
    else:
        head.notes.append("the file has no category line ('Category: ...'); the category is not stated")
    rec = records.peek()
    if rec is None:
        raise WebExportError(f"no header after the category line; {head.where()}", file=f, row=line)
    if len(rec[1]) == 1 and TERM.match(rec[1][0]):
        nxt = records.next()
        after = records.peek()
        if after is not None and len(after[1]) == 1 and after[1][0].strip().lower() in SECTIONS:
            head.kind, head.term_line = "related", nxt[1][0]
            return head
        raise WebExportError(f"line {nxt[0]} ({nxt[1][0]!r}) names a term but no table or TOP/RISING section "
                             f"follows; {head.where()}", file=f, row=nxt[0])
    if len(rec[1]) == 1 and rec[1][0].strip().lower() in SECTIONS:
        head.kind = "related"
        return head
    return _table_head(records, head)


def _table_head(records: Records, head: Head) -> Head:
    f = records.file
    line, cells = records.next()  # type: ignore[misc]
    if len(cells) == 1:
        raise WebExportError(f"this file is not a Google Trends export: line {line} ({cells[0][:80]!r}) is neither a "
                             "category line, a table header with term columns, nor a TOP/RISING section of a "
                             f"related-queries export; {head.where()}", file=f, row=line)
    if {c.strip().lower() for c in cells} >= _TIDY:
        raise WebExportError(f"this file is not a Google Trends export: its header {','.join(cells)[:80]!r} is a "
                             "tidy trendlib series file (date, query, geo, value, ...); point a study's 'trends:' "
                             "at it directly instead of importing it", file=f, row=line)
    if parse_timeline_date(cells[0]) is not None:
        raise WebExportError(f"this file is not a Google Trends export as downloaded: it has no header, line {line} "
                             f"({','.join(cells)[:60]!r}) is already a data row (the first lines were deleted?), so "
                             "the terms and geo are unknown; download the CSV again", file=f, row=line)
    if head.category_line is None and not any(TERM.match(c) for c in cells[1:]) \
            and not (period_of(cells[0]) or level_of(cells[0])):
        raise WebExportError(f"this file is not a Google Trends export: it has no category line, its header "
                             f"{','.join(cells)[:80]!r} has no 'term: (geo or dates)' cells, and the first cell "
                             f"{cells[0]!r} is not a Trends word for a period or a region level in any interface "
                             "language (a table made by hand or by another tool?)", file=f, row=line)
    head.header, head.header_line = cells, line
    records.width = len(cells)
    words = languages_of(cells[0])
    head.languages = (words & head.languages) or words or head.languages
    nxt = records.peek()
    if nxt is None:
        raise WebExportError(f"no data rows after the header; {head.where()}", file=f, row=line)
    key = nxt[1][0]
    if HOUR.match(key) or DAY.match(key) or MONTH.match(key) or DATE_PARTS.match(key):
        head.kind = "timeline"
    else:
        head.kind = "regions"
    return head


def header_terms(head: Head, file: str, query: str | None) -> tuple[list[str], list[str | None]]:
    """(terms, parenthesis texts or None for bare terms) of the header's term cells."""
    terms: list[str] = []
    parens: list[str | None] = []
    for cell in head.header[1:]:
        m = TERM.match(cell)
        terms.append((m.group("term") if m else cell).strip())
        parens.append(m.group("paren").strip() if m else None)
    kinds = {p is None for p in parens}
    if len(kinds) > 1:
        raise WebExportError(f"the header mixes 'term: (geo or dates)' cells with bare cells ({head.header[1:]}): "
                             "columns pasted together from several exports or edited by hand; import each original "
                             "download on its own", file=file, row=head.header_line)
    if any(t == "" for t in terms):
        if query is not None and len(terms) == 1:
            return [query], parens
        raise WebExportError(f"a header cell names no term ({head.header[1:]}); pass --query TERM to name the "
                             f"export's one term; {head.where()}", file=file, row=head.header_line)
    if query is not None and terms != [query] and len(terms) == 1:
        head.notes.append(f"the header's term {terms[0]!r} was replaced by --query {query!r}")
        terms = [query]
    return terms, parens
