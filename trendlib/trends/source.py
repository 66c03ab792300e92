"""Google Trends as a source of the acquisition layer: requests, sending, and the illustrative rule.

:class:`TrendsSource` is one command's Google side: one :class:`~trendlib.trends.client.TrendsClient`
(one rate limiter, one wait budget) built on first use, the cache, the fetch day and the number
of samples wanted, over the shared :class:`~trendlib.acquire.runner.Runner` (cache first, lock,
send, raw body stored before parsing, resume, offline replay). Series, regions and related
queries all go through it (:mod:`trendlib.trends.fetch`, :mod:`trendlib.trends.regions`).

:func:`series_request` and :func:`table_request` name Google's questions as
:class:`~trendlib.acquire.runner.Request` objects; :func:`parse_series` reads a cached series
body as the plan expects it; :func:`is_google` is the rule that only Google's own URL gives
``source = "google-trends-api"`` (anything else is illustrative).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trendlib.acquire.provenance import all_official, first_unofficial, is_official
from trendlib.acquire.runner import Request, Response, Runner

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from trendlib.acquire.cache import CacheEntry, ResponseCache
    from trendlib.trends.client import RawResponse, TrendsClient
    from trendlib.trends.plan import TrendsRequest

__all__ = ["SOURCE", "TrendsSource", "series_request", "table_request", "parse_series", "is_google"]

#: the source name on every Google request (cache metadata)
SOURCE = "google-trends"


def is_google(url: str) -> bool:
    """True when ``url`` is Google Trends' own base URL (only then is the data real)."""
    from trendlib.trends.client import DEFAULT_TRENDS_URL
    return is_official(url, DEFAULT_TRENDS_URL)


def series_request(r: "TrendsRequest") -> Request:
    """The acquisition request of one planned interest-over-time pull."""
    return Request(source=SOURCE, key=r.key(), description=r.describe(), canonical=r.canonical(), payload=r)


def table_request(canonical: Mapping[str, Any], description: str) -> Request:
    """The acquisition request of a regions or related-queries pull (``canonical["endpoint"]``)."""
    from trendlib.trends.cache import request_key
    return Request(source=SOURCE, key=request_key(canonical), description=description, canonical=dict(canonical))


def parse_series(entry: "CacheEntry", r: "TrendsRequest") -> "pd.DataFrame":
    """The tidy frame of a cached interest-over-time body, checked against the plan's resolution."""
    from trendlib.trends.client import announced_resolution, parse_multiline
    return parse_multiline(entry.text, terms=r.terms, geo=r.geo,
                           resolution=announced_resolution(entry.meta.get("widget") or {}),
                           expected=r.resolution, request=r.describe())


def _response(raw: "RawResponse") -> Response:
    widget = {k: v for k, v in raw.widget.items() if k != "token"}  # a session token: never written down
    return Response(text=raw.text, url=raw.url, status=raw.status, content_type=raw.content_type,
                    fetched_at=raw.fetched_at, attempts=raw.attempts, retries=tuple(raw.retries),
                    meta={"kind": raw.kind, "widget": widget})


class TrendsSource:
    """One command's Google Trends acquisition (see the module docstring).

    Parameters (keyword-only): ``client`` (default: one built on first use from ``base_url``,
    ``min_interval``, ``backoff``, ``max_wait`` and the environment), ``cache``, ``fetch_day``,
    ``samples`` (entries wanted per request).
    """

    def __init__(self, *, client: "TrendsClient | None", cache: "ResponseCache", fetch_day: dt.date,
                 samples: int = 1, base_url: str | None = None, min_interval: float | None = None,
                 backoff: float | None = None, max_wait: float | None = None):
        self.cache = cache
        self.fetch_day = fetch_day
        self.samples = samples
        self._client = client
        self._client_args = dict(base_url=base_url, min_interval=min_interval, backoff=backoff, max_wait=max_wait)
        self._runner: Runner | None = None

    @property
    def client(self) -> "TrendsClient":
        if self._client is None:
            from trendlib.trends.client import TrendsClient
            self._client = TrendsClient(**self._client_args)
        return self._client

    @property
    def base_url(self) -> str:
        """The Trends base URL, as written to the cache and provenance (never with a user:password)."""
        from trendlib.trends.client import public_url, resolve_base_url
        url = self._client.base_url if self._client is not None else resolve_base_url(self._client_args["base_url"])
        return public_url(url)

    @property
    def is_google(self) -> bool:
        """True when the base URL and every answer served so far (cached ones too) are Google's own."""
        from trendlib.trends.client import DEFAULT_TRENDS_URL
        served = self._runner.served_from if self._runner is not None else set()
        return all_official(self.base_url, served, DEFAULT_TRENDS_URL)

    @property
    def data_url(self) -> str:
        """The server to name in provenance: the base URL, or a non-Google server cached answers came from."""
        from trendlib.trends.client import DEFAULT_TRENDS_URL
        served = self._runner.served_from if self._runner is not None else set()
        return first_unofficial(self.base_url, served, DEFAULT_TRENDS_URL)

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            self._runner = Runner(cache=self.cache, fetch_day=self.fetch_day, samples=self.samples,
                                  base_url=self.base_url, server="Google",
                                  logger=logging.getLogger("trendlib.trends.fetch"))
        return self._runner

    @property
    def requests_sent(self) -> int:
        return self._client.requests_sent if self._client is not None else 0

    @property
    def fetched(self) -> int:
        return self._runner.fetched if self._runner is not None else 0

    @property
    def from_cache(self) -> int:
        return self._runner.from_cache if self._runner is not None else 0

    def resolve(self, requests: Sequence[Request], label: str,
                check: Callable[[Request, "CacheEntry"], Any] | None = None) -> dict[str, list["CacheEntry"]]:
        """Cached or fetched entries of every request, per key (see :meth:`Runner.resolve`)."""
        return self.runner.resolve(requests, send=self.send, check=check, label=label)

    def send(self, request: Request) -> Response:
        """Ask Google one request (by its canonical ``endpoint``) and return the raw answer."""
        c = request.canonical
        common = dict(timeframe=c["timeframe"], geo=c["geo"], category=c.get("category", 0), gprop=c.get("gprop", ""))
        if c["endpoint"] == "interest_over_time":
            raw = self.client.interest_over_time(list(c["terms"]), **common)
        elif c["endpoint"] == "interest_by_region":
            raw = self.client.interest_by_region(list(c["terms"]), resolution=c["resolution"],
                                                 include_low_volume=c["low_volume"], **common)
        elif c["endpoint"] == "related_queries":
            raw = self.client.related_queries(c["terms"][0], **common)
        elif c["endpoint"] == "related_topics":
            raw = self.client.related_topics(c["terms"][0], **common)
        else:  # pragma: no cover - requests are built in this package
            raise ValueError(f"unknown Trends endpoint {c['endpoint']!r}")
        return _response(raw)
