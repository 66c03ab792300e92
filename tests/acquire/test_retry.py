"""RetryPolicy and WaitBudget: backoff, typed errors, and the one bound on a command's waiting."""
from __future__ import annotations

import pytest

from trendlib.acquire import errors as E
from trendlib.acquire.retry import Failure, RetryPolicy, WaitBudget, retry_after_seconds


class _Response:
    def __init__(self, retry_after: str | None = None):
        self.headers = {"Retry-After": retry_after} if retry_after is not None else {}


class _Flaky:
    """Fails ``n`` times with ``exc`` then returns 'ok'."""

    def __init__(self, n: int, exc: Exception = RuntimeError("boom")):
        self.n, self.exc, self.calls = n, exc, 0

    def __call__(self):
        self.calls += 1
        if self.calls <= self.n:
            raise self.exc
        return "ok"


def _rate(retry_after: str | None = None):
    return lambda exc: Failure("rate", "HTTP 429 Too Many Requests", _Response(retry_after))


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("TRENDLIB_MAX_WAIT", raising=False)


def test_retries_then_succeeds_with_doubling_delays():
    sleeps: list[float] = []
    policy = RetryPolicy(backoff=1.0, max_attempts=5, sleep=sleeps.append, seed=1)
    fn = _Flaky(3)
    assert policy.call(fn, classify=_rate(), what="x") == "ok" and fn.calls == 4
    assert len(sleeps) == 3
    for k, s in enumerate(sleeps):
        assert 2.0 ** k <= s <= 1.5 * 2.0 ** k
    assert policy.budget.waited >= sum(sleeps)


def test_unknown_errors_are_not_swallowed():
    policy = RetryPolicy(backoff=0.0, sleep=lambda s: None)
    with pytest.raises(ZeroDivisionError):
        policy.call(lambda: 1 / 0, classify=lambda exc: None, what="x")


def test_final_error_types_say_what_and_how_often():
    policy = RetryPolicy(backoff=0.0, max_attempts=3, sleep=lambda s: None, rate_hint="; slow down")
    with pytest.raises(E.RateLimited, match=r"x: HTTP 429 Too Many Requests after 3 attempt\(s\); slow down"):
        policy.call(_Flaky(10), classify=_rate(), what="x")
    with pytest.raises(E.ServerError, match="HTTP 503 after 3 attempt"):
        policy.call(_Flaky(10), classify=lambda e: Failure("server", "HTTP 503"), what="x")
    with pytest.raises(E.UnexpectedAnswer) as info:
        policy.call(_Flaky(10), classify=lambda e: Failure("answer", "a captcha page", advice="wait"), what="x")
    assert info.value.answer == "a captcha page" and "(after 3 attempt(s)); wait" in str(info.value)


def test_a_failure_a_retry_cannot_help_is_raised_after_one_try():
    fn = _Flaky(10)
    policy = RetryPolicy(backoff=0.0, max_attempts=5, sleep=lambda s: None)
    with pytest.raises(E.UnexpectedAnswer, match=r"consent page \(after 1 attempt"):
        policy.call(fn, classify=lambda e: Failure("answer", "a consent page", retry=False), what="x")
    assert fn.calls == 1


def test_far_future_retry_after_stops_at_once_without_sleeping():
    sleeps: list[float] = []
    policy = RetryPolicy(backoff=0.001, max_attempts=5, sleep=sleeps.append, server="Google",
                         budget=WaitBudget(300))
    fn = _Flaky(100)
    with pytest.raises(E.WaitExceeded) as info:
        policy.call(fn, classify=_rate("2400"), what="request x")
    err = info.value
    assert sleeps == [] and fn.calls == 1 and err.exit_code == 3
    assert err.asked == 2400 and err.max_wait == 300
    assert "Google asked to wait 2400 s (Retry-After)" in str(err) and "--max-wait" in str(err)


def test_the_budget_is_shared_by_every_request_of_a_command():
    sleeps: list[float] = []
    budget = WaitBudget(10)
    policy = RetryPolicy(backoff=2.0, max_attempts=3, sleep=sleeps.append, seed=0, budget=budget)
    assert policy.call(_Flaky(1), classify=_rate("3"), what="a") == "ok"       # waits 3-ish s
    assert policy.call(_Flaky(1), classify=_rate("3"), what="b") == "ok"       # 6-ish s in all
    with pytest.raises(E.WaitExceeded, match=r"more than the [0-9.]+ s left of the command's wait bound of 10 s"):
        policy.call(_Flaky(1), classify=_rate("5"), what="c")
    assert sum(sleeps) <= 10 and budget.waited == pytest.approx(sum(sleeps), abs=0.5)


def test_max_wait_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRENDLIB_MAX_WAIT", "12.5")
    assert WaitBudget().max_wait == 12.5
    assert WaitBudget(3).max_wait == 3
    monkeypatch.setenv("TRENDLIB_MAX_WAIT", "soon")
    with pytest.raises(E.BadRequest, match="TRENDLIB_MAX_WAIT='soon'"):
        WaitBudget()
    monkeypatch.delenv("TRENDLIB_MAX_WAIT")
    assert WaitBudget().max_wait == 300


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds(_Response("7")) == 7.0
    assert retry_after_seconds(_Response("Wed, 21 Oct 2015 07:28:00 GMT")) == 0.0   # in the past
    assert retry_after_seconds(_Response("soon")) is None and retry_after_seconds(None) is None


def test_with_progress_keeps_type_and_attributes():
    err = E.WaitExceeded("stopped", waited=5, max_wait=10, asked=600)
    new = err.with_progress(request="r", done=["a"], remaining=["b", "c"])
    assert type(new) is E.WaitExceeded and new.asked == 600 and new.request == "r"
    assert "1 request(s) done and cached, 2 remaining; rerun the same command to resume" in str(new)
    assert str(err) == "stopped"
