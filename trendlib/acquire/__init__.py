"""Acquisition shared by every source: cache, rate limit, retry, wait bound, resume/offline, provenance.

Sources (``trendlib.trends`` for Google Trends, ``trendlib.wikimedia`` for Wikipedia pageviews)
describe their HTTP questions as :class:`Request` objects and answer one with a
:class:`Response`; the :class:`Runner` does the rest the same way for all of them::

    source plan ─▶ Runner (cache ▸ lock ▸ send: RateLimiter ▸ RetryPolicy/WaitBudget) ─▶ entries
                                                  │
                        tidy CSV + provenance ◀─ source's parser (``check``) and assembly

Modules: :mod:`~trendlib.acquire.cache` (raw bodies on disk), :mod:`~trendlib.acquire.limiter`,
:mod:`~trendlib.acquire.retry` (backoff, typed errors, ``--max-wait``),
:mod:`~trendlib.acquire.runner` (resume, offline replay), :mod:`~trendlib.acquire.provenance`
(the "not the real server, so illustrative" rule and the writer),
:mod:`~trendlib.acquire.settings` (``TRENDLIB_*`` variables), :mod:`~trendlib.acquire.errors`.
"""
from __future__ import annotations

from trendlib._lazy import lazy_namespace

_API = {
    "Request": "runner", "Response": "runner", "Runner": "runner", "utc_now": "runner",
    "ResponseCache": "cache", "CacheEntry": "cache", "digest_key": "cache", "utc_today": "cache",
    "resolve_offline": "cache",
    "RateLimiter": "limiter",
    "RetryPolicy": "retry", "WaitBudget": "retry", "Failure": "retry", "Attempts": "retry",
    "retry_after_seconds": "retry", "connection_problem": "retry",
    "is_official": "provenance", "server_fields": "provenance", "write_with_provenance": "provenance",
    "resolve_min_interval": "settings", "resolve_backoff": "settings", "resolve_timeout": "settings",
    "resolve_max_wait": "settings", "public_url": "settings",
    "AcquireError": "errors", "BadRequest": "errors", "OfflineMiss": "errors", "RateLimited": "errors",
    "QuotaExceeded": "errors", "ServerError": "errors", "UnexpectedAnswer": "errors", "WaitExceeded": "errors",
}

__all__ = sorted(_API)

__getattr__, __dir__ = lazy_namespace("trendlib.acquire", _API, globals())
