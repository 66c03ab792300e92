"""Fixtures of the Google Trends I/O tests: a running fake Google on loopback and a fast client.

Tests talk to the fake through pytrends' real HTTP code (sockets on 127.0.0.1); nothing of
pytrends is mocked. Rate limit and backoff are tiny so the folder stays fast.
"""
from __future__ import annotations

import datetime as dt

import pytest

from trendlib.testing import simulate
from trendlib.testing.fakegoogle import FakeGoogle

TODAY = dt.date(2023, 3, 1)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    for name in ("TRENDLIB_TRENDS_URL", "TRENDLIB_MIN_INTERVAL", "TRENDLIB_BACKOFF_SECONDS",
                 "TRENDLIB_CACHE_DIR", "TRENDLIB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def make_truth():
    """Latent daily volumes of a few terms in RU, 2021-2022: a step on 2022-09-21, spikes, weekly cycles."""
    start, end = "2020-06-01", "2023-02-28"
    curves = {
        ("mobilization", "RU"): simulate.latent_curve(start, end, baseline=400, weekly=0.1,
                                                      steps=[("2022-09-21", 4.0)],
                                                      spikes=[("2022-09-21", 30.0, 4.0)], noise=0.05, seed=1),
        ("visa", "RU"): simulate.latent_curve(start, end, baseline=3000, weekly=0.25, trend=0.2,
                                              spikes=[("2022-02-24", 3.0, 10.0)], noise=0.05, seed=2),
        ("flights", "RU"): simulate.latent_curve(start, end, baseline=9000, weekly=0.15,
                                                 steps=[("2022-02-24", 0.6)], noise=0.05, seed=3),
        ("rare", "RU"): simulate.latent_curve(start, end, baseline=1.0, seed=4),
    }
    return simulate.latent_frame(curves)


@pytest.fixture(scope="session")
def truth():
    return make_truth()


@pytest.fixture
def fake(truth):
    with FakeGoogle(truth, today=TODAY, seed=11, sample_rate=0.2) as server:
        yield server


@pytest.fixture
def demo_fake():
    """A fake that invents a curve for any term (for the 12-query and CLI tests)."""
    with FakeGoogle(today=TODAY, seed=5, sample_rate=0.2) as server:
        yield server


@pytest.fixture
def client_kwargs():
    return dict(min_interval=0.0, backoff=0.001, timeout=(2.0, 2.0), seed=0)
