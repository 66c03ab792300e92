"""TrendsClient against the fake Google: pytrends' real HTTP path, rate limit, backoff, typed errors."""
from __future__ import annotations

import time

import numpy as np
import pytest
import requests

from trendlib.trends import errors as E
from trendlib.trends.client import (DEFAULT_TRENDS_URL, RateLimiter, TrendsClient, parse_comparedgeo,
                                    parse_multiline, parse_related, pytrends_pointed_at)

# warnings raised by trendlib (or anything it calls) fail these tests
pytestmark = pytest.mark.filterwarnings("error")

WINDOW = "2022-01-01 2022-06-30"


def test_constructor_sends_nothing_and_reads_env(fake, monkeypatch):
    monkeypatch.setenv("TRENDLIB_TRENDS_URL", fake.url)
    monkeypatch.setenv("TRENDLIB_MIN_INTERVAL", "0.25")
    monkeypatch.setenv("TRENDLIB_BACKOFF_SECONDS", "0.5")
    c = TrendsClient()
    assert (c.base_url, c.min_interval, c.backoff) == (fake.url, 0.25, 0.5)
    assert fake.count() == 0 and c.requests_sent == 0
    monkeypatch.delenv("TRENDLIB_TRENDS_URL")
    assert TrendsClient().base_url == DEFAULT_TRENDS_URL
    monkeypatch.setenv("TRENDLIB_MIN_INTERVAL", "fast")
    with pytest.raises(E.BadRequest, match="TRENDLIB_MIN_INTERVAL='fast'"):
        TrendsClient()


def test_pytrends_globals_are_restored():
    from pytrends import request as pr
    before = (pr.BASE_TRENDS_URL, pr.TrendReq.GENERAL_URL, pr.TrendReq.INTEREST_OVER_TIME_URL, pr.requests)
    with pytrends_pointed_at("http://127.0.0.1:9/trends"):
        assert pr.TrendReq.GENERAL_URL == "http://127.0.0.1:9/trends/api/explore"
        assert pr.BASE_TRENDS_URL == "http://127.0.0.1:9/trends"
        assert all(getattr(pr.TrendReq, n).startswith("http://127.0.0.1:9/trends")
                   for n in vars(pr.TrendReq) if n.endswith("_URL"))
    assert (pr.BASE_TRENDS_URL, pr.TrendReq.GENERAL_URL, pr.TrendReq.INTEREST_OVER_TIME_URL, pr.requests) == before


def test_raw_multiline_through_injected_session(fake, client_kwargs):
    session = requests.Session()
    seen = []
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.url))
    c = TrendsClient(base_url=fake.url, session=session, **client_kwargs)
    raw = c.interest_over_time(["visa", "rare", "flights"], timeframe=WINDOW, geo="RU")
    assert raw.text.startswith(")]}',\n") and raw.resolution == "day" and raw.status == 200
    assert len(seen) == 3 and c.requests_sent == 3            # cookie, explore, multiline through our session
    df = parse_multiline(raw.text, terms=["visa", "rare", "flights"], geo="RU", resolution=raw.resolution,
                         expected="day")
    assert list(df.columns) == ["date", "query", "geo", "value", "below_one", "is_partial", "resolution"]
    rare = df[df["query"] == "rare"]
    assert rare["value"].isna().all()                          # hasData false -> NaN, never 0
    assert df["value"].max() == 100 and df["value"].min() >= 0
    session.close()


def test_below_one_and_no_data_are_kept_distinct_from_zero():
    body = (")]}',\n" '{"default":{"timelineData":['
            '{"time":"1640995200","value":[0,0,50],"hasData":[true,false,true],"formattedValue":["<1","","50"]},'
            '{"time":"1641081600","value":[0,3,100],"hasData":[true,true,true],"formattedValue":["0","3","100"],'
            '"isPartial":true}]}}')
    p = parse_multiline(body, terms=["a", "b", "c"], resolution="day", expected="day")
    a, b = p[p["query"] == "a"], p[p["query"] == "b"]
    assert a["below_one"].tolist() == [True, False] and a["value"].tolist() == [0.0, 0.0]
    assert np.isnan(b["value"].iloc[0]) and b["value"].iloc[1] == 3
    assert p.groupby("query")["is_partial"].apply(list).tolist() == [[False, True]] * 3


