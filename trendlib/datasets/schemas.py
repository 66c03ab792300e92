"""The column lists of trendlib's tidy Google Trends tables, in one place.

A table has the same columns whether it was fetched from Google (``trendlib fetch``) or imported
from a website download (``trendlib import``); the ``source`` column tells them apart. This module
imports nothing, so both the fetch side (``trendlib.trends``) and the import side
(``trendlib.datasets.webexport``) can use it without an import cycle.

Interest by region (:data:`REGION_COLUMNS`), one row per ``(region_code or region, query)``:

============= =====================================================================================
region_code   ISO 3166-1 alpha-2 (countries), ISO 3166-2 (subregions), Google's DMA number (metros);
              '' where the name could not be matched unambiguously
region        the region's name as Google wrote it (in the interface language for imports)
level         ``country``, ``region`` (subregion), ``metro`` (DMA) or ``city``
query         the search term
geo           the geo the regions belong to ('' = worldwide or not stated)
start, end    the span the values cover (ISO dates)
value         one term: index points (100 = the top region); several terms: the region's share (%)
              of the terms' total; NaN = no data (never 0)
below_one     Google wrote "<1" (value then 0; the true value is in [0, 1))
formatted     the cell exactly as Google wrote it
measure       ``index`` (one term) or ``share_percent`` (several terms)
fetched_on    UTC day of the fetch ('' for a website download: the file does not say)
source        ``google-trends-api``, ``google-trends-web-export`` or ``non-google-server ...``
============= =====================================================================================

Related queries and topics (:data:`RELATED_COLUMNS`), one row per ``(query, kind, rank)``:
``related_type`` is ``query`` or ``topic`` ('' when an imported file does not say which);
``topic_mid``/``topic_type`` are a related topic's Knowledge Graph id and type (fetched topics
only; empty for queries and imports);
``kind`` is ``top`` (value: index, 100 = the most searched) or ``rising`` (value: percent growth;
``breakout`` true and value NaN where Google wrote "Breakout" or its translation).
"""
from __future__ import annotations

__all__ = ["TIMELINE_COLUMNS", "REGION_COLUMNS", "RELATED_COLUMNS", "REGION_LEVELS", "API_SOURCE",
           "WEB_EXPORT_SOURCE"]

API_SOURCE = "google-trends-api"
WEB_EXPORT_SOURCE = "google-trends-web-export"

#: the tidy series format (trendlib.datasets.trends) with the optional ``below_one`` column
TIMELINE_COLUMNS = ["date", "query", "geo", "value", "value_low", "value_high", "n_samples", "is_partial",
                    "resolution", "source", "below_one"]
REGION_COLUMNS = ["region_code", "region", "level", "query", "geo", "start", "end", "value", "below_one",
                  "formatted", "measure", "fetched_on", "source"]
RELATED_COLUMNS = ["query", "geo", "start", "end", "related_type", "kind", "rank", "related", "value",
                   "formatted", "breakout", "fetched_on", "source", "topic_mid", "topic_type"]
#: Google's region resolutions (API names) -> the ``level`` column
REGION_LEVELS = {"COUNTRY": "country", "REGION": "region", "DMA": "metro", "CITY": "city"}
