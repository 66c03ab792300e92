"""The one place pytrends is configured: base URL, transport, rate limit, backoff, typed errors.

:class:`TrendsClient` sends requests through pytrends 4.9.2's own HTTP code
(``TrendReq.build_payload`` then ``interest_over_time`` / ``interest_by_region`` /
``related_queries``) and returns the **raw** body Google sent (JSON text with its anti-XSSI
prefix), so the cache can store it before anything parses it. :func:`parse_multiline`,
:func:`parse_comparedgeo` and :func:`parse_related` turn raw bodies into tidy frames.

How pytrends is pointed and driven (all inside :func:`pytrends_pointed_at`, which restores
everything on exit and holds a process-wide lock meanwhile):

* ``pytrends.request.BASE_TRENDS_URL`` and every ``TrendReq.*_URL`` class attribute are set
  to the base URL (argument, else ``TRENDLIB_TRENDS_URL``, else
  ``https://trends.google.com/trends``);
* the ``requests`` name pytrends uses is replaced by a shim whose ``session()`` and ``get()``
  go through trendlib's transport: the injected (or a default) ``requests.Session``, with the
  rate limiter before every request and the response captured after it;
* ``TrendReq(retries=0, backoff_factor=0)`` (pytrends' own retry crashes on urllib3 2) with a
  timeout on every request, and never any ``proxies`` (pytrends' cookie loop could spin forever).

Retry policy: 429 and 5xx, connection failures, timeouts, a missing Content-Type, a cut or
invalid body are retried with exponential backoff and jitter (first delay ``backoff`` seconds,
doubling, honouring ``Retry-After``), at most ``max_attempts`` tries per HTTP step, then
:class:`~trendlib.trends.errors.RateLimited` (429) or
:class:`~trendlib.trends.errors.ServerError`. Google's quota page raises
:class:`~trendlib.trends.errors.QuotaExceeded` at once; a 400 raises
:class:`~trendlib.trends.errors.BadRequest` at once. Nothing prompts and nothing loops forever.
"""
from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trendlib.acquire import settings
from trendlib.acquire.answers import non_data_failure, wrong_shape_failure
from trendlib.acquire.limiter import RateLimiter
from trendlib.acquire.retry import Attempts, Failure, RetryPolicy, WaitBudget, connection_problem
from trendlib.acquire.runner import utc_now
from trendlib.acquire.settings import public_url, resolve_timeout
from trendlib.trends.rules import MAX_TERMS, RESOLUTION_FROM_WIRE
from trendlib.trends.errors import (BadRequest, NoData, QuotaExceeded, ResolutionMismatch, ServerError)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import requests

__all__ = ["DEFAULT_TRENDS_URL", "DEFAULT_MIN_INTERVAL", "DEFAULT_BACKOFF", "TrendsClient", "RawResponse",
           "RateLimiter", "pytrends_pointed_at", "parse_multiline", "parse_comparedgeo", "parse_related",
           "strip_prefix", "public_url", "resolve_base_url", "resolve_min_interval", "resolve_backoff",
           "resolve_timeout", "announced_resolution"]

log = logging.getLogger("trendlib.trends.client")

DEFAULT_TRENDS_URL = "https://trends.google.com/trends"
#: seconds between two requests by default (about 12 a minute, under the ~30/min users report as safe)
DEFAULT_MIN_INTERVAL = 5.0
#: first backoff delay in seconds after a 429/5xx (then doubling, with jitter)
DEFAULT_BACKOFF = 20.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_MAX_DELAY = 600.0
DEFAULT_TIMEOUT = settings.DEFAULT_TIMEOUT
_QUOTA_MARKERS = ("You have reached your quota limit", "USER_TYPE_EMBED_OVER_QUOTA")
_RES_FROM_WIRE = RESOLUTION_FROM_WIRE
_SPACING = {"hour": (3600, 3600), "day": (86400, 86400), "week": (604800, 604800),
            "month": (28 * 86400, 31 * 86400)}
_PATCH_LOCK = threading.RLock()
#: terms Google compares in one request (:data:`trendlib.trends.rules.MAX_TERMS`)
MAX_TERMS_PER_REQUEST = MAX_TERMS
_RATE_HINT = "; Google is rate-limiting, wait and rerun (raise --backoff or --min-interval)"


