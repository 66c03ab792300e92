"""Retry with exponential backoff, typed errors, and one bound on the total wait of a command.

:class:`RetryPolicy` runs one HTTP step (``fn``) until it succeeds, retrying the failures the
source's ``classify`` function calls transient: 429, 5xx, connection failures and timeouts, cut
or invalid bodies, answers that are not data where a retry can help. The first delay is
``backoff`` seconds, doubling, with up to +50 % jitter, never shorter than the server's
``Retry-After``, never longer than ``max_delay``. After ``max_attempts`` tries it raises
:class:`~trendlib.acquire.errors.RateLimited` (429),
:class:`~trendlib.acquire.errors.UnexpectedAnswer` (not data) or
:class:`~trendlib.acquire.errors.ServerError`.

:class:`WaitBudget` is the one bound on waiting for a whole command (``--max-wait`` /
``TRENDLIB_MAX_WAIT``, default 300 s): it adds up backoff delays and the time of failed tries
(a hang until the timeout). A wait that would pass it is not started: the policy raises
:class:`~trendlib.acquire.errors.WaitExceeded` at once, so a far-future ``Retry-After`` never
holds a fetch for long. The rate limiter's planned spacing is not counted.
"""
from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trendlib.acquire.errors import (BadRequest, RateLimited, ServerError, UnexpectedAnswer, WaitExceeded)
from trendlib.acquire.settings import resolve_max_wait

__all__ = ["Failure", "Attempts", "WaitBudget", "RetryPolicy", "retry_after_seconds", "connection_problem"]

log = logging.getLogger("trendlib.acquire.retry")

_CONNECTION_REASONS = (
    ("refused", "connection refused: nothing answers there; check the server URL and the network"),
    ("name or service not known", "the host name does not resolve; check the URL and the network"),
    ("nameresolution", "the host name does not resolve; check the URL and the network"),
    ("temporary failure in name resolution", "the host name does not resolve; check the URL and the network"),
    ("network is unreachable", "the network is unreachable"),
    ("timed out", "the connection timed out"),
    ("reset by peer", "the server reset the connection"),
)


@dataclass(frozen=True)
class Failure:
    """One failed try, as the source's ``classify`` sees it.

    kind : ``rate`` (429), ``server`` (5xx, network, cut or invalid body) or ``answer`` (the server
        answered, but not with data: HTML, captcha, consent page, empty body, JSON of another shape).
    text : what happened, for messages ("HTTP 429 Too Many Requests").
    response : the HTTP response, when there is one (its ``Retry-After`` is honoured).
    advice : what the user can do when retries do not help (``answer`` failures).
    retry : False when a retry cannot help (the error is raised at once).
    """

    kind: str
    text: str
    response: Any = None
    advice: str = ""
    retry: bool = True


@dataclass
class Attempts:
    """The tries of one request across its HTTP steps: count and the retries with their waits."""

    count: int = 0
    retries: list[dict[str, Any]] = field(default_factory=list)


class WaitBudget:
    """The seconds one command may still spend waiting on servers (shared by its requests, thread-safe).

    ``max_wait``: the argument, else ``TRENDLIB_MAX_WAIT``, else 300 s.
    """

    def __init__(self, max_wait: float | None = None):
        self.max_wait = resolve_max_wait(max_wait)
        self.waited = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WaitBudget(max_wait={self.max_wait:g}, waited={self.waited:.3f})"

    @property
    def left(self) -> float:
        return max(0.0, self.max_wait - self.waited)

    def charge(self, seconds: float) -> None:
        with self._lock:
            self.waited += max(0.0, float(seconds))


def retry_after_seconds(response: Any) -> float | None:
    """The ``Retry-After`` header of ``response`` in seconds (a number or an HTTP date), or None."""
    if response is None:
        return None
    text = getattr(response, "headers", {}).get("Retry-After")
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime
            when = parsedate_to_datetime(text)
            return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())
        except (TypeError, ValueError):
            return None


def connection_problem(exc: BaseException, base_url: str) -> str:
    """'a failed or cut connection to HOST:PORT (why; ExceptionName)' for a requests connection error."""
    from urllib.parse import urlsplit
    parts = urlsplit(base_url)
    where = (parts.hostname or "?") + (f":{parts.port}" if parts.port else "")
    texts, seen, e = [], set(), exc
    while e is not None and id(e) not in seen:  # the reason sits in the chain of wrapped errors
        seen.add(id(e))
        texts.append(f"{type(e).__name__} {e}")
        texts += [str(a) for a in getattr(e, "args", ())]
        e = e.__cause__ or e.__context__ or getattr(e, "reason", None)
        if not isinstance(e, BaseException):
            e = None
    low = " ".join(texts).lower()
    name = type(exc).__name__
    if name in ("ChunkedEncodingError", "ContentDecodingError"):
        why = "the response was cut in the middle"
    else:
        why = next((text for key, text in _CONNECTION_REASONS if key in low), "the connection failed")
    return f"a failed or cut connection to {where} ({why}; {name})"