def test_backoff_under_a_429_storm(fake):
    sleeps = []
    c = TrendsClient(base_url=fake.url, min_interval=0, backoff=1.0, max_attempts=6, seed=3,
                     sleep=sleeps.append)
    fake.inject("429", endpoint="multiline", count=4, retry_after=3)
    raw = c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    assert raw.status == 200 and raw.attempts == 1 + 1 + 5   # cookie, explore, multiline 5 tries
    assert fake.count("multiline", status=429) == 4 and fake.count("multiline", status=200) == 1
    # exponential with jitter (+0..50 %), never below Retry-After (3 s)
    assert len(sleeps) == 4
    for k, s in enumerate(sleeps):
        assert max(3.0, 2.0 ** k) <= s <= max(3.0, 1.5 * 2.0 ** k)
    assert [r["error"] for r in raw.retries] == ["HTTP 429 Too Many Requests"] * 4


def test_429_storm_ends_in_rate_limited_after_bounded_attempts(fake):
    sleeps = []
    c = TrendsClient(base_url=fake.url, min_interval=0, backoff=0.5, max_attempts=3, sleep=sleeps.append)
    fake.inject("429", endpoint="multiline", duration=60)
    with pytest.raises(E.RateLimited) as err:
        c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    assert err.value.exit_code == 3 and "after 3 attempt(s)" in str(err.value)
    assert not isinstance(err.value, E.QuotaExceeded)
    assert fake.count("multiline") == 3 and len(sleeps) == 2


def test_429_on_the_cookie_request_is_survived(fake, client_kwargs):
    fake.inject("429", endpoint="cookie")
    raw = TrendsClient(base_url=fake.url, **client_kwargs).interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    assert raw.status == 200 and fake.count("cookie", status=429) == 1


@pytest.mark.parametrize("fault", ["500", "no_content_type", "invalid_json", "cut"])
def test_transient_faults_are_retried(fake, client_kwargs, fault):
    fake.inject(fault, endpoint="multiline", count=2)
    c = TrendsClient(base_url=fake.url, **client_kwargs)
    raw = c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    assert raw.status == 200 and len(raw.retries) == 2 and fake.count("multiline") == 3
    parse_multiline(raw.text, terms=["visa"], resolution=raw.resolution, expected="day")


@pytest.mark.parametrize("fault", ["500", "cut"])
def test_persistent_server_faults_raise_server_error(fake, client_kwargs, fault):
    fake.inject(fault, endpoint="multiline", count=10)
    with pytest.raises(E.ServerError) as err:
        TrendsClient(base_url=fake.url, max_attempts=2, **client_kwargs).interest_over_time(
            ["visa"], timeframe=WINDOW, geo="RU")
    assert err.value.exit_code == 3


def test_hang_hits_the_timeout_then_retries(fake):
    # the hang outlasts the test: an answer at all means the read timeout cut it and the retry got through
    fake.inject("hang", endpoint="multiline", seconds=3600)
    c = TrendsClient(base_url=fake.url, min_interval=0, backoff=0.001, timeout=(10.0, 2.0))
    raw = c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    assert raw.status == 200 and len(raw.retries) == 1 and "timeout" in raw.retries[0]["error"]


def test_quota_page_raises_at_once(fake, client_kwargs):
    fake.inject("quota", endpoint="explore", count=5)
    with pytest.raises(E.QuotaExceeded):
        TrendsClient(base_url=fake.url, **client_kwargs).interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    assert fake.count("explore") == 1


