"""Typed errors of the Google Trends layer.

Every error says what was asked, what was already fetched (and is safe in the cache) and
what remains, so a caller can resume instead of starting again. The errors any source can
meet are the acquisition layer's (:mod:`trendlib.acquire.errors`), re-exported here under the
names Trends code has always used; ``TrendsError`` is their common base
(:class:`~trendlib.acquire.errors.AcquireError`).

==================== ========= ===========================================================
error                exit code when
==================== ========= ===========================================================
BadRequest           2         the input is invalid (terms, geo, dates, category, gprop), or
                               Google answered 400 for it
OfflineMiss          2         offline mode and the cache lacks requests (they are named)
RateLimited          3         429 after every allowed attempt
QuotaExceeded        3         Google signals a longer block (repeated 429 waves / quota page)
ServerError          3         5xx, a cut or invalid response, or the network failed after retries
UnexpectedAnswer     3         Google answered with something that is not data (an HTML,
                               captcha or consent page, an empty body, JSON of another shape)
WaitExceeded         3         waiting on Google would pass ``--max-wait`` / ``TRENDLIB_MAX_WAIT``
NoData               3         Google has no data for the request
ResolutionMismatch   3         Google answered at another resolution than the plan expects
StitchError          3         pulls cannot be put on one scale (windows or batches share too few
                               usable points, e.g. no overlap or an anchor rounded to 0)
==================== ========= ===========================================================
"""
from __future__ import annotations

from trendlib.acquire.errors import AcquireError as TrendsError
from trendlib.acquire.errors import (BadRequest, OfflineMiss, QuotaExceeded, RateLimited, ServerError,
                                     UnexpectedAnswer, WaitExceeded)

__all__ = ["TrendsError", "BadRequest", "OfflineMiss", "RateLimited", "QuotaExceeded", "ServerError",
           "UnexpectedAnswer", "WaitExceeded", "NoData", "ResolutionMismatch", "StitchError"]


class NoData(TrendsError):
    pass


class ResolutionMismatch(TrendsError):
    pass


class StitchError(TrendsError):
    """Pulls cannot be put on one common scale: too little usable overlap between windows, or an
    anchor reported as 0 / "<1" in a batch. The message names the windows or batches and what is needed."""