def resolve_base_url(base_url: str | None = None) -> str:
    """The Trends base URL: the argument, else ``TRENDLIB_TRENDS_URL``, else Google's."""
    return settings.resolve_url(base_url, env="TRENDLIB_TRENDS_URL", default=DEFAULT_TRENDS_URL,
                                example="http://127.0.0.1:PORT/trends", what="Trends base URL")


def resolve_min_interval(value: float | None = None) -> float:
    """Seconds between requests: the argument, else ``TRENDLIB_MIN_INTERVAL``, else 5."""
    return settings.resolve_min_interval(value, default=DEFAULT_MIN_INTERVAL)


def resolve_backoff(value: float | None = None) -> float:
    """First backoff delay in seconds: the argument, else ``TRENDLIB_BACKOFF_SECONDS``, else 20."""
    return settings.resolve_backoff(value, default=DEFAULT_BACKOFF)


def announced_resolution(widget: dict[str, Any]) -> str:
    """The resolution an explore widget announced (``hour|day|week|month``; '' if none)."""
    wire = str((widget or {}).get("request", {}).get("resolution", ""))
    return _RES_FROM_WIRE.get(wire, wire.lower())


_ALTERNATIVES = "export the series from trends.google.com in a browser and use `trendlib import`"


def classify_failure(exc: BaseException, *, what: str, base_url: str, last_response: Any = None) -> Failure | None:
    """How one failed pytrends step is retried: a :class:`~trendlib.acquire.retry.Failure`, a typed
    error raised at once (quota page, 400, other 4xx), or None (not a failure of the exchange: re-raised).

    pytrends raises ``ResponseError`` for any answer whose Content-Type is not JSON, even with
    HTTP 200: such answers (HTML, captcha or consent pages, empty bodies) are told apart by
    :func:`trendlib.acquire.answers.non_data_failure`, never reported as a status problem.
    """
    import requests
    from pytrends import exceptions as pex

    if isinstance(exc, pex.TooManyRequestsError):
        response = getattr(exc, "response", None)
        body = getattr(response, "text", "") or ""
        if any(m in body for m in _QUOTA_MARKERS):
            raise QuotaExceeded(f"Google's quota page for {what} (HTTP 429: '{body.strip()[:80]}'); "
                                "wait some hours before fetching again", request=what) from None
        return Failure("rate", "HTTP 429 Too Many Requests", response)
    if isinstance(exc, pex.ResponseError):
        return _classify_status(exc, what)
    if isinstance(exc, KeyError) or (isinstance(exc, (TypeError, IndexError)) and last_response is not None):
        if last_response is not None and "content-type" not in {k.lower() for k in last_response.headers}:
            return Failure("server", "a response without Content-Type", last_response)
        return wrong_shape_failure(missing=exc, server="Google", alternatives=_ALTERNATIVES)
    if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
        text = getattr(last_response, "text", None)
        if last_response is not None and not (text or "").strip():
            return non_data_failure(status=last_response.status_code, server="Google", text="",
                                    content_type=last_response.headers.get("Content-Type", ""),
                                    alternatives=_ALTERNATIVES)
        return Failure("server", f"a response that is not valid JSON ({exc.__class__.__name__})", last_response)
    if isinstance(exc, requests.exceptions.Timeout):
        return Failure("server", f"no answer within the timeout ({exc.__class__.__name__})")
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return Failure("server", connection_problem(exc, base_url))
    return None


def _classify_status(exc: Any, what: str) -> Failure:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", 0)
    body = getattr(response, "text", "") or ""
    if any(m in body for m in _QUOTA_MARKERS):
        raise QuotaExceeded(f"Google's quota page for {what} (HTTP {status})", request=what) from None
    if 200 <= status < 300:
        failure = non_data_failure(status=status, content_type=response.headers.get("Content-Type", ""),
                                   text=body, server="Google", alternatives=_ALTERNATIVES)
        if failure is not None:
            return Failure(failure.kind, failure.text, response, failure.advice, failure.retry)
        return Failure("answer", f"a JSON body (HTTP {status}) with Content-Type "
                       f"{response.headers.get('Content-Type', '')!r}, which pytrends does not read", response,
                       advice="check TRENDLIB_TRENDS_URL points at Google Trends")
    if status == 400:
        raise BadRequest(f"Google answered 400 Bad Request for {what}: the terms, geo, timeframe, "
                         f"category or gprop are not accepted ({body.strip()[:120]!r})", request=what) from None
    if status < 500:
        raise ServerError(f"Google answered HTTP {status} for {what} (expected 200)", request=what) from None
    return Failure("server", f"HTTP {status}", response)


