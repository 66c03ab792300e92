"""Typed errors of the Google Trends layer.

Every error says what was asked, what was already fetched (and is safe in the
cache) and what remains, so a caller can resume instead of starting again.

==================== ========= ===========================================================
error                exit code when
==================== ========= ===========================================================
BadRequest           2         the input is invalid (terms, geo, dates, category, gprop), or
                               Google answered 400 for it
OfflineMiss          2         offline mode and the cache lacks requests (they are named)
RateLimited          3         429 after every allowed attempt
QuotaExceeded        3         Google signals a longer block (repeated 429 waves / quota page)
ServerError          3         5xx, a cut or invalid response, or the network failed after retries
NoData               3         Google has no data for the request
ResolutionMismatch   3         Google answered at another resolution than the plan expects
StitchError          3         pulls cannot be put on one scale (windows or batches share too few
                               usable points, e.g. no overlap or an anchor rounded to 0)
==================== ========= ===========================================================
"""
from __future__ import annotations

from collections.abc import Sequence

from trendlib.errors import TrendlibError

__all__ = ["TrendsError", "BadRequest", "OfflineMiss", "RateLimited", "QuotaExceeded", "ServerError",
           "NoData", "ResolutionMismatch", "StitchError"]


class TrendsError(TrendlibError):
    """Base of the Trends layer's errors.

    Attributes
    ----------
    request : a description of the request that failed ('' when not request-specific)
    done : descriptions of the requests already completed (their responses are cached)
    remaining : descriptions of the requests not yet completed
    """

    exit_code = 3

    def __init__(self, message: str, *, request: str = "", done: Sequence[str] = (),
                 remaining: Sequence[str] = ()):
        self.request = request
        self.done = list(done)
        self.remaining = list(remaining)
        text = message
        if done or remaining:
            text += (f" ({len(self.done)} request(s) done and cached, {len(self.remaining)} remaining; "
                     "rerun the same command to resume)")
        super().__init__(text)


class BadRequest(TrendsError, ValueError):
    exit_code = 2


class OfflineMiss(TrendsError):
    exit_code = 2


class RateLimited(TrendsError):
    pass


class QuotaExceeded(RateLimited):
    pass


class ServerError(TrendsError):
    pass


class NoData(TrendsError):
    pass


class ResolutionMismatch(TrendsError):
    pass


class StitchError(TrendsError):
    """Pulls cannot be put on one common scale: too little usable overlap between windows, or an
    anchor reported as 0 / "<1" in a batch. The message names the windows or batches and what is needed."""
