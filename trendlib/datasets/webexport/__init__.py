"""Read the CSV files the Google Trends website downloads, in any interface language, into tidy tables.

When the API is blocked, people download charts by hand from trends.google.com:

* ``multiTimeline.csv`` (interest over time) -> the tidy series format of
  :mod:`trendlib.datasets.trends` (:data:`TIMELINE_COLUMNS`);
* ``geoMap.csv`` (interest by region: countries, subregions, metros, cities) -> :data:`REGION_COLUMNS`;
* ``relatedQueries.csv`` / ``relatedEntities.csv`` (top and rising related queries or topics) ->
  :data:`RELATED_COLUMNS`.

Region and related tables have the same columns as ``trendlib fetch --regions-out`` /
``--related-out`` (:mod:`trendlib.datasets.schemas`); ``source`` is ``google-trends-web-export``.

The layout is found from the file's structure, not from a list of words (:mod:`.layout`), the period
from the dates themselves (:mod:`.timeline`), and place names become codes through CLDR and ISO 3166-2
(:mod:`.geo`). Spreadsheet re-saves (semicolons, tabs, trailing separators, quoted cells, UTF-8 with or
without BOM, UTF-16, Windows code pages, CRLF) are read when unambiguous, and each repair is recorded in
the provenance (:mod:`.text`). Anything else raises :class:`WebExportError` naming the file, line and
cell and the true cause. Cost is linear in the file size, memory bounded (the file is streamed).

``<1`` is kept as value 0 with ``below_one`` true (value_high 1: the true value is in [0, 1)), as the
tidy series format says; an empty cell is missing (NaN), never 0. The export does not mark a partial
last period; ``last_is_partial=True`` flags it.
"""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

from trendlib.datasets.schemas import REGION_COLUMNS, RELATED_COLUMNS, TIMELINE_COLUMNS
from trendlib.datasets.schemas import WEB_EXPORT_SOURCE as SOURCE
from trendlib.datasets.webexport.errors import WebExportError

__all__ = ["WebExport", "WebExportError", "read_web_export", "import_web_export", "TIMELINE_COLUMNS",
           "REGION_COLUMNS", "RELATED_COLUMNS", "SOURCE"]

log = logging.getLogger("trendlib.datasets.webexport")


@dataclasses.dataclass(frozen=True)
class WebExport:
    """One website export read into a tidy frame, with its provenance record.

    ``kind`` is ``"timeline"``, ``"regions"`` or ``"related"``; ``frame`` has
    :data:`TIMELINE_COLUMNS`, :data:`REGION_COLUMNS` or :data:`RELATED_COLUMNS`; ``provenance`` is the
    JSON-ready record written beside an imported file (file name, sha256, category, geo, resolution,
    repairs, notes).
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
        if p.get("repairs"):
            lines.append(f"  repaired: {'; '.join(p['repairs'])}")
        if p.get("notes"):
            lines.append(f"  notes: {p['notes']}")
        return "\n".join(lines)


def read_web_export(path: str | Path, *, geo: str | None = None, last_is_partial: bool = False,
                    query: str | None = None) -> WebExport:
    """Read a Trends website CSV (timeline, region map or related queries/topics) into a :class:`WebExport`.

    Parameters
    ----------
    path : the downloaded file (any name; the kind is read from its structure).
    geo : the Google geo code to record. For a timeline it overrides the names in the header; for a
        region file it is the country the regions belong to (default: inferred from the names where
        they are ISO 3166-2 subdivisions of one country, else ``''``); for a related file it
        overrides the geo named in the file.
    last_is_partial : flag the last period of each query as partial (the website draws it dashed but
        the CSV does not say so).
    query : the term, for a one-term file whose header names none, or a related file without a term line.

    Raises :class:`WebExportError` naming file, line and cell and the true cause.
    """
    from trendlib.datasets.webexport import frames
    from trendlib.datasets.webexport.layout import Records, read_head
    from trendlib.datasets.webexport.text import open_export

    path = Path(path)
    source = open_export(path)
    records = Records(source)
    head = read_head(records)
    if head.kind == "timeline":
        from trendlib.datasets.webexport.timeline import read_timeline
        frame, info = frames.timeline_frame(read_timeline(records, head, query=query), geo, last_is_partial)
    elif head.kind == "regions":
        from trendlib.datasets.webexport.regions import read_regions
        frame, info = frames.regions_frame(read_regions(records, head, geo=geo, query=query))
    else:
        from trendlib.datasets.webexport.related import looks_related, read_related
        frame, info = frames.related_frame(read_related(records, head, query=query, geo=geo), looks_related(path.name))
    if records.trailing_stripped:
        source.repairs.append(f"{records.trailing_stripped} line(s) ended in empty separator cells (a spreadsheet "
                              "re-save); the empty trailing cells were dropped")
    prov = frames.provenance(path, head, source, info, frame)
    frame.attrs["file"] = str(path)
    return WebExport(kind=head.kind, frame=frame, provenance=prov)


def import_web_export(path: str | Path, out: str | Path, *, geo: str | None = None, last_is_partial: bool = False,
                      query: str | None = None) -> WebExport:
    """Read a web export and write it as ``out`` (CSV) plus ``<out stem>.provenance.json``, atomically.

    A timeline is written in the tidy series format that :func:`trendlib.load_trends` reads (dates
    as ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM`` for hours); a region or related file in
    :data:`REGION_COLUMNS` / :data:`RELATED_COLUMNS`. Returns the :class:`WebExport`.
    """
    from trendlib.datasets.webexport.frames import write_export

    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise WebExportError(f"output {str(out)!r} must end in .csv")
    export = read_web_export(path, geo=geo, last_is_partial=last_is_partial, query=query)
    write_export(export, out, imported_from=Path(path))
    log.info("imported %s (%s, %d rows) -> %s", Path(path).name, export.kind, len(export.frame), out)
    return export