class RetryPolicy:
    """How a source retries one HTTP step (see the module docstring).

    Parameters (keyword-only)
    -------------------------
    backoff : first delay in seconds (doubled each retry, up to +50 % jitter).
    max_attempts : tries per step before a typed error (>= 1).
    max_delay : longest single wait in seconds.
    budget : the command's :class:`WaitBudget` (default: a new one from ``TRENDLIB_MAX_WAIT``).
    rate_hint : appended to the :class:`RateLimited` message (what to change, in the source's words).
    server : the server's name in messages ("Google", "Wikimedia").
    sleep, seed, clock : injectable sleep, jitter seed and monotonic clock (tests).
    """

    def __init__(self, *, backoff: float, max_attempts: int = 5, max_delay: float = 600.0,
                 budget: WaitBudget | None = None, rate_hint: str = "", server: str = "the server",
                 sleep: Callable[[float], None] = time.sleep, seed: int | None = None,
                 clock: Callable[[], float] = time.monotonic):
        if not isinstance(max_attempts, int) or isinstance(max_attempts, bool) or max_attempts < 1:
            raise BadRequest(f"max_attempts {max_attempts!r}: expected a whole number >= 1")
        self.backoff = float(backoff)
        self.max_attempts = max_attempts
        self.max_delay = float(max_delay)
        self.budget = budget if budget is not None else WaitBudget()
        self.rate_hint = rate_hint
        self.server = server
        self._sleep, self._clock = sleep, clock
        self._rng = random.Random(seed)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed try ``attempt`` (1-based), honouring ``retry_after``."""
        delay = self.backoff * (2 ** (attempt - 1)) * (1.0 + 0.5 * self._rng.random())
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.max_delay)

    def call(self, fn: Callable[[], Any], *, classify: Callable[[BaseException], Failure | None], what: str,
             attempts: Attempts | None = None) -> Any:
        """``fn()``, retried per ``classify`` (None: not a transient failure, re-raised as it is)."""
        attempts = attempts if attempts is not None else Attempts()
        last: Failure | None = None
        tries = 0
        for attempt in range(1, self.max_attempts + 1):
            tries = attempt
            attempts.count += 1
            started = self._clock()
            try:
                return fn()
            except Exception as exc:  # noqa: BLE001 - classify decides; unknown errors are re-raised
                failure = classify(exc)
                if failure is None:
                    raise
            self.budget.charge(self._clock() - started)
            last = failure
            if not failure.retry or attempt == self.max_attempts:
                break
            asked = retry_after_seconds(failure.response)
            delay = self.delay(attempt, asked)
            if delay > self.budget.left:
                raise self._over_budget(what, failure, attempt, delay, asked) from None
            attempts.retries.append({"attempt": attempt, "error": failure.text, "wait_s": round(delay, 3)})
            log.warning("%s: %s (attempt %d of %d); retrying in %.1f s", what, failure.text, attempt,
                        self.max_attempts, delay)
            self.budget.charge(delay)
            self._sleep(delay)
        raise self._final(what, last, tries) from None

    def _over_budget(self, what: str, failure: Failure, attempt: int, delay: float,
                     asked: float | None) -> WaitExceeded:
        b = self.budget
        why = (f"{self.server} asked to wait {asked:.0f} s (Retry-After)" if asked is not None and asked >= delay
               else f"the next retry would wait {delay:.1f} s")
        if asked is not None and asked > delay:
            why += f" (trendlib waits at most {self.max_delay:g} s at a time)"
        return WaitExceeded(f"{what}: {failure.text} (attempt {attempt} of {self.max_attempts}); {why}, more than "
                            f"the {b.left:.1f} s left of the command's wait bound of {b.max_wait:g} s "
                            f"(--max-wait / TRENDLIB_MAX_WAIT; {b.waited:.1f} s waited so far): stopped "
                            "without waiting. Rerun later, or raise --max-wait", request=what, waited=b.waited,
                            max_wait=b.max_wait, asked=asked if asked is not None else delay)

    def _final(self, what: str, last: Failure | None, tries: int) -> Exception:
        text = last.text if last is not None else "no answer"
        message = f"{what}: {text} after {tries} attempt(s)"
        if last is not None and last.kind == "rate":
            return RateLimited(message + self.rate_hint, request=what)
        if last is not None and last.kind == "answer":
            return UnexpectedAnswer(f"{what}: {text} (after {tries} attempt(s))"
                                    + (f"; {last.advice}" if last.advice else ""), answer=text, request=what)
        return ServerError(message, request=what)
