"""Typed errors of the acquisition layer, shared by every source (Google Trends, Wikimedia).

Every error says what was asked, what was already fetched (and is safe in the cache) and
what remains, so a caller can resume instead of starting again.

==================== ========= ===========================================================
error                exit code when
==================== ========= ===========================================================
BadRequest           2         the input is invalid, or the server answered 400 for it
OfflineMiss          2         offline mode and the cache lacks requests (they are named)
RateLimited          3         429 after every allowed attempt
QuotaExceeded        3         the server signals a longer block (a quota page)
ServerError          3         5xx, a cut or invalid response, or the network failed after retries
UnexpectedAnswer     3         an answer that is not data (an HTML, captcha or consent page, an
                               empty body, JSON of another shape), after retries where they help
WaitExceeded         3         waiting on the server would pass the command's ``--max-wait``
==================== ========= ===========================================================

Sources add their own subclasses next to their code (:mod:`trendlib.trends.errors`,
:mod:`trendlib.wikimedia.errors`).
"""
from __future__ import annotations

import copy
from collections.abc import Sequence

from trendlib.errors import TrendlibError

__all__ = ["AcquireError", "BadRequest", "OfflineMiss", "RateLimited", "QuotaExceeded", "ServerError",
           "UnexpectedAnswer", "WaitExceeded"]


def _with_progress(message: str, done: Sequence[str], remaining: Sequence[str]) -> str:
    if not (done or remaining):
        return message
    return (f"{message} ({len(done)} request(s) done and cached, {len(remaining)} remaining; "
            "rerun the same command to resume)")


class AcquireError(TrendlibError):
    """Base of the acquisition errors.

    Attributes
    ----------
    request : a description of the request that failed ('' when not request-specific)
    done : descriptions of the requests already completed (their responses are cached)
    remaining : descriptions of the requests not yet completed
    """

    exit_code = 3

    def __init__(self, message: str, *, request: str = "", done: Sequence[str] = (),
                 remaining: Sequence[str] = ()):
        self.message = message
        self.request = request
        self.done = list(done)
        self.remaining = list(remaining)
        super().__init__(_with_progress(message, self.done, self.remaining))

    def with_progress(self, *, request: str = "", done: Sequence[str] = (),
                      remaining: Sequence[str] = ()) -> "AcquireError":
        """A copy of this error (same type and attributes) that also says what is done and what remains."""
        new = copy.copy(self)
        new.request = self.request or request
        new.done, new.remaining = list(done), list(remaining)
        new.args = (_with_progress(self.message, new.done, new.remaining),)
        return new


class BadRequest(AcquireError, ValueError):
    exit_code = 2


class OfflineMiss(AcquireError):
    exit_code = 2


class RateLimited(AcquireError):
    pass


class QuotaExceeded(RateLimited):
    pass


class ServerError(AcquireError):
    pass


class UnexpectedAnswer(ServerError):
    """The server answered, but not with data: ``answer`` says what came back (an HTML page, a
    captcha or consent page, an empty body, JSON of another shape); the message says what to do."""

    def __init__(self, message: str, *, answer: str = "", **kw):
        self.answer = answer
        super().__init__(message, **kw)


class WaitExceeded(AcquireError):
    """Waiting longer on the server would pass the command's bound (``--max-wait`` /
    ``TRENDLIB_MAX_WAIT``). ``waited`` and ``max_wait`` are seconds; ``asked`` is the wait that
    was refused (a backoff delay or the server's ``Retry-After``)."""

    def __init__(self, message: str, *, waited: float = 0.0, max_wait: float = 0.0, asked: float = 0.0, **kw):
        self.waited, self.max_wait, self.asked = waited, max_wait, asked
        super().__init__(message, **kw)