@dataclass(frozen=True)
class RawResponse:
    """One answered widget request, as received.

    ``text`` is the body exactly as sent (with the ``)]}',`` prefix); ``widget`` is the explore
    widget pytrends used (its ``request.resolution`` is what Google announced); ``fetched_at`` is
    the UTC time it arrived; ``attempts`` counts HTTP tries across both steps (explore + widget).
    """

    kind: str  # "multiline", "comparedgeo" or "relatedsearches"
    text: str
    url: str
    status: int
    content_type: str
    widget: dict[str, Any]
    fetched_at: str
    attempts: int
    retries: tuple[dict[str, Any], ...] = ()

    @property
    def resolution(self) -> str:
        """The resolution the explore widget announced (``hour|day|week|month``; '' if none)."""
        return announced_resolution(self.widget)


class _Transport:
    """What pytrends' ``requests.session()`` returns while pointed: a limiter and a recorder."""

    def __init__(self, session: "requests.Session", limiter: RateLimiter):
        self._session = session
        self._limiter = limiter
        self.headers = session.headers
        self.proxies = session.proxies
        self.responses: list[Any] = []
        self.sent = 0

    def mount(self, prefix: str, adapter: Any) -> None:  # pytrends mounts only when retries > 0
        raise BadRequest("pytrends retries must stay off in trendlib (retries=0, backoff_factor=0)")

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        kwargs.pop("proxies", None)
        self._limiter.wait()
        log.debug("%s %s", method.upper(), public_url(url))
        self.sent += 1
        response = self._session.request(method.upper(), url, **kwargs)
        self.responses.append(response)
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)


@contextlib.contextmanager
def pytrends_pointed_at(base_url: str, transport: Any = None) -> Iterator[Any]:
    """Point pytrends at ``base_url`` (and ``transport``) for the duration of the block.

    Sets ``pytrends.request.BASE_TRENDS_URL`` and every ``TrendReq.*_URL`` class attribute,
    and, when ``transport`` is given, the ``requests`` name inside ``pytrends.request`` to a shim
    that sends through it. Restores all of them on exit; holds a process-wide lock meanwhile so
    two threads never see each other's settings. Yields the ``pytrends.request`` module.
    """
    import requests
    from pytrends import request as pr

    with _PATCH_LOCK:
        saved_base = pr.BASE_TRENDS_URL
        saved_requests = pr.requests
        names = [n for n in vars(pr.TrendReq) if n.endswith("_URL")]
        saved = {n: getattr(pr.TrendReq, n) for n in names}
        try:
            pr.BASE_TRENDS_URL = base_url
            for n, value in saved.items():
                if not value.startswith(saved_base):
                    raise ServerError(f"pytrends TrendReq.{n} = {value!r} does not start with its base URL "
                                      f"{saved_base!r}; this pytrends version is not supported")
                setattr(pr.TrendReq, n, base_url + value[len(saved_base):])
            if transport is not None:
                pr.requests = types.SimpleNamespace(session=lambda: transport, get=transport.get,
                                                    exceptions=requests.exceptions)
            yield pr
        finally:
            pr.BASE_TRENDS_URL = saved_base
            pr.requests = saved_requests
            for n, value in saved.items():
                setattr(pr.TrendReq, n, value)


