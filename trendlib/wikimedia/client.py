"""The one place Wikimedia's REST API is asked: base URL, User-Agent, rate limit, retries, typed errors.

:class:`WikimediaClient` sends ``GET <base>/metrics/pageviews/per-article/...`` through a
``requests.Session`` with the shared acquisition machinery (:mod:`trendlib.acquire`): the rate
limiter before every request, :class:`~trendlib.acquire.retry.RetryPolicy` with the command's
:class:`~trendlib.acquire.retry.WaitBudget` (``--max-wait``), and the shared reading of
answers that are not data. It returns the **raw** answer (a
:class:`~trendlib.acquire.runner.Response`) so the cache can store it before anything parses it.

Policy (Wikimedia's API rules):

* every request carries a descriptive ``User-Agent`` with a contact (``user_agent`` argument,
  else ``TRENDLIB_USER_AGENT``, else :data:`DEFAULT_USER_AGENT` naming trendlib and its
  homepage); Wikimedia refuses library-default agents with 403, which raises
  :class:`~trendlib.wikimedia.errors.AgentRefused` at once;
* polite spacing: ``min_interval`` (``TRENDLIB_MIN_INTERVAL``, default 0.5 s, far under the
  documented 100 requests/s);
* 429 and 5xx, timeouts and failed connections are retried with backoff
  (``TRENDLIB_BACKOFF_SECONDS``, default 2 s, doubling, honouring ``Retry-After``);
* a 404 is an answer (no views recorded for that title over that part of the span), returned
  like a 200 so the cache keeps it; 400 raises :class:`~trendlib.acquire.errors.BadRequest`;
  any other status raises :class:`~trendlib.acquire.errors.ServerError`.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from trendlib.acquire import settings
from trendlib.acquire.answers import non_data_failure, wrong_shape_failure
from trendlib.acquire.limiter import RateLimiter
from trendlib.acquire.retry import Attempts, Failure, RetryPolicy, WaitBudget, connection_problem
from trendlib.acquire.runner import Response, utc_now
from trendlib.wikimedia.errors import AgentRefused, BadRequest, ServerError

if TYPE_CHECKING:  # pragma: no cover
    import requests

__all__ = ["DEFAULT_WIKIMEDIA_URL", "DEFAULT_USER_AGENT", "DEFAULT_MIN_INTERVAL", "DEFAULT_BACKOFF",
           "WikimediaClient", "resolve_base_url", "resolve_user_agent"]

log = logging.getLogger("trendlib.wikimedia.client")

DEFAULT_WIKIMEDIA_URL = "https://wikimedia.org/api/rest_v1"
#: seconds between two requests by default (Wikimedia documents 100 requests/s; trendlib stays far below)
DEFAULT_MIN_INTERVAL = 0.5
DEFAULT_BACKOFF = 2.0
_RATE_HINT = "; Wikimedia is rate-limiting, wait and rerun (raise --min-interval)"
_ALTERNATIVES = "check TRENDLIB_WIKIMEDIA_URL"


def _default_user_agent() -> str:
    import trendlib
    return (f"trendlib/{trendlib.__version__} (https://github.com/trendlib/trendlib; research use; "
            "set TRENDLIB_USER_AGENT to name yourself and a contact) python-requests")


DEFAULT_USER_AGENT = _default_user_agent()


def resolve_base_url(base_url: str | None = None) -> str:
    """The API base URL: the argument, else ``TRENDLIB_WIKIMEDIA_URL``, else Wikimedia's."""
    return settings.resolve_url(base_url, env="TRENDLIB_WIKIMEDIA_URL", default=DEFAULT_WIKIMEDIA_URL,
                                example="http://127.0.0.1:PORT/api/rest_v1", what="Wikimedia API base URL")


def resolve_user_agent(user_agent: str | None = None) -> str:
    """The User-Agent: the argument, else ``TRENDLIB_USER_AGENT``, else :data:`DEFAULT_USER_AGENT`.

    Refuses an empty agent or one without any contact hint (an e-mail address or a URL), which
    Wikimedia's User-Agent policy asks for.
    """
    import os
    text = (user_agent if user_agent is not None else os.environ.get("TRENDLIB_USER_AGENT", "")).strip()
    if not text:
        return DEFAULT_USER_AGENT
    if "\n" in text or "\r" in text:
        raise BadRequest("the User-Agent must be one line")
    if "@" not in text and "http" not in text and "/" not in text:
        raise BadRequest(f"User-Agent {text!r} names no contact; Wikimedia asks for a descriptive agent with a "
                         "contact, e.g. 'my-study/1.0 (https://example.org/me; me@example.org) trendlib'")
    return text


