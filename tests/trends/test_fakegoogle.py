"""The fake Google server, through pytrends' real HTTP code path (no mocks)."""
from __future__ import annotations


import json
import subprocess
import time
import urllib.request
import warnings

import pytest

from trendlib.testing.fakegoogle import FakeGoogle
from trendlib.trends.client import pytrends_pointed_at

# warnings raised by trendlib (or anything it calls) fail these tests
pytestmark = pytest.mark.filterwarnings("error")


def _open(url, *, post=False):
    """(status, headers, body) of one request, closing everything (HTTP errors included)."""
    req = urllib.request.Request(url, method="POST" if post else "GET", data=b"" if post else None)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def test_pytrends_reads_the_fake_like_google(fake):
    with pytrends_pointed_at(fake.url) as pr:
        t = pr.TrendReq(retries=0, backoff_factor=0, tz=0)
        assert t.cookies.get("NID")
        t.build_payload(["visa", "flights"], timeframe="2022-01-01 2022-06-30", geo="RU")
        df = t.interest_over_time()
        assert t.interest_over_time_widget["request"]["resolution"] == "DAY"
    assert list(df.columns) == ["visa", "flights", "isPartial"] and len(df) == 181
    assert df[["visa", "flights"]].to_numpy().max() == 100
    assert [r.endpoint for r in fake.log] == ["cookie", "explore", "multiline"]


def test_resolution_rule_and_partial_point(fake):
    with pytrends_pointed_at(fake.url) as pr:
        t = pr.TrendReq(retries=0, backoff_factor=0, tz=0)
        t.build_payload(["visa"], timeframe="2021-01-01 2023-03-01", geo="RU")
        with warnings.catch_warnings():
            # pytrends' own interest_over_time() calls fillna on an object column, which pandas 2.2
            # warns about (pandas 3 does not): the third-party client's warning, not trendlib's
            warnings.filterwarnings("ignore", "Downcasting object dtype arrays", FutureWarning)
            df = t.interest_over_time()
        assert t.interest_over_time_widget["request"]["resolution"] == "WEEK"
    assert (df.index.day_of_week == 6).all()       # weeks start on Sunday
    assert df["isPartial"].tolist()[-1] and not df["isPartial"].iloc[:-1].any()


def test_sample_fixed_within_a_day_new_across_days(fake):
    def pull():
        with pytrends_pointed_at(fake.url) as pr:
            t = pr.TrendReq(retries=0, backoff_factor=0, tz=0)
            t.build_payload(["mobilization"], timeframe="2022-01-01 2022-06-30", geo="RU")
            return t.interest_over_time()["mobilization"]
    a, b = pull(), pull()
    fake.today = "2023-03-02"
    c = pull()
    assert a.equals(b) and (a != c).mean() > 0.3


def test_faults_are_served_and_logged(fake):
    fake.inject("429", endpoint="explore", count=2, retry_after=7)
    base = fake.url + "/api/explore?req=" + urllib.request.quote(json.dumps(
        {"comparisonItem": [{"keyword": "visa", "time": "2022-01-01 2022-02-01", "geo": "RU"}], "category": 0,
         "property": ""}))
    for _ in range(2):
        status, headers, _ = _open(base, post=True)
        assert status == 429 and headers["Retry-After"] == "7"
    status, _, body = _open(base, post=True)
    assert status == 200 and body.startswith(b")]}'\n{")
    assert fake.count("explore", status=429) == 2 and fake.count("explore", status=200) == 1
    fake.inject("no_content_type", endpoint="explore")
    status, headers, _ = _open(base, post=True)
    assert status == 200 and headers.get("Content-Type") is None
    fake.inject("500", endpoint="multiline")
    assert _open(base, post=True)[0] == 200      # the fault waits for its endpoint
    # a storm of ``duration`` seconds: every request received before it ends is refused, the first one
    # after is answered (judged by when the fake received each request, not by how fast this machine is)
    before = time.monotonic()
    fake.inject("429", duration=1.0)
    while (answer := _open(fake.url + "/explore/?geo=US"))[0] == 429:
        assert time.monotonic() - before < 120, "the 429 storm never ended"
        time.sleep(0.02)
    status, headers, _ = answer
    assert status == 200 and "NID=" in headers["Set-Cookie"]
    storm = [r for r in fake.log if r.endpoint == "cookie" and r.at >= before]
    assert storm[-1].status == 200 and storm[-1].at >= before + 1.0
    assert all(r.status == 429 for r in storm if r.at < before + 1.0)


def test_bad_requests_answer_400(fake):
    bad = {"comparisonItem": [{"keyword": f"t{i}", "time": "2022-01-01 2022-02-01", "geo": "RU"} for i in range(6)],
           "category": 0, "property": ""}
    url = fake.url + "/api/explore?req=" + urllib.request.quote(json.dumps(bad))
    assert _open(url, post=True)[0] == 400


def test_module_runs_as_a_server_until_interrupted():
    from tests._proc import interrupt, popen_interruptible
    # its own session and SIGINT restored: Ctrl-C reaches it even when the test run is a background job
    with popen_interruptible("trendlib.testing.fakegoogle", "--port", "0", "--today", "2023-01-01",
                             stdout=subprocess.PIPE, text=True) as proc:
        try:
            line = proc.stdout.readline()
            assert "http://127.0.0.1:" in line and "simulated" in line
            url = line.split(" at ")[1].split()[0]
            assert _open(url + "/explore/?geo=US")[0] == 200
        finally:
            interrupt(proc)
            assert proc.wait(timeout=60) == 0


def test_context_manager_frees_the_port():
    with FakeGoogle(today="2023-01-01") as f:
        port = f.port
        assert _open(f.url + "/explore/?geo=US")[0] == 200
    with pytest.raises(OSError):
        _open(f"http://127.0.0.1:{port}/trends/explore/?geo=US")