class TrendsClient:
    """Sends Trends requests through pytrends, politely, and returns raw responses.

    Parameters (keyword-only)
    -------------------------
    base_url : Trends base URL (default ``TRENDLIB_TRENDS_URL`` or Google's).
    session : a ``requests.Session`` to send through (default: a new one, created on first use).
    min_interval : seconds between requests (default ``TRENDLIB_MIN_INTERVAL`` or 5).
    backoff : first retry delay in seconds, doubled each retry, with up to +50 % jitter
        (default ``TRENDLIB_BACKOFF_SECONDS`` or 20); ``Retry-After`` wins when longer.
    max_attempts : tries per HTTP step before a typed error (default 5).
    max_delay : longest single wait in seconds (default 600).
    timeout : ``(connect, read)`` seconds for every request, or one number of seconds (default
        ``TRENDLIB_TIMEOUT`` or (10, 60); see :func:`resolve_timeout`).
    hl, tz : pytrends' language and timezone offset in minutes (default en-US and 0 = UTC).
    sleep, seed : injectable sleep function and jitter seed (tests).

    Nothing is sent until a method is called (no network in the constructor).
    """

    def __init__(self, *, base_url: str | None = None, session: "requests.Session | None" = None,
                 min_interval: float | None = None, backoff: float | None = None,
                 max_attempts: int = DEFAULT_MAX_ATTEMPTS, max_delay: float = DEFAULT_MAX_DELAY,
                 timeout: tuple[float, float] | float | None = None, max_wait: float | None = None,
                 hl: str = "en-US", tz: int = 0, sleep: Callable[[float], None] = time.sleep,
                 seed: int | None = None):
        self.base_url = resolve_base_url(base_url)
        self.min_interval = resolve_min_interval(min_interval)
        self.backoff = resolve_backoff(backoff)
        self.timeout = resolve_timeout(timeout)
        self.budget = WaitBudget(max_wait)
        self._retry = RetryPolicy(backoff=self.backoff, max_attempts=max_attempts, max_delay=max_delay,
                                  budget=self.budget, rate_hint=_RATE_HINT, server="Google", sleep=sleep,
                                  seed=seed)
        self.max_attempts = max_attempts
        self.max_delay = float(max_delay)
        self.hl, self.tz = hl, tz
        self._session = session
        self._limiter = RateLimiter(self.min_interval, sleep=sleep)
        self._trendreq: Any = None
        self._transport: _Transport | None = None

    @property
    def max_wait(self) -> float:
        """Seconds this client may spend waiting on Google in all (``--max-wait``; see WaitBudget)."""
        return self.budget.max_wait

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far (cookie, explore and widget calls, retries included)."""
        return self._transport.sent if self._transport is not None else 0

    # ------------------------------------------------------------------ plumbing
    def _get_transport(self) -> _Transport:
        if self._transport is None:
            if self._session is None:
                import requests
                self._session = requests.Session()
            self._transport = _Transport(self._session, self._limiter)
        return self._transport

    def _ensure_trendreq(self, pr: Any, step: Attempts, what: str) -> Any:
        if self._trendreq is None:
            def make() -> Any:
                return pr.TrendReq(hl=self.hl, tz=self.tz, timeout=self.timeout, retries=0, backoff_factor=0)
            self._trendreq = self._with_retries(make, step, f"cookie for {what}")
        return self._trendreq

    def _with_retries(self, fn: Callable[[], Any], step: Attempts, what: str) -> Any:
        transport = self._get_transport()
        before = len(transport.responses)

        def classify(exc: BaseException) -> Failure | None:
            last = transport.responses[-1] if len(transport.responses) > before else None
            return classify_failure(exc, what=what, base_url=self.base_url, last_response=last)
        return self._retry.call(fn, classify=classify, what=what, attempts=step)

    def _run(self, kind: str, what: str, terms: Sequence[str], timeframe: str, geo: str, category: int,
             gprop: str, call: Callable[[Any], Any], widget_of: Callable[[Any], dict[str, Any]]) -> RawResponse:
        if not 1 <= len(terms) <= MAX_TERMS_PER_REQUEST:
            raise BadRequest(f"{what}: {len(terms)} terms in one request; accepted: 1 to at most "
                             f"{MAX_TERMS_PER_REQUEST}, as Google compares (fetch_trends and make_plan batch more "
                             "terms through an anchor)", request=what)
        transport = self._get_transport()
        step = Attempts()
        with pytrends_pointed_at(self.base_url, transport) as pr:
            treq = self._ensure_trendreq(pr, step, what)
            self._with_retries(lambda: treq.build_payload(list(terms), cat=int(category), timeframe=timeframe,
                                                          geo=geo, gprop=gprop), step, f"explore for {what}")
            widget = widget_of(treq)
            if not widget:
                raise NoData(f"Google returned no widget for {what}", request=what)
            start = len(transport.responses)
            self._with_retries(lambda: call(treq), step, what)
            response = transport.responses[-1] if len(transport.responses) > start else None
        if response is None:
            raise ServerError(f"{what}: no response was captured", request=what)
        return RawResponse(kind=kind, text=response.text, url=response.url, status=response.status_code,
                           content_type=response.headers.get("Content-Type", ""), widget=json.loads(
                               json.dumps(widget)), fetched_at=utc_now(), attempts=step.count,
                           retries=tuple(step.retries))

    # ------------------------------------------------------------------ public calls
    def interest_over_time(self, terms: Sequence[str], *, timeframe: str, geo: str = "", category: int = 0,
                           gprop: str = "") -> RawResponse:
        """Raw ``multiline`` body for up to 5 ``terms`` over ``timeframe`` (pytrends syntax,
        e.g. ``"2022-01-01 2022-09-26"`` or ``"2022-09-18T00 2022-09-24T23"`` in UTC)."""
        what = f"interest over time of {list(terms)} in {geo or 'worldwide'} for {timeframe}"
        return self._run("multiline", what, terms, timeframe, geo, category, gprop,
                         lambda t: t.interest_over_time(), lambda t: t.interest_over_time_widget)

    def interest_by_region(self, terms: Sequence[str], *, timeframe: str, geo: str = "", category: int = 0,
                           gprop: str = "", resolution: str = "COUNTRY",
                           include_low_volume: bool = True) -> RawResponse:
        """Raw ``comparedgeo`` body: interest by region (countries when geo is '', else regions)."""
        what = f"interest by region of {list(terms)} in {geo or 'worldwide'} for {timeframe}"
        return self._run("comparedgeo", what, terms, timeframe, geo, category, gprop,
                         lambda t: t.interest_by_region(resolution=resolution, inc_low_vol=include_low_volume),
                         lambda t: t.interest_by_region_widget)

    def related_queries(self, term: str, *, timeframe: str, geo: str = "", category: int = 0,
                        gprop: str = "") -> RawResponse:
        """Raw ``relatedsearches`` body (top and rising related queries) of one ``term``."""
        what = f"related queries of {term!r} in {geo or 'worldwide'} for {timeframe}"
        return self._run("relatedsearches", what, [term], timeframe, geo, category, gprop,
                         lambda t: t.related_queries(),
                         lambda t: t.related_queries_widget_list[0] if t.related_queries_widget_list else {})

    def related_topics(self, term: str, *, timeframe: str, geo: str = "", category: int = 0,
                       gprop: str = "") -> RawResponse:
        """Raw ``relatedsearches`` body (top and rising related topics: ``mid``, ``title``, ``type``) of one ``term``."""
        what = f"related topics of {term!r} in {geo or 'worldwide'} for {timeframe}"
        return self._run("relatedsearches", what, [term], timeframe, geo, category, gprop,
                         lambda t: t.related_topics(),
                         lambda t: t.related_topics_widget_list[0] if t.related_topics_widget_list else {})


# ---------------------------------------------------------------------- parsers
def strip_prefix(text: str) -> Any:
    """Parse a raw body, removing Google's anti-XSSI prefix (``)]}'`` or ``)]}',``)."""
    body = text.lstrip("\ufeff")
    if body.startswith(")]}'"):
        body = body[4:]
        if body.startswith(","):
            body = body[1:]
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise ServerError(f"the cached/received body is not valid JSON ({exc.msg} at char {exc.pos})") from None