def test_google_400_is_bad_request_without_retry(fake, client_kwargs):
    with pytest.raises(E.BadRequest) as err:
        TrendsClient(base_url=fake.url, **client_kwargs).interest_over_time(
            ["visa"], timeframe="2022-13-01 2022-14-01", geo="RU")
    assert err.value.exit_code == 2 and fake.count("explore") == 1


def test_wrong_resolution_and_empty_timeline(fake, client_kwargs):
    c = TrendsClient(base_url=fake.url, **client_kwargs)
    fake.inject("wrong_resolution", endpoint="explore", resolution="week")
    raw = c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    with pytest.raises(E.ResolutionMismatch, match="'week'.*expects 'day'"):
        parse_multiline(raw.text, terms=["visa"], resolution=raw.resolution, expected="day")
    fake.inject("empty_timeline", endpoint="multiline")
    raw = c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    with pytest.raises(E.NoData):
        parse_multiline(raw.text, terms=["visa"], resolution=raw.resolution, expected="day")


def test_unreachable_server_is_server_error():
    c = TrendsClient(base_url="http://127.0.0.1:9/trends", min_interval=0, backoff=0.001, max_attempts=2,
                     timeout=(0.5, 0.5))
    with pytest.raises(E.ServerError, match="connection"):
        c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")


def test_rate_limiter_spaces_requests(fake):
    c = TrendsClient(base_url=fake.url, min_interval=0.15, backoff=0.001)
    t0 = time.monotonic()
    c.interest_over_time(["visa"], timeframe=WINDOW, geo="RU")
    c.interest_over_time(["flights"], timeframe=WINDOW, geo="RU")
    assert c.requests_sent == 5 and time.monotonic() - t0 >= 4 * 0.15
    assert fake.count() == 5


def test_rate_limiter_unit():
    now = [0.0]
    slept = []
    lim = RateLimiter(2.0, clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)))
    lim.wait()
    now[0] += 0.5
    lim.wait()
    now[0] += 5
    lim.wait()
    assert slept == [1.5]


def test_region_and_related(fake, client_kwargs):
    c = TrendsClient(base_url=fake.url, **client_kwargs)
    raw = c.interest_by_region(["visa", "flights"], timeframe=WINDOW, geo="RU")
    reg = parse_comparedgeo(raw.text, terms=["visa", "flights"], geo="RU")
    assert set(reg["region_code"]) >= {"RU-MOW", "RU-SPE"} and set(reg["query"]) == {"visa", "flights"}
    raw = c.related_queries("visa", timeframe=WINDOW, geo="RU")
    rel = parse_related(raw.text, term="visa", geo="RU")
    assert set(rel["kind"]) == {"top", "rising"} and rel["breakout"].sum() == 1
    assert rel[rel["kind"] == "top"]["value"].max() == 100


def test_region_special_values_are_kept():
    body = (")]}',\n" '{"default":{"geoMapData":['
            '{"geoCode":"RU-MOW","geoName":"Moscow","value":[100],"formattedValue":["100"],"hasData":[true]},'
            '{"geoCode":"RU-CHU","geoName":"Chukotka","value":[0],"formattedValue":["<1"],"hasData":[true]},'
            '{"geoCode":"RU-NEN","geoName":"Nenets","value":[0],"formattedValue":[""],"hasData":[false]}]}}')
    df = parse_comparedgeo(body, terms=["visa"], geo="RU").set_index("region_code")
    assert df.loc["RU-MOW", "value"] == 100 and not df.loc["RU-MOW", "below_one"]
    assert df.loc["RU-CHU", "value"] == 0 and df.loc["RU-CHU", "below_one"]
    assert np.isnan(df.loc["RU-NEN", "value"]) and not df.loc["RU-NEN", "below_one"]
    with pytest.raises(E.ServerError, match="not valid JSON"):
        parse_comparedgeo(body[:40], terms=["visa"])
