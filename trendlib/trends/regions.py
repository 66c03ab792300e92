"""Beyond time series: interest by region and related queries, through the same client and cache.

* :func:`fetch_regions` - which regions searched most for up to 5 terms over a span (Google's
  "Interest by subregion"): one tidy row per (region, query). With one term the value is
  index points relative to the top region (100); with several terms Google gives each region's
  split between the terms in percent (the row's values add up to about 100).
* :func:`fetch_related` - the top and rising related queries of each term: one tidy row per
  (query, kind, rank). Top values are index points (100 = the most searched related query);
  rising values are percent growth, with ``breakout`` true where Google says "Breakout"
  (growth above 5000 %).

Raw responses are cached exactly like series (key = normalised request, fetch day), so reruns
and ``offline`` work the same way; outputs are tidy CSVs with a ``<stem>.provenance.json``.
``"<1"`` is kept in ``below_one`` and ``hasData: false`` is an empty value, never 0.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trendlib.acquire.provenance import write_with_provenance
# one schema per table, shared with `trendlib import` of website downloads (`source` tells them apart)
from trendlib.datasets.schemas import REGION_COLUMNS, REGION_LEVELS, RELATED_COLUMNS
from trendlib.trends.errors import BadRequest
from trendlib.trends.source import TrendsSource, table_request

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from trendlib.trends.cache import TrendsCache
    from trendlib.trends.client import TrendsClient

__all__ = ["RegionsResult", "fetch_regions", "fetch_related", "REGION_COLUMNS", "RELATED_COLUMNS"]



@dataclass(frozen=True, eq=False)
class RegionsResult:
    """A regional or related-queries table and its provenance (``frame``, ``provenance``, ``out``)."""

    frame: "pd.DataFrame"
    provenance: dict[str, Any]
    requests_sent: int
    out: Path | None = None

    def to_frame(self) -> "pd.DataFrame":
        return self.frame.copy()

    def summary(self) -> str:
        p = self.provenance
        return (f"{p.get('table')}: {len(self.frame)} rows for {p.get('terms')} in {p.get('geo') or 'worldwide'}, "
                f"{p['span']['start']}..{p['span']['end']}; source {p.get('source')}; "
                f"{self.requests_sent} HTTP request(s) sent" + (f"; written {self.out}" if self.out else ""))


def _validate(terms: str | Sequence[str], geo: str, start: Any, end: Any, category: int, gprop: str,
              max_terms: int | None) -> tuple[tuple[str, ...], str, str]:
    from trendlib.trends.plan import make_plan, validate_terms
    terms_t = validate_terms(terms)
    if max_terms is not None and len(terms_t) > max_terms:
        raise BadRequest(f"{len(terms_t)} terms given; interest by region compares at most {max_terms} terms in "
                         "one request (values of different requests are not comparable)")
    plan = make_plan(list(terms_t)[:5], geo=geo, start=start, end=end, resolution="auto", category=category,
                     gprop=gprop)
    if plan.resolution == "hour":
        timeframe = f"{plan.start:%Y-%m-%dT%H} {plan.end:%Y-%m-%dT%H}"
    else:
        timeframe = f"{plan.start:%Y-%m-%d} {plan.end:%Y-%m-%d}"
    return terms_t, plan.geo, timeframe


def _source(client, cache, cache_dir, offline, fetch_day, base_url, min_interval, backoff,
            max_wait=None) -> TrendsSource:
    from trendlib.trends.cache import TrendsCache, utc_today
    from trendlib.trends.client import TrendsClient
    cache = cache if cache is not None else TrendsCache(cache_dir, offline=offline)
    if client is None:
        client = TrendsClient(base_url=base_url, min_interval=min_interval, backoff=backoff, max_wait=max_wait)
    day = dt.date.fromisoformat(str(fetch_day)[:10]) if fetch_day is not None else utc_today()
    return TrendsSource(client=client, cache=cache, fetch_day=day, samples=1)


def _prov(kind: str, terms: Sequence[str], geo: str, timeframe: str, runner: Any, requests: list[dict[str, Any]],
          description: str) -> dict[str, Any]:
    from importlib import metadata

    import trendlib
    from trendlib.trends.fetch import CITATION, GOOGLE_SOURCE, LICENCE
    google = runner.is_google
    start, end = timeframe.split(" ")
    notes = ("Values are relative index points, not numbers of searches. '<1' is kept in below_one; "
             "no data is an empty value.")
    if not google:
        notes = (f"NOT GOOGLE: fetched from {runner.data_url} (e.g. trendlib's fake server: simulated numbers). "
                 "Marked illustrative; do not publish as real. " + notes)
    return {"source": GOOGLE_SOURCE if google else f"non-google-server {runner.data_url}",
            "illustrative": not google, "description": description, "table": kind,
            "citation": CITATION if google else "not Google Trends data", "licence": LICENCE if google else "",
            "notes": notes, "terms": list(terms), "geo": geo, "span": {"start": start, "end": end},
            "base_url": runner.base_url, "pytrends_version": metadata.version("pytrends"),
            "trendlib_version": trendlib.__version__, "requests": requests}


def _write(frame: "pd.DataFrame", columns: list[str], prov: dict[str, Any], out: str | Path | None) -> Path | None:
    if out is None:
        return None
    return write_with_provenance(out, frame[columns], prov)


def _record(key: str, desc: str, entries: list[Any]) -> dict[str, Any]:
    return {"key": key, "description": desc,
            "fetches": [{"fetch_day": e.fetch_day, "fetched_at": e.fetched_at, "cache_file": str(e.meta_path)}
                        for e in entries]}


def fetch_regions(terms: str | Sequence[str], *, geo: str, start: Any, end: Any, category: int = 0,
                  gprop: str = "", resolution: str | None = None, include_low_volume: bool = True,
                  out: str | Path | None = None, client: "TrendsClient | None" = None,
                  cache: "TrendsCache | None" = None, cache_dir: str | Path | None = None,
                  offline: bool | None = None, fetch_day: Any = None, base_url: str | None = None,
                  min_interval: float | None = None, backoff: float | None = None,
                  max_wait: float | None = None) -> RegionsResult:
    """Interest by region of up to 5 ``terms`` over ``start..end`` (one request, cached).

    ``resolution``: Google's region level, ``COUNTRY`` (default for worldwide), ``REGION``
    (default inside a country), ``DMA`` or ``CITY`` (US only). Columns: :data:`REGION_COLUMNS`
    (``measure`` is ``index`` for one term, ``share_percent`` for several).
    """
    import pandas as pd

    from trendlib.trends.client import parse_comparedgeo
    from trendlib.trends.fetch import GOOGLE_SOURCE

    terms_t, geo, timeframe = _validate(terms, geo, start, end, category, gprop, max_terms=5)
    level = resolution or ("COUNTRY" if geo == "" else "REGION")
    if level not in ("COUNTRY", "REGION", "DMA", "CITY"):
        raise BadRequest(f"region resolution {level!r}; accepted: COUNTRY, REGION, DMA, CITY")
    runner = _source(client, cache, cache_dir, offline, fetch_day, base_url, min_interval, backoff, max_wait)
    canonical = {"endpoint": "interest_by_region", "terms": list(terms_t), "geo": geo, "timeframe": timeframe,
                 "category": category, "gprop": gprop, "resolution": level, "low_volume": bool(include_low_volume)}
    desc = f"interest by region ({level}) of {', '.join(map(repr, terms_t))} in {geo or 'worldwide'}, {timeframe}"
    request = table_request(canonical, desc)
    key = request.key

    def check(_: Any, e: Any) -> None:
        parse_comparedgeo(e.text, terms=terms_t, geo=geo, request=desc)

    entries = runner.resolve([request], "regions", check=check)[key]
    e = entries[-1]
    df = parse_comparedgeo(e.text, terms=terms_t, geo=geo, request=desc)
    start_s, end_s = timeframe.split(" ")
    df = df.assign(start=start_s, end=end_s, level=REGION_LEVELS[level],
                   measure="index" if len(terms_t) == 1 else "share_percent",
                   fetched_on=e.fetch_day, source=GOOGLE_SOURCE if runner.is_google else "non-google-server")
    frame = pd.DataFrame(df)[REGION_COLUMNS]
    prov = _prov("interest by region", terms_t, geo, timeframe, runner, [_record(key, desc, entries)],
                 f"Google Trends interest by region ({level}) for {', '.join(map(repr, terms_t))} in "
                 f"{geo or 'worldwide'}, {start_s} to {end_s}.")
    path = _write(frame, REGION_COLUMNS, prov, out)
    return RegionsResult(frame=frame, provenance=prov, requests_sent=runner.requests_sent, out=path)


def fetch_related(terms: str | Sequence[str], *, geo: str, start: Any, end: Any, category: int = 0,
                  gprop: str = "", out: str | Path | None = None, client: "TrendsClient | None" = None,
                  cache: "TrendsCache | None" = None, cache_dir: str | Path | None = None,
                  offline: bool | None = None, fetch_day: Any = None, base_url: str | None = None,
                  min_interval: float | None = None, backoff: float | None = None,
                  max_wait: float | None = None) -> RegionsResult:
    """Top and rising related queries of each term (one request per term, cached).

    Columns: :data:`RELATED_COLUMNS`; ``kind`` is ``top`` (value: index, 100 = most searched)
    or ``rising`` (value: percent growth; ``breakout`` when Google says "Breakout").
    """
    import pandas as pd

    from trendlib.trends.client import parse_related
    from trendlib.trends.fetch import GOOGLE_SOURCE

    terms_t, geo, timeframe = _validate(terms, geo, start, end, category, gprop, max_terms=None)
    runner = _source(client, cache, cache_dir, offline, fetch_day, base_url, min_interval, backoff, max_wait)
    items, kinds = [], []
    for term in terms_t:
        for what in ("queries", "topics"):  # topics: objects with Google's id (mid) and type
            canonical = {"endpoint": f"related_{what}", "terms": [term], "geo": geo, "timeframe": timeframe,
                         "category": category, "gprop": gprop}
            items.append(table_request(canonical, f"related {what} of {term!r} in {geo or 'worldwide'}, {timeframe}"))
            kinds.append((term, what))

    def check(r: Any, e: Any) -> None:
        parse_related(e.text, term=r.canonical["terms"][0], geo=geo, request=r.description)
    got = runner.resolve(items, "related", check=check)
    parts, records = [], []
    start_s, end_s = timeframe.split(" ")
    for (term, what), r in zip(kinds, items):
        e = got[r.key][-1]
        part = parse_related(e.text, term=term, geo=geo, request=r.description).assign(fetched_on=e.fetch_day)
        parts.append(part.assign(related_type="topic" if what == "topics" else "query"))
        records.append(_record(r.key, r.description, got[r.key]))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RELATED_COLUMNS)
    frame = frame.assign(start=start_s, end=end_s,
                         source=GOOGLE_SOURCE if runner.is_google else "non-google-server")[RELATED_COLUMNS]
    prov = _prov("related queries and topics", terms_t, geo, timeframe, runner, records,
                 f"Google Trends top and rising related queries and topics of {', '.join(map(repr, terms_t))} in "
                 f"{geo or 'worldwide'}, {start_s} to {end_s}.")
    path = _write(frame, RELATED_COLUMNS, prov, out)
    return RegionsResult(frame=frame, provenance=prov, requests_sent=runner.requests_sent, out=path)
