"""Fixtures of the Wikipedia pageviews tests: a running fake Wikimedia API on loopback.

Tests talk to it through trendlib's real HTTP code (requests over sockets on 127.0.0.1);
nothing is mocked. Rate limit and backoff are tiny so the folder stays fast.
"""
from __future__ import annotations

import datetime as dt

import pytest

from trendlib.testing.fakewikimedia import FakeWikimedia

#: the day the tests fetch on (the span may end two days before it)
TODAY = dt.date(2023, 3, 1)
MOB = "Мобилизация_в_России_(2022)"
LARS = "Верхний_Ларс"
ACDC = "AC/DC"
ENV = ("TRENDLIB_WIKIMEDIA_URL", "TRENDLIB_MIN_INTERVAL", "TRENDLIB_BACKOFF_SECONDS", "TRENDLIB_CACHE_DIR",
       "TRENDLIB_OFFLINE", "TRENDLIB_USER_AGENT", "TRENDLIB_MAX_WAIT", "TRENDLIB_TIMEOUT")


def truth() -> dict:
    """Known daily views (all-access, user) of three titles; days not listed have no views."""
    days = [dt.date(2022, 9, 1) + dt.timedelta(days=i) for i in range(61)]
    mob = {d: (0 if d < dt.date(2022, 9, 21) else 50000 // (1 + (d - dt.date(2022, 9, 21)).days)) for d in days}
    lars = {d: 200 + 37 * (i % 7) + (1500 if dt.date(2022, 9, 22) <= d <= dt.date(2022, 9, 30) else 0)
            for i, d in enumerate(days) if i % 5 != 3}                # every fifth day omitted (no views)
    acdc = {dt.date(2021, 12, 30): 11, dt.date(2022, 1, 2): 7, dt.date(2022, 9, 10): 3}
    return {MOB: {d: v for d, v in mob.items() if v}, LARS: lars, ACDC: acdc}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def fake():
    with FakeWikimedia(truth(), created={MOB: "2022-09-20"}) as server:
        yield server


@pytest.fixture
def fast(fake):
    """Keyword arguments of a fast fetch from the fake."""
    return dict(base_url=fake.url, min_interval=0.0, backoff=0.001, fetch_day=TODAY)