def parse_multiline(text: str, *, terms: Sequence[str], geo: str = "", resolution: str = "",
                    expected: str | None = None, request: str = "") -> "pd.DataFrame":
    """Tidy frame from a raw ``multiline`` body.

    Columns: ``date`` (period start, UTC, naive), ``query``, ``geo``, ``value`` (float 0-100;
    NaN where Google says ``hasData: false``, never 0), ``below_one`` (``formattedValue`` was
    ``"<1"``: value 0 but not zero searches), ``is_partial`` (the trailing incomplete period),
    ``resolution`` (what the explore widget announced, checked against the spacing of the
    dates).

    Raises :class:`NoData` for an empty timeline and :class:`ResolutionMismatch` when the
    resolution (announced or seen in the dates) differs from ``expected``.
    """
    import numpy as np
    import pandas as pd

    data = strip_prefix(text)
    try:
        rows = data["default"]["timelineData"]
    except (KeyError, TypeError):
        raise ServerError(f"{request or 'multiline response'}: no default.timelineData in the body") from None
    if not rows:
        raise NoData(f"Google returned an empty timeline for {request or list(terms)}", request=request)
    terms = list(terms)
    n = len(terms)
    times = np.array([int(float(r["time"])) for r in rows], dtype=np.int64)
    values = np.array([r["value"] for r in rows], dtype=float).reshape(len(rows), -1)
    if values.shape[1] != n:
        raise ServerError(f"{request or 'multiline response'}: {values.shape[1]} value(s) per row for {n} term(s)")
    has = np.array([r.get("hasData", [True] * n) for r in rows], dtype=bool).reshape(len(rows), n)
    fmt = np.array([r.get("formattedValue", [""] * n) for r in rows], dtype=object).reshape(len(rows), n)
    partial = np.array([bool(r.get("isPartial", False)) for r in rows])
    seen = _resolution_from_times(times)
    res = resolution or seen
    if resolution and seen and seen != resolution:
        raise ResolutionMismatch(f"{request or 'multiline response'}: announced {resolution!r} but the dates are "
                                 f"{seen!r} apart", request=request)
    if expected and res and res != expected:
        raise ResolutionMismatch(f"{request or 'multiline response'}: Google answered at {res!r} resolution, the "
                                 f"plan expects {expected!r}; refusing a silently different series",
                                 request=request)
    below = np.char.startswith(fmt.astype(str), "<")
    vals = np.where(has, values, np.nan)
    dates = pd.to_datetime(times, unit="s")
    out = pd.DataFrame({
        "date": np.tile(dates.to_numpy(), n),
        "query": np.repeat(terms, len(rows)),
        "geo": geo,
        "value": vals.T.ravel(),
        "below_one": (below & has).T.ravel(),
        "is_partial": np.tile(partial, n),
        "resolution": res or expected or "",
    })
    return out


