"""Raw Google Trends responses on disk: the acquisition cache with Google's request keys.

The layout, checksums, locking and offline flag are the shared
:class:`~trendlib.acquire.cache.ResponseCache`'s (see :mod:`trendlib.acquire.cache`).
What is Google's lives here: :func:`request_key` (a readable slug of endpoint, geo, terms and
timeframe, then the SHA-256 of the canonical request) and the pytrends version recorded with
every body. Pulls of one request on different fetch days are Google *samples*.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from trendlib.acquire.cache import (DEFAULT_CACHE_DIR, CacheEntry, ResponseCache, digest_key, resolve_offline,
                                    slug, utc_today)

__all__ = ["DEFAULT_CACHE_DIR", "CacheEntry", "TrendsCache", "request_key", "utc_today", "resolve_offline"]


def request_key(canonical: Mapping[str, Any]) -> str:
    """A stable file-safe key for a canonical request dict (endpoint, terms, geo, timeframe, ...).

    Same scheme as :meth:`trendlib.trends.plan.TrendsRequest.key`: a readable slug, then the
    SHA-256 of the canonical JSON (sorted keys, compact, UTF-8, NFC terms).
    """
    canon = dict(canonical)
    if "terms" in canon:
        canon["terms"] = [unicodedata.normalize("NFC", str(t)) for t in canon["terms"]]
    terms = "+".join(slug(str(t), 16) for t in canon.get("terms", []))[:48].rstrip("+_")
    endpoint = slug(str(canon.get("endpoint", "x")), 24)
    span = str(canon.get("timeframe", "")).replace(" ", "_").replace(":", "")
    return digest_key(f"{endpoint}-{(str(canon.get('geo', '')) or 'world').lower()}_{terms}-{span}", canon)


class TrendsCache(ResponseCache):
    """The raw-response cache of Google Trends pulls (records the pytrends version with each body).

    Parameters (keyword-only after ``root``): ``root`` the cache folder (default
    ``TRENDLIB_CACHE_DIR`` or ``.trendlib-cache``), ``offline`` (default ``TRENDLIB_OFFLINE``).
    """

    def versions(self) -> dict[str, str]:
        from importlib import metadata
        try:
            pyt = metadata.version("pytrends")
        except metadata.PackageNotFoundError:  # pragma: no cover - pytrends is a dependency
            pyt = "not installed"
        return {"pytrends_version": pyt, **super().versions()}
