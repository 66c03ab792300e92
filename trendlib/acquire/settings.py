"""Settings every source reads the same way: arguments first, then ``TRENDLIB_*`` variables, then defaults.

=========================== =========================================================
variable                    meaning
=========================== =========================================================
``TRENDLIB_MIN_INTERVAL``   seconds between the starts of two requests
``TRENDLIB_BACKOFF_SECONDS`` first wait after a 429/5xx (doubled each retry, with jitter)
``TRENDLIB_TIMEOUT``        seconds to wait for one answer (connecting waits at most 10)
``TRENDLIB_MAX_WAIT``       seconds one command may spend waiting on the server in all
``TRENDLIB_CACHE_DIR``      the raw-response cache (:mod:`trendlib.acquire.cache`)
``TRENDLIB_OFFLINE``        1: serve only from the cache
=========================== =========================================================

Each source passes its own default (Google's 5 s between requests, Wikimedia's shorter one).
"""
from __future__ import annotations

import os
import re

from trendlib.acquire.errors import BadRequest

__all__ = ["env_seconds", "resolve_min_interval", "resolve_backoff", "resolve_timeout", "resolve_max_wait",
           "resolve_url", "public_url", "DEFAULT_TIMEOUT", "DEFAULT_MAX_WAIT"]

DEFAULT_TIMEOUT = (10.0, 60.0)
#: seconds one command may wait on servers in all by default (backoff, Retry-After, failed tries)
DEFAULT_MAX_WAIT = 300.0


def env_seconds(name: str, value: float | None, default: float) -> float:
    """``value``, else the variable ``name`` read as seconds, else ``default``; refuses negatives and text."""
    if value is None:
        text = os.environ.get(name, "").strip()
        if not text:
            return default
        try:
            value = float(text)
        except ValueError:
            raise BadRequest(f"{name}={text!r} is not a number of seconds") from None
    if not value >= 0 or value == float("inf"):
        raise BadRequest(f"{name.lower()} {value!r}: expected a number of seconds >= 0")
    return float(value)


def resolve_min_interval(value: float | None = None, *, default: float) -> float:
    """Seconds between requests: the argument, else ``TRENDLIB_MIN_INTERVAL``, else ``default``."""
    return env_seconds("TRENDLIB_MIN_INTERVAL", value, default)


def resolve_backoff(value: float | None = None, *, default: float) -> float:
    """First backoff delay in seconds: the argument, else ``TRENDLIB_BACKOFF_SECONDS``, else ``default``."""
    return env_seconds("TRENDLIB_BACKOFF_SECONDS", value, default)


def resolve_max_wait(value: float | None = None) -> float:
    """Seconds one command may spend waiting on the server: the argument, else ``TRENDLIB_MAX_WAIT``,
    else 300 (5 minutes)."""
    return env_seconds("TRENDLIB_MAX_WAIT", value, DEFAULT_MAX_WAIT)


def resolve_timeout(value: float | tuple[float, float] | None = None) -> float | tuple[float, float]:
    """Seconds to wait on one request: the argument, else ``TRENDLIB_TIMEOUT`` (seconds to wait for an
    answer; connecting waits at most 10 of them), else 10 s to connect and 60 s for the answer."""
    if isinstance(value, tuple):
        return value
    if value is None and not os.environ.get("TRENDLIB_TIMEOUT", "").strip():
        return DEFAULT_TIMEOUT
    seconds = env_seconds("TRENDLIB_TIMEOUT", value, DEFAULT_TIMEOUT[1])
    if seconds <= 0:
        raise BadRequest(f"timeout {seconds!r}: expected a number of seconds > 0")
    return (min(DEFAULT_TIMEOUT[0], seconds), seconds)


def resolve_url(value: str | None, *, env: str, default: str, example: str, what: str = "base URL") -> str:
    """A base URL: the argument, else the variable ``env``, else ``default``; must be http(s)."""
    url = value or os.environ.get(env) or default
    if not re.match(r"^https?://[^/]+(/.*)?$", url):
        raise BadRequest(f"{what} {url!r} is not an http(s) URL ({env}); expected e.g. {default} or {example}")
    return url.rstrip("/")


def public_url(url: str) -> str:
    """``url`` without what must not be written down: user:password and Google's widget ``token``."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if not parts.query:
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