def _resolution_from_times(times: Any) -> str:
    import numpy as np
    if len(times) < 2:
        return ""
    gaps = np.diff(np.sort(times))
    med = float(np.median(gaps))
    for res, (lo, hi) in _SPACING.items():
        if lo - 7200 <= med <= hi + 7200:
            return res
    return "other"


def parse_comparedgeo(text: str, *, terms: Sequence[str], geo: str = "", request: str = "") -> "pd.DataFrame":
    """Tidy frame from a raw ``comparedgeo`` body: ``region_code, region, query, geo, value,
    below_one, formatted`` (value NaN when ``hasData`` is false; ``"<1"``/``"<1%"`` flagged)."""
    import numpy as np
    import pandas as pd

    data = strip_prefix(text)
    try:
        rows = data["default"]["geoMapData"]
    except (KeyError, TypeError):
        raise ServerError(f"{request or 'comparedgeo response'}: no default.geoMapData in the body") from None
    if not rows:
        raise NoData(f"Google returned no regions for {request or list(terms)}", request=request)
    recs = []
    for r in rows:
        code = r.get("geoCode") or json.dumps(r.get("coordinates", {}))
        for i, term in enumerate(terms):
            has = bool(r.get("hasData", [True] * len(terms))[i])
            text_i = str(r.get("formattedValue", [""] * len(terms))[i])
            recs.append({"region_code": code, "region": r.get("geoName", ""), "query": term, "geo": geo,
                         "value": float(r["value"][i]) if has else np.nan,
                         "below_one": has and text_i.startswith("<"), "formatted": text_i})
    return pd.DataFrame(recs)


def parse_related(text: str, *, term: str, geo: str = "", request: str = "") -> "pd.DataFrame":
    """Tidy frame from a raw ``relatedsearches`` body: ``query, geo, kind (top|rising), rank,
    related, value, formatted, breakout, related_type, topic_mid, topic_type``.

    ``breakout`` when Google says "Breakout". Related queries carry ``query`` (``related_type``
    ``query``); related topics are objects ``{"mid", "title", "type"}`` (``related_type`` ``topic``,
    ``related`` the title, ``topic_mid`` Google's Knowledge Graph id, ``topic_type`` e.g. "Dish").
    """
    import pandas as pd

    data = strip_prefix(text)
    ranked = (data.get("default") or {}).get("rankedList") or []
    recs = []
    for kind, block in zip(("top", "rising"), ranked):
        for rank, item in enumerate(block.get("rankedKeyword") or [], start=1):
            formatted = str(item.get("formattedValue", ""))
            topic = item.get("topic") if isinstance(item.get("topic"), dict) else None
            recs.append({"query": term, "geo": geo, "kind": kind, "rank": rank,
                         "related": topic.get("title", "") if topic else item.get("query", ""),
                         "value": float(item.get("value", 0)), "formatted": formatted,
                         "breakout": formatted.lower() == "breakout",
                         "related_type": "topic" if topic else "query",
                         "topic_mid": topic.get("mid", "") if topic else "",
                         "topic_type": topic.get("type", "") if topic else ""})
    return pd.DataFrame(recs, columns=["query", "geo", "kind", "rank", "related", "value", "formatted", "breakout",
                                       "related_type", "topic_mid", "topic_type"])
