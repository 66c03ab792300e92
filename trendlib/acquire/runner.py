"""Resolve named requests through the cache, sending only what it lacks: resume and offline replay.

A source (Google Trends, Wikimedia) describes each HTTP question as a :class:`Request` (source,
cache key, description, canonical form, URL) and gives the :class:`Runner` a ``send`` function
that answers one request with a :class:`Response` (the raw body). The runner then, per request:

1. serves it from the :class:`~trendlib.acquire.cache.ResponseCache` when it holds enough samples
   (an interrupted command rerun resumes where it stopped; nothing cached is asked again);
2. otherwise takes the request's lock (two processes never fetch one key at once), checks the
   cache again, sends, and stores the raw body **before** anything parses it;
3. hands the entries to the source's ``check`` (its parser): an entry it refuses is set aside in
   the cache as rejected (kept, never used) and the error raised, so a rerun asks again.

Offline (``TRENDLIB_OFFLINE=1``) nothing is sent: a missing request raises
:class:`~trendlib.acquire.errors.OfflineMiss` naming every one. Any error raised while sending
carries what is done (cached) and what remains.
"""
from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trendlib.acquire.errors import AcquireError, OfflineMiss
from trendlib.acquire.settings import public_url

if TYPE_CHECKING:  # pragma: no cover
    from trendlib.acquire.cache import CacheEntry, ResponseCache

__all__ = ["Request", "Response", "Runner", "utc_now"]

