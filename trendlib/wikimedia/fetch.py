"""Fetch Wikipedia pageviews: articles -> per-year requests -> cache/client -> tidy daily CSV + provenance.

:func:`fetch_pageviews` is the Python entry point (``trendlib pageviews`` calls it):

1. :func:`plan_pageviews` checks the inputs (project, filters, dates from 2015-07-01 to two
   days before the fetch day, titles) and splits the span into calendar-year parts, one
   request per article and part (each cached, so an interrupted fetch resumes);
2. the shared runner (:mod:`trendlib.acquire.runner`) serves each request from the cache or
   sends it (rate limit, retries, ``--max-wait``) and stores the raw answer before parsing;
3. :func:`parse_answer` reads each answer: ``items`` with a ``views`` count per day, or a 404
   (no views recorded under that title in that part). The API omits days without views, so
   every day of the span not listed is 0 views. A 404 for some parts (e.g. before the article
   existed) is zero views there; a 404 for every part raises
   :class:`~trendlib.wikimedia.errors.ArticleNotFound` naming the article (exit 2).

Output (``out=FILE``): the tidy CSV (:data:`OUTPUT_COLUMNS`: one row per day and article,
``query`` the article as given, ``value`` the day's views as an integer count, ``article`` the
normalised title) and ``<stem>.provenance.json`` (every request with its URL, fetch time,
attempts and cache file; the normalised titles; filters; the no-redirects caveat). Only data
fetched from Wikimedia's own API counts as real; a pull from any other server (e.g.
:mod:`trendlib.testing.fakewikimedia`) is marked ``illustrative: true``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trendlib.acquire.cache import ResponseCache, digest_key, slug, utc_today
from trendlib.acquire.provenance import all_official, first_unofficial, server_fields, write_with_provenance
from trendlib.acquire.runner import Request, Runner
from trendlib.wikimedia.errors import ArticleNotFound, BadRequest, ServerError
from trendlib.wikimedia.titles import (FIRST_DAY, REDIRECT_CAVEAT, check_filters, encode_title, normalise_project,
                                       normalise_title)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from trendlib.acquire.cache import CacheEntry
    from trendlib.wikimedia.client import WikimediaClient

__all__ = ["SOURCE", "WIKIMEDIA_SOURCE", "OUTPUT_COLUMNS", "PageviewsPlan", "PageviewsResult", "plan_pageviews",
           "parse_answer", "fetch_pageviews", "write_pageviews"]

log = logging.getLogger("trendlib.wikimedia.fetch")

#: the source name on every request (cache metadata)
SOURCE = "wikimedia"
#: the ``source`` of data fetched from Wikimedia's own API
WIKIMEDIA_SOURCE = "wikimedia-pageviews-api"
OUTPUT_COLUMNS = ["date", "query", "value", "source", "project", "access", "agent", "article"]
CITATION = ("Wikimedia Foundation, Pageviews API (https://wikimedia.org/api/rest_v1/), per-article daily views, "
            "retrieved by trendlib")
LICENCE = "CC0 1.0 (Wikimedia Pageviews API data)"
#: days before the fetch day the span may end (Wikimedia publishes a day's views about a day after it ends)
LAG_DAYS = 2


def _day(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadRequest(f"{name} {value!r} is not a date; accepted: YYYY-MM-DD") from None


def _stamp(day: dt.date) -> str:
    return f"{day:%Y%m%d}00"


@dataclass(frozen=True)
class PageviewsPlan:
    """What a pageviews fetch asks: ``articles`` as (query as given, normalised title) pairs, the
    ``project``, ``access`` and ``agent`` filters, the inclusive UTC ``start``/``end`` days, and
    ``parts`` (calendar-year pieces of the span, one request per article and part)."""

    articles: tuple[tuple[str, str], ...]
    project: str
    access: str
    agent: str
    start: dt.date
    end: dt.date
    parts: tuple[tuple[dt.date, dt.date], ...]

    def path(self, title: str, part: tuple[dt.date, dt.date]) -> str:
        """The endpoint path (under the base URL) of one article and part."""
        return (f"/metrics/pageviews/per-article/{self.project}/{self.access}/{self.agent}/{encode_title(title)}"
                f"/daily/{_stamp(part[0])}/{_stamp(part[1])}")

    def requests(self, base_url: str) -> list[Request]:
        """One acquisition request per article and part (cache key independent of the server)."""
        out = []
        for query, title in self.articles:
            for part in self.parts:
                canonical = {"endpoint": "per-article", "project": self.project, "access": self.access,
                             "agent": self.agent, "article": title, "granularity": "daily",
                             "start": _stamp(part[0]), "end": _stamp(part[1])}
                readable = f"pageviews-{slug(self.project, 20)}-{slug(title, 32)}-{part[0]:%Y%m%d}_{part[1]:%Y%m%d}"
                desc = (f"pageviews of {title!r} ({self.project}, {self.access}, {self.agent}), "
                        f"{part[0]}..{part[1]}")
                out.append(Request(source=SOURCE, key=digest_key(readable, canonical), description=desc,
                                   canonical=canonical, url=base_url + self.path(title, part),
                                   payload=(query, title, part)))
        return out


def plan_pageviews(articles: str | Sequence[str], *, project: str, start: Any, end: Any, access: str = "all-access",
                   agent: str = "user", fetch_day: Any = None) -> PageviewsPlan:
    """Check the inputs and split the span into calendar-year parts (see the module docstring)."""
    names = [articles] if isinstance(articles, str) else list(articles)
    if not names:
        raise BadRequest("no article given; name at least one, e.g. 'Мобилизация в России (2022)'")
    proj = normalise_project(project)
    access, agent = check_filters(access, agent)
    titles: dict[str, str] = {}
    for name in names:
        title = normalise_title(name, project=proj)
        if title in titles:
            raise BadRequest(f"articles {titles[title]!r} and {name!r} are the same title {title!r}; give each once")
        titles[title] = str(name)
    first, last = _day(start, "start"), _day(end, "end")
    today = _day(fetch_day, "fetch_day") if fetch_day is not None else utc_today()
    if first > last:
        raise BadRequest(f"start {first} is after end {last}")
    if first < FIRST_DAY:
        raise BadRequest(f"start {first}: per-article daily pageviews begin on {FIRST_DAY}; start on or after it")
    latest = today - dt.timedelta(days=LAG_DAYS)
    if last > latest:
        raise BadRequest(f"end {last}: Wikimedia publishes a day's views about a day after it ends; end on or before "
                         f"{latest} ({LAG_DAYS} days before {today}, UTC)")
    parts, a = [], first
    while a <= last:
        b = min(last, dt.date(a.year, 12, 31))
        parts.append((a, b))
        a = b + dt.timedelta(days=1)
    return PageviewsPlan(articles=tuple((q, t) for t, q in titles.items()), project=proj, access=access,
                         agent=agent, start=first, end=last, parts=tuple(parts))


def parse_answer(entry: "CacheEntry", request: Request) -> dict[dt.date, int] | None:
    """Daily views of one cached answer (days the API omits are absent: 0 views), or None for a 404.

    Raises :class:`~trendlib.acquire.errors.ServerError` for an answer whose items are not the
    API's (another title or filter, a day outside the part, a negative or non-integer count).
    """
    _, title, (lo, hi) = request.payload
    if entry.status == 404:
        return None
    try:
        items = json.loads(entry.text)["items"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise ServerError(f"{request.description}: the cached answer is not the API's pageview JSON") from None
    c = request.canonical
    out: dict[dt.date, int] = {}
    for item in items:
        try:
            day = dt.datetime.strptime(str(item["timestamp"])[:8], "%Y%m%d").date()
            views = item["views"]
            same = (item.get("article", title) == title and item.get("access", c["access"]) == c["access"]
                    and item.get("agent", c["agent"]) == c["agent"])
        except (KeyError, TypeError, ValueError):
            raise ServerError(f"{request.description}: an item without a valid timestamp and views: {item!r}") from None
        if not same:
            raise ServerError(f"{request.description}: the answer is for another article or filter: {item!r}")
        if not (lo <= day <= hi) or not isinstance(views, int) or isinstance(views, bool) or views < 0:
            raise ServerError(f"{request.description}: an item outside the span or with a bad count: {item!r}")
        out[day] = out.get(day, 0) + views
    return out


@dataclass(frozen=True, eq=False)
class PageviewsResult:
    """Daily pageviews of one or more articles and how they were fetched.

    Attributes
    ----------
    frame : tidy series (:data:`OUTPUT_COLUMNS`), one row per (date, query); ``value`` is the number
        of views that UTC day (an integer count, 0 where the API lists none), ``date`` daily.
    plan : the :class:`PageviewsPlan` executed.
    provenance : the JSON-ready provenance record (also written beside ``out``).
    requests_sent : HTTP requests sent now (retries included; 0 when all came from the cache).
    fetched, from_cache : answers fetched now and answers served from the cache.
    out : the CSV written, or None.
    """

    frame: "pd.DataFrame"
    plan: PageviewsPlan
    provenance: dict[str, Any]
    requests_sent: int
    fetched: int
    from_cache: int
    out: Path | None = None

    def to_frame(self) -> "pd.DataFrame":
        return self.frame.copy()

    def summary(self) -> str:
        p, f = self.plan, self.frame
        totals = f.groupby("query", sort=False)["value"].agg(["sum", "max"])
        lines = [f"Wikipedia pageviews: {len(p.articles)} article(s) in {p.project} ({p.access}, {p.agent}), "
                 f"{p.start} .. {p.end}, daily",
                 f"source        : {self.provenance.get('source')}"
                 + ("  (ILLUSTRATIVE: not Wikimedia)" if self.provenance.get("illustrative") else ""),
                 f"requests      : {len(p.articles) * len(p.parts)} planned; {self.fetched} fetched now, "
                 f"{self.from_cache} from cache; {self.requests_sent} HTTP requests sent"]
        for q, row in totals.iterrows():
            lines.append(f"  {q!s:<30.30} total {int(row['sum']):>12,d} views, busiest day {int(row['max']):,d}")
        if self.out is not None:
            lines.append(f"written       : {self.out}")
        return "\n".join(lines)


def _assemble(plan: PageviewsPlan, entries: Mapping[str, list["CacheEntry"]], requests: Sequence[Request],
              source: str) -> tuple["pd.DataFrame", list[dict[str, Any]]]:
    import pandas as pd
    days = pd.date_range(plan.start, plan.end, freq="D")
    frames, records = [], []
    for query, title in plan.articles:
        mine = [r for r in requests if r.payload[1] == title]
        counts: dict[dt.date, int] = {}
        missing = []
        for r in mine:
            got = parse_answer(entries[r.key][-1], r)
            if got is None:
                missing.append(f"{r.payload[2][0]}..{r.payload[2][1]}")
            else:
                counts.update(got)
        if len(missing) == len(mine):
            raise ArticleNotFound(
                f"article {query!r} (title {title!r}) has no views in {plan.project} from {plan.start} to {plan.end}: "
                "Wikimedia answered 404 (no data) for the whole span. Check the spelling and the project (titles are "
                "case-sensitive after the first letter); a renamed article has its earlier views under its old title",
                article=query, title=title, project=plan.project, request=query)
        values = [counts.get(d.date(), 0) for d in days]
        frames.append(pd.DataFrame({"date": days, "query": query, "value": values, "source": source,
                                    "project": plan.project, "access": plan.access, "agent": plan.agent,
                                    "article": title}))
        first_seen = min(counts) if counts else None
        records.append({"query": query, "title": title, "url_title": encode_title(title),
                        "parts_without_data": missing, "first_day_with_views": str(first_seen or ""),
                        "total_views": int(sum(values))})
    frame = pd.concat(frames, ignore_index=True)
    frame["value"] = frame["value"].astype("int64")
    return frame, records


def _provenance(plan: PageviewsPlan, *, base_url: str, official: bool, user_agent: str, articles: list[dict[str, Any]],
                requests: list[dict[str, Any]], description: str) -> dict[str, Any]:
    import trendlib
    from trendlib.wikimedia.client import DEFAULT_WIKIMEDIA_URL
    fields = server_fields(base_url=base_url if not official else DEFAULT_WIKIMEDIA_URL,
                           official_url=DEFAULT_WIKIMEDIA_URL, source=WIKIMEDIA_SOURCE, name="Wikimedia",
                           citation=CITATION, licence=LICENCE)
    names = ", ".join(repr(a["query"]) for a in articles)
    desc = description or (f"Daily Wikipedia pageviews of {len(articles)} article(s) ({names}) in {plan.project} "
                           f"({plan.access}, {plan.agent}), {plan.start} to {plan.end}: numbers of views, not an index.")
    notes = [fields.pop("server_note"), REDIRECT_CAVEAT,
             "Days the API lists no views for are 0 views (the API omits them); a part of the span answered 404 "
             "(e.g. before the article existed) is 0 views too and is listed under parts_without_data.",
             "Titles were normalised as MediaWiki stores them (underscores, first letter upper-cased)."]
    return {**fields, "description": desc, "notes": " ".join(n for n in notes if n),
            "project": plan.project, "access": plan.access, "agent": plan.agent, "granularity": "daily",
            "span": {"start": plan.start.isoformat(), "end": plan.end.isoformat()},
            "redirects_followed": False, "articles": articles, "base_url": base_url, "user_agent": user_agent,
            "trendlib_version": trendlib.__version__, "requests": requests,
            "retrieved_at": max((f["fetched_at"] for r in requests for f in r["fetches"]), default="")}


def _request_records(requests: Sequence[Request], entries: Mapping[str, list["CacheEntry"]]) -> list[dict[str, Any]]:
    return [{"key": r.key, "description": r.description, "article": r.payload[1], "url": r.url,
             "start": r.canonical["start"], "end": r.canonical["end"],
             "fetches": [{"fetch_day": e.fetch_day, "fetched_at": e.fetched_at, "status": e.status,
                          "url": e.meta.get("url"), "base_url": e.meta.get("base_url"),
                          "attempts": e.meta.get("attempts"), "retries": len(e.meta.get("retries") or []),
                          "cache_file": str(e.meta_path)} for e in entries[r.key]]}
            for r in requests]


def write_pageviews(result: PageviewsResult, out: str | Path) -> Path:
    """Write the tidy CSV and ``<stem>.provenance.json`` (atomically, the sidecar last)."""
    f = result.frame.copy()
    f["date"] = f["date"].dt.strftime("%Y-%m-%d")
    return write_with_provenance(out, f[OUTPUT_COLUMNS], result.provenance)  # one set; article titles spreadsheet-safe


def fetch_pageviews(articles: str | Sequence[str], *, project: str, start: Any, end: Any, access: str = "all-access",
                    agent: str = "user", out: str | Path | None = None, user_agent: str | None = None,
                    client: "WikimediaClient | None" = None, cache: ResponseCache | None = None,
                    cache_dir: str | Path | None = None, offline: bool | None = None, base_url: str | None = None,
                    min_interval: float | None = None, backoff: float | None = None,
                    timeout: float | None = None, max_wait: float | None = None, fetch_day: Any = None,
                    description: str = "") -> PageviewsResult:
    """Daily pageviews of ``articles`` (titles as a person writes them) in ``project``, ``start``..``end``.

    Parameters (keyword-only)
    -------------------------
    project : e.g. ``ru.wikipedia`` (``.org`` accepted). access / agent : the API's filters
        (default ``all-access`` and ``user``: people, not crawlers). start, end : inclusive UTC days,
        from 2015-07-01 to two days before ``fetch_day``.
    out : write the tidy CSV here, plus ``<stem>.provenance.json``.
    user_agent, base_url, min_interval, backoff, timeout, max_wait : the client's settings
        (see :class:`~trendlib.wikimedia.client.WikimediaClient`), used when no ``client`` is given.
    cache / cache_dir / offline : the raw-answer cache (``TRENDLIB_CACHE_DIR``, ``TRENDLIB_OFFLINE``).
    fetch_day : the UTC day the requests count as fetched on (default today).

    Returns a :class:`PageviewsResult`. Raises :class:`~trendlib.acquire.errors.BadRequest` for bad
    inputs before sending anything, :class:`~trendlib.wikimedia.errors.ArticleNotFound` (exit 2) for
    an article with no views over the whole span, and the acquisition errors (offline miss, rate
    limited, server error, wait bound) naming what is cached and what remains.
    """
    from trendlib.wikimedia.client import DEFAULT_WIKIMEDIA_URL, WikimediaClient
    day = _day(fetch_day, "fetch_day") if fetch_day is not None else utc_today()
    plan = plan_pageviews(articles, project=project, start=start, end=end, access=access, agent=agent, fetch_day=day)
    cache = cache if cache is not None else ResponseCache(cache_dir, offline=offline)
    if client is None:  # sends nothing yet
        client = WikimediaClient(base_url=base_url, user_agent=user_agent, min_interval=min_interval,
                                 backoff=backoff, timeout=timeout, max_wait=max_wait)
    url = client.base_url
    runner = Runner(cache=cache, fetch_day=day, samples=1, base_url=url, server="Wikimedia", logger=log)
    requests = plan.requests(url)
    entries = runner.resolve(requests, send=lambda r: client.get(r.url, what=r.description),
                             check=lambda r, e: parse_answer(e, r), label="pageviews")
    # real only when every answer used came from Wikimedia's own API (cached answers of a fake server stay fake)
    official = all_official(url, runner.served_from, DEFAULT_WIKIMEDIA_URL)
    shown = first_unofficial(url, runner.served_from, DEFAULT_WIKIMEDIA_URL)
    source = WIKIMEDIA_SOURCE if official else "non-wikimedia-server"
    frame, article_records = _assemble(plan, entries, requests, source)
    prov = _provenance(plan, base_url=shown, official=official, user_agent=client.user_agent,
                       articles=article_records, requests=_request_records(requests, entries),
                       description=description)
    result = PageviewsResult(frame=frame, plan=plan, provenance=prov, requests_sent=client.requests_sent,
                             fetched=runner.fetched, from_cache=runner.from_cache,
                             out=Path(out) if out is not None else None)
    if out is not None:
        write_pageviews(result, out)
    return result

