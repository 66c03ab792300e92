"""A polite rate limiter: at least ``min_interval`` seconds between the starts of two requests."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """At least ``min_interval`` seconds between the starts of two requests (thread-safe).

    Its waits are trendlib's own politeness, planned in advance; they do not count against the
    command's wait budget (:class:`trendlib.acquire.retry.WaitBudget`), which bounds waiting on
    a server that does not answer with data.
    """

    def __init__(self, min_interval: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.min_interval = float(min_interval)
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Sleep until the next request may start; returns the seconds slept."""
        with self._lock:
            now = self._clock()
            slept = 0.0
            if self._last is not None:
                slept = max(0.0, self._last + self.min_interval - now)
                if slept > 0:
                    self._sleep(slept)
            self._last = self._clock()
            return slept
