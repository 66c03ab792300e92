"""Typed errors of the Wikimedia pageviews source.

The errors every source can meet (bad input, offline miss, 429 after retries, server errors,
answers that are not data, the ``--max-wait`` bound) are the acquisition layer's
(:mod:`trendlib.acquire.errors`), re-exported here. What is Wikimedia's:

==================== ========= ===========================================================
error                exit code when
==================== ========= ===========================================================
ArticleNotFound      2         the API answered 404 for every part of the span: no views were
                               ever recorded under that title (a typo, another project, a
                               title that only exists under another spelling)
AgentRefused         2         Wikimedia refused the request with 403 (its User-Agent policy:
                               a descriptive agent with a contact is required)
==================== ========= ===========================================================
"""
from __future__ import annotations

from trendlib.acquire.errors import (AcquireError, BadRequest, OfflineMiss, RateLimited, ServerError,
                                     UnexpectedAnswer, WaitExceeded)

__all__ = ["AcquireError", "BadRequest", "OfflineMiss", "RateLimited", "ServerError", "UnexpectedAnswer",
           "WaitExceeded", "ArticleNotFound", "AgentRefused"]


class ArticleNotFound(BadRequest):
    """No views under ``article`` (as typed) = ``title`` (normalised) in ``project`` over the span."""

    def __init__(self, message: str, *, article: str = "", title: str = "", project: str = "", **kw):
        self.article, self.title, self.project = article, title, project
        super().__init__(message, **kw)


class AgentRefused(BadRequest):
    """Wikimedia answered 403: its User-Agent policy refuses generic or library-default agents."""