class WikimediaClient:
    """Sends per-article pageview requests politely and returns raw answers.

    Parameters (keyword-only)
    -------------------------
    base_url : API base URL (default ``TRENDLIB_WIKIMEDIA_URL`` or ``https://wikimedia.org/api/rest_v1``).
    user_agent : the User-Agent header (default ``TRENDLIB_USER_AGENT`` or :data:`DEFAULT_USER_AGENT`).
    session : a ``requests.Session`` (default: a new one, created on first use).
    min_interval : seconds between requests (default ``TRENDLIB_MIN_INTERVAL`` or 0.5).
    backoff : first retry delay in seconds (default ``TRENDLIB_BACKOFF_SECONDS`` or 2).
    max_attempts : tries per request before a typed error (default 5).
    timeout : seconds for one answer (default ``TRENDLIB_TIMEOUT`` or 10 s to connect, 60 s to answer).
    max_wait : seconds the client may spend waiting on the server in all (``TRENDLIB_MAX_WAIT``, 300).
    sleep, seed : injectable sleep function and jitter seed (tests).

    Nothing is sent until :meth:`get` is called (no network in the constructor).
    """

    def __init__(self, *, base_url: str | None = None, user_agent: str | None = None,
                 session: "requests.Session | None" = None, min_interval: float | None = None,
                 backoff: float | None = None, max_attempts: int = 5, max_delay: float = 600.0,
                 timeout: float | tuple[float, float] | None = None, max_wait: float | None = None,
                 sleep: Callable[[float], None] = time.sleep, seed: int | None = None):
        self.base_url = resolve_base_url(base_url)
        self.user_agent = resolve_user_agent(user_agent)
        self.min_interval = settings.resolve_min_interval(min_interval, default=DEFAULT_MIN_INTERVAL)
        self.backoff = settings.resolve_backoff(backoff, default=DEFAULT_BACKOFF)
        self.timeout = settings.resolve_timeout(timeout)
        self.budget = WaitBudget(max_wait)
        self._retry = RetryPolicy(backoff=self.backoff, max_attempts=max_attempts, max_delay=max_delay,
                                  budget=self.budget, rate_hint=_RATE_HINT, server="Wikimedia", sleep=sleep,
                                  seed=seed)
        self._limiter = RateLimiter(self.min_interval, sleep=sleep)
        self._session = session
        self.requests_sent = 0

    def _send(self, url: str) -> Any:
        if self._session is None:
            import requests
            self._session = requests.Session()
        self._limiter.wait()
        log.debug("GET %s", settings.public_url(url))
        self.requests_sent += 1
        response = self._session.get(url, headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                                     timeout=self.timeout)
        _ = response.text  # read the whole body inside the retry (a cut body is retried)
        return response

    def get(self, url: str, *, what: str) -> Response:
        """GET ``url`` (under :attr:`base_url`) and return the raw answer (200 with data, or 404)."""
        attempts = Attempts()
        response = self._retry.call(lambda: _checked(self._send(url), what), classify=self._classify(url),
                                    what=what, attempts=attempts)
        return Response(text=response.text, url=response.url, status=response.status_code,
                        content_type=response.headers.get("Content-Type", ""), fetched_at=utc_now(),
                        attempts=attempts.count, retries=tuple(attempts.retries))

    def _classify(self, url: str) -> Callable[[BaseException], Failure | None]:
        import requests

        def classify(exc: BaseException) -> Failure | None:
            if isinstance(exc, _Transient):
                return exc.failure
            if isinstance(exc, requests.exceptions.Timeout):
                return Failure("server", f"no answer within the timeout ({exc.__class__.__name__})")
            if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                                requests.exceptions.ContentDecodingError)):
                return Failure("server", connection_problem(exc, self.base_url))
            return None
        return classify


class _Transient(Exception):
    """An answer the retry policy should see as a :class:`Failure` (raised inside the retried call)."""

    def __init__(self, failure: Failure):
        super().__init__(failure.text)
        self.failure = failure


def _checked(response: Any, what: str) -> Any:
    """``response`` when it is an answer to keep (200 with pageview JSON, or 404); else raise."""
    status = response.status_code
    ctype = response.headers.get("Content-Type", "")
    body = response.text or ""
    if status == 429:
        raise _Transient(Failure("rate", "HTTP 429 Too Many Requests", response))
    if status >= 500:
        raise _Transient(Failure("server", f"HTTP {status}", response))
    if status == 403:
        raise AgentRefused(f"Wikimedia refused {what} with HTTP 403: its User-Agent policy requires a descriptive "
                           "agent with a contact; set --user-agent or TRENDLIB_USER_AGENT, e.g. 'my-study/1.0 "
                           "(me@example.org) trendlib'", request=what)
    if status == 400:
        raise BadRequest(f"Wikimedia answered 400 Bad Request for {what}: {_problem_detail(body)}", request=what)
    if status == 404:
        return response
    if status != 200:
        raise ServerError(f"Wikimedia answered HTTP {status} for {what} (expected 200 or 404)", request=what)
    failure = non_data_failure(status=status, content_type=ctype, text=body, server="Wikimedia",
                               alternatives=_ALTERNATIVES)
    if failure is not None:
        raise _Transient(Failure(failure.kind, failure.text, response, failure.advice, failure.retry))
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        raise _Transient(Failure("server", "a response that is not valid JSON", response)) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise _Transient(wrong_shape_failure(missing="'items'", server="Wikimedia", alternatives=_ALTERNATIVES))
    return response


def _problem_detail(body: str) -> str:
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return repr(body.strip()[:120])
    if isinstance(data, dict):
        return str(data.get("detail") or data.get("title") or data)[:200]
    return repr(body.strip()[:120])
