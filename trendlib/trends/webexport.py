"""Read the CSV files the Google Trends website downloads, into trendlib's tidy formats.

When the API is blocked, people download charts by hand from trends.google.com. Two files:

``multiTimeline.csv`` (interest over time)::

    Category: All categories
    <blank line>
    Week,как уехать из России: (Russia),мобилизация: (Russia)
    2022-09-18,3,<1
    ...

The first header cell names the resolution (``Time`` = hour, ``Day``, ``Week``, ``Month``);
each further cell is ``<term>: (<geo name>)``. Values are integers 0-100, ``<1`` (below one,
stored as 0 with ``below_one=True``, as Google's own JSON does), or empty (no data -> NaN).

``geoMap.csv`` (interest by region)::

    Category: All categories
    <blank line>
    Region,как уехать из России: (9/13/22 - 9/20/22)
    Khabarovsk Krai,100
    ...

The first header cell is the level (``Country``, ``Region``, ``City``, ``Metro``); the
parenthesis holds the date range, not the geo, so the parent geo is given by the caller.

Robust to: a UTF-8 byte-order mark (or UTF-16 text), CRLF line ends, a missing blank line or a
missing ``Category:`` line (recorded in the provenance notes), the header words of a few
localized interfaces (English, Russian, German, French, Spanish). Anything else (a changed
header, a ragged row, a value outside 0-100) raises :class:`WebExportError` naming the file, line
and cell, and what was expected.

Geo names in the header (``(Russia)``) are mapped to codes for common countries
(:data:`GEO_CODES`); ``(Worldwide)`` is ``''``; an unknown name is kept as written and the
provenance says so (pass ``geo=`` to set the code yourself).

Output (:func:`read_web_export`): a :class:`WebExport` whose ``frame`` is

* for a timeline: the tidy series format of :mod:`trendlib.datasets.trends` (``date, query,
  geo, value, value_low, value_high, n_samples, is_partial, resolution, source, below_one``) with
  ``source = "google-trends-web-export"``, one sample (``n_samples = 1``, low = high = value);
* for a region file: ``region, query, geo, level, value, below_one, period_start, period_end,
  period_text, source``.

The export does not mark a partial last period; ``last_is_partial=True`` flags it.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import logging
import re
from pathlib import Path
from typing import Any

from trendlib.datasets.errors import DataError

__all__ = ["WebExport", "WebExportError", "read_web_export", "import_web_export", "GEO_CODES",
           "TIMELINE_COLUMNS", "REGION_COLUMNS", "SOURCE"]

log = logging.getLogger("trendlib.trends.webexport")

SOURCE = "google-trends-web-export"
TIMELINE_COLUMNS = ["date", "query", "geo", "value", "value_low", "value_high", "n_samples", "is_partial",
                    "resolution", "source", "below_one"]
REGION_COLUMNS = ["region", "query", "geo", "level", "value", "below_one", "period_start", "period_end",
                  "period_text", "source"]

#: geo name as printed in the header -> Google geo code ('' = worldwide)
GEO_CODES: dict[str, str] = {
    "Worldwide": "", "Весь мир": "", "Weltweit": "", "Dans le monde entier": "", "Monde": "",
    "Todo el mundo": "", "Mundial": "",
    "Russia": "RU", "Россия": "RU", "Russland": "RU", "Russie": "RU", "Rusia": "RU",
    "Ukraine": "UA", "Украина": "UA", "Ucrania": "UA",
    "Georgia": "GE", "Грузия": "GE", "Georgien": "GE", "Géorgie": "GE",
    "Kazakhstan": "KZ", "Казахстан": "KZ", "Kasachstan": "KZ", "Kazajistán": "KZ",
    "Finland": "FI", "Финляндия": "FI", "Finnland": "FI", "Finlande": "FI", "Finlandia": "FI",
    "Armenia": "AM", "Армения": "AM", "Armenien": "AM", "Arménie": "AM",
    "Belarus": "BY", "Беларусь": "BY", "Azerbaijan": "AZ", "Азербайджан": "AZ",
    "Kyrgyzstan": "KG", "Киргизия": "KG", "Кыргызстан": "KG", "Uzbekistan": "UZ", "Узбекистан": "UZ",
    "Tajikistan": "TJ", "Таджикистан": "TJ", "Mongolia": "MN", "Монголия": "MN",
    "Turkey": "TR", "Türkiye": "TR", "Турция": "TR", "Serbia": "RS", "Сербия": "RS",
    "Montenegro": "ME", "Черногория": "ME", "Israel": "IL", "Израиль": "IL",
    "United Arab Emirates": "AE", "ОАЭ": "AE",
    "Estonia": "EE", "Эстония": "EE", "Latvia": "LV", "Латвия": "LV", "Lithuania": "LT", "Литва": "LT",
    "Poland": "PL", "Польша": "PL", "Norway": "NO", "Норвегия": "NO",
    "Germany": "DE", "Германия": "DE", "Deutschland": "DE", "France": "FR", "Франция": "FR",
    "United Kingdom": "GB", "Великобритания": "GB", "United States": "US", "США": "US",
    "Vereinigte Staaten": "US", "Estados Unidos": "US", "États-Unis": "US",
}

# first header cell -> resolution (timeline) ; localized words included
_TIME_WORDS = {
    "time": "hour", "время": "hour", "zeit": "hour", "heure": "hour", "hora": "hour",
    "day": "day", "день": "day", "tag": "day", "jour": "day", "día": "day", "dia": "day",
    "week": "week", "неделя": "week", "woche": "week", "semaine": "week", "semana": "week",
    "month": "month", "месяц": "month", "monat": "month", "mois": "month", "mes": "month",
}
# first header cell -> level (regions)
_GEO_WORDS = {
    "country": "country", "страна": "country", "land": "country", "pays": "country", "país": "country",
    "region": "region", "регион": "region", "région": "region", "región": "region",
    "subregion": "region", "city": "city", "город": "city", "stadt": "city", "ville": "city",
    "ciudad": "city", "metro": "metro", "dma": "metro",
}
_CATEGORY = re.compile(r"^\s*(Category|Категория|Kategorie|Catégorie|Categoría|Categoria)\s*:\s*(.*)$",
                       re.IGNORECASE)
_TERM = re.compile(r"^(?P<term>.+): \((?P<paren>[^()]*)\)\s*$")
_DATE_FORMS = {"hour": (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}(:\d{2})?$"), "%Y-%m-%dT%H"),
               "day": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
               "week": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
               "month": (re.compile(r"^\d{4}-\d{2}$"), "%Y-%m")}
_RANGE_FORMS = ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%y", "%d.%m.%Y")


class WebExportError(DataError):
    """A Trends website CSV that cannot be read; the message names file, line and cell."""


@dataclasses.dataclass(frozen=True)
class WebExport:
    """One web-export file read into a tidy frame, with its provenance record.

    ``kind`` is ``"timeline"`` (multiTimeline.csv) or ``"regions"`` (geoMap.csv);
    ``frame`` has :data:`TIMELINE_COLUMNS` or :data:`REGION_COLUMNS`; ``provenance`` is the
    JSON-ready record written beside an imported file (file name, sha256, category, geo and
    resolution parsed from the header, notes).
    """

    kind: str
    frame: Any
    provenance: dict

    def to_frame(self):
        """A copy of the tidy frame."""
        return self.frame.copy()

    def summary(self) -> str:
        """Plain-text description: file, kind, resolution, queries, geo, rows, below-one and missing cells."""
        p = self.provenance
        lines = [f"Google Trends web export {p['file_name']} ({self.kind})",
                 f"  category: {p['category']!r}",
                 f"  resolution: {p['resolution']}",
                 f"  queries: {', '.join(p['queries'])}",
                 f"  geo: {', '.join(repr(g) for g in p['geo_codes'])} (from {', '.join(p['geo_names']) or 'caller'})",
                 f"  rows: {len(self.frame)}; '<1' cells: {p['below_one_cells']}; empty cells: {p['empty_cells']}"]
        if p.get("notes"):
            lines.append(f"  notes: {p['notes']}")
        return "\n".join(lines)


def _fail(msg: str, file: str, line: int | None = None, column: str = ""):
    raise WebExportError(msg, file=file, row=line, column=column)


def _lines(path: Path) -> list[str]:
    raw = path.read_bytes()
    f = str(path)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            _fail("looks like UTF-16 but cannot be decoded; download the CSV again", f)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            _fail(f"not UTF-8 text (byte {exc.start}); the Trends website writes UTF-8: download the CSV "
                  "again rather than re-saving it in a spreadsheet", f)
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _geo_code(name: str, geo: str | None, notes: list[str]) -> str:
    if geo is not None:
        return geo
    if name in GEO_CODES:
        return GEO_CODES[name]
    notes.append(f"geo name {name!r} is not in trendlib's table of codes; kept as written "
                 "(pass geo= / --geo CODE to set the Google geo code)")
    log.warning("web export: unknown geo name %r kept as written", name)
    return name


def _period(text: str) -> tuple[str, str]:
    """ISO start and end of a geoMap date range such as '9/13/22 - 9/20/22' ('' when not parseable)."""
    import datetime as dt
    parts = [p.strip() for p in re.split(r"\s+[-–]\s+", text.strip())]
    if len(parts) != 2:
        return "", ""
    for form in _RANGE_FORMS:
        try:
            a, b = (dt.datetime.strptime(p, form).date() for p in parts)
        except ValueError:
            continue
        if b >= a:
            return a.isoformat(), b.isoformat()
    return "", ""


def _cell_value(cell: str, f: str, line: int, column: str) -> tuple[float, bool, bool]:
    """(value, below_one, empty) of one cell."""
    c = cell.strip()
    if c == "":
        return float("nan"), False, True
    if c == "<1":
        return 0.0, True, False
    if not re.fullmatch(r"\d{1,3}", c) or int(c) > 100:
        _fail(f"value {cell!r} is not an index value; expected a whole number 0-100, '<1' or empty", f, line,
              column)
    return float(c), False, False


def read_web_export(path: str | Path, *, geo: str | None = None, last_is_partial: bool = False) -> WebExport:
    """Read a Trends website CSV (``multiTimeline.csv`` or ``geoMap.csv``) into a :class:`WebExport`.

    Parameters
    ----------
    path : the downloaded file (any name; the kind is read from its header).
    geo : the Google geo code to record. For a timeline it overrides the names in the header
        (needed only for names not in :data:`GEO_CODES`); for a region file it is the parent geo
        the regions belong to (default ``''``: not stated in the file).
    last_is_partial : flag the last period of each query as partial (the website draws it dashed
        but the CSV does not say so).

    Raises :class:`WebExportError` naming file, line and cell for a file that does not have the
    web-export layout.
    """
    import pandas as pd

    from trendlib.provenance import sha256_file

    path = Path(path)
    f = str(path)
    if not path.is_file():
        _fail("web export file not found", f)
    lines = _lines(path)
    nonblank = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip()]
    if not nonblank:
        _fail("file is empty; expected a Trends website CSV starting with 'Category: ...'", f)
    notes: list[str] = []
    first_no, first = nonblank[0]
    m = _CATEGORY.match(first)
    if m:
        category = m.group(2).strip().strip('"')
        if len(nonblank) < 2:
            _fail("no header line after 'Category: ...'", f)
        head_index = 1
    else:  # some downloads (and hand edits) drop the category line; the header decides
        category = ""
        head_index = 0
        notes.append("the file has no 'Category: ...' line; the category is not stated")
    head_no, head_line = nonblank[head_index]
    if ";" in head_line and "," not in head_line:
        _fail(f"header {head_line[:80]!r} is semicolon-separated (re-saved by a spreadsheet?); download the "
              "CSV from the Trends website again, or save it comma-separated", f, head_no)
    header = next(csv.reader([head_line]))
    if len(header) < 2:
        _fail(f"header {head_line[:80]!r} has no term columns; expected e.g. 'Week,term: (Russia)'", f, head_no)
    word = header[0].strip().lower()
    if word in _TIME_WORDS:
        kind, resolution = "timeline", _TIME_WORDS[word]
    elif word in _GEO_WORDS:
        kind, resolution = "regions", _GEO_WORDS[word]
    else:
        _fail(f"first header cell {header[0]!r} is not known; expected Time, Day, Week or Month "
              "(multiTimeline.csv) or Country, Region, City or Metro (geoMap.csv), after a 'Category: ...' "
              "line", f, head_no, header[0])
    terms, parens = [], []
    for cell in header[1:]:
        tm = _TERM.match(cell.strip())
        if not tm:
            _fail(f"header cell {cell!r} is not '<term>: (<geo or dates>)'; the export layout may have "
                  "changed", f, head_no, cell)
        terms.append(tm.group("term").strip())
        parens.append(tm.group("paren").strip())
    if len(set(terms)) != len(terms) and kind == "regions":
        _fail(f"header names a term twice: {terms}", f, head_no)
    rows = []
    below = empty = 0
    date_re, date_fmt = _DATE_FORMS.get(resolution, (None, None))
    for line_no, text in nonblank[head_index + 1:]:
        cells = next(csv.reader([text]))
        if len(cells) != len(header):
            _fail(f"{len(cells)} cells; the header has {len(header)}", f, line_no)
        key = cells[0].strip()
        if kind == "timeline":
            if not date_re.match(key):
                _fail(f"date {key!r} does not match the {header[0]!r} column; expected "
                      f"{ {'hour': 'YYYY-MM-DDTHH', 'month': 'YYYY-MM'}.get(resolution, 'YYYY-MM-DD')}",
                      f, line_no, header[0])
            date = pd.to_datetime(key[:13] if resolution == "hour" else key, format=date_fmt, errors="coerce")
            if pd.isna(date):
                _fail(f"date {key!r} is not a real calendar date", f, line_no, header[0])
        for j, cell in enumerate(cells[1:]):
            value, is_below, is_empty = _cell_value(cell, f, line_no, header[j + 1])
            below += is_below
            empty += is_empty
            rows.append((date if kind == "timeline" else key, terms[j], parens[j], value, is_below))
    if not rows:
        _fail("no data rows after the header", f, head_no)

    if kind == "timeline":
        geo_names = list(dict.fromkeys(parens))
        codes = {name: _geo_code(name, geo, notes) for name in geo_names}
        frame = pd.DataFrame(rows, columns=["date", "query", "_geo", "value", "below_one"])
        frame["geo"] = frame["_geo"].map(codes)
        frame["value_low"] = frame["value"]
        frame["value_high"] = frame["value"]
        frame["n_samples"] = 1
        frame["is_partial"] = False
        if last_is_partial:
            last = frame.groupby(["query", "geo"])["date"].transform("max")
            frame["is_partial"] = frame["date"] == last
        frame["resolution"] = resolution
        frame["source"] = SOURCE
        dup = frame.duplicated(["date", "query", "geo"])
        if dup.any():
            r = frame[dup].iloc[0]
            _fail(f"two values for date {r['date']} and term {r['query']!r}: a date or a term column repeats", f)
        frame = frame[TIMELINE_COLUMNS].sort_values(["query", "geo", "date"], kind="stable").reset_index(drop=True)
        geo_codes = sorted(set(codes.values()))
        period = {"start": frame["date"].min().isoformat(), "end": frame["date"].max().isoformat()}
        if not last_is_partial:
            notes.append("the export does not mark a partial last period; none is flagged")
    else:
        geo_names = []
        geo_codes = [geo or ""]
        frame = pd.DataFrame(rows, columns=["region", "query", "period_text", "value", "below_one"])
        frame["geo"] = geo or ""
        frame["level"] = resolution
        spans = {t: _period(t) for t in set(parens)}
        frame["period_start"] = frame["period_text"].map(lambda t: spans[t][0])
        frame["period_end"] = frame["period_text"].map(lambda t: spans[t][1])
        frame["source"] = SOURCE
        dup = frame.duplicated(["region", "query"])
        if dup.any():
            r = frame[dup].iloc[0]
            _fail(f"region {r['region']!r} appears twice for term {r['query']!r}", f)
        frame = frame[REGION_COLUMNS].reset_index(drop=True)
        period = {"text": sorted(set(parens))}
        if geo is None:
            notes.append("a region file does not name its parent geo; geo '' recorded (pass geo= / --geo CODE)")
        if any(spans[t] == ("", "") for t in spans):
            notes.append("the date range in the header could not be read as dates; kept as text")
    prov = {
        "source": SOURCE,
        "illustrative": False,
        "description": (f"Google Trends {'interest over time' if kind == 'timeline' else 'interest by ' + resolution}"
                        f" for {', '.join(terms)}, downloaded from the Trends website and imported by trendlib."),
        "citation": "Google Trends (https://trends.google.com), website CSV download.",
        "licence": "Google Trends data; reuse with attribution to Google Trends.",
        "notes": " ".join(dict.fromkeys(notes)),
        "kind": kind,
        "file_name": path.name,
        "sha256": sha256_file(path),
        "category": category,
        "header": head_line.strip(),
        "resolution": resolution,
        "queries": list(dict.fromkeys(terms)),
        "geo_names": geo_names,
        "geo_codes": geo_codes,
        "period": period,
        "below_one_cells": int(below),
        "empty_cells": int(empty),
        "below_one_convention": "'<1' stored as value 0 with below_one=true (true value in [0, 1))",
    }
    frame.attrs["file"] = f
    return WebExport(kind=kind, frame=frame, provenance=prov)


def import_web_export(path: str | Path, out: str | Path, *, geo: str | None = None,
                      last_is_partial: bool = False) -> WebExport:
    """Read a web export and write it as ``out`` (CSV) plus ``<out stem>.provenance.json``.

    Both files are written atomically. A timeline is written in the tidy series format that
    :func:`trendlib.load_trends` reads (dates as ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM`` for
    hours); a region file in :data:`REGION_COLUMNS`. Returns the :class:`WebExport`.
    """
    from trendlib._io import csv_text, replace_together
    from trendlib.provenance import sidecar_path

    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise WebExportError(f"output {str(out)!r} must end in .csv")
    export = read_web_export(path, geo=geo, last_is_partial=last_is_partial)
    frame = export.frame.copy()
    if export.kind == "timeline":
        fmt = "%Y-%m-%dT%H:%M" if export.provenance["resolution"] == "hour" else "%Y-%m-%d"
        frame["date"] = frame["date"].dt.strftime(fmt)
        for col in ("is_partial", "below_one"):
            frame[col] = frame[col].map({True: "true", False: "false"})
    else:
        frame["below_one"] = frame["below_one"].map({True: "true", False: "false"})
    prov = dict(export.provenance)
    prov["imported_from"] = str(Path(path))
    prov["imported_by"] = "trendlib import"
    replace_together({sidecar_path(out): json.dumps(prov, ensure_ascii=False, indent=2) + "\n",
                      out: csv_text(frame, index=False, float_format="%g")})
    log.info("imported %s (%s, %d rows) -> %s", Path(path).name, export.kind, len(frame), out)
    return export
