"""Google side of the matrix: the real CLI against the loopback fake Google with injected faults.

Each case starts from an earlier, finished fetch (its cache entries and output files), runs
``trendlib fetch`` (in a subprocess for a representative few, through ``trendlib.cli.main``
in-process for the rest) while the fake misbehaves, and checks: the exit status, that
the message names the problem, that every earlier file is byte-identical, that no partial output
was written and every cache entry is whole; then (refusals) that rerunning the same command
resumes without asking again for what was already fetched and gives exactly the series of an
uninterrupted run, or (recoveries) that the fetch succeeded with that series.
"""
from __future__ import annotations

import socket

import pytest

from trendlib.trends.client import TrendsClient
from trendlib.trends.fetch import fetch_trends

from .conftest import LONG, SHORT, cli, cli_here, multiline_timeframes, plan_of, same_series, snapshot

pytestmark = pytest.mark.matrix("google")


def _inject_after(fake, n_ok: int, kind: str, **kw) -> None:
    """Inject a fault that starts after the fake has answered ``n_ok`` interest-over-time requests
    (mid-fetch), whatever the speed of this machine: ahead of it in the fake's queue goes a "hang" of 0 s
    for the first ``n_ok`` of them (an answer like any other), so the fault is taken by request n_ok + 1.
    No watcher thread racing the fetch."""
    if n_ok:
        assert kw.get("endpoint") == "multiline", "a mid-fetch fault is one on the interest-over-time endpoint"
        fake.inject("hang", endpoint="multiline", count=n_ok, seconds=0)
    fake.inject(kind, **kw)


# these run in a subprocess (python -m trendlib); the others through trendlib.cli.main in-process, which is the
# same parsing, handlers, messages and exit codes without an interpreter start-up each
SUBPROCESS = {"429 storm mid-fetch", "500s mid-fetch", "response cut in the middle", "unexpected resolution"}

# id, fault, inject options, span, answered before the fault, exit code, words the message must contain
REFUSED = [
    ("429 storm outlasting every retry", "429", dict(duration=120), "short", 0, 3,
     ["HTTP 429", "rate-limiting"]),
    ("429 storm mid-fetch", "429", dict(endpoint="multiline", duration=120), "long", 2, 3,
     ["HTTP 429", "2 request(s) done and cached"]),
    ("Google's quota page", "quota", dict(endpoint="explore", count=100), "short", 0, 3, ["quota"]),
    ("500s mid-fetch", "500", dict(endpoint="multiline", count=100), "long", 2, 3,
     ["HTTP 500", "2 request(s) done and cached"]),
    ("400 for the request", "400", dict(endpoint="explore", count=1), "short", 0, 2, ["400 Bad Request"]),
    ("response cut in the middle", "cut", dict(endpoint="multiline", count=100), "long", 1, 3,
     ["cut connection", "1 request(s) done and cached"]),
    ("explore response cut", "cut", dict(endpoint="explore", count=100), "short", 0, 3, ["cut connection"]),
    ("invalid JSON body", "invalid_json", dict(endpoint="multiline", count=100), "short", 0, 3,
     ["not valid JSON"]),
    ("invalid JSON explore body", "invalid_json", dict(endpoint="explore", count=100), "short", 0, 3,
     ["not valid JSON", "explore"]),
    ("missing Content-Type", "no_content_type", dict(endpoint="multiline", count=100), "short", 0, 3,
     ["without Content-Type"]),
    ("unexpected resolution", "wrong_resolution", dict(endpoint="explore", count=1), "short", 0, 3,
     ["'week' resolution", "expects 'day'", "set aside"]),
    ("empty timeline mid-fetch", "empty_timeline", dict(endpoint="multiline", count=1), "long", 3, 3,
     ["empty timeline", "3 request(s) done and cached"]),
    # answers that are not data, with HTTP 200 (issue 15 point 3): said what came back and what to do
    ("captcha page with HTTP 200", "captcha", dict(endpoint="multiline", count=100), "short", 0, 3,
     ["captcha page", "HTTP 200", "automated traffic", "wait some hours",
      "trendlib import"]),
    ("consent page with HTTP 200 (not retried)", "consent", dict(endpoint="explore", count=100), "short", 0, 3,
     ["cookie-consent page", "after 1 attempt(s)", "another network", "trendlib import"]),
    ("HTML portal page with HTTP 200", "html", dict(endpoint="multiline", count=100), "short", 0, 3,
     ["an HTML page titled 'Network login'", "HTTP 200", "check the server URL"]),
    ("empty body with HTTP 200", "empty_body", dict(endpoint="multiline", count=100), "short", 0, 3,
     ["empty body", "HTTP 200"]),
    ("JSON of another shape", "other_json", dict(endpoint="explore", count=100), "short", 0, 3,
     ["JSON of another shape", "widgets"]),
    # a bound on waiting (issue 15 point 5): a far-future Retry-After stops the fetch at once, not after 40 min
    ("far-future Retry-After on every request", "429", dict(duration=120, retry_after=2400), "short", 0, 3,
     ["Google asked to wait 2400 s (Retry-After)", "--max-wait", "stopped without waiting"]),
    ("far-future Retry-After mid-fetch", "429", dict(endpoint="multiline", duration=120, retry_after=2400), "long", 2, 3,
     ["Retry-After", "--max-wait", "2 request(s) done and cached"]),
]