log = logging.getLogger("trendlib.acquire.runner")


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the second with a ``Z``."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Request:
    """One question to one source, as the cache and the runner see it.

    source : the source's name (``google-trends``, ``wikimedia``).
    key : the cache key (a file-safe name; equal keys are the same question).
    description : one human line, used in progress and error messages.
    canonical : what is asked, as a JSON-ready dict (stored in the cache's ``request.json``).
    url : the URL asked, when the source knows it before sending ('' otherwise).
    payload : the source's own request object (e.g. a ``TrendsRequest``), for its ``send`` and
        ``check``; not part of the request's identity.
    """

    source: str
    key: str
    description: str
    canonical: Mapping[str, Any]
    url: str = ""
    payload: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Response:
    """One answer as received: the raw ``text``, its ``url``, HTTP ``status`` and ``content_type``,
    ``fetched_at`` (UTC), ``attempts`` (HTTP tries) and ``retries`` (the failed tries and their
    waits); ``meta`` holds what the source wants kept beside the body (e.g. Google's widget)."""

    text: str
    url: str
    status: int
    content_type: str
    fetched_at: str
    attempts: int = 1
    retries: tuple[dict[str, Any], ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class _Tracker:
    """Requests done/remaining, for resumable errors."""

    all: list[str]
    done: list[str] = field(default_factory=list)

    def remaining(self) -> list[str]:
        done = set(self.done)
        return [d for d in self.all if d not in done]


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar on a terminal, None otherwise (the caller logs plain lines then)."""
    if total <= 1 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="req", leave=False, file=sys.stderr)


class Runner:
    """Cache first, then send: one command's requests to one source.

    Parameters (keyword-only)
    -------------------------
    cache : the :class:`~trendlib.acquire.cache.ResponseCache` (its ``offline`` flag is obeyed).
    fetch_day : the UTC day the responses count as fetched on.
    samples : entries wanted per request (a request with fewer is fetched again on a new fetch
        day; Google's samples). 1 for sources whose answers do not change.
    base_url : the server's base URL, recorded beside each body (never with a password).
    server : the server's name in messages ("Google", "Wikimedia").
    logger : where progress lines go off a terminal (default ``trendlib.acquire.runner``; a source
        passes its command's logger).
    """

    def __init__(self, *, cache: "ResponseCache", fetch_day: dt.date, samples: int = 1, base_url: str = "",
                 server: str = "the server", logger: logging.Logger | None = None):
        self.log = logger or log
        self.cache = cache
        self.fetch_day = fetch_day
        self.samples = samples
        self.base_url = public_url(base_url) if base_url else ""
        self.server = server
        self.fetched = 0
        self.from_cache = 0
        #: base URLs of the servers every entry served so far came from (cached ones included): the
        #: "real or illustrative" rule looks at these, so an answer cached from a fake server stays illustrative
        self.served_from: set[str] = set()

    def valid_days(self, key: str) -> list[str]:
        """Fetch days of ``key`` with a whole entry (a damaged one does not count: it is fetched again)."""
        return [e.fetch_day for e in self.cache.samples(key)]

    def missing(self, requests: Sequence[Request]) -> list[str]:
        """Descriptions of the requests with no cached sample at all."""
        return [r.description for r in requests if not self.valid_days(r.key)]

    def resolve(self, requests: Sequence[Request], *, send: Callable[[Request], Response],
                check: Callable[[Request, "CacheEntry"], Any] | None = None,
                label: str = "fetch") -> dict[str, list["CacheEntry"]]:
        """Cached or fetched entries of every request, per key (the ``samples`` most recent, oldest first).

        ``send(request)`` performs one request; ``check(request, entry)`` parses an entry and raises
        an :class:`~trendlib.acquire.errors.AcquireError` when it is unusable.
        """
        if self.cache.offline:
            self._refuse_offline_gaps(requests)
        tracker = _Tracker(all=[r.description for r in requests])
        bar = _progress(len(requests), label)
        out: dict[str, list[CacheEntry]] = {}
        try:
            for i, request in enumerate(requests, start=1):
                how = self._ensure(request, send, tracker)
                entries = self.cache.samples(request.key)[-self.samples:]
                if not entries:
                    raise OfflineMiss(f"no cached sample of {request.description}", request=request.description,
                                      done=tracker.done, remaining=tracker.remaining())
                if check is not None:
                    self._check(request, entries, check, tracker)
                out[request.key] = entries
                self.served_from.update(public_url(e.meta.get("base_url") or self.base_url) for e in entries)
                tracker.done.append(request.description)
                if bar is not None:
                    bar.update(1)
                else:
                    self.log.info("%s %d/%d %s: %s", label, i, len(requests), how, request.description)
        finally:
            if bar is not None:
                bar.close()
        return out

    def _refuse_offline_gaps(self, requests: Sequence[Request]) -> None:
        miss = self.missing(requests)
        if miss:
            err = OfflineMiss(f"offline mode: the cache {str(self.cache.root)!r} lacks {len(miss)} of "
                              f"{len(requests)} request(s): " + "; ".join(miss)
                              + ". Run the same command online (without --offline / TRENDLIB_OFFLINE) to fill it")
            err.remaining = miss
            raise err

    def _wanted(self, key: str) -> bool:
        days = self.valid_days(key)
        return self.fetch_day.isoformat() not in days and len(days) < self.samples

    def _ensure(self, request: Request, send: Callable[[Request], Response], tracker: _Tracker) -> str:
        """Fetch ``request`` if the cache lacks it today; returns how it was served (for the log)."""
        if self.cache.offline or not self._wanted(request.key):
            self.from_cache += 1
            return "cached"
        with self.cache.lock(request.key):
            if not self._wanted(request.key):  # another process may have fetched it meanwhile
                self.from_cache += 1
                return "cached (by another process)"
            try:
                raw = send(request)
            except AcquireError as exc:
                raise exc.with_progress(request=request.description, done=tracker.done,
                                        remaining=tracker.remaining()) from None
            meta = {"source": request.source, "url": public_url(raw.url), "status": raw.status,
                    "content_type": raw.content_type, "fetched_at": raw.fetched_at, "attempts": raw.attempts,
                    "retries": list(raw.retries), "base_url": self.base_url, **dict(raw.meta)}
            self.cache.store(request.key, fetch_day=self.fetch_day.isoformat(), text=raw.text,
                             request=dict(request.canonical), meta=meta, description=request.description)
            self.fetched += 1
            return "fetched"

    def _check(self, request: Request, entries: list["CacheEntry"], check: Callable[[Request, "CacheEntry"], Any],
               tracker: _Tracker) -> None:
        for e in entries:
            try:
                check(request, e)
            except AcquireError as exc:
                self.cache.reject(request.key, e.fetch_day, reason=str(exc))
                exc.message = (f"{exc.message} [the response of {e.fetch_day} is set aside in the cache as "
                               f"rejected; rerunning asks {self.server} again]")
                raise exc.with_progress(request=request.description, done=tracker.done,
                                        remaining=tracker.remaining()) from None
