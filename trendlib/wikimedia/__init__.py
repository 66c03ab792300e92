"""Wikipedia pageviews: a second, unsampled attention signal beside Google Trends.

Daily views per article from the Wikimedia REST API's per-article endpoint
(``/metrics/pageviews/per-article/{project}/{access}/{agent}/{article}/daily/{start}/{end}``),
through the shared acquisition layer (:mod:`trendlib.acquire`: cache, rate limit, retries,
``--max-wait``, resume, offline replay, provenance). Modules: :mod:`~trendlib.wikimedia.titles`
(names the API accepts), :mod:`~trendlib.wikimedia.client` (HTTP, User-Agent policy, typed
errors), :mod:`~trendlib.wikimedia.fetch` (plan, assembly, CSV + provenance),
:mod:`~trendlib.wikimedia.commands` (``trendlib pageviews``).
"""
from __future__ import annotations

from trendlib._lazy import lazy_namespace

_API = {
    "fetch_pageviews": "fetch", "PageviewsResult": "fetch", "PageviewsPlan": "fetch", "plan_pageviews": "fetch",
    "OUTPUT_COLUMNS": "fetch", "WikimediaClient": "client", "normalise_title": "titles",
    "ArticleNotFound": "errors", "AgentRefused": "errors",
}

__all__ = sorted(_API)

__getattr__, __dir__ = lazy_namespace("trendlib.wikimedia", _API, globals())