@pytest.mark.parametrize("name, kind, options, span_name, n_ok, code, words", REFUSED, ids=[c[0] for c in REFUSED])
def test_fault_is_refused_clearly_and_a_rerun_resumes(name, kind, options, span_name, n_ok, code, words, world,
                                                      fake, reference, case, monkeypatch):
    span = SHORT if span_name == "short" else LONG
    _inject_after(fake, n_ok, kind, **options)
    proc = (cli if name in SUBPROCESS else cli_here)(*world.fetch_args(span), url=fake.url)
    assert fake.count(status=200, endpoint="multiline") >= n_ok
    case.refused_cli(proc, code=code, words=words + ["rerun the same command to resume"])
    assert "(expected 200)" not in proc.stderr, "an answer that is not data misreported as a status problem"
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not world.target.exists(), "a partial output was written"
    assert world.whole_entries(), "a corrupt cache entry"
    done = world.cached_timeframes(span)
    assert len(done) == n_ok
    # rerun once Google behaves (the same command, in-process for speed): only what is missing is asked,
    # and the series is the uninterrupted one
    fake.clear_faults()
    fake.reset_log()
    assert world.fetch_in_process(span, url=fake.url, monkeypatch=monkeypatch) == 0
    asked = multiline_timeframes(fake.log)
    assert not set(asked) & done, f"finished request(s) sent again: {set(asked) & done}"
    assert sorted(asked) == sorted(r.timeframe for r in plan_of(span).requests if r.timeframe not in done)
    same_series(world.target, reference[span_name])
    case.intact(world.before, snapshot(world.cache, world.outdir))


# id, fault, inject options, extra CLI options
RECOVERED = [
    ("429 storm then recovery", "429", dict(duration=0.8), ["--backoff", "0.25"]),
    ("429 on the cookie request", "429", dict(endpoint="cookie", count=1), []),
    ("429 on every cookie request", "429", dict(endpoint="cookie", count=1000), []),
    ("two 500s then recovery", "500", dict(endpoint="multiline", count=2), []),
    ("one cut response then recovery", "cut", dict(endpoint="multiline", count=1), []),
    ("one invalid JSON body then recovery", "invalid_json", dict(endpoint="multiline", count=1), []),
    ("one missing Content-Type then recovery", "no_content_type", dict(endpoint="multiline", count=1), []),
    ("one captcha page (HTTP 200) then recovery", "captcha", dict(endpoint="multiline", count=1), []),
    ("one empty body (HTTP 200) then recovery", "empty_body", dict(endpoint="multiline", count=1), []),
    ("Retry-After within --max-wait then recovery", "429", dict(endpoint="multiline", count=2, retry_after=0.2),
     ["--max-wait", "5"]),
]


@pytest.mark.parametrize("name, kind, options, extra", RECOVERED, ids=[c[0] for c in RECOVERED])
def test_transient_fault_is_retried_and_the_series_is_complete(name, kind, options, extra, world, fake,
                                                               reference, case):
    fake.inject(kind, **options)
    proc = cli_here(*world.fetch_args(SHORT, *extra), url=fake.url)
    assert proc.returncode == 0, proc.stderr
    faulty = [r for r in fake.log if r.fault == kind]
    assert faulty, "the fault was never hit"
    same_series(world.target, reference["short"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert world.whole_entries()
    case.recovered(f"{len(faulty)} faulty answer(s) retried")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_names_the_server(world, case):
    port = _free_port()
    proc = world.fetch(SHORT, url=f"http://127.0.0.1:{port}/trends")
    case.refused_cli(proc, code=3, words=[f"127.0.0.1:{port}", "refused", "rerun the same command to resume"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not world.target.exists()


def test_hang_longer_than_the_timeout_cli(world, fake, case):
    # the hang outlasts the test: the command ending at all means --timeout cut every wait
    fake.inject("hang", endpoint="multiline", count=100, seconds=3600)
    proc = world.fetch(SHORT, "--timeout", "2", url=fake.url, timeout=280)
    case.refused_cli(proc, code=3, words=["within the timeout", "rerun the same command to resume"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not world.target.exists()


def test_hang_longer_than_the_timeout_api(world, fake, case):
    from trendlib.trends.errors import ServerError
    fake.inject("hang", endpoint="multiline", count=100, seconds=3600)
    client = TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001, timeout=(10, 2), max_attempts=2)
    span = {k: v for k, v in SHORT.items() if k != "terms"}
    with pytest.raises(ServerError) as info:
        fetch_trends(SHORT["terms"], **span, cache_dir=world.cache, out=world.target, client=client)
    case.refused_api(info.value, code=3, words=["no answer within the timeout", "after 2 attempt(s)"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    assert not world.target.exists()


def test_one_hang_is_retried_api(world, fake, reference, case):
    fake.inject("hang", endpoint="multiline", count=1, seconds=3600)
    client = TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001, timeout=(10, 2), max_attempts=3)
    span = {k: v for k, v in SHORT.items() if k != "terms"}
    fetch_trends(SHORT["terms"], **span, cache_dir=world.cache, out=world.target, client=client)
    same_series(world.target, reference["short"])
    case.intact(world.before, snapshot(world.cache, world.outdir))
    case.recovered("one hung answer timed out and was retried")
